resource "aws_lb" "store" {
  name               = "store"
  load_balancer_type = "application"
  subnets            = local.subnets
}

resource "aws_lb_target_group" "store" {
  name                 = "store"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = local.vpc_id
  deregistration_delay = 90
}

resource "aws_lb_listener" "store" {
  load_balancer_arn = aws_lb.store.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = "arn:aws:acm:eu-west-1:456789012345:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.store.arn
  }
}

resource "aws_ecs_service" "store" {
  name            = "store"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.store.arn
  desired_count   = 3
  launch_type     = "FARGATE"

  network_configuration {
    subnets = local.subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.store.arn
    container_name   = "store"
    container_port   = 8000
  }
}

# The storefront's pages: CloudFront keeps connections to the ALB open for
# a minute, as long as the ALB keeps them (its default idle timeout).
resource "aws_cloudfront_distribution" "store" {
  enabled = true
  aliases = ["shop.example.com"]

  origin {
    domain_name = aws_lb.store.dns_name
    origin_id   = "store-alb"

    custom_origin_config {
      http_port                = 80
      https_port               = 443
      origin_protocol_policy   = "https-only"
      origin_ssl_protocols     = ["TLSv1.2"]
      origin_keepalive_timeout = 60
    }
  }

  # Legacy pages still served by the old site: the whole response must
  # arrive within 20 s, but each wait is 30 s.
  origin {
    domain_name                 = "legacy.example.com"
    origin_id                   = "legacy"
    response_completion_timeout = 20

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    target_origin_id       = "store-alb"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn = "arn:aws:acm:us-east-1:456789012345:certificate/1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809"
    ssl_support_method  = "sni-only"
  }
}
