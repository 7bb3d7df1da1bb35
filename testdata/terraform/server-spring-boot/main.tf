terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "eu-central-1"
}

resource "aws_ecs_cluster" "main" {
  name = "orders"
}

locals {
  vpc_id          = "vpc-0c1d2e3f4a5b6c7d8"
  public_subnets  = ["subnet-0c1d2e3f4a5b6c701", "subnet-0c1d2e3f4a5b6c702"]
  private_subnets = ["subnet-0c1d2e3f4a5b6c703", "subnet-0c1d2e3f4a5b6c704"]
  registry        = "210987654321.dkr.ecr.eu-central-1.amazonaws.com"
}
