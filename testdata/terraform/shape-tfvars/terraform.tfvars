region             = "eu-west-1"
service_name       = "reports"
vpc_id             = "vpc-0d1c2b3a4f5e6d7c8"
public_subnet_ids  = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
private_subnet_ids = ["subnet-0a1b2c3d4e5f60003", "subnet-0a1b2c3d4e5f60004"]
certificate_arn    = "arn:aws:acm:eu-west-1:789012345678:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
access_logs_bucket = "acme-alb-access-logs"
execution_role_arn = "arn:aws:iam::789012345678:role/reports-execution"
ecr_repo           = "789012345678.dkr.ecr.eu-west-1.amazonaws.com/reports"
image_tag          = "2.3.0"

alb_idle_timeout     = 60
deregistration_delay = 180
gunicorn_workers     = 4
gunicorn_keep_alive  = 75
