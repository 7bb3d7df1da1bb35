resource "aws_ecs_task_definition" "api" {
  family                   = "cms-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "512"
  memory                   = "1024"
  execution_role_arn       = var.execution_role_arn

  container_definitions = <<EOF
[
  {
    "name": "api",
    "image": "${var.api_image}",
    "essential": true,
    "command": [
      "gunicorn", "cms.wsgi:application",
      "--worker-class", "gthread",
      "--threads", "8",
      "--timeout", "120",
      "--keep-alive", "${var.api_keepalive}",
      "--bind", "0.0.0.0:8000"
    ],
    "portMappings": [
      { "containerPort": 8000, "protocol": "tcp" }
    ],
    "logConfiguration": {
      "logDriver": "awslogs",
      "options": {
        "awslogs-group": "${aws_cloudwatch_log_group.cms.name}",
        "awslogs-region": "${var.region}",
        "awslogs-stream-prefix": "api"
      }
    }
  }
]
EOF
}

resource "aws_ecs_task_definition" "admin" {
  family                   = "cms-admin"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = var.execution_role_arn

  container_definitions = <<-EOT
    [
      {
        "name": "admin",
        "image": "${var.admin_image}",
        "essential": true,
        "command": ["hypercorn", "--bind", "0.0.0.0:9000", "--keep-alive", "75", "cms.asgi:application"],
        "portMappings": [{ "containerPort": 9000 }],
        "logConfiguration": {
          "logDriver": "awslogs",
          "options": {
            "awslogs-group": "${aws_cloudwatch_log_group.cms.name}",
            "awslogs-region": "${var.region}",
            "awslogs-stream-prefix": "admin"
          }
        }
      }
    ]
  EOT
}

resource "aws_ecs_service" "api" {
  name            = "cms-api"
  cluster         = aws_ecs_cluster.cms.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = var.private_subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
    container_name   = "api"
    container_port   = 8000
  }
}

resource "aws_ecs_service" "admin" {
  name            = "cms-admin"
  cluster         = aws_ecs_cluster.cms.id
  task_definition = aws_ecs_task_definition.admin.arn
  desired_count   = 1
  launch_type     = "FARGATE"

  network_configuration {
    subnets = var.private_subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.admin.arn
    container_name   = "admin"
    container_port   = 9000
  }
}
