# Written for this fixture in the shape of the registry ALB module (v9):
# listeners and target groups are maps, created with for_each.

variable "name" {
  type    = string
  default = null
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

variable "listeners" {
  type    = any
  default = {}
}

variable "target_groups" {
  type    = any
  default = {}
}

resource "aws_lb" "this" {
  name               = var.name
  load_balancer_type = "application"
  subnets            = var.subnets
  idle_timeout       = var.idle_timeout
}

resource "aws_lb_target_group" "this" {
  for_each = var.target_groups

  name_prefix          = substr(each.key, 0, 6)
  vpc_id               = var.vpc_id
  port                 = try(each.value.port, null)
  protocol             = try(each.value.protocol, null)
  target_type          = try(each.value.target_type, null)
  deregistration_delay = try(each.value.deregistration_delay, null)
}

resource "aws_lb_listener" "this" {
  for_each = var.listeners

  load_balancer_arn = aws_lb.this.arn
  port              = try(each.value.port, null)
  protocol          = try(each.value.protocol, null)

  dynamic "default_action" {
    for_each = try([each.value.forward], [])

    content {
      type             = "forward"
      target_group_arn = aws_lb_target_group.this[default_action.value.target_group_key].arn
    }
  }
}

output "target_groups" {
  description = "Map of the target groups created and their attributes"
  value       = aws_lb_target_group.this
}
