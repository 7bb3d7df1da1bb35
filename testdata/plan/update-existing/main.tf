terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.50"
    }
  }
}

provider "aws" {
  region = "us-east-2"
}

locals {
  # One place to swap the service to a blue/green target group later.
  api_target_group_arn = aws_lb_target_group.api.arn
}

variable "image_tag" {
  default = "7.3.0"
}

resource "aws_ecs_cluster" "orders" {
  name = "orders"

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_cloudwatch_log_group" "api" {
  name              = "/ecs/orders-api"
  retention_in_days = 14
}
