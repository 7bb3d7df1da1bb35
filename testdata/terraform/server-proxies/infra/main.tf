# An edge ALB in front of four proxies on Fargate: HAProxy for the API
# gateway, Traefik for internal routes, Caddy for the docs site and Envoy
# for the service mesh ingress. The ALB keeps idle connections for its
# default 60 s.

locals {
  vpc_id   = "vpc-0c1d2e3f4a5b6c7d8"
  subnets  = ["subnet-0c1d2e3f4a5b6c701", "subnet-0c1d2e3f4a5b6c702"]
  registry = "210987654321.dkr.ecr.eu-central-1.amazonaws.com"
}

resource "aws_ecs_cluster" "edge" {
  name = "edge"
}

resource "aws_lb" "edge" {
  name               = "edge"
  load_balancer_type = "application"
  subnets            = local.subnets
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.edge.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.gateway.arn
  }
}

# gateway: HAProxy built from services/gateway-haproxy. Its haproxy.cfg
# sets `timeout client 75s`, but no `timeout http-keep-alive`, so HAProxy
# waits for the next request only `timeout http-request`, 10 s.
resource "aws_lb_target_group" "gateway" {
  name        = "gateway"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = local.vpc_id
}

resource "aws_ecs_task_definition" "gateway" {
  family                   = "gateway"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512

  container_definitions = jsonencode([
    {
      name         = "gateway"
      image        = "${local.registry}/gateway-haproxy:2.1"
      essential    = true
      portMappings = [{ containerPort = 8080 }]
    }
  ])
}

resource "aws_ecs_service" "gateway" {
  name            = "gateway"
  cluster         = aws_ecs_cluster.edge.id
  task_definition = aws_ecs_task_definition.gateway.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = local.subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.gateway.arn
    container_name   = "gateway"
    container_port   = 8080
  }
}

# routes: the official Traefik image configured by flags; the entry point
# sets no idle timeout, so Traefik's 180 s applies.
resource "aws_lb_target_group" "routes" {
  name        = "routes"
  port        = 80
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = local.vpc_id
}

resource "aws_lb_listener_rule" "routes" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 10

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.routes.arn
  }

  condition {
    host_header {
      values = ["routes.example.com"]
    }
  }
}

resource "aws_ecs_task_definition" "routes" {
  family                   = "routes"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512

  container_definitions = jsonencode([
    {
      name         = "routes"
      image        = "traefik:v3.1"
      essential    = true
      command = [
        "--entryPoints.web.address=:80",
        "--providers.ecs=true",
        "--providers.ecs.exposedByDefault=false",
      ]
      portMappings = [{ containerPort = 80 }]
    }
  ])
}

resource "aws_ecs_service" "routes" {
  name            = "routes"
  cluster         = aws_ecs_cluster.edge.id
  task_definition = aws_ecs_task_definition.routes.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = local.subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.routes.arn
    container_name   = "routes"
    container_port   = 80
  }
}

# docs: Caddy built from services/static-caddy, whose Caddyfile sets the
# servers' idle timeout to 30 s.
resource "aws_lb_target_group" "docs" {
  name        = "docs"
  port        = 80
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = local.vpc_id
}

resource "aws_lb_listener_rule" "docs" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 20

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.docs.arn
  }

  condition {
    host_header {
      values = ["docs.example.com"]
    }
  }
}

resource "aws_ecs_task_definition" "docs" {
  family                   = "docs"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512

  container_definitions = jsonencode([
    {
      name         = "docs"
      image        = "${local.registry}/static-caddy:1.4"
      essential    = true
      portMappings = [{ containerPort = 80 }]
    }
  ])
}

resource "aws_ecs_service" "docs" {
  name            = "docs"
  cluster         = aws_ecs_cluster.edge.id
  task_definition = aws_ecs_task_definition.docs.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = local.subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.docs.arn
    container_name   = "docs"
    container_port   = 80
  }
}

# mesh: Envoy built from services/mesh-envoy; its HTTP connection manager
# keeps idle connections 120 s.
resource "aws_lb_target_group" "mesh" {
  name        = "mesh"
  port        = 10000
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = local.vpc_id
}

resource "aws_lb_listener_rule" "mesh" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 30

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.mesh.arn
  }

  condition {
    host_header {
      values = ["mesh.example.com"]
    }
  }
}

resource "aws_ecs_task_definition" "mesh" {
  family                   = "mesh"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512

  container_definitions = jsonencode([
    {
      name         = "mesh"
      image        = "${local.registry}/mesh-envoy:0.9"
      essential    = true
      portMappings = [{ containerPort = 10000 }]
    }
  ])
}

resource "aws_ecs_service" "mesh" {
  name            = "mesh"
  cluster         = aws_ecs_cluster.edge.id
  task_definition = aws_ecs_task_definition.mesh.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = local.subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.mesh.arn
    container_name   = "mesh"
    container_port   = 10000
  }
}
