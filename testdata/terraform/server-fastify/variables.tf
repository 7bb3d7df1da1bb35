variable "region" {
  type    = string
  default = "sa-east-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-0a1b2c3d4e5f607ff"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-0a1b2c3d4e5f60701", "subnet-0a1b2c3d4e5f60702"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-0a1b2c3d4e5f60703", "subnet-0a1b2c3d4e5f60704"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-0a1b2c3d4e5f607a1"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-0a1b2c3d4e5f607b2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::101112131415:role/storefront-bff-execution"
}

variable "image" {
  description = "Container image for storefront-bff."
  type        = string
  default     = "101112131415.dkr.ecr.sa-east-1.amazonaws.com/storefront-bff:7.3.1"
}
