variable "public_subnets" {
  type    = list(string)
  default = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
}

variable "private_subnets" {
  type    = list(string)
  default = ["subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012"]
}

variable "vpc_id" {
  type    = string
  default = "vpc-0a1b2c3d4e5f60000"
}

variable "certificate_arn" {
  type    = string
  default = "arn:aws:acm:eu-west-1:123456789012:certificate/5f1c9a57-1e0b-4c55-9d0a-1f2e3d4c5b6a"
}

variable "cluster_arn" {
  type    = string
  default = "arn:aws:ecs:eu-west-1:123456789012:cluster/shop"
}

variable "ecs_infrastructure_role_arn" {
  type    = string
  default = "arn:aws:iam::123456789012:role/ecs-infrastructure"
}
