variable "region" {
  type    = string
  default = "eu-west-2"
}

variable "vpc_id" {
  type    = string
  default = "vpc-03d4e5f6a7b8c9dff"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-03d4e5f6a7b8c9d01", "subnet-03d4e5f6a7b8c9d02"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-03d4e5f6a7b8c9d03", "subnet-03d4e5f6a7b8c9d04"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-03d4e5f6a7b8c9da1"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-03d4e5f6a7b8c9db2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::202122232425:role/exports-execution"
}

variable "image" {
  description = "Container image for exports."
  type        = string
  default     = "202122232425.dkr.ecr.eu-west-2.amazonaws.com/exports:0.19.0"
}
