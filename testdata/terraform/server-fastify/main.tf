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
      Service   = "storefront-bff"
      Team      = "web"
      ManagedBy = "terraform"
    }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "web"
}

resource "aws_cloudwatch_log_group" "bff" {
  name              = "/ecs/storefront-bff"
  retention_in_days = 30
}
