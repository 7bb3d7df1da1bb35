//! Nested stacks (`AWS::CloudFormation::Stack`): a parent template passes
//! `Parameters` into a child template and reads `Outputs.X` back with
//! `Fn::GetAtt`. The child is one of the scanned templates, found by its
//! relative path, by the file name at the end of its URL, or by CDK's
//! `aws:asset:path` metadata. Each child is evaluated once per stack that
//! nests it, with the values its parent passes, instead of standalone.
//!
//! Nothing is read here: a child is matched against templates the scan
//! already read through the confined reader, so a TemplateURL can never
//! make keepalign open a file (or a URL) of its choosing.

use super::Template;
use super::eval::{Evaluator, Export};
use super::tree::Node;
use crate::source::Location;
use crate::value::{Hole, Kind, RefTarget, Val};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

pub const STACK: &str = "AWS::CloudFormation::Stack";

/// Stacks nest at most this deep (AWS itself stops at 5 levels in practice;
/// more is a mistake or hostile input).
pub const MAX_DEPTH: usize = 8;

/// Child stack evaluations per scan: each is a template evaluated again,
/// so a template nesting another twice per level cannot multiply the work.
pub const MAX_INSTANCES: usize = 256;

/// Where a nested stack's template is.
#[derive(Clone, Debug)]
pub enum Target {
    /// The index of the scanned template.
    Child(usize),
    NotFound(Missing),
}

/// Why a nested stack is not followed, and what to do.
#[derive(Clone, Debug)]
pub struct Missing {
    pub why: String,
    pub fix: String,
    /// Whether it is worth a UN003 note: the stack may hold a service.
    pub report: bool,
}

/// What the scan knows about its templates, to find a nested stack's.
pub struct Scanned {
    /// Each template's canonical path (as the scan read it).
    pub paths: Vec<PathBuf>,
    /// Each template's repository root, canonical.
    pub roots: Vec<PathBuf>,
}

/// Find the template of the Stack resource `id` (`node`) of template
/// `parent`, with `ev` the parent's evaluator.
pub fn find_target(
    scanned: &Scanned,
    parent: usize,
    id: &str,
    node: &Node,
    ev: &Evaluator<'_>,
) -> Target {
    let props = node.get("Properties");
    let report = may_hold_service(id, props);
    // CDK writes the nested template's file name, relative to cdk.out.
    let asset = node
        .get("Metadata")
        .and_then(|m| m.get("aws:asset:path"))
        .and_then(Node::as_str);
    if let Some(asset) = asset {
        match by_path(scanned, parent, asset, report) {
            Target::NotFound(_) => {}
            found => return found,
        }
    }
    let Some(url_node) = props.and_then(|p| p.get("TemplateURL")) else {
        return Target::NotFound(Missing {
            why: "nested stack has no TemplateURL, so its template is not found".into(),
            fix: "give the stack a TemplateURL naming its template".into(),
            report,
        });
    };
    let url = match ev.eval(url_node).to_text() {
        Ok(t) => t,
        Err(h) => {
            let reason = h
                .hole()
                .map(|h| h.reason.clone())
                .unwrap_or_else(|| "not a string".into());
            return Target::NotFound(Missing {
                why: format!(
                    "nested stack template not found: its TemplateURL cannot be read ({reason}), so keepalign cannot tell which template it deploys"
                ),
                fix: "write TemplateURL as the template's path relative to this template (aws cloudformation package uploads it), or as a URL ending in the template's file name, and scan the directory holding that template".into(),
                report: true,
            });
        }
    };
    let shown = crate::model::Word::new(url.s.clone(), None).display();
    let is_url = url.s.contains("://") || url.has_holes();
    if !is_url {
        return by_path(scanned, parent, &url.s, report);
    }
    let name = shown
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .rsplit('/')
        .next()
        .unwrap_or("");
    if name.is_empty() || name.contains('…') {
        return Target::NotFound(Missing {
            why: format!(
                "nested stack template not found: its TemplateURL {shown} does not end in a file name keepalign can read"
            ),
            fix: "end the TemplateURL in the template's file name (or write the template's relative path) and scan the directory holding the template".into(),
            report: true,
        });
    }
    // The URL's path after the bucket often repeats the repository's layout
    // (`…/services/web/service.yaml`): among templates of that name, those
    // whose paths share the longest tail with the URL are the candidates.
    let url_path: Vec<&str> = shown
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .split('/')
        .filter(|c| !c.is_empty())
        .collect();
    let shared_tail = |j: usize| {
        scanned.paths[j]
            .components()
            .rev()
            .zip(url_path.iter().rev())
            .take_while(|(c, u)| c.as_os_str().to_str() == Some(u))
            .count()
    };
    let named: Vec<usize> = (0..scanned.paths.len())
        .filter(|&j| scanned.paths[j].file_name().and_then(|n| n.to_str()) == Some(name))
        .collect();
    let longest = named.iter().map(|&j| shared_tail(j)).max().unwrap_or(0);
    let matches: Vec<usize> = named
        .into_iter()
        .filter(|&j| shared_tail(j) == longest)
        .collect();
    // Among templates of the same name, the one beside the parent (or below
    // it) is the one uploaded with it.
    let beside: Vec<usize> = match scanned.paths[parent].parent() {
        Some(dir) => matches
            .iter()
            .copied()
            .filter(|&j| scanned.paths[j].starts_with(dir))
            .collect(),
        None => Vec::new(),
    };
    match (matches.as_slice(), beside.as_slice()) {
        ([one], _) | (_, [one]) => Target::Child(*one),
        ([], _) => Target::NotFound(Missing {
            why: format!(
                "nested stack template {name} (from TemplateURL {shown}) not found among the scanned templates"
            ),
            fix: format!(
                "scan the directory holding {name} too (the template uploaded to that URL), or write TemplateURL as its path relative to this template"
            ),
            report,
        }),
        (several, _) => Target::NotFound(Missing {
            why: format!(
                "nested stack template {name} (from TemplateURL {shown}) matches several scanned templates ({}), so keepalign cannot tell which one is deployed",
                several
                    .iter()
                    .map(|&j| crate::source::display_path(&scanned.paths[j]))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            fix: "write TemplateURL as the template's path relative to this template, or scan only the directory of the template that is deployed".into(),
            report,
        }),
    }
}

/// A template named by a path relative to the parent's directory, inside
/// the parent's repository.
fn by_path(scanned: &Scanned, parent: usize, rel: &str, report: bool) -> Target {
    let missing = |why: String, fix: String| Target::NotFound(Missing { why, fix, report });
    let p = Path::new(rel);
    if p.is_absolute() || rel.starts_with(['/', '\\']) || p.has_root() {
        return missing(
            format!(
                "nested stack template {rel} not followed: it is an absolute path, and keepalign reads only inside the scanned repository"
            ),
            "write TemplateURL as the template's path relative to this template".into(),
        );
    }
    let dir = scanned.paths[parent].parent().unwrap_or(Path::new(""));
    let Some(target) = lexical(&dir.join(p)) else {
        return missing(
            format!("nested stack template {rel} not followed: it leads outside the repository"),
            "keep nested templates inside the repository and name them by a relative path".into(),
        );
    };
    if !target.starts_with(&scanned.roots[parent]) {
        return missing(
            format!("nested stack template {rel} not followed: it leads outside the repository"),
            "keep nested templates inside the repository and name them by a relative path".into(),
        );
    }
    match scanned.paths.iter().position(|q| *q == target) {
        Some(j) => Target::Child(j),
        None => missing(
            format!("nested stack template {rel} not found among the scanned templates"),
            format!("scan the directory holding {rel} too (or give the template's path)"),
        ),
    }
}

/// `path` with `.` and `..` taken out, without touching the file system;
/// `None` when `..` climbs above its start.
fn lexical(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            other => out.push(other),
        }
    }
    Some(out)
}

/// Whether a nested stack whose template is not found may hold a
/// load-balanced service: its logical ID, TemplateURL or parameters name a
/// load balancer, listener, target group, service or task definition. Not
/// "cluster": EKS, database and cache clusters are nested as often as ECS
/// ones, and an ECS service stack also names its listener or target group.
/// A nested VPC, bucket or EKS provider stack is not worth a note.
fn may_hold_service(id: &str, props: Option<&Node>) -> bool {
    const WORDS: &[&str] = &[
        "targetgroup",
        "listener",
        "loadbalancer",
        "taskdefinition",
        "taskdef",
        "service",
        "ecs",
        "container",
        "alb",
        "elb",
    ];
    let mentions = |text: &str| {
        let squashed: String = text
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        WORDS.iter().any(|w| squashed.contains(w))
    };
    let params = props.and_then(|p| p.get("Parameters"));
    mentions(id)
        || props
            .and_then(|p| p.get("TemplateURL"))
            .is_some_and(|u| mentions(u.at.snippet()))
        || params
            .map(Node::entries)
            .unwrap_or(&[])
            .iter()
            .any(|(k, _, v)| mentions(k) || mentions(v.at.snippet()))
}

/// One evaluation of a template: standalone (a top-level stack) or as the
/// child of one nested stack resource.
pub struct Instance {
    pub template: usize,
    /// The chain of stacks that leads here: `parent.yaml/AppStack`.
    pub key: String,
    /// The scope its resources get: the template's file, or when the
    /// template is nested more than once, which nesting this is.
    pub scope: String,
    pub given: HashMap<String, Val>,
    /// The templates of the stacks above it, outermost first.
    pub ancestry: Vec<usize>,
    pub parent: Option<Parent>,
}

/// Where a child stack's values come from.
pub struct Parent {
    /// The parent's scope and the Stack resource's logical ID.
    pub scope: String,
    pub stack: String,
    /// The Stack resource, and its `Parameters` when written.
    pub at: Location,
    pub parameters_at: Option<Location>,
}

impl Parent {
    /// `parent.yaml:12`, where the parent passes its parameters.
    pub fn place(&self) -> String {
        let at = self.parameters_at.as_ref().unwrap_or(&self.at);
        format!("{}:{}", at.file.display, at.start().0)
    }
}

/// The nested stacks of a scan, evaluated on demand: a parent's
/// `Fn::GetAtt [Stack, Outputs.X]` evaluates the child's output, with the
/// parameters the parent passes.
pub struct Nest<'t> {
    pub templates: &'t [Template],
    pub exports: &'t [Export],
    pub targets: &'t HashMap<(usize, String), Target>,
    /// How many Stack resources of the scan nest each template.
    pub nestings: Vec<usize>,
    /// The templates whose Stack resources nest each template.
    pub parents: Vec<Vec<usize>>,
    instances: RefCell<HashMap<String, Arc<Instance>>>,
    outputs: RefCell<HashMap<(String, String), Val>>,
    created: Cell<usize>,
}

impl<'t> Nest<'t> {
    pub fn new(
        templates: &'t [Template],
        exports: &'t [Export],
        targets: &'t HashMap<(usize, String), Target>,
    ) -> Nest<'t> {
        let mut nestings = vec![0; templates.len()];
        let mut parents = vec![Vec::new(); templates.len()];
        for ((parent, _), t) in targets {
            if let Target::Child(c) = t {
                nestings[*c] += 1;
                parents[*c].push(*parent);
            }
        }
        Nest {
            templates,
            exports,
            targets,
            nestings,
            parents,
            instances: RefCell::default(),
            outputs: RefCell::default(),
            created: Cell::new(0),
        }
    }

    /// A top-level stack of template `i`.
    pub fn root(&self, i: usize, given: HashMap<String, Val>) -> Arc<Instance> {
        let display = self.templates[i].file.display.clone();
        Arc::new(Instance {
            template: i,
            key: display.clone(),
            scope: display,
            given,
            ancestry: Vec::new(),
            parent: None,
        })
    }

    /// The evaluator of an instance.
    pub fn evaluator<'s>(&'s self, inst: &'s Arc<Instance>, root: &'s Node) -> Evaluator<'s> {
        let mut ev = Evaluator::new(root, &inst.given, self.exports);
        ev.nested = Some((self, inst.clone()));
        ev
    }

    /// The child instance made by Stack resource `stack` of `inst`, whose
    /// evaluator is `ev`; `Err` says why it is not followed.
    pub fn child(
        &self,
        ev: &Evaluator<'_>,
        inst: &Instance,
        stack: &str,
        node: &Node,
        at: &Location,
    ) -> Result<Arc<Instance>, Missing> {
        let c = match self.targets.get(&(inst.template, stack.to_string())) {
            Some(Target::Child(c)) => *c,
            Some(Target::NotFound(m)) => return Err(m.clone()),
            None => {
                return Err(Missing {
                    why: "nested stack not followed".into(),
                    fix: String::new(),
                    report: false,
                });
            }
        };
        let child_display = &self.templates[c].file.display;
        if c == inst.template || inst.ancestry.contains(&c) {
            return Err(Missing {
                why: format!(
                    "nested stack not followed: its template {child_display} is already one of the stacks it is nested in, a cycle CloudFormation cannot deploy"
                ),
                fix: "point TemplateURL at the intended child template".into(),
                report: true,
            });
        }
        if inst.ancestry.len() + 1 >= MAX_DEPTH {
            return Err(Missing {
                why: format!(
                    "nested stack not followed: stacks nest more than {MAX_DEPTH} deep here, keepalign's nesting limit"
                ),
                fix: "scan the nested template on its own, with --parameter for the values its parent passes".into(),
                report: true,
            });
        }
        let key = format!("{}/{stack}", inst.key);
        if let Some(found) = self.instances.borrow().get(&key) {
            return Ok(found.clone());
        }
        if self.created.get() >= MAX_INSTANCES {
            return Err(Missing {
                why: format!(
                    "nested stack not followed: the scan already evaluated {MAX_INSTANCES} nested stacks, keepalign's limit"
                ),
                fix: "scan fewer templates at once".into(),
                report: true,
            });
        }
        self.created.set(self.created.get() + 1);
        let parameters = node.get("Properties").and_then(|p| p.get("Parameters"));
        let parent = Parent {
            scope: inst.scope.clone(),
            stack: stack.to_string(),
            at: at.clone(),
            parameters_at: parameters.map(|p| p.at.clone()),
        };
        // The account, region and partition are the parent's; the stack's
        // own name and ID are not.
        let mut given: HashMap<String, Val> = inst
            .given
            .iter()
            .filter(|(k, _)| {
                k.starts_with("AWS::") && !matches!(k.as_str(), "AWS::StackName" | "AWS::StackId")
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (name, _, value) in parameters.map(Node::entries).unwrap_or(&[]) {
            let v = ev.eval(value);
            if super::eval::is_no_value(&v) {
                continue;
            }
            let place = {
                let (line, _) = value.at.start();
                format!("{}:{line}", value.at.file.display)
            };
            let wrap = |h: &Hole| {
                format!(
                    "nested stack parameter {name} is passed by {stack} at {place}, where it is unknown: {}",
                    h.reason
                )
            };
            given.insert(name.clone(), from_scope(v, &inst.scope, Some(&wrap), 0));
        }
        let scope = if self.nestings[c] == 1 && inst.parent.is_none() {
            child_display.clone()
        } else {
            format!("{child_display} (nested as {stack} in {})", inst.scope)
        };
        let mut ancestry = inst.ancestry.clone();
        ancestry.push(inst.template);
        let child = Arc::new(Instance {
            template: c,
            key: key.clone(),
            scope,
            given,
            ancestry,
            parent: Some(parent),
        });
        self.instances.borrow_mut().insert(key, child.clone());
        Ok(child)
    }

    /// `Fn::GetAtt [stack, Outputs.output]` in the evaluator `ev`.
    pub fn output(
        &self,
        ev: &Evaluator<'_>,
        stack: &str,
        output: &str,
        at: Option<Location>,
    ) -> Val {
        let Some((_, inst)) = &ev.nested else {
            return Val::unknown(format!("{stack}.Outputs.{output} is not known"), at);
        };
        let Some(node) = ev.root().get("Resources").and_then(|r| r.get(stack)) else {
            return Val::error(format!("{stack} is not a resource of this template"), at);
        };
        let key_at = at.clone().unwrap_or_else(|| node.at.clone());
        let child = match self.child(ev, inst, stack, node, &key_at) {
            Ok(c) => c,
            Err(m) => {
                return Val::unknown(
                    format!(
                        "{stack}.Outputs.{output} is an output of nested stack {stack}, which keepalign did not read: {}",
                        m.why
                    ),
                    at,
                );
            }
        };
        let cache_key = (child.key.clone(), output.to_string());
        if let Some(v) = self.outputs.borrow().get(&cache_key) {
            return v.clone();
        }
        let child_root = self.templates[child.template].root();
        let Some(value) = child_root
            .get("Outputs")
            .and_then(|o| o.get(output))
            .and_then(|o| o.get("Value"))
        else {
            return Val::error(
                format!(
                    "nested stack {stack}'s template {} has no output {output}",
                    self.templates[child.template].file.display
                ),
                at,
            );
        };
        if let Some(limit) = ev.meter.spent() {
            return ev.meter.cut(limit, at);
        }
        let mut cev = self.evaluator(&child, child_root);
        // The child may use only what is left of the parent's budget.
        cev.meter = crate::budget::Meter::with_allowance(
            crate::budget::MAX_WORK.saturating_sub(ev.meter.work()),
        );
        let v = from_scope(cev.eval(value), &child.scope, None, 0);
        // The child's work counts against the parent's budget.
        if let Err(limit) = ev
            .meter
            .charge(cev.meter.work(), cev.meter.bytes(), || at.clone())
        {
            return ev.meter.cut(limit, at);
        }
        self.outputs.borrow_mut().insert(cache_key, v.clone());
        v
    }
}

/// A value evaluated in `scope`, used in another: references to its
/// resources keep their scope, and each unknown part's reason may be
/// reworded (`wrap`) to say where the value was passed.
pub fn from_scope(v: Val, scope: &str, wrap: Option<&dyn Fn(&Hole) -> String>, depth: u32) -> Val {
    let fix = |h: &Arc<Hole>| -> Arc<Hole> {
        match &h.reference {
            Some(r) if r.scope.is_none() => Arc::new(Hole {
                word: h.word,
                reference: Some(RefTarget {
                    scope: Some(scope.to_string()),
                    ..r.clone()
                }),
                ..(**h).clone()
            }),
            Some(_) => h.clone(),
            None => match wrap {
                Some(w) if !super::eval::is_no_value_hole(h) => Arc::new(Hole {
                    word: h.word,
                    reason: w(h),
                    ..(**h).clone()
                }),
                _ => h.clone(),
            },
        }
    };
    let at = v.at.clone();
    match &v.kind {
        Kind::Unknown(h) => Val::new(Kind::Unknown(fix(h)), at),
        Kind::Str(t) if t.has_holes() => {
            let mut t = (**t).clone();
            t.holes = t.holes.iter().map(fix).collect();
            Val::text(t, at)
        }
        // Values nest at most `MAX_VALUE_DEPTH` deep.
        Kind::List(items) if depth < crate::value::MAX_VALUE_DEPTH => Val::list(
            items
                .iter()
                .map(|i| from_scope(i.clone(), scope, wrap, depth + 1))
                .collect(),
            at,
        ),
        Kind::Map(m) if depth < crate::value::MAX_VALUE_DEPTH => Val::map(
            m.iter()
                .map(|(k, i)| (k.clone(), from_scope(i.clone(), scope, wrap, depth + 1)))
                .collect::<BTreeMap<_, _>>(),
            at,
        ),
        _ => v,
    }
}

#[cfg(test)]
mod tests {
    use super::lexical;
    use std::path::{Path, PathBuf};

    #[test]
    fn lexical_paths_never_climb_above_their_start() {
        assert_eq!(
            lexical(Path::new("/repo/infra/./stacks/../svc.yaml")),
            Some(PathBuf::from("/repo/infra/svc.yaml"))
        );
        assert_eq!(lexical(Path::new("a/../../b")), None);
    }
}
