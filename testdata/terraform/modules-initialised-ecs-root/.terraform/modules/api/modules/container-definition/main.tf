# Written for this fixture in the shape of the registry module's
# container-definition sub-module: it builds one container's definition,
# lower-case keys included, and strips the null attributes.

variable "name" {
  type = string
}

variable "image" {
  type = string
}

variable "entrypoint" {
  type    = list(string)
  default = null
}

variable "command" {
  type    = list(string)
  default = null
}

variable "essential" {
  type    = bool
  default = true
}

variable "stop_timeout" {
  type    = number
  default = null
}

variable "port" {
  type    = number
  default = null
}

locals {
  definition = {
    name         = var.name
    image        = var.image
    essential    = var.essential
    entrypoint   = var.entrypoint
    command      = var.command
    stopTimeout  = var.stop_timeout
    portMappings = var.port == null ? null : [{ containerPort = var.port, protocol = "tcp" }]
  }

  container_definition = { for k, v in local.definition : k => v if v != null }
}

output "container_definition" {
  value = local.container_definition
}
