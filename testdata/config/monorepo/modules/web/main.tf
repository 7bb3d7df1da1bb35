variable "name" {
  type = string
}

variable "idle_timeout" {
  type = number
}

variable "keep_alive" {
  type = number
}

variable "deregistration_delay" {
  type = number
}

resource "aws_lb" "this" {
  name               = var.name
  load_balancer_type = "application"
  subnets            = ["subnet-0f1e2d3c4b5a69781", "subnet-0f1e2d3c4b5a69782"]
  idle_timeout       = var.idle_timeout
}

resource "aws_lb_target_group" "this" {
  name                 = var.name
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0f1e2d3c4b5a6978f"
  deregistration_delay = var.deregistration_delay
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }
}

resource "aws_ecs_task_definition" "this" {
  family = var.name

  container_definitions = jsonencode([
    {
      name         = "app"
      image        = "303030303030.dkr.ecr.us-east-2.amazonaws.com/shop:2.14.0"
      essential    = true
      command      = ["gunicorn", "-k", "gevent", "--keep-alive", "${var.keep_alive}", "--bind", "0.0.0.0:8000", "shop.wsgi"]
      portMappings = [{ containerPort = 8000 }]
    }
  ])
}

resource "aws_ecs_service" "this" {
  name            = var.name
  cluster         = "shop"
  task_definition = aws_ecs_task_definition.this.arn
  desired_count   = 2

  load_balancer {
    target_group_arn = aws_lb_target_group.this.arn
    container_name   = "app"
    container_port   = 8000
  }
}
