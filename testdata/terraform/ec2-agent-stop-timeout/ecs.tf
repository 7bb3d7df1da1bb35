resource "aws_ecs_task_definition" "billing" {
  family       = "billing"
  network_mode = "bridge"

  container_definitions = jsonencode([
    {
      name              = "billing"
      image             = var.image
      essential         = true
      memoryReservation = 512
      command = [
        "gunicorn", "billing.wsgi:application",
        "--worker-class", "gevent",
        "--keep-alive", "75",
        "--graceful-timeout", "25",
        "--bind", "0.0.0.0:8000",
      ]
      portMappings = [{ containerPort = 8000, hostPort = 0 }]
    }
  ])
}

resource "aws_ecs_service" "billing" {
  name            = "billing"
  cluster         = aws_ecs_cluster.billing.id
  task_definition = aws_ecs_task_definition.billing.arn
  desired_count   = 2
  launch_type     = "EC2"

  load_balancer {
    target_group_arn = aws_lb_target_group.billing.arn
    container_name   = "billing"
    container_port   = 8000
  }

  depends_on = [aws_lb_listener.http]
}
