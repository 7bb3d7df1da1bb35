# Written for this fixture in the shape of the registry ECS service module:
# typed object variables with optional() attributes, a container-definition
# sub-module called once per container, the definitions jsonencoded into
# the task definition.

variable "create" {
  type     = bool
  default  = true
  nullable = false
}

variable "name" {
  type = string
}

variable "cluster_arn" {
  type = string
}

variable "container_definitions" {
  type = map(object({
    image        = string
    entrypoint   = optional(list(string))
    command      = optional(list(string))
    essential    = optional(bool, true)
    stop_timeout = optional(number, 120)
    port         = optional(number, 8000)
  }))
  default = {}
}

variable "load_balancer" {
  type = map(object({
    target_group_arn = string
    container_name   = string
    container_port   = number
  }))
  default = {}
}

module "container_definition" {
  source   = "../container-definition"
  for_each = { for k, v in var.container_definitions : k => v if var.create }

  name         = each.key
  image        = each.value.image
  entrypoint   = each.value.entrypoint
  command      = each.value.command
  essential    = each.value.essential
  stop_timeout = each.value.stop_timeout
  port         = each.value.port
}

resource "aws_ecs_task_definition" "this" {
  count = var.create ? 1 : 0

  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 1024
  memory                   = 2048
  container_definitions    = jsonencode([for k, v in module.container_definition : v.container_definition])
}

resource "aws_ecs_service" "this" {
  count = var.create ? 1 : 0

  name            = var.name
  cluster         = var.cluster_arn
  task_definition = aws_ecs_task_definition.this[0].arn
  launch_type     = "FARGATE"

  dynamic "load_balancer" {
    for_each = var.load_balancer

    content {
      target_group_arn = load_balancer.value.target_group_arn
      container_name   = load_balancer.value.container_name
      container_port   = load_balancer.value.container_port
    }
  }
}
