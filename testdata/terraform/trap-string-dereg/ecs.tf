resource "aws_ecs_task_definition" "shipping" {
  family                   = "shipping-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = var.execution_role_arn

  container_definitions = jsonencode([
    {
      name         = "shipping"
      image        = var.image
      essential    = true
      command      = ["gunicorn", "-k", "gevent", "--keep-alive", "75", "--bind", "0.0.0.0:8000", "shipping.wsgi"]
      portMappings = [{ containerPort = 8000 }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.shipping.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "shipping"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "shipping" {
  name            = "shipping-api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.shipping.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = var.private_subnet_ids
    security_groups = [var.task_security_group_id]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.shipping.arn
    container_name   = "shipping"
    container_port   = 8000
  }

  depends_on = [aws_lb_listener.http]
}
