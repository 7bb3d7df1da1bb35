# A storefront and a reporting backend, each an ECS service behind its own
# ALB, both served through CloudFront.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.13"
    }
  }
}

locals {
  vpc_id  = "vpc-0a1b2c3d4e5f60718"
  subnets = ["subnet-0a1b2c3d4e5f60701", "subnet-0a1b2c3d4e5f60702"]
}

resource "aws_ecs_cluster" "main" {
  name = "shop"
}

resource "aws_ecs_task_definition" "store" {
  family                   = "store"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([
    {
      name         = "store"
      image        = "456789012345.dkr.ecr.eu-west-1.amazonaws.com/store:3.2.0"
      essential    = true
      command      = ["uvicorn", "store.main:app", "--host", "0.0.0.0", "--port", "8000", "--timeout-keep-alive", "75"]
      portMappings = [{ containerPort = 8000 }]
    }
  ])
}

resource "aws_ecs_task_definition" "reports" {
  family                   = "reports"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 1024
  memory                   = 2048

  container_definitions = jsonencode([
    {
      name         = "reports"
      image        = "456789012345.dkr.ecr.eu-west-1.amazonaws.com/reports:1.9.4"
      essential    = true
      command      = ["uvicorn", "reports.main:app", "--host", "0.0.0.0", "--port", "8000", "--timeout-keep-alive", "130"]
      portMappings = [{ containerPort = 8000 }]
    }
  ])
}
