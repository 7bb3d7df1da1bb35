# The API's deployments are driven by an external controller (a deploy
# tool registers each task definition and updates the task set), so the
# service names no task definition in Terraform.

resource "aws_lb" "api" {
  name               = "api"
  load_balancer_type = "application"
  idle_timeout       = 60
  subnets            = var.public_subnets
}

resource "aws_lb_target_group" "api" {
  name                 = "api"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 90
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

resource "aws_ecs_service" "api" {
  name          = "api"
  cluster       = var.cluster_arn
  desired_count = 2

  deployment_controller {
    type = "EXTERNAL"
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
    container_name   = "api"
    container_port   = 8000
  }
}

variable "public_subnets" {
  type    = list(string)
  default = []
}

variable "vpc_id" {
  type    = string
  default = "vpc-0123456789abcdef0"
}

variable "cluster_arn" {
  type    = string
  default = "arn:aws:ecs:eu-west-1:123456789012:cluster/main"
}
