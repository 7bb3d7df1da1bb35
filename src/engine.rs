//! The pipeline: discover → load (in parallel, one module per task) → link → check.

use crate::discover::{self, MissingPath};
use crate::finding::{Finding, sort_and_dedup};
use crate::linker::Chain;
use crate::model::Model;
use crate::rules;
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
    Ok(model)
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

/// All findings for a model and its chains, in report order.
pub fn check(model: &Model, chains: &[Chain<'_>]) -> Vec<Finding> {
    let mut findings = rules::check_chains(chains);
    findings.extend(rules::pa001::findings(&model.input_errors));
    sort_and_dedup(&mut findings);
    findings
}
