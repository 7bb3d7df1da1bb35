variable "aws_region" {
  description = "The AWS region things are created in"
  default     = "ap-southeast-2"
}

variable "app_name" {
  description = "Name used for the container and every resource"
  default     = "invoices"
}

variable "app_image" {
  description = "Docker image to run in the ECS cluster"
  default     = "456789012345.dkr.ecr.ap-southeast-2.amazonaws.com/invoices:1.8.0"
}

variable "app_port" {
  description = "Port exposed by the docker image to redirect traffic to"
  default     = 8000
}

variable "app_count" {
  description = "Number of docker containers to run"
  default     = 2
}

variable "gunicorn_workers" {
  default = 2
}

variable "gunicorn_keepalive" {
  description = "Seconds gunicorn keeps an idle connection open"
  default     = 5
}

variable "health_check_path" {
  default = "/status"
}

variable "fargate_cpu" {
  description = "Fargate instance CPU units to provision (1 vCPU = 1024 CPU units)"
  default     = "512"
}

variable "fargate_memory" {
  description = "Fargate instance memory to provision (in MiB)"
  default     = "1024"
}

variable "ecs_task_execution_role_arn" {
  default = "arn:aws:iam::456789012345:role/ecsTaskExecutionRole"
}

variable "vpc_id" {
  default = "vpc-0e1d2c3b4a5968778"
}

variable "public_subnets" {
  type    = list(string)
  default = ["subnet-0a0a0a0a0a0a0a0a1", "subnet-0b0b0b0b0b0b0b0b2"]
}

variable "private_subnets" {
  type    = list(string)
  default = ["subnet-0c0c0c0c0c0c0c0c3", "subnet-0d0d0d0d0d0d0d0d4"]
}

variable "alb_security_group" {
  default = "sg-0a1a2a3a4a5a6a7a8"
}

variable "ecs_tasks_security_group" {
  default = "sg-0b1b2b3b4b5b6b7b8"
}
