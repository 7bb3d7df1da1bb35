variable "region" {
  default = "us-east-2"
}

variable "vpc_id" {
  default = "vpc-0123456789abcdef0"
}

variable "public_subnets" {
  default = ["subnet-0aaa1111bbbb22223", "subnet-0cccc3333dddd4444"]
}

variable "private_subnets" {
  default = ["subnet-0eee5555ffff66667", "subnet-0abc7777def888899"]
}

variable "alb_sg" {
  default = "sg-0f0e0d0c0b0a09080"
}

variable "execution_role_arn" {
  default = "arn:aws:iam::678901234567:role/cms-ecs-execution"
}

variable "api_image" {
  default = "678901234567.dkr.ecr.us-east-2.amazonaws.com/cms-api:4.2.1"
}

variable "admin_image" {
  default = "678901234567.dkr.ecr.us-east-2.amazonaws.com/cms-admin:4.2.1"
}

variable "api_keepalive" {
  description = "gunicorn --keep-alive for the API workers"
  default     = 30
}
