variable "name" {
  type = string
}

variable "listener_arn" {
  type = string
}

variable "priority" {
  type = number
}

variable "path_pattern" {
  type = string
}

variable "image" {
  type = string
}

variable "command" {
  type = list(string)
}

variable "deregistration_delay" {
  type    = number
  default = 90
}

resource "aws_lb_target_group" "this" {
  name                 = var.name
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0c1d2e3f4a5b6c7d8"
  deregistration_delay = var.deregistration_delay
}

resource "aws_lb_listener_rule" "this" {
  listener_arn = var.listener_arn
  priority     = var.priority

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }

  condition {
    path_pattern {
      values = [var.path_pattern]
    }
  }
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([
    {
      name         = "app"
      image        = var.image
      command      = var.command
      portMappings = [{ containerPort = 8000 }]
    }
  ])
}

resource "aws_ecs_service" "this" {
  name            = var.name
  cluster         = "arn:aws:ecs:eu-west-1:123456789012:cluster/shop"
  task_definition = aws_ecs_task_definition.this.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.this.arn
    container_name   = "app"
    container_port   = 8000
  }
}

output "target_group_arn" {
  value = aws_lb_target_group.this.arn
}
