[
  {
    "name": "web",
    "image": "123456789012.dkr.ecr.${region}.amazonaws.com/exchange-web:4.2.0",
    "essential": true,
    "command": ["gunicorn", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--threads", "4", "--keep-alive", "75", "--timeout", "120", "exchange.wsgi"],
    "portMappings": [{ "containerPort": 8000 }]
  }
]
