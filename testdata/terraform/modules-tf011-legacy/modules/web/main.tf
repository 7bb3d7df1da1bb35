variable "name" {}
variable "subnets" {
  type = "list"
}
variable "vpc_id" {}
variable "idle_timeout" {
  default = 60
}

resource "aws_alb" "web" {
  name            = "${var.name}"
  subnets         = ["${var.subnets}"]
  idle_timeout    = "${var.idle_timeout}"
}

resource "aws_alb_target_group" "web" {
  name                 = "${var.name}"
  port                 = 3000
  protocol             = "HTTP"
  vpc_id               = "${var.vpc_id}"
  deregistration_delay = 400
}

resource "aws_alb_listener" "web" {
  load_balancer_arn = "${aws_alb.web.arn}"
  port              = "80"
  protocol          = "HTTP"

  default_action {
    target_group_arn = "${aws_alb_target_group.web.arn}"
    type             = "forward"
  }
}

data "template_file" "web" {
  template = "${file("${path.module}/web.json.tpl")}"

  vars {
    name = "${var.name}"
  }
}

resource "aws_ecs_task_definition" "web" {
  family                = "${var.name}"
  container_definitions = "${data.template_file.web.rendered}"
}

resource "aws_ecs_service" "web" {
  name            = "${var.name}"
  task_definition = "${aws_ecs_task_definition.web.arn}"
  desired_count   = 2

  load_balancer {
    target_group_arn = "${aws_alb_target_group.web.arn}"
    container_name   = "${var.name}"
    container_port   = 3000
  }
}
