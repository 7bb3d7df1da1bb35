module "alb" {
  source  = "terraform-aws-modules/alb/aws"
  version = "~> 8.7"

  name               = "billing"
  load_balancer_type = "application"
  vpc_id             = "vpc-0a0b0c0d0e0f01020"
  subnets            = ["subnet-0a0b0c0d0e0f01021", "subnet-0a0b0c0d0e0f01022"]
  idle_timeout       = 300

  target_groups = [
    {
      name_prefix          = "bill-"
      backend_protocol     = "HTTP"
      backend_port         = 8000
      target_type          = "ip"
      deregistration_delay = 30
    }
  ]

  http_tcp_listeners = [
    {
      port               = 80
      protocol           = "HTTP"
      target_group_index = 0
    }
  ]
}

resource "aws_ecs_task_definition" "billing" {
  family = "billing"

  container_definitions = jsonencode([
    {
      name    = "billing"
      image   = "123456789012.dkr.ecr.us-west-2.amazonaws.com/billing:7.0.2"
      command = ["gunicorn", "--worker-class", "gthread", "--threads", "8", "--keep-alive", "310", "--timeout", "300", "billing.wsgi"]
    }
  ])
}

resource "aws_ecs_service" "billing" {
  name            = "billing"
  task_definition = aws_ecs_task_definition.billing.arn
  desired_count   = 3

  load_balancer {
    target_group_arn = module.alb.target_group_arns[0]
    container_name   = "billing"
    container_port   = 8000
  }
}
