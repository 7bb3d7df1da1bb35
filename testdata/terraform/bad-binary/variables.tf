variable "region" {
  type    = string
  default = "us-west-2"
}

variable "vpc_id" {
  type    = string
  default = "vpc-07b8c9d0e1f2a3bff"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-07b8c9d0e1f2a3b01", "subnet-07b8c9d0e1f2a3b02"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-07b8c9d0e1f2a3b03", "subnet-07b8c9d0e1f2a3b04"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-07b8c9d0e1f2a3ba1"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-07b8c9d0e1f2a3bb2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::272829303132:role/thumbnails-execution"
}

variable "image" {
  description = "Container image for thumbnails."
  type        = string
  default     = "272829303132.dkr.ecr.us-west-2.amazonaws.com/thumbnails:0.7.5"
}
