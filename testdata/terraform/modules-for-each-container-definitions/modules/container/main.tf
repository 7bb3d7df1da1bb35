variable "name" {
  type = string
}

variable "image" {
  type = string
}

variable "command" {
  type = list(string)
}

variable "port" {
  type = number
}

output "definition" {
  description = "The container definition, for the task definition to jsonencode."
  value = {
    name         = var.name
    image        = var.image
    essential    = true
    command      = var.command
    portMappings = [{ containerPort = var.port, protocol = "tcp" }]
  }
}

output "name" {
  value = var.name
}
