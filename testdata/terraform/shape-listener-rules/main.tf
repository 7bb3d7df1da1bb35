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
}

locals {
  tags = {
    Product = "marketplace"
    Owner   = "platform-team"
  }
}

resource "aws_ecs_cluster" "marketplace" {
  name = "marketplace"
  tags = local.tags
}

resource "aws_cloudwatch_log_group" "marketplace" {
  name              = "/ecs/marketplace"
  retention_in_days = 30
  tags              = local.tags
}
