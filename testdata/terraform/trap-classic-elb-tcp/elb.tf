resource "aws_elb" "web" {
  name            = "shop-web-${var.environment}"
  subnets         = var.subnet_ids
  security_groups = [var.elb_security_group_id]

  # TLS ends at the ELB; the back end is plain TCP, so every client
  # connection gets its own connection to the instance.
  listener {
    lb_port            = 443
    lb_protocol        = "ssl"
    instance_port      = 8000
    instance_protocol  = "tcp"
    ssl_certificate_id = var.certificate_arn
  }

  health_check {
    target              = "TCP:8000"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  idle_timeout                = 60
  cross_zone_load_balancing   = true
  connection_draining         = true
  connection_draining_timeout = 20

  tags = local.tags
}
