# An MQTT-over-WebSocket bridge on EC2 container instances behind an NLB.
# Devices stay idle for up to 25 minutes, so the listener keeps idle flows
# 30 minutes; the launch template was hardened with a 10-minute connection
# tracking timeout.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.73"
    }
  }
}

variable "subnets" {
  type    = list(string)
  default = ["subnet-0b1c2d3e4f5a60701", "subnet-0b1c2d3e4f5a60702"]
}

resource "aws_ecs_cluster" "devices" {
  name = "devices"
}

resource "aws_launch_template" "ecs" {
  name_prefix   = "devices-ecs-"
  image_id      = "ami-0c1d2e3f4a5b6c7d8"
  instance_type = "c6i.large"

  network_interfaces {
    device_index = 0
    subnet_id    = var.subnets[0]

    connection_tracking_specification {
      tcp_established_timeout = 600
    }
  }

  user_data = base64encode(<<-EOF
    #!/bin/bash
    echo "ECS_CLUSTER=${aws_ecs_cluster.devices.name}" >> /etc/ecs/ecs.config
  EOF
  )
}

resource "aws_autoscaling_group" "ecs" {
  name                = "devices-ecs"
  min_size            = 2
  max_size            = 6
  vpc_zone_identifier = var.subnets

  launch_template {
    id      = aws_launch_template.ecs.id
    version = "$Latest"
  }
}

resource "aws_lb" "devices" {
  name               = "devices"
  load_balancer_type = "network"
  subnets            = var.subnets
}

resource "aws_lb_target_group" "bridge" {
  name                 = "bridge"
  port                 = 8883
  protocol             = "TCP"
  target_type          = "instance"
  vpc_id               = "vpc-0b1c2d3e4f5a60718"
  deregistration_delay = 60
}

resource "aws_lb_listener" "bridge" {
  load_balancer_arn        = aws_lb.devices.arn
  port                     = 8883
  protocol                 = "TCP"
  tcp_idle_timeout_seconds = 1800

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.bridge.arn
  }
}

resource "aws_ecs_task_definition" "bridge" {
  family = "bridge"

  container_definitions = jsonencode([
    {
      name              = "bridge"
      image             = "678901234567.dkr.ecr.eu-west-1.amazonaws.com/bridge:2.4.0"
      essential         = true
      memoryReservation = 512
      command           = ["uvicorn", "bridge.app:app", "--host", "0.0.0.0", "--port", "8883", "--timeout-keep-alive", "1700"]
      portMappings      = [{ containerPort = 8883, hostPort = 0 }]
    }
  ])
}

resource "aws_ecs_service" "bridge" {
  name            = "bridge"
  cluster         = aws_ecs_cluster.devices.id
  task_definition = aws_ecs_task_definition.bridge.arn
  desired_count   = 4
  launch_type     = "EC2"

  load_balancer {
    target_group_arn = aws_lb_target_group.bridge.arn
    container_name   = "bridge"
    container_port   = 8883
  }
}

# The telemetry API runs in awsvpc mode: each task has its own network
# interface, which the launch template does not configure.
resource "aws_lb_target_group" "telemetry" {
  name                 = "telemetry"
  port                 = 8000
  protocol             = "TCP"
  target_type          = "ip"
  vpc_id               = "vpc-0b1c2d3e4f5a60718"
  deregistration_delay = 60
}

resource "aws_lb_listener" "telemetry" {
  load_balancer_arn        = aws_lb.devices.arn
  port                     = 8000
  protocol                 = "TCP"
  tcp_idle_timeout_seconds = 1800

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.telemetry.arn
  }
}

resource "aws_ecs_task_definition" "telemetry" {
  family       = "telemetry"
  network_mode = "awsvpc"

  container_definitions = jsonencode([
    {
      name              = "telemetry"
      image             = "678901234567.dkr.ecr.eu-west-1.amazonaws.com/telemetry:1.1.0"
      essential         = true
      memoryReservation = 256
      command           = ["uvicorn", "telemetry.app:app", "--host", "0.0.0.0", "--port", "8000", "--timeout-keep-alive", "1700"]
      portMappings      = [{ containerPort = 8000 }]
    }
  ])
}

resource "aws_ecs_service" "telemetry" {
  name            = "telemetry"
  cluster         = aws_ecs_cluster.devices.id
  task_definition = aws_ecs_task_definition.telemetry.arn
  desired_count   = 2
  launch_type     = "EC2"

  network_configuration {
    subnets = var.subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.telemetry.arn
    container_name   = "telemetry"
    container_port   = 8000
  }
}
