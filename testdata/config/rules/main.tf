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
      Service   = "streaming-gateway"
      Team      = "media"
      ManagedBy = "terraform"
    }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "media"
}

resource "aws_cloudwatch_log_group" "gateway" {
  name              = "/ecs/streaming-gateway"
  retention_in_days = 30
}
