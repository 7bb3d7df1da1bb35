resource "aws_alb" "main" {
  name            = "${var.app_name}-load-balancer"
  subnets         = ["${var.public_subnet_ids}"]
  security_groups = ["${var.lb_security_group_id}"]
  idle_timeout    = "${var.idle_timeout}"
}

resource "aws_alb_target_group" "app" {
  name        = "${var.app_name}-target-group"
  port        = "${var.app_port}"
  protocol    = "HTTP"
  vpc_id      = "${var.vpc_id}"
  target_type = "ip"

  deregistration_delay = "${var.deregistration_delay}"

  health_check {
    healthy_threshold   = "3"
    interval            = "30"
    protocol            = "HTTP"
    matcher             = "200"
    timeout             = "3"
    path                = "${var.health_check_path}"
    unhealthy_threshold = "2"
  }
}

# Redirect all traffic from the ALB to the target group
resource "aws_alb_listener" "front_end" {
  load_balancer_arn = "${aws_alb.main.id}"
  port              = "80"
  protocol          = "HTTP"

  default_action {
    target_group_arn = "${aws_alb_target_group.app.id}"
    type             = "forward"
  }
}
