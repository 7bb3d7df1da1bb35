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
      Service   = "helpdesk"
      Team      = "support"
      ManagedBy = "terraform"
    }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "support"
}

resource "aws_cloudwatch_log_group" "rails" {
  name              = "/ecs/helpdesk"
  retention_in_days = 30
}
