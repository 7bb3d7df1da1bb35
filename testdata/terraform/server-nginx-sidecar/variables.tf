variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-0c0ffee0c0ffee012"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-0c0ffee0c0ffee101", "subnet-0c0ffee0c0ffee102"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-0c0ffee0c0ffee201", "subnet-0c0ffee0c0ffee202"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-0c0ffee0c0ffee301"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-0c0ffee0c0ffee302"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::212223242526:role/wiki-execution"
}

variable "ecr_registry" {
  type    = string
  default = "212223242526.dkr.ecr.eu-west-1.amazonaws.com"
}

variable "image_tag" {
  type    = string
  default = "2024.09.0"
}
