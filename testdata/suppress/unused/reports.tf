resource "aws_lb" "reports" {
  name               = "search-reports"
  load_balancer_type = "application"
  subnets            = ["subnet-0f1e2d3c4b5a69788", "subnet-0a9b8c7d6e5f40312"]
  idle_timeout       = var.idle_timeout
}

resource "aws_lb_target_group" "reports" {
  name        = "search-reports"
  port        = 8000
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = "vpc-0a1b2c3d4e5f60718"
}

resource "aws_lb_listener" "reports" {
  load_balancer_arn = aws_lb.reports.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.reports.arn
  }
}

# keepalign:ignore KA101 -- reports stream for minutes; idle timeout is set per environment
resource "aws_ecs_service" "reports" {
  name            = "search-reports"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  desired_count   = 1
  launch_type     = "FARGATE"

  network_configuration {
    subnets = ["subnet-07c6b5a4938271605"]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.reports.arn
    container_name   = "app"
    container_port   = 8000
  }
}
