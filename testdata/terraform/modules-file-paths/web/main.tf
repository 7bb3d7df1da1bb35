variable "listener_arn" {}
variable "region" {}

resource "aws_lb_target_group" "web" {
  name                 = "exchange-web"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0aa1bb2cc3dd4ee5f"
  deregistration_delay = 120
}

resource "aws_lb_listener_rule" "web" {
  listener_arn = var.listener_arn
  priority     = 10

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }

  condition {
    path_pattern {
      values = ["/*"]
    }
  }
}

# Relative to the root directory, where Terraform runs (not to this module).
resource "aws_ecs_task_definition" "web" {
  family = "exchange-web"
  container_definitions = templatefile("./web/task.json.tpl", {
    region = var.region
  })
}

resource "aws_ecs_service" "web" {
  name            = "exchange-web"
  task_definition = aws_ecs_task_definition.web.arn

  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "web"
    container_port   = 8000
  }
}
