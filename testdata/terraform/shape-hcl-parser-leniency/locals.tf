locals {
  # One object per load balancer. `idle` was raised for report downloads
  # and the new line added below the old one: Terraform keeps the later.
  load_balancers = {
    public = {
      internal = false
      idle     = 60
      idle     = 120
    }
  }

  # A conditional over two lines inside a for-expression, as in
  # cloudposse's null-label module.
  idle_timeouts = { for name, lb in local.load_balancers : name => lb.internal ? 60 :
    lb.idle }

  target_groups = {
    api = {
      port                 = 8000
      protocol             = "HTTP"
      deregistration_delay = 300
      health_check_path    = "/healthz"
      # Faster deploys.
      deregistration_delay = 30
    }
  }

  listeners = {
    http = {
      port     = 8080
      protocol = "HTTP"
      port     = 80
    }
  }
}
