#!/usr/bin/env python3
"""Write a synthetic infrastructure monorepo for benchmarking keepalign, and
the findings keepalign must report on it.

    gen_repo.py OUT --services N [--seed S] [--truth TRUTH.json]

OUT gets one Terraform root per service (services/svcNNNNN/), in the shapes
container definitions take in real repositories, rotating:

  jsonencode     container_definitions = jsonencode([...]) in the root
  heredoc        a <<EOF JSON heredoc with ${var.x} interpolations
  templatefile   templatefile("${path.module}/task.json.tpl", {...})
  module         the root calls the shared local module modules/ecs-service

Every fifth service also has a CloudFormation template (stacks/svcNNNNN.yaml)
with the same settings. With --variants, some Terraform-only services sit
behind a Network Load Balancer TCP listener instead (the NL601 side of the
keep-alive, and the NLB's own health-check and draining semantics), and
some ALB services are served through a CloudFront distribution whose origin
is the ALB's DNS name (CF501, CF502). Roughly a third of the services are misaligned in one
way (keep-alive not above the idle timeout, deregistration delay below it,
health check timeout not below its interval, stopTimeout below the graceful
shutdown timeout); the rest are aligned. A few files that are not
infrastructure (READMEs, a workflow, a Kubernetes manifest) sit beside them.

TRUTH.json (default OUT/../truth.json) lists, per service and kind
(terraform, cloudformation), the rule IDs keepalign must report, derived from
the values written and the rules' documented semantics, not from keepalign.
Deterministic for a given --seed.
"""

import argparse
import json
import os
import random

# The servers, how their keep-alive is set, and their graceful-shutdown
# timeout when they have one by default (gunicorn 30 s, hypercorn 3 s;
# uvicorn waits for requests without a limit unless told).
SERVERS = ("uvicorn", "uvicorn-env", "gunicorn-gevent", "gunicorn-uvicorn", "hypercorn")
GRACEFUL_DEFAULT = {"gunicorn-gevent": 30, "gunicorn-uvicorn": 30, "hypercorn": 3}
ECS_STOP_TIMEOUT_DEFAULT = 30
SHAPES = ("jsonencode", "heredoc", "templatefile", "module")
FLAWS = ("KA101", "DR201", "HC401", "DR203")


def name(i):
    return "svc%05d" % i


class Service:
    """The settings of one service, and the rules they break."""

    def __init__(self, i, rnd):
        self.i = i
        self.name = name(i)
        self.shape = SHAPES[i % len(SHAPES)]
        self.server = rnd.choice(SERVERS)
        self.idle = rnd.choice([30, 60, 60, 120, 300])
        self.port = rnd.choice([8000, 8080, 3000])
        self.keep_alive = self.idle + rnd.choice([5, 15, 60])
        self.dereg = max(self.idle, rnd.choice([30, 60, 120, 300]))
        self.interval, self.hc_timeout = rnd.choice([(30, 5), (15, 10), (10, 5)])
        self.graceful = None  # written only when a flaw needs it, or now and then
        self.stop_timeout = None  # ECS default
        if self.server in ("uvicorn", "uvicorn-env") and rnd.random() < 0.3:
            self.graceful = 20
        self.flaw = rnd.choice(FLAWS) if rnd.random() < 1 / 3 else None
        if self.flaw == "KA101":
            self.keep_alive = rnd.choice([2, 5, self.idle, max(1, self.idle - 5)])
        elif self.flaw == "DR201":
            self.dereg = rnd.choice([d for d in (0, 5, 10, 20) if d < self.idle])
        elif self.flaw == "HC401":
            self.hc_timeout = rnd.choice([self.interval, self.interval + 5])
        elif self.flaw == "DR203":
            self.graceful = rnd.choice([45, 90])
            self.stop_timeout = rnd.choice([10, 30])

    def vary(self, rnd):
        """--variants: an NLB in front of some services, CloudFront in front
        of others. Only services without a CloudFormation twin and not built
        by the shared module, which writes an ALB."""
        self.nlb = False
        self.tcp_idle = None  # AWS's 350 s
        self.cloudfront = None
        if self.i % 5 == 0 or self.shape == "module":
            return
        if self.i % 7 == 3:
            self.nlb = True
            self.tcp_idle = rnd.choice([None, 120, 600])
            if self.flaw == "KA101":
                # A short keep-alive is fine behind an NLB; make it long.
                self.keep_alive = rnd.choice([360, 400])
        elif self.i % 7 == 5:
            self.cloudfront = (rnd.choice([5, 30, 60]), rnd.choice([30, 60]))

    def graceful_timeout(self):
        return self.graceful if self.graceful is not None else GRACEFUL_DEFAULT.get(self.server)

    def expected(self):
        rules = set()
        if getattr(self, "nlb", False):
            # An NLB reuses no connections: no KA101, no DR201; its flows are
            # forgotten after the TCP idle timeout (NL601); it accepts a
            # health check timeout equal to the interval.
            if self.keep_alive >= (self.tcp_idle or 350):
                rules.add("NL601")
            if self.hc_timeout > self.interval:
                rules.add("HC401")
        else:
            if self.keep_alive <= self.idle:
                rules.add("KA101")
            if self.dereg < self.idle:
                rules.add("DR201")
            if self.hc_timeout >= self.interval:
                rules.add("HC401")
        if getattr(self, "cloudfront", None):
            keepalive, read = self.cloudfront
            if keepalive >= self.idle:
                rules.add("CF501")
            # The idle timeout is always written, so it is explicit.
            if read < self.idle:
                rules.add("CF502")
        stop = self.stop_timeout if self.stop_timeout is not None else ECS_STOP_TIMEOUT_DEFAULT
        graceful = self.graceful_timeout()
        if graceful is not None and stop < graceful:
            rules.add("DR203")
        return sorted(rules)

    def command(self):
        app, port = "app.main:app", str(self.port)
        if self.server in ("uvicorn", "uvicorn-env"):
            cmd = ["uvicorn", app, "--host", "0.0.0.0", "--port", port, "--proxy-headers"]
            if self.server == "uvicorn":
                cmd += ["--timeout-keep-alive", str(self.keep_alive)]
            if self.graceful is not None:
                cmd += ["--timeout-graceful-shutdown", str(self.graceful)]
            return cmd
        if self.server == "hypercorn":
            cmd = ["hypercorn", "app.main:app", "--bind", "0.0.0.0:" + port,
                   "--keep-alive", str(self.keep_alive)]
            if self.graceful is not None:
                cmd += ["--graceful-timeout", str(self.graceful)]
            return cmd
        worker = "gevent" if self.server == "gunicorn-gevent" else "uvicorn.workers.UvicornWorker"
        cmd = ["gunicorn", "app.wsgi:application" if worker == "gevent" else app,
               "-k", worker, "--workers", "4", "--bind", "0.0.0.0:" + port,
               "--keep-alive", str(self.keep_alive)]
        if self.graceful is not None:
            cmd += ["--graceful-timeout", str(self.graceful)]
        return cmd

    def environment(self):
        env = [{"name": "APP_ENV", "value": "production"},
               {"name": "SERVICE_NAME", "value": self.name}]
        if self.server == "uvicorn-env":
            env.append({"name": "UVICORN_TIMEOUT_KEEP_ALIVE", "value": str(self.keep_alive)})
        return env


# ------------------------------------------------------------------ Terraform

def hcl(value, indent=0):
    """A Python value as an HCL expression (for jsonencode and module arguments)."""
    pad = "  " * indent
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return "[" + ", ".join(hcl(v) for v in value) + "]"
        inner = ",\n".join(pad + "  " + hcl(v, indent + 1) for v in value)
        return "[\n" + inner + "\n" + pad + "]"
    if isinstance(value, dict):
        width = max(len(k) for k in value)
        lines = ["%s  %s = %s" % (pad, k.ljust(width), hcl(v, indent + 1)) for k, v in value.items()]
        return "{\n" + "\n".join(lines) + "\n" + pad + "}"
    raise TypeError(value)


def container(s, image):
    c = {
        "name": "app",
        "image": image,
        "essential": True,
        "command": s.command(),
        "environment": s.environment(),
        "portMappings": [{"containerPort": s.port, "protocol": "tcp"}],
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": "/ecs/" + s.name, "awslogs-region": "us-east-1",
            "awslogs-stream-prefix": "app"}},
    }
    if s.stop_timeout is not None:
        c["stopTimeout"] = s.stop_timeout
    return c


MAIN_TF = """terraform {
  required_version = ">= 1.5"
  backend "s3" {
    bucket = "acme-terraform-state"
    key    = "services/%(name)s/terraform.tfstate"
    region = "us-east-1"
  }
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = { service = "%(name)s", owner = "platform" }
  }
}

resource "aws_ecs_cluster" "this" {
  name = "%(name)s"
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/%(name)s"
  retention_in_days = 30
}
"""

VARIABLES_TF = """variable "region" {
  type    = string
  default = "us-east-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-0a1b2c3d4e5f67890"
}

variable "public_subnet_ids" {
  type    = list(string)
  default = ["subnet-0aaa1111bbbb2222c", "subnet-0ddd3333eeee4444f"]
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
}

variable "image_tag" {
  type    = string
  default = "1.4.2"
}
"""


def nlb_tf(s, dereg_expr):
    idle = "" if s.tcp_idle is None else "\n  tcp_idle_timeout_seconds = %d" % s.tcp_idle
    return """resource "aws_lb" "this" {
  name               = "%(name)s"
  internal           = true
  load_balancer_type = "network"
  subnets            = var.private_subnet_ids
}

resource "aws_lb_target_group" "app" {
  name                 = "%(name)s"
  port                 = %(port)d
  protocol             = "TCP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = %(dereg)s

  health_check {
    protocol = "TCP"
    interval = %(interval)d
    timeout  = %(timeout)d
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "TCP"%(idle)s

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}
""" % {"name": s.name, "port": s.port, "dereg": dereg_expr, "idle": idle,
       "interval": s.interval, "timeout": s.hc_timeout}


def cloudfront_tf(s):
    keepalive, read = s.cloudfront
    return """resource "aws_cloudfront_distribution" "this" {
  enabled = true
  comment = "%(name)s"

  origin {
    domain_name = aws_lb.this.dns_name
    origin_id   = "alb"

    custom_origin_config {
      http_port                = 80
      https_port               = 443
      origin_protocol_policy   = "http-only"
      origin_ssl_protocols     = ["TLSv1.2"]
      origin_keepalive_timeout = %(keepalive)d
      origin_read_timeout      = %(read)d
    }
  }

  default_cache_behavior {
    target_origin_id       = "alb"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
""" % {"name": s.name, "keepalive": keepalive, "read": read}


def lb_tf(s, idle_expr, dereg_expr):
    return """resource "aws_lb" "this" {
  name               = "%(name)s"
  internal           = false
  load_balancer_type = "application"
  subnets            = var.public_subnet_ids
  idle_timeout       = %(idle)s
}

resource "aws_lb_target_group" "app" {
  name                 = "%(name)s"
  port                 = %(port)d
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = %(dereg)s

  health_check {
    path     = "/healthz"
    matcher  = "200-299"
    interval = %(interval)d
    timeout  = %(timeout)d
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}
""" % {"name": s.name, "idle": idle_expr, "port": s.port, "dereg": dereg_expr,
       "interval": s.interval, "timeout": s.hc_timeout}


def service_tf(s, definitions):
    return """resource "aws_ecs_task_definition" "app" {
  family                   = "%(name)s"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024

  container_definitions = %(definitions)s
}

resource "aws_ecs_service" "app" {
  name            = "%(name)s"
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.app.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = var.private_subnet_ids
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.app.arn
    container_name   = "app"
    container_port   = %(port)d
  }

  depends_on = [aws_lb_listener.http]
}
""" % {"name": s.name, "definitions": definitions, "port": s.port}


IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/%s:${var.image_tag}"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def terraform_root(out, s):
    root = os.path.join(out, "services", s.name)
    image = IMAGE % s.name
    files = {"main.tf": MAIN_TF % {"name": s.name}, "variables.tf": VARIABLES_TF,
             "README.md": "# %s\n\nOwned by the platform team.\n" % s.name}
    if s.shape == "module":
        args = {
            "source": "../../modules/ecs-service",
            "name": s.name,
            "cluster_id": "aws_ecs_cluster.this.id",
            "vpc_id": "var.vpc_id",
            "public_subnet_ids": "var.public_subnet_ids",
            "private_subnet_ids": "var.private_subnet_ids",
            "image": image,
            "port": s.port,
            "idle_timeout": s.idle,
            "deregistration_delay": s.dereg,
            "health_check_interval": s.interval,
            "health_check_timeout": s.hc_timeout,
            "command": s.command(),
            "environment": s.environment(),
        }
        if s.stop_timeout is not None:
            args["stop_timeout"] = s.stop_timeout
        refs = {"cluster_id", "vpc_id", "public_subnet_ids", "private_subnet_ids"}
        width = max(len(k) for k in args)
        lines = ['module "service" {']
        for k, v in args.items():
            lines.append("  %s = %s" % (k.ljust(width), v if k in refs else hcl(v, 1)))
        lines.append("}")
        files["service.tf"] = "\n".join(lines) + "\n"
    else:
        if getattr(s, "nlb", False):
            files["lb.tf"] = nlb_tf(s, "local.deregistration_delay")
        else:
            files["lb.tf"] = lb_tf(s, "var.idle_timeout", "local.deregistration_delay")
        if getattr(s, "cloudfront", None):
            files["cloudfront.tf"] = cloudfront_tf(s)
        files["variables.tf"] += '\nvariable "idle_timeout" {\n  type    = number\n  default = 60\n}\n'
        files["terraform.tfvars"] = "idle_timeout = %d\n" % s.idle
        files["locals.tf"] = "locals {\n  deregistration_delay = %d\n  keep_alive           = %d\n}\n" % (
            s.dereg, s.keep_alive)
        c = container(s, image)
        if IMAGES:
            # The image's CMD starts the server (written by dockerfile()).
            del c["command"]
        if s.shape == "jsonencode":
            files["ecs.tf"] = service_tf(s, "jsonencode([\n    " + hcl(c, 2) + "\n  ])")
        elif s.shape == "heredoc":
            # The keep-alive comes from a local through interpolation.
            text = json.dumps([c], indent=2)
            text = text.replace('"%d"' % s.keep_alive, '"${local.keep_alive}"', 1) \
                if s.server != "uvicorn-env" else text
            body = "\n".join("  " + line for line in text.splitlines())
            files["ecs.tf"] = service_tf(s, "<<EOF\n" + body + "\nEOF")
        else:  # templatefile
            text = json.dumps([c], indent=2)
            text = text.replace(IMAGE % s.name, "${image}")
            text = text.replace('"%d"' % s.keep_alive, '"${keep_alive}"', 1) \
                if s.server != "uvicorn-env" else text
            files["task.json.tpl"] = text + "\n"
            files["ecs.tf"] = service_tf(
                s, 'templatefile("${path.module}/task.json.tpl", {\n'
                '    image      = "%s"\n    keep_alive = local.keep_alive\n  })' % image)
    for fname, text in files.items():
        write(os.path.join(root, fname), text)
    if IMAGES:
        dockerfile(out, s)


# Whether each service's image is built by a Dockerfile in the repository
# (apps/svcNNNNN/, named like the image's repository) whose CMD starts the
# server, the task definition setting no command (modules still pass one).
IMAGES = False


def dockerfile(out, s):
    app = os.path.join(out, "apps", s.name)
    cmd = ", ".join(json.dumps(w) for w in s.command())
    write(os.path.join(app, "Dockerfile"),
          "# syntax=docker/dockerfile:1\n"
          "ARG PYTHON_VERSION=3.12\n\n"
          "FROM python:${PYTHON_VERSION}-slim AS build\n"
          "WORKDIR /build\n"
          "COPY requirements.txt .\n"
          "RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt\n\n"
          "FROM python:${PYTHON_VERSION}-slim\n"
          "ENV PYTHONUNBUFFERED=1\n"
          "WORKDIR /srv\n"
          "COPY --from=build /wheels /wheels\n"
          "RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels\n"
          "COPY app/ ./app/\n"
          "EXPOSE %d\n"
          "CMD [%s]\n" % (s.port, cmd))
    write(os.path.join(app, "requirements.txt"),
          "fastapi==0.115.6\nuvicorn==0.34.0\ngunicorn==23.0.0\ngevent==24.11.1\nhypercorn==0.17.3\n")
    write(os.path.join(app, "app", "main.py"),
          "from fastapi import FastAPI\n\napp = FastAPI()\n")


MODULE_VARIABLES = [
    ("name", "string", None), ("cluster_id", "string", None), ("vpc_id", "string", None),
    ("public_subnet_ids", "list(string)", None), ("private_subnet_ids", "list(string)", None),
    ("image", "string", None), ("port", "number", "8000"), ("idle_timeout", "number", "60"),
    ("deregistration_delay", "number", "300"), ("health_check_interval", "number", "30"),
    ("health_check_timeout", "number", "5"), ("command", "list(string)", None),
    ("environment", "list(object({ name = string, value = string }))", "[]"),
    ("stop_timeout", "number", "30"),
]


def shared_module(out):
    """modules/ecs-service: the load balancer, target group, task and service."""
    d = os.path.join(out, "modules", "ecs-service")
    vs = []
    for n, t, default in MODULE_VARIABLES:
        block = 'variable "%s" {\n  type = %s\n' % (n, t)
        if default is not None:
            block += "  default = %s\n" % default
        vs.append(block + "}\n")
    write(os.path.join(d, "variables.tf"), "\n".join(vs))
    main = """resource "aws_lb" "this" {
  name               = var.name
  load_balancer_type = "application"
  subnets            = var.public_subnet_ids
  idle_timeout       = var.idle_timeout
}

resource "aws_lb_target_group" "this" {
  name                 = var.name
  port                 = var.port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay

  health_check {
    path     = "/healthz"
    interval = var.health_check_interval
    timeout  = var.health_check_timeout
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }
}

locals {
  container = {
    name         = "app"
    image        = var.image
    essential    = true
    command      = var.command
    environment  = var.environment
    stopTimeout  = var.stop_timeout
    portMappings = [{ containerPort = var.port, protocol = "tcp" }]
  }
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  container_definitions    = jsonencode([local.container])
}

resource "aws_ecs_service" "this" {
  name            = var.name
  cluster         = var.cluster_id
  task_definition = aws_ecs_task_definition.this.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets = var.private_subnet_ids
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.this.arn
    container_name   = "app"
    container_port   = var.port
  }

  depends_on = [aws_lb_listener.http]
}
"""
    write(os.path.join(d, "main.tf"), main)
    write(os.path.join(d, "outputs.tf"),
          'output "service_name" {\n  value = aws_ecs_service.this.name\n}\n')


# ------------------------------------------------------------- CloudFormation

def yaml_list(items):
    return "[" + ", ".join(json.dumps(x) for x in items) + "]"


def cloudformation(out, s):
    env = "\n".join(
        "            - Name: %s\n              Value: %s" % (e["name"], json.dumps(e["value"]))
        for e in s.environment())
    stop = "\n          StopTimeout: %d" % s.stop_timeout if s.stop_timeout is not None else ""
    text = """AWSTemplateFormatVersion: "2010-09-09"
Description: %(name)s behind its own ALB (generated for the keepalign benchmark)

Parameters:
  VpcId:
    Type: AWS::EC2::VPC::Id
    Default: vpc-0a1b2c3d4e5f67890
  PublicSubnetIds:
    Type: List<AWS::EC2::Subnet::Id>
    Default: subnet-0aaa1111bbbb2222c,subnet-0ddd3333eeee4444f
  PrivateSubnetIds:
    Type: List<AWS::EC2::Subnet::Id>
    Default: subnet-0123456789abcdef0,subnet-0fedcba9876543210
  IdleTimeout:
    Type: Number
    Default: %(idle)d
  ImageTag:
    Type: String
    Default: "1.4.2"

Resources:
  Cluster:
    Type: AWS::ECS::Cluster

  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Name: %(name)s
      Scheme: internet-facing
      Subnets: !Ref PublicSubnetIds
      LoadBalancerAttributes:
        - Key: idle_timeout.timeout_seconds
          Value: !Ref IdleTimeout

  TargetGroup:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      VpcId: !Ref VpcId
      Protocol: HTTP
      Port: %(port)d
      TargetType: ip
      HealthCheckPath: /healthz
      HealthCheckIntervalSeconds: %(interval)d
      HealthCheckTimeoutSeconds: %(timeout)d
      TargetGroupAttributes:
        - Key: deregistration_delay.timeout_seconds
          Value: "%(dereg)d"

  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref LoadBalancer
      Port: 80
      Protocol: HTTP
      DefaultActions:
        - Type: forward
          TargetGroupArn: !Ref TargetGroup

  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: %(name)s
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      Cpu: "512"
      Memory: "1024"
      ContainerDefinitions:
        - Name: app
          Image: !Sub "123456789012.dkr.ecr.${AWS::Region}.amazonaws.com/%(name)s:${ImageTag}"
          Essential: true
          Command: %(command)s
          Environment:
%(env)s
          PortMappings:
            - ContainerPort: %(port)d%(stop)s

  Service:
    Type: AWS::ECS::Service
    DependsOn: Listener
    Properties:
      Cluster: !Ref Cluster
      TaskDefinition: !Ref TaskDefinition
      DesiredCount: 2
      LaunchType: FARGATE
      NetworkConfiguration:
        AwsvpcConfiguration:
          Subnets: !Ref PrivateSubnetIds
      LoadBalancers:
        - TargetGroupArn: !Ref TargetGroup
          ContainerName: app
          ContainerPort: %(port)d
""" % {"name": s.name, "idle": s.idle, "port": s.port, "interval": s.interval,
       "timeout": s.hc_timeout, "dereg": s.dereg, "command": yaml_list(s.command()),
       "env": env, "stop": stop}
    write(os.path.join(out, "stacks", s.name + ".yaml"), text)


# --------------------------------------------------------------- not IaC

def distractors(out):
    write(os.path.join(out, "README.md"), "# infrastructure\n\nOne Terraform root per service.\n")
    write(os.path.join(out, ".github", "workflows", "plan.yml"),
          "name: plan\non: pull_request\njobs:\n  plan:\n    runs-on: ubuntu-latest\n"
          "    steps:\n      - uses: actions/checkout@v4\n      - run: terraform plan\n")
    write(os.path.join(out, "k8s", "deployment.yaml"),
          "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: legacy\nspec:\n"
          "  template:\n    spec:\n      containers:\n        - name: web\n"
          "          image: nginx:1.27\n")
    write(os.path.join(out, "package.json"), '{"name": "infra-tools", "private": true}\n')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--services", type=int, required=True)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--truth", help="where to write the expected findings (default OUT/../truth.json)")
    ap.add_argument("--variants", action="store_true",
                    help="put some services behind an NLB TCP listener and some ALBs behind CloudFront")
    ap.add_argument("--images", action="store_true",
                    help="build each service's image from a Dockerfile in the repository whose CMD starts the server")
    a = ap.parse_args()
    global IMAGES
    IMAGES = a.images
    out = a.out.rstrip("/")
    truth_path = a.truth or os.path.join(os.path.dirname(os.path.abspath(out)), "truth.json")
    rnd = random.Random(a.seed)
    # Its own stream, so that the services without variants stay as they are.
    variants = random.Random(a.seed + 1)
    services = {}
    for i in range(a.services):
        s = Service(i, rnd)
        if a.variants:
            s.vary(variants)
        terraform_root(out, s)
        entry = {"shape": s.shape, "server": s.server, "terraform": s.expected()}
        if getattr(s, "nlb", False):
            entry["variant"] = "nlb"
        elif getattr(s, "cloudfront", None):
            entry["variant"] = "cloudfront"
        if i % 5 == 0:
            cloudformation(out, s)
            entry["cloudformation"] = s.expected()
        services[s.name] = entry
    shared_module(out)
    distractors(out)
    expected = sum(len(v["terraform"]) + len(v.get("cloudformation", [])) for v in services.values())
    misaligned = sum(1 for v in services.values() if v["terraform"])
    with open(truth_path, "w") as f:
        json.dump({"seed": a.seed, "services": services, "expected_findings": expected,
                   "misaligned_services": misaligned}, f, indent=1, sort_keys=True)
    print("%d services (%d misaligned, %d CloudFormation templates), %d expected findings -> %s"
          % (a.services, misaligned, (a.services + 4) // 5, expected, truth_path))


if __name__ == "__main__":
    main()
