variable "listener_arn" {}

resource "aws_lb_target_group" "api" {
  name                 = "exchange-api"
  port                 = 3000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0aa1bb2cc3dd4ee5f"
  deregistration_delay = 120
}

resource "aws_lb_listener_rule" "api" {
  listener_arn = var.listener_arn
  priority     = 5

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }

  condition {
    path_pattern {
      values = ["/api/*"]
    }
  }
}

resource "aws_ecs_task_definition" "api" {
  family                = "exchange-api"
  container_definitions = file("${path.module}/containers.json")
}

resource "aws_ecs_service" "api" {
  name            = "exchange-api"
  task_definition = aws_ecs_task_definition.api.arn

  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
    container_name   = "api"
    container_port   = 3000
  }
}
