variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-01b2c3d4e5f6a7bff"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-01b2c3d4e5f6a7b01", "subnet-01b2c3d4e5f6a7b02"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-01b2c3d4e5f6a7b03", "subnet-01b2c3d4e5f6a7b04"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-01b2c3d4e5f6a7ba1"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-01b2c3d4e5f6a7bb2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::181920212223:role/shipping-api-execution"
}

variable "image" {
  description = "Container image for shipping-api."
  type        = string
  default     = "181920212223.dkr.ecr.eu-west-1.amazonaws.com/shipping-api:2.9.0"
}
