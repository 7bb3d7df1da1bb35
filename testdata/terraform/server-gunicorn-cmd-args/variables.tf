variable "region" {
  type    = string
  default = "eu-central-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-03c4d5e6f7a8b92ff"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-03c4d5e6f7a8b9201", "subnet-03c4d5e6f7a8b9202"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-03c4d5e6f7a8b9203", "subnet-03c4d5e6f7a8b9204"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-03c4d5e6f7a8b92a1"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-03c4d5e6f7a8b92b2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::334455667788:role/quotes-api-execution"
}

variable "image" {
  description = "Container image for quotes-api."
  type        = string
  default     = "334455667788.dkr.ecr.eu-central-1.amazonaws.com/quotes-api:0.44.1"
}
