#!/usr/bin/env python3
"""Writes the plan fixtures of testdata/plan/*/plan.json.

No Terraform or AWS account was at hand, so the plans are generated here the
way `terraform show -json PLANFILE` writes them, checked against the real
outputs in ../shared/reference/terraform-plan (hashicorp/terraform-json test
data) and Terraform's internal/command/jsonplan, jsonstate and jsonconfig:

- one value per resource (`after`), from which the encoder derives
  `planned_values[].values` and `after` (unknown object attributes left out,
  unknown list elements written as null), `after_unknown` (true where
  unknown; `{}` when the value is wholly known) and `after_sensitive` /
  `sensitive_values` (true where sensitive; format 1.x only);
- `references` listed as Terraform lists them: the full traversal, then each
  shorter prefix, then the resource without its instance key (1.x), or only
  the referenced object (0.12);
- the AWS provider's attributes and defaults for each resource type (v5 for
  format 1.2, v2 for 0.12), with ARNs and IDs unknown until apply for new
  resources;
- `container_definitions` as the provider writes it: compact JSON with keys
  in order, from `jsonencode` (or the ECS API for existing task definitions);
- object keys in Go's order (struct field order; attribute values sorted).

Output is pretty-printed with two spaces (Terraform writes one line; CI
pipelines often pipe it through `jq .`), so that fixture lines mean
something. Run from the repository root: `python3 testdata/plan/genplan.py`.
"""

import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))


class _Unknown:
    def __repr__(self):
        return "UNK"


UNK = _Unknown()


class Sens:
    """A value Terraform marks sensitive."""

    def __init__(self, v):
        self.v = v


def strip(v):
    return v.v if isinstance(v, Sens) else v


_OMIT = object()


def omit_unknowns(v):
    v = strip(v)
    if v is UNK:
        return _OMIT
    if isinstance(v, dict):
        out = {}
        for k in sorted(v):
            x = omit_unknowns(v[k])
            if x is not _OMIT:
                out[k] = x
        return out
    if isinstance(v, list):
        # Element order correlates with after_unknown: unknowns become null.
        return [None if (x := omit_unknowns(e)) is _OMIT else x for e in v]
    return v


def wholly_known(v):
    v = strip(v)
    if v is UNK:
        return False
    if isinstance(v, dict):
        return all(wholly_known(x) for x in v.values())
    if isinstance(v, list):
        return all(wholly_known(x) for x in v)
    return True


def unknown_as_bool(v):
    v = strip(v)
    if v is UNK:
        return True
    if v is None:
        return False
    if isinstance(v, dict):
        out = {}
        for k in sorted(v):
            b = unknown_as_bool(v[k])
            if b is not False:
                out[k] = b
        return out
    if isinstance(v, list):
        return [unknown_as_bool(e) for e in v]
    return False


def sensitive_as_bool(v):
    if isinstance(v, Sens):
        return True
    if v is UNK or v is None:
        return False
    if isinstance(v, dict):
        out = {}
        for k in sorted(v):
            b = sensitive_as_bool(v[k])
            if b is not False:
                out[k] = b
        return out
    if isinstance(v, list):
        return [sensitive_as_bool(e) for e in v]
    return False


def after_unknown(v):
    if v is None:
        return {}
    return {} if wholly_known(v) else unknown_as_bool(v)


# ---------------------------------------------------------------- references

_STEP = re.compile(r'([^.\[]+)((?:\[(?:"(?:[^"\\]|\\.)*"|-?\d+)\])?)')


def _steps(t):
    out = []
    pos = 0
    while pos < len(t):
        m = _STEP.match(t, pos)
        if not m:
            raise ValueError(t)
        out.append((m.group(1), m.group(2)))
        pos = m.end()
        if pos < len(t):
            assert t[pos] == ".", t
            pos += 1
    return out


def _join(steps):
    return ".".join(n + k for n, k in steps)


def refs(*traversals, legacy=False):
    """`references` for an expression using these static traversals."""
    out = []
    for t in traversals:
        s = _steps(t)
        root = s[0][0]
        if root == "module":
            n = 3 if len(s) >= 3 else 2
        elif root == "data":
            n = 3
        elif root in ("var", "local", "count", "each", "path", "terraform", "self"):
            n = 2
        else:
            n = 2
        subject, rest = s[:n], s[n:]
        if legacy:
            out.append(_join(subject))
            continue
        for i in range(len(rest), 0, -1):
            out.append(_join(subject + rest[:i]))
        out.append(_join(subject))
        if root == "module" and n == 3:
            out.append(_join(subject[:2]))
        elif root not in ("var", "local", "count", "each", "path", "terraform", "self", "module"):
            if subject[-1][1]:
                out.append(_join(subject[:-1] + [(subject[-1][0], "")]))
    return out


def C(v):
    return {"constant_value": v}


def R(*traversals, legacy=False):
    return {"references": refs(*traversals, legacy=legacy)}


def RL(*references):
    """References written out (dynamic indexes: `x[count.index]` is `x`, `count.index`)."""
    return {"references": list(references)}


# ---------------------------------------------------------------- encoding


def jsonencode(v):
    """Terraform's jsonencode (and the provider's normalisation of it)."""
    s = json.dumps(v, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def key_str(k):
    if k is None:
        return ""
    if isinstance(k, int):
        return "[%d]" % k
    return "[%s]" % json.dumps(k)


def module_addr(module):
    return ".".join("module.%s%s" % (n, key_str(k)) for n, k in module)


class Res:
    def __init__(self, type, name, after, key=None, module=(), actions=("create",),
                 before=None, action_reason=None, replace_paths=None, depends_on=None,
                 mode="managed"):
        self.type, self.name, self.key = type, name, key
        self.module = list(module)
        self.after = after
        self.before = before
        self.actions = list(actions)
        self.action_reason = action_reason
        self.replace_paths = replace_paths
        self.depends_on = depends_on or []
        self.mode = mode

    @property
    def address(self):
        m = module_addr(self.module)
        d = "data." if self.mode == "data" else ""
        return (m + "." if m else "") + d + self.type + "." + self.name + key_str(self.key)

    @property
    def deleted(self):
        return self.actions == ["delete"]


class Module:
    """A module's configuration."""

    def __init__(self, variables=None, outputs=None):
        self.resources = []
        self.calls = {}
        self.variables = variables or {}
        self.outputs = outputs or {}

    def resource(self, type, name, expressions, count=None, for_each=None, depends_on=None):
        self.resources.append((type, name, expressions, count, for_each, depends_on))
        return self

    def call(self, name, source, expressions, module, count=None, for_each=None):
        self.calls[name] = (source, expressions, module, count, for_each)
        return self


class Plan:
    def __init__(self, tf_version="1.5.7", format_version="1.2", provider_version="~> 5.40",
                 region="us-east-1", timestamp="2024-05-14T09:12:44Z"):
        self.tf_version = tf_version
        self.format_version = format_version
        self.legacy = format_version == "0.1"
        self.provider_version = provider_version
        self.region = region
        self.timestamp = timestamp
        self.resources = []
        self.variables = {}
        self.outputs = {}  # name -> (value, sensitive)
        self.root = Module()

    def add(self, *rs):
        self.resources.extend(rs)

    @property
    def provider_name(self):
        return "aws" if self.legacy else "registry.terraform.io/hashicorp/aws"

    def _state_resource(self, r, values, prior=False):
        e = {"address": r.address}
        if prior and self.legacy:
            # Terraform 0.12's state output leaves the key out of the address.
            e["address"] = (module_addr(r.module) + "." if r.module else "") + r.type + "." + r.name
        e["mode"] = r.mode
        e["type"] = r.type
        e["name"] = r.name
        if r.key is not None:
            e["index"] = r.key
        e["provider_name"] = self.provider_name
        e["schema_version"] = r.schema_version if hasattr(r, "schema_version") else 0
        vals = omit_unknowns(values)
        if vals:
            e["values"] = vals
        if not self.legacy:
            e["sensitive_values"] = sensitive_as_bool(values)
        if prior and r.depends_on:
            e["depends_on"] = r.depends_on
        return e

    def _module_tree(self, items, prior=False):
        """root_module / child_modules from (resource, values) pairs."""
        tree = {}
        for r, values in items:
            node = tree
            for i in range(len(r.module)):
                node = node.setdefault(tuple(r.module[: i + 1]), {})
            node.setdefault(None, []).append((r, values))

        def emit(node, address):
            m = {}
            rs = sorted(node.get(None, []), key=lambda x: x[0].address)
            if rs:
                m["resources"] = [self._state_resource(r, v, prior) for r, v in rs]
            if address:
                m["address"] = address
            kids = sorted((k for k in node if k is not None), key=module_addr)
            if kids:
                m["child_modules"] = [emit(node[k], module_addr(list(k))) for k in kids]
            return m

        return emit(tree, None)

    def _change(self, r):
        c = {"address": r.address}
        if r.module:
            c["module_address"] = module_addr(r.module)
        c["mode"] = r.mode
        c["type"] = r.type
        c["name"] = r.name
        if r.key is not None:
            c["index"] = r.key
        c["provider_name"] = self.provider_name
        after = None if r.deleted else r.after
        ch = {"actions": r.actions}
        ch["before"] = omit_unknowns(r.before) if r.before is not None else None
        ch["after"] = omit_unknowns(after) if after is not None else None
        ch["after_unknown"] = after_unknown(after)
        if not self.legacy:
            ch["before_sensitive"] = sensitive_as_bool(r.before) if r.before is not None else False
            ch["after_sensitive"] = sensitive_as_bool(after) if after is not None else False
        if r.replace_paths:
            ch["replace_paths"] = r.replace_paths
        c["change"] = ch
        if r.action_reason:
            c["action_reason"] = r.action_reason
        return c

    def _config_module(self, m):
        out = {}
        if m.outputs:
            out["outputs"] = {k: m.outputs[k] for k in sorted(m.outputs)}
        if m.resources:
            rs = []
            for type, name, expressions, count, for_each, depends_on in sorted(
                m.resources, key=lambda x: (x[0], x[1])
            ):
                e = {
                    "address": "%s.%s" % (type, name),
                    "mode": "managed",
                    "type": type,
                    "name": name,
                    "provider_config_key": "aws",
                    "expressions": expressions,
                    "schema_version": 0,
                }
                if not expressions:
                    del e["expressions"]
                if count is not None:
                    e["count_expression"] = count
                if for_each is not None:
                    e["for_each_expression"] = for_each
                if depends_on:
                    e["depends_on"] = depends_on
                rs.append(e)
            out["resources"] = rs
        if m.calls:
            calls = {}
            for name in sorted(m.calls):
                source, expressions, module, count, for_each = m.calls[name]
                c = {"source": source, "expressions": expressions}
                if count is not None:
                    c["count_expression"] = count
                if for_each is not None:
                    c["for_each_expression"] = for_each
                c["module"] = self._config_module(module)
                calls[name] = c
            out["module_calls"] = calls
        if m.variables:
            out["variables"] = {k: m.variables[k] for k in sorted(m.variables)}
        return out

    def render(self):
        p = {"format_version": self.format_version, "terraform_version": self.tf_version}
        if self.variables:
            p["variables"] = {k: {"value": self.variables[k]} for k in sorted(self.variables)}
        live = [r for r in self.resources if not r.deleted]
        pv = {}
        if self.outputs:
            pv["outputs"] = {}
            for k in sorted(self.outputs):
                v, sens = self.outputs[k]
                o = {"sensitive": sens}
                if v is not UNK:
                    o["value"] = v
                pv["outputs"][k] = o
        pv["root_module"] = self._module_tree([(r, r.after) for r in live])
        p["planned_values"] = pv
        p["resource_changes"] = [self._change(r) for r in sorted(self.resources, key=lambda r: r.address)]
        if self.outputs:
            oc = {}
            for k in sorted(self.outputs):
                v, sens = self.outputs[k]
                o = {"actions": ["create"], "before": None}
                if v is not UNK:
                    o["after"] = v
                o["after_unknown"] = v is UNK
                if not self.legacy:
                    o["before_sensitive"] = False
                    o["after_sensitive"] = sens
                oc[k] = o
            p["output_changes"] = oc
        existing = [r for r in self.resources if r.before is not None]
        if existing:
            p["prior_state"] = {
                "format_version": "0.1" if self.legacy else "1.0",
                "terraform_version": self.tf_version,
                "values": {
                    "outputs": {},
                    "root_module": self._module_tree([(r, r.before) for r in existing], prior=True),
                },
            }
        aws = {"name": "aws"}
        if not self.legacy:
            aws["full_name"] = "registry.terraform.io/hashicorp/aws"
        if self.provider_version:
            aws["version_constraint"] = self.provider_version
        exprs = getattr(self, "provider_expressions", {"region": C(self.region)})
        if exprs:
            aws["expressions"] = sort_expr(exprs)
        p["configuration"] = {
            "provider_config": {"aws": aws},
            "root_module": self._config_module(self.root),
        }
        if not self.legacy and self.timestamp:
            p["timestamp"] = self.timestamp
        return p

    def write(self, name):
        d = os.path.join(HERE, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "plan.json"), "w") as f:
            json.dump(self.render(), f, indent=2, ensure_ascii=False)
            f.write("\n")


# ---------------------------------------------------------------- AWS resources
# Attributes of the AWS provider (v5 unless legacy: v2, for Terraform 0.12).


def arn(service, region, account, resource):
    return "arn:aws:%s:%s:%s:%s" % (service, region, account, resource)


def aws_lb(name, subnets, idle_timeout=60, internal=False, security_groups=None,
           lb_type="application", tags_all=None, known=None, legacy=False):
    k = known or {}
    v = {
        "access_logs": [],
        "arn": k.get("arn", UNK),
        "arn_suffix": k.get("arn_suffix", UNK),
        "customer_owned_ipv4_pool": None,
        "desync_mitigation_mode": "defensive",
        "dns_name": k.get("dns_name", UNK),
        "drop_invalid_header_fields": False,
        "enable_cross_zone_load_balancing": k.get("enable_cross_zone_load_balancing", UNK),
        "enable_deletion_protection": False,
        "enable_http2": True,
        "enable_waf_fail_open": False,
        "id": k.get("arn", UNK),
        "idle_timeout": idle_timeout,
        "internal": internal,
        "ip_address_type": k.get("ip_address_type", UNK),
        "load_balancer_type": lb_type,
        "name": name,
        "name_prefix": None,
        "security_groups": security_groups if security_groups is not None else k.get("security_groups", UNK),
        "subnet_mapping": k.get("subnet_mapping", UNK),
        "subnets": subnets,
        "tags": None,
        "tags_all": tags_all if tags_all is not None else {},
        "timeouts": None,
        "vpc_id": k.get("vpc_id", UNK),
        "zone_id": k.get("zone_id", UNK),
    }
    if legacy:
        for a in ("customer_owned_ipv4_pool", "desync_mitigation_mode", "enable_waf_fail_open",
                  "name_prefix", "tags_all"):
            v.pop(a)
    else:
        v.update({
            "connection_logs": [],
            "dns_record_client_routing_policy": None,
            "enable_tls_version_and_cipher_suite_headers": False,
            "enable_xff_client_port": False,
            "enforce_security_group_inbound_rules_on_private_link_traffic": k.get(
                "enforce_security_group_inbound_rules_on_private_link_traffic", UNK),
            "preserve_host_header": False,
            "xff_header_processing_mode": "append",
        })
    return v


def health_check(configured=None, known=None):
    """The target group's health_check block; unknown when not configured."""
    if configured is None and known is None:
        return UNK
    c = dict(configured or {})
    k = known or {}
    return [{
        "enabled": c.get("enabled", True),
        "healthy_threshold": c.get("healthy_threshold", 3),
        "interval": c.get("interval", 30),
        "matcher": c.get("matcher", k.get("matcher", UNK)),
        "path": c.get("path", k.get("path", UNK)),
        "port": c.get("port", "traffic-port"),
        "protocol": c.get("protocol", "HTTP"),
        "timeout": c.get("timeout", k.get("timeout", UNK)),
        "unhealthy_threshold": c.get("unhealthy_threshold", 3),
    }]


def aws_lb_target_group(name, port, vpc_id, target_type="ip", protocol="HTTP",
                        deregistration_delay=300, hc=UNK, tags_all=None, known=None,
                        legacy=False):
    k = known or {}
    v = {
        "arn": k.get("arn", UNK),
        "arn_suffix": k.get("arn_suffix", UNK),
        "connection_termination": k.get("connection_termination", UNK),
        "deregistration_delay": str(deregistration_delay),
        "health_check": hc,
        "id": k.get("arn", UNK),
        "ip_address_type": k.get("ip_address_type", UNK),
        "lambda_multi_value_headers_enabled": False,
        "load_balancing_algorithm_type": k.get("load_balancing_algorithm_type", UNK),
        "load_balancing_anomaly_mitigation": k.get("load_balancing_anomaly_mitigation", UNK),
        "load_balancing_cross_zone_enabled": k.get("load_balancing_cross_zone_enabled", UNK),
        "name": name,
        "name_prefix": None,
        "port": port,
        "preserve_client_ip": k.get("preserve_client_ip", UNK),
        "protocol": protocol,
        "protocol_version": k.get("protocol_version", UNK),
        "proxy_protocol_v2": False,
        "slow_start": 0,
        "stickiness": k.get("stickiness", UNK),
        "tags": None,
        "tags_all": tags_all if tags_all is not None else {},
        "target_failover": k.get("target_failover", UNK),
        "target_health_state": k.get("target_health_state", UNK),
        "target_type": target_type,
        "vpc_id": vpc_id,
    }
    if legacy:
        for a in ("connection_termination", "ip_address_type", "load_balancing_anomaly_mitigation",
                  "load_balancing_cross_zone_enabled", "name_prefix", "preserve_client_ip",
                  "protocol_version", "target_failover", "target_health_state", "tags_all"):
            v.pop(a)
    return v


def action(type="forward", target_group_arn=None, order=None, fixed=None, forward=None, known_order=None):
    return {
        "authenticate_cognito": [],
        "authenticate_oidc": [],
        "fixed_response": [fixed] if fixed else [],
        "forward": forward or [],
        "order": order if order is not None else (known_order if known_order is not None else UNK),
        "redirect": [],
        "target_group_arn": target_group_arn,
        "type": type,
    }


def fixed_response(status, content_type="text/plain", body=None):
    return {"content_type": content_type, "message_body": body, "status_code": status}


def aws_lb_listener(load_balancer_arn, port, protocol, default_action, certificate_arn=None,
                    ssl_policy=None, tags_all=None, known=None):
    k = known or {}
    return {
        "alpn_policy": None,
        "arn": k.get("arn", UNK),
        "certificate_arn": certificate_arn,
        "default_action": default_action,
        "id": k.get("arn", UNK),
        "load_balancer_arn": load_balancer_arn,
        "mutual_authentication": k.get("mutual_authentication", UNK),
        "port": port,
        "protocol": protocol,
        "ssl_policy": ssl_policy if ssl_policy is not None else k.get("ssl_policy", UNK),
        "tags": None,
        "tags_all": tags_all if tags_all is not None else {},
        "timeouts": None,
    }


def condition(host=None, path=None):
    return {
        "host_header": [{"values": host}] if host else [],
        "http_header": [],
        "http_request_method": [],
        "path_pattern": [{"values": path}] if path else [],
        "query_string": [],
        "source_ip": [],
    }


def aws_lb_listener_rule(listener_arn, priority, actions, conditions, tags_all=None, known=None):
    k = known or {}
    return {
        "action": actions,
        "arn": k.get("arn", UNK),
        "condition": conditions,
        "id": k.get("arn", UNK),
        "listener_arn": listener_arn,
        "priority": priority,
        "tags": None,
        "tags_all": tags_all if tags_all is not None else {},
    }


def lb_block(container_name, container_port, target_group_arn=None, elb_name=None):
    return {
        "container_name": container_name,
        "container_port": container_port,
        "elb_name": elb_name,
        "target_group_arn": target_group_arn,
    }


def aws_ecs_service(name, cluster, task_definition, load_balancers, desired_count=2,
                    launch_type="FARGATE", network=None, tags_all=None, known=None, legacy=False):
    k = known or {}
    v = {
        "alarms": [],
        "capacity_provider_strategy": [],
        "cluster": cluster,
        "deployment_circuit_breaker": [],
        "deployment_controller": [],
        "deployment_maximum_percent": 200,
        "deployment_minimum_healthy_percent": 100,
        "desired_count": desired_count,
        "enable_ecs_managed_tags": False,
        "enable_execute_command": False,
        "force_delete": None,
        "force_new_deployment": None,
        "health_check_grace_period_seconds": None,
        "iam_role": k.get("iam_role", UNK),
        "id": k.get("id", UNK),
        "launch_type": launch_type,
        "load_balancer": load_balancers,
        "name": name,
        "network_configuration": network or [],
        "ordered_placement_strategy": [],
        "placement_constraints": [],
        "platform_version": k.get("platform_version", UNK),
        "propagate_tags": None,
        "scheduling_strategy": "REPLICA",
        "service_connect_configuration": [],
        "service_registries": [],
        "tags": None,
        "tags_all": tags_all if tags_all is not None else {},
        "task_definition": task_definition,
        "timeouts": None,
        "triggers": k.get("triggers", UNK),
        "wait_for_steady_state": False,
    }
    if legacy:
        for a in ("alarms", "deployment_circuit_breaker", "enable_execute_command", "force_delete",
                  "force_new_deployment", "service_connect_configuration", "tags_all", "timeouts",
                  "triggers", "wait_for_steady_state", "capacity_provider_strategy"):
            v.pop(a)
    return v


def network(subnets, security_groups=None, public=False):
    return [{"assign_public_ip": public, "security_groups": security_groups or [], "subnets": subnets}]


def aws_ecs_task_definition(family, container_definitions, cpu=None, memory=None,
                            network_mode="awsvpc", requires=("FARGATE",), execution_role_arn=None,
                            tags_all=None, known=None, legacy=False):
    k = known or {}
    v = {
        "arn": k.get("arn", UNK),
        "arn_without_revision": k.get("arn_without_revision", UNK),
        "container_definitions": container_definitions,
        "cpu": str(cpu) if cpu is not None else None,
        "ephemeral_storage": [],
        "execution_role_arn": execution_role_arn,
        "family": family,
        "id": k.get("id", UNK),
        "inference_accelerator": [],
        "ipc_mode": None,
        "memory": str(memory) if memory is not None else None,
        "network_mode": network_mode if network_mode is not None else k.get("network_mode", UNK),
        "pid_mode": None,
        "placement_constraints": [],
        "proxy_configuration": [],
        "requires_compatibilities": list(requires),
        "revision": k.get("revision", UNK),
        "runtime_platform": [],
        "skip_destroy": False,
        "tags": None,
        "tags_all": tags_all if tags_all is not None else {},
        "task_role_arn": None,
        "track_latest": False,
        "volume": [],
    }
    if legacy:
        for a in ("arn_without_revision", "ephemeral_storage", "runtime_platform", "skip_destroy",
                  "tags_all", "track_latest"):
            v.pop(a)
    return v


def aws_elb(name, subnets, listeners, idle_timeout=60, connection_draining=False,
            connection_draining_timeout=300, hc=None, known=None, legacy=True):
    k = known or {}
    return {
        "access_logs": [],
        "arn": k.get("arn", UNK),
        "availability_zones": k.get("availability_zones", UNK),
        "connection_draining": connection_draining,
        "connection_draining_timeout": connection_draining_timeout,
        "cross_zone_load_balancing": True,
        "dns_name": k.get("dns_name", UNK),
        "health_check": hc if hc is not None else k.get("health_check", UNK),
        "id": k.get("id", UNK),
        "idle_timeout": idle_timeout,
        "instances": k.get("instances", UNK),
        "internal": k.get("internal", UNK),
        "listener": listeners,
        "name": name,
        "name_prefix": None,
        "security_groups": k.get("security_groups", UNK),
        "source_security_group": k.get("source_security_group", UNK),
        "source_security_group_id": k.get("source_security_group_id", UNK),
        "subnets": subnets,
        "tags": None,
        "zone_id": k.get("zone_id", UNK),
    }


def simple(type, attrs):
    return attrs


def log_group(name, retention, known=None, legacy=False):
    k = known or {}
    v = {
        "arn": k.get("arn", UNK),
        "id": k.get("id", UNK),
        "kms_key_id": None,
        "log_group_class": k.get("log_group_class", UNK),
        "name": name,
        "name_prefix": k.get("name_prefix", UNK),
        "retention_in_days": retention,
        "skip_destroy": False,
        "tags": None,
        "tags_all": {},
    }
    if legacy:
        for a in ("log_group_class", "skip_destroy", "tags_all"):
            v.pop(a)
    return v


def ecs_cluster(name, settings=None, known=None):
    k = known or {}
    return {
        "arn": k.get("arn", UNK),
        "configuration": [],
        "id": k.get("arn", UNK),
        "name": name,
        "service_connect_defaults": [],
        "setting": settings if settings is not None else k.get("setting", UNK),
        "tags": None,
        "tags_all": {},
    }


def sort_expr(e):
    """Configuration expressions are Go maps: keys in order."""
    if isinstance(e, dict):
        return {k: sort_expr(e[k]) for k in sorted(e)}
    if isinstance(e, list):
        return [sort_expr(x) for x in e]
    return e


_orig_config_module = Plan._config_module


def _config_module_sorted(self, m):
    out = _orig_config_module(self, m)
    for r in out.get("resources", []):
        if "expressions" in r:
            r["expressions"] = sort_expr(r["expressions"])
    for c in out.get("module_calls", {}).values():
        c["expressions"] = sort_expr(c["expressions"])
    return out


Plan._config_module = _config_module_sorted


def var_decls(**decls):
    """Configuration `variables`: name → {"default": ..., "description": ...}."""
    return {k: v for k, v in decls.items()}


def awslogs(group, region, prefix):
    return {"logDriver": "awslogs", "options": {
        "awslogs-group": group, "awslogs-region": region, "awslogs-stream-prefix": prefix}}


# ================================================================ fixtures


def equivalence_example_gunicorn_alb():
    p = Plan(tf_version="1.7.5", format_version="1.2", provider_version="~> 5.40", region="eu-west-1",
             timestamp="2024-04-02T13:41:07Z")
    variables = {
        "aws_region": "eu-west-1",
        "environment": "production",
        "vpc_id": "vpc-0a1b2c3d4e5f60718",
        "public_subnet_ids": ["subnet-0f1e2d3c4b5a69788", "subnet-0a9b8c7d6e5f40312"],
        "private_subnet_ids": ["subnet-07c6b5a4938271605", "subnet-0d4c3b2a1908f7e6d"],
        "ecr_repository_url": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/catalog-api",
        "image_tag": "1.14.2",
    }
    p.variables = variables
    tags = {"Environment": "production", "ManagedBy": "terraform", "Project": "catalog"}
    sg = lambda name, desc, ingress: {
        "arn": UNK, "description": desc, "egress": [{
            "cidr_blocks": ["0.0.0.0/0"], "description": "", "from_port": 0, "ipv6_cidr_blocks": [],
            "prefix_list_ids": [], "protocol": "-1", "security_groups": [], "self": False, "to_port": 0}],
        "id": UNK, "ingress": ingress, "name": name, "name_prefix": UNK, "owner_id": UNK,
        "revoke_rules_on_delete": False, "tags": None, "tags_all": tags, "timeouts": None,
        "vpc_id": variables["vpc_id"]}
    p.add(
        Res("aws_security_group", "alb", sg("catalog-alb", "Public HTTP(S) to the catalog ALB", [{
            "cidr_blocks": ["0.0.0.0/0"], "description": "", "from_port": 80, "ipv6_cidr_blocks": [],
            "prefix_list_ids": [], "protocol": "tcp", "security_groups": [], "self": False, "to_port": 80}])),
        Res("aws_security_group", "api", sg("catalog-api-tasks", "ALB to catalog-api tasks", [{
            "cidr_blocks": [], "description": "", "from_port": 8000, "ipv6_cidr_blocks": [],
            "prefix_list_ids": [], "protocol": "tcp", "security_groups": UNK, "self": False,
            "to_port": 8000}])),
        Res("aws_lb", "api", aws_lb("catalog-api", variables["public_subnet_ids"], idle_timeout=60,
                                    security_groups=UNK, tags_all=tags)),
        Res("aws_lb_target_group", "api", aws_lb_target_group(
            "catalog-api", 8000, variables["vpc_id"], tags_all=tags,
            hc=health_check({"path": "/healthz", "matcher": "200", "interval": 30, "timeout": 5,
                             "healthy_threshold": 2, "unhealthy_threshold": 3}))),
        Res("aws_lb_listener", "http", aws_lb_listener(
            UNK, 80, "HTTP", [action("forward", target_group_arn=UNK)], tags_all=tags)),
        Res("aws_ecs_cluster", "main", ecs_cluster("catalog-production", settings=[
            {"name": "containerInsights", "value": "enabled"}]) | {"tags_all": tags}),
        Res("aws_cloudwatch_log_group", "api", log_group("/ecs/catalog-api", 30) | {"tags_all": tags}),
        Res("aws_ecs_task_definition", "api", aws_ecs_task_definition(
            "catalog-api", jsonencode([{
                "name": "api",
                "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/catalog-api:1.14.2",
                "essential": True,
                "command": ["gunicorn", "-k", "gevent", "--workers", "4", "--bind", "0.0.0.0:8000",
                            "app.wsgi:application"],
                "portMappings": [{"containerPort": 8000, "protocol": "tcp"}],
                "environment": [{"name": "DJANGO_SETTINGS_MODULE", "value": "app.settings.production"}],
                "logConfiguration": awslogs("/ecs/catalog-api", "eu-west-1", "api"),
            }]), cpu=512, memory=1024, tags_all=tags)),
        Res("aws_ecs_service", "api", aws_ecs_service(
            "catalog-api", UNK, UNK, [lb_block("api", 8000, target_group_arn=UNK)], desired_count=2,
            network=network(variables["private_subnet_ids"], security_groups=UNK), tags_all=tags)),
    )
    p.outputs = {"alb_dns_name": (UNK, False)}
    p.provider_expressions = {"region": R("var.aws_region"),
                              "default_tags": [{"tags": R("var.environment")}]}
    p.root = Module(
        variables=var_decls(
            aws_region={"default": "eu-west-1", "description": "AWS region to deploy into."},
            environment={"default": "production", "description": "Deployment environment name."},
            vpc_id={"default": "vpc-0a1b2c3d4e5f60718", "description": "VPC the service runs in."},
            public_subnet_ids={"default": variables["public_subnet_ids"],
                               "description": "Subnets for the load balancer."},
            private_subnet_ids={"default": variables["private_subnet_ids"],
                                "description": "Subnets for the ECS tasks."},
            ecr_repository_url={"default": variables["ecr_repository_url"],
                                "description": "ECR repository of the catalog-api image."},
            image_tag={"default": "1.14.2", "description": "Tag of the catalog-api image in ECR."},
        ),
        outputs={"alb_dns_name": {"expression": R("aws_lb.api.dns_name"),
                                  "description": "Public DNS name of the catalog ALB."}},
    )
    m = p.root
    m.resource("aws_cloudwatch_log_group", "api", {"name": C("/ecs/catalog-api"), "retention_in_days": C(30)})
    m.resource("aws_ecs_cluster", "main", {"name": R("var.environment"), "setting": [
        {"name": C("containerInsights"), "value": C("enabled")}]})
    m.resource("aws_ecs_service", "api", {
        "cluster": R("aws_ecs_cluster.main.id"), "desired_count": C(2), "launch_type": C("FARGATE"),
        "load_balancer": [{"container_name": C("api"), "container_port": C(8000),
                           "target_group_arn": R("aws_lb_target_group.api.arn")}],
        "name": C("catalog-api"),
        "network_configuration": [{"security_groups": R("aws_security_group.api.id"),
                                   "subnets": R("var.private_subnet_ids")}],
        "task_definition": R("aws_ecs_task_definition.api.arn")}, depends_on=["aws_lb_listener.http"])
    m.resource("aws_ecs_task_definition", "api", {
        "container_definitions": R("local.image", "aws_cloudwatch_log_group.api.name", "var.aws_region"),
        "cpu": C(512), "family": C("catalog-api"), "memory": C(1024), "network_mode": C("awsvpc"),
        "requires_compatibilities": C(["FARGATE"])})
    m.resource("aws_lb", "api", {
        "idle_timeout": C(60), "internal": C(False), "load_balancer_type": C("application"),
        "name": C("catalog-api"), "security_groups": R("aws_security_group.alb.id"),
        "subnets": R("var.public_subnet_ids")})
    m.resource("aws_lb_listener", "http", {
        "default_action": [{"target_group_arn": R("aws_lb_target_group.api.arn"), "type": C("forward")}],
        "load_balancer_arn": R("aws_lb.api.arn"), "port": C(80), "protocol": C("HTTP")})
    m.resource("aws_lb_target_group", "api", {
        "health_check": [{"healthy_threshold": C(2), "interval": C(30), "matcher": C("200"),
                          "path": C("/healthz"), "timeout": C(5), "unhealthy_threshold": C(3)}],
        "name": C("catalog-api"), "port": C(8000), "protocol": C("HTTP"), "target_type": C("ip"),
        "vpc_id": R("var.vpc_id")})
    sg_expr = lambda name, desc, ingress: {
        "description": C(desc), "egress": [{"cidr_blocks": C(["0.0.0.0/0"]), "from_port": C(0),
                                             "protocol": C("-1"), "to_port": C(0)}],
        "ingress": [ingress], "name": C(name), "vpc_id": R("var.vpc_id")}
    m.resource("aws_security_group", "alb", sg_expr("catalog-alb", "Public HTTP(S) to the catalog ALB", {
        "cidr_blocks": C(["0.0.0.0/0"]), "from_port": C(80), "protocol": C("tcp"), "to_port": C(80)}))
    m.resource("aws_security_group", "api", sg_expr("catalog-api-tasks", "ALB to catalog-api tasks", {
        "from_port": C(8000), "protocol": C("tcp"), "security_groups": R("aws_security_group.alb.id"),
        "to_port": C(8000)}))
    p.write("equivalence-example-gunicorn-alb")


def equivalence_seed_dereg_30_idle_120():
    p = Plan(tf_version="1.6.6", format_version="1.2", provider_version="~> 5.30", region="us-west-2",
             timestamp="2024-02-19T17:05:31Z")
    v = {
        "region": "us-west-2", "name": "search-api", "vpc_id": "vpc-0bb7a1c2d3e4f5061",
        "public_subnets": ["subnet-0c1a2b3c4d5e6f708", "subnet-0d2b3c4d5e6f70819"],
        "private_subnets": ["subnet-0e3c4d5e6f708192a", "subnet-0f4d5e6f708192a3b"],
        "image": "345678901234.dkr.ecr.us-west-2.amazonaws.com/search-api:v3.2.0",
    }
    p.variables = v
    p.add(
        Res("aws_ecs_cluster", "this", ecs_cluster("search-api-cluster")),
        Res("aws_cloudwatch_log_group", "this", log_group("/ecs/search-api", 30)),
        Res("aws_lb", "this", aws_lb("search-api", v["public_subnets"], idle_timeout=120)),
        Res("aws_lb_target_group", "this", aws_lb_target_group(
            "search-api", 8080, v["vpc_id"], deregistration_delay=30,
            hc=health_check({"path": "/health", "interval": 15, "timeout": 5}))),
        Res("aws_lb_listener", "http", aws_lb_listener(UNK, 80, "HTTP", [action(target_group_arn=UNK)])),
        Res("aws_ecs_task_definition", "this", aws_ecs_task_definition("search-api", jsonencode([{
            "name": "app", "image": v["image"], "essential": True,
            "command": ["uvicorn", "search.main:app", "--host", "0.0.0.0", "--port", "8080",
                        "--timeout-keep-alive", "130"],
            "portMappings": [{"containerPort": 8080}],
            "logConfiguration": awslogs("/ecs/search-api", "us-west-2", "app")}]), cpu=1024, memory=2048)),
        Res("aws_ecs_service", "this", aws_ecs_service(
            "search-api", UNK, UNK, [lb_block("app", 8080, target_group_arn=UNK)], desired_count=3,
            network=network(v["private_subnets"]))),
    )
    p.outputs = {"url": (UNK, False)}
    p.provider_expressions = {"region": R("var.region")}
    p.root = Module(variables=var_decls(
        region={"default": "us-west-2"}, name={"default": "search-api"},
        vpc_id={"default": v["vpc_id"]}, public_subnets={"default": v["public_subnets"]},
        private_subnets={"default": v["private_subnets"]}, image={"default": v["image"]}),
        outputs={"url": {"expression": R("aws_lb.this.dns_name")}})
    m = p.root
    m.resource("aws_cloudwatch_log_group", "this", {"name": R("var.name"), "retention_in_days": C(30)})
    m.resource("aws_ecs_cluster", "this", {"name": R("var.name")})
    m.resource("aws_ecs_service", "this", {
        "cluster": R("aws_ecs_cluster.this.id"), "desired_count": C(3), "launch_type": C("FARGATE"),
        "load_balancer": [{"container_name": C("app"), "container_port": C(8080),
                           "target_group_arn": R("aws_lb_target_group.this.arn")}],
        "name": R("var.name"), "network_configuration": [{"subnets": R("var.private_subnets")}],
        "task_definition": R("aws_ecs_task_definition.this.arn")})
    m.resource("aws_ecs_task_definition", "this", {
        "container_definitions": R("var.image", "aws_cloudwatch_log_group.this.name", "var.region"),
        "cpu": C(1024), "family": R("var.name"), "memory": C(2048), "network_mode": C("awsvpc"),
        "requires_compatibilities": C(["FARGATE"])})
    m.resource("aws_lb", "this", {"idle_timeout": C(120), "load_balancer_type": C("application"),
                                  "name": R("var.name"), "subnets": R("var.public_subnets")})
    m.resource("aws_lb_listener", "http", {
        "default_action": [{"target_group_arn": R("aws_lb_target_group.this.arn"), "type": C("forward")}],
        "load_balancer_arn": R("aws_lb.this.arn"), "port": C(80), "protocol": C("HTTP")})
    m.resource("aws_lb_target_group", "this", {
        "deregistration_delay": C(30),
        "health_check": [{"interval": C(15), "path": C("/health"), "timeout": C(5)}],
        "name": R("var.name"), "port": C(8080), "protocol": C("HTTP"), "target_type": C("ip"),
        "vpc_id": R("var.vpc_id")})
    p.write("equivalence-seed-dereg-30-idle-120")


def equivalence_shape_count():
    p = Plan(tf_version="1.5.7", format_version="1.2", provider_version=None, region="ca-central-1",
             timestamp="2024-03-11T08:22:50Z")
    apps = ["email", "push"]
    keep = [75, 30]
    v = {"region": "ca-central-1", "apps": apps, "listener_ports": [8080, 8081], "keep_alive": keep,
         "image_repo": "012345678901.dkr.ecr.ca-central-1.amazonaws.com/notifications",
         "image_tag": "5.0.3", "vpc_id": "vpc-0c3b2a1908f7e6d5c",
         "subnets": ["subnet-04b3a2918f7e6d5c4", "subnet-05c4b3a291807f6e5"],
         "lb_security_group": "sg-06d5c4b3a2918f7e6"}
    p.variables = v
    p.add(Res("aws_ecs_cluster", "main", ecs_cluster("notifications")),
          Res("aws_lb", "main", aws_lb("notifications", v["subnets"], idle_timeout=60, internal=True,
                                       security_groups=[v["lb_security_group"]])))
    for i, app in enumerate(apps):
        p.add(
            Res("aws_cloudwatch_log_group", "app", log_group("/ecs/notifications-" + app, 14), key=i),
            Res("aws_lb_target_group", "app", aws_lb_target_group(
                "notifications-" + app, 8000, v["vpc_id"], hc=health_check({"path": "/health"})), key=i),
            Res("aws_lb_listener", "app", aws_lb_listener(
                UNK, v["listener_ports"][i], "HTTP", [action(target_group_arn=UNK)]), key=i),
            Res("aws_ecs_task_definition", "app", aws_ecs_task_definition(
                "notifications-" + app, jsonencode([{
                    "name": app, "image": v["image_repo"] + ":5.0.3", "essential": True,
                    "command": ["uvicorn", "notifications.%s:app" % app, "--host", "0.0.0.0", "--port",
                                "8000", "--timeout-keep-alive", str(keep[i])],
                    "portMappings": [{"containerPort": 8000}],
                    "logConfiguration": awslogs("/ecs/notifications-" + app, "ca-central-1", app)}]),
                cpu=256, memory=512), key=i),
            Res("aws_ecs_service", "app", aws_ecs_service(
                "notifications-" + app, UNK, UNK, [lb_block(app, 8000, target_group_arn=UNK)],
                network=network(v["subnets"])), key=i),
        )
    p.provider_expressions = {"region": R("var.region")}
    p.root = Module(variables=var_decls(
        region={"default": "ca-central-1"},
        apps={"default": apps, "description": "One service per entry: same image, different ASGI app."},
        listener_ports={"default": [8080, 8081]},
        keep_alive={"default": keep,
                    "description": "uvicorn --timeout-keep-alive per app, same order as var.apps"},
        image_repo={"default": v["image_repo"]}, image_tag={"default": "5.0.3"},
        vpc_id={"default": v["vpc_id"]}, subnets={"default": v["subnets"]},
        lb_security_group={"default": v["lb_security_group"]}))
    m = p.root
    count = R("var.apps")
    m.resource("aws_cloudwatch_log_group", "app", {"name": RL("var.apps", "count.index"),
                                                   "retention_in_days": C(14)}, count=count)
    m.resource("aws_ecs_cluster", "main", {"name": C("notifications")})
    m.resource("aws_ecs_service", "app", {
        "cluster": R("aws_ecs_cluster.main.id"), "desired_count": C(2), "launch_type": C("FARGATE"),
        "load_balancer": [{"container_name": RL("var.apps", "count.index"), "container_port": C(8000),
                           "target_group_arn": RL("aws_lb_target_group.app", "count.index")}],
        "name": RL("var.apps", "count.index"), "network_configuration": [{"subnets": R("var.subnets")}],
        "task_definition": RL("aws_ecs_task_definition.app", "count.index")}, count=count)
    m.resource("aws_ecs_task_definition", "app", {
        "container_definitions": RL("var.apps", "count.index", "var.image_repo", "var.image_tag",
                                    "var.keep_alive", "count.index", "aws_cloudwatch_log_group.app",
                                    "count.index", "var.region", "var.apps", "count.index"),
        "cpu": C(256), "family": RL("var.apps", "count.index"), "memory": C(512),
        "network_mode": C("awsvpc"), "requires_compatibilities": C(["FARGATE"])}, count=count)
    m.resource("aws_lb", "main", {"idle_timeout": C(60), "internal": C(True), "name": C("notifications"),
                                  "security_groups": R("var.lb_security_group"), "subnets": R("var.subnets")})
    m.resource("aws_lb_listener", "app", {
        "default_action": [{"target_group_arn": RL("aws_lb_target_group.app", "count.index"),
                            "type": C("forward")}],
        "load_balancer_arn": R("aws_lb.main.arn"), "port": RL("var.listener_ports", "count.index"),
        "protocol": C("HTTP")}, count=count)
    m.resource("aws_lb_target_group", "app", {
        "health_check": [{"path": C("/health")}], "name": RL("var.apps", "count.index"), "port": C(8000),
        "protocol": C("HTTP"), "target_type": C("ip"), "vpc_id": R("var.vpc_id")}, count=count)
    p.write("equivalence-shape-count")


def equivalence_shape_for_each():
    p = Plan(tf_version="1.8.2", format_version="1.2", provider_version="~> 5.0", region="us-east-1",
             timestamp="2024-05-02T10:48:19Z")
    services = {"blue": {"image_tag": "3.4.0", "desired_count": 3, "priority": 100, "keep_alive": 75},
                "green": {"image_tag": "3.5.0-rc2", "desired_count": 1, "priority": 110, "keep_alive": 30}}
    v = {"region": "us-east-1", "services": services,
         "image_repo": "123450987654.dkr.ecr.us-east-1.amazonaws.com/pricing",
         "certificate_arn": "arn:aws:acm:us-east-1:123450987654:certificate/7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918",
         "vpc_id": "vpc-0a9b8c7d6e5f40302",
         "public_subnets": ["subnet-0aa0bb0cc0dd0ee01", "subnet-0aa0bb0cc0dd0ee02"],
         "private_subnets": ["subnet-0aa0bb0cc0dd0ee03", "subnet-0aa0bb0cc0dd0ee04"]}
    p.variables = v
    p.add(Res("aws_ecs_cluster", "main", ecs_cluster("pricing")),
          Res("aws_lb", "main", aws_lb("pricing", v["public_subnets"], idle_timeout=60)),
          Res("aws_lb_listener", "https", aws_lb_listener(
              UNK, 443, "HTTPS", [action(target_group_arn=UNK)], certificate_arn=v["certificate_arn"])))
    for k, s in services.items():
        p.add(
            Res("aws_cloudwatch_log_group", "svc", log_group("/ecs/pricing-" + k, 7), key=k),
            Res("aws_lb_target_group", "svc", aws_lb_target_group(
                "pricing-" + k, 8000, v["vpc_id"], deregistration_delay=90,
                hc=health_check({"path": "/healthz"})), key=k),
            Res("aws_lb_listener_rule", "svc", aws_lb_listener_rule(
                UNK, s["priority"], [action(target_group_arn=UNK)],
                [condition(host=["%s.pricing.example.com" % k])]), key=k),
            Res("aws_ecs_task_definition", "svc", aws_ecs_task_definition(
                "pricing-" + k, jsonencode([{
                    "name": "pricing", "image": "%s:%s" % (v["image_repo"], s["image_tag"]),
                    "essential": True,
                    "command": ["hypercorn", "pricing.asgi:app", "--bind", "0.0.0.0:8000", "--workers", "2",
                                "--keep-alive", str(s["keep_alive"])],
                    "portMappings": [{"containerPort": 8000, "protocol": "tcp"}],
                    "logConfiguration": awslogs("/ecs/pricing-" + k, "us-east-1", k)}]),
                cpu=512, memory=1024), key=k),
            Res("aws_ecs_service", "svc", aws_ecs_service(
                "pricing-" + k, UNK, UNK, [lb_block("pricing", 8000, target_group_arn=UNK)],
                desired_count=s["desired_count"], network=network(v["private_subnets"])), key=k),
        )
    p.provider_expressions = {"region": R("var.region")}
    p.root = Module(variables=var_decls(
        region={"default": "us-east-1"},
        services={"default": services, "description": "Blue/green copies of the pricing service."},
        image_repo={"default": v["image_repo"]}, certificate_arn={"default": v["certificate_arn"]},
        vpc_id={"default": v["vpc_id"]}, public_subnets={"default": v["public_subnets"]},
        private_subnets={"default": v["private_subnets"]}))
    m = p.root
    fe = R("var.services")
    m.resource("aws_cloudwatch_log_group", "svc", {"name": R("each.key"), "retention_in_days": C(7)},
               for_each=fe)
    m.resource("aws_ecs_cluster", "main", {"name": C("pricing")})
    m.resource("aws_ecs_service", "svc", {
        "cluster": R("aws_ecs_cluster.main.id"), "desired_count": R("each.value.desired_count"),
        "launch_type": C("FARGATE"),
        "load_balancer": [{"container_name": C("pricing"), "container_port": C(8000),
                           "target_group_arn": RL("aws_lb_target_group.svc", "each.key")}],
        "name": R("each.key"), "network_configuration": [{"subnets": R("var.private_subnets")}],
        "task_definition": RL("aws_ecs_task_definition.svc", "each.key")}, for_each=fe)
    m.resource("aws_ecs_task_definition", "svc", {
        "container_definitions": {"references": refs("var.image_repo", "each.value.image_tag",
                                                     "each.value.keep_alive") +
                                  ["aws_cloudwatch_log_group.svc", "each.key"] +
                                  refs("var.region", "each.key")},
        "cpu": C(512), "family": R("each.key"), "memory": C(1024), "network_mode": C("awsvpc"),
        "requires_compatibilities": C(["FARGATE"])}, for_each=fe)
    m.resource("aws_lb", "main", {"idle_timeout": C(60), "load_balancer_type": C("application"),
                                  "name": C("pricing"), "subnets": R("var.public_subnets")})
    m.resource("aws_lb_listener", "https", {
        "certificate_arn": R("var.certificate_arn"),
        "default_action": [{"target_group_arn": R('aws_lb_target_group.svc["blue"].arn'),
                            "type": C("forward")}],
        "load_balancer_arn": R("aws_lb.main.arn"), "port": C(443), "protocol": C("HTTPS")})
    m.resource("aws_lb_listener_rule", "svc", {
        "action": [{"target_group_arn": RL("aws_lb_target_group.svc", "each.key"), "type": C("forward")}],
        "condition": [{"host_header": [{"values": R("each.key")}]}],
        "listener_arn": R("aws_lb_listener.https.arn"), "priority": R("each.value.priority")}, for_each=fe)
    m.resource("aws_lb_target_group", "svc", {
        "deregistration_delay": C(90), "health_check": [{"path": C("/healthz")}], "name": R("each.key"),
        "port": C(8000), "protocol": C("HTTP"), "target_type": C("ip"), "vpc_id": R("var.vpc_id")},
        for_each=fe)
    p.write("equivalence-shape-for-each")


def equivalence_modules_two_instances():
    p = Plan(tf_version="1.5.7", format_version="1.2", provider_version=None, region="eu-west-1",
             timestamp="2024-06-03T15:27:02Z")
    p.provider_expressions = {"region": C("eu-west-1")}
    subnets = ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"]
    cert = "arn:aws:acm:eu-west-1:123456789012:certificate/8f3c2d1e-0000-4a5b-9c8d-112233445566"
    alb = [("alb", None)]
    p.add(
        Res("aws_lb", "this", aws_lb("shop", subnets, idle_timeout=60), module=alb),
        Res("aws_lb_listener", "https", aws_lb_listener(
            UNK, 443, "HTTPS", [action("fixed-response", fixed=fixed_response("404"))],
            certificate_arn=cert), module=alb),
    )
    calls = {
        "api": ("shop-api", 10, "/api/*", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-api:2.4.1",
                ["gunicorn", "-k", "gevent", "--keep-alive", "75", "-b", "0.0.0.0:8000", "shop.api.wsgi"]),
        "web": ("shop-web", 20, "/*", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-web:2.4.1",
                ["gunicorn", "-k", "gevent", "-b", "0.0.0.0:8000", "shop.web.wsgi"]),
    }
    for call, (name, priority, path, image, command) in calls.items():
        mod = [(call, None)]
        p.add(
            Res("aws_lb_target_group", "this", aws_lb_target_group(
                name, 8000, "vpc-0c1d2e3f4a5b6c7d8", deregistration_delay=90), module=mod),
            Res("aws_lb_listener_rule", "this", aws_lb_listener_rule(
                UNK, priority, [action(target_group_arn=UNK)], [condition(path=[path])]), module=mod),
            Res("aws_ecs_task_definition", "this", aws_ecs_task_definition(name, jsonencode([{
                "name": "app", "image": image, "command": command,
                "portMappings": [{"containerPort": 8000}]}]), cpu=512, memory=1024), module=mod),
            Res("aws_ecs_service", "this", aws_ecs_service(
                name, "arn:aws:ecs:eu-west-1:123456789012:cluster/shop", UNK,
                [lb_block("app", 8000, target_group_arn=UNK)]), module=mod),
        )
    alb_mod = Module(
        variables={"certificate_arn": {}, "idle_timeout": {"default": 60}, "name": {}, "subnet_ids": {}},
        outputs={"https_listener_arn": {"expression": R("aws_lb_listener.https.arn")}})
    alb_mod.resource("aws_lb", "this", {
        "idle_timeout": R("var.idle_timeout"), "load_balancer_type": C("application"),
        "name": R("var.name"), "subnets": R("var.subnet_ids")})
    alb_mod.resource("aws_lb_listener", "https", {
        "certificate_arn": R("var.certificate_arn"),
        "default_action": [{"fixed_response": [{"content_type": C("text/plain"), "status_code": C("404")}],
                            "type": C("fixed-response")}],
        "load_balancer_arn": R("aws_lb.this.arn"), "port": C(443), "protocol": C("HTTPS")})
    svc = Module(
        variables={"command": {}, "deregistration_delay": {"default": 90}, "image": {}, "listener_arn": {},
                   "name": {}, "path_pattern": {}, "priority": {}},
        outputs={"target_group_arn": {"expression": R("aws_lb_target_group.this.arn")}})
    svc.resource("aws_ecs_service", "this", {
        "cluster": C("arn:aws:ecs:eu-west-1:123456789012:cluster/shop"), "desired_count": C(2),
        "launch_type": C("FARGATE"),
        "load_balancer": [{"container_name": C("app"), "container_port": C(8000),
                           "target_group_arn": R("aws_lb_target_group.this.arn")}],
        "name": R("var.name"), "task_definition": R("aws_ecs_task_definition.this.arn")})
    svc.resource("aws_ecs_task_definition", "this", {
        "container_definitions": R("var.image", "var.command"), "cpu": C(512), "family": R("var.name"),
        "memory": C(1024), "network_mode": C("awsvpc"), "requires_compatibilities": C(["FARGATE"])})
    svc.resource("aws_lb_listener_rule", "this", {
        "action": [{"target_group_arn": R("aws_lb_target_group.this.arn"), "type": C("forward")}],
        "condition": [{"path_pattern": [{"values": R("var.path_pattern")}]}],
        "listener_arn": R("var.listener_arn"), "priority": R("var.priority")})
    svc.resource("aws_lb_target_group", "this", {
        "deregistration_delay": R("var.deregistration_delay"), "name": R("var.name"), "port": C(8000),
        "protocol": C("HTTP"), "target_type": C("ip"), "vpc_id": C("vpc-0c1d2e3f4a5b6c7d8")})
    p.root.call("alb", "./modules/alb", {
        "certificate_arn": C(cert), "idle_timeout": C(60), "name": C("shop"), "subnet_ids": C(subnets)},
        alb_mod)
    for call, (name, priority, path, image, command) in calls.items():
        p.root.call(call, "./modules/service", {
            "command": C(command), "image": C(image), "listener_arn": R("module.alb.https_listener_arn"),
            "name": C(name), "path_pattern": C(path), "priority": C(priority)}, svc)
    p.write("equivalence-modules-two-instances")


def equivalence_modules_for_each():
    p = Plan(tf_version="1.6.3", format_version="1.2", provider_version=None,
             timestamp="2024-01-25T21:14:36Z")
    p.provider_expressions = None
    subnets = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
    cert = "arn:aws:acm:us-east-1:123456789012:certificate/1f2e3d4c-aaaa-bbbb-cccc-1234567890ab"
    services = {
        "catalog": (8080, ["uvicorn", "catalog.main:app", "--host", "0.0.0.0", "--port", "8080",
                           "--timeout-keep-alive", "130"], 100, "catalog.example.com"),
        "search": (8081, ["uvicorn", "search.main:app", "--host", "0.0.0.0", "--port", "8081"], 110,
                   "search.example.com"),
    }
    p.add(
        Res("aws_lb", "shared", aws_lb("platform", subnets, idle_timeout=120)),
        Res("aws_lb_listener", "https", aws_lb_listener(
            UNK, 443, "HTTPS", [action("fixed-response", fixed=fixed_response("404"))], certificate_arn=cert)),
    )
    for k, (port, command, priority, host) in services.items():
        mod = [("svc", k)]
        td = aws_ecs_task_definition(k, jsonencode([{
            "name": k, "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/%s:latest" % k,
            "command": command, "portMappings": [{"containerPort": port}]}]), network_mode=None, requires=())
        td["requires_compatibilities"] = None
        svc = aws_ecs_service(k, UNK, UNK, [lb_block(k, port, target_group_arn=UNK)])
        svc["launch_type"] = UNK
        p.add(
            Res("aws_lb_target_group", "this", aws_lb_target_group(
                k, port, "vpc-0123456789abcdef0", deregistration_delay=120), key=0, module=mod),
            Res("aws_lb_listener_rule", "this", aws_lb_listener_rule(
                UNK, priority, [action(target_group_arn=UNK)], [condition(host=[host])]), key=0, module=mod),
            Res("aws_ecs_task_definition", "this", td, module=mod),
            Res("aws_ecs_service", "this", svc, key=0, module=mod),
        )
    m = Module(variables={"command": {}, "enabled": {"default": True}, "host": {}, "listener_arn": {},
                          "name": {}, "port": {}, "priority": {}})
    count = R("var.enabled")
    m.resource("aws_ecs_service", "this", {
        "desired_count": C(2),
        "load_balancer": [{"container_name": R("var.name"), "container_port": R("var.port"),
                           "target_group_arn": RL("aws_lb_target_group.this", "count.index")}],
        "name": R("var.name"), "task_definition": R("aws_ecs_task_definition.this.arn")}, count=count)
    m.resource("aws_ecs_task_definition", "this", {
        "container_definitions": R("var.name", "var.name", "var.command", "var.port"),
        "family": R("var.name")})
    m.resource("aws_lb_listener_rule", "this", {
        "action": [{"target_group_arn": R("aws_lb_target_group.this[0].arn"), "type": C("forward")}],
        "condition": [{"host_header": [{"values": R("var.host")}]}],
        "listener_arn": R("var.listener_arn"), "priority": R("var.priority")}, count=count)
    m.resource("aws_lb_target_group", "this", {
        "deregistration_delay": C(120), "name": R("var.name"), "port": R("var.port"), "protocol": C("HTTP"),
        "target_type": C("ip"), "vpc_id": C("vpc-0123456789abcdef0")}, count=count)
    p.root.resource("aws_lb", "shared", {"idle_timeout": C(120), "load_balancer_type": C("application"),
                                         "name": C("platform"), "subnets": C(subnets)})
    p.root.resource("aws_lb_listener", "https", {
        "certificate_arn": C(cert),
        "default_action": [{"fixed_response": [{"content_type": C("text/plain"), "status_code": C("404")}],
                            "type": C("fixed-response")}],
        "load_balancer_arn": R("aws_lb.shared.arn"), "port": C(443), "protocol": C("HTTPS")})
    p.root.call("svc", "./modules/svc", {
        "command": R("each.value.command"), "enabled": R("each.value.instances"),
        "host": R("each.value.host"), "listener_arn": R("aws_lb_listener.https.arn"),
        "name": R("each.key"), "port": R("each.value.port"), "priority": R("each.value.priority")},
        m, for_each=R("local.services"))
    p.write("equivalence-modules-for-each")


def new_stack():
    p = Plan(tf_version="1.7.5", format_version="1.2", provider_version="~> 5.45", region="eu-central-1",
             timestamp="2024-05-14T09:12:44Z")
    v = {"region": "eu-central-1", "vpc_id": "vpc-04d1c2b3a4f5e6d7c",
         "public_subnet_ids": ["subnet-0a11b22c33d44e551", "subnet-0a11b22c33d44e552"],
         "private_subnet_ids": ["subnet-0b11c22d33e44f551", "subnet-0b11c22d33e44f552"],
         "certificate_arn": "arn:aws:acm:eu-central-1:481516234200:certificate/0b7e2c1d-5a4f-4e3b-9c2d-7f6e5d4c3b2a",
         "image_repository": "481516234200.dkr.ecr.eu-central-1.amazonaws.com/ledger",
         "image_tag": "2024.05.14-3f2c1a9"}
    p.variables = v
    p.provider_expressions = {"region": R("var.region")}
    p.add(
        Res("aws_ecs_cluster", "main", ecs_cluster("ledger")),
        Res("aws_cloudwatch_log_group", "web", log_group("/ecs/ledger-web", 30)),
        Res("aws_lb", "web", aws_lb("ledger-web", v["public_subnet_ids"], idle_timeout=60)),
        Res("aws_lb_target_group", "web", aws_lb_target_group(
            "ledger-web", 8000, v["vpc_id"], hc=health_check({"path": "/health/", "matcher": "200"}))),
        Res("aws_lb_listener", "https", aws_lb_listener(
            UNK, 443, "HTTPS", [action(target_group_arn=UNK)], certificate_arn=v["certificate_arn"],
            ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06")),
        Res("aws_ecs_task_definition", "web", aws_ecs_task_definition("ledger-web", jsonencode([{
            "name": "web", "image": v["image_repository"] + ":" + v["image_tag"], "essential": True,
            "command": ["gunicorn", "ledger.wsgi:application", "--worker-class", "gevent", "--workers", "3",
                        "--bind", "0.0.0.0:8000"],
            "portMappings": [{"containerPort": 8000, "protocol": "tcp"}],
            "logConfiguration": awslogs("/ecs/ledger-web", "eu-central-1", "web")}]), cpu=1024, memory=2048)),
        Res("aws_ecs_service", "web", aws_ecs_service(
            "ledger-web", UNK, UNK, [lb_block("web", 8000, target_group_arn=UNK)],
            network=network(v["private_subnet_ids"]))),
    )
    p.root = Module(variables=var_decls(
        region={"default": "eu-central-1"}, vpc_id={"default": v["vpc_id"]},
        public_subnet_ids={"default": v["public_subnet_ids"]},
        private_subnet_ids={"default": v["private_subnet_ids"]},
        certificate_arn={"default": v["certificate_arn"]},
        image_repository={"default": v["image_repository"]},
        image_tag={"description": "Set by CI: terraform plan -var image_tag=..."}))
    m = p.root
    m.resource("aws_cloudwatch_log_group", "web", {"name": C("/ecs/ledger-web"), "retention_in_days": C(30)})
    m.resource("aws_ecs_cluster", "main", {"name": C("ledger")})
    m.resource("aws_ecs_service", "web", {
        "cluster": R("aws_ecs_cluster.main.id"), "desired_count": C(2), "launch_type": C("FARGATE"),
        "load_balancer": [{"container_name": C("web"), "container_port": C(8000),
                           "target_group_arn": R("aws_lb_target_group.web.arn")}],
        "name": C("ledger-web"), "network_configuration": [{"subnets": R("var.private_subnet_ids")}],
        "task_definition": R("aws_ecs_task_definition.web.arn")}, depends_on=["aws_lb_listener.https"])
    m.resource("aws_ecs_task_definition", "web", {
        "container_definitions": R("var.image_repository", "var.image_tag",
                                   "aws_cloudwatch_log_group.web.name", "var.region"),
        "cpu": C(1024), "family": C("ledger-web"), "memory": C(2048), "network_mode": C("awsvpc"),
        "requires_compatibilities": C(["FARGATE"])})
    m.resource("aws_lb", "web", {"idle_timeout": C(60), "load_balancer_type": C("application"),
                                 "name": C("ledger-web"), "subnets": R("var.public_subnet_ids")})
    m.resource("aws_lb_listener", "https", {
        "certificate_arn": R("var.certificate_arn"),
        "default_action": [{"target_group_arn": R("aws_lb_target_group.web.arn"), "type": C("forward")}],
        "load_balancer_arn": R("aws_lb.web.arn"), "port": C(443), "protocol": C("HTTPS"),
        "ssl_policy": C("ELBSecurityPolicy-TLS13-1-2-2021-06")})
    m.resource("aws_lb_target_group", "web", {
        "health_check": [{"matcher": C("200"), "path": C("/health/")}], "name": C("ledger-web"),
        "port": C(8000), "protocol": C("HTTP"), "target_type": C("ip"), "vpc_id": R("var.vpc_id")})
    p.write("new-stack")


# Existing resources: what the AWS APIs return, as the provider stores it.
ACCT = "210987654321"
REG = "us-east-2"


def update_existing():
    p = Plan(tf_version="1.8.4", format_version="1.2", provider_version="~> 5.50", region=REG,
             timestamp="2024-06-18T07:55:12Z")
    subnets_pub = ["subnet-03a9e8d7c6b5a4f30", "subnet-03a9e8d7c6b5a4f31"]
    subnets_priv = ["subnet-04b8f7e6d5c4b3a20", "subnet-04b8f7e6d5c4b3a21"]
    vpc = "vpc-0e7d6c5b4a3f2e1d0"
    lb_arn = arn("elasticloadbalancing", REG, ACCT, "loadbalancer/app/orders/50dc6c495c0c9188")
    tg_arn = arn("elasticloadbalancing", REG, ACCT, "targetgroup/orders-api/6d0ecf831eec9f09")
    ls_arn = arn("elasticloadbalancing", REG, ACCT, "listener/app/orders/50dc6c495c0c9188/f2f7dc8efc522ab2")
    td_arn = arn("ecs", REG, ACCT, "task-definition/orders-api:14")
    cluster_arn = arn("ecs", REG, ACCT, "cluster/orders")
    image = ACCT + ".dkr.ecr.us-east-2.amazonaws.com/orders-api:7.3.0"
    lb_known = {"arn": lb_arn, "arn_suffix": "app/orders/50dc6c495c0c9188",
                "dns_name": "orders-1234567890.us-east-2.elb.amazonaws.com",
                "enable_cross_zone_load_balancing": True, "ip_address_type": "ipv4",
                "security_groups": ["sg-0f1e2d3c4b5a69788"],
                "subnet_mapping": [{"allocation_id": "", "ipv6_address": "", "outpost_id": "",
                                    "private_ipv4_address": "", "subnet_id": s} for s in subnets_pub],
                "vpc_id": vpc, "zone_id": "Z3AADJGX6KTTL2",
                "enforce_security_group_inbound_rules_on_private_link_traffic": ""}
    before_lb = aws_lb("orders", subnets_pub, idle_timeout=60, known=lb_known)
    after_lb = aws_lb("orders", subnets_pub, idle_timeout=120, known=lb_known)
    tg_known = {"arn": tg_arn, "arn_suffix": "targetgroup/orders-api/6d0ecf831eec9f09",
                "connection_termination": False, "ip_address_type": "ipv4",
                "load_balancing_algorithm_type": "round_robin", "load_balancing_anomaly_mitigation": "off",
                "load_balancing_cross_zone_enabled": "use_load_balancer_configuration",
                "preserve_client_ip": None, "protocol_version": "HTTP1",
                "stickiness": [{"cookie_duration": 86400, "cookie_name": "", "enabled": False,
                                "type": "lb_cookie"}],
                "target_failover": [{"on_deregistration": None, "on_unhealthy": None}],
                "target_health_state": [{"enable_unhealthy_connection_termination": None}]}
    tg = aws_lb_target_group("orders-api", 8080, vpc, hc=health_check(
        {"path": "/healthz", "interval": 20}, known={"matcher": "200", "timeout": 5}), known=tg_known)
    tg["load_balancer_arns"] = [lb_arn]
    listener = aws_lb_listener(lb_arn, 80, "HTTP", [action(target_group_arn=tg_arn, known_order=1)],
                               ssl_policy="", known={"arn": ls_arn, "mutual_authentication": []})
    cd = jsonencode([{
        "command": ["uvicorn", "orders.app:app", "--host", "0.0.0.0", "--port", "8080", "--proxy-headers",
                    "--timeout-keep-alive", "75"],
        "cpu": 0, "environment": [{"name": "ORDERS_DB_HOST", "value": "orders.cluster-c8xk2.us-east-2.rds.amazonaws.com"}],
        "essential": True, "image": image,
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": "/ecs/orders-api", "awslogs-region": "us-east-2", "awslogs-stream-prefix": "api"},
            "secretOptions": []},
        "mountPoints": [], "name": "api",
        "portMappings": [{"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"}],
        "systemControls": [], "volumesFrom": []}])
    td = aws_ecs_task_definition("orders-api", cd, cpu=512, memory=1024,
                                 execution_role_arn=arn("iam", "", ACCT, "role/orders-api-execution"),
                                 known={"arn": td_arn, "arn_without_revision": td_arn.rsplit(":", 1)[0],
                                        "id": "orders-api", "revision": 14})
    svc = aws_ecs_service("orders-api", cluster_arn, td_arn,
                          [lb_block("api", 8080, target_group_arn=tg_arn)], desired_count=3,
                          network=network(subnets_priv, security_groups=["sg-0a9b8c7d6e5f40312"]),
                          known={"iam_role": "/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS",
                                 "id": arn("ecs", REG, ACCT, "service/orders/orders-api"),
                                 "platform_version": "LATEST", "triggers": {}})
    cluster = ecs_cluster("orders", settings=[{"name": "containerInsights", "value": "enabled"}],
                          known={"arn": cluster_arn})
    lg = log_group("/ecs/orders-api", 14, known={
        "arn": arn("logs", REG, ACCT, "log-group:/ecs/orders-api"), "id": "/ecs/orders-api",
        "log_group_class": "STANDARD", "name_prefix": ""})
    noop = lambda t, n, v, deps=None: Res(t, n, v, actions=["no-op"], before=v, depends_on=deps)
    p.add(
        noop("aws_ecs_cluster", "orders", cluster),
        noop("aws_cloudwatch_log_group", "api", lg),
        Res("aws_lb", "orders", after_lb, actions=["update"], before=before_lb),
        noop("aws_lb_target_group", "api", tg),
        noop("aws_lb_listener", "http", listener, ["aws_lb.orders", "aws_lb_target_group.api"]),
        noop("aws_ecs_task_definition", "api", td, ["aws_cloudwatch_log_group.api"]),
        noop("aws_ecs_service", "api", svc, ["aws_ecs_cluster.orders", "aws_ecs_task_definition.api",
                                            "aws_lb_target_group.api"]),
    )
    p.root = Module(variables=var_decls(image_tag={"default": "7.3.0"}))
    p.variables = {"image_tag": "7.3.0"}
    m = p.root
    m.resource("aws_cloudwatch_log_group", "api", {"name": C("/ecs/orders-api"), "retention_in_days": C(14)})
    m.resource("aws_ecs_cluster", "orders", {"name": C("orders"), "setting": [
        {"name": C("containerInsights"), "value": C("enabled")}]})
    m.resource("aws_ecs_service", "api", {
        "cluster": R("aws_ecs_cluster.orders.arn"), "desired_count": C(3), "launch_type": C("FARGATE"),
        "load_balancer": [{"container_name": C("api"), "container_port": C(8080),
                           "target_group_arn": R("local.api_target_group_arn")}],
        "name": C("orders-api"),
        "network_configuration": [{"security_groups": C(["sg-0a9b8c7d6e5f40312"]),
                                   "subnets": C(subnets_priv)}],
        "task_definition": R("aws_ecs_task_definition.api.arn")})
    m.resource("aws_ecs_task_definition", "api", {
        "container_definitions": R("var.image_tag", "aws_cloudwatch_log_group.api.name"),
        "cpu": C(512), "execution_role_arn": C(arn("iam", "", ACCT, "role/orders-api-execution")),
        "family": C("orders-api"), "memory": C(1024), "network_mode": C("awsvpc"),
        "requires_compatibilities": C(["FARGATE"])})
    m.resource("aws_lb", "orders", {"idle_timeout": C(120), "load_balancer_type": C("application"),
                                    "name": C("orders"), "security_groups": C(["sg-0f1e2d3c4b5a69788"]),
                                    "subnets": C(subnets_pub)})
    m.resource("aws_lb_listener", "http", {
        "default_action": [{"target_group_arn": R("local.api_target_group_arn"), "type": C("forward")}],
        "load_balancer_arn": R("aws_lb.orders.arn"), "port": C(80), "protocol": C("HTTP")})
    m.resource("aws_lb_target_group", "api", {
        "health_check": [{"interval": C(20), "path": C("/healthz")}], "name": C("orders-api"),
        "port": C(8080), "protocol": C("HTTP"), "target_type": C("ip"), "vpc_id": C(vpc)})
    p.write("update-existing")


def modules_nested():
    p = Plan(tf_version="1.9.2", format_version="1.2", provider_version="~> 5.60", region="eu-west-2",
             timestamp="2024-07-22T12:03:58Z")
    acct = "305421117890"
    subnets = ["subnet-0d1e2f3a4b5c6d7e8", "subnet-0d1e2f3a4b5c6d7e9"]
    vpc = "vpc-0a0b0c0d0e0f01020"
    cert = "arn:aws:acm:eu-west-2:%s:certificate/5c4b3a29-1807-4f6e-8d5c-4b3a29180706" % acct
    services = {
        "billing": (["gunicorn", "-k", "gevent", "--keep-alive", "75", "-b", "0.0.0.0:8000",
                     "billing.wsgi"], 100, "billing.internal.example.com", "2.14.0"),
        "reports": (["uvicorn", "reports.main:app", "--host", "0.0.0.0", "--port", "8000"], 200,
                    "reports.internal.example.com", "0.9.3"),
    }
    p.variables = {"services": {k: {"command": c, "priority": pr, "host": h, "version": ver}
                                for k, (c, pr, h, ver) in services.items()}}
    alb = [("alb", None)]
    p.add(
        Res("aws_lb", "this", aws_lb("internal-apps", subnets, idle_timeout=60, internal=True), module=alb),
        Res("aws_lb_listener", "https", aws_lb_listener(
            UNK, 443, "HTTPS", [action("fixed-response", fixed=fixed_response("404"))],
            certificate_arn=cert), module=alb),
        Res("aws_lb_listener_rule", "legacy_billing", aws_lb_listener_rule(
            UNK, 10, [action(target_group_arn=UNK)], [condition(host=["legacy-billing.example.com"])])),
    )
    for k, (command, priority, host, version) in services.items():
        mod = [("svc", k)]
        p.add(
            Res("aws_lb_target_group", "this", aws_lb_target_group(
                k, 8000, vpc, hc=health_check({"path": "/healthz"})), key=0, module=mod),
            Res("aws_lb_listener_rule", "this", aws_lb_listener_rule(
                UNK, priority, [action(target_group_arn=UNK)], [condition(host=[host])]), key=0, module=mod),
            Res("aws_ecs_task_definition", "this", aws_ecs_task_definition(k, jsonencode([{
                "name": "app", "image": "%s.dkr.ecr.eu-west-2.amazonaws.com/%s:%s" % (acct, k, version),
                "essential": True, "command": command,
                "portMappings": [{"containerPort": 8000, "protocol": "tcp"}]}]), cpu=256, memory=512),
                module=mod + [("task", None)]),
            Res("aws_ecs_service", "this", aws_ecs_service(
                k, "arn:aws:ecs:eu-west-2:%s:cluster/internal" % acct, UNK,
                [lb_block("app", 8000, target_group_arn=UNK)], network=network(subnets)), key=0, module=mod),
        )
    alb_mod = Module(variables={"idle_timeout": {"default": 60}, "subnets": {}, "certificate_arn": {}},
                     outputs={"listener_arn": {"expression": R("aws_lb_listener.https.arn")}})
    alb_mod.resource("aws_lb", "this", {"idle_timeout": R("var.idle_timeout"), "internal": C(True),
                                        "name": C("internal-apps"), "subnets": R("var.subnets")})
    alb_mod.resource("aws_lb_listener", "https", {
        "certificate_arn": R("var.certificate_arn"),
        "default_action": [{"fixed_response": [{"content_type": C("text/plain"), "status_code": C("404")}],
                            "type": C("fixed-response")}],
        "load_balancer_arn": R("aws_lb.this.arn"), "port": C(443), "protocol": C("HTTPS")})
    task_mod = Module(variables={"family": {}, "image": {}, "command": {}},
                      outputs={"arn": {"expression": R("aws_ecs_task_definition.this.arn")}})
    task_mod.resource("aws_ecs_task_definition", "this", {
        "container_definitions": R("var.image", "var.command"), "cpu": C(256), "family": R("var.family"),
        "memory": C(512), "network_mode": C("awsvpc"), "requires_compatibilities": C(["FARGATE"])})
    svc = Module(variables={"name": {}, "command": {}, "priority": {}, "host": {}, "version": {},
                            "listener_arn": {}, "enabled": {"default": True}},
                 outputs={"target_group_arn": {"expression": R("aws_lb_target_group.this[0].arn")}})
    count = R("var.enabled")
    svc.resource("aws_lb_target_group", "this", {
        "health_check": [{"path": C("/healthz")}], "name": R("var.name"), "port": C(8000),
        "protocol": C("HTTP"), "target_type": C("ip"), "vpc_id": C(vpc)}, count=count)
    svc.resource("aws_lb_listener_rule", "this", {
        "action": [{"target_group_arn": RL("aws_lb_target_group.this", "count.index"), "type": C("forward")}],
        "condition": [{"host_header": [{"values": R("var.host")}]}],
        "listener_arn": R("var.listener_arn"), "priority": R("var.priority")}, count=count)
    svc.resource("aws_ecs_service", "this", {
        "cluster": C("arn:aws:ecs:eu-west-2:%s:cluster/internal" % acct), "desired_count": C(2),
        "launch_type": C("FARGATE"),
        "load_balancer": [{"container_name": C("app"), "container_port": C(8000),
                           "target_group_arn": RL("aws_lb_target_group.this", "count.index")}],
        "name": R("var.name"), "network_configuration": [{"subnets": C(subnets)}],
        "task_definition": R("module.task.arn")}, count=count)
    svc.call("task", "../task-definition", {
        "command": R("var.command"), "family": R("var.name"), "image": R("var.name", "var.version")}, task_mod)
    p.root = Module(variables={"services": {}})
    p.root.call("alb", "./modules/alb", {"certificate_arn": C(cert), "subnets": C(subnets)}, alb_mod)
    p.root.call("svc", "./modules/service", {
        "command": R("each.value.command"), "host": R("each.value.host"), "listener_arn": R("module.alb.listener_arn"),
        "name": R("each.key"), "priority": R("each.value.priority"), "version": R("each.value.version")},
        svc, for_each=R("var.services"))
    p.root.resource("aws_lb_listener_rule", "legacy_billing", {
        "action": [{"target_group_arn": R('module.svc["billing"].target_group_arn'), "type": C("forward")}],
        "condition": [{"host_header": [{"values": C(["legacy-billing.example.com"])}]}],
        "listener_arn": R("module.alb.listener_arn"), "priority": C(10)})
    p.write("modules-nested")


def deleted_service():
    p = Plan(tf_version="1.6.6", format_version="1.2", provider_version="~> 5.31", region="ap-southeast-2",
             timestamp="2024-03-27T23:40:05Z")
    acct = "112233445566"
    reg = "ap-southeast-2"
    subnets = ["subnet-0aa1bb2cc3dd4ee50", "subnet-0aa1bb2cc3dd4ee51"]
    vpc = "vpc-06a5b4c3d2e1f0a9b"
    lb_arn = arn("elasticloadbalancing", reg, acct, "loadbalancer/app/intranet/1a2b3c4d5e6f7a8b")
    ls_arn = arn("elasticloadbalancing", reg, acct, "listener/app/intranet/1a2b3c4d5e6f7a8b/9c8d7e6f5a4b3c2d")
    cluster = arn("ecs", reg, acct, "cluster/intranet")
    lb_known = {"arn": lb_arn, "arn_suffix": "app/intranet/1a2b3c4d5e6f7a8b",
                "dns_name": "internal-intranet-998877.ap-southeast-2.elb.amazonaws.com",
                "enable_cross_zone_load_balancing": True, "ip_address_type": "ipv4",
                "security_groups": ["sg-0c0d0e0f0a0b0c0d0"], "subnet_mapping": [
                    {"allocation_id": "", "ipv6_address": "", "outpost_id": "", "private_ipv4_address": "",
                     "subnet_id": s} for s in subnets], "vpc_id": vpc, "zone_id": "Z1GM3OXH4ZPM65",
                "enforce_security_group_inbound_rules_on_private_link_traffic": ""}
    lb = aws_lb("intranet", subnets, idle_timeout=60, internal=True, known=lb_known)
    listener = aws_lb_listener(lb_arn, 443, "HTTPS", [action(
        "fixed-response", fixed=fixed_response("404"), known_order=1)],
        certificate_arn=arn("acm", reg, acct, "certificate/2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"),
        ssl_policy="ELBSecurityPolicy-2016-08", known={"arn": ls_arn, "mutual_authentication": []})
    noop = lambda t, n, v: Res(t, n, v, actions=["no-op"], before=v)
    gone = lambda t, n, v: Res(t, n, None, actions=["delete"], before=v, action_reason="delete_because_no_resource_config")

    def tg(name, tid):
        a = arn("elasticloadbalancing", reg, acct, "targetgroup/%s/%s" % (name, tid))
        t = aws_lb_target_group(name, 8000, vpc, hc=health_check({"path": "/status"}, known={
            "matcher": "200", "timeout": 5}), known={
            "arn": a, "arn_suffix": "targetgroup/%s/%s" % (name, tid), "connection_termination": False,
            "ip_address_type": "ipv4", "load_balancing_algorithm_type": "round_robin",
            "load_balancing_anomaly_mitigation": "off",
            "load_balancing_cross_zone_enabled": "use_load_balancer_configuration",
            "preserve_client_ip": None, "protocol_version": "HTTP1",
            "stickiness": [{"cookie_duration": 86400, "cookie_name": "", "enabled": False, "type": "lb_cookie"}],
            "target_failover": [{"on_deregistration": None, "on_unhealthy": None}],
            "target_health_state": [{"enable_unhealthy_connection_termination": None}]})
        t["load_balancer_arns"] = [lb_arn]
        return a, t

    def td(family, rev, command):
        a = arn("ecs", reg, acct, "task-definition/%s:%d" % (family, rev))
        cd = jsonencode([{"command": command, "cpu": 0, "environment": [], "essential": True,
                          "image": "%s.dkr.ecr.%s.amazonaws.com/%s:%s" % (acct, reg, family, "4.1.0"),
                          "mountPoints": [], "name": "app",
                          "portMappings": [{"containerPort": 8000, "hostPort": 8000, "protocol": "tcp"}],
                          "systemControls": [], "volumesFrom": []}])
        return a, aws_ecs_task_definition(family, cd, cpu=256, memory=512, known={
            "arn": a, "arn_without_revision": a.rsplit(":", 1)[0], "id": family, "revision": rev})

    def svc(name, tg_arn, td_arn, svc_known=True):
        return aws_ecs_service(name, cluster, td_arn, [lb_block("app", 8000, target_group_arn=tg_arn)],
                               network=network(subnets, security_groups=["sg-0e0f0a0b0c0d0e0f0"]),
                               known={"iam_role": "/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS",
                                      "id": arn("ecs", reg, acct, "service/intranet/" + name),
                                      "platform_version": "LATEST", "triggers": {}})

    def rule(tg_arn, priority, host, rid):
        return aws_lb_listener_rule(ls_arn, priority, [action(target_group_arn=tg_arn, known_order=1)],
                                    [condition(host=[host])], known={"arn": ls_arn.replace(
                                        "listener/", "listener-rule/") + "/" + rid})

    legacy_tg_arn, legacy_tg = tg("intranet-legacy", "0f1e2d3c4b5a6978")
    legacy_td_arn, legacy_td = td("intranet-legacy", 31, ["gunicorn", "-k", "gevent", "-b", "0.0.0.0:8000",
                                                          "legacy.wsgi"])
    web_tg_arn, web_tg = tg("intranet-web", "8796a5b4c3d2e1f0")
    old_td_arn, old_td = td("intranet-web", 57, ["gunicorn", "-k", "gevent", "--keep-alive", "75",
                                                 "-b", "0.0.0.0:8000", "intranet.wsgi"])
    new_td = aws_ecs_task_definition("intranet-web", jsonencode([{
        "command": ["gunicorn", "-k", "gevent", "--keep-alive", "5", "-b", "0.0.0.0:8000", "intranet.wsgi"],
        "essential": True, "image": "%s.dkr.ecr.%s.amazonaws.com/intranet-web:4.2.0" % (acct, reg),
        "name": "app", "portMappings": [{"containerPort": 8000, "protocol": "tcp"}]}]), cpu=256, memory=512)
    web_svc_before = svc("intranet-web", web_tg_arn, old_td_arn)
    web_svc_after = dict(web_svc_before, task_definition=UNK)
    p.add(
        noop("aws_lb", "intranet", lb),
        noop("aws_lb_listener", "https", listener),
        gone("aws_lb_target_group", "legacy", legacy_tg),
        gone("aws_lb_listener_rule", "legacy", rule(legacy_tg_arn, 90, "legacy.intranet.example.com",
                                                    "aa11bb22cc33dd44")),
        gone("aws_ecs_task_definition", "legacy", legacy_td),
        gone("aws_ecs_service", "legacy", svc("intranet-legacy", legacy_tg_arn, legacy_td_arn)),
        noop("aws_lb_target_group", "web", web_tg),
        noop("aws_lb_listener_rule", "web", rule(web_tg_arn, 100, "intranet.example.com", "ee55ff66aa77bb88")),
        Res("aws_ecs_task_definition", "web", new_td, actions=["delete", "create"], before=old_td,
            action_reason="replace_because_cannot_update", replace_paths=[["container_definitions"]]),
        Res("aws_ecs_service", "web", web_svc_after, actions=["update"], before=web_svc_before),
    )
    m = p.root
    m.resource("aws_lb", "intranet", {"idle_timeout": C(60), "internal": C(True), "name": C("intranet"),
                                      "security_groups": C(["sg-0c0d0e0f0a0b0c0d0"]), "subnets": C(subnets)})
    m.resource("aws_lb_listener", "https", {
        "certificate_arn": C(listener["certificate_arn"]),
        "default_action": [{"fixed_response": [{"content_type": C("text/plain"), "status_code": C("404")}],
                            "type": C("fixed-response")}],
        "load_balancer_arn": R("aws_lb.intranet.arn"), "port": C(443), "protocol": C("HTTPS"),
        "ssl_policy": C("ELBSecurityPolicy-2016-08")})
    m.resource("aws_lb_target_group", "web", {
        "health_check": [{"path": C("/status")}], "name": C("intranet-web"), "port": C(8000),
        "protocol": C("HTTP"), "target_type": C("ip"), "vpc_id": C(vpc)})
    m.resource("aws_lb_listener_rule", "web", {
        "action": [{"target_group_arn": R("aws_lb_target_group.web.arn"), "type": C("forward")}],
        "condition": [{"host_header": [{"values": C(["intranet.example.com"])}]}],
        "listener_arn": R("aws_lb_listener.https.arn"), "priority": C(100)})
    m.resource("aws_ecs_task_definition", "web", {
        "container_definitions": C(new_td["container_definitions"]), "cpu": C(256), "family": C("intranet-web"),
        "memory": C(512), "network_mode": C("awsvpc"), "requires_compatibilities": C(["FARGATE"])})
    m.resource("aws_ecs_service", "web", {
        "cluster": C(cluster), "desired_count": C(2), "launch_type": C("FARGATE"),
        "load_balancer": [{"container_name": C("app"), "container_port": C(8000),
                           "target_group_arn": R("aws_lb_target_group.web.arn")}],
        "name": C("intranet-web"),
        "network_configuration": [{"security_groups": C(["sg-0e0f0a0b0c0d0e0f0"]), "subnets": C(subnets)}],
        "task_definition": R("aws_ecs_task_definition.web.arn")})
    p.write("deleted-service")


def format_0_1():
    """Terraform 0.12 with AWS provider 2.x: Classic ELB, EC2 launch type."""
    p = Plan(tf_version="0.12.31", format_version="0.1", provider_version="~> 2.70", region="us-east-1")
    acct = "998877665544"
    reg = "us-east-1"
    subnets = ["subnet-6a7b8c9d", "subnet-1e2f3a4b"]
    elb = aws_elb("guestbook-web", subnets, [{
        "instance_port": 8000, "instance_protocol": "http", "lb_port": 80, "lb_protocol": "http",
        "ssl_certificate_id": ""}], idle_timeout=60,
        hc=[{"healthy_threshold": 2, "interval": 30, "target": "HTTP:8000/healthz", "timeout": 5,
             "unhealthy_threshold": 2}],
        known={"arn": arn("elasticloadbalancing", reg, acct, "loadbalancer/guestbook-web"),
               "availability_zones": ["us-east-1a", "us-east-1b"],
               "dns_name": "guestbook-web-1357924680.us-east-1.elb.amazonaws.com", "id": "guestbook-web",
               "instances": [], "internal": False, "security_groups": ["sg-4f5e6d7c"],
               "source_security_group": "998877665544/guestbook-web-elb",
               "source_security_group_id": "sg-4f5e6d7c", "zone_id": "Z35SXDOTRQ7X7K"})
    td_arn = arn("ecs", reg, acct, "task-definition/guestbook-web:9")
    cd = jsonencode([{"command": ["gunicorn", "--workers", "2", "--threads", "4", "--bind", "0.0.0.0:8000",
                                  "guestbook.wsgi"],
                      "cpu": 256, "environment": [], "essential": True,
                      "image": "%s.dkr.ecr.us-east-1.amazonaws.com/guestbook:1.8.2" % acct, "memory": 512,
                      "mountPoints": [], "name": "web",
                      "portMappings": [{"containerPort": 8000, "hostPort": 8000, "protocol": "tcp"}],
                      "volumesFrom": []}])
    td = aws_ecs_task_definition("guestbook-web", cd, network_mode="bridge", requires=("EC2",),
                                 known={"arn": td_arn, "id": "guestbook-web", "revision": 9}, legacy=True)
    for a in ("cpu", "memory"):
        td[a] = None
    svc_before = aws_ecs_service("guestbook-web", arn("ecs", reg, acct, "cluster/guestbook"), td_arn,
                                 [lb_block("web", 8000, elb_name="guestbook-web", target_group_arn="")],
                                 desired_count=2, launch_type="EC2",
                                 known={"iam_role": arn("iam", "", acct, "role/ecsServiceRole"),
                                        "id": arn("ecs", reg, acct, "service/guestbook-web"),
                                        "platform_version": ""}, legacy=True)
    svc_after = dict(svc_before, desired_count=4)
    p.variables = {"desired_count": 4, "enabled": True}
    p.add(
        Res("aws_elb", "web", elb, actions=["no-op"], before=elb),
        Res("aws_ecs_task_definition", "web", td, actions=["no-op"], before=td),
        Res("aws_ecs_service", "web", svc_after, key=0, actions=["update"], before=svc_before,
            depends_on=["aws_ecs_task_definition.web", "aws_elb.web"]),
    )
    m = p.root = Module(variables={"desired_count": {"default": 2}, "enabled": {"default": True}})
    L = dict(legacy=True)
    m.resource("aws_ecs_service", "web", {
        "cluster": C(arn("ecs", reg, acct, "cluster/guestbook")), "desired_count": R("var.desired_count", **L),
        "iam_role": C(arn("iam", "", acct, "role/ecsServiceRole")), "launch_type": C("EC2"),
        "load_balancer": [{"container_name": C("web"), "container_port": C(8000),
                           "elb_name": R("aws_elb.web.name", **L)}],
        "name": C("guestbook-web"), "task_definition": R("aws_ecs_task_definition.web.arn", **L)},
        count=R("var.enabled", **L))
    m.resource("aws_ecs_task_definition", "web", {
        "container_definitions": C(cd), "family": C("guestbook-web"), "network_mode": C("bridge"),
        "requires_compatibilities": C(["EC2"])})
    m.resource("aws_elb", "web", {
        "health_check": [{"healthy_threshold": C(2), "interval": C(30), "target": C("HTTP:8000/healthz"),
                          "timeout": C(5), "unhealthy_threshold": C(2)}],
        "idle_timeout": C(60),
        "listener": [{"instance_port": C(8000), "instance_protocol": C("http"), "lb_port": C(80),
                      "lb_protocol": C("http")}],
        "name": C("guestbook-web"), "subnets": C(subnets)})
    p.write("format-0.1")


def no_config():
    p = Plan(tf_version="1.4.6", format_version="1.1", provider_version="~> 4.67", region="us-west-1",
             timestamp=None)
    vpc = "vpc-0f9e8d7c6b5a43210"
    subnets = ["subnet-0c9d8e7f6a5b4c3d2", "subnet-0c9d8e7f6a5b4c3d3"]
    tg = aws_lb_target_group("reports-api", 8080, vpc, deregistration_delay=30,
                             hc=health_check({"path": "/ping", "interval": 10, "timeout": 10}))
    for a in ("load_balancing_anomaly_mitigation", "load_balancing_cross_zone_enabled", "target_health_state"):
        tg.pop(a)
    p.add(
        Res("aws_lb", "reports", aws_lb("reports", subnets, idle_timeout=120)),
        Res("aws_lb_target_group", "reports", tg),
        Res("aws_lb_listener", "http", aws_lb_listener(UNK, 80, "HTTP", [action(target_group_arn=UNK)])),
        Res("aws_ecs_task_definition", "reports", aws_ecs_task_definition("reports-api", jsonencode([{
            "name": "api", "image": "public.ecr.aws/acme/reports-api:3.0.1", "essential": True,
            "command": ["uvicorn", "reports.api:app", "--host", "0.0.0.0", "--port", "8080",
                        "--timeout-keep-alive", "130"],
            "portMappings": [{"containerPort": 8080}]}]), cpu=512, memory=1024)),
        Res("aws_ecs_service", "reports", aws_ecs_service(
            "reports-api", "arn:aws:ecs:us-west-1:667788990011:cluster/analytics", UNK,
            [lb_block("api", 8080, target_group_arn=UNK)], network=network(subnets))),
    )
    m = p.root
    m.resource("aws_lb", "reports", {"idle_timeout": C(120), "name": C("reports"), "subnets": C(subnets)})
    m.resource("aws_lb_target_group", "reports", {
        "deregistration_delay": C(30),
        "health_check": [{"interval": C(10), "path": C("/ping"), "timeout": C(10)}],
        "name": C("reports-api"), "port": C(8080), "protocol": C("HTTP"), "target_type": C("ip"),
        "vpc_id": C(vpc)})
    m.resource("aws_lb_listener", "http", {
        "default_action": [{"target_group_arn": R("aws_lb_target_group.reports.arn"), "type": C("forward")}],
        "load_balancer_arn": R("aws_lb.reports.arn"), "port": C(80), "protocol": C("HTTP")})
    m.resource("aws_ecs_task_definition", "reports", {
        "container_definitions": C(p.resources[3].after["container_definitions"]), "cpu": C(512),
        "family": C("reports-api"), "memory": C(1024), "network_mode": C("awsvpc"),
        "requires_compatibilities": C(["FARGATE"])})
    m.resource("aws_ecs_service", "reports", {
        "cluster": C("arn:aws:ecs:us-west-1:667788990011:cluster/analytics"), "desired_count": C(2),
        "launch_type": C("FARGATE"),
        "load_balancer": [{"container_name": C("api"), "container_port": C(8080),
                           "target_group_arn": R("aws_lb_target_group.reports.arn")}],
        "name": C("reports-api"), "network_configuration": [{"subnets": C(subnets)}],
        "task_definition": R("aws_ecs_task_definition.reports.arn")})
    p.write("no-config")


def unknown_and_sensitive():
    p = Plan(tf_version="1.5.7", format_version="1.2", provider_version="~> 5.40", region="eu-north-1",
             timestamp="2024-04-30T16:20:09Z")
    acct = "556677889900"
    vpc = "vpc-0123abcd4567ef890"
    subnets = ["subnet-0aaa1111bbbb2222c", "subnet-0aaa1111bbbb2222d"]
    p.variables = {"db_password": "correct-horse-battery-staple"}
    accounts_cd = Sens(jsonencode([{
        "command": ["gunicorn", "-k", "gevent", "-b", "0.0.0.0:8000", "accounts.wsgi"],
        "environment": [{"name": "DB_PASSWORD", "value": "correct-horse-battery-staple"}],
        "essential": True, "image": "%s.dkr.ecr.eu-north-1.amazonaws.com/accounts:1.0.4" % acct,
        "name": "accounts", "portMappings": [{"containerPort": 8000}]}]))
    p.add(
        Res("aws_lb", "main", aws_lb("members", subnets, idle_timeout=60)),
        Res("aws_lb_listener", "http", aws_lb_listener(UNK, 80, "HTTP", [action(
            "fixed-response", fixed=fixed_response("404"))])),
        Res("aws_ecr_repository", "media", {
            "arn": UNK, "encryption_configuration": [{"encryption_type": "AES256", "kms_key": UNK}],
            "force_delete": None, "id": UNK, "image_scanning_configuration": [{"scan_on_push": True}],
            "image_tag_mutability": "IMMUTABLE", "name": "media", "registry_id": UNK,
            "repository_url": UNK, "tags": None, "tags_all": {}, "timeouts": None}),
    )
    for name, prio, cd in (("accounts", 10, accounts_cd), ("media", 20, UNK)):
        p.add(
            Res("aws_lb_target_group", name, aws_lb_target_group(name, 8000, vpc)),
            Res("aws_lb_listener_rule", name, aws_lb_listener_rule(
                UNK, prio, [action(target_group_arn=UNK)], [condition(path=["/%s/*" % name])])),
            Res("aws_ecs_task_definition", name, aws_ecs_task_definition(name, cd, cpu=256, memory=512)),
            Res("aws_ecs_service", name, aws_ecs_service(
                name, "arn:aws:ecs:eu-north-1:%s:cluster/members" % acct, UNK,
                [lb_block(name, 8000, target_group_arn=UNK)], network=network(subnets))),
        )
    m = p.root = Module(variables={"db_password": {"sensitive": True}})
    m.resource("aws_lb", "main", {"idle_timeout": C(60), "name": C("members"), "subnets": C(subnets)})
    m.resource("aws_lb_listener", "http", {
        "default_action": [{"fixed_response": [{"content_type": C("text/plain"), "status_code": C("404")}],
                            "type": C("fixed-response")}],
        "load_balancer_arn": R("aws_lb.main.arn"), "port": C(80), "protocol": C("HTTP")})
    m.resource("aws_ecr_repository", "media", {
        "image_scanning_configuration": [{"scan_on_push": C(True)}], "image_tag_mutability": C("IMMUTABLE"),
        "name": C("media")})
    for name, prio, refs_ in (("accounts", 10, ("var.db_password",)),
                              ("media", 20, ("aws_ecr_repository.media.repository_url",))):
        m.resource("aws_lb_target_group", name, {"name": C(name), "port": C(8000), "protocol": C("HTTP"),
                                                 "target_type": C("ip"), "vpc_id": C(vpc)})
        m.resource("aws_lb_listener_rule", name, {
            "action": [{"target_group_arn": R("aws_lb_target_group.%s.arn" % name), "type": C("forward")}],
            "condition": [{"path_pattern": [{"values": C(["/%s/*" % name])}]}],
            "listener_arn": R("aws_lb_listener.http.arn"), "priority": C(prio)})
        m.resource("aws_ecs_task_definition", name, {
            "container_definitions": R(*refs_), "cpu": C(256), "family": C(name), "memory": C(512),
            "network_mode": C("awsvpc"), "requires_compatibilities": C(["FARGATE"])})
        m.resource("aws_ecs_service", name, {
            "cluster": C("arn:aws:ecs:eu-north-1:%s:cluster/members" % acct), "desired_count": C(2),
            "launch_type": C("FARGATE"),
            "load_balancer": [{"container_name": C(name), "container_port": C(8000),
                               "target_group_arn": R("aws_lb_target_group.%s.arn" % name)}],
            "name": C(name), "network_configuration": [{"subnets": C(subnets)}],
            "task_definition": R("aws_ecs_task_definition.%s.arn" % name)})
    p.write("unknown-and-sensitive")


def equivalence_shape_dynamic_blocks():
    """`dynamic` blocks are left out of the plan's configuration."""
    p = Plan(tf_version="1.5.7", format_version="1.2", provider_version=None,
             timestamp="2024-02-07T11:30:41Z")
    p.provider_expressions = None
    vpc = "vpc-0c1d2e3f4a5b6c7d8"
    subnets = ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"]
    endpoints = {"web": {"port": 8000, "container": "web", "path": "/*"},
                 "admin": {"port": 9000, "container": "admin", "path": "/admin/*"}}
    p.variables = {"vpc_id": vpc, "subnet_ids": subnets, "endpoints": endpoints}
    p.add(
        Res("aws_lb", "this", aws_lb("billing", subnets, idle_timeout=60)),
        Res("aws_lb_listener", "http", aws_lb_listener(UNK, 80, "HTTP", [action(
            "fixed-response", fixed=fixed_response("404", body="not found"))])),
        Res("aws_ecs_task_definition", "billing", aws_ecs_task_definition("billing", jsonencode([
            {"name": "web", "image": "123456789012.dkr.ecr.eu-central-1.amazonaws.com/billing:3.2.0",
             "command": ["gunicorn", "--worker-class", "gevent", "--bind", "0.0.0.0:8000", "billing.wsgi"],
             "portMappings": [{"containerPort": 8000}]},
            {"name": "admin", "image": "123456789012.dkr.ecr.eu-central-1.amazonaws.com/billing-admin:3.2.0",
             "command": ["uvicorn", "admin.main:app", "--host", "0.0.0.0", "--port", "9000",
                         "--timeout-keep-alive", "75"],
             "portMappings": [{"containerPort": 9000}]}]), cpu=512, memory=1024)),
        # A set: the provider's order, not the configuration's.
        Res("aws_ecs_service", "billing", aws_ecs_service(
            "billing", "arn:aws:ecs:eu-central-1:123456789012:cluster/main", UNK,
            [lb_block("admin", 9000, target_group_arn=UNK), lb_block("web", 8000, target_group_arn=UNK)],
            network=network(subnets))),
    )
    for k, e in endpoints.items():
        rule = aws_lb_listener_rule(UNK, UNK, [action(target_group_arn=UNK)], [condition(path=[e["path"]])])
        p.add(
            Res("aws_lb_target_group", "this", aws_lb_target_group("billing-" + k, e["port"], vpc), key=k),
            Res("aws_lb_listener_rule", "this", rule, key=k),
        )
    p.root = Module(variables={
        "vpc_id": {"default": vpc}, "subnet_ids": {"default": subnets},
        "endpoints": {"default": endpoints,
                      "description": None}})
    del p.root.variables["endpoints"]["description"]
    m = p.root
    fe = R("var.endpoints")
    m.resource("aws_lb", "this", {"idle_timeout": C(60), "load_balancer_type": C("application"),
                                  "name": C("billing"), "subnets": R("var.subnet_ids")})
    m.resource("aws_lb_listener", "http", {
        "default_action": [{"fixed_response": [{"content_type": C("text/plain"), "message_body": C("not found"),
                                                "status_code": C("404")}], "type": C("fixed-response")}],
        "load_balancer_arn": R("aws_lb.this.arn"), "port": C(80), "protocol": C("HTTP")})
    m.resource("aws_lb_target_group", "this", {
        "name": R("each.key"), "port": R("each.value.port"), "protocol": C("HTTP"), "target_type": C("ip"),
        "vpc_id": R("var.vpc_id")}, for_each=fe)
    # No "action": it is a dynamic block.
    m.resource("aws_lb_listener_rule", "this", {
        "condition": [{"path_pattern": [{"values": R("each.value.path")}]}],
        "listener_arn": R("aws_lb_listener.http.arn")}, for_each=fe)
    m.resource("aws_ecs_task_definition", "billing", {
        "container_definitions": C(p.resources[2].after["container_definitions"]), "cpu": C(512),
        "family": C("billing"), "memory": C(1024), "network_mode": C("awsvpc"),
        "requires_compatibilities": C(["FARGATE"])})
    # No "load_balancer": it is a dynamic block.
    m.resource("aws_ecs_service", "billing", {
        "cluster": C("arn:aws:ecs:eu-central-1:123456789012:cluster/main"), "desired_count": C(2),
        "launch_type": C("FARGATE"), "name": C("billing"),
        "network_configuration": [{"subnets": R("var.subnet_ids")}],
        "task_definition": R("aws_ecs_task_definition.billing.arn")})
    p.write("equivalence-shape-dynamic-blocks")


if __name__ == "__main__":
    for f in (equivalence_example_gunicorn_alb, equivalence_seed_dereg_30_idle_120, equivalence_shape_count,
              equivalence_shape_for_each, equivalence_modules_two_instances, equivalence_modules_for_each,
              new_stack, update_existing, modules_nested, deleted_service, format_0_1, no_config,
              unknown_and_sensitive, equivalence_shape_dynamic_blocks):
        f()
