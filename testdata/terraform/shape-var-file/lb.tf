resource "aws_lb" "ledger" {
  name               = "ledger-${var.environment}"
  load_balancer_type = "application"
  internal           = true
  subnets            = var.subnet_ids
  idle_timeout       = var.alb_idle_timeout
}

resource "aws_lb_target_group" "ledger" {
  name                 = "ledger-${var.environment}"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay

  health_check {
    path = "/healthz"
  }
}

resource "aws_lb_listener" "ledger" {
  load_balancer_arn = aws_lb.ledger.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.ledger.arn
  }
}
