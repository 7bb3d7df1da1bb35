resource "aws_ecs_task_definition" "docs" {
  family                   = "docs-portal"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512

  container_definitions = jsonencode([
    {
      name      = "httpd"
      image     = "httpd:2.4"
      essential = true
      command   = ["httpd-foreground", "-c", "KeepAliveTimeout 150", "-c", "Timeout 150"]
      portMappings = [
        { containerPort = 80, protocol = "tcp" }
      ]
      mountPoints = []
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.docs.name
          awslogs-region        = "eu-central-1"
          awslogs-stream-prefix = "httpd"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "docs" {
  name            = "docs-portal"
  cluster         = aws_ecs_cluster.intranet.id
  task_definition = aws_ecs_task_definition.docs.arn
  desired_count   = 1
  launch_type     = "FARGATE"

  network_configuration {
    subnets = var.task_subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.docs.arn
    container_name   = "httpd"
    container_port   = 80
  }
}
