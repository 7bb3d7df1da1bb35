[
  {
    "name": "${name}",
    "image": "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/${name}:latest",
    "essential": true,
    "command": ["bundle", "exec", "puma", "-C", "config/puma.rb", "-b", "tcp://0.0.0.0:3000"],
    "environment": [
      { "name": "RAILS_ENV", "value": "production" },
      { "name": "PUMA_PERSISTENT_TIMEOUT", "value": "75" }
    ],
    "portMappings": [{ "containerPort": 3000 }]
  }
]
