resource "aws_lb" "orders" {
  name               = "orders"
  load_balancer_type = "application"
  subnets            = ["subnet-03a9e8d7c6b5a4f30", "subnet-03a9e8d7c6b5a4f31"]
  security_groups    = ["sg-0f1e2d3c4b5a69788"]

  # Raised from 60 for the nightly export endpoint.
  idle_timeout = 120
}

resource "aws_lb_target_group" "api" {
  name        = "orders-api"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = "vpc-0e7d6c5b4a3f2e1d0"

  health_check {
    path     = "/healthz"
    interval = 20
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.orders.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = local.api_target_group_arn
  }
}
