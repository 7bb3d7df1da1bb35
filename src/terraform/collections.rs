//! Module calls and resources used as whole values.
//!
//! In Terraform, `module.c` is an object of the call's outputs; with
//! `for_each` a map from instance key to such an object, with `count` a
//! list of them. `aws_lb_target_group.tg` with `for_each` is likewise a map
//! from instance key to the instance, with `count` a list. Configurations
//! build on that: `jsonencode([for k, v in module.container : v.definition])`,
//! `{ for k, tg in aws_lb_target_group.tg : k => tg.arn }["api"]`.
//!
//! A resource instance as a whole is a reference with an empty attribute
//! (see `crate::value::RefTarget`): reading an attribute of it gives the
//! reference to that attribute of that very instance, so the linker links
//! to the right one. A module instance is the object of its outputs, each
//! evaluated in the instance with its own provenance.

use super::eval::{Evaluator, Instances, Scope};
use super::syntax::BodyRef;
use crate::source::Location;
use crate::value::{Hole, Kind, RefTarget, Val};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

/// The whole values worked out so far in one module instance, and the ones
/// being worked out (a collection that needs itself is a cycle).
#[derive(Default)]
pub struct Wholes {
    modules: RefCell<HashMap<String, Val>>,
    resources: RefCell<HashMap<String, Val>>,
    resource_instances: RefCell<HashMap<String, Instances>>,
    in_progress: RefCell<HashSet<String>>,
    /// Module calls whose arguments are being evaluated, with how many
    /// instances are at it.
    arguments: RefCell<HashMap<String, usize>>,
}

impl Wholes {
    /// Mark the arguments of module call `name` as being evaluated until
    /// the guard is dropped: the call as a whole is a cycle meanwhile.
    pub fn setting_arguments(&self, name: &str) -> ArgumentsGuard<'_> {
        *self
            .arguments
            .borrow_mut()
            .entry(name.to_string())
            .or_default() += 1;
        ArgumentsGuard {
            wholes: self,
            name: name.to_string(),
        }
    }

    fn setting(&self, name: &str) -> bool {
        self.arguments.borrow().get(name).is_some_and(|n| *n > 0)
    }
}

/// See `Wholes::setting_arguments`.
pub struct ArgumentsGuard<'w> {
    wholes: &'w Wholes,
    name: String,
}

impl Drop for ArgumentsGuard<'_> {
    fn drop(&mut self) {
        if let Some(n) = self.wholes.arguments.borrow_mut().get_mut(&self.name) {
            *n = n.saturating_sub(1);
        }
    }
}

/// How a block is repeated.
#[derive(Clone, Copy, PartialEq)]
enum Repeat {
    Once,
    Count,
    ForEach,
}

fn repeat(body: BodyRef<'_>) -> Repeat {
    if body.attr("count").is_some() {
        Repeat::Count
    } else if body.attr("for_each").is_some() {
        Repeat::ForEach
    } else {
        Repeat::Once
    }
}

/// The instance key in a suffix `["api"]` or `[0]`, as the map key of the
/// whole value.
fn key_of(suffix: &str) -> String {
    let inner = suffix
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(suffix);
    serde_json::from_str::<String>(inner).unwrap_or_else(|_| inner.to_string())
}

/// A resource instance as a whole: a reference with no attribute yet.
pub fn whole_instance(address: String, at: Option<Location>) -> Val {
    let reason = format!("{address} is known only after apply");
    Val::reference(address, String::new(), reason, at)
}

/// `x.name` of a resource instance used as a whole (`tg.arn` in
/// `for k, tg in aws_lb_target_group.tg`): the reference to that attribute
/// of that instance. `None` when `v` is not such an instance.
pub fn attribute_of(v: &Val, name: &str, at: Option<Location>) -> Option<Val> {
    let hole = v.hole()?;
    let r = hole.reference.as_ref().filter(|r| r.attribute.is_empty())?;
    let at = at.or_else(|| v.at.clone());
    let hole = Hole {
        word: false,
        reason: format!("{}.{name} is known only after apply", r.address),
        reference: Some(RefTarget {
            address: r.address.clone(),
            attribute: name.to_string(),
            scope: r.scope.clone(),
        }),
        error: false,
        at: at.clone(),
    };
    Some(Val::new(Kind::Unknown(Arc::new(hole)), at))
}

impl<'a> Evaluator<'a> {
    /// The instances of a resource, worked out once however often the
    /// resource is read (as a whole, or by the reader of its instances):
    /// the instance cap counts them once.
    pub fn resource_instances(&self, rtype: &str, name: &str) -> Instances {
        let id = format!("{rtype}.{name}");
        if let Some(i) = self.wholes.resource_instances.borrow().get(&id) {
            return i.clone();
        }
        let found = match self.resources.get(&(rtype, name)) {
            Some(decl) => Rc::new(self.instances_of(decl.body, &format!("{}{id}", self.prefix))),
            None => Rc::new(Vec::new()),
        };
        self.wholes
            .resource_instances
            .borrow_mut()
            .insert(id, found.clone());
        found
    }

    /// `aws_lb_target_group.tg` as a whole, for a resource with `count` or
    /// `for_each`: a list or map of its instances as whole references.
    /// `None` for a resource with neither (used as a whole, it stays the
    /// single reference it always was).
    pub fn resource_whole(&self, rtype: &str, name: &str, at: Option<Location>) -> Option<Val> {
        let decl = self.resources.get(&(rtype, name))?;
        let how = repeat(decl.body);
        if how == Repeat::Once {
            return None;
        }
        let id = format!("resource {rtype}.{name}");
        if let Some(v) = self.wholes.resources.borrow().get(&id) {
            return Some(v.clone().with_at(at));
        }
        let what = format!("{}{rtype}.{name}", self.prefix);
        if !self.wholes.in_progress.borrow_mut().insert(id.clone()) {
            return Some(Val::error(
                format!("{what} refers to itself as a whole (a cycle)"),
                at,
            ));
        }
        let instances = self.resource_instances(rtype, name);
        let v = self.whole(
            &what,
            decl.body,
            how,
            &instances,
            at.clone(),
            |suffix, _| whole_instance(format!("{what}{suffix}"), at.clone()),
        );
        // Instances not known: the resource was analysed once, unindexed,
        // and the unknown collection still links to that one.
        let v = match (&v.kind, instances.as_slice()) {
            (Kind::Unknown(h), [(suffix, _)]) if suffix.is_empty() && h.reference.is_none() => {
                let hole = Hole {
                    reference: Some(RefTarget {
                        address: what.clone(),
                        attribute: String::new(),
                        scope: None,
                    }),
                    ..Hole::clone(h)
                };
                Val::new(Kind::Unknown(Arc::new(hole)), v.at.clone())
            }
            _ => v,
        };
        self.wholes.in_progress.borrow_mut().remove(&id);
        self.wholes.resources.borrow_mut().insert(id, v.clone());
        Some(v)
    }

    /// `module.c` as a whole: the object of its outputs; with `for_each` a
    /// map of such objects by instance key, with `count` a list.
    pub fn module_whole(&self, name: &str, at: Option<Location>) -> Val {
        let Some(call) = self.calls.get(name) else {
            return Val::error(format!("module.{name} is not declared in this module"), at);
        };
        if let Some(v) = self.wholes.modules.borrow().get(name) {
            return v.clone();
        }
        let what = format!("{}module.{name}", self.prefix);
        // Terraform rejects a call whose arguments need the call itself.
        if self.wholes.setting(name) {
            return Val::error(
                format!("{what} is used as a whole in its own arguments (a cycle)"),
                at,
            );
        }
        if !self
            .wholes
            .in_progress
            .borrow_mut()
            .insert(format!("module {name}"))
        {
            return Val::error(format!("{what} refers to itself as a whole (a cycle)"), at);
        }
        let instances = self.call_instances(name);
        let how = repeat(call.body);
        let v = self.whole(
            &what,
            call.body,
            how,
            &instances,
            at.clone(),
            |suffix, scope| self.module_instance(name, suffix, scope, at.clone()),
        );
        self.wholes
            .in_progress
            .borrow_mut()
            .remove(&format!("module {name}"));
        self.wholes
            .modules
            .borrow_mut()
            .insert(name.to_string(), v.clone());
        v
    }

    /// One instance of a module call as a whole: the object of its outputs.
    pub fn module_instance(
        &self,
        name: &str,
        suffix: &str,
        scope: &Scope,
        at: Option<Location>,
    ) -> Val {
        let child = match self.child(name, suffix, scope) {
            Ok(child) => child,
            Err(reason) => return Val::unknown(reason, at),
        };
        let mut names: Vec<&str> = child.outputs.keys().copied().collect();
        names.sort_unstable();
        // Every output is evaluated: count them before, so that many
        // instances of many outputs stay within the root's budget.
        if let Err(v) = self.charge(names.len() as u64, 0, &at) {
            return v;
        }
        let mut outputs = BTreeMap::new();
        for output in names {
            outputs.insert(output.to_string(), child.output(output, at.clone()));
            if let Some(limit) = self.meter.spent() {
                return self.meter.cut(limit, at);
            }
        }
        let call_at = self.calls.get(name).map(|c| c.at.clone());
        Val::map(outputs, call_at.or(at))
    }

    /// The whole value of a block with instances `instances`, each made by
    /// `one(suffix, scope)`.
    fn whole(
        &self,
        what: &str,
        body: BodyRef<'_>,
        how: Repeat,
        instances: &Instances,
        at: Option<Location>,
        one: impl Fn(&str, &Scope) -> Val,
    ) -> Val {
        if how == Repeat::Once {
            return match instances.first() {
                Some((suffix, scope)) => one(suffix, scope),
                None => Val::unknown(crate::budget::instance_reason(), at),
            };
        }
        let arg = if how == Repeat::Count {
            "count"
        } else {
            "for_each"
        };
        let arg_at = body.attr(arg).and_then(|e| e.location()).or(at.clone());
        // An unknown `count` or `for_each` is analysed as one unnamed
        // instance; the collection itself is unknown.
        if let [(suffix, _)] = instances.as_slice()
            && suffix.is_empty()
        {
            let given = self.eval_attr(body, arg, &Scope::default());
            let why = match (&given, how) {
                (Some(v), _) if v.hole().is_some() => {
                    let reason = v.hole().map(|h| h.reason.as_str()).unwrap_or_default();
                    if v.is_error() {
                        format!("its {arg} cannot be evaluated ({reason})")
                    } else {
                        format!("its {arg} is unknown ({reason})")
                    }
                }
                // Known, so the instance cap made it one instance.
                (Some(v), _) if v.to_number().is_ok() || v.elements().is_some() => {
                    return Val::unknown(crate::budget::instance_reason(), arg_at);
                }
                (_, Repeat::Count) => "its count is not a number".to_string(),
                _ => "its for_each is not a map or a set of strings".to_string(),
            };
            return Val::unknown(
                format!("the instances of {what} are not known: {why}"),
                arg_at,
            );
        }
        if instances.is_empty() && !self.has_no_instances(body, how) {
            return Val::unknown(crate::budget::instance_reason(), arg_at);
        }
        if let Err(v) = self.charge(instances.len() as u64, 0, &at) {
            return v;
        }
        let container_at = arg_at;
        if how == Repeat::Count {
            let mut items = Vec::with_capacity(instances.len());
            for (suffix, scope) in instances.iter() {
                items.push(one(suffix, scope));
                if let Some(limit) = self.meter.spent() {
                    return self.meter.cut(limit, at);
                }
            }
            Val::list(items, container_at)
        } else {
            let mut map = BTreeMap::new();
            for (suffix, scope) in instances.iter() {
                map.insert(key_of(suffix), one(suffix, scope));
                if let Some(limit) = self.meter.spent() {
                    return self.meter.cut(limit, at);
                }
            }
            Val::map(map, container_at)
        }
    }

    /// Whether no instances means `count = 0` or an empty `for_each`, not
    /// the instance cap.
    fn has_no_instances(&self, body: BodyRef<'_>, how: Repeat) -> bool {
        let scope = Scope::default();
        match how {
            Repeat::Count => self
                .eval_attr(body, "count", &scope)
                .and_then(|v| v.to_number().ok())
                .is_some_and(|n| n <= 0.0),
            Repeat::ForEach => self
                .eval_attr(body, "for_each", &scope)
                .and_then(|v| v.elements())
                .is_some_and(|e| e.is_empty()),
            Repeat::Once => false,
        }
    }
}
