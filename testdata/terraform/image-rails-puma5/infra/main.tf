resource "aws_lb" "storefront" {
  name               = "storefront"
  load_balancer_type = "application"
  subnets            = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
}

resource "aws_lb_target_group" "storefront" {
  name                 = "storefront-api"
  port                 = 3000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0a1b2c3d4e5f60000"
  deregistration_delay = 90
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.storefront.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.storefront.arn
  }
}

resource "aws_ecs_task_definition" "storefront" {
  family                   = "storefront-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  # No command: the image's CMD starts the server.
  container_definitions = jsonencode([
    {
      name         = "api"
      image        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/storefront:2024.11.3"
      essential    = true
      portMappings = [{ containerPort = 3000 }]
      environment  = [{ name = "LOG_LEVEL", value = "info" }]
    }
  ])
}

resource "aws_ecs_service" "storefront" {
  name            = "storefront-api"
  cluster         = "arn:aws:ecs:eu-west-1:123456789012:cluster/shop"
  task_definition = aws_ecs_task_definition.storefront.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.storefront.arn
    container_name   = "api"
    container_port   = 3000
  }

  network_configuration {
    subnets = ["subnet-0a1b2c3d4e5f60011"]
  }
}
