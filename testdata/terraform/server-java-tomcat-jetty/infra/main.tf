# The shop's Java services on Fargate behind one ALB, which keeps idle
# connections for its default 60 s: two on Tomcat, two on Jetty.

locals {
  vpc_id   = "vpc-0a1b2c3d4e5f60718"
  subnets  = ["subnet-0a1b2c3d4e5f60701", "subnet-0a1b2c3d4e5f60702"]
  registry = "345678901234.dkr.ecr.eu-west-2.amazonaws.com"
}

resource "aws_ecs_cluster" "shop" {
  name = "shop"
}

resource "aws_lb" "shop" {
  name               = "shop"
  load_balancer_type = "application"
  subnets            = local.subnets
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.shop.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.catalog.arn
  }
}

# catalog: Tomcat built from services/catalog-tomcat, whose server.xml sets
# keepAliveTimeout="75000" on the port-8080 connector.
resource "aws_lb_target_group" "catalog" {
  name        = "catalog"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = local.vpc_id
}

resource "aws_ecs_task_definition" "catalog" {
  family                   = "catalog"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([
    {
      name         = "catalog"
      image        = "${local.registry}/catalog-tomcat:3.2"
      essential    = true
      portMappings = [{ containerPort = 8080 }]
    }
  ])
}

resource "aws_ecs_service" "catalog" {
  name            = "catalog"
  cluster         = aws_ecs_cluster.shop.id
  task_definition = aws_ecs_task_definition.catalog.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = local.subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.catalog.arn
    container_name   = "catalog"
    container_port   = 8080
  }
}

# legacy: the official Tomcat image with the old app mounted from EFS and
# no command, so the stock server.xml's 20 s connection timeout applies.
resource "aws_lb_target_group" "legacy" {
  name        = "legacy"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = local.vpc_id
}

resource "aws_lb_listener_rule" "legacy" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 10

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.legacy.arn
  }

  condition {
    path_pattern {
      values = ["/legacy/*"]
    }
  }
}

resource "aws_ecs_task_definition" "legacy" {
  family                   = "legacy"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([
    {
      name      = "legacy"
      image     = "tomcat:9.0-jdk17-temurin"
      essential = true
      mountPoints = [
        { sourceVolume = "webapps", containerPath = "/usr/local/tomcat/webapps" }
      ]
      portMappings = [{ containerPort = 8080 }]
    }
  ])

  volume {
    name = "webapps"
    efs_volume_configuration {
      file_system_id = "fs-0a1b2c3d"
    }
  }
}

resource "aws_ecs_service" "legacy" {
  name            = "legacy"
  cluster         = aws_ecs_cluster.shop.id
  task_definition = aws_ecs_task_definition.legacy.arn
  desired_count   = 1
  launch_type     = "FARGATE"

  network_configuration {
    subnets = local.subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.legacy.arn
    container_name   = "legacy"
    container_port   = 8080
  }
}

# search: the official Jetty image, given start properties as its command;
# the connector's idle timeout is raised to 90 s.
resource "aws_lb_target_group" "search" {
  name        = "search"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = local.vpc_id
}

resource "aws_lb_listener_rule" "search" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 20

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.search.arn
  }

  condition {
    path_pattern {
      values = ["/search/*"]
    }
  }
}

resource "aws_ecs_task_definition" "search" {
  family                   = "search"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([
    {
      name      = "search"
      image     = "jetty:12.0-jdk21"
      essential = true
      command   = ["--module=http", "jetty.http.idleTimeout=90000"]
      environment = [
        { name = "JAVA_OPTIONS", value = "-Xmx768m" }
      ]
      portMappings = [{ containerPort = 8080 }]
    }
  ])
}

resource "aws_ecs_service" "search" {
  name            = "search"
  cluster         = aws_ecs_cluster.shop.id
  task_definition = aws_ecs_task_definition.search.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = local.subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.search.arn
    container_name   = "search"
    container_port   = 8080
  }
}

# orders: a Spring Boot app on embedded Jetty; the connectors' idle
# timeout is set to 45 s in the environment.
resource "aws_lb_target_group" "orders" {
  name        = "orders"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = local.vpc_id
}

resource "aws_lb_listener_rule" "orders" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 30

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.orders.arn
  }

  condition {
    path_pattern {
      values = ["/orders/*"]
    }
  }
}

resource "aws_ecs_task_definition" "orders" {
  family                   = "orders"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([
    {
      name      = "orders"
      image     = "${local.registry}/orders:7.4.1"
      essential = true
      command   = ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/orders.jar"]
      environment = [
        { name = "SPRING_PROFILES_ACTIVE", value = "prod" },
        { name = "SERVER_JETTY_THREADS_MAX", value = "200" },
        { name = "SERVER_JETTY_CONNECTIONIDLETIMEOUT", value = "45s" }
      ]
      portMappings = [{ containerPort = 8080 }]
    }
  ])
}

resource "aws_ecs_service" "orders" {
  name            = "orders"
  cluster         = aws_ecs_cluster.shop.id
  task_definition = aws_ecs_task_definition.orders.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = local.subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.orders.arn
    container_name   = "orders"
    container_port   = 8080
  }
}
