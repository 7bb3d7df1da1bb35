# One configuration for every workspace: `terraform workspace select prod`
# gives the reporting endpoints their long-running ALB idle timeout.
locals {
  idle_timeout = {
    default = 60
    staging = 60
    prod    = 300
  }
  env = terraform.workspace
}

resource "aws_lb" "reports" {
  name               = "reports-${local.env}"
  load_balancer_type = "application"
  subnets            = ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"]
  idle_timeout       = local.idle_timeout[terraform.workspace]
}

resource "aws_lb_target_group" "reports" {
  name                 = "reports-${local.env}"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0a1b2c3d4e5f60718"
  deregistration_delay = 300
}

resource "aws_lb_listener" "reports" {
  load_balancer_arn = aws_lb.reports.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.reports.arn
  }
}

resource "aws_ecs_task_definition" "reports" {
  family                   = "reports-${local.env}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([
    {
      name         = "reports"
      image        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/reports:3.4.1"
      essential    = true
      command      = ["gunicorn", "-k", "gthread", "--threads", "8", "--keep-alive", "75", "--timeout", "600", "--bind", "0.0.0.0:8000", "reports.wsgi"]
      portMappings = [{ containerPort = 8000, protocol = "tcp" }]
    }
  ])
}

resource "aws_ecs_service" "reports" {
  name            = "reports-${local.env}"
  cluster         = "arn:aws:ecs:eu-west-1:123456789012:cluster/main"
  task_definition = aws_ecs_task_definition.reports.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.reports.arn
    container_name   = "reports"
    container_port   = 8000
  }
}
