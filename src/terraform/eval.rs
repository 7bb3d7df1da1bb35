//! Partial evaluation of Terraform expressions.
//!
//! What can be known from the repository is computed, with where it came
//! from; what cannot (data sources, other modules' outputs, variables with
//! no value) becomes a `Hole` with the reason, and everything around it is
//! still evaluated. Resource attributes become references the linker follows.

use super::modules::Workspace;
use super::syntax::{BodyRef, ExprRef, ParsedFile};
use crate::json::{JsonKind, JsonNode};
use crate::source::{Location, SourceFile};
use crate::value::{Hole, Kind, Text, Val};
use hcl_edit::Span;
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Directive, Element, Template};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

/// Guards recursion through locals, templates and nested expressions.
const MAX_DEPTH: usize = 100;
/// `file()` and `templatefile()` refuse files larger than this.
const MAX_READ: u64 = 8 * 1024 * 1024;

/// Where the spans of a template written in a `.tf.json` string point: past
/// the opening quote when the string has no escapes, else through a map of
/// its pieces, since each escape is longer in the file than in the value.
pub(super) fn json_string_src(
    value: &str,
    raw: &std::ops::Range<usize>,
    f: &Arc<SourceFile>,
) -> Src {
    if raw.len() == value.len() {
        return Src::File {
            file: f.clone(),
            base: raw.start,
        };
    }
    let Some(written) = f.text.get(raw.clone()) else {
        return Src::file(f);
    };
    let mut text = Text::plain(value);
    for (decoded, at) in crate::json::string_pieces(written) {
        let at = Location::new(f, raw.start + at.start..raw.start + at.end);
        let exact = value.get(decoded.clone()) == Some(at.snippet());
        text.segs.push(crate::value::Seg {
            range: decoded,
            at,
            exact,
        });
    }
    Src::Mapped(Arc::new(text))
}

/// Where spans of the expression being evaluated point.
#[derive(Clone)]
pub enum Src {
    /// Spans are offsets into `file`, shifted by `base` (for strings inside
    /// `.tf.json`, which are parsed as templates on their own).
    File { file: Arc<SourceFile>, base: usize },
    /// Spans are offsets into rendered text with its own source map
    /// (`data "template_file"` templates written inline).
    Mapped(Arc<Text>),
}

impl Src {
    pub fn file(file: &Arc<SourceFile>) -> Src {
        Src::File {
            file: file.clone(),
            base: 0,
        }
    }

    pub fn loc(&self, span: Option<std::ops::Range<usize>>) -> Option<Location> {
        let span = span?;
        match self {
            Src::File { file, base } => {
                Some(Location::new(file, base + span.start..base + span.end))
            }
            Src::Mapped(text) => text.locate(span),
        }
    }
}

/// Names bound in the current expression: `count`, `each`, for-expression
/// variables, template variables.
#[derive(Clone, Default)]
pub struct Scope {
    bindings: Vec<(String, Val)>,
    /// Inside `templatefile()`: only the template's variables are visible.
    template_only: bool,
}

impl Scope {
    pub fn with(&self, name: &str, v: Val) -> Scope {
        let mut s = self.clone();
        s.bindings.push((name.to_string(), v));
        s
    }

    pub fn template(vars: BTreeMap<String, Val>) -> Scope {
        Scope {
            bindings: vars.into_iter().collect(),
            template_only: true,
        }
    }

    fn get(&self, name: &str) -> Option<&Val> {
        self.bindings
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

pub struct VarDecl<'a> {
    pub default: Option<ExprRef<'a>>,
    pub declared_type: Option<String>,
    /// The `type` expression itself (see `super::types`).
    pub type_expr: Option<ExprRef<'a>>,
    /// `nullable`: when false, a null value given is the default.
    pub nullable: Option<ExprRef<'a>>,
}

/// A `module "name" { source = ... }` block.
pub struct CallDecl<'a> {
    pub body: BodyRef<'a>,
    pub source: Option<String>,
    pub at: Location,
}

/// Arguments of a module block that are not the module's variables.
const MODULE_META_ARGS: &[&str] = &[
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

/// A resource declaration and whether it has `count` / `for_each`.
pub struct ResourceDecl<'a> {
    pub rtype: &'a str,
    pub name: &'a str,
    pub body: BodyRef<'a>,
    pub at: Location,
    /// Its `# keepalign:ignore` comments and the file's `ignore-file`
    /// ones: every instance, in every module instance, carries them.
    pub ignore: Vec<crate::suppress::Ignore>,
}

/// The instances of a call: suffix (`[0]`, `["a"]`) and the scope it sees.
pub type Instances = Rc<Vec<(String, Scope)>>;

/// A template file parsed once, or its parse error (message, byte offset).
type ParsedTemplate = Result<Arc<Template>, (String, usize)>;

/// Everything a module declares, and the memo tables used while evaluating it.
pub struct Evaluator<'a> {
    pub module_dir: PathBuf,
    pub repo_root: PathBuf,
    pub variables: HashMap<&'a str, VarDecl<'a>>,
    /// Values given by tfvars files and `--var`, already evaluated.
    pub inputs: HashMap<String, Val>,
    pub locals: HashMap<&'a str, ExprRef<'a>>,
    pub resources: HashMap<(&'a str, &'a str), ResourceDecl<'a>>,
    pub data: HashMap<(&'a str, &'a str), BodyRef<'a>>,
    pub calls: HashMap<&'a str, CallDecl<'a>>,
    pub outputs: HashMap<&'a str, ExprRef<'a>>,
    /// Address prefix of this module instance: `""` for a root,
    /// `module.api.` or `module.svc["a"].` for a module.
    pub prefix: String,
    /// The module's key in `.terraform/modules/modules.json` (`api.db`).
    pub module_key: String,
    /// The root module directory, where Terraform runs: relative paths in
    /// `file()` and `templatefile()` are read from there.
    pub root_dir: PathBuf,
    /// `path.module`: this module's directory relative to the root
    /// (`.`, `modules/web`, `.terraform/modules/api`).
    pub module_path: PathBuf,
    pub workspace: Option<&'a Workspace>,
    /// `terraform.workspace`, located where its name came from; unset, it
    /// is unknown (a module evaluated without its root).
    pub terraform_workspace: Option<Val>,
    /// Module directories from the root down to this one (cycles, depth).
    pub ancestors: Vec<PathBuf>,
    children: RefCell<HashMap<String, Rc<Evaluator<'a>>>>,
    local_cache: RefCell<HashMap<String, Val>>,
    /// Variables' values converted to their declared types, once each.
    var_cache: RefCell<HashMap<String, Val>>,
    in_progress: RefCell<HashSet<String>>,
    files: RefCell<HashMap<PathBuf, Result<Arc<SourceFile>, String>>>,
    templates: RefCell<HashMap<PathBuf, ParsedTemplate>>,
    depth: std::cell::Cell<usize>,
    /// The root's budget, shared with every module instance under it.
    pub meter: Rc<crate::budget::Meter>,
    /// Instances of each module call, worked out once however often its
    /// outputs are read.
    call_instances: RefCell<HashMap<String, Instances>>,
    /// `data "template_file"` renderings, by name and instance key, and the
    /// ones being rendered (a template that renders itself).
    rendered: RefCell<HashMap<String, Val>>,
    rendering: RefCell<HashSet<String>>,
    /// Inside `templatefile()`: Terraform refuses to call it again there.
    pub in_templatefile: std::cell::Cell<bool>,
    /// For a root: the tfvars files beside it that Terraform does not load
    /// unless named with `-var-file`, by the variables each sets.
    pub unloaded_var_files: super::UnloadedVarFiles,
    /// Module calls and resources used as whole values (see `collections`).
    pub(super) wholes: super::collections::Wholes,
}

impl<'a> Evaluator<'a> {
    pub fn new(files: &'a [ParsedFile], module_dir: PathBuf, repo_root: PathBuf) -> Evaluator<'a> {
        let mut ev = Evaluator {
            module_dir,
            repo_root,
            variables: HashMap::new(),
            inputs: HashMap::new(),
            locals: HashMap::new(),
            resources: HashMap::new(),
            data: HashMap::new(),
            calls: HashMap::new(),
            outputs: HashMap::new(),
            prefix: String::new(),
            module_key: String::new(),
            root_dir: PathBuf::new(),
            module_path: PathBuf::from("."),
            workspace: None,
            terraform_workspace: None,
            ancestors: Vec::new(),
            children: RefCell::default(),
            local_cache: RefCell::default(),
            var_cache: RefCell::default(),
            in_progress: RefCell::default(),
            files: RefCell::default(),
            templates: RefCell::default(),
            depth: std::cell::Cell::new(0),
            meter: Rc::default(),
            call_instances: RefCell::default(),
            rendered: RefCell::default(),
            rendering: RefCell::default(),
            in_templatefile: std::cell::Cell::new(false),
            unloaded_var_files: super::UnloadedVarFiles::default(),
            wholes: Default::default(),
        };
        for file in files {
            for block in file.top_blocks() {
                match (block.kind, block.labels.as_slice()) {
                    ("variable", [name]) => {
                        // The type as written (`string`, `number`, `list(string)`).
                        let declared_type = block.body.attr("type").map(|t| match t {
                            ExprRef::Hcl(..) => t
                                .location()
                                .map(|l| l.snippet().to_string())
                                .unwrap_or_default(),
                            ExprRef::Json(n, _) => n.as_str().unwrap_or("").to_string(),
                        });
                        ev.variables.insert(
                            name,
                            VarDecl {
                                default: block.body.attr("default"),
                                declared_type,
                                type_expr: block.body.attr("type"),
                                nullable: block.body.attr("nullable"),
                            },
                        );
                    }
                    ("locals", []) => {
                        for (name, expr, _) in block.body.attributes() {
                            ev.locals.insert(name, expr);
                        }
                    }
                    ("resource", [rtype, name]) => {
                        let ignore =
                            super::comments::for_block(&file.directives, &file.source, &block);
                        ev.resources.insert(
                            (rtype, name),
                            ResourceDecl {
                                rtype,
                                name,
                                body: block.body,
                                at: block.at.clone(),
                                ignore,
                            },
                        );
                    }
                    ("data", [dtype, name]) => {
                        ev.data.insert((dtype, name), block.body);
                    }
                    ("module", [name]) => {
                        ev.calls.insert(
                            name,
                            CallDecl {
                                body: block.body,
                                source: super::modules::call_source(block.body),
                                at: block.at.clone(),
                            },
                        );
                    }
                    ("output", [name]) => {
                        if let Some(v) = block.body.attr("value") {
                            ev.outputs.insert(name, v);
                        }
                    }
                    _ => {}
                }
            }
        }
        ev.root_dir = ev.module_dir.clone();
        ev
    }

    // ----- modules ---------------------------------------------------------

    /// Instances of a resource or module call: `[0]`, `[1]` for `count`;
    /// `["key"]` for `for_each`; one unnamed instance otherwise. `what`
    /// names it (`aws_lb.x`, `module.api`) for the report when the instance
    /// cap cuts it: a resource is then analysed once with its instance key
    /// unknown, a module call not at all.
    pub fn instances_of(&self, body: BodyRef<'_>, what: &str) -> Vec<(String, Scope)> {
        let base = Scope::default();
        let at = body
            .attr("count")
            .or_else(|| body.attr("for_each"))
            .and_then(|e| e.location());
        let all = self.expand(body, &base, self.meter.room());
        let n = match &all {
            Ok(v) => v.len(),
            Err(n) => *n,
        };
        match all {
            // `take_instances` also remembers the cut for the report.
            Ok(v) if self.meter.take_instances(n, what, &at) => v,
            Err(n) if self.meter.take_instances(n, what, &at) => Vec::new(),
            _ if what.starts_with("module.") => Vec::new(),
            _ => {
                let hole = Val::unknown(crate::budget::instance_reason(), at);
                let scope = if body.attr("count").is_some() {
                    base.with("count", map1("index", hole))
                } else {
                    base.with("each", hole)
                };
                vec![(String::new(), scope)]
            }
        }
    }

    /// The instances of `count` / `for_each`; `Err(n)` when there are more
    /// than the instance cap allows, without making them.
    fn expand(
        &self,
        body: BodyRef<'_>,
        base: &Scope,
        room: usize,
    ) -> Result<Vec<(String, Scope)>, usize> {
        if let Some(count) = self.eval_attr(body, "count", base) {
            return match count.to_number() {
                Ok(n) => {
                    let n = match crate::budget::whole(n.max(0.0), room as u64) {
                        Ok(n) => n as usize,
                        Err(_) if n.is_finite() && n > 0.0 => return Err(usize::MAX),
                        // Terraform rejects these; analyse the configuration once.
                        Err(_) => 1,
                    };
                    Ok((0..n)
                        .map(|i| {
                            let idx = Val::new(Kind::Number(i as f64), None);
                            (format!("[{i}]"), base.with("count", map1("index", idx)))
                        })
                        .collect())
                }
                // Unknown count: analyse the configuration once.
                Err(_) => Ok(vec![(
                    String::new(),
                    base.with("count", map1("index", Val::new(Kind::Number(0.0), None))),
                )]),
            };
        }
        if let Some(each) = self.eval_attr(body, "for_each", base) {
            let pairs: Vec<(Val, Val)> = match &each.kind {
                Kind::Map(m) if m.len() > room => return Err(m.len()),
                Kind::List(items) if items.len() > room => {
                    return Err(items.len());
                }
                Kind::Map(m) => m
                    .iter()
                    .map(|(k, v)| (Val::str(k.clone(), None), v.clone()))
                    .collect(),
                Kind::List(items) => items.iter().map(|v| (v.clone(), v.clone())).collect(),
                // Unknown for_each: analyse the configuration once; `each.key` and
                // `each.value` are unknown for the same reason.
                _ => return Ok(vec![(String::new(), base.with("each", each))]),
            };
            return Ok(pairs
                .into_iter()
                .map(|(k, v)| {
                    let mut m = BTreeMap::new();
                    m.insert("key".to_string(), k.clone());
                    m.insert("value".to_string(), v);
                    (instance_suffix(&k), base.with("each", Val::map(m, None)))
                })
                .collect());
        }
        Ok(vec![(String::new(), base.clone())])
    }

    /// The instances of the module call `name`, worked out once.
    pub fn call_instances(&self, name: &str) -> Instances {
        if let Some(i) = self.call_instances.borrow().get(name) {
            return i.clone();
        }
        let found = match self.calls.get(name) {
            Some(call) => {
                Rc::new(self.instances_of(call.body, &format!("{}module.{name}", self.prefix)))
            }
            None => Rc::new(Vec::new()),
        };
        self.call_instances
            .borrow_mut()
            .insert(name.to_string(), found.clone());
        found
    }

    /// The evaluator of one instance of a module call, its variables set from
    /// the call's arguments. `Err` says why the module cannot be read.
    pub fn child(
        &self,
        name: &str,
        suffix: &str,
        scope: &Scope,
    ) -> Result<Rc<Evaluator<'a>>, String> {
        let key = format!("{name}{suffix}");
        if let Some(c) = self.children.borrow().get(&key) {
            return Ok(c.clone());
        }
        let call = self
            .calls
            .get(name)
            .ok_or_else(|| format!("module.{name} is not declared in this module"))?;
        let Some(ws) = self.workspace else {
            return Err(format!("module.{name} is not loaded"));
        };
        if self.ancestors.len() >= super::modules::MAX_NESTING {
            return Err(format!(
                "module.{name} is nested more than {} modules deep",
                super::modules::MAX_NESTING
            ));
        }
        let source = call
            .source
            .clone()
            .ok_or_else(|| format!("module.{name} has no source"))?;
        let module_key = if self.module_key.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.module_key)
        };
        // Local sources are relative to this module; downloaded ones to the
        // root that ran `terraform init`.
        // `module_path` becomes the child's `path.module`.
        let (base, written, module_path) = if super::modules::is_local_source(
            &self.module_dir,
            &source,
        ) {
            let written = PathBuf::from(&source);
            (
                &self.module_dir,
                written.clone(),
                self.module_path.join(written),
            )
        } else {
            let dir = ws.downloaded(&self.root_dir, &module_key).ok_or_else(|| {
                format!(
                    "module.{name} comes from \"{source}\", which is not downloaded: run `terraform init` in {} so that keepalign can read .terraform/modules",
                    crate::source::display_path(&self.root_dir)
                )
            })?;
            (&self.root_dir, dir.clone(), dir)
        };
        let canonical = crate::input::confine(base, &written, &self.repo_root)
            .readable(&format!("module.{name}: its source \"{source}\""))?;
        if self.ancestors.contains(&canonical) {
            return Err(format!("module.{name} calls itself (a module cycle)"));
        }
        let files = ws
            .get(&canonical)
            .ok_or_else(|| format!("module.{name}: its source \"{source}\" was not loaded"))?;
        let mut child = Evaluator::new(&files.files, files.dir.clone(), files.repo_root.clone());
        child.prefix = format!("{}module.{name}{suffix}.", self.prefix);
        child.module_key = module_key;
        child.root_dir = self.root_dir.clone();
        child.module_path = crate::input::lexically_normal(&module_path);
        child.workspace = self.workspace;
        child.terraform_workspace = self.terraform_workspace.clone();
        child.meter = self.meter.clone();
        child.ancestors = self.ancestors.clone();
        child.ancestors.push(canonical);
        let arguments = self.wholes.setting_arguments(name);
        for (arg, expr, _) in call.body.attributes() {
            if !MODULE_META_ARGS.contains(&arg) {
                child
                    .inputs
                    .insert(arg.to_string(), self.eval_ref(expr, scope));
            }
        }
        drop(arguments);
        let child = Rc::new(child);
        self.children.borrow_mut().insert(key, child.clone());
        Ok(child)
    }

    pub(super) fn output(&self, name: &str, at: Option<Location>) -> Val {
        match self.outputs.get(name) {
            Some(e) => self.eval_ref(*e, &Scope::default()),
            None => Val::error(
                format!("{}{name} is not an output of the module", self.prefix),
                at,
            ),
        }
    }

    /// `module.NAME[KEY].OUTPUT`: the output of that instance.
    fn module_value(
        &self,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        src: &Src,
        scope: &Scope,
        at: Option<Location>,
    ) -> (Val, usize) {
        let attr = |i: usize| match ops.get(i).map(|o| o.value()) {
            Some(TraversalOperator::GetAttr(n)) => Some(n.as_str()),
            _ => None,
        };
        let Some(name) = attr(0) else {
            return (
                Val::error("module must be followed by a module name", at),
                0,
            );
        };
        if !self.calls.contains_key(name) {
            return (
                Val::error(format!("module.{name} is not declared in this module"), at),
                1,
            );
        }
        // `module.c` as a whole, or `module.c[*]`: the splat then applies
        // to the whole value.
        if let None | Some(TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_)) =
            ops.get(1).map(|o| o.value())
        {
            return (self.module_whole(name, at), 1);
        }
        let instances = self.call_instances(name);
        if instances.is_empty() {
            return (Val::unknown(crate::budget::instance_reason(), at), 1);
        }
        let (key, consumed) = match ops.get(1).map(|o| o.value()) {
            Some(TraversalOperator::Index(ie)) => (Some(self.eval(ie, src, scope)), 2),
            Some(TraversalOperator::LegacyIndex(n)) => {
                (Some(Val::new(Kind::Number(*n.value() as f64), None)), 2)
            }
            _ => (None, 1),
        };
        let suffix = match &key {
            Some(k) if k.hole().is_some() => return (k.clone(), consumed),
            Some(k) => instance_suffix(k),
            None => String::new(),
        };
        let Some((suffix, iscope)) = instances
            .iter()
            .find(|(s, _)| *s == suffix || s.is_empty())
            .cloned()
        else {
            return (
                Val::error(
                    format!("module.{name}{suffix} is not an instance of the module"),
                    at,
                ),
                consumed,
            );
        };
        let Some(output) = attr(consumed) else {
            return (self.module_instance(name, &suffix, &iscope, at), consumed);
        };
        match self.child(name, &suffix, &iscope) {
            Ok(child) => (child.output(output, at), consumed + 1),
            Err(reason) => (Val::unknown(reason, at), consumed + 1),
        }
    }

    // ----- entry points -------------------------------------------------

    pub fn eval_ref(&self, e: ExprRef<'_>, scope: &Scope) -> Val {
        match e {
            ExprRef::Hcl(expr, f) => self.eval(expr, &Src::file(f), scope),
            ExprRef::Json(node, f) => self.eval_json(node, f, scope),
        }
    }

    pub fn eval_attr(&self, body: BodyRef<'_>, name: &str, scope: &Scope) -> Option<Val> {
        body.attr(name).map(|e| self.eval_ref(e, scope))
    }

    pub fn variable(&self, name: &str, at: Option<Location>) -> Val {
        if let Some(v) = self.var_cache.borrow().get(name) {
            return v.clone();
        }
        let decl = self.variables.get(name);
        let given = self.inputs.get(name);
        let default = decl.and_then(|d| d.default);
        let raw = match (given, default) {
            // `nullable = false`: a null given is the default.
            (Some(v), Some(d)) if v.is_null() && decl.is_some_and(|d| !self.nullable(d)) => {
                self.eval_ref(d, &Scope::default())
            }
            (Some(v), _) => v.clone(),
            // A null default is a value (often used with coalesce/try).
            (None, Some(d)) => self.eval_ref(d, &Scope::default()),
            (None, None) if decl.is_some() => return Val::unknown(self.no_value(name), at),
            (None, None) => {
                return Val::error(format!("var.{name} is not declared in this module"), at);
            }
        };
        // Given values and the default alike are converted to the type.
        let v = match decl.and_then(|d| d.type_expr) {
            Some(t) => match super::types::declared(self, t) {
                Some(ty) => super::types::convert(self, raw, &ty),
                None => raw,
            },
            None => raw,
        };
        self.var_cache
            .borrow_mut()
            .insert(name.to_string(), v.clone());
        v
    }

    /// Forget variables' values worked out so far (after `inputs` changes).
    pub fn forget_variables(&self) {
        self.var_cache.borrow_mut().clear();
    }

    /// Whether a variable may be null: `nullable` unless it is a known false.
    fn nullable(&self, d: &VarDecl<'_>) -> bool {
        d.nullable
            .is_none_or(|e| !matches!(self.eval_ref(e, &Scope::default()).to_bool(), Ok(false)))
    }

    /// A data source that reads back a load balancer, listener or target
    /// group this configuration creates (`data "aws_lb_target_group" "t" {
    /// arn = aws_lb_target_group.t.arn }`, or `name = aws_lb.x.name`) stands
    /// for that resource: its `arn`, `id`, `name` or `arn_suffix` is the resource's,
    /// which the linker follows. Anything else stays a value from AWS.
    fn read_back(
        &self,
        dtype: &str,
        body: BodyRef<'_>,
        field: &str,
        at: Option<Location>,
    ) -> Option<Val> {
        const READ_BACK: &[&str] = &[
            "aws_lb",
            "aws_alb",
            "aws_lb_listener",
            "aws_alb_listener",
            "aws_lb_target_group",
            "aws_alb_target_group",
        ];
        if !READ_BACK.contains(&dtype) || !matches!(field, "arn" | "id" | "name" | "arn_suffix") {
            return None;
        }
        let by = ["arn", "name"]
            .into_iter()
            .find_map(|a| Some((a, self.eval_attr(body, a, &Scope::default())?)))?;
        // A literal name may be any load balancer in the account: only a
        // reference says which resource it is.
        let Kind::Unknown(h) = &by.1.kind else {
            return None;
        };
        let r = h.reference.as_ref()?;
        // Only a resource of this configuration, not another data source.
        if r.address.contains("data.") || r.scope.is_some() {
            return None;
        }
        Some(Val::reference(
            r.address.clone(),
            field.to_string(),
            format!("{}.{field} is known only when Terraform runs", r.address),
            at,
        ))
    }

    /// Why a variable with no default has no value, and how to give it one.
    fn no_value(&self, name: &str) -> String {
        if !self.prefix.is_empty() {
            let call = self.prefix.trim_end_matches('.');
            return format!(
                "var.{name} has no default and {call} passes no value for it (Terraform requires \
                 one: set `{name}` in the module block)"
            );
        }
        let unloaded = self.unloaded_var_files.by_variable();
        match unloaded.get(name).map(Vec::as_slice) {
            Some(all @ [first, rest @ ..]) => {
                const SHOWN: usize = 3;
                let files = match all.len() {
                    1 => first.clone(),
                    n if n <= SHOWN => {
                        format!("{} and {}", all[..n - 1].join(", "), all[n - 1])
                    }
                    n => format!("{} and {} more", all[..SHOWN].join(", "), n - SHOWN),
                };
                format!(
                    "var.{name} has no default and no value was given; {files} {} it, which \
                     Terraform reads only when named (pass --var-file {first}, or --var {name}=VALUE)",
                    if rest.is_empty() { "sets" } else { "set" }
                )
            }
            _ => format!(
                "var.{name} has no default and no value was given (set it in terraform.tfvars or \
                 pass --var {name}=VALUE)"
            ),
        }
    }

    fn local(&self, name: &str, at: Option<Location>) -> Val {
        if let Some(v) = self.local_cache.borrow().get(name) {
            return v.clone();
        }
        let Some(expr) = self.locals.get(name).copied() else {
            return Val::error(format!("local.{name} is not declared in this module"), at);
        };
        if !self.in_progress.borrow_mut().insert(name.to_string()) {
            return Val::error(format!("local.{name} refers to itself"), at);
        }
        let v = self.eval_ref(expr, &Scope::default());
        self.in_progress.borrow_mut().remove(name);
        self.local_cache
            .borrow_mut()
            .insert(name.to_string(), v.clone());
        v
    }

    // ----- Terraform JSON syntax ---------------------------------------

    fn eval_json(&self, node: &JsonNode, f: &Arc<SourceFile>, scope: &Scope) -> Val {
        let at = Some(Location::new(f, node.span.clone()));
        match &node.kind {
            JsonKind::Null => Val::new(Kind::Null, at),
            JsonKind::Bool(b) => Val::new(Kind::Bool(*b), at),
            JsonKind::Number(n) => Val::new(Kind::Number(*n), at),
            JsonKind::String { value, raw } => match hcl_edit::parser::parse_template(value) {
                Ok(t) => {
                    self.eval_template(&t, &json_string_src(value, raw, f), scope, (false, false))
                }
                Err(_) => Val::str(value.clone(), Some(Location::new(f, raw.clone()))),
            },
            JsonKind::Array(items) => Val::list(
                items.iter().map(|i| self.eval_json(i, f, scope)).collect(),
                at,
            ),
            JsonKind::Object(members) => Val::map(
                members
                    .iter()
                    .filter(|m| m.key != "//")
                    .map(|m| (m.key.clone(), self.eval_json(&m.value, f, scope)))
                    .collect(),
                at,
            ),
            JsonKind::Hole(_) => Val::error("unexpected placeholder", at),
        }
    }

    // ----- native syntax --------------------------------------------------

    pub fn eval(&self, e: &Expression, src: &Src, scope: &Scope) -> Val {
        let d = self.depth.get();
        if d > MAX_DEPTH {
            return Val::unknown(
                format!(
                    "not evaluated: expressions (through locals, templates and module outputs) nest more than {MAX_DEPTH} deep, keepalign's evaluation depth limit"
                ),
                src.loc(e.span()),
            );
        }
        if let Err(limit) = self.meter.charge(1, 0, || src.loc(e.span())) {
            return self.meter.cut(limit, src.loc(e.span()));
        }
        self.depth.set(d + 1);
        let v = self.eval_inner(e, src, scope);
        self.depth.set(d);
        // What the value adds (a new string or collection).
        match self
            .meter
            .charge(0, crate::budget::added_size(&v), || src.loc(e.span()))
        {
            Ok(()) => v,
            Err(limit) => self.meter.cut(limit, src.loc(e.span())),
        }
    }

    /// Whether a string of `bytes` fits the root's budget, checked before
    /// it is made.
    pub fn fits(&self, bytes: u64, at: &Option<Location>) -> Result<(), Val> {
        self.meter
            .fits(bytes, || at.clone())
            .map_err(|limit| self.meter.cut(limit, at.clone()))
    }

    /// Count `work` steps of the root's budget at `at`; `Err` is the
    /// unknown value to give instead when the budget is spent.
    pub fn charge(&self, work: u64, bytes: u64, at: &Option<Location>) -> Result<(), Val> {
        self.meter
            .charge(work, bytes, || at.clone())
            .map_err(|limit| self.meter.cut(limit, at.clone()))
    }

    fn eval_inner(&self, e: &Expression, src: &Src, scope: &Scope) -> Val {
        let at = src.loc(e.span());
        match e {
            Expression::Null(_) => Val::new(Kind::Null, at),
            Expression::Bool(b) => Val::new(Kind::Bool(*b.value()), at),
            Expression::Number(n) => Val::new(Kind::Number(n.value().as_f64().unwrap_or(0.0)), at),
            Expression::String(s) => {
                // The span of a quoted string includes its quotes. The contents
                // are located on their own: inside a `.tf.json` string a quote
                // is written `\"`, two bytes.
                let inner = e.span().and_then(|sp| {
                    src.loc(Some(
                        sp.start + 1..sp.end.saturating_sub(1).max(sp.start + 1),
                    ))
                });
                let mut t = Text::default();
                t.push_literal(s.value(), inner);
                Val::text(t, at)
            }
            Expression::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    out.push(self.eval(item, src, scope));
                    // The rest would each be the same unknown.
                    if let Some(limit) = self.meter.spent() {
                        return self.meter.cut(limit, at);
                    }
                }
                Val::list(out, at)
            }
            Expression::Object(obj) => {
                let mut m = BTreeMap::new();
                for (k, v) in obj.iter() {
                    let key = match k {
                        ObjectKey::Ident(id) => id.as_str().to_string(),
                        ObjectKey::Expression(ke) => {
                            // `(var.x) = ...` or `"key" = ...`
                            let kv = self.eval(ke, src, scope);
                            match kv.as_known_str() {
                                Some(s) => s.to_string(),
                                None => match kv.to_text() {
                                    Ok(t) if !t.has_holes() => t.s.clone(),
                                    _ => continue,
                                },
                            }
                        }
                    };
                    m.insert(key, self.eval(v.expr(), src, scope));
                    if let Some(limit) = self.meter.spent() {
                        return self.meter.cut(limit, at);
                    }
                }
                Val::map(m, at)
            }
            Expression::StringTemplate(t) => {
                // Quoted templates: spans of literals are already inside the quotes.
                let tpl: &Template = t;
                self.eval_template(tpl, src, scope, (false, false))
                    .with_at(at)
            }
            Expression::HeredocTemplate(h) => self
                .eval_template(&h.template, src, scope, (false, false))
                .with_at(at),
            Expression::Parenthesis(p) => self.eval(p.inner(), src, scope),
            Expression::Variable(v) => self.eval_root(v.as_str(), &[], src, scope, at).0,
            Expression::Traversal(t) => self.eval_traversal(&t.expr, &t.operators, src, scope, at),
            Expression::FuncCall(call) => {
                let name = call.name.name.as_str();
                let args: Vec<Val> = call.args.iter().map(|a| self.eval(a, src, scope)).collect();
                let args = if call.args.expand_final() {
                    expand_final(args)
                } else {
                    args
                };
                let ns: Vec<&str> = call.name.namespace.iter().map(|n| n.as_str()).collect();
                if !ns.is_empty() && ns != ["provider"] && ns != ["core"] {
                    return Val::unknown(
                        format!(
                            "{}::{name}() is a provider function, which keepalign does not evaluate",
                            ns.join("::")
                        ),
                        at,
                    );
                }
                super::functions::call(self, name, args, at)
            }
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr, src, scope);
                match cond.to_bool() {
                    Ok(true) => self.eval(&c.true_expr, src, scope),
                    Ok(false) => self.eval(&c.false_expr, src, scope),
                    Err(h) => h,
                }
            }
            Expression::UnaryOp(u) => {
                let v = self.eval(&u.expr, src, scope);
                match u.operator.value() {
                    UnaryOperator::Neg => match v.to_number() {
                        Ok(n) => Val::new(Kind::Number(-n), at),
                        Err(h) => h,
                    },
                    UnaryOperator::Not => match v.to_bool() {
                        Ok(b) => Val::new(Kind::Bool(!b), at),
                        Err(h) => h,
                    },
                }
            }
            Expression::BinaryOp(b) => {
                let l = self.eval(&b.lhs_expr, src, scope);
                let r = self.eval(&b.rhs_expr, src, scope);
                binary(*b.operator.value(), l, r, at)
            }
            Expression::ForExpr(f) => self.eval_for(f, src, scope, at),
        }
    }

    fn eval_for(
        &self,
        f: &hcl_edit::expr::ForExpr,
        src: &Src,
        scope: &Scope,
        at: Option<Location>,
    ) -> Val {
        let coll = self.eval(&f.intro.collection_expr, src, scope);
        let pairs = match (coll.iteration_pairs(), &coll.kind) {
            (Some(p), _) => p,
            (None, Kind::Unknown(_)) => return coll,
            (None, _) => {
                return Val::error(format!("cannot iterate over a {}", coll.type_name()), at);
            }
        };
        if let Err(v) = self.charge(pairs.len() as u64, 0, &at) {
            return v;
        }
        let key_var = f.intro.key_var.as_ref().map(|k| k.as_str());
        let value_var = f.intro.value_var.as_str();
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Val> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Val>> = BTreeMap::new();
        for (k, v) in pairs {
            let mut s = scope.with(value_var, v);
            if let Some(kv) = key_var {
                s = s.with(kv, k);
            }
            // An unknown condition (`if v != null` where `v` is unknown)
            // keeps the entry: known at apply, it should not take the known
            // entries with it. The entry's value is then only known to be
            // there if the condition holds, so a known value becomes unknown
            // (no finding on an element that may not exist), while a value
            // that is itself unknown keeps its own reason (often the very
            // reason the condition is unknown, or a reference to follow). In
            // a list this keeps the later elements at their places; the list
            // may be one element too long, which is less wrong than dropping
            // what is known. An error stays an error, as in Terraform.
            let mut kept_unknown = None;
            if let Some(cond) = &f.cond {
                match self.eval(&cond.expr, src, &s).to_bool() {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(h) if h.is_error() => return h,
                    Err(h) => kept_unknown = Some(h),
                }
            }
            let mut value = self.eval(&f.value_expr, src, &s);
            if let Some(h) = kept_unknown
                && value.hole().is_none()
            {
                let why = h.hole().map(|h| h.reason.clone()).unwrap_or_default();
                value = Val::unknown(
                    format!(
                        "kept only if a for expression's condition holds, which is not known: {why}"
                    ),
                    value.at.clone().or(h.at.clone()),
                );
            }
            match &f.key_expr {
                None => list.push(value),
                Some(ke) => {
                    let key = self.eval(ke, src, &s);
                    let Some(key) = key
                        .to_text()
                        .ok()
                        .filter(|t| !t.has_holes())
                        .map(|t| t.s.clone())
                    else {
                        return Val::unknown("a for expression's key is not known", at);
                    };
                    if f.grouping {
                        groups.entry(key).or_default().push(value);
                    } else {
                        map.insert(key, value);
                    }
                }
            }
        }
        if f.key_expr.is_none() {
            Val::list(list, at)
        } else if f.grouping {
            Val::map(
                groups
                    .into_iter()
                    .map(|(k, v)| (k, Val::list(v, None)))
                    .collect(),
                at,
            )
        } else {
            Val::map(map, at)
        }
    }

    /// `root.op.op...` where the root is a variable-like name.
    fn eval_traversal(
        &self,
        root: &Expression,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        src: &Src,
        scope: &Scope,
        at: Option<Location>,
    ) -> Val {
        let (mut v, consumed) = match root {
            Expression::Variable(name) => {
                self.eval_root(name.as_str(), ops, src, scope, at.clone())
            }
            other => (self.eval(other, src, scope), 0),
        };
        let mut i = consumed;
        while i < ops.len() {
            let op = ops[i].value();
            v = match op {
                TraversalOperator::GetAttr(name) => get_key(&v, name.as_str(), at.clone()),
                TraversalOperator::Index(ie) => {
                    let idx = self.eval(ie, src, scope);
                    index(&v, &idx, at.clone())
                }
                TraversalOperator::LegacyIndex(n) => index(
                    &v,
                    &Val::new(Kind::Number(*n.value() as f64), None),
                    at.clone(),
                ),
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    // Apply the rest of the traversal to every element.
                    let rest = &ops[i + 1..];
                    let items = match &v.kind {
                        Kind::List(items) => items.to_vec(),
                        Kind::Null => Vec::new(),
                        Kind::Unknown(_) => return v,
                        _ => vec![v.clone()],
                    };
                    let mapped = items
                        .into_iter()
                        .map(|item| {
                            let mut x = item;
                            for op in rest {
                                x = match op.value() {
                                    TraversalOperator::GetAttr(n) => {
                                        get_key(&x, n.as_str(), at.clone())
                                    }
                                    TraversalOperator::Index(ie) => {
                                        index(&x, &self.eval(ie, src, scope), at.clone())
                                    }
                                    TraversalOperator::LegacyIndex(n) => index(
                                        &x,
                                        &Val::new(Kind::Number(*n.value() as f64), None),
                                        at.clone(),
                                    ),
                                    _ => x,
                                };
                            }
                            x
                        })
                        .collect();
                    return Val::list(mapped, at);
                }
            };
            i += 1;
        }
        v
    }

    /// Evaluate a root name and as many traversal operators as it needs;
    /// returns the value and how many operators were consumed.
    fn eval_root(
        &self,
        name: &str,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        src: &Src,
        scope: &Scope,
        at: Option<Location>,
    ) -> (Val, usize) {
        if let Some(v) = scope.get(name) {
            return (v.clone(), 0);
        }
        let attr = |i: usize| match ops.get(i).map(|o| o.value()) {
            Some(TraversalOperator::GetAttr(n)) => Some(n.as_str()),
            _ => None,
        };
        if scope.template_only {
            return (
                Val::error(
                    format!("\"{name}\" is not one of the variables passed to the template"),
                    at,
                ),
                0,
            );
        }
        match name {
            "var" => match attr(0) {
                Some(n) => (self.variable(n, at), 1),
                None => (Val::error("var must be followed by a variable name", at), 0),
            },
            "local" => match attr(0) {
                Some(n) => (self.local(n, at), 1),
                None => (Val::error("local must be followed by a name", at), 0),
            },
            "path" => {
                // As Terraform sets them when it runs in the root directory.
                let p = match attr(0) {
                    Some("module") => slash_path(&self.module_path),
                    Some("root") => ".".to_string(),
                    Some("cwd") => slash_path(
                        &self
                            .root_dir
                            .canonicalize()
                            .unwrap_or_else(|_| self.root_dir.clone()),
                    ),
                    _ => return (Val::error("unknown path attribute", at), 1),
                };
                (Val::text(Text::plain(p), at), 1)
            }
            "terraform" => match (attr(0), &self.terraform_workspace) {
                (Some("workspace"), Some(w)) => (w.clone(), 1),
                (a, _) => (
                    Val::unknown(
                        format!(
                            "terraform.{} is only known when Terraform runs",
                            a.unwrap_or("")
                        ),
                        at,
                    ),
                    1,
                ),
            },
            "module" => self.module_value(ops, src, scope, at),
            "data" => {
                let (Some(dtype), Some(dname)) = (attr(0), attr(1)) else {
                    return (Val::error("incomplete data source reference", at), 0);
                };
                let mut consumed = 2;
                let mut address = format!("{}data.{dtype}.{dname}", self.prefix);
                let mut key = None;
                if let Some(op) = ops.get(2)
                    && let TraversalOperator::Index(ie) = op.value()
                {
                    let k = self.eval(ie, src, scope);
                    address.push_str(&instance_suffix(&k));
                    key = Some(k);
                    consumed += 1;
                }
                let field = attr(consumed).unwrap_or("");
                if dtype == "template_file" && field == "rendered" {
                    return (self.render_template_file(dname, key, at), consumed + 1);
                }
                let Some(body) = self.data.get(&(dtype, dname)).copied() else {
                    return (
                        Val::error(format!("{address} is not declared in this module"), at),
                        consumed,
                    );
                };
                if key.is_none()
                    && let Some(v) = self.read_back(dtype, body, field, at.clone())
                {
                    return (v, consumed + 1);
                }
                (
                    Val::reference(
                        address.clone(),
                        field.to_string(),
                        format!(
                            "{address}.{field} is read from AWS by a data source when Terraform runs"
                        ),
                        at,
                    ),
                    consumed + usize::from(!field.is_empty()),
                )
            }
            "count" | "each" | "self" => {
                (Val::error(format!("{name} is not available here"), at), 0)
            }
            rtype => {
                let Some(rname) = attr(0) else {
                    return (Val::error(format!("unknown name \"{rtype}\""), at), 0);
                };
                if !self.resources.contains_key(&(rtype, rname)) {
                    return (
                        Val::error(
                            format!("{rtype}.{rname} is not declared in this module"),
                            at,
                        ),
                        1,
                    );
                }
                // A resource with `count` or `for_each` as a whole (or its
                // `[*]`, a list with `count`): its instances.
                let whole_used = match ops.get(1).map(|o| o.value()) {
                    None => true,
                    Some(TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_)) => self
                        .resources
                        .get(&(rtype, rname))
                        .is_some_and(|d| d.body.attr("count").is_some()),
                    _ => false,
                };
                // A splat of instances that are not known stays the
                // `[*]` reference below, a list every link reads.
                if whole_used
                    && let Some(v) = self.resource_whole(rtype, rname, at.clone())
                    && (ops.len() == 1 || v.hole().is_none())
                {
                    return (v, 1);
                }
                let mut address = format!("{}{rtype}.{rname}", self.prefix);
                let mut consumed = 1;
                match ops.get(1).map(|o| o.value()) {
                    Some(TraversalOperator::Index(ie)) => {
                        let k = self.eval(ie, src, scope);
                        if let Kind::Unknown(_) = k.kind {
                            return (k, 2);
                        }
                        address.push_str(&instance_suffix(&k));
                        consumed = 2;
                    }
                    Some(TraversalOperator::LegacyIndex(n)) => {
                        address.push_str(&format!("[{}]", n.value()));
                        consumed = 2;
                    }
                    Some(TraversalOperator::AttrSplat(_))
                    | Some(TraversalOperator::FullSplat(_)) => {
                        let field = attr(2).unwrap_or("id");
                        let v = Val::reference(
                            format!("{address}[*]"),
                            field.to_string(),
                            format!("{address}[*].{field} is known only after apply"),
                            at.clone(),
                        );
                        return (Val::list(vec![v], at), 3.min(ops.len()));
                    }
                    _ => {}
                }
                // One instance as a whole (`aws_lb_target_group.tg["api"]`
                // passed to a module that reads its `arn`).
                if consumed == 2 && attr(2).is_none() {
                    let whole = super::collections::whole_instance(address, at);
                    return (whole, 2);
                }
                let field = attr(consumed).unwrap_or("id");
                (
                    Val::reference(
                        address.clone(),
                        field.to_string(),
                        format!("{address}.{field} is known only after apply"),
                        at,
                    ),
                    consumed + 1,
                )
            }
        }
    }

    // ----- templates -------------------------------------------------------

    /// Evaluate a template. `trim` says whether the first literal's leading
    /// and the last literal's trailing whitespace are stripped by `~` markers
    /// of the enclosing directive.
    pub fn eval_template(&self, t: &Template, src: &Src, scope: &Scope, trim: (bool, bool)) -> Val {
        let elements: Vec<&Element> = t.iter().collect();
        // A template that is one interpolation yields the value itself, not a string.
        if let [Element::Interpolation(i)] = elements.as_slice() {
            return self.eval(&i.expr, src, scope);
        }
        let mut text = Text::default();
        for (i, el) in elements.iter().enumerate() {
            // Literal text is copied into the result, and a `for` directive
            // repeats its body: both count.
            let bytes = match el {
                Element::Literal(lit) => lit.value().len() as u64,
                _ => 0,
            };
            if let Err(limit) = self.meter.charge(1, bytes, || src.loc(t.span())) {
                if let Kind::Unknown(hole) = self.meter.cut(limit, src.loc(t.span())).kind {
                    text.push_hole(hole);
                }
                break;
            }
            match el {
                Element::Literal(lit) => {
                    let strip_start = (i == 0 && trim.0)
                        || i.checked_sub(1).is_some_and(|p| strips_after(elements[p]));
                    let strip_end = (i + 1 == elements.len() && trim.1)
                        || elements.get(i + 1).is_some_and(|n| strips_before(n));
                    let full: &str = lit.value();
                    let mut s = full;
                    let mut offset = 0;
                    if strip_start {
                        let trimmed = s.trim_start();
                        offset = s.len() - trimmed.len();
                        s = trimmed;
                    }
                    if strip_end {
                        s = s.trim_end();
                    }
                    let at = lit.span().and_then(|sp| src.loc(Some(sp)));
                    let at = at.map(|l| {
                        if l.snippet() == full {
                            Location::new(
                                &l.file,
                                l.span.start + offset..l.span.start + offset + s.len(),
                            )
                        } else {
                            l
                        }
                    });
                    match src {
                        // Literal text of a mapped template: its own pieces of
                        // the map (a literal may span several, as a `.tf.json`
                        // string with escapes does), and the holes it still has.
                        Src::Mapped(m) if lit.span().is_some() => {
                            let span = lit.span().unwrap_or(0..0);
                            let start = span.start + offset;
                            let mut sub = Text::default();
                            let part = crate::value::slice_text(m, start..start + s.len());
                            sub.push_text(&part);
                            text.push_text(&sub);
                        }
                        _ => text.push_literal(s, at),
                    }
                }
                Element::Interpolation(interp) => {
                    let v = self.eval(&interp.expr, src, scope);
                    match v.to_text() {
                        Ok(t) => text.push_text(&t),
                        Err(h) => match h.kind {
                            Kind::Unknown(hole) => text.push_hole(hole),
                            _ => text.push_hole(Arc::new(Hole {
                                word: false,
                                reason: "a value in the template could not be turned into a string"
                                    .into(),
                                reference: None,
                                error: true,
                                at: v.at.clone(),
                            })),
                        },
                    }
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(ifd) => {
                        let cond = self.eval(&ifd.if_expr.cond_expr, src, scope);
                        let else_strip_start =
                            ifd.else_expr.as_ref().map(|e| e.strip.strip_start());
                        let endif_start = ifd.endif_expr.strip.strip_start();
                        let chosen = match cond.to_bool() {
                            Ok(true) => Some((
                                &ifd.if_expr.template,
                                (
                                    ifd.if_expr.strip.strip_end(),
                                    else_strip_start.unwrap_or(endif_start),
                                ),
                            )),
                            Ok(false) => ifd
                                .else_expr
                                .as_ref()
                                .map(|e| (&e.template, (e.strip.strip_end(), endif_start))),
                            Err(h) => {
                                if let Kind::Unknown(hole) = h.kind {
                                    text.push_hole(hole);
                                }
                                None
                            }
                        };
                        if let Some((tpl, trim)) = chosen {
                            self.push_template(&mut text, tpl, src, scope, trim);
                        }
                    }
                    Directive::For(ford) => {
                        let coll = self.eval(&ford.for_expr.collection_expr, src, scope);
                        let trim = (
                            ford.for_expr.strip.strip_end(),
                            ford.endfor_expr.strip.strip_start(),
                        );
                        let pairs = match (coll.iteration_pairs(), &coll.kind) {
                            (Some(p), _) => p,
                            (None, Kind::Unknown(h)) => {
                                text.push_hole(h.clone());
                                Vec::new()
                            }
                            (None, _) => Vec::new(),
                        };
                        for (k, v) in pairs {
                            let mut s = scope.with(ford.for_expr.value_var.as_str(), v);
                            if let Some(kv) = &ford.for_expr.key_var {
                                s = s.with(kv.as_str(), k);
                            }
                            self.push_template(&mut text, &ford.for_expr.template, src, &s, trim);
                        }
                    }
                },
            }
        }
        Val::text(text, None)
    }

    fn push_template(
        &self,
        text: &mut Text,
        t: &Template,
        src: &Src,
        scope: &Scope,
        trim: (bool, bool),
    ) {
        let v = self.eval_template_as_text(t, src, scope, trim);
        text.push_text(&v);
    }

    fn eval_template_as_text(
        &self,
        t: &Template,
        src: &Src,
        scope: &Scope,
        trim: (bool, bool),
    ) -> Text {
        let v = self.eval_template(t, src, scope, trim);
        match v.to_text() {
            Ok(t) => Arc::unwrap_or_clone(t),
            Err(h) => {
                let mut t = Text::default();
                if let Kind::Unknown(hole) = h.kind {
                    t.push_hole(hole);
                }
                t
            }
        }
    }

    // ----- files ---------------------------------------------------------------

    /// Read a file named by `file()` / `templatefile()`, confined to the repository.
    pub fn read_file(&self, path: &str, at: &Option<Location>) -> Result<Arc<SourceFile>, Val> {
        let p = Path::new(path);
        // Terraform reads relative paths from the directory it runs in,
        // the root module's, not the calling module's.
        let full = if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.root_dir.join(p)
        };
        if let Some(cached) = self.files.borrow().get(&full) {
            return cached.clone().map_err(|e| Val::unknown(e, at.clone()));
        }
        let result = read_confined(&full, &self.root_dir, p, &self.repo_root, path);
        self.files.borrow_mut().insert(full, result.clone());
        result.map_err(|e| Val::unknown(e, at.clone()))
    }

    /// Parse a file as a template once, however often it is rendered.
    pub fn file_template(&self, file: &Arc<SourceFile>) -> ParsedTemplate {
        if let Some(t) = self.templates.borrow().get(&file.path) {
            return t.clone();
        }
        let parsed = match crate::budget::syntax_fits(&file.text) {
            Ok(()) => hcl_edit::parser::parse_template(&file.text)
                .map(Arc::new)
                .map_err(|e| (e.message().to_string(), e.location().offset())),
            Err(reason) => Err((reason, 0)),
        };
        self.templates
            .borrow_mut()
            .insert(file.path.clone(), parsed.clone());
        parsed
    }

    /// `data "template_file" "x" { template = ..., vars = {...} }` `.rendered`.
    fn render_template_file(&self, name: &str, key: Option<Val>, at: Option<Location>) -> Val {
        // Rendered once per instance; a template that needs its own
        // rendering is a cycle Terraform rejects too.
        let id = format!(
            "{name}{}",
            key.as_ref().map(instance_suffix).unwrap_or_default()
        );
        if let Some(v) = self.rendered.borrow().get(&id) {
            return v.clone();
        }
        if !self.rendering.borrow_mut().insert(id.clone()) {
            return Val::error(
                format!("data.template_file.{id} refers to its own rendering (a cycle)"),
                at,
            );
        }
        let v = self.render_template_file_once(name, key, at);
        self.rendering.borrow_mut().remove(&id);
        self.rendered.borrow_mut().insert(id, v.clone());
        v
    }

    fn render_template_file_once(&self, name: &str, key: Option<Val>, at: Option<Location>) -> Val {
        let Some(body) = self.data.get(&("template_file", name)).copied() else {
            return Val::error(
                format!("data.template_file.{name} is not declared in this module"),
                at,
            );
        };
        let scope = match key {
            Some(k) => Scope::default()
                .with("count", map1("index", k.clone()))
                .with("each", map2(k)),
            None => Scope::default(),
        };
        let Some(template) = self.eval_attr(body, "template", &scope) else {
            return Val::error(format!("data.template_file.{name} has no template"), at);
        };
        let vars = match self.eval_attr(body, "vars", &scope) {
            Some(Val {
                kind: Kind::Map(m), ..
            }) => Arc::unwrap_or_clone(m),
            Some(
                v @ Val {
                    kind: Kind::Unknown(_),
                    ..
                },
            ) => return v,
            // Terraform 0.11 also wrote `vars { name = "web" }` as a block.
            _ => body
                .blocks("vars")
                .iter()
                .flat_map(|b| b.attributes())
                .map(|(k, expr, _)| (k.to_string(), self.eval_ref(expr, &scope)))
                .collect(),
        };
        let text = match template.to_text() {
            Ok(t) => t,
            Err(h) => return h,
        };
        if let Err(reason) = crate::budget::syntax_fits(&text.s) {
            return Val::unknown(format!("data.template_file.{name}: {reason}"), at);
        }
        match hcl_edit::parser::parse_template(&text.s) {
            Ok(t) => self
                .eval_template(
                    &t,
                    &Src::Mapped(text),
                    &Scope::template(vars),
                    (false, false),
                )
                .with_at(at),
            Err(e) => Val::error(
                format!(
                    "data.template_file.{name}: the template does not parse: {}",
                    e.message()
                ),
                text.locate(crate::source::char_at(&text.s, e.location().offset()))
                    .or(at),
            ),
        }
    }
}

/// Read a file for `file()` / `templatefile()` if it lies inside `root`;
/// `full` is the path as reports show it.
fn read_confined(
    full: &Path,
    base: &Path,
    written: &Path,
    root: &Path,
    shown: &str,
) -> Result<Arc<SourceFile>, String> {
    let canonical =
        crate::input::confine(base, written, root).readable(&format!("file \"{shown}\""))?;
    // The one reader: a regular file (a FIFO would hang), capped.
    let text =
        crate::input::read_text(&canonical, crate::input::Within::Repository(root), MAX_READ)
            .map_err(|e| format!("file \"{shown}\": {}", e.message))?;
    Ok(SourceFile::new(full.to_path_buf(), text))
}

/// A path as Terraform shows it, with `/` separators.
fn slash_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

fn strips_before(e: &Element) -> bool {
    match e {
        Element::Literal(_) => false,
        Element::Interpolation(i) => i.strip.strip_start(),
        Element::Directive(d) => match d.as_ref() {
            Directive::If(i) => i.if_expr.strip.strip_start(),
            Directive::For(f) => f.for_expr.strip.strip_start(),
        },
    }
}

fn strips_after(e: &Element) -> bool {
    match e {
        Element::Literal(_) => false,
        Element::Interpolation(i) => i.strip.strip_end(),
        Element::Directive(d) => match d.as_ref() {
            Directive::If(i) => i.endif_expr.strip.strip_end(),
            Directive::For(f) => f.endfor_expr.strip.strip_end(),
        },
    }
}

/// `f(a, b, list...)`: the final argument is expanded into arguments.
fn expand_final(mut args: Vec<Val>) -> Vec<Val> {
    if let Some(last) = args.pop() {
        match last.kind {
            Kind::List(items) => args.extend(Arc::unwrap_or_clone(items)),
            _ => args.push(last),
        }
    }
    args
}

pub fn map1(k: &str, v: Val) -> Val {
    let mut m = BTreeMap::new();
    m.insert(k.to_string(), v);
    Val::map(m, None)
}

/// `each` for a key (sets and maps iterate the same way here).
fn map2(k: Val) -> Val {
    let mut m = BTreeMap::new();
    m.insert("key".to_string(), k.clone());
    m.insert("value".to_string(), k);
    Val::map(m, None)
}

/// `[0]` or `["blue"]`, as Terraform writes instance addresses.
pub fn instance_suffix(k: &Val) -> String {
    match &k.kind {
        Kind::Number(n) => format!("[{}]", *n as i64),
        Kind::Str(t) => format!("[{}]", serde_json::to_string(&t.s).unwrap_or_default()),
        _ => "[?]".to_string(),
    }
}

pub fn get_key(v: &Val, key: &str, at: Option<Location>) -> Val {
    if let Some(attr) = super::collections::attribute_of(v, key, at.clone()) {
        return attr;
    }
    match &v.kind {
        Kind::Map(m) => m
            .get(key)
            .cloned()
            .unwrap_or_else(|| Val::error(format!("the object has no attribute \"{key}\""), at)),
        Kind::Unknown(_) => v.clone(),
        Kind::Null => Val::error(format!("cannot read \"{key}\" of null"), at),
        _ => Val::error(format!("cannot read \"{key}\" of a {}", v.type_name()), at),
    }
}

pub fn index(v: &Val, idx: &Val, at: Option<Location>) -> Val {
    if let Kind::Unknown(_) = idx.kind {
        return idx.clone();
    }
    match &v.kind {
        Kind::List(items) => match idx.to_number() {
            Ok(n) => match crate::budget::whole(n, items.len() as u64) {
                Ok(i) if (i as usize) < items.len() => items[i as usize].clone(),
                _ => Val::error(format!("index {n} is out of range"), at),
            },
            Err(h) => h,
        },
        Kind::Map(_) => match idx.to_text() {
            Ok(t) => get_key(v, &t.s, at),
            Err(h) => h,
        },
        // `instance["arn"]` of a resource instance used as a whole.
        Kind::Unknown(_) => match idx.as_known_str() {
            Some(k) => get_key(v, k, at),
            None => v.clone(),
        },
        _ => Val::error(format!("cannot index a {}", v.type_name()), at),
    }
}

fn binary(op: BinaryOperator, l: Val, r: Val, at: Option<Location>) -> Val {
    use BinaryOperator::*;
    let num = |f: fn(f64, f64) -> f64| match (l.to_number(), r.to_number()) {
        // Division by zero, or past what a float holds: Terraform errors.
        (Ok(a), Ok(b)) if !f(a, b).is_finite() => {
            Val::error("the result is not a finite number", at.clone())
        }
        (Ok(a), Ok(b)) => Val::new(Kind::Number(f(a, b)), at.clone()),
        (Err(h), _) | (_, Err(h)) => h,
    };
    let cmp = |f: fn(f64, f64) -> bool| match (l.to_number(), r.to_number()) {
        (Ok(a), Ok(b)) => Val::new(Kind::Bool(f(a, b)), at.clone()),
        (Err(h), _) | (_, Err(h)) => h,
    };
    match op {
        Plus => num(|a, b| a + b),
        Minus => num(|a, b| a - b),
        Mul => num(|a, b| a * b),
        Div => num(|a, b| a / b),
        Mod => num(|a, b| a % b),
        Less => cmp(|a, b| a < b),
        LessEq => cmp(|a, b| a <= b),
        Greater => cmp(|a, b| a > b),
        GreaterEq => cmp(|a, b| a >= b),
        And | Or => match (l.to_bool(), r.to_bool()) {
            (Ok(a), Ok(b)) => Val::new(Kind::Bool(if op == And { a && b } else { a || b }), at),
            (Ok(false), Err(_)) if op == And => Val::new(Kind::Bool(false), at),
            (Ok(true), Err(_)) if op == Or => Val::new(Kind::Bool(true), at),
            (Err(h), _) | (_, Err(h)) => h,
        },
        Eq | NotEq => {
            if let Some(h) = l.hole().or(r.hole()) {
                return Val::new(Kind::Unknown(h.clone()), at);
            }
            let same = values_equal(&l, &r);
            Val::new(Kind::Bool(if op == Eq { same } else { !same }), at)
        }
    }
}

pub fn values_equal(a: &Val, b: &Val) -> bool {
    match (&a.kind, &b.kind) {
        (Kind::Null, Kind::Null) => true,
        (Kind::Bool(x), Kind::Bool(y)) => x == y,
        (Kind::Number(x), Kind::Number(y)) => x == y,
        (Kind::Str(x), Kind::Str(y)) => x.s == y.s,
        (Kind::List(x), Kind::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| values_equal(a, b))
        }
        (Kind::Map(x), Kind::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((ka, va), (kb, vb))| ka == kb && values_equal(va, vb))
        }
        _ => false,
    }
}
