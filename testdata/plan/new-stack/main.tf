terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.45"
    }
  }
}

provider "aws" {
  region = var.region
}

resource "aws_ecs_cluster" "main" {
  name = "ledger"
}

resource "aws_cloudwatch_log_group" "web" {
  name              = "/ecs/ledger-web"
  retention_in_days = 30
}
