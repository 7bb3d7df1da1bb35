resource "aws_ecs_task_definition" "catalog" {
  family                   = "catalog-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = var.execution_role_arn

  container_definitions = jsonencode([
    {
      name      = "catalog"
      image     = var.image
      essential = true
      command = [
        "gunicorn", "catalog.asgi:application",
        "--worker-class", "asgi",
        "--workers", "4",
        "--bind", "0.0.0.0:8000",
      ]
      portMappings = [{ containerPort = 8000 }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.catalog.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "catalog"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "catalog" {
  name            = "catalog-api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.catalog.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = var.private_subnet_ids
    security_groups = [var.task_security_group_id]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.catalog.arn
    container_name   = "catalog"
    container_port   = 8000
  }

  depends_on = [aws_lb_listener.http]
}
