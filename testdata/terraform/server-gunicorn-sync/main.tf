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
      Service   = "billing-web"
      Team      = "billing"
      ManagedBy = "terraform"
    }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "billing"
}

resource "aws_cloudwatch_log_group" "web" {
  name              = "/ecs/billing-web"
  retention_in_days = 30
}
