resource "aws_ecs_task_definition" "reports" {
  family                   = "reports-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = var.execution_role_arn

  container_definitions = jsonencode([
    {
      name      = "reports"
      image     = var.image
      essential = true
      command = [
        "gunicorn", "reports.wsgi:application",
        "--worker-class", "gthread",
        "--threads", "8",
        "--keep-alive", "75",
        "--bind", "0.0.0.0:8000",
      ]
      portMappings = [{ containerPort = 8000 }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.reports.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "reports"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "reports" {
  name            = "reports-api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.reports.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = var.private_subnet_ids
    security_groups = [var.task_security_group_id]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.reports.arn
    container_name   = "reports"
    container_port   = 8000
  }

  depends_on = [aws_lb_listener.http]
}
