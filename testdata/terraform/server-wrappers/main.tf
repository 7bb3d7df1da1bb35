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
      Service   = "search-indexer-api"
      Team      = "search"
      ManagedBy = "terraform"
    }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "search"
}

resource "aws_cloudwatch_log_group" "api" {
  name              = "/ecs/search-indexer-api"
  retention_in_days = 30
}
