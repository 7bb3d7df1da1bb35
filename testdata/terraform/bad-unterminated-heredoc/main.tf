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
      Service   = "events-api"
      Team      = "analytics"
      ManagedBy = "terraform"
    }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "analytics"
}

resource "aws_cloudwatch_log_group" "events" {
  name              = "/ecs/events-api"
  retention_in_days = 30
}
