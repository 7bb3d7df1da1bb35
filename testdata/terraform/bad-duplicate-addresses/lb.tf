variable "idle_timeout" {
  type    = number
  default = 60
}

locals {
  subnets = ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"]
}

resource "aws_lb" "billing" {
  name               = "billing"
  load_balancer_type = "application"
  subnets            = local.subnets
  idle_timeout       = var.idle_timeout
}
