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
      Service   = "legacy-portal"
      Team      = "backoffice"
      ManagedBy = "terraform"
    }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "backoffice"
}

resource "aws_cloudwatch_log_group" "portal" {
  name              = "/ecs/legacy-portal"
  retention_in_days = 30
}
