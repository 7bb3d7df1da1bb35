//! Terraform modules: every module directory of a scan parsed once, module
//! sources resolved (local paths, and registry or git modules through
//! `.terraform/modules/modules.json` after `terraform init`), and which
//! directories are roots rather than modules called by another.

use super::syntax::{BodyRef, ParsedFile};
use crate::input::{Confined, confine};
use crate::model::InputError;
use crate::parallel::parallel_map;
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
}

/// What a scan keeps of a module directory once its syntax trees are gone:
/// its input errors, its file count, its suppressions, and the directories
/// its module calls reach.
pub struct DirRead {
    pub dir: PathBuf,
    pub errors: Vec<InputError>,
    pub read: usize,
    pub suppressions: Vec<crate::suppress::Site>,
    pub calls: Vec<PathBuf>,
}

/// The module directories of a scan that some module call may reach,
/// parsed once and kept while roots are evaluated, and the modules
/// `terraform init` downloaded for each directory. Roots no call reaches
/// are parsed one at a time by `open`, evaluated and dropped, so memory
/// follows the shared modules and the roots in progress, not the
/// repository.
pub struct Workspace {
    modules: HashMap<PathBuf, ModuleFiles>,
    /// `.terraform/modules/modules.json` of every directory read: module
    /// key to directory, relative to it.
    downloaded: HashMap<PathBuf, BTreeMap<String, PathBuf>>,
    /// What the kept modules leave of the scan's syntax-tree budget: the
    /// roots being evaluated share it.
    in_progress: crate::budget::Held,
}

/// A root of the scan: kept as a module too, or its files read and waiting
/// to be parsed.
pub struct RootDir {
    pub dir: PathBuf,
    texts: Option<DirTexts>,
}

impl RootDir {
    /// A root that is also a kept module.
    pub fn kept(dir: PathBuf) -> RootDir {
        RootDir { dir, texts: None }
    }
}

/// The roots of a scan, in path order.
pub struct Roots {
    /// Discovered directories that no discovered directory's text names as
    /// a module source.
    pub certain: Vec<RootDir>,
    /// Discovered directories whose name appears as a module `source` in
    /// another's text (in a comment, say): kept as modules, and roots if no
    /// parsed module call reaches them (`Workspace::late_roots`).
    pub named: Vec<PathBuf>,
}

/// A root's parsed files: the kept module, or its own, parsed for its
/// evaluation and holding their share of the syntax-tree budget until
/// dropped.
pub enum OpenRoot<'w> {
    Kept(&'w ModuleFiles),
    Parsed(ModuleFiles, crate::budget::Hold<'w>),
}

impl std::ops::Deref for OpenRoot<'_> {
    type Target = ModuleFiles;
    fn deref(&self) -> &ModuleFiles {
        match self {
            OpenRoot::Kept(m) => m,
            OpenRoot::Parsed(m, _) => m,
        }
    }
}

/// A directory's Terraform files read but not parsed, with every
/// directory a module `source` in their text may name.
struct DirTexts {
    dir: PathBuf,
    key: PathBuf,
    repo_root: PathBuf,
    sources: Sources,
    manifest_error: Option<InputError>,
    named: Vec<(PathBuf, PathBuf)>,
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

/// Every string written as a `source` attribute or key anywhere in
/// `text` (`source = "…"`, `"source": "…"`), as written between its
/// quotes, comments and heredocs included: a superset of the module
/// sources `call_source` reads from the parsed file, found without parsing.
pub fn named_sources(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for (at, _) in text.match_indices("source") {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            continue;
        }
        let mut i = at + "source".len();
        if bytes.get(i) == Some(&b'"') {
            i += 1;
        }
        let skip_space = |mut i: usize| {
            while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
                i += 1;
            }
            i
        };
        i = skip_space(i);
        if !matches!(bytes.get(i), Some(b'=' | b':')) {
            continue;
        }
        i = skip_space(i + 1);
        if bytes.get(i) != Some(&b'"') {
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while let Some(&b) = bytes.get(end) {
            match b {
                b'\\' => end += 2,
                b'"' | b'\n' => break,
                _ => end += 1,
            }
        }
        if let Some(s) = text.get(start..end.min(text.len())) {
            out.push(s);
        }
    }
    out
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

/// Directories module calls in `dir` reach, as written and canonical:
/// the local `sources`, and every module `terraform init` downloaded for
/// it. Targets outside the repository or missing are left out; the call
/// says why when it is evaluated.
fn reached<'s>(
    dir: &Path,
    repo_root: &Path,
    sources: impl Iterator<Item = &'s str>,
    downloaded: Option<&BTreeMap<String, PathBuf>>,
) -> Vec<(PathBuf, PathBuf)> {
    let mut seen = HashSet::new();
    sources
        .filter(|s| seen.insert(*s) && is_local_source(dir, s))
        .map(PathBuf::from)
        .chain(downloaded.into_iter().flat_map(|d| d.values().cloned()))
        .filter_map(|written| match confine(dir, &written, repo_root) {
            Confined::Inside(c) => Some((dir.join(written), c)),
            _ => None,
        })
        .collect()
}

impl Workspace {
    /// Read the discovered directories (in parallel) and find, in their
    /// text, every directory a module call may reach; parse those (and the
    /// directories their calls reach, each once) and keep them. The other
    /// discovered directories are the roots, parsed by `open` when they are
    /// evaluated.
    pub fn build(
        discovered: &BTreeMap<PathBuf, Vec<PathBuf>>,
        listings: &BTreeMap<PathBuf, crate::discover::Listing>,
        repo_root: &(dyn Fn(&Path) -> PathBuf + Sync),
    ) -> (Workspace, Roots) {
        let listed: Vec<(&PathBuf, &Vec<PathBuf>)> = discovered.iter().collect();
        let mut downloaded = HashMap::new();
        let texts: Vec<DirTexts> = parallel_map(&listed, |(dir, files)| {
            // A directory listed without `.terraform` was never initialised.
            let initialised = listings.get(*dir).is_none_or(|l| l.dot_terraform);
            read_dir_texts(dir, files, repo_root(dir), initialised)
        })
        .into_iter()
        .map(|(t, d)| {
            downloaded.insert(t.key.clone(), d);
            t
        })
        .collect();
        // Which directories the texts name, then what those name, each
        // once, breadth first from the discovered directories in path
        // order: the kept modules, and the order they take the budget in.
        let mut named_by_discovered: HashSet<PathBuf> = HashSet::new();
        for t in &texts {
            named_by_discovered.extend(
                t.named
                    .iter()
                    .map(|(_, c)| c.clone())
                    .filter(|c| *c != t.key),
            );
        }
        let discovered_keys: HashSet<PathBuf> = texts.iter().map(|t| t.key.clone()).collect();
        let mut kept_order: Vec<PathBuf> = Vec::new();
        let mut seen: HashSet<PathBuf> = HashSet::new();
        let mut followed: HashMap<PathBuf, DirTexts> = HashMap::new();
        let mut frontier: Vec<(PathBuf, PathBuf, PathBuf)> = texts
            .iter()
            .flat_map(|t| {
                t.named
                    .iter()
                    .map(|(w, c)| (w.clone(), c.clone(), t.repo_root.clone()))
            })
            .collect();
        while !frontier.is_empty() {
            let mut next = Vec::new();
            for (written, key, root) in frontier {
                if !seen.insert(key.clone()) {
                    continue;
                }
                kept_order.push(key.clone());
                if discovered_keys.contains(&key) {
                    continue;
                }
                let (t, d) = read_dir_texts(&written, &tf_files(&written), root, true);
                downloaded.insert(key.clone(), d);
                next.extend(
                    t.named
                        .iter()
                        .map(|(w, c)| (w.clone(), c.clone(), t.repo_root.clone())),
                );
                followed.insert(key, t);
            }
            frontier = next;
        }
        // Kept directories take the budget first, discovered ones in path
        // order and then the rest as reached; which files it leaves out
        // does not depend on timing.
        let mut left = crate::budget::MAX_SYNTAX;
        let mut certain = Vec::new();
        let mut named = Vec::new();
        let mut to_parse = Vec::new();
        let kept: HashSet<&PathBuf> = kept_order.iter().collect();
        for t in texts {
            let is_kept = kept.contains(&t.key);
            if named_by_discovered.contains(&t.key) {
                named.push(t.dir.clone());
            } else {
                certain.push(RootDir {
                    dir: t.dir.clone(),
                    texts: None,
                });
            }
            if is_kept {
                to_parse.push(admit(t, &mut left));
            } else if let Some(root) = certain.last_mut() {
                root.texts = Some(t);
            }
        }
        let mut followed_in_order: Vec<DirTexts> = kept_order
            .iter()
            .filter_map(|k| followed.remove(k))
            .collect();
        to_parse.extend(followed_in_order.drain(..).map(|t| admit(t, &mut left)));
        let parsed = parallel_map(&to_parse, parse_dir);
        let modules = parsed.into_iter().map(|m| (canonical(&m.dir), m)).collect();
        let ws = Workspace {
            modules,
            downloaded,
            in_progress: crate::budget::Held::new(left),
        };
        (ws, Roots { certain, named })
    }

    /// The parsed files of `root`: the kept module, or its own parsed now,
    /// once the roots in progress leave room for them in the scan's
    /// syntax-tree budget (files that could never fit are errors).
    pub fn open(&self, root: &mut RootDir) -> OpenRoot<'_> {
        let Some(texts) = root.texts.take() else {
            return match self.get(&root.dir) {
                Some(m) => OpenRoot::Kept(m),
                None => OpenRoot::Parsed(
                    ModuleFiles {
                        dir: root.dir.clone(),
                        files: Vec::new(),
                        errors: Vec::new(),
                        read: 0,
                        repo_root: root.dir.clone(),
                    },
                    self.in_progress.hold(0),
                ),
            };
        };
        let mut left = self.in_progress.capacity();
        let admitted = admit(texts, &mut left);
        let hold = self.in_progress.hold(self.in_progress.capacity() - left);
        OpenRoot::Parsed(parse_dir(&admitted), hold)
    }

    /// Where `terraform init` put the module with this key (`api.db`) for
    /// the root `root`, relative to it.
    pub fn downloaded(&self, root: &Path, key: &str) -> Option<PathBuf> {
        self.downloaded.get(&canonical(root))?.get(key).cloned()
    }

    pub fn get(&self, dir: &Path) -> Option<&ModuleFiles> {
        self.modules.get(&canonical(dir))
    }

    /// What the scan keeps of a module directory: its errors, file count,
    /// suppressions (once per file however many module instances use it)
    /// and the directories its module calls reach.
    pub fn dir_read(&self, m: &ModuleFiles) -> DirRead {
        let suppressions = m
            .files
            .iter()
            .flat_map(|f| {
                super::comments::sites(
                    &f.directives,
                    &f.source,
                    &f.top_blocks(),
                    &super::readers::is_modelled,
                )
            })
            .collect();
        let sources: Vec<String> = m
            .files
            .iter()
            .flat_map(|f| f.top_blocks())
            .filter(|b| b.kind == "module")
            .filter_map(|b| call_source(b.body))
            .collect();
        let key = canonical(&m.dir);
        let calls = reached(
            &m.dir,
            &m.repo_root,
            sources.iter().map(String::as_str),
            self.downloaded.get(&key),
        )
        .into_iter()
        .map(|(_, c)| c)
        .filter(|c| *c != key)
        .collect();
        DirRead {
            dir: m.dir.clone(),
            errors: m.errors.clone(),
            read: m.read,
            suppressions,
            calls,
        }
    }

    /// What the scan keeps of every kept module directory (a root parsed
    /// for its evaluation alone gives its own, `dir_read`).
    pub fn kept_reads(&self) -> Vec<DirRead> {
        let mut kept: Vec<&ModuleFiles> = self.modules.values().collect();
        kept.sort_by(|a, b| a.dir.cmp(&b.dir));
        parallel_map(&kept, |m| self.dir_read(m))
    }
}

/// `initialised`: whether `dir` may hold `.terraform`.
fn read_dir_texts(
    dir: &Path,
    files: &[PathBuf],
    repo_root: PathBuf,
    initialised: bool,
) -> (DirTexts, BTreeMap<String, PathBuf>) {
    let sources = read_all(files, &repo_root);
    let (downloaded, manifest_error) = if initialised {
        init_modules(dir, &repo_root)
    } else {
        (BTreeMap::new(), None)
    };
    let written: Vec<&str> = sources
        .iter()
        .filter_map(|(_, s)| s.as_ref().ok())
        .flat_map(|s| named_sources(&s.text))
        .collect();
    let named = reached(dir, &repo_root, written.into_iter(), Some(&downloaded));
    let texts = DirTexts {
        dir: dir.to_path_buf(),
        key: canonical(dir),
        repo_root,
        sources,
        manifest_error,
        named,
    };
    (texts, downloaded)
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
    dir: PathBuf,
    repo_root: PathBuf,
    sources: Vec<Result<Arc<SourceFile>, InputError>>,
    manifest_error: Option<InputError>,
    /// Every file considered, admitted or not.
    read: usize,
}

/// Take each file's syntax cost from what is `left` of the budget; a file
/// that does not fit, or is too large a syntax tree for one file, is an
/// error that says so, and costs nothing. A file over the size cap is left
/// to the parser to report.
fn admit(texts: DirTexts, left: &mut u64) -> Admitted {
    let read = texts.sources.len();
    let sources = texts
        .sources
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
    Admitted {
        dir: texts.dir,
        repo_root: texts.repo_root,
        sources,
        manifest_error: texts.manifest_error,
        read,
    }
}

fn parse_dir(admitted: &Admitted) -> ModuleFiles {
    let mut m = ModuleFiles {
        dir: admitted.dir.clone(),
        files: Vec::new(),
        errors: admitted.manifest_error.iter().cloned().collect(),
        read: admitted.read,
        repo_root: admitted.repo_root.clone(),
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
