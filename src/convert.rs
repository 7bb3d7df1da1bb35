//! From evaluated values to model settings and links, for every loader.

use crate::model::*;
use crate::source::Location;
use crate::value::{Kind, Val};

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
    Setting::Unresolved(unresolved_reason(h, name, fallback))
}

/// Why `v` (an unknown value, or a string with unknown parts) cannot be
/// used as `name`: the reason of its first unknown part, where it is written.
pub fn unresolved_reason(v: &Val, name: &str, fallback: Option<Location>) -> Unresolved {
    let hole = match &v.kind {
        Kind::Unknown(hole) => Some(hole),
        Kind::Str(t) => t.first_hole(),
        _ => None,
    };
    match hole {
        Some(hole) => Unresolved::new(
            format!("{name}: {}", hole.reason),
            hole.at.clone().or(v.at.clone()).or(fallback),
        ),
        None => Unresolved::new(
            format!("{name} has an unexpected value"),
            v.at.clone().or(fallback),
        ),
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
                    scope: r.scope.clone(),
                }),
                None => Err(Unresolved::new(
                    format!("{name}: {}", h.reason),
                    h.at.clone().or(at.clone()),
                )),
            },
            Kind::Str(t) if !t.has_holes() => Ok(Reference::Literal(t.s.clone())),
            // "${aws_ecs_task_definition.app.family}:${...revision}"
            Kind::Str(t) => match t.own_holes().find_map(|h| h.reference.clone()) {
                Some(r) => Ok(Reference::Resource {
                    address: r.address,
                    attribute: r.attribute,
                    scope: r.scope,
                }),
                None => Err(Unresolved::new(
                    format!(
                        "{name}: {}",
                        t.first_hole()
                            .map(|h| h.reason.as_str())
                            .unwrap_or("unknown")
                    ),
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

/// The load balancer type (`application`, `network`, `gateway`), written as
/// `name`, or AWS's default (application).
pub fn lb_kind(
    v: Option<Val>,
    name: &str,
    attr_at: Option<Location>,
    resource_at: &Location,
) -> Setting<LbKind> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Setting::default(
            LbKind::Application,
            format!("AWS default for {name} (application)"),
            Some(resource_at.clone()),
        );
    };
    let at = v.at.clone().unwrap_or(resource_at.clone());
    match v.as_known_str() {
        Some("application") => Setting::explicit(LbKind::Application, at),
        Some("network") => Setting::explicit(LbKind::Network, at),
        Some("gateway") => Setting::explicit(LbKind::Gateway, at),
        Some(other) => Setting::unresolved(
            format!("{name} \"{other}\" is not a known load balancer type"),
            v.at.clone(),
        ),
        None => unresolved_from(&v, name, attr_at),
    }
}

/// A Classic ELB listener's back-end protocol as "reuses connections":
/// HTTP and HTTPS do, TCP and SSL do not (any case, as AWS accepts).
pub fn classic_http(v: Option<Val>, name: &str, fallback: &Location) -> Setting<bool> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Setting::unresolved(format!("{name} is not set"), Some(fallback.clone()));
    };
    let at = v.at.clone().unwrap_or(fallback.clone());
    match v.as_known_str().map(str::to_ascii_lowercase).as_deref() {
        Some("http" | "https") => Setting::explicit(true, at),
        Some("tcp" | "ssl") => Setting::explicit(false, at),
        Some(other) => Setting::unresolved(
            format!("{name} \"{other}\" is not a Classic ELB protocol (HTTP, HTTPS, TCP, SSL)"),
            Some(at),
        ),
        None => unresolved_from(&v, name, Some(at)),
    }
}

/// A target group's family from its protocol and target type (each `None`
/// when not set). Terraform requires a protocol except for lambda targets,
/// so an unset one is read as HTTP.
pub fn tg_family(
    protocol: Option<&Val>,
    target_type: Option<&Val>,
    fallback: &Location,
) -> Setting<TgFamily> {
    let text = |v: Option<&Val>, name: &str| -> Result<Option<String>, Unresolved> {
        match v.filter(|v| !v.is_null()) {
            None => Ok(None),
            Some(v) => match v.as_known_str() {
                Some(s) => Ok(Some(s.to_ascii_uppercase())),
                None => Err(unresolved_reason(v, name, Some(fallback.clone()))),
            },
        }
    };
    let at = |v: Option<&Val>| v.and_then(|v| v.at.clone()).unwrap_or(fallback.clone());
    match text(target_type, "target_type") {
        Ok(Some(t)) if t == "LAMBDA" => {
            return Setting::explicit(TgFamily::Lambda, at(target_type));
        }
        Ok(_) => {}
        Err(u) => return Setting::Unresolved(u),
    }
    match text(protocol, "protocol") {
        Ok(None) => Setting::default(
            TgFamily::Application,
            "no protocol: HTTP",
            Some(fallback.clone()),
        ),
        Ok(Some(p)) => match p.as_str() {
            "HTTP" | "HTTPS" => Setting::explicit(TgFamily::Application, at(protocol)),
            "TCP" | "TLS" | "UDP" | "TCP_UDP" => Setting::explicit(TgFamily::Network, at(protocol)),
            "GENEVE" => Setting::explicit(TgFamily::Gateway, at(protocol)),
            other => Setting::unresolved(
                format!("target group protocol \"{other}\" is not one keepalign knows"),
                Some(at(protocol)),
            ),
        },
        Err(u) => Setting::Unresolved(u),
    }
}

/// AWS's health check defaults for a target group: interval, timeout, and
/// what they depend on (empty for an ALB's, the common case), to follow
/// the setting's name in the default's source. The timeout of a Network
/// Load Balancer's target group depends on the health check protocol: 6 s
/// for HTTP, 10 s for TCP and HTTPS (NLB guide; ELBv2 `CreateTargetGroup`).
/// `hc_protocol` is the health check protocol as configured, else the
/// tool's default (Terraform: HTTP; CloudFormation: TCP on an NLB).
pub fn health_check_defaults(family: TgFamily, hc_protocol: &str) -> (f64, f64, &'static str) {
    match family {
        TgFamily::Lambda => (35.0, 30.0, " of a lambda target group"),
        TgFamily::Gateway => (10.0, 5.0, " of a GENEVE target group"),
        TgFamily::Network if hc_protocol.eq_ignore_ascii_case("HTTP") => (
            30.0,
            6.0,
            " of an NLB target group with an HTTP health check",
        ),
        TgFamily::Network => (
            30.0,
            10.0,
            " of an NLB target group with a TCP or HTTPS health check",
        ),
        TgFamily::Application => (30.0, 5.0, ""),
    }
}

/// A Terraform `tags` map: each key with its value when known. A map that
/// is unknown as a whole has no keys keepalign can name.
pub fn tags(v: &Val) -> std::collections::BTreeMap<String, Option<String>> {
    match &v.kind {
        Kind::Map(m) => m
            .iter()
            .map(|(k, v)| (k.clone(), v.as_known_str().map(str::to_string)))
            .collect(),
        _ => Default::default(),
    }
}

/// A DNS name as compared: lower case, without the root's trailing dot.
pub fn dns_name(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}
