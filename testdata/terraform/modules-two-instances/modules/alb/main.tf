variable "name" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "idle_timeout" {
  type    = number
  default = 60
}

variable "certificate_arn" {
  type = string
}

resource "aws_lb" "this" {
  name               = var.name
  load_balancer_type = "application"
  subnets            = var.subnet_ids
  idle_timeout       = var.idle_timeout
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = var.certificate_arn

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      status_code  = "404"
    }
  }
}

output "https_listener_arn" {
  value = aws_lb_listener.https.arn
}
