variable "region" {
  default = "eu-central-1"
}

variable "vpc_id" {
  default = "vpc-04d1c2b3a4f5e6d7c"
}

variable "public_subnet_ids" {
  default = ["subnet-0a11b22c33d44e551", "subnet-0a11b22c33d44e552"]
}

variable "private_subnet_ids" {
  default = ["subnet-0b11c22d33e44f551", "subnet-0b11c22d33e44f552"]
}

variable "certificate_arn" {
  default = "arn:aws:acm:eu-central-1:481516234200:certificate/0b7e2c1d-5a4f-4e3b-9c2d-7f6e5d4c3b2a"
}

variable "image_repository" {
  default = "481516234200.dkr.ecr.eu-central-1.amazonaws.com/ledger"
}

variable "image_tag" {
  description = "Set by CI: terraform plan -var image_tag=..."
}
