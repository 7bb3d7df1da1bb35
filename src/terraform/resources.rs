//! Terraform resources into the model: one reader per resource type. Readers
//! only read evaluated values; AWS defaults are applied here, with their names.

use super::eval::{Evaluator, Scope};
use super::syntax::BodyRef;
use super::value::{Kind, Val};
use crate::model::*;
use crate::source::Location;

/// One instance of a resource (`aws_ecs_service.web[0]`) with its scope.
pub struct Instance<'e, 'a> {
    pub ev: &'e Evaluator<'a>,
    pub id: ResourceId,
    pub body: BodyRef<'a>,
    pub scope: Scope,
    pub at: Location,
}

impl Instance<'_, '_> {
    fn attr(&self, name: &str) -> Option<Val> {
        self.ev.eval_attr(self.body, name, &self.scope)
    }

    fn attr_in(&self, body: BodyRef<'_>, name: &str) -> Option<Val> {
        self.ev.eval_attr(body, name, &self.scope)
    }

    fn attr_location(&self, body: BodyRef<'_>, name: &str) -> Option<Location> {
        body.attr(name).and_then(|e| e.location())
    }

    /// A number of seconds, or the named default when not set.
    fn seconds(
        &self,
        body: BodyRef<'_>,
        name: &str,
        default: Option<(f64, &str)>,
    ) -> Setting<Seconds> {
        let v = self.attr_in(body, name);
        to_seconds(v, self.attr_location(body, name), name, default, &self.at)
    }

    fn known_string(&self, name: &str) -> Option<String> {
        self.attr(name)
            .and_then(|v| v.as_known_str().map(str::to_string))
    }
}

pub fn to_seconds(
    v: Option<Val>,
    attr_at: Option<Location>,
    name: &str,
    default: Option<(f64, &str)>,
    resource_at: &Location,
) -> Setting<Seconds> {
    match v {
        None
        | Some(Val {
            kind: Kind::Null, ..
        }) => match default {
            Some((d, source)) => Setting::default(d, source, Some(resource_at.clone())),
            None => Setting::unresolved(format!("{name} is not set"), Some(resource_at.clone())),
        },
        Some(v) => {
            let at = v.at.clone().or(attr_at.clone());
            match v.to_number() {
                Ok(n) => Setting::explicit(n, at.unwrap_or_else(|| resource_at.clone())),
                Err(h) => unresolved_from(&h, name, attr_at.or(Some(resource_at.clone()))),
            }
        }
    }
}

pub fn unresolved_from<T>(h: &Val, name: &str, fallback: Option<Location>) -> Setting<T> {
    match &h.kind {
        Kind::Unknown(hole) => Setting::unresolved(
            format!("{name}: {}", hole.reason),
            hole.at.clone().or(fallback),
        ),
        _ => Setting::unresolved(format!("{name} has an unexpected value"), fallback),
    }
}

/// What a link attribute points at.
pub fn to_link(v: Option<Val>, attr_at: Option<Location>, name: &str) -> Link {
    let at = attr_at.clone();
    let target = match v {
        None => Err(Unresolved::new(format!("{name} is not set"), at.clone())),
        Some(v) => match &v.kind {
            Kind::Unknown(h) => match &h.reference {
                Some(r) => Ok(Reference::Resource {
                    address: r.address.clone(),
                    attribute: r.attribute.clone(),
                }),
                None => Err(Unresolved::new(
                    format!("{name}: {}", h.reason),
                    h.at.clone().or(at.clone()),
                )),
            },
            Kind::Str(t) if !t.has_holes() => Ok(Reference::Literal(t.s.clone())),
            // "${aws_ecs_task_definition.app.family}:${...revision}"
            Kind::Str(t) => match t.holes.iter().find_map(|h| h.reference.clone()) {
                Some(r) => Ok(Reference::Resource {
                    address: r.address,
                    attribute: r.attribute,
                }),
                None => Err(Unresolved::new(
                    format!("{name}: {}", t.holes[0].reason),
                    at.clone(),
                )),
            },
            _ => Err(Unresolved::new(
                format!("{name} is not a string"),
                at.clone(),
            )),
        },
    };
    Link { target, at }
}

pub fn load_balancer(i: &Instance<'_, '_>, classic: bool) -> LoadBalancer {
    let b = i.body;
    let kind = if classic {
        Setting::explicit(LbKind::Classic, i.at.clone())
    } else {
        match i.attr("load_balancer_type") {
            None
            | Some(Val {
                kind: Kind::Null, ..
            }) => Setting::default(
                LbKind::Application,
                "AWS default for load_balancer_type",
                Some(i.at.clone()),
            ),
            Some(v) => match v.as_known_str() {
                Some("application") => {
                    Setting::explicit(LbKind::Application, v.at.clone().unwrap_or(i.at.clone()))
                }
                Some("network") => {
                    Setting::explicit(LbKind::Network, v.at.clone().unwrap_or(i.at.clone()))
                }
                Some("gateway") => {
                    Setting::explicit(LbKind::Gateway, v.at.clone().unwrap_or(i.at.clone()))
                }
                Some(other) => Setting::unresolved(
                    format!("load_balancer_type \"{other}\" is not a known type"),
                    v.at.clone(),
                ),
                None => unresolved_from(
                    &v,
                    "load_balancer_type",
                    i.attr_location(b, "load_balancer_type"),
                ),
            },
        }
    };
    let idle_default = match kind.value() {
        Some(LbKind::Classic) => (60.0, "AWS default for Classic ELB idle_timeout"),
        // NLBs have no idle_timeout attribute; their TCP idle timeout is a
        // listener setting (350 s unless changed).
        Some(LbKind::Network) => (350.0, "AWS default for NLB TCP idle timeout"),
        Some(LbKind::Gateway) => (350.0, "AWS default for Gateway Load Balancer idle timeout"),
        _ => (60.0, "AWS default for ALB idle_timeout"),
    };
    let (draining, draining_timeout) = if classic {
        let on = match i.attr("connection_draining") {
            None
            | Some(Val {
                kind: Kind::Null, ..
            }) => Setting::default(
                false,
                "AWS default for connection_draining",
                Some(i.at.clone()),
            ),
            Some(v) => match v.to_bool() {
                Ok(x) => Setting::explicit(x, v.at.clone().unwrap_or(i.at.clone())),
                Err(h) => unresolved_from(
                    &h,
                    "connection_draining",
                    i.attr_location(b, "connection_draining"),
                ),
            },
        };
        (
            Some(on),
            Some(i.seconds(
                b,
                "connection_draining_timeout",
                Some((300.0, "AWS default for connection_draining_timeout")),
            )),
        )
    } else {
        (None, None)
    };
    LoadBalancer {
        id: i.id.clone(),
        kind,
        name: i.known_string("name"),
        idle_timeout: i.seconds(b, "idle_timeout", Some(idle_default)),
        connection_draining: draining,
        connection_draining_timeout: draining_timeout,
        at: i.at.clone(),
    }
}

/// Target groups an action forwards to: `target_group_arn` or weighted
/// `forward { target_group { arn } }` blocks.
fn forward_targets(i: &Instance<'_, '_>, action: BodyRef<'_>) -> Vec<Link> {
    let mut out = Vec::new();
    if action.attr("target_group_arn").is_some() {
        out.push(to_link(
            i.attr_in(action, "target_group_arn"),
            i.attr_location(action, "target_group_arn"),
            "target_group_arn",
        ));
    }
    for fwd in action.blocks("forward") {
        for tg in fwd.blocks("target_group") {
            out.push(to_link(
                i.attr_in(tg, "arn"),
                i.attr_location(tg, "arn"),
                "forward target_group arn",
            ));
        }
    }
    out
}

pub fn listener(i: &Instance<'_, '_>) -> Listener {
    Listener {
        id: i.id.clone(),
        load_balancer: to_link(
            i.attr("load_balancer_arn"),
            i.attr_location(i.body, "load_balancer_arn"),
            "load_balancer_arn",
        ),
        target_groups: i
            .body
            .blocks("default_action")
            .into_iter()
            .flat_map(|a| forward_targets(i, a))
            .collect(),
        at: i.at.clone(),
    }
}

pub fn listener_rule(i: &Instance<'_, '_>) -> ListenerRule {
    ListenerRule {
        id: i.id.clone(),
        listener: to_link(
            i.attr("listener_arn"),
            i.attr_location(i.body, "listener_arn"),
            "listener_arn",
        ),
        target_groups: i
            .body
            .blocks("action")
            .into_iter()
            .flat_map(|a| forward_targets(i, a))
            .collect(),
        at: i.at.clone(),
    }
}

pub fn target_group(i: &Instance<'_, '_>) -> TargetGroup {
    let hc = i.body.blocks("health_check").into_iter().next();
    let (interval, timeout) = match hc {
        Some(hc) => (
            i.seconds(
                hc,
                "interval",
                Some((30.0, "AWS default for health check interval")),
            ),
            i.seconds(
                hc,
                "timeout",
                Some((5.0, "AWS default for health check timeout")),
            ),
        ),
        None => (
            Setting::default(
                30.0,
                "AWS default for health check interval",
                Some(i.at.clone()),
            ),
            Setting::default(
                5.0,
                "AWS default for health check timeout",
                Some(i.at.clone()),
            ),
        ),
    };
    TargetGroup {
        id: i.id.clone(),
        name: i.known_string("name"),
        deregistration_delay: i.seconds(
            i.body,
            "deregistration_delay",
            Some((300.0, "AWS default for deregistration_delay")),
        ),
        health_check_interval: interval,
        health_check_timeout: timeout,
        at: i.at.clone(),
    }
}

pub fn service(i: &Instance<'_, '_>) -> Service {
    let attachments = i
        .body
        .blocks("load_balancer")
        .into_iter()
        .map(|lb| {
            let at = lb
                .attr("target_group_arn")
                .or(lb.attr("elb_name"))
                .or(lb.attr("container_name"))
                .and_then(|e| e.location())
                .unwrap_or_else(|| i.at.clone());
            let target = if lb.attr("elb_name").is_some() && lb.attr("target_group_arn").is_none() {
                AttachmentTarget::ClassicElb(to_link(
                    i.attr_in(lb, "elb_name"),
                    i.attr_location(lb, "elb_name"),
                    "elb_name",
                ))
            } else {
                AttachmentTarget::TargetGroup(to_link(
                    i.attr_in(lb, "target_group_arn"),
                    i.attr_location(lb, "target_group_arn"),
                    "target_group_arn",
                ))
            };
            let container_name = match i.attr_in(lb, "container_name") {
                None => Setting::unresolved("container_name is not set", Some(at.clone())),
                Some(v) => match v.as_known_str() {
                    Some(s) => Setting::explicit(s.to_string(), v.at.clone().unwrap_or(at.clone())),
                    None => {
                        unresolved_from(&v, "container_name", i.attr_location(lb, "container_name"))
                    }
                },
            };
            let container_port = i.attr_in(lb, "container_port").map(|v| {
                to_seconds(
                    Some(v),
                    i.attr_location(lb, "container_port"),
                    "container_port",
                    None,
                    &at,
                )
            });
            Attachment {
                target,
                container_name,
                container_port,
                at,
            }
        })
        .collect();
    Service {
        id: i.id.clone(),
        task_definition: to_link(
            i.attr("task_definition"),
            i.attr_location(i.body, "task_definition"),
            "task_definition",
        ),
        attachments,
        at: i.at.clone(),
    }
}

pub fn task_definition(i: &Instance<'_, '_>) -> TaskDefinition {
    let attr_at = i.attr_location(i.body, "container_definitions");
    let containers = match i.attr("container_definitions") {
        None => Err(Unresolved::new(
            "container_definitions is not set",
            Some(i.at.clone()),
        )),
        Some(v) => super::containers::read(&v, attr_at.unwrap_or_else(|| i.at.clone())),
    };
    TaskDefinition {
        id: i.id.clone(),
        family: i.known_string("family"),
        containers,
        at: i.at.clone(),
    }
}
