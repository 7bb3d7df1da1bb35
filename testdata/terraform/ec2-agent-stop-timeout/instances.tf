resource "aws_ecs_cluster" "billing" {
  name = "billing"
}

# The container instances: ECS-optimized Amazon Linux joining the cluster.
# The agent stops containers 10 s after SIGTERM unless a container sets
# its own stopTimeout.
resource "aws_launch_template" "ecs" {
  name_prefix   = "billing-ecs-"
  image_id      = var.ecs_ami_id
  instance_type = "t3.medium"

  iam_instance_profile {
    name = var.instance_profile_name
  }

  user_data = base64encode(<<-EOF
    #!/bin/bash
    cat <<'CONFIG' >> /etc/ecs/ecs.config
    ECS_CLUSTER=${aws_ecs_cluster.billing.name}
    ECS_CONTAINER_STOP_TIMEOUT=10s
    ECS_ENABLE_CONTAINER_METADATA=true
    CONFIG
  EOF
  )
}

resource "aws_autoscaling_group" "ecs" {
  name                = "billing-ecs"
  min_size            = 2
  max_size            = 4
  vpc_zone_identifier = var.private_subnet_ids

  launch_template {
    id      = aws_launch_template.ecs.id
    version = "$Latest"
  }
}
