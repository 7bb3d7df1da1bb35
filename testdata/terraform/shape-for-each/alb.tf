resource "aws_lb" "main" {
  name               = "pricing"
  load_balancer_type = "application"
  subnets            = var.public_subnets
  idle_timeout       = 60
}

resource "aws_lb_target_group" "svc" {
  for_each = var.services

  name                 = "pricing-${each.key}"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 90

  health_check {
    path = "/healthz"
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.main.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.svc["blue"].arn
  }
}

resource "aws_lb_listener_rule" "svc" {
  for_each = var.services

  listener_arn = aws_lb_listener.https.arn
  priority     = each.value.priority

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.svc[each.key].arn
  }

  condition {
    host_header {
      values = ["${each.key}.pricing.example.com"]
    }
  }
}
