terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

resource "aws_ecs_cluster" "main" {
  name = "tickets"
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/tickets"
  retention_in_days = 30
}
