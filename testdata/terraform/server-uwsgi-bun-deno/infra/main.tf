# Four services on Fargate behind one ALB, which keeps idle connections for
# its default 60 s: two Python apps on uWSGI, an edge API on Bun and a
# realtime service on Deno.

locals {
  vpc_id   = "vpc-0f1e2d3c4b5a69788"
  subnets  = ["subnet-0f1e2d3c4b5a69701", "subnet-0f1e2d3c4b5a69702"]
  registry = "456789012345.dkr.ecr.us-east-1.amazonaws.com"
}

resource "aws_ecs_cluster" "apps" {
  name = "apps"
}

resource "aws_lb" "apps" {
  name               = "apps"
  load_balancer_type = "application"
  subnets            = local.subnets
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.apps.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}

# api: uWSGI built from services/api-uwsgi; its uwsgi.ini serves HTTP/1.1
# from the workers (http11-socket) and sets no socket-timeout: 4 s.
resource "aws_lb_target_group" "api" {
  name        = "api"
  port        = 8000
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = local.vpc_id
}

resource "aws_ecs_task_definition" "api" {
  family                   = "api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512

  container_definitions = jsonencode([
    {
      name         = "api"
      image        = "${local.registry}/api-uwsgi:5.0"
      essential    = true
      portMappings = [{ containerPort = 8000 }]
    }
  ])
}

resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.apps.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = local.subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
    container_name   = "api"
    container_port   = 8000
  }
}

# admin: uWSGI's HTTP router with keep-alive on, 75 s.
resource "aws_lb_target_group" "admin" {
  name        = "admin"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = local.vpc_id
}

resource "aws_lb_listener_rule" "admin" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 10

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.admin.arn
  }

  condition {
    path_pattern {
      values = ["/admin/*"]
    }
  }
}

resource "aws_ecs_task_definition" "admin" {
  family                   = "admin"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512

  container_definitions = jsonencode([
    {
      name         = "admin"
      image        = "${local.registry}/admin:2.3"
      essential    = true
      command = [
        "uwsgi", "--http", ":8080", "--http-keepalive", "75",
        "--module", "admin.wsgi:application", "--master", "--processes", "2",
      ]
      portMappings = [{ containerPort = 8080 }]
    }
  ])
}

resource "aws_ecs_service" "admin" {
  name            = "admin"
  cluster         = aws_ecs_cluster.apps.id
  task_definition = aws_ecs_task_definition.admin.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = local.subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.admin.arn
    container_name   = "admin"
    container_port   = 8080
  }
}

# edge: a Bun.serve app; idleTimeout is not set in its code.
resource "aws_lb_target_group" "edge" {
  name        = "edge"
  port        = 3000
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = local.vpc_id
}

resource "aws_lb_listener_rule" "edge" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 20

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.edge.arn
  }

  condition {
    path_pattern {
      values = ["/edge/*"]
    }
  }
}

resource "aws_ecs_task_definition" "edge" {
  family                   = "edge"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512

  container_definitions = jsonencode([
    {
      name         = "edge"
      image        = "${local.registry}/edge:0.8.1"
      essential    = true
      command      = ["bun", "run", "src/server.ts"]
      portMappings = [{ containerPort = 3000 }]
    }
  ])
}

resource "aws_ecs_service" "edge" {
  name            = "edge"
  cluster         = aws_ecs_cluster.apps.id
  task_definition = aws_ecs_task_definition.edge.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = local.subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.edge.arn
    container_name   = "edge"
    container_port   = 3000
  }
}

# realtime: Deno.serve, which has no idle-timeout option.
resource "aws_lb_target_group" "realtime" {
  name        = "realtime"
  port        = 8000
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = local.vpc_id
}

resource "aws_lb_listener_rule" "realtime" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 30

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.realtime.arn
  }

  condition {
    path_pattern {
      values = ["/live/*"]
    }
  }
}

resource "aws_ecs_task_definition" "realtime" {
  family                   = "realtime"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512

  container_definitions = jsonencode([
    {
      name         = "realtime"
      image        = "${local.registry}/realtime:1.1.0"
      essential    = true
      command      = ["deno", "serve", "--allow-net", "--port", "8000", "main.ts"]
      portMappings = [{ containerPort = 8000 }]
    }
  ])
}

resource "aws_ecs_service" "realtime" {
  name            = "realtime"
  cluster         = aws_ecs_cluster.apps.id
  task_definition = aws_ecs_task_definition.realtime.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = local.subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.realtime.arn
    container_name   = "realtime"
    container_port   = 8000
  }
}
