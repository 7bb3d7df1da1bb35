variable "region" {
  type    = string
  default = "eu-central-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-0e5f607a8b9c0d1ff"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-0e5f607a8b9c0d101", "subnet-0e5f607a8b9c0d102"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-0e5f607a8b9c0d103", "subnet-0e5f607a8b9c0d104"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-0e5f607a8b9c0d1a1"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-0e5f607a8b9c0d1b2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::151617181920:role/payments-execution"
}

variable "image" {
  description = "Container image for payments."
  type        = string
  default     = "httpd:2.4"
}
