//! Terraform loader: the `.tf` and `.tf.json` files of one module directory
//! into the model. Parsing uses hcl-edit (for spans); evaluation is our own
//! partial evaluator (`eval`), because findings need provenance and unknowns
//! that a plain evaluator cannot give.

pub mod comments;
pub mod eval;
pub mod functions;
pub mod modules;
pub mod readers;
mod resources;
pub mod syntax;

use crate::input::{self, ReadError};
use crate::model::{InputError, Model, ResourceId};
use crate::source::{Location, SourceFile};
use crate::value::Val;
use eval::{Evaluator, Scope};
use resources::Instance;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use syntax::{ParsedFile, Syntax};

/// Terraform inputs given on the command line.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    /// `--var NAME=VALUE`, in order.
    pub vars: Vec<(String, String)>,
    /// `--var-file FILE`, in order.
    pub var_files: Vec<PathBuf>,
}

pub fn is_terraform_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".tf") || name.ends_with(".tf.json")
}

/// Parse one `.tf` / `.tf.json` / `.tfvars` file.
pub fn parse_file(path: &Path) -> Result<ParsedFile, InputError> {
    let source = input::read_source(path).map_err(|e| read_error(path, e))?;
    parse_source(source)
}

fn read_error(path: &Path, e: ReadError) -> InputError {
    InputError {
        file: crate::source::display_path(path),
        message: e.message,
        at: None,
        line_col: e.line_col,
    }
}

fn parse_source(source: Arc<SourceFile>) -> Result<ParsedFile, InputError> {
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
                at: Some(Location::new(&source, e.offset..e.offset + 1)),
                line_col: None,
            }),
        };
    }
    match hcl_edit::parser::parse_body(&source.text) {
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
                at: Some(Location::new(&source, off..off + 1)),
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
pub fn load(
    discovered: &BTreeMap<PathBuf, Vec<PathBuf>>,
    inputs: &Inputs,
    repo_root: &(dyn Fn(&Path) -> PathBuf + Sync),
) -> Model {
    let ws = modules::Workspace::build(discovered, repo_root);
    let roots = ws.roots(discovered);
    let models = modules::parallel_map(&roots, |dir| load_root(&ws, dir, inputs));
    let (errors, read) = ws.inputs_read();
    let mut model = Model {
        files: read,
        input_errors: errors,
        suppressions: ws.suppression_sites(),
        ..Model::default()
    };
    for m in models {
        model.extend(m);
    }
    model
}

/// Load one root module directory (used directly by tests).
pub fn load_module(dir: &Path, files: &[PathBuf], inputs: &Inputs, repo_root: &Path) -> Model {
    let mut discovered = BTreeMap::new();
    discovered.insert(dir.to_path_buf(), files.to_vec());
    let root = repo_root.to_path_buf();
    load(&discovered, inputs, &move |_: &Path| root.clone())
}

fn load_root(ws: &modules::Workspace, dir: &Path, inputs: &Inputs) -> Model {
    let mut model = Model::default();
    let Some(files) = ws.get(dir) else {
        return model;
    };
    let mut ev = Evaluator::new(&files.files, dir.to_path_buf(), files.repo_root.clone());
    ev.workspace = Some(ws);
    ev.ancestors = vec![dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf())];
    let var_files = variable_files(dir, inputs);
    model.files += var_files.len();
    // Keep parsed tfvars alive while the evaluator borrows them.
    let mut tfvars = Vec::new();
    for f in &var_files {
        match parse_file(f) {
            Ok(p) => tfvars.push(p),
            Err(e) => model.input_errors.push(e),
        }
    }
    let mut given = BTreeMap::new();
    for file in &tfvars {
        let body = match &file.syntax {
            Syntax::Hcl(b) => syntax::BodyRef::Hcl(b, &file.source),
            Syntax::Json(n) => syntax::BodyRef::Json(n, &file.source),
        };
        for (name, expr, _) in body.attributes() {
            given.insert(name.to_string(), ev.eval_ref(expr, &Scope::default()));
        }
    }
    for (name, value) in &inputs.vars {
        given.insert(name.clone(), cli_var(&ev, name, value));
    }
    ev.inputs = given.into_iter().collect();
    let scope_name = crate::source::display_path(dir);
    collect(&ev, &scope_name, &mut model);
    model
}

/// The resources of a module instance, then of the modules it calls.
fn collect(ev: &Evaluator<'_>, scope_name: &str, model: &mut Model) {
    let mut decls: Vec<_> = ev.resources.values().collect();
    decls.sort_by(|a, b| a.at.cmp(&b.at));
    for decl in decls {
        if !readers::is_modelled(decl.rtype) {
            continue;
        }
        for (suffix, scope) in ev.instances_of(decl.body) {
            let inst = Instance {
                ev,
                id: ResourceId {
                    scope: scope_name.to_string(),
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
        for (suffix, scope) in ev.instances_of(call.body) {
            // A module that cannot be read leaves its resources out; chains
            // that need them say why (UN001).
            if let Ok(child) = ev.child(name, &suffix, &scope) {
                collect(&child, scope_name, model);
            }
        }
    }
}

/// `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars(.json)` in
/// lexical order, then `--var-file`s: Terraform's precedence, lowest first.
fn variable_files(dir: &Path, inputs: &Inputs) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for name in ["terraform.tfvars", "terraform.tfvars.json"] {
        let p = dir.join(name);
        if p.is_file() {
            out.push(p);
        }
    }
    let mut auto: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json")
        })
        .collect();
    auto.sort();
    out.extend(auto);
    out.extend(inputs.var_files.iter().cloned());
    out
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
