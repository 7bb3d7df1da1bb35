resource "aws_lb" "public" {
  name               = "reports-public"
  load_balancer_type = "application"
  idle_timeout       = 120
  subnets            = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
}

resource "aws_lb_target_group" "reports" {
  name                 = "reports"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0a1b2c3d4e5f60000"
  deregistration_delay = 150
}

# The listener is written against the load balancer as read back by name,
# as the ingress module this was reduced from does.
data "aws_lb" "public" {
  name = aws_lb.public.name
}

data "aws_lb_target_group" "reports" {
  arn = aws_lb_target_group.reports.arn
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = data.aws_lb.public.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = data.aws_lb_target_group.reports.arn
  }
}
