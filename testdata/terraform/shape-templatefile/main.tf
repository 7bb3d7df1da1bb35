terraform {
  required_version = ">= 1.3"

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
  name = "orders-${var.env}"

  command = [
    "uvicorn", "orders.main:app",
    "--host", "0.0.0.0",
    "--port", tostring(var.container_port),
    "--proxy-headers",
    "--timeout-keep-alive", "30",
  ]

  environment = merge(var.extra_environment, {
    APP_ENV   = var.env
    LOG_LEVEL = "info"
  })
}

resource "aws_ecs_cluster" "this" {
  name = local.name
}

resource "aws_cloudwatch_log_group" "orders" {
  name              = "/ecs/${local.name}"
  retention_in_days = 14
}

resource "aws_lb" "orders" {
  name            = local.name
  internal        = true
  subnets         = var.subnet_ids
  security_groups = [var.lb_security_group_id]
}

resource "aws_lb_target_group" "orders" {
  name                 = local.name
  port                 = var.container_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 90

  health_check {
    path = "/healthz"
  }
}

resource "aws_lb_listener" "orders" {
  load_balancer_arn = aws_lb.orders.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.orders.arn
  }
}

resource "aws_ecs_task_definition" "orders" {
  family                   = local.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = var.execution_role_arn

  container_definitions = templatefile("${path.module}/task.json.tftpl", {
    name        = "orders"
    image       = "${var.ecr_repository_url}:${var.image_tag}"
    port        = var.container_port
    command     = local.command
    environment = local.environment
    log_group   = aws_cloudwatch_log_group.orders.name
    region      = var.region
  })
}

resource "aws_ecs_service" "orders" {
  name            = local.name
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.orders.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = var.subnet_ids
    security_groups = [var.task_security_group_id]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.orders.arn
    container_name   = "orders"
    container_port   = var.container_port
  }
}
