terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      Project     = "catalog"
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "catalog-${var.environment}"

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_cloudwatch_log_group" "api" {
  name              = "/ecs/catalog-api"
  retention_in_days = 30
}
