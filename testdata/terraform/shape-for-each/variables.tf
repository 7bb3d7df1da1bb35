variable "region" {
  type    = string
  default = "us-east-1"
}

variable "services" {
  description = "Blue/green copies of the pricing service."
  type = map(object({
    image_tag     = string
    desired_count = number
    priority      = number
    keep_alive    = number
  }))
  default = {
    blue = {
      image_tag     = "3.4.0"
      desired_count = 3
      priority      = 100
      keep_alive    = 75
    }
    green = {
      image_tag     = "3.5.0-rc2"
      desired_count = 1
      priority      = 110
      keep_alive    = 30
    }
  }
}

variable "image_repo" {
  type    = string
  default = "123450987654.dkr.ecr.us-east-1.amazonaws.com/pricing"
}

variable "certificate_arn" {
  type    = string
  default = "arn:aws:acm:us-east-1:123450987654:certificate/7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918"
}

variable "vpc_id" {
  type    = string
  default = "vpc-0a9b8c7d6e5f40302"
}

variable "public_subnets" {
  type    = list(string)
  default = ["subnet-0aa0bb0cc0dd0ee01", "subnet-0aa0bb0cc0dd0ee02"]
}

variable "private_subnets" {
  type    = list(string)
  default = ["subnet-0aa0bb0cc0dd0ee03", "subnet-0aa0bb0cc0dd0ee04"]
}
