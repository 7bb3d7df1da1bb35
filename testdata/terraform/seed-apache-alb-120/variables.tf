variable "vpc_id" {
  type    = string
  default = "vpc-04d1e2f3a4b5c6d7e"
}

variable "alb_subnets" {
  type    = list(string)
  default = ["subnet-0aa11bb22cc33dd44", "subnet-0ee55ff66aa77bb88"]
}

variable "task_subnets" {
  type    = list(string)
  default = ["subnet-0123abcd4567ef890", "subnet-0fedcba9876543210"]
}

variable "certificate_arn" {
  type    = string
  default = "arn:aws:acm:eu-central-1:210987654321:certificate/5b0c2a7e-3c1d-4f6a-9b8e-7d6c5b4a3f21"
}
