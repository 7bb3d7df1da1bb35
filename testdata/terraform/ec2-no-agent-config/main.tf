terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "eu-central-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-0c1d2e3f4a5b6c7d8"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-0c1d2e3f4a5b6c701", "subnet-0c1d2e3f4a5b6c702"]
}

resource "aws_lb" "ledger" {
  name    = "ledger"
  subnets = var.public_subnet_ids
}

resource "aws_lb_target_group" "ledger" {
  name     = "ledger"
  port     = 8000
  protocol = "HTTP"
  vpc_id   = var.vpc_id
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.ledger.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.ledger.arn
  }
}
