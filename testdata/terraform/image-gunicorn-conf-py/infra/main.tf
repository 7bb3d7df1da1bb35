resource "aws_lb" "catalog" {
  name               = "catalog"
  load_balancer_type = "application"
  subnets            = ["subnet-0c1d2e3f4a5b60001", "subnet-0c1d2e3f4a5b60002"]
}

resource "aws_lb_target_group" "catalog" {
  name                 = "catalog-api"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0c1d2e3f4a5b60000"
  deregistration_delay = 90
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.catalog.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.catalog.arn
  }
}

resource "aws_ecs_task_definition" "catalog" {
  family                   = "catalog-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  # No command: the image's CMD starts gunicorn, which reads
  # ./gunicorn.conf.py from the image's WORKDIR.
  container_definitions = jsonencode([
    {
      name         = "api"
      image        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/catalog-api:1.8.2"
      essential    = true
      stopTimeout  = 45
      portMappings = [{ containerPort = 8000 }]
      environment  = [{ name = "CATALOG_DB_HOST", value = "catalog.cluster-ro.internal" }]
    }
  ])
}

resource "aws_ecs_service" "catalog" {
  name            = "catalog-api"
  cluster         = "arn:aws:ecs:eu-west-1:123456789012:cluster/shop"
  task_definition = aws_ecs_task_definition.catalog.arn
  desired_count   = 3
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.catalog.arn
    container_name   = "api"
    container_port   = 8000
  }

  network_configuration {
    subnets = ["subnet-0c1d2e3f4a5b60011"]
  }
}
