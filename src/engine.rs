//! The pipeline: discover → load (in parallel, one module per task) → link → check.

use crate::discover::{self, MissingPath};
use crate::finding::{Finding, sort_and_dedup};
use crate::linker::Chain;
use crate::model::Model;
use crate::rules;
use crate::terraform::{self, Inputs};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub terraform: Inputs,
    pub cloudformation: crate::cloudformation::Inputs,
}

/// Load every input under `paths` into one model.
pub fn load(paths: &[PathBuf], options: &Options) -> Result<Model, MissingPath> {
    let found = discover::discover(paths)?;
    let modules: Vec<(&PathBuf, &Vec<PathBuf>, PathBuf)> = found
        .terraform_modules
        .iter()
        .map(|(dir, files)| (dir, files, repo_root_for(dir, paths)))
        .collect();
    let results: Mutex<Vec<(usize, Model)>> = Mutex::new(Vec::with_capacity(modules.len()));
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(modules.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((dir, files, root)) = modules.get(i) else {
                        break;
                    };
                    let m = terraform::load_module(dir, files, &options.terraform, root);
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((i, m));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    // Merge in discovery order so output does not depend on thread timing.
    results.sort_by_key(|(i, _)| *i);
    let mut model = Model::default();
    for (_, m) in results {
        model.extend(m);
    }
    // Templates are loaded together: imports may cross them.
    model.extend(crate::cloudformation::load(
        &found.templates,
        &options.cloudformation,
    ));
    model.input_errors.extend(found.errors);
    Ok(model)
}

fn repo_root_for(dir: &Path, paths: &[PathBuf]) -> PathBuf {
    let canon = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    // The scanned path that contains this module decides the repository.
    for p in paths {
        let root = discover::repository_root(p);
        if canon.starts_with(&root) {
            return root;
        }
    }
    discover::repository_root(dir)
}

/// All findings for a model and its chains, in report order.
pub fn check(model: &Model, chains: &[Chain<'_>]) -> Vec<Finding> {
    let mut findings = rules::check_chains(chains);
    findings.extend(rules::pa001::findings(&model.input_errors));
    sort_and_dedup(&mut findings);
    findings
}
