variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-0c3d4e5f607a8b9ff"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-0c3d4e5f607a8b901", "subnet-0c3d4e5f607a8b902"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-0c3d4e5f607a8b903", "subnet-0c3d4e5f607a8b904"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-0c3d4e5f607a8b9a1"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-0c3d4e5f607a8b9b2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::131415161718:role/helpdesk-execution"
}

variable "image" {
  description = "Container image for helpdesk."
  type        = string
  default     = "123456789012.dkr.ecr.us-east-1.amazonaws.com/helpdesk:8.0.2"
}
