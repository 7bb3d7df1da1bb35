variable "region" {
  type    = string
  default = "us-west-2"
}

variable "vpc_id" {
  type    = string
  default = "vpc-02c3d4e5f6a7b8cff"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-02c3d4e5f6a7b8c01", "subnet-02c3d4e5f6a7b8c02"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-02c3d4e5f6a7b8c03", "subnet-02c3d4e5f6a7b8c04"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-02c3d4e5f6a7b8ca1"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-02c3d4e5f6a7b8cb2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::192021222324:role/auth-api-execution"
}

variable "image" {
  description = "Container image for auth-api."
  type        = string
  default     = "192021222324.dkr.ecr.us-west-2.amazonaws.com/auth-api:11.0.2"
}
