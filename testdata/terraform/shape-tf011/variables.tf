variable "aws_region" {
  description = "The AWS region things are created in"
  default     = "us-east-1"
}

variable "app_name" {
  default = "flask-app"
}

variable "app_port" {
  description = "Port exposed by the docker image to redirect traffic to"
  default     = 5000
}

variable "app_count" {
  description = "Number of docker containers to run"
  default     = 2
}

variable "idle_timeout" {
  default = "60"
}

variable "deregistration_delay" {
  default = "120"
}

variable "health_check_path" {
  default = "/"
}

variable "fargate_cpu" {
  description = "Fargate instance CPU units to provision (1 vCPU = 1024 CPU units)"
  default     = "256"
}

variable "fargate_memory" {
  description = "Fargate instance memory to provision (in MiB)"
  default     = "512"
}

variable "ecs_task_execution_role" {
  default = "arn:aws:iam::111122223333:role/ecsTaskExecutionRole"
}

variable "vpc_id" {
  default = "vpc-6a7b8c9d"
}

variable "public_subnet_ids" {
  type    = "list"
  default = ["subnet-1f2e3d4c", "subnet-5b6a7988"]
}

variable "private_subnet_ids" {
  type    = "list"
  default = ["subnet-9a8b7c6d", "subnet-0e1f2a3b"]
}

variable "lb_security_group_id" {
  default = "sg-2c3d4e5f"
}

variable "ecs_tasks_security_group_id" {
  default = "sg-6a7b8c9d"
}
