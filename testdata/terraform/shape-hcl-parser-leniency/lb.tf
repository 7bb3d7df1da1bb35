resource "aws_lb" "public" {
  name               = var.name
  load_balancer_type = "application"
  subnets            = var.public_subnets
  idle_timeout       = local.idle_timeouts["public"]
}

resource "aws_lb_target_group" "api" {
  name                 = "${var.name}-api"
  port                 = local.target_groups.api.port
  protocol             = local.target_groups.api.protocol
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = local.target_groups.api.deregistration_delay

  health_check {
    path     = local.target_groups.api.health_check_path
    interval = 15
    timeout  = 5
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.public.arn
  port              = local.listeners.http.port
  protocol          = local.listeners.http.protocol

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}
