# The prod account. Both environments are separate Terraform roots with the
# same resource names; the service attaches to the Classic ELB by its name.

provider "aws" {
  region = "eu-west-1"
}

resource "aws_elb" "web" {
  name    = "shop-web"
  subnets = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]

  listener {
    lb_port           = 80
    lb_protocol       = "http"
    instance_port     = 8000
    instance_protocol = "http"
  }

  health_check {
    target              = "HTTP:8000/health/"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  idle_timeout                = 60
  connection_draining         = true
  connection_draining_timeout = 60
}

resource "aws_ecs_task_definition" "web" {
  family       = "shop-web"
  network_mode = "bridge"

  container_definitions = jsonencode([
    {
      name              = "web"
      image             = "111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop-web:2024.06.1"
      essential         = true
      memoryReservation = 512
      command           = ["gunicorn", "--worker-class", "gevent", "--keep-alive", "75", "--graceful-timeout", "25", "--bind", "0.0.0.0:8000", "shop.wsgi"]
      portMappings      = [{ containerPort = 8000, hostPort = 8000 }]
    }
  ])
}

resource "aws_ecs_service" "web" {
  name            = "shop-web"
  cluster         = "shop"
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 2
  iam_role        = "arn:aws:iam::111111111111:role/ecsServiceRole"

  load_balancer {
    elb_name       = "shop-web"
    container_name = "web"
    container_port = 8000
  }
}
