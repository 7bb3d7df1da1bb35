variable "region" {
  type    = string
  default = "eu-west-3"
}

variable "vpc_id" {
  type    = string
  default = "vpc-06a7b8c9d0e1f2aff"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-06a7b8c9d0e1f2a01", "subnet-06a7b8c9d0e1f2a02"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-06a7b8c9d0e1f2a03", "subnet-06a7b8c9d0e1f2a04"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-06a7b8c9d0e1f2aa1"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-06a7b8c9d0e1f2ab2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::262728293031:role/boutique-execution"
}

variable "image" {
  description = "Container image for boutique."
  type        = string
  default     = "262728293031.dkr.ecr.eu-west-3.amazonaws.com/boutique:2.0.0"
}
