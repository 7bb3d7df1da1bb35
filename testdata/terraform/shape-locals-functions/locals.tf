locals {
  env  = lower(trimspace(var.environment))
  name = replace(format("%s-%s", var.service, local.env), "_", "-")

  defaults = {
    workers              = 2
    keepalive            = 5
    idle_timeout         = 60
    deregistration_delay = 120
  }

  settings = {
    staging = {
      workers = 2
    }
    production = {
      workers              = 6
      keepalive            = 45
      idle_timeout         = 120
      deregistration_delay = 150
    }
  }

  cfg = merge(local.defaults, local.settings[local.env])

  keepalive    = lookup(local.settings[local.env], "keepalive", 5)
  idle_timeout = tonumber(coalesce(var.idle_timeout_override, tostring(local.cfg.idle_timeout)))

  gunicorn_flags = join(" ", [
    "-k gevent",
    format("--workers %d", local.cfg.workers),
    format("--keep-alive %d", local.keepalive),
    "--bind 0.0.0.0:${var.port}",
  ])

  command = concat(["gunicorn"], split(" ", local.gunicorn_flags), [var.wsgi_app])

  image = format("%s.dkr.ecr.%s.amazonaws.com/%s:%s", var.account_id, var.region, var.service, var.image_tag)

  base_env = {
    APP_ENV      = upper(local.env)
    WORKER_COUNT = tostring(local.cfg.workers)
  }
  extra_env = try(jsondecode(var.extra_env_json), {})

  environment = flatten([
    [for k, v in merge(local.base_env, local.extra_env) : { name = k, value = tostring(v) }],
  ])

  first_subnet = element(var.subnet_ids, 0)
  tier         = try(local.settings[local.env].tier, "standard")

  tags = {
    Service = var.service
    Env     = local.env
    Tier    = local.tier
  }
}
