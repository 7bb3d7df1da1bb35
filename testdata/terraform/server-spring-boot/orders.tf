# The orders API: a Spring Boot jar started as Spring Boot's images do,
# configured through SPRING_* variables only. Tomcat keeps idle
# connections for connectionTimeout, 60 s by default: as long as the ALB.

resource "aws_lb" "orders" {
  name               = "orders"
  load_balancer_type = "application"
  subnets            = local.public_subnets
}

resource "aws_lb_target_group" "orders" {
  name                 = "orders"
  port                 = 8080
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = local.vpc_id
  deregistration_delay = 60

  health_check {
    path = "/actuator/health"
  }
}

resource "aws_lb_listener" "orders" {
  load_balancer_arn = aws_lb.orders.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.orders.arn
  }
}

resource "aws_ecs_task_definition" "orders" {
  family                   = "orders"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 1024
  memory                   = 2048

  container_definitions = jsonencode([
    {
      name         = "orders"
      image        = "${local.registry}/orders:3.2.1"
      essential    = true
      command      = ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/orders.jar"]
      portMappings = [{ containerPort = 8080 }]
      environment = [
        { name = "SPRING_PROFILES_ACTIVE", value = "prod" },
        { name = "SPRING_DATASOURCE_URL", value = "jdbc:postgresql://orders-db:5432/orders" },
      ]
    }
  ])
}

resource "aws_ecs_service" "orders" {
  name            = "orders"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.orders.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = local.private_subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.orders.arn
    container_name   = "orders"
    container_port   = 8080
  }
}
