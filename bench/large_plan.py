#!/usr/bin/env python3
"""Writes a large `terraform show -json` plan for benchmarking `keepalign plan`,
and checks a keepalign JSON report of it against the ground truth.

The plan is a new stack built with the fixture generator's Terraform encoder
(testdata/plan/genplan.py): one shared ALB and HTTPS listener, and a module
instantiated with for_each once per service (target group, listener rule, task
definition and service, every ARN unknown until apply, so every link goes
through the configuration's references). Odd services run uvicorn with a
keep-alive of 30 s behind the 120 s idle timeout (KA101); even ones 130 s.

usage: large_plan.py write PLAN.json --services N
       large_plan.py verify REPORT.json --services N
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "plan"))
import genplan as g  # noqa: E402


def name(i):
    return "svc%05d" % i


def keep_alive(i):
    return 30 if i % 2 else 130


def build(services):
    p = g.Plan(tf_version="1.8.4", format_version="1.2", provider_version=None,
               timestamp="2024-06-01T12:00:00Z")
    p.provider_expressions = None
    subnets = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
    cert = "arn:aws:acm:us-east-1:123456789012:certificate/1f2e3d4c-aaaa-bbbb-cccc-1234567890ab"
    p.add(
        g.Res("aws_lb", "shared", g.aws_lb("platform", subnets, idle_timeout=120)),
        g.Res("aws_lb_listener", "https", g.aws_lb_listener(
            g.UNK, 443, "HTTPS", [g.action("fixed-response", fixed=g.fixed_response("404"))],
            certificate_arn=cert)),
    )
    for i in range(services):
        k, port = name(i), 8000
        command = ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", str(port),
                   "--timeout-keep-alive", str(keep_alive(i))]
        mod = [("svc", k)]
        td = g.aws_ecs_task_definition(k, g.jsonencode([{
            "name": "app", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/%s:1.0.0" % k,
            "command": command, "portMappings": [{"containerPort": port}]}]))
        p.add(
            g.Res("aws_lb_target_group", "this", g.aws_lb_target_group(
                k, port, "vpc-0123456789abcdef0", deregistration_delay=120), module=mod),
            g.Res("aws_lb_listener_rule", "this", g.aws_lb_listener_rule(
                g.UNK, 1 + i, [g.action(target_group_arn=g.UNK)],
                [g.condition(host=["%s.example.com" % k])]), module=mod),
            g.Res("aws_ecs_task_definition", "this", td, module=mod),
            g.Res("aws_ecs_service", "this", g.aws_ecs_service(
                k, g.UNK, g.UNK, [g.lb_block("app", port, target_group_arn=g.UNK)]), module=mod),
        )
    m = g.Module(variables={"command": {}, "host": {}, "listener_arn": {}, "name": {}, "priority": {}})
    m.resource("aws_ecs_service", "this", {
        "desired_count": g.C(2),
        "load_balancer": [{"container_name": g.C("app"), "container_port": g.C(8000),
                           "target_group_arn": g.R("aws_lb_target_group.this.arn")}],
        "name": g.R("var.name"), "task_definition": g.R("aws_ecs_task_definition.this.arn")})
    m.resource("aws_ecs_task_definition", "this", {
        "container_definitions": g.R("var.name", "var.command"), "family": g.R("var.name")})
    m.resource("aws_lb_listener_rule", "this", {
        "action": [{"target_group_arn": g.R("aws_lb_target_group.this.arn"), "type": g.C("forward")}],
        "condition": [{"host_header": [{"values": g.R("var.host")}]}],
        "listener_arn": g.R("var.listener_arn"), "priority": g.R("var.priority")})
    m.resource("aws_lb_target_group", "this", {
        "deregistration_delay": g.C(120), "name": g.R("var.name"), "port": g.C(8000),
        "protocol": g.C("HTTP"), "target_type": g.C("ip"), "vpc_id": g.C("vpc-0123456789abcdef0")})
    p.root.resource("aws_lb", "shared", {"idle_timeout": g.C(120), "load_balancer_type": g.C("application"),
                                         "name": g.C("platform"), "subnets": g.C(subnets)})
    p.root.resource("aws_lb_listener", "https", {
        "certificate_arn": g.C(cert),
        "default_action": [{"fixed_response": [{"content_type": g.C("text/plain"), "status_code": g.C("404")}],
                            "type": g.C("fixed-response")}],
        "load_balancer_arn": g.R("aws_lb.shared.arn"), "port": g.C(443), "protocol": g.C("HTTPS")})
    p.root.call("svc", "./modules/svc", {
        "command": g.R("each.value.command"), "host": g.R("each.value.host"),
        "listener_arn": g.R("aws_lb_listener.https.arn"), "name": g.R("each.key"),
        "priority": g.R("each.value.priority")}, m, for_each=g.R("local.services"))
    return p


def verify(report, services):
    with open(report) as f:
        r = json.load(f)
    want = {'module.svc["%s"].aws_ecs_service.this' % name(i) for i in range(services) if keep_alive(i) < 120}
    got = {f["service"] for f in r["findings"] if f["rule"] == "KA101"}
    others = sorted({f["rule"] for f in r["findings"]} - {"KA101"})
    chains = len(r["services"])
    ok = got == want and not others and chains == services
    print("chains %d/%d, KA101 %d expected %d, missing %d, unexpected %d, other rules %s: %s" % (
        chains, services, len(got), len(want), len(want - got), len(got - want), others or "none",
        "ok" if ok else "MISMATCH"))
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("action", choices=["write", "verify"])
    ap.add_argument("path")
    ap.add_argument("--services", type=int, default=2000)
    a = ap.parse_args()
    if a.action == "verify":
        return verify(a.path, a.services)
    with open(a.path, "w") as f:
        json.dump(build(a.services).render(), f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
