variable "region" {
  type    = string
  default = "us-west-2"
}

variable "vpc_id" {
  type    = string
  default = "vpc-0f607a8b9c0d1e2ff"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-0f607a8b9c0d1e201", "subnet-0f607a8b9c0d1e202"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-0f607a8b9c0d1e203", "subnet-0f607a8b9c0d1e204"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-0f607a8b9c0d1e2a1"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-0f607a8b9c0d1e2b2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::161718192021:role/search-indexer-api-execution"
}

variable "image" {
  description = "Container image for search-indexer-api."
  type        = string
  default     = "161718192021.dkr.ecr.us-west-2.amazonaws.com/search-indexer-api:6.0.4"
}
