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
      Service   = "status-page"
      Team      = "sre"
      ManagedBy = "terraform"
    }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "sre"
}

resource "aws_cloudwatch_log_group" "status" {
  name              = "/ecs/status-page"
  retention_in_days = 30
}
