# A service whose timeouts are all written down and line up: every shipped
# policy pack passes on it.

resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  internal           = false
  idle_timeout       = 60
  subnets            = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
}

resource "aws_lb_target_group" "web" {
  name                 = "web"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0a1b2c3d4e5f60000"
  deregistration_delay = 90
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([
    {
      name         = "web"
      image        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:2.3.0"
      essential    = true
      command      = ["gunicorn", "--worker-class", "gthread", "--threads", "8", "--keep-alive", "75", "--graceful-timeout", "50", "--bind", "0.0.0.0:8000", "web.wsgi"]
      stopTimeout  = 60
      portMappings = [{ containerPort = 8000 }]
    }
  ])
}

resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = "arn:aws:ecs:eu-west-1:123456789012:cluster/apps"
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 3
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "web"
    container_port   = 8000
  }

  network_configuration {
    subnets = ["subnet-0a1b2c3d4e5f60011"]
  }

  tags = {
    team    = "storefront"
    service = "web"
  }
}
