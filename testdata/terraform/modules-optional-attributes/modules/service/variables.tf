variable "create" {
  description = "Whether to create the service."
  type        = bool
  default     = true
  nullable    = false
}

variable "listener_arn" {
  type = string
}

variable "service" {
  description = "The service and how gunicorn serves it."
  type = object({
    name       = string
    port       = optional(number, 8000)
    workers    = optional(number, 2)
    keep_alive = optional(number, 5)
    priority   = optional(number, 100)
  })
}

variable "container" {
  type = object({
    image              = string
    cpu                = optional(number)
    memory_reservation = optional(number)
    environment        = optional(map(string), {})
  })
}

variable "health_check" {
  type = object({
    path     = optional(string, "/healthz")
    interval = optional(number, 30)
    timeout  = optional(number, 5)
  })
  default = {}
}
