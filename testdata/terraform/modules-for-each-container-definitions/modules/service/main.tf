variable "name" {
  type = string
}

variable "cluster" {
  type = string
}

variable "containers" {
  description = "Containers of the task, by name."
  type = map(object({
    image   = string
    command = list(string)
    port    = number
  }))
}

variable "lb_container" {
  type = string
}

variable "lb_port" {
  type = number
}

variable "target_group_arn" {
  type = string
}

module "container" {
  source   = "../container"
  for_each = var.containers

  name    = each.key
  image   = each.value.image
  command = each.value.command
  port    = each.value.port
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([for k, v in module.container : v.definition])
}

resource "aws_ecs_service" "this" {
  name            = var.name
  cluster         = var.cluster
  task_definition = aws_ecs_task_definition.this.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = ["subnet-0a1b2c3d4e5f60003", "subnet-0a1b2c3d4e5f60004"]
  }

  load_balancer {
    target_group_arn = var.target_group_arn
    container_name   = var.lb_container
    container_port   = var.lb_port
  }
}
