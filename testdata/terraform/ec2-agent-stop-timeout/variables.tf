variable "region" {
  type    = string
  default = "eu-central-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-0b1c2d3e4f5a6b7c8"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-0b1c2d3e4f5a6b701", "subnet-0b1c2d3e4f5a6b702"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-0b1c2d3e4f5a6b703", "subnet-0b1c2d3e4f5a6b704"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-0b1c2d3e4f5a6b7a1"
}

variable "ecs_ami_id" {
  description = "ECS-optimized Amazon Linux 2023 AMI."
  type        = string
  default     = "ami-0b1c2d3e4f5a6b7c9"
}

variable "instance_profile_name" {
  type    = string
  default = "billing-ecs-instance"
}

variable "image" {
  type    = string
  default = "303132333435.dkr.ecr.eu-central-1.amazonaws.com/billing:2.4.1"
}
