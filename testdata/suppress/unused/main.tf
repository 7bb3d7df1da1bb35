terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

resource "aws_ecs_cluster" "main" {
  name = "search"
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/search"
  retention_in_days = 30
}

variable "idle_timeout" {
  description = "ALB idle timeout of the reports ALB, set per environment."
  type        = number
}

# keepalign:ignore KA101 -- access logs are written by AWS, not by the service
resource "aws_s3_bucket" "alb_logs" {
  bucket = "search-alb-logs"
}
