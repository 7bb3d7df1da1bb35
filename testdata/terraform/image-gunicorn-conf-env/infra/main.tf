resource "aws_lb" "billing" {
  name               = "billing"
  load_balancer_type = "application"
  subnets            = ["subnet-0d1e2f3a4b5c60001", "subnet-0d1e2f3a4b5c60002"]
}

resource "aws_lb_target_group" "billing" {
  name                 = "billing-api"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0d1e2f3a4b5c60000"
  deregistration_delay = 90
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.billing.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.billing.arn
  }
}

resource "aws_ecs_task_definition" "billing" {
  family                   = "billing-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 1024
  memory                   = 2048

  # No command: the image's CMD starts gunicorn, whose gunicorn.conf.py
  # takes its settings from these variables.
  container_definitions = jsonencode([
    {
      name         = "api"
      image        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/billing-api:4.2.0"
      essential    = true
      stopTimeout  = 45
      portMappings = [{ containerPort = 8000 }]
      environment = [
        { name = "GUNICORN_WORKERS", value = "4" },
        { name = "GUNICORN_KEEPALIVE", value = "2" },
      ]
    }
  ])
}

resource "aws_ecs_service" "billing" {
  name            = "billing-api"
  cluster         = "arn:aws:ecs:eu-west-1:123456789012:cluster/shop"
  task_definition = aws_ecs_task_definition.billing.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.billing.arn
    container_name   = "api"
    container_port   = 8000
  }

  network_configuration {
    subnets = ["subnet-0d1e2f3a4b5c60011"]
  }
}
