//! Terraform plan loader: the JSON of `terraform show -json PLANFILE`
//! (format versions 0.1 through 1.x) into the same model as the HCL loader.
//!
//! A plan has every variable, module and `count` / `for_each` resolved, so it
//! is the most accurate input there is, except for what is only known after
//! apply: the ARNs of new resources. Links are therefore followed through the
//! plan's `configuration` (see `config`). Findings point into the `.tf`
//! source when the configuration directory is at hand (see `locate`), else
//! at the resource's entry in the plan.

mod address;
mod config;
mod document;
mod locate;
mod resources;

use crate::json::{JsonKind, JsonNode};
use crate::model::{InputError, Model};
use crate::source::{Location, SourceFile};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Whether `text` is a Terraform plan in JSON: an object with
/// `format_version` and `planned_values` or `resource_changes`. (A state
/// from `terraform show -json` has `values` instead.)
pub fn is_plan(text: &str) -> bool {
    // Cheap checks first: this is asked of every JSON file of a scan.
    looks_like_plan(text) && crate::json::parse(text).is_ok_and(|root| plan_shape(&root))
}

/// Whether `text` starts like a plan and names its keys, parsed or not: a
/// truncated or broken plan given by name is reported as a broken plan.
fn looks_like_plan(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with('{')
        && t.contains("\"format_version\"")
        && (t.contains("\"planned_values\"") || t.contains("\"resource_changes\""))
}

fn plan_shape(root: &JsonNode) -> bool {
    matches!(root.kind, JsonKind::Object(_))
        && root
            .get("format_version")
            .and_then(JsonNode::as_str)
            .is_some()
        && (root.get("planned_values").is_some() || root.get("resource_changes").is_some())
}

/// Why a file could not be read as a plan.
#[derive(Debug)]
pub struct PlanError {
    pub message: String,
    pub at: Option<Location>,
}

impl PlanError {
    fn input_error(self, file: &SourceFile) -> InputError {
        InputError {
            file: file.display.clone(),
            message: self.message,
            at: self.at,
            line_col: None,
        }
    }
}

/// Parse and check a plan document.
fn parse(source: &Arc<SourceFile>) -> Result<JsonNode, PlanError> {
    let root = crate::json::parse(&source.text).map_err(|e| {
        let at = Location::char_at(source, e.offset);
        let (line, col) = at.start();
        PlanError {
            message: format!(
                "invalid JSON at line {line}, column {col}: {} (is the plan complete?)",
                e.message
            ),
            at: Some(at),
        }
    })?;
    if !plan_shape(&root) {
        return Err(PlanError {
            message: "not a Terraform plan: expected the output of `terraform show -json PLANFILE` (an object with format_version and planned_values or resource_changes)".into(),
            at: Some(Location::char_at(source, root.span.start)),
        });
    }
    // Terraform changes the major version only for incompatible formats.
    let version = root.get("format_version");
    let v = version.and_then(JsonNode::as_str).unwrap_or("");
    if !(v == "0" || v == "1" || v.starts_with("0.") || v.starts_with("1.")) {
        return Err(PlanError {
            message: format!(
                "plan format_version \"{v}\" is not supported (keepalign reads 0.1 to 1.x)"
            ),
            at: version.map(|n| Location::new(source, n.span.clone())),
        });
    }
    Ok(root)
}

/// Read a plan into the model, for the `plan` command: a file that is not a
/// readable plan is an error (the plan is the whole input).
pub fn read(source: Arc<SourceFile>, config_dir: Option<&Path>) -> Result<Model, String> {
    let root = parse(&source).map_err(|e| format!("{}: {}", source.display, e.message))?;
    Ok(build(&source, &root, config_dir))
}

/// Read a plan into the model, for a scan: a broken plan is a PA001
/// finding. `config_dir` is where its `.tf` files are (see
/// `default_config_dir`); without it findings point into the plan.
pub fn load(source: Arc<SourceFile>, config_dir: Option<&Path>) -> Model {
    match parse(&source) {
        Ok(root) => build(&source, &root, config_dir),
        Err(e) => Model {
            files: 1,
            input_errors: vec![e.input_error(&source)],
            ..Model::default()
        },
    }
}

/// For `keepalign check FILE`: the model of FILE when it is a plan (its
/// `.tf` files found as `default_config_dir` says; a plan that does not
/// parse is a PA001 finding), `None` when it is not a plan or cannot be read
/// (the scan reports such files as it does any other).
pub fn load_if_plan(path: &Path) -> Option<Model> {
    let source = crate::input::read_source(path, crate::input::Within::Named).ok()?;
    if !looks_like_plan(&source.text) {
        return None;
    }
    Some(load(source, default_config_dir(Some(path)).as_deref()))
}

/// Where a plan's `.tf` files are by default: the directory the plan file
/// sits in, when it holds any (`terraform show -json tfplan > plan.json` in
/// the root module). For standard input, the current directory.
pub fn default_config_dir(plan_path: Option<&Path>) -> Option<PathBuf> {
    let dir = match plan_path {
        Some(p) => match p.parent() {
            Some(d) if d.as_os_str().is_empty() => PathBuf::from("."),
            Some(d) => d.to_path_buf(),
            None => PathBuf::from("."),
        },
        None => PathBuf::from("."),
    };
    (!locate::tf_files(&dir).is_empty()).then_some(dir)
}

fn build(source: &Arc<SourceFile>, root: &JsonNode, config_dir: Option<&Path>) -> Model {
    let mut model = Model {
        files: 1,
        ..Model::default()
    };
    let doc = document::Document::read(source, root);
    if let Some((n, at)) = &doc.too_deep {
        model.input_errors.push(InputError {
            file: source.display.clone(),
            message: format!(
                "{n} resource address(es) nest modules deeper than {} levels; not read",
                document::MAX_MODULE_DEPTH
            ),
            at: Some(at.clone()),
            line_col: None,
        });
    }
    let resolver = config::Resolver::new(config::Config::new(root), &doc);
    let tf = config_dir.map(|d| locate::TfFiles::read(d, &resolver.config, &doc));
    let index = tf.as_ref().map(|t| t.index());
    let cd_at = resources::build(&doc, &resolver, index.as_ref(), &source.display, &mut model);
    if let Some(tf) = &tf {
        locate::relocate(&mut model, &tf.hcl, source, &cd_at);
        model.suppressions = tf.suppression_sites();
    }
    model
}
