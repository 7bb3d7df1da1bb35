variable "aws_region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "eu-west-1"
}

variable "environment" {
  description = "Deployment environment name."
  type        = string
  default     = "production"
}

variable "vpc_id" {
  description = "VPC the service runs in."
  type        = string
  default     = "vpc-0a1b2c3d4e5f60718"
}

variable "public_subnet_ids" {
  description = "Subnets for the load balancer."
  type        = list(string)
  default     = ["subnet-0f1e2d3c4b5a69788", "subnet-0a9b8c7d6e5f40312"]
}

variable "private_subnet_ids" {
  description = "Subnets for the ECS tasks."
  type        = list(string)
  default     = ["subnet-07c6b5a4938271605", "subnet-0d4c3b2a1908f7e6d"]
}

variable "ecr_repository_url" {
  description = "ECR repository of the catalog-api image."
  type        = string
  default     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/catalog-api"
}

variable "image_tag" {
  description = "Tag of the catalog-api image in ECR."
  type        = string
  default     = "1.14.2"
}
