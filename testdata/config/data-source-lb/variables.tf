variable "region" {
  type    = string
  default = "ap-northeast-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-0d9c8b7a6f5e4d3c2"
}

variable "subnet_ids" {
  type    = list(string)
  default = ["subnet-0b1c2d3e4f5a6b7c8", "subnet-0c2d3e4f5a6b7c8d9"]
}

variable "security_group_id" {
  type    = string
  default = "sg-0a9b8c7d6e5f4a3b2"
}

variable "certificate_arn" {
  type    = string
  default = "arn:aws:acm:ap-northeast-1:456123789012:certificate/9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"
}

variable "ecr_repository" {
  type    = string
  default = "456123789012.dkr.ecr.ap-northeast-1.amazonaws.com/loyalty"
}

variable "image_tag" {
  type    = string
  default = "0.31.0"
}
