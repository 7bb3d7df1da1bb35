variable "region" {
  type    = string
  default = "us-east-1"
}

variable "environment" {
  type    = string
  default = "prod"
}

variable "subnet_ids" {
  description = "Public subnets the Classic ELB spans."
  type        = list(string)
  default     = ["subnet-1a2b3c4d", "subnet-5e6f7a8b"]
}

variable "elb_security_group_id" {
  type    = string
  default = "sg-0c1d2e3f4a5b6c7d8"
}

variable "ecs_service_role_arn" {
  description = "IAM role ECS uses to register container instances with the ELB."
  type        = string
  default     = "arn:aws:iam::123456789012:role/ecsServiceRole"
}

variable "web_image" {
  type    = string
  default = "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-web:2024.06.1"
}
