# ledger: a Spring Boot service whose Tomcat was told never to time out
# idle connections (-1), behind the west NLB's 600 s TCP listener on
# another port: the NLB forgets the flow, Tomcat never does.

resource "aws_ecs_task_definition" "ledger" {
  family                   = "ledger"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 1024
  memory                   = 2048

  container_definitions = jsonencode([
    {
      name         = "ledger"
      image        = "345678901234.dkr.ecr.us-west-2.amazonaws.com/ledger:3.0.1"
      essential    = true
      command      = ["java", "-jar", "/app/ledger.jar", "--server.port=8080", "--server.tomcat.keep-alive-timeout=-1"]
      portMappings = [{ containerPort = 8080 }]
    }
  ])
}

resource "aws_lb_target_group" "ledger" {
  name        = "ledger"
  port        = 8080
  protocol    = "TCP"
  target_type = "ip"
  vpc_id      = local.vpc_id
}

resource "aws_lb_listener" "ledger" {
  load_balancer_arn        = aws_lb.west.arn
  port                     = 8080
  protocol                 = "TCP"
  tcp_idle_timeout_seconds = 600

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.ledger.arn
  }
}

resource "aws_ecs_service" "ledger" {
  name            = "ledger"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.ledger.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = local.subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.ledger.arn
    container_name   = "ledger"
    container_port   = 8080
  }
}
