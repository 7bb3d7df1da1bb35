locals {
  # The module's own defaults, overridden by what the caller sets. The
  # caller's object always has keep_alive (optional() fills it in), so 75
  # never applies.
  service = merge({ keep_alive = 75 }, var.service)

  container = {
    name      = var.service.name
    image     = var.container.image
    essential = true
    command = [
      "gunicorn", "-k", "gevent",
      "--workers", tostring(local.service.workers),
      "--keep-alive", tostring(local.service.keep_alive),
      "--bind", "0.0.0.0:${local.service.port}",
      "app.wsgi:application",
    ]
    cpu               = var.container.cpu
    memoryReservation = var.container.memory_reservation
    environment       = [for k, v in var.container.environment : { name = k, value = v }]
    portMappings      = [{ containerPort = local.service.port, protocol = "tcp" }]
  }

  # Leave out what the caller did not set.
  container_definition = { for k, v in local.container : k => v if v != null }
}

resource "aws_lb_target_group" "this" {
  count = var.create ? 1 : 0

  name        = var.service.name
  port        = local.service.port
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = "vpc-0a1b2c3d4e5f60718"

  health_check {
    path     = var.health_check.path
    interval = var.health_check.interval
    timeout  = var.health_check.timeout
  }
}

resource "aws_lb_listener_rule" "this" {
  count = var.create ? 1 : 0

  listener_arn = var.listener_arn
  priority     = local.service.priority

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this[0].arn
  }

  condition {
    path_pattern {
      values = ["/${var.service.name}/*"]
    }
  }
}

resource "aws_ecs_task_definition" "this" {
  count = var.create ? 1 : 0

  family                   = var.service.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  container_definitions    = jsonencode([local.container_definition])
}

resource "aws_ecs_service" "this" {
  count = var.create ? 1 : 0

  name            = var.service.name
  task_definition = aws_ecs_task_definition.this[0].arn
  desired_count   = 2
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.this[0].arn
    container_name   = var.service.name
    container_port   = local.service.port
  }
}
