variable "region" {
  type    = string
  default = "us-east-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-02b3c4d5e6f7a81ff"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-02b3c4d5e6f7a8101", "subnet-02b3c4d5e6f7a8102"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-02b3c4d5e6f7a8103", "subnet-02b3c4d5e6f7a8104"]
}

variable "alb_security_group_id" {
  type    = string
  default = "sg-02b3c4d5e6f7a81a1"
}

variable "task_security_group_id" {
  type    = string
  default = "sg-02b3c4d5e6f7a81b2"
}

variable "execution_role_arn" {
  type    = string
  default = "arn:aws:iam::223344556677:role/reports-api-execution"
}

variable "image" {
  description = "Container image for reports-api."
  type        = string
  default     = "223344556677.dkr.ecr.us-east-1.amazonaws.com/reports-api:3.1.0"
}
