variable "region" {
  type    = string
  default = "us-east-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-0d4e5f607a8b9c0ff"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-0d4e5f607a8b9c001", "subnet-0d4e5f607a8b9c002"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-0d4e5f607a8b9c003", "subnet-0d4e5f607a8b9c004"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-0d4e5f607a8b9c0a1"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-0d4e5f607a8b9c0b2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::141516171819:role/accounts-execution"
}

variable "image" {
  description = "Container image for accounts."
  type        = string
  default     = "141516171819.dkr.ecr.us-east-1.amazonaws.com/accounts:8.1.0"
}
