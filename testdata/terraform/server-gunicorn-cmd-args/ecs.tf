resource "aws_ecs_task_definition" "quotes" {
  family                   = "quotes-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = var.execution_role_arn

  container_definitions = jsonencode([
    {
      name      = "quotes"
      image     = var.image
      essential = true
      command   = ["gunicorn", "--worker-class", "gevent", "--bind", "0.0.0.0:8000", "quotes.app:app"]
      environment = [
        { name = "GUNICORN_CMD_ARGS", value = "--keep-alive 30 --workers 3" },
        { name = "FLASK_ENV", value = "production" },
      ]
      portMappings = [{ containerPort = 8000, protocol = "tcp" }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.quotes.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "quotes"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "quotes" {
  name            = "quotes-api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.quotes.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = var.private_subnet_ids
    security_groups = [var.task_security_group_id]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.quotes.arn
    container_name   = "quotes"
    container_port   = 8000
  }

  depends_on = [aws_lb_listener.http]
}
