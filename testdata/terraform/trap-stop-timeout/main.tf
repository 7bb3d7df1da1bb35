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
      Service   = "exports"
      Team      = "data"
      ManagedBy = "terraform"
    }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "data"
}

resource "aws_cloudwatch_log_group" "exports" {
  name              = "/ecs/exports"
  retention_in_days = 30
}
