terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "us-east-2"
}

variable "idle_timeout" {
  type = number
}

variable "keep_alive" {
  type = number
}

variable "deregistration_delay" {
  type = number
}

module "web" {
  source               = "../../modules/web"
  name                 = "shop-staging"
  idle_timeout         = var.idle_timeout
  keep_alive           = var.keep_alive
  deregistration_delay = var.deregistration_delay
}
