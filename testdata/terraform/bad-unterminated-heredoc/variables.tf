variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-05f6a7b8c9d0e1fff"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-05f6a7b8c9d0e1f01", "subnet-05f6a7b8c9d0e1f02"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-05f6a7b8c9d0e1f03", "subnet-05f6a7b8c9d0e1f04"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-05f6a7b8c9d0e1fa1"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-05f6a7b8c9d0e1fb2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::252627282930:role/events-api-execution"
}

variable "image" {
  description = "Container image for events-api."
  type        = string
  default     = "252627282930.dkr.ecr.eu-west-1.amazonaws.com/events-api:4.4.0"
}
