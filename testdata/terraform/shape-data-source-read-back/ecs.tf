resource "aws_ecs_task_definition" "reports" {
  family                   = "reports"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([
    {
      name         = "reports"
      image        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/reports:3.1.0"
      command      = ["gunicorn", "reports.wsgi", "--worker-class", "gevent", "--bind", "0.0.0.0:8000"]
      portMappings = [{ containerPort = 8000 }]
    }
  ])
}

resource "aws_ecs_service" "reports" {
  name            = "reports"
  cluster         = "arn:aws:ecs:eu-west-1:123456789012:cluster/main"
  task_definition = aws_ecs_task_definition.reports.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = data.aws_lb_target_group.reports.arn
    container_name   = "reports"
    container_port   = 8000
  }

  network_configuration {
    subnets = ["subnet-0a1b2c3d4e5f60011"]
  }
}
