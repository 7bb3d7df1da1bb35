variable "vpc_id" {
  type    = string
  default = "vpc-0c1d2e3f4a5b6c7d8"
}

variable "subnet_ids" {
  type    = list(string)
  default = ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"]
}

# One target group and one listener rule per exposed port of the task.
variable "endpoints" {
  type = map(object({
    port      = number
    container = string
    path      = string
  }))
  default = {
    web = {
      port      = 8000
      container = "web"
      path      = "/*"
    }
    admin = {
      port      = 9000
      container = "admin"
      path      = "/admin/*"
    }
  }
}
