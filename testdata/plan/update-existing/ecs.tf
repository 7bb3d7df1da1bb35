resource "aws_ecs_task_definition" "api" {
  family                   = "orders-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = "arn:aws:iam::210987654321:role/orders-api-execution"

  container_definitions = jsonencode([
    {
      name      = "api"
      image     = "210987654321.dkr.ecr.us-east-2.amazonaws.com/orders-api:${var.image_tag}"
      essential = true
      command = [
        "uvicorn", "orders.app:app",
        "--host", "0.0.0.0", "--port", "8080",
        "--proxy-headers",
        "--timeout-keep-alive", "75",
      ]
      environment = [
        { name = "ORDERS_DB_HOST", value = "orders.cluster-c8xk2.us-east-2.rds.amazonaws.com" },
      ]
      portMappings = [{ containerPort = 8080 }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.api.name
          awslogs-region        = "us-east-2"
          awslogs-stream-prefix = "api"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "api" {
  name            = "orders-api"
  cluster         = aws_ecs_cluster.orders.arn
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 3
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = ["subnet-04b8f7e6d5c4b3a20", "subnet-04b8f7e6d5c4b3a21"]
    security_groups = ["sg-0a9b8c7d6e5f40312"]
  }

  load_balancer {
    target_group_arn = local.api_target_group_arn
    container_name   = "api"
    container_port   = 8080
  }
}
