//! The pipeline: discover → load (in parallel, one module per task) → link → check.

use crate::discover::{self, MissingPath};
use crate::finding::{Finding, sort_and_dedup};
use crate::linker::Chain;
use crate::model::Model;
use crate::rules;
use crate::source::display_path;
use crate::suppress::Date;
use crate::terraform::{self, Inputs};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub terraform: Inputs,
    pub cloudformation: crate::cloudformation::Inputs,
}

/// Load every input under `paths` into one model.
pub fn load(paths: &[PathBuf], options: &Options) -> Result<Model, MissingPath> {
    // A plan file given by name is read as a plan. Plans found while walking
    // a directory are not: they usually sit beside the `.tf` files they
    // were made from, and would report everything twice.
    let mut plans = Vec::new();
    let mut others = Vec::new();
    for p in paths {
        match p.is_file().then(|| crate::plan::load_if_plan(p)).flatten() {
            Some(m) => plans.push(m),
            None => others.push(p.clone()),
        }
    }
    let paths = &others[..];
    let found = discover::discover(paths)?;
    let not_read: Vec<String> = paths
        .iter()
        .filter(|p| p.is_file())
        .filter_map(|p| not_iac(p).map(|why| format!("{}: {why}", display_path(p))))
        .collect();
    let path_roots: Vec<PathBuf> = paths.iter().map(|p| discover::repository_root(p)).collect();
    let mut model = terraform::load(
        &found.terraform_modules,
        &options.terraform,
        &|dir: &Path| repo_root_for(dir, &path_roots),
    );
    // Templates are loaded together: imports may cross them.
    model.extend(crate::cloudformation::load(
        &found.templates,
        &options.cloudformation,
    ));
    model.input_errors.extend(found.errors);
    for m in plans {
        model.extend(m);
    }
    model.not_read.extend(not_read);
    Ok(model)
}

/// Why a file given by name is not read, or `None` when it is IaC.
fn not_iac(path: &Path) -> Option<String> {
    if terraform::is_terraform_file(path) || crate::cloudformation::is_template_file(path) {
        return None;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if name.ends_with(".tfvars") || name.ends_with(".tfvars.json") {
        return Some(
            "a Terraform variables file is read with its root: scan the directory, or pass it with --var-file".into(),
        );
    }
    Some(match crate::input::read_source(path) {
        Err(e) => format!(
            "{}; a binary Terraform plan is read as JSON: terraform show -json PLANFILE > plan.json, then keepalign plan plan.json",
            e.message
        ),
        Ok(_) => "not a Terraform file, CloudFormation template or Terraform plan JSON".into(),
    })
}

/// The repository of a module directory: that of the scanned path that
/// contains it (`path_roots`, found once per scan), else its own.
fn repo_root_for(dir: &Path, path_roots: &[PathBuf]) -> PathBuf {
    let canon = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    path_roots
        .iter()
        .find(|root| canon.starts_with(root))
        .cloned()
        .unwrap_or_else(|| discover::repository_root(dir))
}

/// All findings for a model and its chains, in report order; `until=`
/// dates are compared with today (`KEEPALIGN_TODAY`, else the UTC date).
pub fn check(model: &Model, chains: &[Chain<'_>]) -> Vec<Finding> {
    let today = crate::suppress::today().unwrap_or_else(|_| crate::suppress::clock_today());
    check_at(model, chains, today)
}

/// `check` with "today" given. Suppressed findings stay in the list,
/// marked; the SU notes about the suppressions come last.
pub fn check_at(model: &Model, chains: &[Chain<'_>], today: Date) -> Vec<Finding> {
    let mut findings = rules::check_chains_at(chains, today);
    findings.extend(rules::pa001::findings(&model.input_errors));
    crate::suppress::apply_file_wide(&model.suppressions, &mut findings, today);
    let notes = crate::suppress::bookkeeping(
        &model.suppressions,
        chains,
        &findings,
        today,
        &Default::default(),
    );
    findings.extend(notes);
    sort_and_dedup(&mut findings);
    findings
}
