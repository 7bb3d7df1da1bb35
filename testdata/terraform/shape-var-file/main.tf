terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }

  backend "s3" {}
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Service     = "ledger"
      Environment = var.environment
    }
  }
}

resource "aws_ecs_cluster" "ledger" {
  name = "ledger-${var.environment}"
}

resource "aws_cloudwatch_log_group" "ledger" {
  name              = "/ecs/ledger-${var.environment}"
  retention_in_days = 60
}
