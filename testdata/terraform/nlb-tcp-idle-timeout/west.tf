# west: the TCP listener keeps idle flows 600 s, longer than the server's
# keep-alive.

resource "aws_lb" "west" {
  name               = "gateway-west"
  load_balancer_type = "network"
  internal           = true
  subnets            = local.subnets
}

resource "aws_lb_target_group" "west" {
  name        = "gateway-west"
  port        = 8000
  protocol    = "TCP"
  target_type = "ip"
  vpc_id      = local.vpc_id
}

resource "aws_lb_listener" "west" {
  load_balancer_arn        = aws_lb.west.arn
  port                     = 80
  protocol                 = "TCP"
  tcp_idle_timeout_seconds = 600

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.west.arn
  }
}

resource "aws_ecs_service" "west" {
  name            = "gateway-west"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.gateway.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = local.subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.west.arn
    container_name   = "gateway"
    container_port   = 8000
  }
}
