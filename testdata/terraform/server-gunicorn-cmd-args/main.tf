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
      Service   = "quotes-api"
      Team      = "pricing"
      ManagedBy = "terraform"
    }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "pricing"
}

resource "aws_cloudwatch_log_group" "quotes" {
  name              = "/ecs/quotes-api"
  retention_in_days = 30
}
