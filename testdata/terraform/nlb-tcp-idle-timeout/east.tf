# east: the TCP listener keeps AWS's default TCP idle timeout of 350 s,
# shorter than the server's 400 s keep-alive.

resource "aws_lb" "east" {
  name               = "gateway-east"
  load_balancer_type = "network"
  internal           = true
  subnets            = local.subnets
}

resource "aws_lb_target_group" "east" {
  name        = "gateway-east"
  port        = 8000
  protocol    = "TCP"
  target_type = "ip"
  vpc_id      = local.vpc_id
}

resource "aws_lb_listener" "east" {
  load_balancer_arn = aws_lb.east.arn
  port              = 80
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.east.arn
  }
}

resource "aws_ecs_service" "east" {
  name            = "gateway-east"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.gateway.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = local.subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.east.arn
    container_name   = "gateway"
    container_port   = 8000
  }
}
