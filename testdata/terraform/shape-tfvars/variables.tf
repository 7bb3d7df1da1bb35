variable "region" {
  type = string
}

variable "service_name" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "public_subnet_ids" {
  type = list(string)
}

variable "private_subnet_ids" {
  type = list(string)
}

variable "certificate_arn" {
  type = string
}

variable "access_logs_bucket" {
  type = string
}

variable "execution_role_arn" {
  type = string
}

variable "ecr_repo" {
  type = string
}

variable "image_tag" {
  type = string
}

variable "alb_idle_timeout" {
  description = "Seconds the ALB keeps an idle connection open."
  type        = number
}

variable "deregistration_delay" {
  type = number
}

variable "gunicorn_workers" {
  type = number
}

variable "gunicorn_keep_alive" {
  description = "Seconds gunicorn keeps idle client connections open."
  type        = number
}

variable "desired_count" {
  type    = number
  default = 2
}

variable "log_retention_days" {
  type    = number
  default = 30
}
