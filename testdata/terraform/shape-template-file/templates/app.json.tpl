[
  {
    "name": "${app_name}",
    "image": "${image}",
    "cpu": ${fargate_cpu},
    "memory": ${fargate_memory},
    "networkMode": "awsvpc",
    "essential": true,
    "command": [
      "gunicorn",
      "--worker-class", "uvicorn.workers.UvicornWorker",
      "--workers", "${workers}",
      "--keep-alive", "${keepalive}",
      "--bind", "0.0.0.0:${app_port}",
      "invoices.main:app"
    ],
    "logConfiguration": {
      "logDriver": "awslogs",
      "options": {
        "awslogs-group": "${log_group}",
        "awslogs-region": "${aws_region}",
        "awslogs-stream-prefix": "ecs"
      }
    },
    "portMappings": [
      {
        "containerPort": ${app_port},
        "hostPort": ${app_port}
      }
    ]
  }
]
