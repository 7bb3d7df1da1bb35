# A Varnish cache in front of a shop, and an ASP.NET Core reports API that
# serves long exports, each behind its own ALB.

locals {
  vpc_id   = "vpc-0a9b8c7d6e5f4a3b2"
  subnets  = ["subnet-0a9b8c7d6e5f4a301", "subnet-0a9b8c7d6e5f4a302"]
  registry = "456789012345.dkr.ecr.eu-north-1.amazonaws.com"
}

resource "aws_ecs_cluster" "main" {
  name = "shop"
}

# cache: the official Varnish image with its stock parameters: Varnish
# closes idle client connections after 5 s, the ALB keeps them 60 s.
resource "aws_lb" "cache" {
  name               = "cache"
  load_balancer_type = "application"
  subnets            = local.subnets
  idle_timeout       = 60
}

resource "aws_lb_target_group" "cache" {
  name                 = "cache"
  port                 = 8080
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = local.vpc_id
  deregistration_delay = 60
}

resource "aws_lb_listener" "cache" {
  load_balancer_arn = aws_lb.cache.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.cache.arn
  }
}

resource "aws_ecs_task_definition" "cache" {
  family                   = "cache"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([
    {
      name         = "cache"
      image        = "varnish:7.6"
      essential    = true
      portMappings = [{ containerPort = 8080 }]
      environment = [
        { name = "VARNISH_HTTP_PORT", value = "8080" },
      ]
    }
  ])
}

resource "aws_ecs_service" "cache" {
  name            = "cache"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.cache.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = local.subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.cache.arn
    container_name   = "cache"
    container_port   = 8080
  }
}

# reports: exports run for minutes, so the ALB keeps idle connections
# 300 s; Kestrel closes them after its default 130 s.
resource "aws_lb" "reports" {
  name               = "reports"
  load_balancer_type = "application"
  subnets            = local.subnets
  idle_timeout       = 300
}

resource "aws_lb_target_group" "reports" {
  name        = "reports"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = local.vpc_id

  deregistration_delay = 300
}

resource "aws_lb_listener" "reports" {
  load_balancer_arn = aws_lb.reports.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.reports.arn
  }
}

resource "aws_ecs_task_definition" "reports" {
  family                   = "reports"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([
    {
      name         = "reports"
      image        = "${local.registry}/reports:4.2.0"
      essential    = true
      entryPoint   = ["dotnet", "Shop.Reports.dll"]
      portMappings = [{ containerPort = 8080 }]
    }
  ])
}

resource "aws_ecs_service" "reports" {
  name            = "reports"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.reports.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = local.subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.reports.arn
    container_name   = "reports"
    container_port   = 8080
  }
}
