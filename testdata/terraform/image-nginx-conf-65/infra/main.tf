resource "aws_lb" "edge" {
  name               = "edge"
  load_balancer_type = "application"
  subnets            = ["subnet-0c4e1f2a3b5d60001", "subnet-0c4e1f2a3b5d60002"]
}

resource "aws_lb_target_group" "edge" {
  name                 = "edge-nginx"
  port                 = 80
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0c4e1f2a3b5d60000"
  deregistration_delay = 90
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.edge.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.edge.arn
  }
}

resource "aws_ecs_task_definition" "edge" {
  family                   = "edge-nginx"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512

  # No command: the image runs nginx as its base image does.
  container_definitions = jsonencode([
    {
      name         = "edge"
      image        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/edge-nginx:1.0"
      essential    = true
      portMappings = [{ containerPort = 80 }]
    }
  ])
}

resource "aws_ecs_service" "edge" {
  name            = "edge-nginx"
  cluster         = "arn:aws:ecs:eu-west-1:123456789012:cluster/web"
  task_definition = aws_ecs_task_definition.edge.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.edge.arn
    container_name   = "edge"
    container_port   = 80
  }

  network_configuration {
    subnets = ["subnet-0c4e1f2a3b5d60011"]
  }
}
