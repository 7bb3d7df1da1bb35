//! Terraform loader: the `.tf` and `.tf.json` files of one module directory
//! into the model. Parsing uses hcl-edit (for spans); evaluation is our own
//! partial evaluator (`eval`), because findings need provenance and unknowns
//! that a plain evaluator cannot give.

mod collections;
pub mod comments;
pub mod eval;
pub mod functions;
mod lenient;
pub mod modules;
pub mod readers;
mod resources;
pub mod stdlib;
pub mod syntax;
pub mod types;

use crate::discover::Listing;
use crate::input::{self, ReadError};
use crate::model::{InputError, Model, NotChecked, ResourceId};
use crate::parallel;
use crate::source::{Location, SourceFile};
use crate::value::Val;
use eval::{Evaluator, Scope};
use resources::Instance;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use syntax::{ParsedFile, Syntax};

/// Terraform inputs of a root: from the configuration file's `[[root]]`
/// entry, then from the command line, which wins (Terraform's precedence:
/// `terraform.tfvars`, `*.auto.tfvars`, then `-var-file`/`-var` in order).
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    /// `--var NAME=VALUE` and `--var-file FILE` in command-line order:
    /// Terraform applies them in that order, so a later one wins whichever
    /// kind it is.
    pub command_line: Vec<CommandLineInput>,
    /// `--workspace NAME`, else `TF_WORKSPACE`: the workspace
    /// `terraform.workspace` names. Unset, the root's
    /// `.terraform/environment` says, else Terraform's `default`.
    pub workspace: Option<GivenWorkspace>,
    /// `var-files` of the root's `[[root]]` entry in the configuration,
    /// read before the command line's.
    pub config_var_files: Vec<PathBuf>,
    /// `vars` of the root's `[[root]]` entry: name, value (a TOML string's
    /// text, else the value as written), and where the value is written.
    /// A variable of a type other than string reads the written value as an
    /// expression.
    pub config_vars: Vec<(String, String, Location)>,
}

/// One `--var` or `--var-file` of the command line.
#[derive(Clone, Debug, PartialEq)]
pub enum CommandLineInput {
    Var(String, String),
    VarFile(PathBuf),
}

/// A workspace named outside the repository, and by what.
#[derive(Clone, Debug, PartialEq)]
pub struct GivenWorkspace {
    pub name: String,
    /// `--workspace` or `TF_WORKSPACE`: where the value shows it came from.
    pub from: String,
}

impl Inputs {
    /// The `--var`s, in order.
    pub fn vars(&self) -> impl Iterator<Item = (&str, &str)> {
        self.command_line.iter().filter_map(|i| match i {
            CommandLineInput::Var(k, v) => Some((k.as_str(), v.as_str())),
            CommandLineInput::VarFile(_) => None,
        })
    }

    /// The `--var-file`s, in order.
    pub fn var_files(&self) -> impl Iterator<Item = &PathBuf> {
        self.command_line.iter().filter_map(|i| match i {
            CommandLineInput::VarFile(f) => Some(f),
            CommandLineInput::Var(..) => None,
        })
    }
}

/// By the name's bytes, so a name that is not UTF-8 is still recognised
/// (and reported).
pub fn is_terraform_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.as_encoded_bytes())
        .unwrap_or(b"");
    name.ends_with(b".tf") || name.ends_with(b".tf.json")
}

/// Parse one `.tf` / `.tf.json` / `.tfvars` file.
pub fn parse_file(path: &Path, within: input::Within<'_>) -> Result<ParsedFile, InputError> {
    let source = input::read_source(path, within).map_err(|e| read_error(path, e))?;
    parse_source(source)
}

pub(crate) fn read_error(path: &Path, e: ReadError) -> InputError {
    InputError {
        file: crate::source::display_path(path),
        message: e.message,
        at: None,
        line_col: e.line_col.or(Some((1, 1))),
    }
}

/// Terraform files larger than this are reported, not parsed, whatever
/// their syntax cost. Hand-written Terraform files are kilobytes; generated
/// `.tf.json` rarely passes a few MiB.
pub const MAX_SOURCE: usize = 16 * 1024 * 1024;

pub(crate) fn parse_source(source: Arc<SourceFile>) -> Result<ParsedFile, InputError> {
    if source.text.len() > MAX_SOURCE {
        return Err(InputError {
            file: source.display.clone(),
            message: format!(
                "file is {} MiB, larger than the {} MiB keepalign parses for a Terraform file",
                source.text.len() / 1024 / 1024,
                MAX_SOURCE / 1024 / 1024
            ),
            at: None,
            // The whole file: named at its first line.
            line_col: Some((1, 1)),
        });
    }
    if let Err(message) = crate::budget::syntax_fits(&source.text) {
        return Err(InputError {
            file: source.display.clone(),
            message,
            at: None,
            line_col: Some((1, 1)),
        });
    }
    let name = source.path.to_string_lossy();
    if name.ends_with(".json") {
        return match crate::json::parse(&source.text) {
            Ok(node) => Ok(ParsedFile {
                source,
                syntax: Syntax::Json(node),
                directives: Vec::new(),
            }),
            Err(e) => Err(InputError {
                file: source.display.clone(),
                message: format!("invalid JSON: {}", e.message),
                at: Some(Location::char_at(&source, e.offset)),
                line_col: None,
            }),
        };
    }
    // What Terraform accepts must not be a parse error: on failure, retry
    // with the shapes hcl-edit rejects rewritten in place (same offsets),
    // and report the original error if that fails too.
    let parsed = hcl_edit::parser::parse_body(&source.text).or_else(|e| {
        lenient::rewrite(&source.text)
            .and_then(|text| hcl_edit::parser::parse_body(&text).ok())
            .ok_or(e)
    });
    match parsed {
        Ok(body) => {
            use hcl_edit::Span;
            let first_block = body.iter().find_map(|s| s.span()).map(|s| s.start);
            Ok(ParsedFile {
                directives: comments::directives(&source, first_block),
                source,
                syntax: Syntax::Hcl(body),
            })
        }
        Err(e) => {
            let off = e.location().offset();
            Err(InputError {
                file: source.display.clone(),
                message: format!("invalid HCL: {}", first_line(e.message())),
                at: Some(Location::char_at(&source, off)),
                line_col: None,
            })
        }
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// Load every Terraform root under the discovered directories. Directories
/// only called as modules are analysed through their callers, with their
/// resources at full addresses (`module.api.aws_ecs_service.this`).
///
/// `inputs` gives each root directory its inputs (the command line's for
/// every root, and its own from the configuration file).
pub fn load(
    discovered: &BTreeMap<PathBuf, Vec<PathBuf>>,
    listings: &BTreeMap<PathBuf, Listing>,
    inputs: &(dyn Fn(&Path) -> Inputs + Sync),
    repo_root: &(dyn Fn(&Path) -> PathBuf + Sync),
    scan: &crate::budget::Scan,
) -> Model {
    let (ws, roots) = modules::Workspace::build(discovered, listings, repo_root);
    // Roots count against the scan's budget in path order, each parsed,
    // evaluated and dropped in turn (unless it is also a kept module).
    let first = scan.reserve(roots.certain.len());
    let evaluate = |i: usize, mut root: modules::RootDir| {
        let meter = std::rc::Rc::new(scan.meter(i));
        let files = ws.open(&mut root);
        let listing = listings.get(&root.dir);
        let model = load_root(&ws, &files, listing, &inputs(&root.dir), meter.clone());
        scan.finish(i, &meter);
        let read = match &files {
            modules::OpenRoot::Parsed(m, _) => Some(ws.dir_read(m)),
            modules::OpenRoot::Kept(_) => None,
        };
        (model, read)
    };
    // Each root's model joins the scan's as soon as the roots before it
    // have: the roots' models are never all held apart at once.
    let mut model = Model::default();
    let mut reads: Vec<modules::DirRead> = Vec::new();
    parallel::parallel_in_order(
        roots.certain,
        |i, root| evaluate(first + i, root),
        |(m, read)| {
            model.extend(m);
            reads.extend(read);
        },
    );
    // A directory another's text names as a module source is a root after
    // all when no parsed module call reaches it (the name was in a comment).
    reads.extend(ws.kept_reads());
    let called: std::collections::HashSet<&PathBuf> = reads
        .iter()
        .filter(|r| discovered.contains_key(&r.dir))
        .flat_map(|r| &r.calls)
        .collect();
    let late: Vec<modules::RootDir> = roots
        .named
        .into_iter()
        .filter(|d| !called.contains(&input::canonical_or_same(d)))
        .map(modules::RootDir::kept)
        .collect();
    let first = scan.reserve(late.len());
    parallel::parallel_in_order(
        late,
        |i, root| evaluate(first + i, root),
        |(m, _)| model.extend(m),
    );
    reads.sort_by(|a, b| a.dir.cmp(&b.dir));
    // What was read comes first, then what the roots loaded.
    let mut read = Model::default();
    for r in reads {
        read.files += r.read;
        read.input_errors.extend(r.errors);
        read.suppressions.extend(r.suppressions);
    }
    read.extend(model);
    read
}

/// Load one root module directory (used directly by tests).
pub fn load_module(dir: &Path, files: &[PathBuf], inputs: &Inputs, repo_root: &Path) -> Model {
    let mut discovered = BTreeMap::new();
    discovered.insert(dir.to_path_buf(), files.to_vec());
    let root = repo_root.to_path_buf();
    load(
        &discovered,
        &BTreeMap::new(),
        &|_: &Path| inputs.clone(),
        &move |_: &Path| root.clone(),
        &crate::budget::Scan::default(),
    )
}

fn load_root(
    ws: &modules::Workspace,
    files: &modules::ModuleFiles,
    listing: Option<&Listing>,
    inputs: &Inputs,
    meter: std::rc::Rc<crate::budget::Meter>,
) -> Model {
    let mut model = Model::default();
    let dir = files.dir.as_path();
    let mut ev = Evaluator::new(&files.files, dir.to_path_buf(), files.repo_root.clone());
    ev.workspace = Some(ws);
    ev.meter = meter;
    ev.ancestors = vec![input::canonical_or_same(dir)];
    ev.terraform_workspace = Some(terraform_workspace(
        dir,
        listing,
        &files.repo_root,
        inputs,
        &mut model,
    ));
    let auto_files = variable_files(dir, listing, inputs);
    model.files += auto_files.len() + inputs.var_files().count();
    // Keep parsed tfvars alive while the evaluator borrows them. Files of
    // the root and of the configuration file are repository content; the
    // `--var-file`s are named by the user (see `input::Within`).
    let repo = input::Within::Repository(&files.repo_root);
    let mut auto_tfvars = Vec::new();
    for f in &auto_files {
        match parse_file(f, repo) {
            Ok(p) => auto_tfvars.push(p),
            Err(e) => model.input_errors.push(e),
        }
    }
    // The command line's files, by their place in `command_line`.
    let mut cli_tfvars = BTreeMap::new();
    for (i, given) in inputs.command_line.iter().enumerate() {
        if let CommandLineInput::VarFile(f) = given {
            match parse_file(f, input::Within::Named) {
                Ok(p) => {
                    cli_tfvars.insert(i, p);
                }
                Err(e) => model.input_errors.push(e),
            }
        }
    }
    let mut given = BTreeMap::new();
    let read_tfvars = |file: &ParsedFile, given: &mut BTreeMap<String, Val>| {
        let body = match &file.syntax {
            Syntax::Hcl(b) => syntax::BodyRef::Hcl(b, &file.source),
            Syntax::Json(n) => syntax::BodyRef::Json(n, &file.source),
        };
        for (name, expr, _) in body.attributes() {
            given.insert(name.to_string(), ev.eval_ref(expr, &Scope::default()));
        }
    };
    for file in &auto_tfvars {
        read_tfvars(file, &mut given);
    }
    for (name, value, at) in &inputs.config_vars {
        given.insert(name.clone(), config_var(&ev, name, value, at));
    }
    for (i, item) in inputs.command_line.iter().enumerate() {
        match item {
            CommandLineInput::Var(name, value) => {
                given.insert(name.clone(), cli_var(&ev, name, value));
            }
            CommandLineInput::VarFile(_) => {
                if let Some(file) = cli_tfvars.get(&i) {
                    read_tfvars(file, &mut given);
                }
            }
        }
    }
    ev.unloaded_var_files = UnloadedVarFiles::beside(
        dir,
        &files.repo_root,
        auto_files
            .iter()
            .chain(inputs.var_files())
            .cloned()
            .collect(),
    );
    let mut declared: Vec<String> = ev.variables.keys().map(|k| k.to_string()).collect();
    declared.sort();
    model.roots.push(crate::model::LoadedRoot {
        path: input::canonical_or_same(dir),
        inputs: declared,
    });
    ev.inputs = given.into_iter().collect();
    ev.forget_variables();
    // One scope string for every resource of the root.
    let scope_name: Arc<str> = crate::source::display_path(dir).into();
    collect(&ev, &scope_name, &mut model);
    model.input_errors.extend(ev.meter.report(&scope_name));
    model
}

/// The resources of a module instance, then of the modules it calls.
fn collect(ev: &Evaluator<'_>, scope_name: &Arc<str>, model: &mut Model) {
    let mut decls: Vec<_> = ev.resources.values().collect();
    decls.sort_by(|a, b| a.at.cmp(&b.at));
    // The switches of the services that exist. A count-zero service whose
    // count reads exactly the same switches as one of them is its other
    // variant (terraform-aws-modules' `this` and `ignore_task_definition`),
    // not a service left unchecked.
    let switches = |d: &eval::ResourceDecl<'_>| -> std::collections::BTreeSet<String> {
        ["count", "for_each"]
            .into_iter()
            .flat_map(|a| variables_in(d.body, a))
            .collect()
    };
    let switches_of_created: Vec<std::collections::BTreeSet<String>> = decls
        .iter()
        .filter(|d| d.rtype == "aws_ecs_service")
        .filter(|d| !ev.resource_instances(d.rtype, d.name).is_empty())
        .map(|d| switches(d))
        .filter(|s| !s.is_empty())
        .collect();
    for decl in decls {
        if !readers::is_read(decl.rtype) {
            continue;
        }
        let what = format!("{}{}.{}", ev.prefix, decl.rtype, decl.name);
        let instances = ev.resource_instances(decl.rtype, decl.name);
        let a_variant_of_a_created_service = || switches_of_created.contains(&switches(decl));
        if instances.is_empty()
            && decl.rtype == "aws_ecs_service"
            && !a_variant_of_a_created_service()
            && let Some(why) = no_instances(ev, decl.body)
        {
            model.not_checked.push(NotChecked {
                scope: scope_name.to_string(),
                what: what.clone(),
                fix: enable_fix(decl.body),
                why,
                at: Some(decl.at.clone()),
            });
        }
        for (suffix, scope) in instances.iter().cloned() {
            let inst = Instance {
                ev,
                id: ResourceId {
                    scope: scope_name.clone(),
                    address: format!("{}{}.{}{}", ev.prefix, decl.rtype, decl.name, suffix),
                },
                body: decl.body,
                scope,
                at: decl.at.clone(),
                ignore: &decl.ignore,
            };
            readers::read(decl.rtype, &inst, model);
        }
    }
    let mut calls: Vec<_> = ev.calls.iter().collect();
    calls.sort_by(|a, b| a.1.at.cmp(&b.1.at));
    for (name, call) in calls {
        let instances = ev.call_instances(name);
        let what = format!("{}module.{name}", ev.prefix);
        let may_hold_service = may_hold_service(call);
        if instances.is_empty()
            && may_hold_service
            && let Some(why) = no_instances(ev, call.body)
        {
            model.not_checked.push(NotChecked {
                scope: scope_name.to_string(),
                what: what.clone(),
                fix: enable_fix(call.body),
                why,
                at: Some(call.at.clone()),
            });
        }
        for (suffix, scope) in instances.iter() {
            match ev.child(name, suffix, scope) {
                Ok(child) => collect(&child, scope_name, model),
                // A module that cannot be read leaves its resources out:
                // one that may hold a service says so, once per call.
                Err(why) if may_hold_service => {
                    if !model
                        .not_checked
                        .iter()
                        .any(|n| n.what == what && *n.scope == **scope_name)
                    {
                        model.not_checked.push(NotChecked {
                            scope: scope_name.to_string(),
                            what: what.clone(),
                            fix: unreadable_module_fix(&why),
                            why: format!("its module could not be read: {why}"),
                            at: Some(call.at.clone()),
                        });
                    }
                }
                Err(_) => {}
            }
        }
    }
}

/// Whether a module call may hold a load-balanced ECS service: it is given
/// a load balancer, listener or target group, or its source or arguments
/// name ECS, containers or task definitions. A module that cannot be read
/// and looks like none of these (a VPC, a bucket) is not worth a note.
fn may_hold_service(call: &eval::CallDecl<'_>) -> bool {
    const WORDS: &[&str] = &[
        "target_group",
        "listener",
        "load_balancer",
        "ecs",
        "task_definition",
        "container",
        "alb",
        "elb",
    ];
    let mentions = |text: &str| {
        let text = text.to_ascii_lowercase();
        WORDS.iter().any(|w| text.contains(w))
    };
    call.source.as_deref().is_some_and(mentions)
        || call.body.attributes().iter().any(|(name, expr, _)| {
            mentions(name) || expr.location().is_some_and(|l| mentions(l.snippet()))
        })
}

/// Why a resource or module call has no instances, when it is because
/// `count` is 0 or `for_each` is empty (not a cap or an unknown).
fn no_instances(ev: &Evaluator<'_>, body: syntax::BodyRef<'_>) -> Option<String> {
    let (attr, zero) = if body.attr("count").is_some() {
        ("count", "is 0")
    } else if body.attr("for_each").is_some() {
        ("for_each", "is empty")
    } else {
        return None;
    };
    let v = ev.eval_attr(body, attr, &Scope::default())?;
    let known_zero = match &v.kind {
        crate::value::Kind::Number(n) => *n <= 0.0,
        crate::value::Kind::List(l) => l.is_empty(),
        crate::value::Kind::Map(m) => m.is_empty(),
        _ => false,
    };
    if !known_zero {
        return None;
    }
    let vars = switch_variables(ev, body, attr);
    // In a module, a switch its caller sets (`create = false`) is the
    // caller's decision, not a service left unchecked.
    if !ev.prefix.is_empty() && vars.iter().any(|v| ev.inputs.contains_key(v)) {
        return None;
    }
    let reads = match vars.as_slice() {
        [] => String::new(),
        vars => format!(
            " (it reads {})",
            vars.iter()
                .map(|v| format!("var.{v}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Some(format!(
        "its {attr} {zero} under the current variables{reads}, so Terraform creates none"
    ))
}

/// The variables a `count` or `for_each` reads, directly or through the
/// locals it names (`local.create_service = var.create && …`), two levels
/// deep.
fn switch_variables(ev: &Evaluator<'_>, body: syntax::BodyRef<'_>, attr: &str) -> Vec<String> {
    let Some(text) = body
        .attr(attr)
        .and_then(|e| e.location())
        .map(|l| l.snippet().to_string())
    else {
        return Vec::new();
    };
    let mut out = variables_in_text(&text);
    let mut texts = vec![text];
    for _ in 0..2 {
        let mut next = Vec::new();
        for t in &texts {
            for name in names_after(t, "local.") {
                if let Some(l) = ev.locals.get(name.as_str()).and_then(|e| e.location()) {
                    let snippet = l.snippet().to_string();
                    for v in variables_in_text(&snippet) {
                        if !out.contains(&v) {
                            out.push(v);
                        }
                    }
                    next.push(snippet);
                }
            }
        }
        texts = next;
    }
    out
}

/// The advice for a service that has no instances: set the variables its
/// `count` or `for_each` reads.
fn enable_fix(body: syntax::BodyRef<'_>) -> String {
    let attr = if body.attr("count").is_some() {
        "count"
    } else {
        "for_each"
    };
    match variables_in(body, attr).as_slice() {
        [] => format!(
            "check it with the variables of the environment that deploys it (--var-file), or suppress this note if it is never deployed ({attr})"
        ),
        vars => format!(
            "check it with the values that enable it: {} (or --var-file with the environment's variables)",
            vars.iter()
                .map(|v| format!("--var {v}=…"))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

/// The `var.NAME`s an attribute's expression reads, in order, once each.
fn variables_in(body: syntax::BodyRef<'_>, attr: &str) -> Vec<String> {
    body.attr(attr)
        .and_then(|e| e.location())
        .map(|l| variables_in_text(l.snippet()))
        .unwrap_or_default()
}

fn variables_in_text(text: &str) -> Vec<String> {
    names_after(text, "var.")
}

/// The names written after `prefix` (`var.`, `local.`) in an expression's
/// text, each once, in order.
fn names_after(text: &str, prefix: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().next_back();
        let after = &rest[i + prefix.len()..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        let word_start =
            before.is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'));
        if word_start && !name.is_empty() && !out.contains(&name) {
            out.push(name.clone());
        }
        rest = &after[name.len()..];
    }
    out
}

/// How to make a module that could not be read readable, from why not.
fn unreadable_module_fix(why: &str) -> String {
    if why.contains("terraform init") {
        "run `terraform init` in the root before the scan, so that the module is downloaded under .terraform/modules".into()
    } else if why.contains("outside the repository") {
        "scan from the directory that holds both the root and the module (the repository root)"
            .into()
    } else {
        "make the module's source readable (a path inside the repository, or a downloaded module), or declare the service's settings in keepalign.toml".into()
    }
}

/// `.terraform/environment` is one name and a newline; more than this is
/// not a file `terraform workspace select` wrote.
const MAX_ENVIRONMENT_FILE: u64 = 4096;

/// Workspace names are path components in Terraform's state storage; this
/// bounds what a value taken from input can be.
const MAX_WORKSPACE_NAME: usize = 256;

/// Why Terraform would refuse `name` as a workspace name.
pub fn check_workspace_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a workspace name cannot be empty".into());
    }
    if name.len() > MAX_WORKSPACE_NAME {
        return Err(format!(
            "a workspace name longer than {MAX_WORKSPACE_NAME} bytes is not one keepalign reads"
        ));
    }
    // Terraform requires a name that a URL path component keeps unescaped.
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@".contains(*c)))
    {
        return Err(format!(
            "{c:?} is not allowed in a workspace name (Terraform allows letters, digits and -._~!$&'()*+,;=:@)"
        ));
    }
    Ok(())
}

/// `terraform.workspace` as Terraform works it out when run in `dir`:
/// `--workspace` or `TF_WORKSPACE` (given), else `.terraform/environment`
/// (written by `terraform workspace select`), else `default`. The value is
/// located where the name came from.
fn terraform_workspace(
    dir: &Path,
    listing: Option<&Listing>,
    repo_root: &Path,
    inputs: &Inputs,
    model: &mut Model,
) -> Val {
    let pseudo = |name: &str, text: &str| {
        let file = SourceFile::new(PathBuf::from(name), text.to_string());
        let at = Location::new(&file, 0..file.text.len());
        Val::str(text, Some(at))
    };
    if let Some(given) = &inputs.workspace {
        return pseudo(&given.from, &given.name);
    }
    let path = dir.join(".terraform").join("environment");
    // Absent is the common case: no workspace was ever selected (and
    // most roots were never initialised here).
    if listing.is_none_or(|l| l.dot_terraform) && path.symlink_metadata().is_ok() {
        let read = input::read_text(
            &path,
            input::Within::Repository(repo_root),
            MAX_ENVIRONMENT_FILE,
        );
        match read {
            Ok(text) => {
                let file = SourceFile::new(path.clone(), text);
                let trimmed = file.text.trim();
                if !trimmed.is_empty() {
                    let start = file.text.len() - file.text.trim_start().len();
                    let at = Location::new(&file, start..start + trimmed.len());
                    if let Err(why) = check_workspace_name(trimmed) {
                        return Val::unknown(
                            format!(
                                "terraform.workspace: the workspace in {} is not one Terraform accepts ({why}); select one with `terraform workspace select`, or pass --workspace NAME",
                                file.display
                            ),
                            Some(at),
                        );
                    }
                    return Val::str(trimmed, Some(at));
                }
            }
            Err(e) => {
                let reason = format!(
                    "terraform.workspace: {} cannot be read ({}); pass --workspace NAME",
                    crate::source::display_path(&path),
                    e.message
                );
                model.input_errors.push(read_error(&path, e));
                return Val::unknown(reason, None);
            }
        }
    }
    pseudo("Terraform's default workspace", "default")
}

/// `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars(.json)` in
/// lexical order, then the configuration's `var-files`: Terraform's
/// precedence, lowest first (the command line's come after). Whatever is
/// there by those names (a dangling link, a FIFO) goes to the reader,
/// which says why it is not read. From the scan's listing of `dir` when
/// it has one.
fn variable_files(dir: &Path, listing: Option<&Listing>, inputs: &Inputs) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = match listing {
        Some(l) => l.tfvars.clone(),
        None => std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| crate::discover::is_auto_tfvars(file_name(p)))
            .collect(),
    };
    // Sorted, then the two fixed names first: the sort by rank is stable.
    out.sort();
    out.sort_by_key(|p| match file_name(p) {
        "terraform.tfvars" => 0,
        "terraform.tfvars.json" => 1,
        _ => 2,
    });
    out.extend(inputs.config_var_files.iter().cloned());
    out
}

fn file_name(p: &Path) -> &str {
    p.file_name().and_then(|n| n.to_str()).unwrap_or("")
}

/// At most this many tfvars files are read for `--var-file` advice.
const MAX_UNLOADED_VAR_FILES: usize = 32;

/// The tfvars files beside a root that Terraform does not load unless
/// named, by the variables each sets: advice for a variable with no value,
/// so they are looked for only when one is asked about.
#[derive(Default)]
pub struct UnloadedVarFiles {
    /// The root's directory, its repository, and the files it loads.
    root: Option<(PathBuf, PathBuf, Vec<PathBuf>)>,
    found: std::cell::OnceCell<std::collections::HashMap<String, Vec<String>>>,
}

impl UnloadedVarFiles {
    fn beside(dir: &Path, repo_root: &Path, loaded: Vec<PathBuf>) -> UnloadedVarFiles {
        UnloadedVarFiles {
            root: Some((dir.to_path_buf(), repo_root.to_path_buf(), loaded)),
            found: std::cell::OnceCell::new(),
        }
    }

    pub fn by_variable(&self) -> &std::collections::HashMap<String, Vec<String>> {
        self.found.get_or_init(|| match &self.root {
            Some((dir, repo_root, loaded)) => unloaded_var_files(dir, repo_root, loaded),
            None => std::collections::HashMap::new(),
        })
    }
}

/// The tfvars files in a root and its immediate subdirectories that
/// Terraform loads only when named (`env/prod.tfvars`), by the variables
/// each sets: a variable with no value names the files that would give it
/// one. Files already loaded or given on the command line are left out.
fn unloaded_var_files(
    dir: &Path,
    repo_root: &Path,
    loaded: &[PathBuf],
) -> std::collections::HashMap<String, Vec<String>> {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let skip: std::collections::HashSet<PathBuf> = loaded.iter().map(|p| canonical(p)).collect();
    let is_var_file = |p: &Path| {
        let n = file_name(p);
        (n.ends_with(".tfvars") || n.ends_with(".tfvars.json"))
            && !n.ends_with(".auto.tfvars")
            && !n.ends_with(".auto.tfvars.json")
    };
    let entries = |d: &Path| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(d)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        v.sort();
        v
    };
    let mut candidates = Vec::new();
    for p in entries(dir) {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        // A symbolic link to a directory is not followed.
        let is_dir = p.symlink_metadata().is_ok_and(|m| m.is_dir());
        if is_dir && !hidden {
            candidates.extend(entries(&p).into_iter().filter(|f| is_var_file(f)));
        } else if is_var_file(&p) && !is_dir {
            candidates.push(p);
        }
    }
    candidates.sort();
    let repo = input::Within::Repository(repo_root);
    let mut by_variable = std::collections::HashMap::<String, Vec<String>>::new();
    for path in candidates
        .into_iter()
        .filter(|p| !skip.contains(&canonical(p)))
        .take(MAX_UNLOADED_VAR_FILES)
    {
        // Only advice: a file that does not parse is not loaded by
        // Terraform either unless named, and then its error is reported.
        let Ok(file) = parse_file(&path, repo) else {
            continue;
        };
        let body = match &file.syntax {
            Syntax::Hcl(b) => syntax::BodyRef::Hcl(b, &file.source),
            Syntax::Json(n) => syntax::BodyRef::Json(n, &file.source),
        };
        for (name, _, _) in body.attributes() {
            by_variable
                .entry(name.to_string())
                .or_default()
                .push(file.source.display.clone());
        }
    }
    by_variable
}

/// A variable from the configuration file, located where its value is
/// written there: a string for string variables, else the written value
/// read as an expression (TOML numbers, booleans, arrays and inline tables
/// are HCL expressions too).
fn config_var(ev: &Evaluator<'_>, name: &str, value: &str, at: &Location) -> Val {
    let is_string = ev.variables.get(name).is_none_or(|d| {
        d.declared_type
            .as_deref()
            .is_none_or(|t| t.trim() == "string")
    });
    if !is_string && let Ok(expr) = hcl_edit::parser::parse_expr(at.snippet()) {
        let src = eval::Src::File {
            file: at.file.clone(),
            base: at.span.start,
        };
        return ev.eval(&expr, &src, &Scope::default());
    }
    Val::str(value, Some(at.clone()))
}

/// `--var name=value`: a string for string variables, else an HCL expression.
fn cli_var(ev: &Evaluator<'_>, name: &str, value: &str) -> Val {
    let text = format!("{name}={value}");
    let file = SourceFile::new(PathBuf::from(format!("--var {name}")), text);
    let at = Location::new(&file, name.len() + 1..file.text.len());
    let is_string = ev.variables.get(name).is_none_or(|d| {
        d.declared_type
            .as_deref()
            .is_none_or(|t| t.trim() == "string")
    });
    if !is_string && let Ok(expr) = hcl_edit::parser::parse_expr(value) {
        let src = eval::Src::File {
            file: file.clone(),
            base: name.len() + 1,
        };
        return ev.eval(&expr, &src, &Scope::default());
    }
    Val::str(value, Some(at))
}

#[cfg(test)]
mod tests;
