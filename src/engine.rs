//! The pipeline: discover → load (in parallel, one module per task) → link → check.

use crate::discover::{self, MissingPath};
use crate::finding::{Finding, sort_and_dedup};
use crate::linker::Chain;
use crate::model::Model;
use crate::rules;
use crate::source::display_path;
use crate::suppress::Date;
use crate::terraform::{self, Inputs};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Command-line inputs, for every root and template.
    pub terraform: Inputs,
    pub cloudformation: crate::cloudformation::Inputs,
    /// Inputs of particular Terraform roots, by canonical directory (the
    /// configuration file's `[[root]]`): only `config_var_files` and
    /// `config_vars` are read, before the command line's.
    pub root_terraform: BTreeMap<PathBuf, Inputs>,
    /// Parameters of particular templates, by canonical path: only
    /// `config_parameter_files` and `config_parameters` are read.
    pub root_cloudformation: BTreeMap<PathBuf, crate::cloudformation::Inputs>,
    /// Paths left out of discovery (`exclude`, `--exclude`).
    pub exclude: discover::Exclude,
    /// Images and the Dockerfiles that build them, from the configuration
    /// (`[[image]]`).
    pub images: Vec<crate::build_links::BuildSpec>,
}

impl Options {
    /// The Terraform inputs of the root in `dir`: its own, then the command line's.
    pub fn terraform_inputs(&self, dir: &Path) -> Inputs {
        let mut inputs = self.terraform.clone();
        if self.root_terraform.is_empty() {
            return inputs;
        }
        if let Some(own) = self.root_terraform.get(&canonical(dir)) {
            inputs.config_var_files = own.config_var_files.clone();
            inputs.config_vars = own.config_vars.clone();
        }
        inputs
    }

    /// The parameters of the template at `path`: its own, then the command line's.
    pub fn cloudformation_inputs(&self, path: &Path) -> crate::cloudformation::Inputs {
        let mut inputs = self.cloudformation.clone();
        if self.root_cloudformation.is_empty() {
            return inputs;
        }
        if let Some(own) = self.root_cloudformation.get(&canonical(path)) {
            inputs.config_parameter_files = own.config_parameter_files.clone();
            inputs.config_parameters = own.config_parameters.clone();
        }
        inputs
    }
}

fn canonical(p: &Path) -> PathBuf {
    crate::input::canonical_or_same(p)
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
    let found = discover::discover_excluding(paths, &options.exclude)?;
    let not_read: Vec<String> = paths
        .iter()
        .filter(|p| p.is_file())
        .filter_map(|p| not_iac(p).map(|why| format!("{}: {why}", display_path(p))))
        .collect();
    let path_roots: Vec<PathBuf> = paths.iter().map(|p| discover::repository_root(p)).collect();
    // One budget of evaluation steps for the whole scan.
    let scan = crate::budget::Scan::default();
    let mut model = terraform::load(
        &found.terraform_modules,
        &found.listings,
        &|dir: &Path| options.terraform_inputs(dir),
        &|dir: &Path| repo_root_for(dir, &path_roots),
        &scan,
    );
    // Templates are loaded together: imports may cross them.
    model.extend(crate::cloudformation::load(
        &found.templates,
        &|path: &Path| options.cloudformation_inputs(path),
        &|path: &Path| {
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
            repo_root_for(dir.unwrap_or(Path::new(".")), &path_roots)
        },
        &scan,
    ));
    model.input_errors.extend(found.errors);
    let (bundles, unread) =
        crate::beanstalk::bundle::load(&found.beanstalk_files, &|dir: &Path| {
            repo_root_for(dir, &path_roots)
        });
    model.beanstalk.bundles = bundles;
    model.input_errors.extend(unread);
    model.builds = crate::images::Builds::load(
        found.dockerfiles,
        &found.build_definitions,
        &options.images,
        &|dir: &Path| repo_root_for(dir, &path_roots),
    );
    for m in plans {
        model.extend(m);
    }
    model.builds.ecr_names = model.ecr_repositories.iter().cloned().collect();
    model.builds.ecr_defined = model
        .ecr_repositories
        .iter()
        .map(|(_, name)| name.to_ascii_lowercase())
        .collect();
    model.not_read.extend(not_read);
    crate::bluegreen::attach(&mut model);
    crate::input::forget_canonical_dirs();
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
    Some(
        match crate::input::read_source(path, crate::input::Within::Named) {
            Err(e) if matches!(e.problem, crate::input::Problem::NotText(_)) => format!(
                "{}; a binary Terraform plan is read as JSON: terraform show -json PLANFILE > plan.json, then keepalign plan plan.json",
                e.message
            ),
            Err(e) => e.message,
            Ok(_) => "not a Terraform file, CloudFormation template or Terraform plan JSON".into(),
        },
    )
}

/// The repository of a module directory: that of the scanned path that
/// contains it (`path_roots`, found once per scan), else its own.
fn repo_root_for(dir: &Path, path_roots: &[PathBuf]) -> PathBuf {
    let canon = crate::input::canonical_or_same(dir);
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
    check_configured(model, chains, today, &RuleSettings::default())
}

/// Which rules run and at what severity (the configuration's `select`,
/// `ignore` and `severity`, and `--select` / `--ignore`).
#[derive(Clone, Debug, Default)]
pub struct RuleSettings {
    /// Rule IDs that do not run and report nothing.
    pub disabled: Vec<&'static str>,
    /// Severities that replace a rule's own.
    pub severity: BTreeMap<&'static str, crate::finding::Severity>,
    /// The policies evaluated over the service chains.
    pub policies: Option<std::sync::Arc<crate::policy::Policies>>,
}

/// `check_at`, with rules turned off or their severity changed.
pub fn check_configured(
    model: &Model,
    chains: &[Chain<'_>],
    today: Date,
    settings: &RuleSettings,
) -> Vec<Finding> {
    let routes = crate::linker::routes(model, chains);
    let edges = crate::edge::edges(model, chains);
    let environments = crate::beanstalk::environments(model);
    let subjects = rules::Subjects {
        routes: &routes,
        edges: &edges,
        environments: &environments,
    };
    let mut findings = rules::check_without(chains, &subjects, today, &settings.disabled);
    if let Some(p) = &settings.policies {
        findings.extend(crate::policy::check(p, chains, today, &settings.disabled));
    }
    findings.extend(rules::pa001::findings(&model.input_errors));
    findings.extend(rules::un003::findings(&model.not_checked));
    crate::suppress::apply_file_wide(&model.suppressions, &mut findings, today);
    let disabled = settings.disabled.iter().map(|d| d.to_string()).collect();
    let notes =
        crate::suppress::bookkeeping(&model.suppressions, chains, &findings, today, &disabled);
    findings.extend(notes);
    findings.retain(|f| !settings.disabled.contains(&f.rule.id));
    for f in &mut findings {
        if let Some(s) = settings.severity.get(f.rule.id) {
            f.severity = *s;
        }
    }
    sort_and_dedup(&mut findings);
    findings
}
