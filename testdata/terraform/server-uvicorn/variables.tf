variable "region" {
  type    = string
  default = "eu-west-2"
}

variable "vpc_id" {
  type    = string
  default = "vpc-05e6f7a8b9cadb4ff"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-05e6f7a8b9cadb401", "subnet-05e6f7a8b9cadb402"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-05e6f7a8b9cadb403", "subnet-05e6f7a8b9cadb404"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-05e6f7a8b9cadb4a1"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-05e6f7a8b9cadb4b2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::556677889900:role/recommendations-execution"
}

variable "image" {
  description = "Container image for recommendations."
  type        = string
  default     = "556677889900.dkr.ecr.eu-west-2.amazonaws.com/recommendations:1.12.3"
}
