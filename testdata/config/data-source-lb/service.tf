resource "aws_lb_target_group" "loyalty" {
  name                 = "loyalty"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 45

  health_check {
    path = "/health"
  }
}

resource "aws_lb_listener" "loyalty" {
  load_balancer_arn = data.aws_lb.shared.arn
  port              = 8443
  protocol          = "HTTPS"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.loyalty.arn
  }
}

resource "aws_ecs_task_definition" "loyalty" {
  family                   = "loyalty"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512

  container_definitions = jsonencode([
    {
      name      = "loyalty"
      image     = "${var.ecr_repository}:${var.image_tag}"
      essential = true
      command   = ["gunicorn", "-k", "gevent", "--keep-alive", "75", "--bind", "0.0.0.0:8000", "loyalty.wsgi"]
      portMappings = [
        { containerPort = 8000, protocol = "tcp" }
      ]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.loyalty.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "loyalty"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "loyalty" {
  name            = "loyalty"
  cluster         = data.aws_ecs_cluster.shared.arn
  task_definition = aws_ecs_task_definition.loyalty.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = var.subnet_ids
    security_groups = [var.security_group_id]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.loyalty.arn
    container_name   = "loyalty"
    container_port   = 8000
  }
}
