terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Service   = "shipping-api"
      Team      = "logistics"
      ManagedBy = "terraform"
    }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "logistics"
}

resource "aws_cloudwatch_log_group" "shipping" {
  name              = "/ecs/shipping-api"
  retention_in_days = 30
}
