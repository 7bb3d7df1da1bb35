resource "aws_ecs_task_definition" "tickets" {
  family                   = "tickets"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = var.execution_role_arn

  container_definitions = jsonencode([
    {
      name       = "tickets"
      image      = var.image
      essential  = true
      entryPoint = ["sh", "-c"]
      command    = ["python manage.py migrate && exec python -m gunicorn -k uvicorn.workers.UvicornWorker --bind 0.0.0.0:8000 app.main:app"]
      environment = [
        { name = "DJANGO_SETTINGS_MODULE", value = "app.settings" },
      ]
      portMappings = [{ containerPort = 8000 }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.tickets.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "tickets"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "tickets" {
  name            = "tickets"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.tickets.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = var.private_subnet_ids
    security_groups = [var.task_security_group_id]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.tickets.arn
    container_name   = "tickets"
    container_port   = 8000
  }

  depends_on = [aws_lb_listener.http]
}
