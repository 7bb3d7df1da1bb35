# Two gRPC-over-HTTP/1.1 gateways behind Network Load Balancers. Their
# clients hold connections open between bursts, so the servers keep idle
# connections 400 s.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.73"
    }
  }
}

locals {
  vpc_id  = "vpc-0e1f2a3b4c5d6e7f8"
  subnets = ["subnet-0e1f2a3b4c5d6e701", "subnet-0e1f2a3b4c5d6e702"]
  command = ["uvicorn", "gateway.app:app", "--host", "0.0.0.0", "--port", "8000", "--timeout-keep-alive", "400"]
}

resource "aws_ecs_cluster" "main" {
  name = "gateways"
}

resource "aws_ecs_task_definition" "gateway" {
  family                   = "gateway"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([
    {
      name         = "gateway"
      image        = "345678901234.dkr.ecr.us-west-2.amazonaws.com/gateway:7.1.0"
      essential    = true
      command      = local.command
      portMappings = [{ containerPort = 8000 }]
    }
  ])
}
