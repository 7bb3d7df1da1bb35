# The cluster, its Auto Scaling group and launch template live in the
# platform team's repository; this one only runs the service on them.
resource "aws_ecs_task_definition" "ledger" {
  family       = "ledger"
  network_mode = "bridge"

  container_definitions = jsonencode([
    {
      name              = "ledger"
      image             = "303132333435.dkr.ecr.eu-central-1.amazonaws.com/ledger:5.0.2"
      essential         = true
      memoryReservation = 256
      command = [
        "gunicorn", "ledger.wsgi:application",
        "--worker-class", "gevent",
        "--keep-alive", "75",
        "--graceful-timeout", "25",
        "--bind", "0.0.0.0:8000",
      ]
      portMappings = [{ containerPort = 8000, hostPort = 0 }]
    }
  ])
}

resource "aws_ecs_service" "ledger" {
  name            = "ledger"
  cluster         = "arn:aws:ecs:eu-central-1:303132333435:cluster/platform"
  task_definition = aws_ecs_task_definition.ledger.arn
  desired_count   = 2

  capacity_provider_strategy {
    capacity_provider = "platform-asg"
    weight            = 1
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.ledger.arn
    container_name   = "ledger"
    container_port   = 8000
  }

  depends_on = [aws_lb_listener.http]
}
