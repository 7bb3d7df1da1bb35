# Two containers in one task definition, each with a value only known per
# environment: the worker's database password and the web server's
# keep-alive. The note about the web server's keep-alive must name its own
# variable and line, not the worker's.

variable "db_password" {
  type      = string
  sensitive = true
}

variable "web_keepalive" {
  type = string
}

resource "aws_lb" "web" {
  name               = "shop"
  load_balancer_type = "application"
  idle_timeout       = 60
  subnets            = ["subnet-0c1d2e3f4a5b60718", "subnet-0c1d2e3f4a5b60719"]
}

resource "aws_lb_target_group" "web" {
  name                 = "shop-web"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0c1d2e3f4a5b60710"
  deregistration_delay = 60
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

resource "aws_ecs_task_definition" "shop" {
  family                   = "shop"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  # Written as JSON, as the ECS console exports it.
  container_definitions = <<-JSON
    [
      {
        "name": "worker",
        "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop:latest",
        "essential": true,
        "command": ["celery", "-A", "shop", "worker"],
        "environment": [
          { "name": "DATABASE_PASSWORD", "value": "${var.db_password}" }
        ]
      },
      {
        "name": "web",
        "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop:latest",
        "essential": true,
        "command": [
          "gunicorn", "-k", "gevent", "--keep-alive", "${var.web_keepalive}",
          "--bind", "0.0.0.0:8000", "shop.wsgi"
        ],
        "portMappings": [{ "containerPort": 8000 }]
      }
    ]
  JSON
}

resource "aws_ecs_service" "web" {
  name            = "shop-web"
  cluster         = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod"
  task_definition = aws_ecs_task_definition.shop.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "web"
    container_port   = 8000
  }
}
