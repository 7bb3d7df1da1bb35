resource "aws_ecs_task_definition" "web" {
  family       = "shop-web"
  network_mode = "bridge"

  container_definitions = jsonencode([
    {
      name              = "web"
      image             = var.web_image
      essential         = true
      memoryReservation = 512
      stopTimeout       = 30
      command = [
        "gunicorn",
        "--worker-class", "gevent",
        "--workers", "3",
        "--keep-alive", "65",
        "--bind", "0.0.0.0:8000",
        "shop.wsgi:application",
      ]
      portMappings = [
        { containerPort = 8000, hostPort = 8000, protocol = "tcp" }
      ]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.web.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "web"
        }
      }
    }
  ])

  tags = local.tags
}

resource "aws_ecs_service" "web" {
  name            = "shop-web"
  cluster         = aws_ecs_cluster.shop.id
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 2
  launch_type     = "EC2"
  iam_role        = var.ecs_service_role_arn

  load_balancer {
    elb_name       = aws_elb.web.name
    container_name = "web"
    container_port = 8000
  }

  tags = local.tags
}
