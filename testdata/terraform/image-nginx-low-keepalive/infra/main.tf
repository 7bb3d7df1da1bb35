resource "aws_lb" "gateway" {
  name               = "gateway"
  load_balancer_type = "application"
  subnets            = ["subnet-0e6a3b4c5d7f80001", "subnet-0e6a3b4c5d7f80002"]
}

resource "aws_lb_target_group" "gateway" {
  name                 = "api-gateway"
  port                 = 8080
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0e6a3b4c5d7f80000"
  deregistration_delay = 90
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.gateway.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.gateway.arn
  }
}

resource "aws_ecs_task_definition" "gateway" {
  family                   = "api-gateway"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512

  # No command: the image runs nginx as its base image does.
  container_definitions = jsonencode([
    {
      name         = "gateway"
      image        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api-gateway:1.0"
      essential    = true
      portMappings = [{ containerPort = 8080 }]
    }
  ])
}

resource "aws_ecs_service" "gateway" {
  name            = "api-gateway"
  cluster         = "arn:aws:ecs:eu-west-1:123456789012:cluster/platform"
  task_definition = aws_ecs_task_definition.gateway.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.gateway.arn
    container_name   = "gateway"
    container_port   = 8080
  }

  network_configuration {
    subnets = ["subnet-0e6a3b4c5d7f80011"]
  }
}
