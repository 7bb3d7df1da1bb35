# The checkout API deploys with ECS's built-in blue/green strategy: each
# deployment starts the new tasks in the alternate target group, then ECS
# moves the production listener rule over to it. The two target groups
# take turns serving production traffic.

resource "aws_lb" "checkout" {
  name               = "checkout"
  load_balancer_type = "application"
  idle_timeout       = 60
  subnets            = var.public_subnets
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.checkout.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = var.certificate_arn

  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "404"
    }
  }
}

resource "aws_lb_listener_rule" "production" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 10

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.blue.arn
  }

  condition {
    path_pattern {
      values = ["/checkout/*"]
    }
  }

  # ECS switches the rule between blue and green during deployments.
  lifecycle {
    ignore_changes = [action]
  }
}

resource "aws_lb_target_group" "blue" {
  name                 = "checkout-blue"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 90
}

resource "aws_lb_target_group" "green" {
  name                 = "checkout-green"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 5
}
