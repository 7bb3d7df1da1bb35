resource "aws_lb" "storefront" {
  name               = "storefront"
  load_balancer_type = "application"
  subnets            = ["subnet-0d5f2a3b4c6e70001", "subnet-0d5f2a3b4c6e70002"]
}

resource "aws_lb_target_group" "storefront" {
  name                 = "storefront"
  port                 = 80
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0d5f2a3b4c6e70000"
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
  family                   = "storefront"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512

  # No command: the image runs nginx as its base image does.
  container_definitions = jsonencode([
    {
      name         = "storefront"
      image        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/storefront:1.0"
      essential    = true
      portMappings = [{ containerPort = 80 }]
    }
  ])
}

resource "aws_ecs_service" "storefront" {
  name            = "storefront"
  cluster         = "arn:aws:ecs:eu-west-1:123456789012:cluster/shop"
  task_definition = aws_ecs_task_definition.storefront.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.storefront.arn
    container_name   = "storefront"
    container_port   = 80
  }

  network_configuration {
    subnets = ["subnet-0d5f2a3b4c6e70011"]
  }
}
