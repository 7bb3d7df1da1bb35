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
      Service   = "boutique"
      Team      = "ecommerce"
      ManagedBy = "terraform"
    }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "ecommerce"
}

resource "aws_cloudwatch_log_group" "boutique" {
  name              = "/ecs/boutique"
  retention_in_days = 30
}
