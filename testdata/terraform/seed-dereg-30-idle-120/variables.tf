variable "region" {
  type    = string
  default = "us-west-2"
}

variable "name" {
  type    = string
  default = "search-api"
}

variable "vpc_id" {
  type    = string
  default = "vpc-0bb7a1c2d3e4f5061"
}

variable "public_subnets" {
  type    = list(string)
  default = ["subnet-0c1a2b3c4d5e6f708", "subnet-0d2b3c4d5e6f70819"]
}

variable "private_subnets" {
  type    = list(string)
  default = ["subnet-0e3c4d5e6f708192a", "subnet-0f4d5e6f708192a3b"]
}

variable "image" {
  type    = string
  default = "345678901234.dkr.ecr.us-west-2.amazonaws.com/search-api:v3.2.0"
}
