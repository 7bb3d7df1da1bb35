variable "image" {
  default = "232425262728.dkr.ecr.us-east-1.amazonaws.com/forum:3.8.1"
}

variable "certificate_arn" {
  default = "arn:aws:acm:us-east-1:232425262728:certificate/3c2b1a09-8f7e-4d6c-b5a4-93827160f5e4"
}

variable "ecs_service_role" {
  description = "Pre-created ecsServiceRole used to register instances with the ELB."
  default     = "arn:aws:iam::232425262728:role/ecsServiceRole"
}
