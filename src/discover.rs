//! Finding input files. Walks directories without following symlinks (so a
//! symlink loop cannot trap the scan), skipping tool caches and VCS folders.
//! walkdir rather than ignore: `.gitignore` often lists generated IaC (such
//! as `cdk.out/`) that keepalign must still read.

use crate::model::InputError;
use crate::source::display_path;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// `.aws-sam` holds `sam build`'s copies of the templates beside it
/// (`.aws-sam/build/template.yaml`): read, every finding would be reported
/// twice, and the copy is regenerated from the original anyway.
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    ".terraform",
    ".terragrunt-cache",
    "node_modules",
    ".aws-sam",
];

#[derive(Debug, Default)]
pub struct Discovered {
    /// Terraform modules: directory → its `.tf` / `.tf.json` files, sorted.
    pub terraform_modules: BTreeMap<PathBuf, Vec<PathBuf>>,
    /// Files that may be CloudFormation templates (their content decides).
    pub templates: Vec<PathBuf>,
    /// Dockerfiles: the builds of the images containers run.
    pub dockerfiles: Vec<PathBuf>,
    /// Files that say how images are built (Compose files, workflows, CDK
    /// asset manifests).
    pub build_definitions: Vec<(PathBuf, crate::build_links::Kind)>,
    /// Elastic Beanstalk bundles' files: `.platform/nginx/nginx.conf`
    /// (which replaces the platform's nginx configuration) and
    /// `.ebextensions/*.config` (option settings).
    pub beanstalk_files: Vec<PathBuf>,
    /// Entries that could not be read while walking.
    pub errors: Vec<InputError>,
    /// What Terraform reads beside a root, for each directory the walk
    /// listed: a root need not list its directory again.
    pub listings: BTreeMap<PathBuf, Listing>,
}

/// The entries of a listed directory that Terraform reads when it is a
/// root, whatever their type (the reader says why one is not read):
/// `terraform.tfvars`, `terraform.tfvars.json` and `*.auto.tfvars(.json)`,
/// sorted, and whether `.terraform` (what `terraform init` wrote) is there.
#[derive(Debug, Default)]
pub struct Listing {
    pub tfvars: Vec<PathBuf>,
    pub dot_terraform: bool,
}

/// Whether Terraform loads the file named `name` in a root by itself.
pub fn is_auto_tfvars(name: &str) -> bool {
    name == "terraform.tfvars"
        || name == "terraform.tfvars.json"
        || name.ends_with(".auto.tfvars")
        || name.ends_with(".auto.tfvars.json")
}

/// Whether `path` is `…/.platform/nginx/nginx.conf`.
pub fn is_platform_nginx(path: &Path) -> bool {
    let mut parts = path.components().rev().map(|c| c.as_os_str());
    parts.next() == Some("nginx.conf".as_ref())
        && parts.next() == Some("nginx".as_ref())
        && parts.next() == Some(".platform".as_ref())
}

/// Whether `path` is `…/.ebextensions/NAME.config`.
pub fn is_ebextension(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "config")
        && path
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|d| d == ".ebextensions")
}

/// The application bundle a Beanstalk file belongs to: the directory
/// holding its `.platform` or `.ebextensions`.
pub fn bundle_dir(path: &Path) -> Option<&Path> {
    if is_platform_nginx(path) {
        path.ancestors().nth(3)
    } else if is_ebextension(path) {
        path.ancestors().nth(2)
    } else {
        None
    }
}

/// Tool caches, VCS folders, and CDK asset folders (`cdk.out/asset.*`, which
/// hold application code, not templates).
fn skipped_dir(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if SKIPPED_DIRS.contains(&name.as_ref()) {
        return true;
    }
    name.starts_with("asset.")
        && path
            .parent()
            .and_then(|p| p.file_name())
            .is_some_and(|p| p == "cdk.out")
}

/// Paths excluded by the user (`exclude` in the configuration file,
/// `--exclude` on the command line), in addition to `SKIPPED_DIRS`: globs
/// matched against paths relative to the directory they are relative to
/// (the configuration file's, or the current directory).
#[derive(Clone, Debug, Default)]
pub struct Exclude {
    sets: Vec<(PathBuf, globset::GlobSet)>,
}

impl Exclude {
    /// Exclude what `globs` match, relative to the directory `base`.
    pub fn add(&mut self, base: &Path, globs: Vec<globset::Glob>) {
        let mut b = globset::GlobSetBuilder::new();
        for g in globs {
            b.add(g);
        }
        // Globs that were built one by one always build as a set.
        if let Ok(set) = b.build() {
            let base = base.canonicalize().unwrap_or_else(|_| base.to_path_buf());
            self.sets.push((base, set));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// Whether the canonical `path` is excluded.
    pub fn excludes(&self, path: &Path) -> bool {
        self.sets.iter().any(|(base, set)| {
            path.strip_prefix(base)
                .is_ok_and(|rel| !rel.as_os_str().is_empty() && set.is_match(rel))
        })
    }
}

/// A path given on the command line does not exist (exit status 2).
#[derive(Debug)]
pub struct MissingPath(pub PathBuf);

pub fn discover(paths: &[PathBuf]) -> Result<Discovered, MissingPath> {
    discover_excluding(paths, &Exclude::default())
}

/// Like `discover`, leaving out what `exclude` matches below the paths
/// (a path given by name is always read, like the skipped directories).
pub fn discover_excluding(paths: &[PathBuf], exclude: &Exclude) -> Result<Discovered, MissingPath> {
    let mut out = Discovered::default();
    for path in paths {
        if std::fs::metadata(path).is_err() {
            return Err(MissingPath(path.clone()));
        }
    }
    for path in paths {
        // A scanned path is the user's choice, but not where a link planted
        // at it leads (files under it are confined by the reader).
        if crate::input::named_path_leaves_its_work_tree(path) {
            out.errors.push(InputError {
                file: display_path(path),
                message: crate::input::outside(path),
                at: None,
                line_col: Some((1, 1)),
            });
            continue;
        }
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let excluded = |p: &Path| {
            !exclude.is_empty()
                && p.strip_prefix(path)
                    .is_ok_and(|rel| exclude.excludes(&canonical.join(rel)))
        };
        // Seen before anything is skipped or excluded: a root reads what
        // is beside it whatever the scan leaves out.
        let mut beside: Vec<(PathBuf, PathBuf)> = Vec::new();
        let mut initialised: Vec<PathBuf> = Vec::new();
        let walker = WalkDir::new(path)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.depth() == 0 {
                    return true;
                }
                let name = e.file_name().to_str().unwrap_or("");
                if let Some(dir) = e.path().parent() {
                    if is_auto_tfvars(name) {
                        beside.push((dir.to_path_buf(), e.path().to_path_buf()));
                    } else if name == ".terraform" {
                        initialised.push(dir.to_path_buf());
                    }
                }
                !((e.file_type().is_dir() && skipped_dir(e.path())) || excluded(e.path()))
            });
        let mut listed: Vec<PathBuf> = Vec::new();
        let mut run: Option<(PathBuf, Vec<PathBuf>)> = None;
        for entry in walker {
            match entry {
                Ok(e) => {
                    let p = e.path();
                    // Directories are walked. Every other entry with an IaC
                    // name (file, symlink, FIFO, device) goes to the reader,
                    // which reads regular files inside the repository and
                    // reports the rest: nothing named like IaC is dropped
                    // silently.
                    if e.file_type().is_dir() {
                        // Walked, so listed whole (a link to a directory
                        // is neither).
                        listed.push(p.to_path_buf());
                        continue;
                    }
                    let is_tf = crate::terraform::is_terraform_file(p);
                    if is_tf && p.file_name().and_then(|n| n.to_str()).is_none() {
                        // Reports, fingerprints and SARIF need the name as text.
                        out.errors.push(InputError {
                            file: display_path(p),
                            message: "file name is not valid UTF-8, so keepalign does not read it; rename it".into(),
                            at: None,
                            line_col: Some((1, 1)),
                        });
                    } else if is_tf {
                        let dir = p.parent().unwrap_or(Path::new(""));
                        // A directory's files come in runs between its
                        // subdirectories: the map is entered once a run.
                        if run.as_ref().is_none_or(|(d, _)| d.as_path() != dir) {
                            flush(&mut out.terraform_modules, run.take());
                            run = Some((dir.to_path_buf(), Vec::new()));
                        }
                        if let Some((_, files)) = &mut run {
                            files.push(p.to_path_buf());
                        }
                    } else if let Some(kind) = crate::build_links::kind_of(p) {
                        out.build_definitions.push((p.to_path_buf(), kind));
                    } else if crate::cloudformation::is_candidate(p) {
                        out.templates.push(p.to_path_buf());
                    } else if crate::images::is_dockerfile(p) {
                        out.dockerfiles.push(p.to_path_buf());
                    } else if is_platform_nginx(p) || is_ebextension(p) {
                        out.beanstalk_files.push(p.to_path_buf());
                    }
                }
                Err(err) => {
                    let p = err
                        .path()
                        .map(display_path)
                        .unwrap_or_else(|| display_path(path));
                    out.errors.push(InputError {
                        file: p,
                        message: format!("cannot read: {err}"),
                        at: None,
                        line_col: Some((1, 1)),
                    });
                }
            }
        }
        flush(&mut out.terraform_modules, run);
        for dir in listed {
            out.listings.entry(dir).or_default();
        }
        for (dir, file) in beside {
            if let Some(l) = out.listings.get_mut(&dir) {
                l.tfvars.push(file);
            }
        }
        for dir in initialised {
            if let Some(l) = out.listings.get_mut(&dir) {
                l.dot_terraform = true;
            }
        }
    }
    for l in out.listings.values_mut() {
        l.tfvars.sort();
        l.tfvars.dedup();
    }
    out.templates.sort();
    out.templates.dedup();
    out.dockerfiles.sort();
    out.dockerfiles.dedup();
    out.beanstalk_files.sort();
    out.beanstalk_files.dedup();
    out.build_definitions.sort();
    out.build_definitions.dedup();
    for files in out.terraform_modules.values_mut() {
        files.sort();
        files.dedup();
    }
    Ok(out)
}

/// A directory's run of Terraform files into the map of directories.
fn flush(modules: &mut BTreeMap<PathBuf, Vec<PathBuf>>, run: Option<(PathBuf, Vec<PathBuf>)>) {
    if let Some((dir, files)) = run {
        modules.entry(dir).or_default().extend(files);
    }
}

/// The repository a path belongs to: the enclosing git work tree, else the
/// path itself (its directory, for a file). Nothing keepalign reads for a
/// scan may resolve outside it.
pub fn repository_root(path: &Path) -> PathBuf {
    let start = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let start = if start.is_file() {
        start.parent().map(Path::to_path_buf).unwrap_or(start)
    } else {
        start
    };
    crate::input::git_work_tree(&start).unwrap_or(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A root's tfvars and `.terraform` come from the walk's listing of
    /// its directory, whatever the scan skips or excludes; a directory the
    /// walk did not list has no listing (the root lists it itself).
    #[test]
    fn listings_hold_what_a_root_reads_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("live");
        std::fs::create_dir_all(root.join(".terraform/modules")).unwrap();
        std::fs::create_dir_all(root.join("env")).unwrap();
        for f in [
            "main.tf",
            "terraform.tfvars",
            "b.auto.tfvars.json",
            "a.auto.tfvars",
            "env/prod.tfvars",
            "notes.tfvars.txt",
        ] {
            std::fs::write(root.join(f), "").unwrap();
        }
        let mut exclude = Exclude::default();
        exclude.add(
            dir.path(),
            vec![globset::Glob::new("**/a.auto.tfvars").unwrap()],
        );
        let found = discover_excluding(&[dir.path().to_path_buf()], &exclude).unwrap();
        let listing = &found.listings[&root];
        let names: Vec<&str> = listing
            .tfvars
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["a.auto.tfvars", "b.auto.tfvars.json", "terraform.tfvars"]
        );
        assert!(listing.dot_terraform);
        assert!(!found.listings[&root.join("env")].dot_terraform);
        assert!(!found.listings.contains_key(&root.join(".terraform")));
    }
}
