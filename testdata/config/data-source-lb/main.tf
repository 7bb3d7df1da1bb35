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

# The ALB is owned by the platform team's stack; services add their own
# listener on a dedicated port.
data "aws_lb" "shared" {
  name = "platform-shared-alb"
}

data "aws_ecs_cluster" "shared" {
  cluster_name = "platform-shared"
}

resource "aws_cloudwatch_log_group" "loyalty" {
  name              = "/ecs/loyalty"
  retention_in_days = 30
}
