variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-0e9d8c7b6a5f43210"
}

variable "public_subnets" {
  type    = list(string)
  default = ["subnet-0f9e8d7c6b5a40001", "subnet-0f9e8d7c6b5a40002"]
}

variable "private_subnets" {
  type    = list(string)
  default = ["subnet-0f9e8d7c6b5a40003", "subnet-0f9e8d7c6b5a40004"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-0e1d2c3b4a5f60718"
}

variable "certificate_arn" {
  type    = string
  default = "arn:aws:acm:eu-west-1:345612789012:certificate/1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d"
}

variable "registry" {
  type    = string
  default = "345612789012.dkr.ecr.eu-west-1.amazonaws.com"
}

variable "api_tag" {
  type    = string
  default = "2.14.0"
}

variable "web_tag" {
  description = "marketplace-web is the SPA build baked into an nginx:1.25-alpine image."
  type        = string
  default     = "2.14.0"
}

variable "checkout_blue_tag" {
  type    = string
  default = "1.9.3"
}

variable "checkout_green_tag" {
  type    = string
  default = "1.10.0"
}
