resource "aws_ecs_task_definition" "forum" {
  family       = "forum"
  network_mode = "bridge"

  container_definitions = jsonencode([
    {
      name      = "forum"
      image     = var.image
      essential = true
      memory    = 768
      command   = ["gunicorn", "--worker-class", "gevent", "--keep-alive", "75", "--bind", "0.0.0.0:8080", "forum.wsgi:application"]
      portMappings = [
        { containerPort = 8080, hostPort = 8080 }
      ]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.forum.name
          awslogs-region        = "us-east-1"
          awslogs-stream-prefix = "forum"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "forum" {
  name            = "forum"
  cluster         = aws_ecs_cluster.legacy.id
  task_definition = aws_ecs_task_definition.forum.arn
  desired_count   = 2
  iam_role        = var.ecs_service_role

  load_balancer {
    elb_name       = aws_elb.forum.name
    container_name = "forum"
    container_port = 8080
  }

  ordered_placement_strategy {
    type  = "spread"
    field = "attribute:ecs.availability-zone"
  }
}
