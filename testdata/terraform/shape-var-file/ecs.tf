resource "aws_ecs_task_definition" "ledger" {
  family                   = "ledger-${var.environment}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory

  container_definitions = jsonencode([
    {
      name      = "ledger"
      image     = var.image
      essential = true
      command = [
        "uvicorn", "ledger.app:app",
        "--host", "0.0.0.0", "--port", "8000",
        "--timeout-keep-alive", tostring(var.keep_alive_timeout),
      ]
      portMappings = [{ containerPort = 8000 }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.ledger.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "ledger"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "ledger" {
  name            = "ledger"
  cluster         = aws_ecs_cluster.ledger.id
  task_definition = aws_ecs_task_definition.ledger.arn
  desired_count   = var.desired_count
  launch_type     = "FARGATE"

  network_configuration {
    subnets = var.subnet_ids
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.ledger.arn
    container_name   = "ledger"
    container_port   = 8000
  }
}
