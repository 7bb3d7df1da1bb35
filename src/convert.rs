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
        Kind::Str(t) => t.holes.first(),
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
            Kind::Str(t) => match t.holes.iter().find_map(|h| h.reference.clone()) {
                Some(r) => Ok(Reference::Resource {
                    address: r.address,
                    attribute: r.attribute,
                    scope: r.scope,
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
