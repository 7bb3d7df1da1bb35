variable "env" {
  type    = string
  default = "staging"
}

variable "region" {
  type    = string
  default = "eu-west-2"
}

variable "vpc_id" {
  type    = string
  default = "vpc-05c4b3a291807f6e5"
}

variable "subnet_ids" {
  type    = list(string)
  default = ["subnet-01f2e3d4c5b6a7980", "subnet-0a9b8c7d6e5f43210"]
}

variable "lb_security_group_id" {
  type    = string
  default = "sg-00aa11bb22cc33dd4"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-0ee55ff66aa77bb88"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::567890123456:role/orders-staging-execution"
}

variable "ecr_repository_url" {
  type    = string
  default = "567890123456.dkr.ecr.eu-west-2.amazonaws.com/orders"
}

variable "image_tag" {
  type    = string
  default = "sha-3f9c2e1"
}

variable "container_port" {
  type    = number
  default = 8080
}

variable "extra_environment" {
  description = "Additional environment variables for the orders container."
  type        = map(string)
  default = {
    DATABASE_POOL_SIZE = "10"
    SENTRY_ENVIRONMENT = "staging"
  }
}
