provider "aws" {
  region = var.region
}

resource "aws_ecs_cluster" "main" {
  name = "intranet-tools"
}

resource "aws_lb" "tools" {
  name               = "intranet-tools"
  internal           = true
  load_balancer_type = "application"
  subnets            = var.subnet_ids
  idle_timeout       = 60
}

resource "aws_lb_target_group" "app" {
  name        = "intranet-tools-app"
  port        = 8000
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = var.vpc_id
}

resource "aws_lb_target_group" "admin" {
  name        = "intranet-tools-admin"
  port        = 8000
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = var.vpc_id
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.tools.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
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
