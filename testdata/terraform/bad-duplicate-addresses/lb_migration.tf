# Left over from moving the ALB into lb.tf: Terraform refuses this module
# ("Duplicate resource configuration") until it is deleted.
variable "idle_timeout" {
  type    = number
  default = 300
}

locals {
  subnets = ["subnet-0a1b2c3d4e5f60718"]
}

resource "aws_lb" "billing" {
  name               = "billing-new"
  load_balancer_type = "application"
  subnets            = local.subnets
  idle_timeout       = var.idle_timeout
}
