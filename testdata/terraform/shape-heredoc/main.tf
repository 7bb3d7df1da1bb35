provider "aws" {
  region = var.region
}

resource "aws_ecs_cluster" "cms" {
  name = "cms"
}

resource "aws_cloudwatch_log_group" "cms" {
  name              = "/ecs/cms"
  retention_in_days = 30
}

resource "aws_lb" "cms" {
  name               = "cms"
  load_balancer_type = "application"
  subnets            = var.public_subnets
  security_groups    = [var.alb_sg]
  idle_timeout       = 60
}

resource "aws_lb_target_group" "api" {
  name        = "cms-api"
  port        = 8000
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = var.vpc_id

  health_check {
    path = "/api/health"
  }
}

resource "aws_lb_target_group" "admin" {
  name        = "cms-admin"
  port        = 9000
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = var.vpc_id

  health_check {
    path = "/admin/login/"
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.cms.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}

resource "aws_lb_listener_rule" "admin" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 10

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.admin.arn
  }

  condition {
    path_pattern {
      values = ["/admin/*"]
    }
  }
}
