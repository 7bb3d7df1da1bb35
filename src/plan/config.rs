//! The plan's `configuration`: which attributes a resource sets, and where
//! its links point. In a plan the ARNs of new resources are unknown, so links
//! are followed through the expressions' `references`, in the right module
//! (`module_calls` nest) and the right instance (`count` / `for_each`).

use super::address::{Key, Ref, Step, module_prefix};
use super::document::Document;
use crate::json::{JsonKind, JsonNode};
use std::collections::HashMap;

/// `var.` / `module.x.y` hops followed for one link (module nesting is
/// bounded the same way in the Terraform loader).
const MAX_HOPS: usize = 32;

/// Expressions visited for one link in all: module outputs of several
/// instances fan out at every hop, which must not grow without bound.
const MAX_STEPS: usize = 512;

pub struct Config<'a> {
    root: Option<&'a JsonNode>,
}

impl<'a> Config<'a> {
    pub fn new(plan: &'a JsonNode) -> Config<'a> {
        Config {
            root: plan.get("configuration").and_then(|c| c.get("root_module")),
        }
    }

    /// Whether the plan has a configuration at all (some tools strip it).
    pub fn present(&self) -> bool {
        self.root.is_some()
    }

    /// The configuration of the module at `names` (`module_calls.a.module`, ...).
    pub fn module<S: AsRef<str>>(&self, names: &[S]) -> Option<&'a JsonNode> {
        let mut m = self.root?;
        for n in names {
            m = m.get("module_calls")?.get(n.as_ref())?.get("module")?;
        }
        Some(m)
    }

    /// The `module "name"` call inside the module at `parent`.
    pub fn call<S: AsRef<str>>(&self, parent: &[S], name: &str) -> Option<&'a JsonNode> {
        self.module(parent)?.get("module_calls")?.get(name)
    }

    /// A managed resource's `expressions` in the module at `names`.
    pub fn resource<S: AsRef<str>>(
        &self,
        names: &[S],
        rtype: &str,
        name: &str,
    ) -> Option<&'a JsonNode> {
        let JsonKind::Array(items) = &self.module(names)?.get("resources")?.kind else {
            return None;
        };
        let r = items.iter().find(|r| {
            r.get("type").and_then(JsonNode::as_str) == Some(rtype)
                && r.get("name").and_then(JsonNode::as_str) == Some(name)
                && r.get("mode")
                    .and_then(JsonNode::as_str)
                    .unwrap_or("managed")
                    == "managed"
        })?;
        // A resource that sets nothing has no `expressions`.
        Some(r.get("expressions").unwrap_or(&EMPTY))
    }
}

static EMPTY: JsonNode = JsonNode {
    kind: JsonKind::Object(Vec::new()),
    span: 0..0,
};

/// What a link expression refers to, among the plan's resources.
#[derive(Default, Debug)]
pub struct Found {
    /// Managed resources of the wanted types (full addresses), distinct.
    pub managed: Vec<String>,
    /// A data source of the wanted type, or a remote state (unprefixed
    /// address: it names where the value comes from).
    pub data: Option<String>,
    /// The references seen, for messages when nothing resolves.
    pub refs: Vec<String>,
    steps: usize,
}

/// (module prefix, type, name) of a resource.
type ResourceKey = (String, String, String);

pub struct Resolver<'a> {
    pub config: Config<'a>,
    /// (module prefix, type, name) → instances (key, full address).
    instances: HashMap<ResourceKey, Vec<(Option<Key>, String)>>,
    /// (parent module prefix, call name) → instance keys.
    modules: HashMap<(String, String), Vec<Option<Key>>>,
}

impl<'a> Resolver<'a> {
    pub fn new(config: Config<'a>, doc: &Document) -> Resolver<'a> {
        let mut instances: HashMap<_, Vec<(Option<Key>, String)>> = HashMap::new();
        let mut modules: HashMap<_, Vec<Option<Key>>> = HashMap::new();
        for e in &doc.entries {
            let a = &e.addr;
            instances
                .entry((module_prefix(&a.module), a.rtype.clone(), a.name.clone()))
                .or_default()
                .push((a.key.clone(), e.address.clone()));
            // The prefix grows one step at a time: rebuilding it at every
            // depth would be quadratic in the address's length.
            let mut prefix = String::new();
            for step in &a.module {
                let keys = modules
                    .entry((prefix.clone(), step.name.clone()))
                    .or_default();
                if !keys.contains(&step.key) {
                    keys.push(step.key.clone());
                }
                prefix.push_str(&module_prefix(std::slice::from_ref(step)));
            }
        }
        Resolver {
            config,
            instances,
            modules,
        }
    }

    /// Resolve a configuration expression written in module instance `ctx`
    /// by a resource (or module call) whose instance key is `self_key`.
    pub fn resolve(
        &self,
        expr: &JsonNode,
        ctx: &[Step],
        self_key: Option<&Key>,
        types: &[&str],
    ) -> Found {
        let mut found = Found::default();
        self.resolve_into(expr, ctx, self_key, types, 0, &mut found);
        found
    }

    fn resolve_into(
        &self,
        expr: &JsonNode,
        ctx: &[Step],
        self_key: Option<&Key>,
        types: &[&str],
        hops: usize,
        out: &mut Found,
    ) {
        out.steps += 1;
        if hops > MAX_HOPS || out.steps > MAX_STEPS {
            return;
        }
        let JsonKind::Array(items) = &expr
            .get("references")
            .map(|r| &r.kind)
            .unwrap_or(&JsonKind::Null)
        else {
            return;
        };
        let strings: Vec<&str> = items.iter().filter_map(JsonNode::as_str).collect();
        let refs: Vec<Ref> = strings.iter().map(|s| Ref::parse(s)).collect();
        if hops == 0 {
            out.refs.extend(strings.iter().map(|s| s.to_string()));
        }
        // `x.y["blue"].arn` is listed with `x.y["blue"]` and `x.y`: the keyed
        // forms say which instance, so the bare one adds nothing.
        let keyed: Vec<(bool, &str, &str)> = refs
            .iter()
            .filter_map(|r| match r {
                Ref::Resource {
                    data,
                    rtype,
                    name,
                    key: Some(_),
                } => Some((*data, rtype.as_str(), name.as_str())),
                _ => None,
            })
            .collect();
        for r in &refs {
            match r {
                Ref::Var(var) => {
                    // The module call that sets the variable, one level up.
                    let Some((call, parent)) = ctx.split_last() else {
                        continue; // a root variable is a value, not a reference
                    };
                    let names: Vec<&str> = parent.iter().map(|s| s.name.as_str()).collect();
                    if let Some(e) = self
                        .config
                        .call(&names, &call.name)
                        .and_then(|c| c.get("expressions"))
                        .and_then(|e| e.get(var))
                    {
                        self.resolve_into(e, parent, call.key.as_ref(), types, hops + 1, out);
                    }
                }
                Ref::ModuleOutput { call, key, output } => {
                    let keys: Vec<Option<Key>> = match key {
                        Some(k) => vec![Some(k.clone())],
                        None => {
                            let known = self
                                .modules
                                .get(&(module_prefix(ctx), call.clone()))
                                .cloned()
                                .unwrap_or_default();
                            match self_key {
                                Some(k) if known.contains(&Some(k.clone())) => {
                                    vec![Some(k.clone())]
                                }
                                _ if known.is_empty() => vec![None],
                                _ => known,
                            }
                        }
                    };
                    for k in keys {
                        let mut child = ctx.to_vec();
                        child.push(Step {
                            name: call.clone(),
                            key: k,
                        });
                        let names: Vec<&str> = child.iter().map(|s| s.name.as_str()).collect();
                        if let Some(e) = self
                            .config
                            .module(&names)
                            .and_then(|m| m.get("outputs"))
                            .and_then(|o| o.get(output))
                            .and_then(|o| o.get("expression"))
                        {
                            self.resolve_into(e, &child, None, types, hops + 1, out);
                        }
                    }
                }
                Ref::Resource {
                    data: true,
                    rtype,
                    name,
                    key,
                } => {
                    if (types.contains(&rtype.as_str()) || rtype == "terraform_remote_state")
                        && out.data.is_none()
                    {
                        let k = key.as_ref().map(Key::to_string).unwrap_or_default();
                        out.data = Some(format!("data.{rtype}.{name}{k}"));
                    }
                }
                Ref::Resource {
                    data: false,
                    rtype,
                    name,
                    key,
                } => {
                    if !types.contains(&rtype.as_str())
                        || (key.is_none() && keyed.contains(&(false, rtype, name)))
                    {
                        continue;
                    }
                    let prefix = module_prefix(ctx);
                    let Some(insts) =
                        self.instances
                            .get(&(prefix.clone(), rtype.clone(), name.clone()))
                    else {
                        continue; // not in the plan (count = 0, or being deleted)
                    };
                    let pick = match key {
                        Some(k) => insts
                            .iter()
                            .find(|(ik, _)| ik.as_ref() == Some(k))
                            .map(|(_, a)| a.clone()),
                        None => match self_key {
                            // `x[count.index]` / `x[each.key]` appear as plain `x`:
                            // the instance with the referring resource's key.
                            Some(k) if insts.iter().any(|(ik, _)| ik.as_ref() == Some(k)) => insts
                                .iter()
                                .find(|(ik, _)| ik.as_ref() == Some(k))
                                .map(|(_, a)| a.clone()),
                            _ if insts.len() == 1 => Some(insts[0].1.clone()),
                            // Several instances and no key to choose: the
                            // resource as a whole (the linker reaches them all).
                            _ => Some(format!("{prefix}{rtype}.{name}")),
                        },
                    };
                    if let Some(a) = pick
                        && !out.managed.contains(&a)
                    {
                        out.managed.push(a);
                    }
                }
                Ref::Other => {}
            }
        }
    }
}
