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
      Service   = "feature-flags"
      Team      = "platform"
      ManagedBy = "terraform"
    }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "platform"
}

resource "aws_cloudwatch_log_group" "flags" {
  name              = "/ecs/feature-flags"
  retention_in_days = 30
}
