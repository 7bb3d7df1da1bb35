terraform {
  required_version = ">= 1.5"
}

provider "aws" {
  region = "eu-west-1"
}

module "alb" {
  source = "./modules/alb"

  name            = "shop"
  subnet_ids      = ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"]
  idle_timeout    = 60
  certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/8f3c2d1e-0000-4a5b-9c8d-112233445566"
}

module "api" {
  source = "./modules/service"

  name         = "shop-api"
  listener_arn = module.alb.https_listener_arn
  priority     = 10
  path_pattern = "/api/*"
  image        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-api:2.4.1"
  command      = ["gunicorn", "-k", "gevent", "--keep-alive", "75", "-b", "0.0.0.0:8000", "shop.api.wsgi"]
}

module "web" {
  source = "./modules/service"

  name         = "shop-web"
  listener_arn = module.alb.https_listener_arn
  priority     = 20
  path_pattern = "/*"
  image        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-web:2.4.1"
  command      = ["gunicorn", "-k", "gevent", "-b", "0.0.0.0:8000", "shop.web.wsgi"]
}
