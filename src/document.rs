//! The service document: every chain as plain data, each value with where
//! it came from. `keepalign services --format json` prints it, the JSON
//! report embeds it, and policies are evaluated against it
//! (`docs/service-document.schema.json` is its schema, version 1).
//!
//! Every key is present on every service; a value that does not apply is
//! `null` (a Classic ELB's draining on an ALB), and a part of the chain that
//! is unknown keeps its shape with each setting unresolved for that reason,
//! so a policy needs no guard for a missing key. What a policy cannot
//! compute (Guard has no arithmetic) is precomputed: the margins between
//! values, the launch type, whether the load balancer is internet-facing.
//!
//! For policies, the document is built without `location` values and with
//! only the keys their queries can reach ([`Wanted`]), and [`Places`]
//! records the source location of each value by JSON pointer instead, so
//! that a policy clause failing on `/services/3/server/keep_alive/value`
//! points at the line that set it.

use crate::finding::Related;
use crate::linker::Chain;
use crate::model::{LaunchType, LoadBalancer, Provenance, Setting, Unresolved, fmt_secs};
use crate::report::json::location_json;
use crate::servers::KeepAlive;
use crate::source::Location;
use serde_json::{Map, Value, json};
use std::borrow::Cow;

/// The document's version: its keys keep their meaning within it.
pub const VERSION: u64 = 1;

/// Where a value of the document came from, and the values it was
/// computed from.
#[derive(Clone, Debug)]
pub struct Place {
    pub at: Location,
    pub related: Vec<Related>,
}

/// Places by service, then by pointer within the service
/// (`/load_balancer/idle_timeout`, empty for the service itself). A
/// service records a few dozen, and only failures look them up.
#[derive(Debug, Default)]
pub struct Places(Vec<Vec<(Cow<'static, str>, Place)>>);

impl Places {
    /// The places of a document's next services, recorded from index 0.
    pub fn append(&mut self, mut next: Places) {
        self.0.append(&mut next.0);
    }

    /// The place of `pointer` (`/services/0/load_balancer/idle_timeout`),
    /// or of the nearest value that holds it.
    pub fn find(&self, pointer: &str) -> Option<&Place> {
        let (index, mut p) = in_service(pointer)?;
        let service = self.0.get(index)?;
        loop {
            if let Some((_, place)) = service.iter().rev().find(|(k, _)| k == p) {
                return Some(place);
            }
            p = &p[..p.rfind('/')?];
        }
    }
}

/// A pointer into the document's services as the service's index and the
/// pointer within it: `/services/3/server/keep_alive` is
/// `(3, "/server/keep_alive")`, `/services/3` is `(3, "")`.
pub fn in_service(pointer: &str) -> Option<(usize, &str)> {
    let rest = pointer.strip_prefix("/services/")?;
    let (index, inner) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    Some((index.parse().ok()?, inner))
}

/// The keys a reader of the document can reach: the document is built
/// with only these (and the first key of each object, so that no object
/// reads as empty). Policies cannot see what they do not name, and Guard
/// pays for every value it steps through.
pub struct Wanted<'a> {
    test: &'a dyn Fn(&str) -> bool,
    seen: fnv::FnvHashMap<&'static str, bool>,
}

impl<'a> Wanted<'a> {
    pub fn new(test: &'a dyn Fn(&str) -> bool) -> Self {
        Wanted {
            test,
            seen: fnv::FnvHashMap::default(),
        }
    }

    fn wants(&mut self, key: &'static str) -> bool {
        let test = self.test;
        *self.seen.entry(key).or_insert_with(|| test(key))
    }
}

/// Records places under one service's pointer.
struct Recorder<'p, 'w> {
    places: Option<&'p mut Places>,
    index: usize,
    /// Whether `location` values are written (policies do without them).
    locations: bool,
    /// The keys written, when not all are.
    wanted: Option<&'p mut Wanted<'w>>,
}

/// An object of the document, each entry computed only when its key is
/// wanted; the first entry always is, so that an object is never empty.
macro_rules! object {
    ($rec:expr, { $first:literal : $first_value:expr $(, $key:literal : $value:expr)* $(,)? }) => {{
        let mut m = Map::new();
        m.insert($first.to_string(), IntoJson::into_json($first_value));
        $(
            if $rec.wants($key) {
                m.insert($key.to_string(), IntoJson::into_json($value));
            }
        )*
        Value::Object(m)
    }};
}

/// A value of the document, moved in: `json!` would serialise a `Value`
/// again into a copy, and nested objects were copied once per level.
trait IntoJson {
    fn into_json(self) -> Value;
}

impl IntoJson for Value {
    fn into_json(self) -> Value {
        self
    }
}

impl IntoJson for &str {
    fn into_json(self) -> Value {
        Value::String(self.to_string())
    }
}

impl IntoJson for &String {
    fn into_json(self) -> Value {
        Value::String(self.clone())
    }
}

impl<T: IntoJson> IntoJson for Option<T> {
    fn into_json(self) -> Value {
        self.map_or(Value::Null, IntoJson::into_json)
    }
}

impl IntoJson for &Option<String> {
    fn into_json(self) -> Value {
        self.as_ref().into_json()
    }
}

impl IntoJson for String {
    fn into_json(self) -> Value {
        Value::String(self)
    }
}

impl IntoJson for Map<String, Value> {
    fn into_json(self) -> Value {
        Value::Object(self)
    }
}

impl Recorder<'_, '_> {
    fn wants(&mut self, key: &'static str) -> bool {
        self.wanted.as_deref_mut().is_none_or(|w| w.wants(key))
    }

    fn loc(&self, at: &Location) -> Value {
        if self.locations {
            location_json(at)
        } else {
            Value::Null
        }
    }

    fn loc_of(&self, at: Option<&Location>) -> Value {
        at.map_or(Value::Null, |at| self.loc(at))
    }

    fn put(
        &mut self,
        path: impl Into<Cow<'static, str>>,
        at: Option<&Location>,
        related: Vec<Related>,
    ) {
        if let (Some(places), Some(at)) = (self.places.as_deref_mut(), at) {
            if places.0.len() <= self.index {
                places.0.resize_with(self.index + 1, Vec::new);
            }
            places.0[self.index].push((
                path.into(),
                Place {
                    at: at.clone(),
                    related,
                },
            ));
        }
    }
}

/// Whole seconds as integers (`60`, not `60.0`), as users wrote them.
fn plain_number(v: Value) -> Value {
    match v.as_f64() {
        Some(f) if v.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => json!(f as i64),
        _ => v,
    }
}

fn number(f: f64) -> Value {
    plain_number(json!(f))
}

/// A setting: `value`, `source` (`explicit`, `default`, `declared`,
/// `unresolved`), `default` (what the default is, for a default),
/// `reason` (why it is unknown) and `location`.
fn setting<T: serde::Serialize>(
    rec: &mut Recorder<'_, '_>,
    path: impl Into<Cow<'static, str>>,
    s: &Setting<T>,
) -> Value {
    let value = |v: &T| plain_number(serde_json::to_value(v).unwrap_or(Value::Null));
    let (v, source, default, reason, at) = match s {
        Setting::Known {
            value: v,
            provenance: Provenance::Explicit(at),
        } => (value(v), "explicit", None, None, Some(at)),
        Setting::Known {
            value: v,
            provenance: Provenance::Default { source, applies_at },
        } => (
            value(v),
            "default",
            Some(source.as_str()),
            None,
            applies_at.as_ref(),
        ),
        Setting::Known {
            value: v,
            provenance: Provenance::Declared(at),
        } => (value(v), "declared", None, None, Some(at)),
        Setting::Unresolved(u) => (
            Value::Null,
            "unresolved",
            None,
            Some(u.reason.as_str()),
            u.at.as_ref(),
        ),
    };
    rec.put(path, at, Vec::new());
    object!(rec, {
        "value": v,
        "source": source,
        "default": default,
        "reason": reason,
        "location": rec.loc_of(at),
    })
}

fn unresolved<T: serde::Serialize>(
    rec: &mut Recorder<'_, '_>,
    path: String,
    u: &Unresolved,
) -> Value {
    setting::<T>(rec, path, &Setting::Unresolved(u.clone()))
}

/// A part of the chain keepalign could not find: its keys, each setting
/// unresolved for the same reason.
fn unknown_part(
    rec: &mut Recorder<'_, '_>,
    path: &'static str,
    u: &Unresolved,
    settings: &[&'static str],
    others: &[&'static str],
) -> Value {
    let mut m = Map::new();
    for key in others {
        m.insert((*key).to_string(), Value::Null);
    }
    for key in settings {
        if m.is_empty() || rec.wants(key) {
            m.insert(
                (*key).to_string(),
                unresolved::<()>(rec, format!("{path}/{key}"), u),
            );
        }
    }
    rec.put(path, u.at.as_ref(), Vec::new());
    m.insert("location".into(), rec.loc_of(u.at.as_ref()));
    m.insert("source".into(), json!("unresolved"));
    m.insert("reason".into(), json!(u.reason));
    Value::Object(m)
}

fn optional<T: serde::Serialize>(
    rec: &mut Recorder<'_, '_>,
    path: impl Into<Cow<'static, str>>,
    s: Option<&Setting<T>>,
) -> Value {
    s.map_or(Value::Null, |s| setting(rec, path, s))
}

const LB_SETTINGS: &[&str] = &[
    "type",
    "idle_timeout",
    "connection_draining",
    "connection_draining_timeout",
    "client_keep_alive",
    "internal",
];
const TG_SETTINGS: &[&str] = &[
    "deregistration_delay",
    "health_check_interval",
    "health_check_timeout",
];
const SERVER_SETTINGS: &[&str] = &["keep_alive", "graceful_timeout", "request_timeout"];

fn launch_name(t: LaunchType) -> &'static str {
    match t {
        LaunchType::Fargate => "FARGATE",
        LaunchType::Ec2 => "EC2",
        LaunchType::External => "EXTERNAL",
    }
}

/// A value with its location, for a margin's related locations.
fn related(s: &Setting<f64>, label: &str) -> Option<Related> {
    Some(Related {
        location: s.location()?.clone(),
        message: format!("{label} {} s", fmt_secs(*s.value()?)),
    })
}

/// `a - b` when both are known, placed at `a` with `b` related.
fn margin(
    rec: &mut Recorder<'_, '_>,
    path: &'static str,
    a: Option<&Setting<f64>>,
    b: Option<(&Setting<f64>, &str)>,
) -> Value {
    let (Some(a), Some((b, label))) = (a, b) else {
        return Value::Null;
    };
    let (Some(x), Some(y)) = (a.value(), b.value()) else {
        return Value::Null;
    };
    rec.put(path, a.location(), related(b, label).into_iter().collect());
    number(x - y)
}

/// One chain as the document's service object.
pub fn service(c: &Chain<'_>) -> Value {
    let mut rec = Recorder {
        places: None,
        index: 0,
        locations: true,
        wanted: None,
    };
    service_with(c, &mut rec)
}

/// The service object for policies, as the document's service `index`:
/// without `location` values (a failing value's place is found in
/// `places`, where this records them) and with the keys in `wanted`.
pub fn policy_service(
    c: &Chain<'_>,
    places: &mut Places,
    index: usize,
    wanted: Option<&mut Wanted<'_>>,
) -> Value {
    // One entry per service, whether or not it records a place, so that
    // the places of consecutive parts of a document can be appended.
    if places.0.len() <= index {
        places.0.resize_with(index + 1, Vec::new);
    }
    let mut rec = Recorder {
        places: Some(places),
        index,
        locations: false,
        wanted,
    };
    service_with(c, &mut rec)
}

fn service_with(c: &Chain<'_>, rec: &mut Recorder<'_, '_>) -> Value {
    rec.put("", Some(&c.service.at), Vec::new());
    let lb_ok = c.load_balancer.as_ref().ok();
    let idle = lb_ok.map(|lb| (&lb.idle_timeout, "load balancer idle timeout"));
    let keep_alive = match &c.server {
        Ok(s) => match &s.keep_alive {
            KeepAlive::Timeout(t) => Some(t),
            KeepAlive::ClosesEveryConnection { .. } | KeepAlive::NoLimit { .. } => None,
        },
        Err(_) => None,
    };
    // What drains connections: the target group's deregistration delay,
    // or a Classic ELB's connection draining when it is on.
    let drain = match (&c.target_group, lb_ok) {
        (Some(Ok(tg)), _) => Some(&tg.deregistration_delay),
        (None, Some(lb))
            if lb.connection_draining.as_ref().and_then(|d| d.value()) == Some(&true) =>
        {
            lb.connection_draining_timeout.as_ref()
        }
        _ => None,
    };
    let graceful = c
        .server
        .as_ref()
        .ok()
        .and_then(|s| s.graceful_timeout.as_ref())
        .map(|g| (g, "server graceful timeout"));
    object!(rec, {
        "service": &c.service.id.address,
        "scope": &*c.service.id.scope,
        "location": rec.loc(&c.service.at),
        "launch_type": launch_type(rec, c),
        "public": public(rec, lb_ok.copied()),
        "tags": c
            .service
            .tags
            .iter()
            .map(|(k, v)| (k.clone(), v.as_ref().map_or(Value::Null, |v| json!(v))))
            .collect::<Map<String, Value>>(),
        "load_balancer": load_balancer(rec, c),
        "listener": c.listener.map(|l| l.id.address.clone()),
        "listener_rule": c.listener_rule.map(|r| r.id.address.clone()),
        "target_group": target_group(rec, c),
        "task_definition": match &c.task_definition {
            Ok(td) => json!(td.id.address),
            Err(u) => json!({"value": null, "source": "unresolved", "default": null, "reason": u.reason, "location": rec.loc_of(u.at.as_ref())}),
        },
        "container": container(rec, c),
        "server": server(rec, c),
        "keep_alive_margin": margin(rec, "/keep_alive_margin", keep_alive, idle),
        "drain_margin": margin(rec, "/drain_margin", drain, idle),
        "stop_margin": margin(rec, "/stop_margin", Some(&c.stop_timeout), graceful),
        "cloudfront": cloudfront(rec, c),
    })
}

/// The CloudFront origins in front of the chain's load balancer.
fn cloudfront(rec: &mut Recorder<'_, '_>, c: &Chain<'_>) -> Value {
    let origins = c.cloudfront.iter().enumerate().map(|(i, (origin, alias))| {
        let path = |key: &str| format!("/cloudfront/{i}/{key}");
        rec.put(format!("/cloudfront/{i}"), Some(&origin.at), Vec::new());
        object!(rec, {
            "distribution": &origin.id.address,
            "origin_id": &origin.origin_id,
            "via": alias.map(|a| a.id.address.clone()),
            "keepalive_timeout": setting(rec, path("keepalive_timeout"), &origin.keepalive_timeout),
            "read_timeout": setting(rec, path("read_timeout"), &origin.read_timeout),
            "response_completion_timeout": optional(rec, path("response_completion_timeout"), origin.response_completion_timeout.as_ref()),
            "connection_attempts": setting(rec, path("connection_attempts"), &origin.connection_attempts),
            "location": rec.loc(&origin.at),
        })
    });
    Value::Array(origins.collect())
}

fn launch_type(rec: &mut Recorder<'_, '_>, c: &Chain<'_>) -> Option<&'static str> {
    if let Some(at) = c
        .service
        .placement
        .launch_type
        .as_ref()
        .and_then(|l| l.location())
    {
        rec.put("/launch_type", Some(at), Vec::new());
    }
    c.launch_type.as_ref().ok().map(|t| launch_name(*t))
}

fn public(rec: &mut Recorder<'_, '_>, lb: Option<&LoadBalancer>) -> Value {
    match lb.map(|lb| &lb.internal) {
        Some(s @ Setting::Known { value, .. }) => {
            rec.put("/public", s.location(), Vec::new());
            json!(!value)
        }
        _ => Value::Null,
    }
}

fn load_balancer(rec: &mut Recorder<'_, '_>, c: &Chain<'_>) -> Value {
    let lb = match &c.load_balancer {
        Ok(lb) => lb,
        Err(u) => return unknown_part(rec, "/load_balancer", u, LB_SETTINGS, &["address"]),
    };
    rec.put("/load_balancer", Some(&lb.at), Vec::new());
    object!(rec, {
        "address": &lb.id.address,
        "type": setting(rec, "/load_balancer/type", &lb.kind.clone().map(|k| k.short_name())),
        "idle_timeout": setting(rec, "/load_balancer/idle_timeout", &lb.idle_timeout),
        "connection_draining": optional(rec, "/load_balancer/connection_draining", lb.connection_draining.as_ref()),
        "connection_draining_timeout": optional(rec, "/load_balancer/connection_draining_timeout", lb.connection_draining_timeout.as_ref()),
        "client_keep_alive": optional(rec, "/load_balancer/client_keep_alive", lb.client_keep_alive.as_ref()),
        "internal": setting(rec, "/load_balancer/internal", &lb.internal),
        "location": rec.loc(&lb.at),
        "source": if matches!(lb.kind, Setting::Known { provenance: Provenance::Declared(_), .. }) { "declared" } else { "explicit" },
        "reason": Value::Null,
    })
}

fn target_group(rec: &mut Recorder<'_, '_>, c: &Chain<'_>) -> Value {
    let tg = match &c.target_group {
        None => return Value::Null,
        Some(Ok(tg)) => tg,
        Some(Err(u)) => return unknown_part(rec, "/target_group", u, TG_SETTINGS, &["address"]),
    };
    rec.put("/target_group", Some(&tg.at), Vec::new());
    object!(rec, {
        "address": &tg.id.address,
        "deregistration_delay": setting(rec, "/target_group/deregistration_delay", &tg.deregistration_delay),
        "health_check_interval": setting(rec, "/target_group/health_check_interval", &tg.health_check_interval),
        "health_check_timeout": setting(rec, "/target_group/health_check_timeout", &tg.health_check_timeout),
        "location": rec.loc(&tg.at),
        "source": "explicit",
        "reason": Value::Null,
    })
}

fn container(rec: &mut Recorder<'_, '_>, c: &Chain<'_>) -> Value {
    let ct = match &c.container {
        Ok(ct) => ct,
        Err(u) => {
            let mut v = unknown_part(rec, "/container", u, &["image"], &["name"]);
            if rec.wants("stop_timeout") {
                v["stop_timeout"] = setting(rec, "/container/stop_timeout", &c.stop_timeout);
            }
            return v;
        }
    };
    rec.put("/container", Some(&ct.at), Vec::new());
    object!(rec, {
        "name": &ct.name,
        "image": setting(rec, "/container/image", &ct.image),
        "stop_timeout": setting(rec, "/container/stop_timeout", &c.stop_timeout),
        "location": rec.loc(&ct.at),
        "source": "explicit",
        "reason": Value::Null,
    })
}

fn server(rec: &mut Recorder<'_, '_>, c: &Chain<'_>) -> Value {
    let s = match &c.server {
        Ok(s) => s,
        Err(u) => {
            return unknown_part(
                rec,
                "/server",
                u,
                SERVER_SETTINGS,
                &["name", "description", "image"],
            );
        }
    };
    rec.put("/server", s.identified_at.as_ref(), Vec::new());
    object!(rec, {
        "name": s.server,
        "description": &s.description,
        "keep_alive": match &s.keep_alive {
            KeepAlive::Timeout(t) => setting(rec, "/server/keep_alive", t),
            KeepAlive::ClosesEveryConnection { why } => json!({
                "value": null,
                "source": "not applicable",
                "default": null,
                "reason": why,
                "location": null,
            }),
            KeepAlive::NoLimit { why, at } => {
                rec.put("/server/keep_alive", at.as_ref(), Vec::new());
                json!({
                    "value": null,
                    "source": "no limit",
                    "default": null,
                    "reason": why,
                    "location": rec.loc_of(at.as_ref()),
                })
            }
        },
        "graceful_timeout": optional(rec, "/server/graceful_timeout", s.graceful_timeout.as_ref()),
        "request_timeout": optional(rec, "/server/request_timeout", s.request_timeout.as_ref()),
        "location": rec.loc_of(s.identified_at.as_ref()),
        "image": c.image.as_ref().map(|l| json!({
            "link": l.text,
            "dockerfile": crate::source::display_path(&l.dockerfile),
            "started_at": rec.loc_of(l.started_at.as_ref()),
        })),
        "source": "explicit",
        "reason": Value::Null,
    })
}

/// The whole document.
pub fn build(chains: &[Chain<'_>]) -> Value {
    let services: Vec<Value> = chains.iter().map(service).collect();
    json!({"version": VERSION, "services": services})
}
