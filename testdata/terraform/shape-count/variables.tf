variable "region" {
  default = "ca-central-1"
}

variable "apps" {
  description = "One service per entry: same image, different ASGI app."
  type        = list(string)
  default     = ["email", "push"]
}

variable "listener_ports" {
  type    = list(number)
  default = [8080, 8081]
}

variable "keep_alive" {
  description = "uvicorn --timeout-keep-alive per app, same order as var.apps"
  type        = list(number)
  default     = [75, 30]
}

variable "image_repo" {
  default = "012345678901.dkr.ecr.ca-central-1.amazonaws.com/notifications"
}

variable "image_tag" {
  default = "5.0.3"
}

variable "vpc_id" {
  default = "vpc-0c3b2a1908f7e6d5c"
}

variable "subnets" {
  type    = list(string)
  default = ["subnet-04b3a2918f7e6d5c4", "subnet-05c4b3a291807f6e5"]
}

variable "lb_security_group" {
  default = "sg-06d5c4b3a2918f7e6"
}
