resource "aws_ecs_task_definition" "rails" {
  family                   = "helpdesk"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = var.execution_role_arn

  container_definitions = jsonencode([
    {
      name             = "rails"
      image            = var.image
      essential        = true
      workingDirectory = "/app"
      command          = ["./bin/thrust", "./bin/rails", "server"]
      environment = [
        { name = "RAILS_ENV", value = "production" },
        { name = "RAILS_LOG_TO_STDOUT", value = "1" },
      ]
      portMappings = [{ containerPort = 80 }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.rails.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "rails"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "rails" {
  name            = "helpdesk"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.rails.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = var.private_subnet_ids
    security_groups = [var.task_security_group_id]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.rails.arn
    container_name   = "rails"
    container_port   = 80
  }

  depends_on = [aws_lb_listener.http]
}
