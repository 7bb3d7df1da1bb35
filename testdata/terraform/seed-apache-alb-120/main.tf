terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }

  backend "s3" {
    bucket = "intranet-terraform-state"
    key    = "docs-portal/terraform.tfstate"
    region = "eu-central-1"
  }
}

provider "aws" {
  region = "eu-central-1"
}

resource "aws_ecs_cluster" "intranet" {
  name = "intranet"
}

resource "aws_cloudwatch_log_group" "docs" {
  name              = "/ecs/docs-portal"
  retention_in_days = 90
}
