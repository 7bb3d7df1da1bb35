resource "aws_lb" "reports" {
  name               = "reports"
  load_balancer_type = "application"
  # Report exports take up to four minutes.
  idle_timeout       = 300
  subnets            = ["subnet-0c4e1f2a3b5d60001", "subnet-0c4e1f2a3b5d60002"]
}

resource "aws_lb_target_group" "reports" {
  name                 = "reports-proxy"
  port                 = 80
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0c4e1f2a3b5d60000"
  deregistration_delay = 310
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.reports.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.reports.arn
  }
}

resource "aws_ecs_task_definition" "reports" {
  family                   = "reports-proxy"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  # nginx (no command: the image runs it as its base image does) in front
  # of the application, which only listens on localhost.
  container_definitions = jsonencode([
    {
      name         = "reports"
      image        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/reports-proxy:1.0"
      essential    = true
      portMappings = [{ containerPort = 80 }]
      dependsOn    = [{ containerName = "app", condition = "START" }]
    },
    {
      name      = "app"
      image     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/reports-app:1.0"
      essential = true
      command   = ["gunicorn", "--bind", "127.0.0.1:8000", "--timeout", "300", "reports.wsgi"]
    }
  ])
}

resource "aws_ecs_service" "reports" {
  name            = "reports-proxy"
  cluster         = "arn:aws:ecs:eu-west-1:123456789012:cluster/web"
  task_definition = aws_ecs_task_definition.reports.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.reports.arn
    container_name   = "reports"
    container_port   = 80
  }

  network_configuration {
    subnets = ["subnet-0c4e1f2a3b5d60011"]
  }
}
