variable "region" {
  type    = string
  default = "us-east-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-00a1b2c3d4e5f6aff"
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-00a1b2c3d4e5f6a03", "subnet-00a1b2c3d4e5f6a04"]
}

variable "task_security_group_id" {
  type    = string
  default = "sg-00a1b2c3d4e5f6ab2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::171819202122:role/ledger-gateway-execution"
}

variable "image" {
  description = "Container image for ledger-gateway."
  type        = string
  default     = "171819202122.dkr.ecr.us-east-1.amazonaws.com/ledger-gateway:1.4.2"
}
