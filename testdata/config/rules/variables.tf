variable "region" {
  type    = string
  default = "ap-southeast-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-07a8b9cadbecfd6ff"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-07a8b9cadbecfd601", "subnet-07a8b9cadbecfd602"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-07a8b9cadbecfd603", "subnet-07a8b9cadbecfd604"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-07a8b9cadbecfd6a1"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-07a8b9cadbecfd6b2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::778899001122:role/streaming-gateway-execution"
}

variable "image" {
  description = "Container image for streaming-gateway."
  type        = string
  default     = "778899001122.dkr.ecr.ap-southeast-1.amazonaws.com/streaming-gateway:0.8.0"
}
