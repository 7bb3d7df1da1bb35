variable "region" {
  type    = string
  default = "us-west-2"
}

variable "vpc_id" {
  type    = string
  default = "vpc-04d5e6f7a8b9ca3ff"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-04d5e6f7a8b9ca301", "subnet-04d5e6f7a8b9ca302"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-04d5e6f7a8b9ca303", "subnet-04d5e6f7a8b9ca304"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-04d5e6f7a8b9ca3a1"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-04d5e6f7a8b9ca3b2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::445566778899:role/tickets-execution"
}

variable "image" {
  description = "Container image for tickets."
  type        = string
  default     = "445566778899.dkr.ecr.us-west-2.amazonaws.com/tickets:5.2.0"
}
