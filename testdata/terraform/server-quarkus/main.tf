# Two Quarkus services built from Quarkus' generated Dockerfile.jvm
# (run-java.sh starts /deployments/quarkus-run.jar).

locals {
  vpc_id   = "vpc-0a9b8c7d6e5f4a3b2"
  subnets  = ["subnet-0a9b8c7d6e5f4a301", "subnet-0a9b8c7d6e5f4a302"]
  registry = "456789012345.dkr.ecr.eu-north-1.amazonaws.com"
}

resource "aws_ecs_cluster" "main" {
  name = "media"
}

# catalog: behind an ALB (60 s idle), with the idle timeout set to 30 s.
resource "aws_lb" "catalog" {
  name               = "catalog"
  load_balancer_type = "application"
  subnets            = local.subnets
  idle_timeout       = 60
}

resource "aws_lb_target_group" "catalog" {
  name                 = "catalog"
  port                 = 8080
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = local.vpc_id
  deregistration_delay = 60
}

resource "aws_lb_listener" "catalog" {
  load_balancer_arn = aws_lb.catalog.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.catalog.arn
  }
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
      image        = "${local.registry}/catalog:2.0.0"
      essential    = true
      entryPoint   = ["/opt/jboss/container/java/run/run-java.sh"]
      portMappings = [{ containerPort = 8080 }]
      environment = [
        { name = "JAVA_APP_JAR", value = "/deployments/quarkus-run.jar" },
        { name = "QUARKUS_HTTP_IDLE_TIMEOUT", value = "30s" },
      ]
    }
  ])
}

resource "aws_ecs_service" "catalog" {
  name            = "catalog"
  cluster         = aws_ecs_cluster.main.id
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

# stream: behind an NLB's TCP listener (350 s), with Quarkus' default
# idle timeout of 30 minutes.
resource "aws_lb" "stream" {
  name               = "stream"
  load_balancer_type = "network"
  subnets            = local.subnets
}

resource "aws_lb_target_group" "stream" {
  name        = "stream"
  port        = 8080
  protocol    = "TCP"
  target_type = "ip"
  vpc_id      = local.vpc_id
}

resource "aws_lb_listener" "stream" {
  load_balancer_arn = aws_lb.stream.arn
  port              = 80
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.stream.arn
  }
}

resource "aws_ecs_task_definition" "stream" {
  family                   = "stream"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([
    {
      name         = "stream"
      image        = "${local.registry}/stream:2.0.0"
      essential    = true
      command      = ["java", "-Dquarkus.http.host=0.0.0.0", "-jar", "/deployments/quarkus-run.jar"]
      portMappings = [{ containerPort = 8080 }]
    }
  ])
}

resource "aws_ecs_service" "stream" {
  name            = "stream"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.stream.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = local.subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.stream.arn
    container_name   = "stream"
    container_port   = 8080
  }
}
