provider "aws" {
  region = var.region
}

resource "aws_ecs_cluster" "main" {
  name = "notifications"
}

resource "aws_cloudwatch_log_group" "app" {
  count             = length(var.apps)
  name              = "/ecs/notifications-${var.apps[count.index]}"
  retention_in_days = 14
}

resource "aws_lb" "main" {
  name            = "notifications"
  internal        = true
  subnets         = var.subnets
  security_groups = [var.lb_security_group]
  idle_timeout    = 60
}

resource "aws_lb_target_group" "app" {
  count       = length(var.apps)
  name        = "notifications-${var.apps[count.index]}"
  port        = 8000
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = var.vpc_id

  health_check {
    path = "/health"
  }
}

resource "aws_lb_listener" "app" {
  count             = length(var.apps)
  load_balancer_arn = aws_lb.main.arn
  port              = var.listener_ports[count.index]
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app[count.index].arn
  }
}

resource "aws_ecs_task_definition" "app" {
  count                    = length(var.apps)
  family                   = "notifications-${var.apps[count.index]}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512

  container_definitions = jsonencode([
    {
      name      = var.apps[count.index]
      image     = "${var.image_repo}:${var.image_tag}"
      essential = true
      command = [
        "uvicorn", "notifications.${var.apps[count.index]}:app",
        "--host", "0.0.0.0", "--port", "8000",
        "--timeout-keep-alive", tostring(var.keep_alive[count.index]),
      ]
      portMappings = [{ containerPort = 8000 }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.app[count.index].name
          awslogs-region        = var.region
          awslogs-stream-prefix = var.apps[count.index]
        }
      }
    }
  ])
}

resource "aws_ecs_service" "app" {
  count           = length(var.apps)
  name            = "notifications-${var.apps[count.index]}"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app[count.index].arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = var.subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.app[count.index].arn
    container_name   = var.apps[count.index]
    container_port   = 8000
  }
}
