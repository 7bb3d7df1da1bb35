variable "region" {
  type    = string
  default = "us-west-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-0b2c3d4e5f607a8ff"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-0b2c3d4e5f607a801", "subnet-0b2c3d4e5f607a802"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-0b2c3d4e5f607a803", "subnet-0b2c3d4e5f607a804"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-0b2c3d4e5f607a8a1"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-0b2c3d4e5f607a8b2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::121314151617:role/marketing-site-execution"
}

variable "image" {
  description = "Container image for marketing-site."
  type        = string
  default     = "121314151617.dkr.ecr.us-west-1.amazonaws.com/marketing-site:2024.08.14"
}
