resource "aws_lb" "this" {
  name               = "billing"
  load_balancer_type = "application"
  subnets            = var.subnet_ids
  idle_timeout       = 60
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "not found"
      status_code  = "404"
    }
  }
}

resource "aws_lb_target_group" "this" {
  for_each = var.endpoints

  name        = "billing-${each.key}"
  port        = each.value.port
  protocol    = "HTTP"
  vpc_id      = var.vpc_id
  target_type = "ip"
}

resource "aws_lb_listener_rule" "this" {
  for_each = var.endpoints

  listener_arn = aws_lb_listener.http.arn

  dynamic "action" {
    for_each = [aws_lb_target_group.this[each.key].arn]
    content {
      type             = "forward"
      target_group_arn = action.value
    }
  }

  condition {
    path_pattern {
      values = [each.value.path]
    }
  }
}

resource "aws_ecs_task_definition" "billing" {
  family                   = "billing"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = jsonencode([
    {
      name         = "web"
      image        = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/billing:3.2.0"
      command      = ["gunicorn", "--worker-class", "gevent", "--bind", "0.0.0.0:8000", "billing.wsgi"]
      portMappings = [{ containerPort = 8000 }]
    },
    {
      name         = "admin"
      image        = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/billing-admin:3.2.0"
      command      = ["uvicorn", "admin.main:app", "--host", "0.0.0.0", "--port", "9000", "--timeout-keep-alive", "75"]
      portMappings = [{ containerPort = 9000 }]
    },
  ])
}

resource "aws_ecs_service" "billing" {
  name            = "billing"
  cluster         = "arn:aws:ecs:eu-central-1:123456789012:cluster/main"
  task_definition = aws_ecs_task_definition.billing.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  dynamic "load_balancer" {
    for_each = var.endpoints
    iterator = ep
    content {
      target_group_arn = aws_lb_target_group.this[ep.key].arn
      container_name   = ep.value.container
      container_port   = ep.value.port
    }
  }

  network_configuration {
    subnets = var.subnet_ids
  }
}
