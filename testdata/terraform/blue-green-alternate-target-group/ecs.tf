resource "aws_ecs_task_definition" "checkout" {
  family                   = "checkout"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([
    {
      name      = "checkout"
      image     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout:7.2.0"
      essential = true
      command   = ["gunicorn", "checkout.wsgi", "-k", "gevent", "--keep-alive", "75", "-b", "0.0.0.0:8000"]
      portMappings = [{ containerPort = 8000 }]
    }
  ])
}

resource "aws_ecs_service" "checkout" {
  name            = "checkout"
  cluster         = var.cluster_arn
  task_definition = aws_ecs_task_definition.checkout.arn
  desired_count   = 3
  launch_type     = "FARGATE"

  deployment_configuration {
    strategy             = "BLUE_GREEN"
    bake_time_in_minutes = 10
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.blue.arn
    container_name   = "checkout"
    container_port   = 8000

    advanced_configuration {
      alternate_target_group_arn = aws_lb_target_group.green.arn
      production_listener_rule   = aws_lb_listener_rule.production.arn
      role_arn                   = var.ecs_infrastructure_role_arn
    }
  }

  network_configuration {
    subnets = var.private_subnets
  }
}
