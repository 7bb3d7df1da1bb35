resource "aws_ecs_task_definition" "site" {
  family                   = "marketing-site"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = var.execution_role_arn

  container_definitions = jsonencode([
    {
      name      = "site"
      image     = var.image
      essential = true
      command   = ["node_modules/.bin/next", "start", "--hostname", "0.0.0.0", "--port", "3000", "--keepAliveTimeout", "70000"]
      environment = [
        { name = "NODE_ENV", value = "production" },
        { name = "NEXT_TELEMETRY_DISABLED", value = "1" },
      ]
      portMappings = [{ containerPort = 3000 }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.site.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "site"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "site" {
  name            = "marketing-site"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.site.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = var.private_subnet_ids
    security_groups = [var.task_security_group_id]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.site.arn
    container_name   = "site"
    container_port   = 3000
  }

  depends_on = [aws_lb_listener.http]
}
