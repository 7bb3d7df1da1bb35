locals {
  log_options = {
    awslogs-group  = aws_cloudwatch_log_group.marketplace.name
    awslogs-region = var.region
  }
}

resource "aws_ecs_task_definition" "api" {
  family                   = "marketplace-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([{
    name         = "api"
    image        = "${var.registry}/marketplace-api:${var.api_tag}"
    essential    = true
    command      = ["uvicorn", "marketplace.api:app", "--host", "0.0.0.0", "--port", "8000", "--timeout-keep-alive", "75"]
    portMappings = [{ containerPort = 8000 }]
    logConfiguration = {
      logDriver = "awslogs"
      options   = merge(local.log_options, { awslogs-stream-prefix = "api" })
    }
  }])
}

resource "aws_ecs_task_definition" "web" {
  family                   = "marketplace-web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([{
    name         = "web"
    image        = "${var.registry}/marketplace-web:${var.web_tag}"
    essential    = true
    command      = ["nginx", "-g", "daemon off;"]
    portMappings = [{ containerPort = 80 }]
    logConfiguration = {
      logDriver = "awslogs"
      options   = merge(local.log_options, { awslogs-stream-prefix = "web" })
    }
  }])
}

resource "aws_ecs_task_definition" "checkout_blue" {
  family                   = "marketplace-checkout-blue"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([{
    name         = "checkout"
    image        = "${var.registry}/marketplace-checkout:${var.checkout_blue_tag}"
    essential    = true
    command      = ["gunicorn", "-k", "gevent", "--keep-alive", "65", "-b", "0.0.0.0:8000", "checkout.wsgi"]
    portMappings = [{ containerPort = 8000 }]
    logConfiguration = {
      logDriver = "awslogs"
      options   = merge(local.log_options, { awslogs-stream-prefix = "checkout-blue" })
    }
  }])
}

resource "aws_ecs_task_definition" "checkout_green" {
  family                   = "marketplace-checkout-green"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([{
    name         = "checkout"
    image        = "${var.registry}/marketplace-checkout:${var.checkout_green_tag}"
    essential    = true
    command      = ["gunicorn", "-k", "gevent", "-b", "0.0.0.0:8000", "checkout.wsgi"]
    portMappings = [{ containerPort = 8000 }]
    logConfiguration = {
      logDriver = "awslogs"
      options   = merge(local.log_options, { awslogs-stream-prefix = "checkout-green" })
    }
  }])
}

resource "aws_ecs_service" "api" {
  name            = "marketplace-api"
  cluster         = aws_ecs_cluster.marketplace.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = var.private_subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
    container_name   = "api"
    container_port   = 8000
  }
}

resource "aws_ecs_service" "web" {
  name            = "marketplace-web"
  cluster         = aws_ecs_cluster.marketplace.id
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = var.private_subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "web"
    container_port   = 80
  }
}

resource "aws_ecs_service" "checkout_blue" {
  name            = "marketplace-checkout-blue"
  cluster         = aws_ecs_cluster.marketplace.id
  task_definition = aws_ecs_task_definition.checkout_blue.arn
  desired_count   = 3
  launch_type     = "FARGATE"

  network_configuration {
    subnets = var.private_subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.checkout_blue.arn
    container_name   = "checkout"
    container_port   = 8000
  }
}

resource "aws_ecs_service" "checkout_green" {
  name            = "marketplace-checkout-green"
  cluster         = aws_ecs_cluster.marketplace.id
  task_definition = aws_ecs_task_definition.checkout_green.arn
  desired_count   = 1
  launch_type     = "FARGATE"

  network_configuration {
    subnets = var.private_subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.checkout_green.arn
    container_name   = "checkout"
    container_port   = 8000
  }
}
