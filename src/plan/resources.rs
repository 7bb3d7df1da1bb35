//! Plan resources into the model: one reader per resource type, the same
//! attributes, AWS defaults and wording as the Terraform loader
//! (`crate::terraform::resources`), so a plan and its HCL give the same
//! findings.
//!
//! A plan writes every attribute, defaults included (`idle_timeout = 60`
//! whether or not the configuration sets it). What the configuration sets
//! decides between an explicit value and an AWS default; a computed value
//! the configuration does not set (a target group's health check timeout)
//! is unknown in the plan and takes the AWS default, as in HCL.

use super::address::{Key, Step, module_names};
use super::config::Resolver;
use super::document::{Document, Entry, SENSITIVE, UNKNOWN};
use super::locate::TfIndex;
use crate::json::{JsonKind, JsonNode};
use crate::model::*;
use crate::source::Location;
use crate::terraform::readers::{self, Source, Target};
use crate::terraform::syntax::BodyRef;
use crate::value::{Kind, Val};
use std::collections::HashMap;

/// What the configuration says about a block.
#[derive(Clone, Copy)]
pub enum Cfg<'a> {
    /// The plan has no configuration for it: nothing is known.
    Unknown,
    /// The configuration has the resource but not this block (`dynamic`
    /// blocks are left out of the plan's configuration).
    Absent,
    /// The block's `expressions`.
    Present(&'a JsonNode),
}

/// A block of a resource: its planned values, its configuration and its
/// `.tf` source, when found.
#[derive(Clone)]
pub struct Block<'a> {
    pub val: Option<&'a Val>,
    pub cfg: Cfg<'a>,
    pub tf: Option<BodyRef<'a>>,
    /// Where the block is in the plan (for values it leaves out).
    pub at: Location,
}

impl<'a> Block<'a> {
    fn get(&self, name: &str) -> Option<&'a Val> {
        match &self.val?.kind {
            Kind::Map(m) => m.get(name),
            _ => None,
        }
    }

    /// Whether the configuration sets `name`; `None` when it cannot say.
    fn in_config(&self, name: &str) -> Option<bool> {
        match self.cfg {
            Cfg::Present(o) => Some(o.get(name).is_some()),
            _ => None,
        }
    }

    fn expr(&self, name: &str) -> Option<&'a JsonNode> {
        match self.cfg {
            Cfg::Present(o) => o.get(name),
            _ => None,
        }
    }

    fn tf_at(&self, name: &str) -> Option<Location> {
        self.tf?.attr(name)?.location()
    }

    /// Where the plan writes `name`'s value (or the block, for an unknown one).
    fn plan_at(&self, name: &str) -> Option<Location> {
        self.get(name).and_then(|v| v.at.clone())
    }

    /// The best place to show `name`: the `.tf` attribute, else the plan.
    fn attr_at(&self, name: &str) -> Location {
        self.tf_at(name)
            .or_else(|| self.plan_at(name))
            .unwrap_or_else(|| self.at.clone())
    }

    /// Nested blocks named `name`, each paired with its configuration block
    /// and `.tf` block. Sets (`load_balancer`, `target_group`) come back from
    /// the provider in their own order, so pairing is by the constant values
    /// the configuration writes, then by position.
    fn children(&self, name: &str) -> Vec<Block<'a>> {
        let items: Vec<&'a Val> = match self.get(name).map(|v| &v.kind) {
            Some(Kind::List(items)) => items.iter().filter(|v| !v.is_null()).collect(),
            Some(Kind::Map(_)) => self.get(name).into_iter().collect(),
            _ => Vec::new(),
        };
        let cfg_items: Option<Vec<&'a JsonNode>> = match self.cfg {
            Cfg::Present(o) => match o.get(name).map(|n| (n, &n.kind)) {
                Some((_, JsonKind::Array(xs))) => Some(xs.iter().collect()),
                Some((n, JsonKind::Object(_))) => Some(vec![n]),
                _ => Some(Vec::new()),
            },
            _ => None,
        };
        let tf_items: Vec<BodyRef<'a>> = self.tf.map(|t| t.blocks(name)).unwrap_or_default();
        items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let (cfg, tf) = match &cfg_items {
                    None => (Cfg::Unknown, None),
                    Some(cs) => match pair(v, cs, i, items.len()) {
                        Some(j) => (
                            Cfg::Present(cs[j]),
                            // Positions line up only when both list the same blocks.
                            (tf_items.len() == cs.len())
                                .then(|| tf_items.get(j).copied())
                                .flatten(),
                        ),
                        None => (Cfg::Absent, None),
                    },
                };
                Block {
                    val: Some(v),
                    cfg,
                    tf,
                    at: v.at.clone().unwrap_or_else(|| self.at.clone()),
                }
            })
            .collect()
    }
}

/// Which configuration block planned block `i` (of `n`) came from.
fn pair(v: &Val, cfgs: &[&JsonNode], i: usize, n: usize) -> Option<usize> {
    let matching: Vec<usize> = cfgs
        .iter()
        .enumerate()
        .filter(|(_, c)| constants_match(v, c))
        .map(|(j, _)| j)
        .collect();
    match matching.as_slice() {
        [one] => Some(*one),
        many if many.contains(&i) => Some(i),
        [first, ..] => Some(*first),
        [] if cfgs.len() == n => Some(i),
        [] => None,
    }
}

/// Every scalar constant the configuration block writes equals the planned value.
fn constants_match(v: &Val, cfg: &JsonNode) -> bool {
    let (Kind::Map(m), JsonKind::Object(members)) = (&v.kind, &cfg.kind) else {
        return false;
    };
    members.iter().all(|member| {
        let Some(c) = member.value.get("constant_value") else {
            return true;
        };
        let Some(pv) = m.get(&member.key) else {
            return true;
        };
        match (&c.kind, &pv.kind) {
            (JsonKind::String { value, .. }, Kind::Str(t)) => *value == t.s,
            (JsonKind::Number(a), Kind::Number(b)) => a == b,
            (JsonKind::Number(a), Kind::Str(t)) => t.s.parse::<f64>().ok() == Some(*a),
            (JsonKind::Bool(a), Kind::Bool(b)) => a == b,
            _ => true,
        }
    })
}

/// One resource instance being read.
pub struct Res<'a> {
    pub id: ResourceId,
    pub at: Location,
    pub entry: &'a Entry,
    pub resolver: &'a Resolver<'a>,
    pub root: Block<'a>,
    /// Suppressions written on the resource's `.tf` block.
    pub ignore: Vec<crate::suppress::Ignore>,
}

/// Point a value at its `.tf` attribute (the value is still the plan's).
fn at_tf(v: &Val, tf: Option<Location>) -> Val {
    let Some(tf) = tf else { return v.clone() };
    match &v.kind {
        Kind::Unknown(h) => Val::unknown(h.reason.clone(), Some(tf)),
        _ => {
            let mut v = v.clone();
            v.at = Some(tf);
            v
        }
    }
}

impl<'a> Res<'a> {
    fn module(&self) -> &'a [Step] {
        &self.entry.addr.module
    }

    fn key(&self) -> Option<&'a Key> {
        self.entry.addr.key.as_ref()
    }

    /// The planned value of `name` as the rules should see it, or `None`
    /// when the configuration does not set it (so the default applies).
    fn value(&self, b: &Block<'_>, name: &str, is_default: impl Fn(&Val) -> bool) -> Option<Val> {
        let raw = b.get(name);
        let tf = b.tf_at(name);
        if b.in_config(name) == Some(true) {
            return Some(match raw {
                Some(v) => at_tf(v, tf),
                None => Val::unknown(UNKNOWN, tf.or_else(|| Some(b.at.clone()))),
            });
        }
        let v = raw?;
        match &v.kind {
            Kind::Null => None,
            // Computed by the provider and not set: the AWS default.
            Kind::Unknown(h) if h.reason == UNKNOWN => None,
            _ if is_default(v) => None,
            // Not in the configuration but different from the default
            // (changed outside Terraform and ignored, or a `dynamic` block).
            _ => Some(at_tf(v, tf)),
        }
    }

    fn known_string(&self, name: &str) -> Option<String> {
        self.root
            .get(name)
            .and_then(|v| v.as_known_str().map(str::to_string))
            .filter(|s| !s.is_empty())
    }

    /// A link attribute, named `label` in messages: through the
    /// configuration's references (the ARN of a new resource is unknown),
    /// else the planned name or ARN itself.
    fn link_as(
        &self,
        b: &Block<'_>,
        name: &str,
        label: &str,
        what: &str,
        types: &[&str],
        attribute: &str,
    ) -> Link {
        let at = Some(b.attr_at(name));
        let found = b
            .expr(name)
            .map(|e| self.resolver.resolve(e, self.module(), self.key(), types))
            .unwrap_or_default();
        let resource = |address: String| Link {
            target: Ok(Reference::Resource {
                address,
                attribute: attribute.to_string(),
                scope: None,
            }),
            at: at.clone(),
        };
        if let [one] = found.managed.as_slice() {
            return resource(one.clone());
        }
        let v = b.get(name);
        let literal = v
            .and_then(|v| v.as_known_str())
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        if found.managed.is_empty() {
            if let Some(d) = found.data {
                return resource(d);
            }
            if let Some(s) = literal {
                return Link {
                    target: Ok(Reference::Literal(s)),
                    at,
                };
            }
        } else if let Some(s) = literal {
            return Link {
                target: Ok(Reference::Literal(s)),
                at,
            };
        }
        let reason = if found.managed.len() > 1 {
            format!(
                "{label} refers to more than one {what} ({}) and is {UNKNOWN}",
                found.managed.join(", ")
            )
        } else {
            match v.map(|v| &v.kind) {
                Some(Kind::Unknown(h)) if h.reason == SENSITIVE => format!("{label}: {SENSITIVE}"),
                Some(Kind::Unknown(_)) if matches!(b.cfg, Cfg::Absent) => format!(
                    "{label}: {UNKNOWN}, and it is set in a dynamic block, which a plan's configuration does not show; give keepalign the Terraform directory too (--config-dir)"
                ),
                Some(Kind::Unknown(h)) => {
                    // Name what the value comes from, not `count.index`.
                    let from = found.refs.iter().find(|r| {
                        !["count.", "each.", "path.", "terraform.", "self."]
                            .iter()
                            .any(|p| r.starts_with(p))
                    });
                    match from {
                        Some(r) => format!(
                            "{label}: {}, and it comes from {r}, which is not a {what} in the plan",
                            h.reason
                        ),
                        None => format!("{label}: {}", h.reason),
                    }
                }
                None if b.in_config(name) == Some(true) => format!("{label}: {UNKNOWN}"),
                _ => format!("{label} is not set"),
            }
        };
        Link {
            target: Err(Unresolved::new(reason, at.clone())),
            at,
        }
    }
}

/// Read every resource of the plan that keepalign models. Returns, per task
/// definition address, where its `container_definitions` is written in the
/// `.tf` source (for locations inside the JSON the HCL cannot match).
pub fn build(
    doc: &Document,
    resolver: &Resolver<'_>,
    tf: Option<&TfIndex<'_>>,
    scope: &str,
    model: &mut Model,
) -> HashMap<String, Location> {
    let mut cd_at = HashMap::new();
    for e in &doc.entries {
        let a = &e.addr;
        let names = module_names(&a.module);
        let cfg = if resolver.config.present() {
            match resolver.config.resource(&names, &a.rtype, &a.name) {
                Some(x) => Cfg::Present(x),
                None => Cfg::Unknown,
            }
        } else {
            Cfg::Unknown
        };
        let block = tf.and_then(|t| t.block(&names, &a.rtype, &a.name));
        let at = block.map(|b| b.1.clone()).unwrap_or_else(|| e.at.clone());
        let r = Res {
            id: ResourceId {
                scope: scope.into(),
                address: e.address.clone(),
            },
            at: at.clone(),
            entry: e,
            resolver,
            ignore: block.map(|b| b.2.clone()).unwrap_or_default(),
            root: Block {
                val: Some(&e.values),
                cfg,
                tf: block.map(|b| b.0),
                at,
            },
        };
        if a.rtype == "aws_ecs_task_definition"
            && let Some(l) = r.root.tf_at("container_definitions")
        {
            cd_at.insert(e.address.clone(), l);
        }
        readers::read(&a.rtype, &r, model);
    }
    cd_at
}

impl<'a> Source for Res<'a> {
    type Block = Block<'a>;

    fn id(&self) -> &ResourceId {
        &self.id
    }

    fn at(&self) -> &Location {
        &self.at
    }

    fn ignore(&self) -> Vec<crate::suppress::Ignore> {
        self.ignore.clone()
    }

    fn root(&self) -> Block<'a> {
        self.root.clone()
    }

    fn blocks(&self, parent: &Block<'a>, name: &str) -> Vec<Block<'a>> {
        parent.children(name)
    }

    fn value(&self, b: &Block<'a>, name: &str, is_default: &dyn Fn(&Val) -> bool) -> Option<Val> {
        Res::value(self, b, name, is_default)
    }

    fn location(&self, b: &Block<'a>, name: &str) -> Location {
        b.attr_at(name)
    }

    fn first_location(&self, b: &Block<'a>, names: &[&str]) -> Option<Location> {
        names.iter().find_map(|n| b.tf_at(n)).or_else(|| {
            names
                .iter()
                .filter(|n| non_empty(b, n))
                .find_map(|n| b.plan_at(n))
        })
    }

    /// The configuration says what is set; without it, what the plan holds.
    /// (The plan lists `target_group_arn` for every action, null or "" for
    /// redirects and fixed responses.)
    fn is_set(&self, b: &Block<'a>, name: &str) -> bool {
        b.in_config(name).unwrap_or_else(|| non_empty(b, name))
    }

    fn link(&self, b: &Block<'a>, name: &str, label: &str, target: Target) -> Link {
        self.link_as(
            b,
            name,
            label,
            target.what(),
            target.resource_types(),
            link_attribute(target),
        )
    }

    fn known_string(&self, name: &str) -> Option<String> {
        Res::known_string(self, name)
    }

    fn container_definitions(&self) -> Result<Vec<Container>, Unresolved> {
        let b = &self.root;
        let attr_at = b.attr_at("container_definitions");
        match b.get("container_definitions").filter(|v| !v.is_null()) {
            None if b.in_config("container_definitions") == Some(true) => Err(Unresolved::new(
                format!("container_definitions: {UNKNOWN}"),
                Some(attr_at),
            )),
            None => Err(Unresolved::new(
                "container_definitions is not set",
                Some(self.at.clone()),
            )),
            Some(v) => {
                // Unknown: say so where it is written. Known: keep the string's
                // own source map into the plan (the HCL may refine it later).
                let v = match v.kind {
                    Kind::Unknown(_) => at_tf(v, b.tf_at("container_definitions")),
                    _ => v.clone(),
                };
                crate::containers::read(&v, attr_at)
            }
        }
    }
}

/// The attribute a link reads: Classic ELBs are attached by name.
fn link_attribute(target: Target) -> &'static str {
    match target {
        Target::ClassicElb | Target::BeanstalkTemplate => "name",
        Target::DnsName => "dns_name",
        _ => "arn",
    }
}

fn non_empty(b: &Block<'_>, name: &str) -> bool {
    match b.get(name).map(|v| &v.kind) {
        Some(Kind::Str(t)) => !t.s.is_empty(),
        Some(Kind::Unknown(_)) => true,
        _ => false,
    }
}
