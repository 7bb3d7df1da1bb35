resource "aws_lb" "docs" {
  name               = "docs"
  load_balancer_type = "application"
  subnets            = ["subnet-0f7b4c5d6e8a90001", "subnet-0f7b4c5d6e8a90002"]
}

resource "aws_lb_target_group" "docs" {
  name                 = "docs-site"
  port                 = 80
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0f7b4c5d6e8a90000"
  deregistration_delay = 90
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.docs.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.docs.arn
  }
}

resource "aws_ecs_task_definition" "docs" {
  family                   = "docs-site"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512

  # No command: the image runs httpd as its base image does.
  container_definitions = jsonencode([
    {
      name         = "docs"
      image        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docs-site:1.0"
      essential    = true
      portMappings = [{ containerPort = 80 }]
    }
  ])
}

resource "aws_ecs_service" "docs" {
  name            = "docs-site"
  cluster         = "arn:aws:ecs:eu-west-1:123456789012:cluster/docs"
  task_definition = aws_ecs_task_definition.docs.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.docs.arn
    container_name   = "docs"
    container_port   = 80
  }

  network_configuration {
    subnets = ["subnet-0f7b4c5d6e8a90011"]
  }
}
