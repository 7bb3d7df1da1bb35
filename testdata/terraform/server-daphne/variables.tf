variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-08b9cadbecfd0e7ff"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-08b9cadbecfd0e701", "subnet-08b9cadbecfd0e702"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-08b9cadbecfd0e703", "subnet-08b9cadbecfd0e704"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-08b9cadbecfd0e7a1"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-08b9cadbecfd0e7b2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::889900112233:role/chat-execution"
}

variable "image" {
  description = "Container image for chat."
  type        = string
  default     = "889900112233.dkr.ecr.eu-west-1.amazonaws.com/chat:4.0.0"
}
