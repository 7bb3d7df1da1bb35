resource "aws_lb_target_group" "billing" {
  name                 = "billing"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0a1b2c3d4e5f60718"
  deregistration_delay = 300
}

resource "aws_lb_listener" "billing" {
  load_balancer_arn = aws_lb.billing.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.billing.arn
  }
}

resource "aws_ecs_task_definition" "billing" {
  family                   = "billing"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([
    {
      name         = "billing"
      image        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/billing:3.4.1"
      essential    = true
      command      = ["gunicorn", "-k", "gthread", "--threads", "8", "--keep-alive", "75", "--timeout", "600", "--bind", "0.0.0.0:8000", "billing.wsgi"]
      portMappings = [{ containerPort = 8000, protocol = "tcp" }]
    }
  ])
}

resource "aws_ecs_service" "billing" {
  name            = "billing"
  cluster         = "arn:aws:ecs:eu-west-1:123456789012:cluster/main"
  task_definition = aws_ecs_task_definition.billing.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.billing.arn
    container_name   = "billing"
    container_port   = 8000
  }
}
