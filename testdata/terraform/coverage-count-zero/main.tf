# A preview environment's API, created only where `enable_preview_api` is
# set: with the default (false) Terraform creates no service, so keepalign
# has nothing to check unless the variable is given.

variable "enable_preview_api" {
  type    = bool
  default = false
}

resource "aws_lb" "preview" {
  name               = "preview"
  load_balancer_type = "application"
  idle_timeout       = 60
  subnets            = ["subnet-0f1e2d3c4b5a69788", "subnet-0f1e2d3c4b5a69789"]
}

resource "aws_lb_target_group" "api" {
  name                 = "preview-api"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0f1e2d3c4b5a69780"
  deregistration_delay = 60
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.preview.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}

resource "aws_ecs_task_definition" "api" {
  family                   = "preview-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512

  container_definitions = jsonencode([
    {
      name      = "api"
      image     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/preview-api:latest"
      essential = true
      command   = ["gunicorn", "-k", "gevent", "--bind", "0.0.0.0:8000", "app:app"]
      portMappings = [{ containerPort = 8000 }]
    }
  ])
}

resource "aws_ecs_service" "api" {
  count = var.enable_preview_api ? 1 : 0

  name            = "preview-api"
  cluster         = "arn:aws:ecs:eu-west-1:123456789012:cluster/preview"
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 1
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
    container_name   = "api"
    container_port   = 8000
  }
}
