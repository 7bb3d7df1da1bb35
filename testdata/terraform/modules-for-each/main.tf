locals {
  services = {
    catalog = {
      port      = 8080
      command   = ["uvicorn", "catalog.main:app", "--host", "0.0.0.0", "--port", "8080", "--timeout-keep-alive", "130"]
      priority  = 100
      host      = "catalog.example.com"
      instances = 1
    }
    search = {
      port      = 8081
      command   = ["uvicorn", "search.main:app", "--host", "0.0.0.0", "--port", "8081"]
      priority  = 110
      host      = "search.example.com"
      instances = 1
    }
  }
}

resource "aws_lb" "shared" {
  name               = "platform"
  load_balancer_type = "application"
  subnets            = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  idle_timeout       = 120
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.shared.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = "arn:aws:acm:us-east-1:123456789012:certificate/1f2e3d4c-aaaa-bbbb-cccc-1234567890ab"

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      status_code  = "404"
    }
  }
}

module "svc" {
  source   = "./modules/svc"
  for_each = local.services

  name         = each.key
  port         = each.value.port
  command      = each.value.command
  priority     = each.value.priority
  host         = each.value.host
  listener_arn = aws_lb_listener.https.arn
  enabled      = each.value.instances > 0
}
