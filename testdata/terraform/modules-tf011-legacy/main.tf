# Terraform 0.10-era layout: the module source has no "./", and the module
# renders its task definition with a data "template_file" and a vars block.

provider "aws" {
  region = "ap-northeast-1"
}

module "web" {
  source = "modules/web"

  name         = "boilerplate"
  idle_timeout = 400
  subnets      = ["subnet-0123abcd", "subnet-4567efgh"]
  vpc_id       = "vpc-89abcdef"
}
