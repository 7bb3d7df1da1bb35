# The payments API deploys blue/green with CodeDeploy: the deployment group
# shifts the production listener between two target groups. The service's
# load_balancer block names blue, the group it was created with.

resource "aws_lb" "payments" {
  name               = "payments"
  load_balancer_type = "application"
  idle_timeout       = 90
  subnets            = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
}

resource "aws_lb_listener" "production" {
  load_balancer_arn = aws_lb.payments.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.blue.arn
  }

  # CodeDeploy moves the listener between blue and green.
  lifecycle {
    ignore_changes = [default_action]
  }
}

resource "aws_lb_target_group" "blue" {
  name                 = "payments-blue"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0a1b2c3d4e5f60000"
  deregistration_delay = 120
}

resource "aws_lb_target_group" "green" {
  name                 = "payments-green"
  port                 = 8000
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = "vpc-0a1b2c3d4e5f60000"
  deregistration_delay = 10
}

resource "aws_codedeploy_app" "payments" {
  compute_platform = "ECS"
  name             = "payments"
}

resource "aws_codedeploy_deployment_group" "payments" {
  app_name               = aws_codedeploy_app.payments.name
  deployment_group_name  = "payments"
  deployment_config_name = "CodeDeployDefault.ECSAllAtOnce"
  service_role_arn       = "arn:aws:iam::123456789012:role/codedeploy-ecs"

  deployment_style {
    deployment_option = "WITH_TRAFFIC_CONTROL"
    deployment_type   = "BLUE_GREEN"
  }

  blue_green_deployment_config {
    deployment_ready_option {
      action_on_timeout = "CONTINUE_DEPLOYMENT"
    }
    terminate_blue_instances_on_deployment_success {
      action                           = "TERMINATE"
      termination_wait_time_in_minutes = 5
    }
  }

  ecs_service {
    cluster_name = "payments"
    service_name = aws_ecs_service.payments.name
  }

  load_balancer_info {
    target_group_pair_info {
      prod_traffic_route {
        listener_arns = [aws_lb_listener.production.arn]
      }
      target_group {
        name = aws_lb_target_group.blue.name
      }
      target_group {
        name = aws_lb_target_group.green.name
      }
    }
  }
}
