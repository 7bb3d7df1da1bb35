# Terraform runs here. Modules read their task definitions with file() and
# templatefile(), both the old way (a path relative to this directory) and
# with path.module.

provider "aws" {
  region = "us-east-1"
}

resource "aws_lb" "main" {
  name               = "exchange"
  load_balancer_type = "application"
  subnets            = ["subnet-0aa1bb2cc3dd4ee50", "subnet-0aa1bb2cc3dd4ee51"]
  idle_timeout       = 120
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.main.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "404"
    }
  }
}

module "web" {
  source       = "./web"
  listener_arn = aws_lb_listener.http.arn
  region       = "us-east-1"
}

module "api" {
  source       = "./modules/api"
  listener_arn = aws_lb_listener.http.arn
}
