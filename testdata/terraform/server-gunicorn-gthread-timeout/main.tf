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
      Service   = "reports-api"
      Team      = "identity"
      ManagedBy = "terraform"
    }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "identity"
}

resource "aws_cloudwatch_log_group" "reports" {
  name              = "/ecs/reports-api"
  retention_in_days = 30
}
