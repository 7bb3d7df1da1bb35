resource "aws_elb" "web" {
  name            = "shop-web-${var.environment}"
  subnets         = var.subnet_ids
  security_groups = [var.elb_security_group_id]

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

  idle_timeout                = 120
  cross_zone_load_balancing   = true
  connection_draining         = true
  connection_draining_timeout = 30

  tags = local.tags
}
