terraform {
  backend "s3" {
    bucket = "acme-terraform-state"
    key    = "services/search.tfstate"
    region = "us-east-2"
  }
}

provider "aws" {
  region = "us-east-2"
}

# The shared ALB and its HTTPS listener are managed by the platform team in
# another configuration; this service only adds a target group and a rule.
data "terraform_remote_state" "platform" {
  backend = "s3"
  config = {
    bucket = "acme-terraform-state"
    key    = "platform/alb.tfstate"
    region = "us-east-2"
  }
}

resource "aws_lb_target_group" "search" {
  name                 = "search"
  port                 = 8080
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = data.terraform_remote_state.platform.outputs.vpc_id
  deregistration_delay = 60

  health_check {
    path     = "/healthz"
    interval = 15
    timeout  = 5
  }
}

resource "aws_lb_listener_rule" "search" {
  listener_arn = data.terraform_remote_state.platform.outputs.https_listener_arn
  priority     = 120

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.search.arn
  }

  condition {
    host_header {
      values = ["search.acme.example"]
    }
  }
}

resource "aws_ecs_task_definition" "search" {
  family                   = "search"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([
    {
      name         = "search"
      image        = "210987654321.dkr.ecr.us-east-2.amazonaws.com/search:5.1.0"
      command      = ["uvicorn", "search.app:app", "--host", "0.0.0.0", "--port", "8080"]
      portMappings = [{ containerPort = 8080 }]
    }
  ])
}

resource "aws_ecs_service" "search" {
  name            = "search"
  cluster         = data.terraform_remote_state.platform.outputs.cluster_arn
  task_definition = aws_ecs_task_definition.search.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.search.arn
    container_name   = "search"
    container_port   = 8080
  }
}
