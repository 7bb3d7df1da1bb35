resource "aws_lb" "main" {
  name               = "storefront"
  load_balancer_type = "application"
  subnets            = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  idle_timeout       = 60
}

resource "aws_lb_target_group" "tg" {
  for_each = {
    api   = { port = 8000, deregistration_delay = 120 }
    admin = { port = 8001, deregistration_delay = 15 }
  }

  name                 = "storefront-${each.key}"
  port                 = each.value.port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0a1b2c3d4e5f60000"
  deregistration_delay = each.value.deregistration_delay
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.main.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.tg["api"].arn
  }
}

resource "aws_lb_listener_rule" "admin" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 10

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.tg["admin"].arn
  }

  condition {
    path_pattern {
      values = ["/admin/*"]
    }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "storefront"
}

module "service" {
  source = "./modules/service"

  name    = "storefront"
  cluster = aws_ecs_cluster.main.id

  containers = {
    web = {
      image   = "123456789012.dkr.ecr.us-east-1.amazonaws.com/storefront:1.8.2"
      command = ["gunicorn", "-k", "gevent", "--bind", "0.0.0.0:8000", "--keep-alive", "5", "app:app"]
      port    = 8000
    }
    metrics = {
      image   = "prom/statsd-exporter:v0.26.0"
      command = ["--statsd.listen-udp=:8125"]
      port    = 9102
    }
  }

  lb_container     = "web"
  lb_port          = 8000
  target_group_arn = { for k, tg in aws_lb_target_group.tg : k => tg.arn }["api"]
}
