resource "aws_ecs_task_definition" "chat" {
  family                   = "chat"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = var.execution_role_arn

  container_definitions = jsonencode([
    {
      name         = "chat"
      image        = var.image
      essential    = true
      command      = ["daphne", "-b", "0.0.0.0", "-p", "8000", "chat.asgi:application"]
      portMappings = [{ containerPort = 8000, protocol = "tcp" }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.chat.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "chat"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "chat" {
  name            = "chat"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.chat.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = var.private_subnet_ids
    security_groups = [var.task_security_group_id]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.chat.arn
    container_name   = "chat"
    container_port   = 8000
  }

  depends_on = [aws_lb_listener.http]
}
