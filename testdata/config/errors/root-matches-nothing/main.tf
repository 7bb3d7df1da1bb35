variable "idle_timeout" {
  type    = number
  default = 60
}

resource "aws_lb" "web" {
  name         = "web"
  idle_timeout = var.idle_timeout
}

resource "aws_lb_target_group" "web" {
  name                 = "web"
  port                 = 8000
  protocol             = "HTTP"
  deregistration_delay = 60
}

resource "aws_lb_listener" "web" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_ecs_task_definition" "web" {
  family = "web"
  container_definitions = jsonencode([{
    name    = "web"
    image   = "public.ecr.aws/docker/library/python:3.12-slim"
    command = ["uvicorn", "--timeout-keep-alive", "75", "--host", "0.0.0.0", "app:app"]
  }])
}

resource "aws_ecs_service" "web" {
  name            = "web"
  task_definition = aws_ecs_task_definition.web.arn

  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "web"
    container_port   = 8000
  }
}
