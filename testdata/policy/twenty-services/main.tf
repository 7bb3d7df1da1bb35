# Twenty copies of one service (count = 20): more services than a part of
# a per-service policy holds, so a rule that counts services must see the
# whole document, and a rule about each service must see each one.

resource "aws_lb" "web" {
  count              = 20
  name               = "web-${count.index}"
  load_balancer_type = "application"
  idle_timeout       = 60
}

resource "aws_lb_target_group" "web" {
  count                = 20
  name                 = "web-${count.index}"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  deregistration_delay = 90
}

resource "aws_lb_listener" "http" {
  count             = 20
  load_balancer_arn = aws_lb.web[count.index].arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web[count.index].arn
  }
}

resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  requires_compatibilities = ["FARGATE"]
  container_definitions = jsonencode([
    {
      name         = "web"
      image        = "web:2.3.0"
      command      = ["gunicorn", "--worker-class", "gthread", "--keep-alive", "62", "--timeout", "120", "--bind", "0.0.0.0:8000", "web.wsgi"]
      portMappings = [{ containerPort = 8000 }]
    }
  ])
}

resource "aws_ecs_service" "web" {
  count           = 20
  name            = "web-${count.index}"
  task_definition = aws_ecs_task_definition.web.arn
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.web[count.index].arn
    container_name   = "web"
    container_port   = 8000
  }
}
