# Settings the servers read from the environment, where the environment is
# filled when the task starts: from Secrets Manager / SSM (`secrets`) or from
# an S3 object (`environmentFiles`). Their values are not in the IaC.

resource "aws_lb" "api" {
  name               = "ledger-api"
  load_balancer_type = "application"
  subnets            = ["subnet-0f1e2d3c4b5a69780", "subnet-0f1e2d3c4b5a69781"]
  idle_timeout       = 60
}

resource "aws_lb_target_group" "api" {
  name        = "ledger-api"
  port        = 8000
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = "vpc-0f1e2d3c4b5a6978f"
}

resource "aws_lb_target_group" "reports" {
  name        = "ledger-reports"
  port        = 8000
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = "vpc-0f1e2d3c4b5a6978f"
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.api.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}

resource "aws_lb_listener_rule" "reports" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 10

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.reports.arn
  }

  condition {
    path_pattern {
      values = ["/reports/*"]
    }
  }
}

resource "aws_ecs_task_definition" "api" {
  family = "ledger-api"
  container_definitions = jsonencode([
    {
      name    = "api"
      image   = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ledger-api:2.3.1"
      command = ["uvicorn", "ledger.main:app", "--host", "0.0.0.0", "--port", "8000"]
      secrets = [
        { name = "DATABASE_URL", valueFrom = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ledger/db" },
        { name = "UVICORN_TIMEOUT_KEEP_ALIVE", valueFrom = "arn:aws:ssm:eu-west-1:123456789012:parameter/ledger/keep-alive" },
      ]
    }
  ])
}

resource "aws_ecs_task_definition" "reports" {
  family = "ledger-reports"
  container_definitions = jsonencode([
    {
      name    = "reports"
      image   = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ledger-reports:2.3.1"
      command = ["gunicorn", "--worker-class", "gevent", "--bind", "0.0.0.0:8000", "reports.wsgi"]
      environment = [
        { name = "DJANGO_SETTINGS_MODULE", value = "reports.settings.prod" },
      ]
      environmentFiles = [
        { type = "s3", value = "arn:aws:s3:::ledger-config/reports.env" },
      ]
    }
  ])
}

resource "aws_ecs_service" "api" {
  name            = "ledger-api"
  task_definition = aws_ecs_task_definition.api.arn

  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
    container_name   = "api"
    container_port   = 8000
  }
}

resource "aws_ecs_service" "reports" {
  name            = "ledger-reports"
  task_definition = aws_ecs_task_definition.reports.arn

  load_balancer {
    target_group_arn = aws_lb_target_group.reports.arn
    container_name   = "reports"
    container_port   = 8000
  }
}
