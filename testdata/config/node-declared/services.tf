resource "aws_lb_target_group" "web" {
  name                 = "storefront-web"
  port                 = 3000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0a1b2c3d4e5f607ff"
  deregistration_delay = 150
}

resource "aws_lb_target_group" "admin" {
  name                 = "storefront-admin"
  port                 = 8080
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0a1b2c3d4e5f607ff"
  deregistration_delay = 150
}

# The web app sets server.keepAliveTimeout in its own code (src/server.ts).
resource "aws_ecs_task_definition" "web" {
  family                   = "storefront-web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([
    {
      name         = "web"
      image        = "101112131415.dkr.ecr.eu-central-1.amazonaws.com/storefront-web:4.2.0"
      essential    = true
      command      = ["node", "dist/server.js"]
      portMappings = [{ containerPort = 3000 }]
    }
  ])
}

# The admin service is a Go binary; its Dockerfile sets the entrypoint.
resource "aws_ecs_task_definition" "admin" {
  family                   = "storefront-admin"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512

  container_definitions = jsonencode([
    {
      name         = "admin"
      image        = "101112131415.dkr.ecr.eu-central-1.amazonaws.com/storefront-admin:1.9.3"
      essential    = true
      portMappings = [{ containerPort = 8080 }]
    }
  ])
}

resource "aws_ecs_service" "web" {
  name            = "storefront-web"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 3
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "web"
    container_port   = 3000
  }
}

resource "aws_ecs_service" "admin" {
  name            = "storefront-admin"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.admin.arn
  desired_count   = 1
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.admin.arn
    container_name   = "admin"
    container_port   = 8080
  }
}
