provider "aws" {
  region = "us-east-1"
}

resource "aws_ecs_cluster" "legacy" {
  name = "legacy-ec2"
}

resource "aws_cloudwatch_log_group" "forum" {
  name              = "/ecs/forum"
  retention_in_days = 30
}

resource "aws_elb" "forum" {
  name               = "forum"
  availability_zones = ["us-east-1a", "us-east-1b"]

  listener {
    lb_port            = 443
    lb_protocol        = "https"
    instance_port      = 8080
    instance_protocol  = "http"
    ssl_certificate_id = var.certificate_arn
  }

  health_check {
    target              = "HTTP:8080/status"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }

  cross_zone_load_balancing = true

  tags = {
    Name = "forum"
  }
}
