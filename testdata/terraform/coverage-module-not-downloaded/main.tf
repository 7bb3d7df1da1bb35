# The load balancer side is in this root; the ECS service comes from a git
# module that `terraform init` has not downloaded.

resource "aws_lb" "public" {
  name               = "orders-public"
  load_balancer_type = "application"
  idle_timeout       = 300
  subnets            = ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"]
}

resource "aws_lb_target_group" "orders" {
  name                 = "orders"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0a1b2c3d4e5f60710"
  deregistration_delay = 30
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.public.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = "arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.orders.arn
  }
}

module "orders_service" {
  source = "git::https://github.com/example-org/terraform-modules.git//ecs-service?ref=v1.4.0"

  name                = "orders"
  cluster_arn         = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod"
  lb_target_group_arn = aws_lb_target_group.orders.arn
  container_port      = 8000
}
