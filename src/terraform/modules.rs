//! Terraform modules: every module directory of a scan parsed once, module
//! sources resolved (local paths, and registry or git modules through
//! `.terraform/modules/modules.json` after `terraform init`), and which
//! directories are roots rather than modules called by another.

use super::syntax::{BodyRef, ParsedFile};
use crate::input::{Confined, confine};
use crate::model::InputError;
use crate::source::SourceFile;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Module calls nest at most this deep (Terraform has no limit; cycles and
/// generated trees must not run away).
pub const MAX_NESTING: usize = 16;

pub struct ModuleFiles {
    /// The directory as discovered or referenced (for display and reading).
    pub dir: PathBuf,
    pub files: Vec<ParsedFile>,
    pub errors: Vec<InputError>,
    /// How many files were read, parsed or not.
    pub read: usize,
    /// The repository the directory belongs to: module sources and
    /// `file()` stay inside it.
    pub repo_root: PathBuf,
    /// Modules `terraform init` downloaded when this directory is a root
    /// (`.terraform/modules/modules.json`), read once: key to directory,
    /// relative to this one.
    pub downloaded: BTreeMap<String, PathBuf>,
}

/// All module directories of a scan, by canonical path.
#[derive(Default)]
pub struct Workspace {
    modules: HashMap<PathBuf, ModuleFiles>,
}

fn canonical(p: &Path) -> PathBuf {
    crate::input::canonical_or_same(p)
}

/// A `module` block's `source`, as written (it is always a literal).
pub fn call_source(body: BodyRef<'_>) -> Option<String> {
    let loc = body.attr("source")?.location()?;
    let s = loc.snippet().trim();
    Some(s.trim_matches('"').to_string())
}

/// Whether a module `source`, written in the module in `dir`, is a local
/// directory: `./x` and `../x`, and the bare `modules/web` of Terraform
/// before 0.11 when that directory exists (a registry address or a URL
/// never names one).
pub fn is_local_source(dir: &Path, source: &str) -> bool {
    if source.starts_with("./") || source.starts_with("../") || source == "." || source == ".." {
        return true;
    }
    let remote = source.contains("::")
        || source.contains("://")
        || source.starts_with("git@")
        || source.starts_with('/')
        || source
            .split('/')
            .any(|part| part == ".." || part.contains('.'));
    !remote && dir.join(source).is_dir()
}

impl Workspace {
    /// Parse the discovered directories (in parallel), then every directory
    /// their module calls reach, each once.
    pub fn build(
        discovered: &BTreeMap<PathBuf, Vec<PathBuf>>,
        repo_root: &(dyn Fn(&Path) -> PathBuf + Sync),
    ) -> Workspace {
        // Files are read in parallel, the budget is shared out in discovery
        // order, then the admitted files are parsed in parallel: which files
        // the budget leaves out does not depend on timing.
        let discovered: Vec<(&PathBuf, &Vec<PathBuf>)> = discovered.iter().collect();
        let read = parallel_map(&discovered, |(dir, files)| {
            let root = repo_root(dir);
            let sources = read_all(files, &root);
            (*dir, sources, root)
        });
        let mut left = crate::budget::MAX_SYNTAX;
        let dirs: Vec<_> = read
            .into_iter()
            .map(|(dir, sources, root)| (dir, admit(sources, &mut left), root))
            .collect();
        let parsed = parallel_map(&dirs, |(dir, admitted, root)| {
            parse_dir(dir, admitted, root.clone())
        });
        let mut ws = Workspace::default();
        for m in parsed {
            ws.modules.insert(canonical(&m.dir), m);
        }
        // Follow module calls to directories that were not discovered
        // (outside the scanned paths, or downloaded under .terraform).
        let mut pending: Vec<PathBuf> = ws.modules.keys().cloned().collect();
        let mut seen: HashSet<PathBuf> = pending.iter().cloned().collect();
        while let Some(key) = pending.pop() {
            for (dir, c) in ws.call_targets(&key) {
                if seen.insert(c.clone()) {
                    let root = ws.modules[&key].repo_root.clone();
                    let admitted = admit(read_all(&tf_files(&dir), &root), &mut left);
                    ws.modules
                        .insert(c.clone(), parse_dir(&dir, &admitted, root));
                    pending.push(c);
                }
            }
        }
        ws
    }

    /// Where `terraform init` put the module with this key (`api.db`) for
    /// the root `root`, relative to it.
    pub fn downloaded(&self, root: &Path, key: &str) -> Option<PathBuf> {
        self.get(root)?.downloaded.get(key).cloned()
    }

    pub fn get(&self, dir: &Path) -> Option<&ModuleFiles> {
        self.modules.get(&canonical(dir))
    }

    /// Discovered directories that no other discovered directory calls as a
    /// local module: the roots Terraform runs in.
    pub fn roots(&self, discovered: &BTreeMap<PathBuf, Vec<PathBuf>>) -> Vec<PathBuf> {
        let mut called = HashSet::new();
        for dir in discovered.keys() {
            let key = canonical(dir);
            for (_, t) in self.call_targets(&key) {
                if t != key {
                    called.insert(t);
                }
            }
        }
        discovered
            .keys()
            .filter(|d| !called.contains(&canonical(d)))
            .cloned()
            .collect()
    }

    /// Input errors and file counts of every module directory, once each.
    pub fn inputs_read(&self) -> (Vec<InputError>, usize) {
        let mut mods: Vec<&ModuleFiles> = self.modules.values().collect();
        mods.sort_by(|a, b| a.dir.cmp(&b.dir));
        let errors = mods.iter().flat_map(|m| m.errors.iter().cloned()).collect();
        (errors, mods.iter().map(|m| m.read).sum())
    }

    /// Every suppression written in the scan's Terraform files, once per
    /// file however many module instances use it.
    pub fn suppression_sites(&self) -> Vec<crate::suppress::Site> {
        let mut mods: Vec<&ModuleFiles> = self.modules.values().collect();
        mods.sort_by(|a, b| a.dir.cmp(&b.dir));
        mods.iter()
            .flat_map(|m| &m.files)
            .flat_map(|f| {
                super::comments::sites(
                    &f.directives,
                    &f.source,
                    &f.top_blocks(),
                    &super::readers::is_modelled,
                )
            })
            .collect()
    }

    /// Directories the module calls of `key` reach (as written, and
    /// canonical): local sources, and every module `terraform init`
    /// downloaded for a root. Targets outside the repository or missing are
    /// left out; the call says why when it is evaluated.
    fn call_targets(&self, key: &Path) -> Vec<(PathBuf, PathBuf)> {
        let Some(m) = self.modules.get(key) else {
            return Vec::new();
        };
        let local = m.files.iter().flat_map(|f| f.top_blocks()).filter_map(|b| {
            let src =
                call_source(b.body).filter(|s| b.kind == "module" && is_local_source(&m.dir, s))?;
            Some(PathBuf::from(src))
        });
        local
            .chain(m.downloaded.values().cloned())
            .filter_map(|written| match confine(&m.dir, &written, &m.repo_root) {
                Confined::Inside(c) => Some((m.dir.join(written), c)),
                _ => None,
            })
            .collect()
    }
}

/// `.terraform/modules/modules.json` of a root: module key (`api`, `api.db`)
/// to its downloaded directory. Read like every input (inside `repo_root`,
/// a regular file, capped); a file that is there but cannot be read is the
/// error, and no modules.
pub fn init_modules(
    root: &Path,
    repo_root: &Path,
) -> (BTreeMap<String, PathBuf>, Option<InputError>) {
    let path = root.join(".terraform/modules/modules.json");
    if path.symlink_metadata().is_err() {
        return (BTreeMap::new(), None); // not initialised: nothing to say
    }
    let text = match crate::input::read_source(&path, crate::input::Within::Repository(repo_root)) {
        Ok(f) => f,
        Err(e) => return (BTreeMap::new(), Some(super::read_error(&path, e))),
    };
    // A manifest that cannot be read leaves every downloaded module of the
    // root unread: say so, never scan on as if there were none.
    let broken = |why: String, line_col: (usize, usize)| InputError {
        file: crate::source::display_path(&path),
        message: format!(
            "{why}; the modules `terraform init` downloaded for this root are not read (run terraform init again)"
        ),
        at: None,
        line_col: Some(line_col),
    };
    let v = match serde_json::from_str::<serde_json::Value>(&text.text) {
        Ok(v) => v,
        Err(e) => {
            let why = format!("not valid JSON: {e}");
            return (
                BTreeMap::new(),
                Some(broken(why, (e.line().max(1), e.column().max(1)))),
            );
        }
    };
    let Some(modules) = v.get("Modules").and_then(|m| m.as_array()) else {
        let why = "not a Terraform module manifest (no \"Modules\" list)".to_string();
        return (BTreeMap::new(), Some(broken(why, (1, 1))));
    };
    let mut out = BTreeMap::new();
    for m in modules {
        if let (Some(key), Some(dir)) = (m["Key"].as_str(), m["Dir"].as_str())
            && !key.is_empty()
        {
            out.insert(key.to_string(), PathBuf::from(dir));
        }
    }
    (out, None)
}

/// Entries of `dir` named like Terraform files, sorted: everything but
/// directories, so the reader reports links, FIFOs and devices.
pub fn tf_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
        .map(|e| e.path())
        .filter(|p| super::is_terraform_file(p))
        .collect();
    files.sort();
    files
}

/// A module directory's files, read: each one's source, or why it could not
/// be read.
type Sources = Vec<(PathBuf, Result<Arc<SourceFile>, InputError>)>;

fn read_all(files: &[PathBuf], repo_root: &Path) -> Sources {
    files
        .iter()
        .map(|f| {
            let source = crate::input::read_source(f, crate::input::Within::Repository(repo_root))
                .map_err(|e| super::read_error(f, e));
            (f.clone(), source)
        })
        .collect()
}

/// The files of a directory the scan's budget admits.
struct Admitted {
    sources: Vec<Result<Arc<SourceFile>, InputError>>,
    /// Every file considered, admitted or not.
    read: usize,
}

/// Take each file's syntax cost from what is `left` of the scan's budget;
/// a file that does not fit, or is too large a syntax tree for one file,
/// is an error that says so, and costs nothing. A file over the size cap
/// is left to the parser to report.
fn admit(sources: Sources, left: &mut u64) -> Admitted {
    let read = sources.len();
    let sources = sources
        .into_iter()
        .map(|(path, source)| {
            let source = source?;
            if source.text.len() > super::MAX_SOURCE {
                return Ok(source);
            }
            match crate::budget::take_syntax(&source.text, left, "Terraform") {
                Ok(()) => Ok(source),
                Err(message) => Err(InputError {
                    file: crate::source::display_path(&path),
                    message,
                    at: None,
                    // The whole file: named at its first line.
                    line_col: Some((1, 1)),
                }),
            }
        })
        .collect();
    Admitted { sources, read }
}

fn parse_dir(dir: &Path, admitted: &Admitted, repo_root: PathBuf) -> ModuleFiles {
    let (downloaded, modules_error) = init_modules(dir, &repo_root);
    let mut m = ModuleFiles {
        dir: dir.to_path_buf(),
        files: Vec::new(),
        errors: modules_error.into_iter().collect(),
        read: admitted.read,
        downloaded,
        repo_root,
    };
    for source in &admitted.sources {
        match source.clone().and_then(super::parse_source) {
            Ok(p) => m.files.push(p),
            Err(e) => m.errors.push(e),
        }
    }
    m.errors.extend(duplicates(&m.files));
    m
}

/// Override files (`override.tf`, `*_override.tf`) re-declare blocks on
/// purpose: Terraform merges them into the originals.
fn is_override(file: &SourceFile) -> bool {
    let name = file
        .path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let stem = name
        .strip_suffix(".tf.json")
        .or_else(|| name.strip_suffix(".tf"))
        .unwrap_or(&name);
    stem == "override" || stem.ends_with("_override")
}

/// Blocks a module declares twice, across all its files: Terraform refuses
/// the module; keepalign would otherwise silently use one of them.
pub(crate) fn duplicates(files: &[ParsedFile]) -> Vec<InputError> {
    use crate::source::Location;
    let mut seen: HashMap<String, Location> = HashMap::new();
    let mut out = Vec::new();
    let mut check = |what: String, at: Location| {
        if let Some(first) = seen.get(&what) {
            let (line, col) = first.start();
            out.push(InputError {
                file: at.file.display.clone(),
                message: format!(
                    "{what} is declared twice in this module, first at {}:{line}:{col}; Terraform rejects the module: remove or rename one of them",
                    first.file.display
                ),
                at: Some(at),
                line_col: None,
            });
        } else {
            seen.insert(what, at);
        }
    };
    for file in files.iter().filter(|f| !is_override(&f.source)) {
        for block in file.top_blocks() {
            let what = match (block.kind, block.labels.as_slice()) {
                ("resource", [t, n]) => format!("resource \"{t}\" \"{n}\""),
                ("data", [t, n]) => format!("data \"{t}\" \"{n}\""),
                ("module" | "variable" | "output", [n]) => format!("{} \"{n}\"", block.kind),
                ("locals", []) => {
                    for (name, expr, key_at) in block.body.attributes() {
                        if let Some(at) = key_at.or_else(|| expr.location()) {
                            check(format!("local.{name}"), at);
                        }
                    }
                    continue;
                }
                _ => continue,
            };
            check(what, block.at.clone());
        }
    }
    out
}

/// Map `f` over `items` on all cores, keeping the order.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let results: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(items.len()));
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(items.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((i, r));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}
