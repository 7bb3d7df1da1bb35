resource "aws_ecs_task_definition" "svc" {
  for_each = var.services

  family                   = "pricing-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([
    {
      name      = "pricing"
      image     = "${var.image_repo}:${each.value.image_tag}"
      essential = true
      command = [
        "hypercorn", "pricing.asgi:app",
        "--bind", "0.0.0.0:8000",
        "--workers", "2",
        "--keep-alive", tostring(each.value.keep_alive),
      ]
      portMappings = [{ containerPort = 8000, protocol = "tcp" }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.svc[each.key].name
          awslogs-region        = var.region
          awslogs-stream-prefix = each.key
        }
      }
    }
  ])
}

resource "aws_ecs_service" "svc" {
  for_each = var.services

  name            = "pricing-${each.key}"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.svc[each.key].arn
  desired_count   = each.value.desired_count
  launch_type     = "FARGATE"

  network_configuration {
    subnets = var.private_subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.svc[each.key].arn
    container_name   = "pricing"
    container_port   = 8000
  }
}
