resource "aws_ecs_task_definition" "exports" {
  family                   = "exports"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = var.execution_role_arn

  container_definitions = jsonencode([
    {
      name        = "exports"
      image       = var.image
      essential   = true
      stopTimeout = 30
      command = [
        "gunicorn", "exports.wsgi:application",
        "--worker-class", "gevent",
        "--keep-alive", "75",
        "--graceful-timeout", "60",
        "--bind", "0.0.0.0:8000",
      ]
      portMappings = [{ containerPort = 8000 }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.exports.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "exports"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "exports" {
  name            = "exports"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.exports.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = var.private_subnet_ids
    security_groups = [var.task_security_group_id]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.exports.arn
    container_name   = "exports"
    container_port   = 8000
  }

  depends_on = [aws_lb_listener.http]
}
