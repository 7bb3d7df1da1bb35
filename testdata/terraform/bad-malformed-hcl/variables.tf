variable "region" {
  type    = string
  default = "us-east-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-04e5f6a7b8c9d0eff"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-04e5f6a7b8c9d0e01", "subnet-04e5f6a7b8c9d0e02"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-04e5f6a7b8c9d0e03", "subnet-04e5f6a7b8c9d0e04"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-04e5f6a7b8c9d0ea1"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-04e5f6a7b8c9d0eb2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::242526272829:role/status-page-execution"
}

variable "image" {
  description = "Container image for status-page."
  type        = string
  default     = "242526272829.dkr.ecr.us-east-1.amazonaws.com/status-page:1.3.0"
}
