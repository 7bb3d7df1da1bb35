variable "region" {
  type    = string
  default = "us-east-2"
}

variable "vpc_id" {
  type    = string
  default = "vpc-06f7a8b9cadbec5ff"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-06f7a8b9cadbec501", "subnet-06f7a8b9cadbec502"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-06f7a8b9cadbec503", "subnet-06f7a8b9cadbec504"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-06f7a8b9cadbec5a1"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-06f7a8b9cadbec5b2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::667788990011:role/feature-flags-execution"
}

variable "image" {
  description = "Container image for feature-flags."
  type        = string
  default     = "667788990011.dkr.ecr.us-east-2.amazonaws.com/feature-flags:2.0.1"
}
