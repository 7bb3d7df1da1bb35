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
      Service   = "recommendations"
      Team      = "discovery"
      ManagedBy = "terraform"
    }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "discovery"
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/recommendations"
  retention_in_days = 30
}
