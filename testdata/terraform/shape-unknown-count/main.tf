# A reusable root where everything is optional: count and for_each depend on
# variables that have no value until the pipeline passes them.
variable "create" {
  type = bool
}

variable "services" {
  type = map(object({ image = string }))
}

resource "aws_lb" "main" {
  count              = var.create ? 1 : 0
  name               = "edge"
  load_balancer_type = "application"
  idle_timeout       = 60
}

resource "aws_lb_target_group" "app" {
  count       = var.create ? 1 : 0
  name        = "edge-app"
  port        = 8000
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = "vpc-0123456789abcdef0"
}

resource "aws_lb_listener" "http" {
  count             = var.create ? 1 : 0
  load_balancer_arn = aws_lb.main[0].arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app[0].arn
  }
}

resource "aws_ecs_task_definition" "app" {
  for_each = var.services
  family   = each.key

  container_definitions = jsonencode([
    {
      name    = "app"
      image   = each.value.image
      command = ["gunicorn", "-k", "gevent", "-b", "0.0.0.0:8000", "app:app"]
    }
  ])
}

resource "aws_ecs_service" "app" {
  count           = var.create ? 1 : 0
  name            = "edge-app"
  task_definition = aws_ecs_task_definition.app["api"].arn

  load_balancer {
    target_group_arn = aws_lb_target_group.app[0].arn
    container_name   = "app"
    container_port   = 8000
  }
}
