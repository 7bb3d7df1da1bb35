resource "aws_ecs_task_definition" "payments" {
  family                   = "payments"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([
    {
      name         = "payments"
      image        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments:12.0.1"
      command      = ["uvicorn", "payments.asgi:app", "--host", "0.0.0.0", "--port", "8000", "--timeout-keep-alive", "95"]
      portMappings = [{ containerPort = 8000 }]
    }
  ])
}

resource "aws_ecs_service" "payments" {
  name            = "payments"
  cluster         = "payments"
  task_definition = aws_ecs_task_definition.payments.arn
  desired_count   = 3
  launch_type     = "FARGATE"

  deployment_controller {
    type = "CODE_DEPLOY"
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.blue.arn
    container_name   = "payments"
    container_port   = 8000
  }

  network_configuration {
    subnets = ["subnet-0a1b2c3d4e5f60011"]
  }

  lifecycle {
    ignore_changes = [task_definition, load_balancer]
  }
}
