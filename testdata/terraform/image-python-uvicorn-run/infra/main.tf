resource "aws_lb" "search" {
  name               = "search"
  load_balancer_type = "application"
  subnets            = ["subnet-0e1f2a3b4c5d60001", "subnet-0e1f2a3b4c5d60002"]
}

resource "aws_lb_target_group" "search" {
  name                 = "search-api"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0e1f2a3b4c5d60000"
  deregistration_delay = 90
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.search.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.search.arn
  }
}

resource "aws_ecs_task_definition" "search" {
  family                   = "search-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 1024
  memory                   = 2048

  # No command: the image's CMD runs `python main.py`, which starts uvicorn
  # with uvicorn.run().
  container_definitions = jsonencode([
    {
      name         = "api"
      image        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/search-api:0.9.1"
      essential    = true
      stopTimeout  = 45
      portMappings = [{ containerPort = 8000 }]
      environment = [
        { name = "SEARCH_INDEX", value = "products-v3" },
      ]
    }
  ])
}

resource "aws_ecs_service" "search" {
  name            = "search-api"
  cluster         = "arn:aws:ecs:eu-west-1:123456789012:cluster/shop"
  task_definition = aws_ecs_task_definition.search.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.search.arn
    container_name   = "api"
    container_port   = 8000
  }

  network_configuration {
    subnets = ["subnet-0e1f2a3b4c5d60011"]
  }
}
