variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-01a2b3c4d5e6f70ff"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-01a2b3c4d5e6f7001", "subnet-01a2b3c4d5e6f7002"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-01a2b3c4d5e6f7003", "subnet-01a2b3c4d5e6f7004"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-01a2b3c4d5e6f70a1"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-01a2b3c4d5e6f70b2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::112233445566:role/billing-web-execution"
}

variable "image" {
  description = "Container image for billing-web."
  type        = string
  default     = "112233445566.dkr.ecr.eu-west-1.amazonaws.com/billing-web:2024.7.2"
}
