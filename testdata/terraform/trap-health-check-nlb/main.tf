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
      Service   = "ledger-gateway"
      Team      = "payments"
      ManagedBy = "terraform"
    }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "payments"
}

resource "aws_cloudwatch_log_group" "gateway" {
  name              = "/ecs/ledger-gateway"
  retention_in_days = 30
}
