resource "aws_lb" "app" {
  name               = "shop-web"
  load_balancer_type = "application"
  subnets            = ["subnet-0f1e2d3c4b5a69788", "subnet-0a9b8c7d6e5f40312"]
  idle_timeout       = 60
}

resource "aws_lb_target_group" "app" {
  name        = "shop-web"
  port        = 8000
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = "vpc-0a1b2c3d4e5f60718"
  deregistration_delay = 30

  health_check {
    path     = "/healthz"
    interval = 30
    timeout  = 5
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.app.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}
