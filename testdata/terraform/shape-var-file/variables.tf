variable "environment" {
  description = "staging or prod; pass -var-file=env/<environment>.tfvars"
  type        = string
}

variable "region" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "image" {
  type = string
}

variable "cpu" {
  type    = number
  default = 512
}

variable "memory" {
  type    = number
  default = 1024
}

variable "desired_count" {
  type = number
}

variable "alb_idle_timeout" {
  type = number
}

variable "keep_alive_timeout" {
  description = "uvicorn --timeout-keep-alive, seconds"
  type        = number
}

variable "deregistration_delay" {
  description = "Set per release by the deploy pipeline (-var deregistration_delay=...)."
  type        = number
}
