resource "aws_ecs_task_definition" "status" {
  family                   = "status-page"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = var.execution_role_arn

  container_definitions = jsonencode([
    {
      name         = "status"
      image        = var.image
      essential    = true
      command      = ["node", "dist/server.js"]
      portMappings = [{ containerPort = 3000 }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.status.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "status"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "status" {
  name            = "status-page"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.status.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = var.private_subnet_ids
    security_groups = [var.task_security_group_id]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.status.arn
    container_name   = "status"
    container_port   = 3000
  }

  depends_on = [aws_lb_listener.http]
}
