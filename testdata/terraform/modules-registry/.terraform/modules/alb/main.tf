# A trimmed copy of the registry module's resources, as `terraform init`
# downloads it (variables, load balancer, target groups, listeners, outputs).

variable "name" {
  type    = string
  default = null
}

variable "load_balancer_type" {
  type    = string
  default = "application"
}

variable "vpc_id" {
  type    = string
  default = null
}

variable "subnets" {
  type    = list(string)
  default = null
}

variable "idle_timeout" {
  type    = number
  default = 60
}

variable "target_groups" {
  type    = any
  default = []
}

variable "http_tcp_listeners" {
  type    = any
  default = []
}

resource "aws_lb" "this" {
  name               = var.name
  load_balancer_type = var.load_balancer_type
  subnets            = var.subnets
  idle_timeout       = var.idle_timeout
}

resource "aws_lb_target_group" "main" {
  count = length(var.target_groups)

  name_prefix          = lookup(var.target_groups[count.index], "name_prefix", null)
  vpc_id               = var.vpc_id
  port                 = try(var.target_groups[count.index].backend_port, null)
  protocol             = try(upper(var.target_groups[count.index].backend_protocol), null)
  deregistration_delay = lookup(var.target_groups[count.index], "deregistration_delay", null)
  target_type          = lookup(var.target_groups[count.index], "target_type", null)
}

resource "aws_lb_listener" "frontend_http_tcp" {
  count = length(var.http_tcp_listeners)

  load_balancer_arn = aws_lb.this.arn
  port              = var.http_tcp_listeners[count.index]["port"]
  protocol          = var.http_tcp_listeners[count.index]["protocol"]

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.main[lookup(var.http_tcp_listeners[count.index], "target_group_index", count.index)].id
  }
}

output "target_group_arns" {
  value = aws_lb_target_group.main[*].arn
}

output "lb_arn" {
  value = aws_lb.this.arn
}
