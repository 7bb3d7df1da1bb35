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

resource "aws_ecs_cluster" "main" {
  name = var.service_name
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/${var.service_name}"
  retention_in_days = var.log_retention_days
}

resource "aws_lb" "app" {
  name               = var.service_name
  load_balancer_type = "application"
  subnets            = var.public_subnet_ids
  idle_timeout       = var.alb_idle_timeout

  access_logs {
    bucket  = var.access_logs_bucket
    prefix  = var.service_name
    enabled = true
  }
}

resource "aws_lb_target_group" "app" {
  name                 = var.service_name
  port                 = 5000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay

  health_check {
    path     = "/ping"
    interval = 20
    timeout  = 5
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.app.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}
