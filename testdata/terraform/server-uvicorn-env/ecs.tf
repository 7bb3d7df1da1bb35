resource "aws_ecs_task_definition" "flags" {
  family                   = "feature-flags"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = var.execution_role_arn

  container_definitions = jsonencode([
    {
      name      = "flags"
      image     = var.image
      essential = true
      command   = ["uvicorn", "flags.api:app", "--host", "0.0.0.0", "--port", "8000"]
      environment = [
        { name = "UVICORN_TIMEOUT_KEEP_ALIVE", value = "75" },
        { name = "UVICORN_WORKERS", value = "2" },
      ]
      portMappings = [{ containerPort = 8000 }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.flags.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "flags"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "flags" {
  name            = "feature-flags"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.flags.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = var.private_subnet_ids
    security_groups = [var.task_security_group_id]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.flags.arn
    container_name   = "flags"
    container_port   = 8000
  }

  depends_on = [aws_lb_listener.http]
}
