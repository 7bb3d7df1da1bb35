# Reports take up to two minutes to render, so the ALB waits 120 s.
resource "aws_lb" "reports" {
  name               = "reports"
  load_balancer_type = "application"
  subnets            = local.subnets
  idle_timeout       = 120
}

resource "aws_lb_target_group" "reports" {
  name                 = "reports"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = local.vpc_id
  deregistration_delay = 150
}

resource "aws_lb_listener" "reports" {
  load_balancer_arn = aws_lb.reports.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = "arn:aws:acm:eu-west-1:456789012345:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.reports.arn
  }
}

resource "aws_ecs_service" "reports" {
  name            = "reports"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.reports.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = local.subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.reports.arn
    container_name   = "reports"
    container_port   = 8000
  }
}

resource "aws_route53_zone" "internal" {
  name = "example.com"
}

resource "aws_route53_record" "reports" {
  zone_id = aws_route53_zone.internal.zone_id
  name    = "reports-origin.example.com"
  type    = "A"

  alias {
    name                   = aws_lb.reports.dns_name
    zone_id                = aws_lb.reports.zone_id
    evaluate_target_health = true
  }
}

# CloudFront reaches the reports ALB by its DNS record, and waits the
# default 30 s for a response.
resource "aws_cloudfront_distribution" "reports" {
  enabled = true
  aliases = ["reports.example.com"]

  origin {
    domain_name = aws_route53_record.reports.fqdn
    origin_id   = "reports"

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    target_origin_id       = "reports"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
