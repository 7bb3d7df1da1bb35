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
      Service   = "chat"
      Team      = "community"
      ManagedBy = "terraform"
    }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "community"
}

resource "aws_cloudwatch_log_group" "chat" {
  name              = "/ecs/chat"
  retention_in_days = 30
}
