variable "name" {}
variable "port" {}
variable "command" {}
variable "priority" {}
variable "host" {}
variable "listener_arn" {}

variable "enabled" {
  type    = bool
  default = true
}

resource "aws_lb_target_group" "this" {
  count = var.enabled ? 1 : 0

  name                 = var.name
  port                 = var.port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0123456789abcdef0"
  deregistration_delay = 120
}

resource "aws_lb_listener_rule" "this" {
  count = var.enabled ? 1 : 0

  listener_arn = var.listener_arn
  priority     = var.priority

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this[0].arn
  }

  condition {
    host_header {
      values = [var.host]
    }
  }
}

resource "aws_ecs_task_definition" "this" {
  family = var.name

  container_definitions = jsonencode([
    {
      name         = var.name
      image        = "123456789012.dkr.ecr.us-east-1.amazonaws.com/${var.name}:latest"
      command      = var.command
      portMappings = [{ containerPort = var.port }]
    }
  ])
}

resource "aws_ecs_service" "this" {
  count = var.enabled ? 1 : 0

  name            = var.name
  task_definition = aws_ecs_task_definition.this.arn
  desired_count   = 2

  load_balancer {
    target_group_arn = aws_lb_target_group.this[count.index].arn
    container_name   = var.name
    container_port   = var.port
  }
}
