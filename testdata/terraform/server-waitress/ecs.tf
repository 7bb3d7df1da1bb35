resource "aws_ecs_task_definition" "portal" {
  family                   = "legacy-portal"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = var.execution_role_arn

  container_definitions = jsonencode([
    {
      name      = "portal"
      image     = var.image
      essential = true
      command = [
        "waitress-serve",
        "--listen=0.0.0.0:8080",
        "--threads=8",
        "--channel-timeout=30",
        "portal.app:application",
      ]
      portMappings = [{ containerPort = 8080 }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.portal.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "portal"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "portal" {
  name            = "legacy-portal"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.portal.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = var.private_subnet_ids
    security_groups = [var.task_security_group_id]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.portal.arn
    container_name   = "portal"
    container_port   = 8080
  }

  depends_on = [aws_lb_listener.http]
}
