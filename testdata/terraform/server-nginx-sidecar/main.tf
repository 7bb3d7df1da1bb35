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
  name = "wiki"
}

resource "aws_cloudwatch_log_group" "wiki" {
  name              = "/ecs/wiki"
  retention_in_days = 30
}

resource "aws_lb" "wiki" {
  name               = "wiki"
  load_balancer_type = "application"
  subnets            = var.public_subnet_ids
  security_groups    = [var.alb_security_group_id]
  idle_timeout       = 60
}

resource "aws_lb_target_group" "wiki" {
  name        = "wiki"
  port        = 80
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = var.vpc_id

  health_check {
    path = "/nginx-health"
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.wiki.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.wiki.arn
  }
}
