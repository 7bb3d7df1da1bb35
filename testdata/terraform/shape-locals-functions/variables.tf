variable "service" {
  type    = string
  default = "media_api"
}

variable "environment" {
  type    = string
  default = " Production "
}

variable "account_id" {
  type    = string
  default = "901234567890"
}

variable "region" {
  type    = string
  default = "eu-north-1"
}

variable "image_tag" {
  type    = string
  default = "2024-05-28.1"
}

variable "port" {
  type    = number
  default = 8000
}

variable "wsgi_app" {
  type    = string
  default = "media.wsgi:application"
}

variable "idle_timeout_override" {
  description = "Set to override the per-environment ALB idle timeout."
  type        = number
  default     = null
}

variable "extra_env_json" {
  type    = string
  default = "{\"LOG_FORMAT\": \"json\", \"MAX_UPLOAD_MB\": 200}"
}

variable "vpc_id" {
  type    = string
  default = "vpc-09f8e7d6c5b4a3921"
}

variable "subnet_ids" {
  type    = list(string)
  default = ["subnet-0123fedc4567ba980", "subnet-089abcdef01234567"]
}
