variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-0d00d00d00d00d001"
}

variable "subnet_ids" {
  type    = list(string)
  default = ["subnet-0d00d00d00d00d011", "subnet-0d00d00d00d00d012"]
}
