resource "aws_lb" "internal" {
  name               = "ledger-gateway"
  internal           = true
  load_balancer_type = "network"
  subnets            = var.private_subnet_ids
}

# An NLB accepts a health check timeout equal to its interval.
resource "aws_lb_target_group" "gateway" {
  name        = "ledger-gateway"
  port        = 8000
  protocol    = "TCP"
  target_type = "ip"
  vpc_id      = var.vpc_id

  health_check {
    protocol            = "TCP"
    interval            = 10
    timeout             = 10
    healthy_threshold   = 3
    unhealthy_threshold = 3
  }
}

# No timeout: a TCP health check of an NLB target group defaults to 10 s,
# not the 5 s of an ALB's, which is above this interval.
resource "aws_lb_target_group" "admin" {
  name        = "ledger-admin"
  port        = 8001
  protocol    = "TCP"
  target_type = "ip"
  vpc_id      = var.vpc_id

  health_check {
    protocol = "TCP"
    interval = 8
  }
}

resource "aws_lb_listener" "tcp" {
  load_balancer_arn = aws_lb.internal.arn
  port              = 80
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.gateway.arn
  }
}

resource "aws_lb_listener" "admin" {
  load_balancer_arn = aws_lb.internal.arn
  port              = 8001
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.admin.arn
  }
}
