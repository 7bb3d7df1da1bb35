variable "region" {
  type    = string
  default = "us-east-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-09cadbecfd0e1f8ff"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-09cadbecfd0e1f801", "subnet-09cadbecfd0e1f802"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-09cadbecfd0e1f803", "subnet-09cadbecfd0e1f804"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-09cadbecfd0e1f8a1"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-09cadbecfd0e1f8b2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::990011223344:role/legacy-portal-execution"
}

variable "image" {
  description = "Container image for legacy-portal."
  type        = string
  default     = "990011223344.dkr.ecr.us-east-1.amazonaws.com/legacy-portal:2019.3"
}
