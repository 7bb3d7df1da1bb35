locals {
  # Fargate has no bind mounts from the host, so the sidecar writes its
  # server block from the environment at start-up.
  nginx_conf = <<-EOT
    server {
      listen 80;
      client_max_body_size 20m;

      location = /nginx-health {
        access_log off;
        return 200 "ok";
      }

      location /static/ {
        alias /usr/share/nginx/html/static/;
      }

      location / {
        proxy_pass http://127.0.0.1:8000;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;
      }
    }
  EOT
}

resource "aws_ecs_task_definition" "wiki" {
  family                   = "wiki"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 1024
  memory                   = 2048
  execution_role_arn       = var.execution_role_arn

  volume {
    name = "static"
  }

  container_definitions = jsonencode([
    {
      # Django app; only reachable through the nginx sidecar on localhost.
      name      = "app"
      image     = "${var.ecr_registry}/wiki:${var.image_tag}"
      essential = true
      command   = ["gunicorn", "-k", "gevent", "--workers", "3", "--bind", "127.0.0.1:8000", "wiki.wsgi:application"]
      mountPoints = [
        { sourceVolume = "static", containerPath = "/app/static" }
      ]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.wiki.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "app"
        }
      }
    },
    {
      name      = "nginx"
      image     = "nginx:1.25-alpine"
      essential = true
      command   = ["/bin/sh", "-c", "echo \"$NGINX_CONF\" > /etc/nginx/conf.d/default.conf && exec nginx -g 'daemon off;'"]
      environment = [
        { name = "NGINX_CONF", value = local.nginx_conf }
      ]
      portMappings = [
        { containerPort = 80, protocol = "tcp" }
      ]
      mountPoints = [
        { sourceVolume = "static", containerPath = "/usr/share/nginx/html/static", readOnly = true }
      ]
      dependsOn = [
        { containerName = "app", condition = "START" }
      ]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.wiki.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "nginx"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "wiki" {
  name            = "wiki"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.wiki.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = var.private_subnet_ids
    security_groups = [var.task_security_group_id]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.wiki.arn
    container_name   = "nginx"
    container_port   = 80
  }
}
