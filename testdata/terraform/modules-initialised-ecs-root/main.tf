# The orders API as most teams write it: a registry ALB module and a
# registry ECS service module, laid out as `terraform init` leaves them.

module "alb" {
  source  = "terraform-aws-modules/alb/aws"
  version = "9.9.0"

  name         = "orders"
  vpc_id       = "vpc-0a1b2c3d4e5f60000"
  subnets      = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  idle_timeout = 120

  listeners = {
    http = {
      port     = 80
      protocol = "HTTP"
      forward = {
        target_group_key = "api"
      }
    }
  }

  target_groups = {
    api = {
      protocol             = "HTTP"
      port                 = 8000
      target_type          = "ip"
      deregistration_delay = 30
    }
  }
}

module "api" {
  source  = "terraform-aws-modules/ecs/aws//modules/service"
  version = "5.12.0"

  name        = "orders-api"
  cluster_arn = "arn:aws:ecs:eu-west-1:123456789012:cluster/shop"
  # Passed through from a wrapper that leaves it unset: the module declares
  # it `nullable = false`, so its default (true) applies.
  create = null

  container_definitions = {
    api = {
      image      = "${data.aws_ecr_repository.orders.repository_url}:4.2.0"
      entrypoint = ["gunicorn"]
      command    = ["orders.wsgi", "-k", "gevent", "--keep-alive", "5", "-b", "0.0.0.0:8000"]
    }
  }

  load_balancer = {
    service = {
      target_group_arn = module.alb.target_groups["api"].arn
      container_name   = "api"
      container_port   = 8000
    }
  }
}

data "aws_ecr_repository" "orders" {
  name = "orders"
}
