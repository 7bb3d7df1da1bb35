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
    Team        = "storefront"
    Service     = "shop-web"
    Environment = var.environment
  }
}

resource "aws_ecs_cluster" "shop" {
  name = "shop-${var.environment}"
  tags = local.tags
}

resource "aws_cloudwatch_log_group" "web" {
  name              = "/ecs/shop-web-${var.environment}"
  retention_in_days = 14
  tags              = local.tags
}
