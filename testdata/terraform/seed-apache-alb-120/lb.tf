resource "aws_lb" "docs" {
  name               = "docs-portal"
  internal           = true
  load_balancer_type = "application"
  subnets            = var.alb_subnets

  # Report exports can stream for up to two minutes.
  idle_timeout = 120

  tags = {
    Name = "docs-portal"
  }
}

resource "aws_lb_target_group" "docs" {
  name                 = "docs-portal"
  port                 = 80
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 150

  health_check {
    path    = "/"
    matcher = "200"
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.docs.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.docs.arn
  }
}
