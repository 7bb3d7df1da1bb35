variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "name" {
  type    = string
  default = "orders-api"
}

variable "vpc_id" {
  type    = string
  default = "vpc-0a1b2c3d4e5f60718"
}

variable "public_subnets" {
  type    = list(string)
  default = ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"]
}

variable "private_subnets" {
  type    = list(string)
  default = ["subnet-0c3d4e5f607182930", "subnet-0d4e5f60718293a41"]
}

variable "image" {
  type    = string
  default = "456789012345.dkr.ecr.eu-west-1.amazonaws.com/orders-api:v1.8.2"
}
