//! The files of an image built in the scanned repository, as far as its
//! Dockerfile shows them: a path in the container (`/app/gunicorn.conf.py`,
//! or `gunicorn.conf.py` in the WORKDIR) traced back through `COPY`/`ADD`
//! (and `COPY --from` another stage) to the file of the build context that
//! holds it. Servers read their configuration through this view, with the
//! same confined, bounded reader as every other input.
//!
//! The answer is one of three: the build-context file (and the COPY that
//! brought it), absent (no COPY of this Dockerfile brings it: only the
//! base image could hold it), or unknown (a COPY from another image, a
//! heredoc, an archive or URL ADD, a source with a build argument could
//! bring it; the reason says which).

use crate::dockerfile::{Copy, Dockerfile, Stage};
use crate::input::{Within, read_source};
use crate::source::{Location, SourceFile, display_path};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// How many `COPY --from` hops are followed between stages.
const MAX_HOPS: usize = 8;
/// Entries listed from one build-context directory (an nginx `include
/// conf.d/*.conf`).
const MAX_LISTED: usize = 1_000;

/// Where a path of the image comes from.
#[derive(Clone, Debug)]
pub enum Origin {
    /// A file of the build context, and the COPY/ADD that brings it.
    Context { host: PathBuf, copied_at: Location },
    /// No COPY or ADD of the Dockerfile brings it.
    Absent,
    /// Something keepalign cannot follow may bring it.
    Unknown { reason: String, at: Location },
}

/// A file read from the image.
#[derive(Clone, Debug)]
pub struct ImageFile {
    pub file: Arc<SourceFile>,
    /// The path in the container.
    pub path: String,
    /// The COPY or ADD that brings it.
    pub copied_at: Location,
}

/// Files read from build contexts, once per scan.
#[derive(Debug, Default)]
pub struct ReadCache {
    files: Mutex<HashMap<PathBuf, Result<Arc<SourceFile>, String>>>,
    /// Each build's `.dockerignore`, by Dockerfile and context.
    ignores: Mutex<HashMap<(PathBuf, PathBuf), Arc<DockerIgnore>>>,
}

impl ReadCache {
    /// The `.dockerignore` of a build: `Dockerfile.dockerignore` beside the
    /// Dockerfile (BuildKit), else `.dockerignore` at the context's root.
    fn ignore(&self, dockerfile: &Path, context: &Path, root: &Path) -> Arc<DockerIgnore> {
        let mut ignores = self.ignores.lock().unwrap_or_else(|p| p.into_inner());
        ignores
            .entry((dockerfile.to_path_buf(), context.to_path_buf()))
            .or_insert_with(|| {
                let mut beside = dockerfile.as_os_str().to_owned();
                beside.push(".dockerignore");
                let text = [PathBuf::from(beside), context.join(".dockerignore")]
                    .iter()
                    .find(|p| p.is_file())
                    .and_then(|p| read_source(p, Within::Repository(root)).ok());
                Arc::new(text.map_or_else(DockerIgnore::default, |f| DockerIgnore::parse(&f.text)))
            })
            .clone()
    }

    fn read(&self, host: &Path, root: &Path) -> Result<Arc<SourceFile>, String> {
        let mut files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        files
            .entry(host.to_path_buf())
            .or_insert_with(|| read_source(host, Within::Repository(root)).map_err(|e| e.message))
            .clone()
    }
}

/// The patterns of a `.dockerignore`: paths of the build context Docker
/// leaves out, so no COPY brings them (as `moby/patternmatcher` matches
/// them: the last pattern that matches the path or one of its parent
/// directories decides; `!` makes an exception).
#[derive(Debug, Default)]
pub struct DockerIgnore {
    patterns: Vec<(globset::GlobMatcher, bool)>,
}

impl DockerIgnore {
    /// At most this many patterns are kept (a hostile file could hold
    /// millions, each matched against every path).
    const MAX_PATTERNS: usize = 1_000;

    pub fn parse(text: &str) -> DockerIgnore {
        let mut patterns = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (exclude, pattern) = match line.strip_prefix('!') {
                Some(p) => (false, p.trim()),
                None => (true, line),
            };
            let pattern = absolute("/", pattern);
            let pattern = pattern.trim_start_matches('/');
            if pattern.is_empty() {
                continue;
            }
            let Ok(glob) = globset::GlobBuilder::new(pattern)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
            else {
                continue;
            };
            patterns.push((glob.compile_matcher(), exclude));
            if patterns.len() == Self::MAX_PATTERNS {
                break;
            }
        }
        DockerIgnore { patterns }
    }

    /// Whether the context path `rel` (relative, `/`-separated) is left out.
    pub fn excludes(&self, rel: &str) -> bool {
        let mut excluded = false;
        for (glob, exclude) in &self.patterns {
            let mut prefixes = rel
                .match_indices('/')
                .map(|(i, _)| &rel[..i])
                .chain(std::iter::once(rel));
            if prefixes.any(|p| glob.is_match(p)) {
                excluded = *exclude;
            }
        }
        excluded
    }
}

/// One image's files: a stage of a Dockerfile, its build context, and the
/// repository that confines every read.
#[derive(Clone, Copy, Debug)]
pub struct ImageFiles<'a> {
    pub dockerfile: &'a Dockerfile,
    pub stage: usize,
    /// The build context directory on this machine.
    pub context: &'a Path,
    /// The repository being scanned: nothing outside it is read.
    pub root: &'a Path,
    pub cache: &'a ReadCache,
    /// Why keepalign believes this Dockerfile builds the image, for messages.
    pub link: &'a str,
    /// The task definition's `workingDirectory`, which replaces the final
    /// stage's WORKDIR (absolute).
    pub workdir: Option<&'a str>,
}

impl<'a> ImageFiles<'a> {
    pub fn stage(&self) -> &'a Stage {
        &self.dockerfile.stages[self.stage]
    }

    /// The working directory of the container's process.
    pub fn workdir(&self) -> &'a str {
        if let Some(w) = self.workdir
            && self.stage + 1 == self.dockerfile.stages.len()
        {
            return w;
        }
        self.stage()
            .workdir
            .as_ref()
            .map_or("/", |w| w.text.as_str())
    }

    /// `path` as an absolute path of the image: a relative one is in the
    /// WORKDIR.
    pub fn absolute(&self, path: &str) -> String {
        absolute(self.workdir(), path)
    }

    /// Where `path` (absolute, or relative to the WORKDIR) comes from.
    pub fn origin(&self, path: &str) -> Origin {
        let path = self.absolute(path);
        self.origin_in(self.stage, &path, 0)
    }

    /// Read `path` from the image: `Ok(None)` when no COPY brings it.
    pub fn read(&self, path: &str) -> Result<Option<ImageFile>, (String, Location)> {
        let path = self.absolute(path);
        match self.origin_in(self.stage, &path, 0) {
            Origin::Absent => Ok(None),
            Origin::Unknown { reason, at } => Err((reason, at)),
            Origin::Context { host, copied_at } => match self.cache.read(&host, self.root) {
                Ok(file) => Ok(Some(ImageFile {
                    file,
                    path,
                    copied_at,
                })),
                Err(e) => Err((
                    format!("{} (copied to {path}): {e}", display_path(&host)),
                    copied_at,
                )),
            },
        }
    }

    /// The image paths of the files directly in the image directory `dir`
    /// that come from the build context, sorted; for `include *.conf`.
    pub fn list(&self, dir: &str) -> Vec<String> {
        let dir = self.absolute(dir);
        self.list_in(self.stage, &dir, 0)
    }

    /// [`list`](Self::list) in a stage, following `COPY --from` into the
    /// stages it copies from.
    fn list_in(&self, stage: usize, dir: &str, hops: usize) -> Vec<String> {
        let dir = dir.to_string();
        let mut out = Vec::new();
        for copy in &self.dockerfile.stages[stage].copies {
            let Some(dest) = &copy.dest_path else {
                continue;
            };
            if let Some(from) = &copy.from {
                out.extend(self.list_from(copy, from, dest, stage, &dir, hops));
                continue;
            }
            for src in &copy.sources {
                if src.unknown.is_some() {
                    continue;
                }
                if has_glob(&src.text) && !src.text.starts_with("<<") {
                    // `COPY conf/*.conf /etc/nginx/conf.d/`: the matching files.
                    if dest.trim_end_matches('/') != dir.trim_end_matches('/') {
                        continue;
                    }
                    let (d, pattern) = src.text.rsplit_once('/').unwrap_or(("", &src.text));
                    let (Some(host), Ok(glob)) =
                        (self.context_path(d), globset::Glob::new(pattern))
                    else {
                        continue;
                    };
                    if !host.canonicalize().is_ok_and(|c| c.starts_with(self.root)) {
                        continue;
                    }
                    let glob = glob.compile_matcher();
                    let Ok(entries) = std::fs::read_dir(&host) else {
                        continue;
                    };
                    for e in entries.filter_map(Result::ok).take(MAX_LISTED) {
                        let name = e.file_name().to_string_lossy().into_owned();
                        if e.file_type().is_ok_and(|t| t.is_file()) && glob.is_match(&name) {
                            out.push(absolute(&dir, &name));
                        }
                    }
                    continue;
                }
                let Some(host) = self.context_path(&src.text) else {
                    continue;
                };
                if is_special_source(copy, &src.text) {
                    continue;
                }
                // Names are listed only inside the repository.
                if !host.canonicalize().is_ok_and(|c| c.starts_with(self.root)) {
                    continue;
                }
                if host.is_dir() {
                    // `COPY conf.d/ /etc/nginx/conf.d/`: its entries (the
                    // directory itself, or one below it).
                    let sub = if dir.trim_end_matches('/') == dest.trim_end_matches('/') {
                        ""
                    } else {
                        let Some(sub) = relative_to(&dir, dest) else {
                            continue;
                        };
                        sub
                    };
                    let Ok(entries) = std::fs::read_dir(host.join(sub)) else {
                        continue;
                    };
                    for e in entries.filter_map(Result::ok).take(MAX_LISTED) {
                        if e.file_type().is_ok_and(|t| t.is_file()) && !self.ignored(&e.path()) {
                            out.push(absolute(&dir, &e.file_name().to_string_lossy()));
                        }
                    }
                } else if host.is_file() {
                    let target = file_target(&src.text, dest);
                    if parent(&target) == dir {
                        out.push(target);
                    } else if !copy.dest_is_dir && parent(dest) == dir {
                        out.push(dest.clone());
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// What `COPY --from=STAGE SRC DEST` puts directly in `dir`: the
    /// entries of the directory it maps to in that stage, or a file it
    /// copies there.
    fn list_from(
        &self,
        copy: &Copy,
        from: &str,
        dest: &str,
        stage: usize,
        dir: &str,
        hops: usize,
    ) -> Vec<String> {
        let mut out = Vec::new();
        let Some(other) = self.stage_named(from, stage) else {
            return out;
        };
        if hops >= MAX_HOPS {
            return out;
        }
        for src in &copy.sources {
            if src.unknown.is_some() || has_glob(&src.text) {
                continue;
            }
            let src_abs = absolute("/", &src.text);
            // A file of that stage, copied into `dir`.
            if matches!(
                self.origin_in(other, &src_abs, hops + 1),
                Origin::Context { .. }
            ) {
                let target = if copy.dest_is_dir {
                    file_target(&src.text, dest)
                } else {
                    dest.to_string()
                };
                if parent(&target) == dir {
                    out.push(target);
                }
                continue;
            }
            // A directory of that stage: what `dir` is there.
            let there = if dir.trim_end_matches('/') == dest.trim_end_matches('/') {
                src_abs.clone()
            } else if let Some(rel) = relative_to(dir, dest) {
                absolute(&src_abs, rel)
            } else {
                continue;
            };
            for p in self.list_in(other, &there, hops + 1) {
                if let Some(name) = relative_to(&p, &there) {
                    out.push(absolute(dir, name));
                }
            }
        }
        out
    }

    fn origin_in(&self, stage: usize, path: &str, hops: usize) -> Origin {
        let s = &self.dockerfile.stages[stage];
        for copy in s.copies.iter().rev() {
            let Some(dest) = &copy.dest_path else {
                return Origin::Unknown {
                    reason: "a COPY whose destination uses a build argument with no default may \
                             bring it"
                        .into(),
                    at: copy.at.clone(),
                };
            };
            for src in copy.sources.iter().rev() {
                if let Some(found) = self.through(
                    copy,
                    &src.text,
                    src.unknown.is_some(),
                    dest,
                    path,
                    stage,
                    hops,
                ) {
                    return found;
                }
            }
        }
        Origin::Absent
    }

    /// Whether `copy` brings `path` from source `src`: `None` when not.
    #[allow(clippy::too_many_arguments)]
    fn through(
        &self,
        copy: &Copy,
        src: &str,
        src_unknown: bool,
        dest: &str,
        path: &str,
        stage: usize,
        hops: usize,
    ) -> Option<Origin> {
        let under = path == dest || relative_to(path, dest).is_some();
        let unknown = |reason: String| {
            under.then(|| Origin::Unknown {
                reason,
                at: copy.at.clone(),
            })
        };
        if src_unknown {
            return unknown(format!(
                "the COPY of `{src}`, whose source uses a build argument with no default, may \
                 bring it"
            ));
        }
        if src.starts_with("<<") {
            return unknown(format!(
                "a heredoc in the Dockerfile (`{src}`) may write it"
            ));
        }
        if let Some(from) = &copy.from {
            let Some(other) = self.stage_named(from, stage) else {
                return unknown(format!("it may be copied from the image `{from}`"));
            };
            if hops >= MAX_HOPS {
                return unknown("COPY --from chains too long to follow".into());
            }
            let src_abs = absolute("/", src);
            let candidates: Vec<String> = if path == dest && !copy.dest_is_dir {
                vec![src_abs.clone()]
            } else if let Some(rel) = relative_to(path, dest) {
                let mut c = vec![absolute(&src_abs, rel)];
                if !rel.contains('/') && basename(&src_abs) == rel {
                    c.push(src_abs.clone());
                }
                c
            } else {
                return None;
            };
            for c in &candidates {
                match self.origin_in(other, c, hops + 1) {
                    Origin::Absent => continue,
                    found => return Some(found),
                }
            }
            // No COPY of that stage brings the source at all: its RUN
            // instructions (a build, `pip wheel`) or its base image made it,
            // which keepalign does not run.
            let copied_there = candidates.iter().any(|c| {
                self.dockerfile.stages[other].copies.iter().any(|k| {
                    k.dest_path
                        .as_deref()
                        .is_none_or(|d| c == d || relative_to(c, d).is_some())
                })
            });
            if !copied_there {
                return unknown(format!(
                    "it is copied from the stage `{from}`, where its RUN instructions or base \
                     image may make it, and keepalign does not run them"
                ));
            }
            return None;
        }
        if copy.add && (src.contains("://") || is_archive(src)) {
            return unknown(format!(
                "ADD `{src}` (fetched or unpacked at build time) may bring it"
            ));
        }
        if has_glob(src) {
            let rel = relative_to(path, dest)?;
            if rel.contains('/') {
                return None;
            }
            let (dir, pattern) = match src.rsplit_once('/') {
                Some((d, p)) => (d, p),
                None => ("", src),
            };
            let glob = globset::Glob::new(pattern).ok()?.compile_matcher();
            if !glob.is_match(rel) {
                return None;
            }
            let host = self.context_path(&format!("{dir}/{rel}"))?;
            return (host.is_file() && !self.ignored(&host)).then(|| Origin::Context {
                host,
                copied_at: copy.at.clone(),
            });
        }
        let host = self.context_path(src)?;
        if host.is_dir() {
            let rel = relative_to(path, dest)?;
            let file = host.join(rel);
            return (file.is_file() && !self.ignored(&file)).then(|| Origin::Context {
                host: file,
                copied_at: copy.at.clone(),
            });
        }
        if host.is_file()
            && (file_target(src, dest) == path || path == dest && !copy.dest_is_dir)
            && !self.ignored(&host)
        {
            return Some(Origin::Context {
                host,
                copied_at: copy.at.clone(),
            });
        }
        // A source the build context does not hold (generated before the
        // build, or left out of the repository) may bring the path: what it
        // brings is unknown, not the base image's.
        let may_bring = file_target(src, dest) == path
            || (path == dest && !copy.dest_is_dir)
            || (src.ends_with('/') && relative_to(path, dest).is_some());
        if may_bring && std::fs::symlink_metadata(&host).is_err() && !self.ignored(&host) {
            return unknown(format!(
                "the COPY of `{src}` may bring it, but {} is not in the build context (made \
                 before the build?), so keepalign cannot read it",
                display_path(&host)
            ));
        }
        None
    }

    /// A stage of this Dockerfile named by `COPY --from=` (name or index),
    /// built before `before`.
    fn stage_named(&self, from: &str, before: usize) -> Option<usize> {
        if let Ok(i) = from.parse::<usize>() {
            return (i < before).then_some(i);
        }
        self.dockerfile.stages[..before].iter().rposition(|s| {
            s.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(from))
        })
    }

    /// Whether the build context file `host` is left out by the build's
    /// `.dockerignore`.
    fn ignored(&self, host: &Path) -> bool {
        let ignore = self
            .cache
            .ignore(&self.dockerfile.file.path, self.context, self.root);
        if ignore.patterns.is_empty() {
            return false;
        }
        let context = crate::input::lexically_normal(self.context);
        host.strip_prefix(&context)
            .ok()
            .and_then(Path::to_str)
            .is_some_and(|rel| ignore.excludes(rel))
    }

    /// A source path in the build context; `None` when it leaves it.
    fn context_path(&self, src: &str) -> Option<PathBuf> {
        let rel = src.trim_start_matches('/');
        let joined = crate::input::lexically_normal(&self.context.join(rel));
        joined
            .starts_with(crate::input::lexically_normal(self.context))
            .then_some(joined)
    }
}

/// Where a file source lands when DEST is a directory: DEST/NAME. (When
/// DEST is not written as one, it is DEST itself, unless the image already
/// has a directory there; callers accept both.)
fn file_target(src: &str, dest: &str) -> String {
    absolute(dest, basename(src))
}

fn is_special_source(copy: &Copy, src: &str) -> bool {
    src.starts_with("<<") || has_glob(src) || copy.add && (src.contains("://") || is_archive(src))
}

fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

fn is_archive(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    [
        ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst",
    ]
    .iter()
    .any(|e| lower.ends_with(e))
}

fn basename(p: &str) -> &str {
    p.trim_end_matches('/').rsplit('/').next().unwrap_or(p)
}

fn parent(p: &str) -> &str {
    match p.rfind('/') {
        Some(0) => "/",
        Some(i) => &p[..i],
        None => "/",
    }
}

/// `path` below the directory `dir`, without the leading `/`.
fn relative_to<'p>(path: &'p str, dir: &str) -> Option<&'p str> {
    let dir = dir.trim_end_matches('/');
    let rest = path.strip_prefix(dir)?.strip_prefix('/')?;
    (!rest.is_empty()).then_some(rest)
}

/// `path` made absolute against `base`, `.` and `..` resolved.
pub fn absolute(base: &str, path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let start = if path.starts_with('/') { "" } else { base };
    for p in start.split('/').chain(path.split('/')) {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The build context of a Dockerfile when nothing names it: the
/// Dockerfile's directory when the files its COPYs name are there, else
/// the nearest directory above it (inside the repository) where they all
/// are, as with `docker build -f path/Dockerfile .` at the repository's
/// root. The second value says which, for messages.
pub fn guess_context(dockerfile: &Dockerfile, root: &Path) -> (PathBuf, &'static str) {
    let dir = dockerfile
        .file
        .path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let sources: Vec<&str> = dockerfile
        .stages
        .iter()
        .flat_map(|s| &s.copies)
        .filter(|c| c.from.is_none())
        .flat_map(|c| c.sources.iter().map(move |w| (c, w)))
        .filter(|(c, w)| w.unknown.is_none() && !is_special_source(c, &w.text))
        .map(|(_, w)| w.text.trim_start_matches('/'))
        .filter(|s| !s.is_empty() && *s != "." && !s.starts_with(".."))
        .take(64)
        .collect();
    if sources.is_empty() {
        return (dir, "the Dockerfile's directory");
    }
    let all_in = |d: &Path| sources.iter().all(|s| d.join(s).exists());
    if all_in(&dir) {
        return (dir, "the Dockerfile's directory");
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut up = dir.clone();
    while let Some(p) = up.parent().map(Path::to_path_buf) {
        let p = if p.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            p
        };
        let inside = p
            .canonicalize()
            .is_ok_and(|c| c.starts_with(&canonical_root));
        if !inside {
            break;
        }
        if all_in(&p) {
            return (
                p,
                "the nearest directory above the Dockerfile holding what it copies",
            );
        }
        if p == Path::new(".") || p.parent().is_none() {
            break;
        }
        up = p;
    }
    (dir, "the Dockerfile's directory")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        dir
    }

    fn dockerfile(root: &Path, path: &str) -> Dockerfile {
        let Ok(file) = read_source(&root.join(path), Within::Repository(root)) else {
            panic!("cannot read {path}");
        };
        Dockerfile::parse(file).unwrap()
    }

    /// The files of `stage` of `d`, built from `context` in the repository `root`.
    fn view<'a>(
        d: &'a Dockerfile,
        stage: usize,
        context: &'a Path,
        root: &'a Path,
        cache: &'a ReadCache,
    ) -> ImageFiles<'a> {
        ImageFiles {
            dockerfile: d,
            stage,
            context,
            root,
            cache,
            link: "test",
            workdir: None,
        }
    }

    fn found(files: &ImageFiles<'_>, path: &str) -> Option<String> {
        match files.read(path) {
            Ok(Some(f)) => Some(f.file.text.clone()),
            Ok(None) => None,
            Err((why, _)) => Some(format!("unknown: {why}")),
        }
    }

    #[test]
    fn paths_in_the_image_lead_back_to_the_build_context() {
        let dir = repo(&[
            (
                "web/Dockerfile",
                "FROM python:3.12 AS build\n\
                 COPY requirements.txt /src/\n\
                 FROM python:3.12-slim\n\
                 WORKDIR /app\n\
                 COPY . .\n\
                 COPY deploy/gunicorn.conf.py /etc/gunicorn/\n\
                 COPY --from=build /src /deps\n\
                 COPY --from=build /wheels /wheels\n\
                 COPY deploy/nginx.conf /etc/nginx/nginx.conf\n\
                 COPY <<EOF /app/inline.py\nx = 1\nEOF\n\
                 ADD vendor.tar.gz /opt/\n\
                 COPY --from=ghcr.io/acme/tools /bin/tool /usr/bin/\n\
                 COPY conf/*.conf /etc/extra/\n\
                 COPY generated/haproxy.cfg /usr/local/etc/haproxy/\n\
                 COPY dist/ /usr/share/site/\n",
            ),
            ("web/gunicorn.conf.py", "keepalive = 75\n"),
            ("web/deploy/gunicorn.conf.py", "keepalive = 5\n"),
            ("web/deploy/nginx.conf", "events {}\n"),
            ("web/requirements.txt", "flask\n"),
            ("web/conf/a.conf", "a\n"),
            ("web/conf/b.txt", "b\n"),
        ]);
        let root = dir.path().canonicalize().unwrap();
        let d = dockerfile(&root, "web/Dockerfile");
        let (context, _) = guess_context(&d, &root);
        let cache = ReadCache::default();
        let files = view(&d, 1, &context, &root, &cache);
        assert_eq!(files.workdir(), "/app");
        assert_eq!(
            found(&files, "gunicorn.conf.py").as_deref(),
            Some("keepalive = 75\n")
        );
        assert_eq!(
            found(&files, "/etc/gunicorn/gunicorn.conf.py").as_deref(),
            Some("keepalive = 5\n")
        );
        assert_eq!(
            found(&files, "/etc/nginx/nginx.conf").as_deref(),
            Some("events {}\n")
        );
        assert_eq!(
            found(&files, "/deps/requirements.txt").as_deref(),
            Some("flask\n")
        );
        // Under a source the build stage copied: traced, and absent.
        assert_eq!(found(&files, "/deps/setup.cfg"), None);
        // Made by the build stage's RUN (`pip wheel`): unknown, not absent.
        assert!(
            found(&files, "/wheels/flask.whl")
                .unwrap()
                .contains("copied from the stage `build`")
        );
        assert_eq!(found(&files, "/etc/extra/a.conf").as_deref(), Some("a\n"));
        assert_eq!(found(&files, "/etc/extra/b.txt"), None);
        assert_eq!(found(&files, "/etc/passwd"), None);
        // A source the context does not hold: unknown, not the base image's.
        assert!(
            found(&files, "/usr/local/etc/haproxy/haproxy.cfg")
                .unwrap()
                .contains("is not in the build context")
        );
        assert!(
            found(&files, "/usr/share/site/index.html")
                .unwrap()
                .contains("`dist/`")
        );
        assert_eq!(found(&files, "/usr/local/etc/haproxy/other.cfg"), None);
        assert!(found(&files, "inline.py").unwrap().contains("heredoc"));
        assert!(
            found(&files, "/opt/x.conf")
                .unwrap()
                .contains("vendor.tar.gz")
        );
        assert!(
            found(&files, "/usr/bin/tool")
                .unwrap()
                .contains("ghcr.io/acme/tools")
        );
        assert_eq!(
            files.list("/etc/extra"),
            vec!["/etc/extra/a.conf".to_string()]
        );
        assert_eq!(
            files.list("/etc/nginx"),
            vec!["/etc/nginx/nginx.conf".to_string()]
        );
        // A directory copied onto the one listed: its files.
        // (`COPY . .` in /app)
        assert!(
            files
                .list("/app")
                .contains(&"/app/gunicorn.conf.py".to_string()),
            "{:?}",
            files.list("/app")
        );
    }

    #[test]
    fn directories_copied_from_another_stage_are_listed() {
        let dir = repo(&[
            (
                "edge/Dockerfile",
                "FROM alpine:3.20 AS conf\n\
                 COPY nginx/ /src/nginx/\n\
                 FROM nginx:1.27\n\
                 COPY --from=conf /src/nginx/conf.d /etc/nginx/conf.d\n\
                 COPY --from=conf /src/nginx/extra.conf /etc/nginx/snippets/\n\
                 COPY --from=conf /src/nginx/missing.conf /etc/nginx/snippets/\n",
            ),
            ("edge/nginx/conf.d/a.conf", "a\n"),
            ("edge/nginx/conf.d/b.conf", "b\n"),
            ("edge/nginx/extra.conf", "x\n"),
        ]);
        let root = dir.path().canonicalize().unwrap();
        let d = dockerfile(&root, "edge/Dockerfile");
        let context = root.join("edge");
        let cache = ReadCache::default();
        let files = view(&d, 1, &context, &root, &cache);
        assert_eq!(
            files.list("/etc/nginx/conf.d"),
            ["/etc/nginx/conf.d/a.conf", "/etc/nginx/conf.d/b.conf"]
        );
        assert_eq!(
            files.list("/etc/nginx/snippets"),
            ["/etc/nginx/snippets/extra.conf"]
        );
        assert_eq!(
            found(&files, "/etc/nginx/conf.d/b.conf").as_deref(),
            Some("b\n")
        );
    }

    #[test]
    fn dockerignore_patterns_match_as_docker_matches_them() {
        let i = DockerIgnore::parse(
            "# comment\n\
             node_modules\n\
             /secrets\n\
             *.md\n\
             !README.md\n\
             **/*.pyc\n\
             config/local.*\n\
             docs/\n",
        );
        for (path, out) in [
            ("node_modules/x/index.js", true),
            ("secrets/key", true),
            ("CHANGES.md", true),
            ("README.md", false),
            ("docs/README.md", true),
            ("a/b/c.pyc", true),
            ("config/local.py", true),
            ("config/prod.py", false),
            ("app/node_modules.txt", false),
            ("sub/CHANGES.md", false),
            ("gunicorn.conf.py", false),
        ] {
            assert_eq!(i.excludes(path), out, "{path}");
        }
        assert!(!DockerIgnore::parse("").excludes("x"));
    }

    #[test]
    fn files_the_dockerignore_leaves_out_are_not_in_the_image() {
        let dir = repo(&[
            (
                "api/Dockerfile",
                "FROM python:3.12\nWORKDIR /app\nCOPY . .\nCOPY conf/ /etc/app/\n",
            ),
            ("api/.dockerignore", "gunicorn.conf.py\nconf/*.local\n"),
            ("api/gunicorn.conf.py", "keepalive = 2\n"),
            ("api/app.py", "x\n"),
            ("api/conf/a.conf", "a\n"),
            ("api/conf/b.local", "b\n"),
            (
                "web/Dockerfile",
                "FROM python:3.12\nWORKDIR /app\nCOPY . .\n",
            ),
            ("web/Dockerfile.dockerignore", "secret.txt\n"),
            ("web/.dockerignore", "app.py\n"),
            ("web/app.py", "x\n"),
            ("web/secret.txt", "s\n"),
        ]);
        let root = dir.path().canonicalize().unwrap();
        let cache = ReadCache::default();
        let api = dockerfile(&root, "api/Dockerfile");
        let api_context = root.join("api");
        let files = view(&api, 0, &api_context, &root, &cache);
        assert_eq!(found(&files, "gunicorn.conf.py"), None);
        assert_eq!(found(&files, "app.py").as_deref(), Some("x\n"));
        assert_eq!(files.list("/etc/app"), vec!["/etc/app/a.conf".to_string()]);
        // BuildKit's Dockerfile.dockerignore wins over the context's.
        let web = dockerfile(&root, "web/Dockerfile");
        let web_context = root.join("web");
        let files = ImageFiles {
            dockerfile: &web,
            context: &web_context,
            ..files
        };
        assert_eq!(found(&files, "secret.txt"), None);
        assert_eq!(found(&files, "app.py").as_deref(), Some("x\n"));
    }

    #[test]
    fn the_context_is_the_directory_that_holds_what_is_copied() {
        let dir = repo(&[
            (
                "docker/web/Dockerfile",
                "FROM node:22\nCOPY web/server.js /app/\n",
            ),
            ("web/server.js", "x\n"),
            ("api/Dockerfile", "FROM node:22\nCOPY . /app\n"),
        ]);
        let root = dir.path().canonicalize().unwrap();
        let d = dockerfile(&root, "docker/web/Dockerfile");
        assert_eq!(guess_context(&d, &root).0, root);
        let d = dockerfile(&root, "api/Dockerfile");
        assert_eq!(guess_context(&d, &root).0, root.join("api"));
    }

    #[test]
    fn copies_never_leave_the_context() {
        let dir = repo(&[
            ("secret.txt", "s\n"),
            ("web/Dockerfile", "FROM node:22\nCOPY ../secret.txt /app/\n"),
        ]);
        let root = dir.path().canonicalize().unwrap();
        let d = dockerfile(&root, "web/Dockerfile");
        let context = root.join("web");
        let cache = ReadCache::default();
        let files = view(&d, 0, &context, &root, &cache);
        assert_eq!(found(&files, "/app/secret.txt"), None);
    }
}
