resource "aws_ecs_task_definition" "bff" {
  family                   = "storefront-bff"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = var.execution_role_arn

  container_definitions = jsonencode([
    {
      name      = "bff"
      image     = var.image
      essential = true
      command   = ["npx", "fastify", "start", "--address", "0.0.0.0", "-p", "3000", "app.js"]
      environment = [
        { name = "NODE_ENV", value = "production" },
        { name = "PORT", value = "3000" },
      ]
      portMappings = [{ containerPort = 3000 }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.bff.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "bff"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "bff" {
  name            = "storefront-bff"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.bff.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = var.private_subnet_ids
    security_groups = [var.task_security_group_id]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.bff.arn
    container_name   = "bff"
    container_port   = 3000
  }

  depends_on = [aws_lb_listener.http]
}
