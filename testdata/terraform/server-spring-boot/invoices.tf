# The invoices API: a Spring Boot jar whose keep-alive is set above the
# ALB's idle timeout through the environment, and whose graceful shutdown
# fits in its stopTimeout.

resource "aws_lb" "invoices" {
  name               = "invoices"
  load_balancer_type = "application"
  subnets            = local.public_subnets
  idle_timeout       = 60
}

resource "aws_lb_target_group" "invoices" {
  name                 = "invoices"
  port                 = 8080
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = local.vpc_id
  deregistration_delay = 60

  health_check {
    path = "/actuator/health"
  }
}

resource "aws_lb_listener" "invoices" {
  load_balancer_arn = aws_lb.invoices.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.invoices.arn
  }
}

resource "aws_ecs_task_definition" "invoices" {
  family                   = "invoices"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 1024
  memory                   = 2048

  container_definitions = jsonencode([
    {
      name         = "invoices"
      image        = "${local.registry}/invoices:1.8.0"
      essential    = true
      entryPoint   = ["java", "-jar", "/app/invoices.jar"]
      command      = ["--server.shutdown=graceful", "--spring.lifecycle.timeout-per-shutdown-phase=20s"]
      stopTimeout  = 40
      portMappings = [{ containerPort = 8080 }]
      environment = [
        { name = "SERVER_TOMCAT_KEEPALIVETIMEOUT", value = "75s" },
      ]
    }
  ])
}

resource "aws_ecs_service" "invoices" {
  name            = "invoices"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.invoices.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = local.private_subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.invoices.arn
    container_name   = "invoices"
    container_port   = 8080
  }
}
