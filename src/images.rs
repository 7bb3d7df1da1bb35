//! From a container's image to the Dockerfile in the scanned repository
//! that builds it. A link is made only when keepalign can say why it
//! believes it, and the reason travels with every value read through it:
//!
//! - the image's repository name (the last path segment of
//!   `…dkr.ecr…/NAME:tag`) names the directory that holds a `Dockerfile`, or
//!   a `Dockerfile.NAME` / `NAME.Dockerfile`;
//! - an image from an ECR registry, in a repository with exactly one
//!   Dockerfile: "the repository's only Dockerfile".
//!
//! Several candidates are no link: the note names them. An official image
//! (`nginx:1.25`, `library/httpd`, `public.ecr.aws/nginx/nginx`) is not
//! built here.

use crate::dockerfile::Dockerfile;
use crate::image_files::{ImageFiles, ReadCache, guess_context};
use crate::model::{Container, EnvVar, Setting, Unresolved, Word};
use crate::servers::ServerProfile;
use crate::source::display_path;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a container's image was matched to.
#[derive(Debug, PartialEq)]
pub enum Match<'a> {
    /// The Dockerfile (`index` in the index's paths), and why keepalign
    /// believes it builds the image.
    Built {
        index: usize,
        dockerfile: &'a Path,
        why: String,
    },
    /// Several Dockerfiles fit: no link.
    Ambiguous(Vec<&'a Path>),
    /// Not built in this repository, as far as keepalign can tell.
    NotHere,
}

/// Whether a file name is a Dockerfile's: `Dockerfile`, `Containerfile`,
/// `Dockerfile.NAME`, `NAME.Dockerfile` (in any case).
pub fn is_dockerfile(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let lower = name.to_ascii_lowercase();
    lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
}

/// The repository name of an image reference: `api` for
/// `123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:1.4` or
/// `ghcr.io/acme/api@sha256:…`; `None` for an official image or one whose
/// name is not known.
pub fn repository_name(image: &str) -> Option<&str> {
    let without_digest = image.split('@').next().unwrap_or(image);
    let (path, _tag) = match without_digest.rsplit_once(':') {
        // A colon after the last slash is a tag; before it, a port.
        Some((p, t)) if !t.contains('/') => (p, t),
        _ => (without_digest, ""),
    };
    let mut parts = path.split('/');
    let first = parts.next()?;
    let has_registry =
        path.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let official = !has_registry && (!path.contains('/') || first == "library")
        || path.starts_with("public.ecr.aws/docker/library/")
        || is_official_mirror(path);
    if official {
        return None;
    }
    let name = path.rsplit('/').next()?;
    (!name.is_empty() && !name.contains(crate::json::HOLE)).then_some(name)
}

/// `public.ecr.aws/nginx/nginx`: an official image's own public mirror.
fn is_official_mirror(path: &str) -> bool {
    let mut parts = path.split('/');
    parts.next() == Some("public.ecr.aws")
        && matches!((parts.next(), parts.next(), parts.next()), (Some(a), Some(b), None) if a == b)
}

fn is_ecr(image: &str) -> bool {
    let host = image.split('/').next().unwrap_or("");
    host.contains(".dkr.ecr.") && host.ends_with(".amazonaws.com")
}

/// The names a Dockerfile builds by convention: its directory's for a
/// plain `Dockerfile`, NAME for `Dockerfile.NAME` and `NAME.Dockerfile`.
fn built_name(path: &Path) -> Option<String> {
    let file = path.file_name()?.to_str()?.to_ascii_lowercase();
    if file == "dockerfile" || file == "containerfile" {
        return Some(path.parent()?.file_name()?.to_str()?.to_ascii_lowercase());
    }
    file.strip_prefix("dockerfile.")
        .or_else(|| file.strip_suffix(".dockerfile"))
        .map(str::to_string)
}

/// Every Dockerfile in the scan, indexed by the name it builds.
#[derive(Debug, Default)]
pub struct Index {
    pub paths: Vec<PathBuf>,
    by_name: std::collections::HashMap<String, Vec<usize>>,
}

impl Index {
    pub fn new(paths: Vec<PathBuf>) -> Index {
        let mut by_name: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for (i, p) in paths.iter().enumerate() {
            if let Some(n) = built_name(p) {
                by_name.entry(n).or_default().push(i);
            }
        }
        Index { paths, by_name }
    }

    /// Match `image` to a Dockerfile of the scan.
    pub fn match_image(&self, image: &str) -> Match<'_> {
        let Some(name) = repository_name(image) else {
            return Match::NotHere;
        };
        let found = self
            .by_name
            .get(&name.to_ascii_lowercase())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        match found {
            [one] => Match::Built {
                index: *one,
                dockerfile: &self.paths[*one],
                why: format!("matched by its repository name `{name}`"),
            },
            [] if is_ecr(image) && self.paths.len() == 1 => Match::Built {
                index: 0,
                dockerfile: &self.paths[0],
                why: "the repository's only Dockerfile, for an image pushed to ECR".into(),
            },
            [] => Match::NotHere,
            several => Match::Ambiguous(several.iter().map(|&i| self.paths[i].as_path()).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_names() {
        for (image, name) in [
            (
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.4",
                Some("api"),
            ),
            (
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web",
                Some("web"),
            ),
            ("ghcr.io/acme/billing@sha256:abcdef", Some("billing")),
            ("registry.local:5000/shop/cart:2", Some("cart")),
            ("acme/worker:3", Some("worker")),
            ("nginx:1.25", None),
            ("library/httpd:2.4", None),
            ("public.ecr.aws/nginx/nginx:1.27", None),
            ("public.ecr.aws/docker/library/python:3.12", None),
        ] {
            assert_eq!(repository_name(image), name, "{image}");
        }
    }

    #[test]
    fn images_match_dockerfiles_by_name_or_as_the_only_one() {
        let index = Index::new(
            [
                "services/api/Dockerfile",
                "services/web/Dockerfile",
                "docker/Dockerfile.worker",
            ]
            .iter()
            .map(PathBuf::from)
            .collect(),
        );
        let ecr = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
        let built = |m: Match<'_>| match m {
            Match::Built {
                dockerfile, why, ..
            } => Some((dockerfile.to_path_buf(), why)),
            _ => None,
        };
        assert_eq!(
            built(index.match_image(&format!("{ecr}/api:1"))).map(|b| b.0),
            Some(PathBuf::from("services/api/Dockerfile"))
        );
        assert_eq!(
            built(index.match_image(&format!("{ecr}/worker:1"))).map(|b| b.0),
            Some(PathBuf::from("docker/Dockerfile.worker"))
        );
        assert_eq!(
            index.match_image(&format!("{ecr}/billing:1")),
            Match::NotHere
        );
        assert_eq!(index.match_image("nginx:1.25"), Match::NotHere);
        let only = Index::new(vec![PathBuf::from("Dockerfile")]);
        assert!(
            built(only.match_image(&format!("{ecr}/anything:1")))
                .is_some_and(|b| b.1.contains("only Dockerfile"))
        );
        assert_eq!(only.match_image("acme/anything:1"), Match::NotHere);
        let twins = Index::new(
            ["a/api/Dockerfile", "b/api/Dockerfile"]
                .iter()
                .map(PathBuf::from)
                .collect(),
        );
        assert!(
            matches!(twins.match_image(&format!("{ecr}/api:1")), Match::Ambiguous(v) if v.len() == 2)
        );
    }

    #[test]
    fn dockerfile_names() {
        for (name, yes) in [
            ("Dockerfile", true),
            ("dockerfile", true),
            ("Containerfile", true),
            ("Dockerfile.prod", true),
            ("api.Dockerfile", true),
            ("Dockerfile-old.txt", false),
            ("docker-compose.yml", false),
        ] {
            assert_eq!(is_dockerfile(Path::new(name)), yes, "{name}");
        }
    }
}

/// A file at `relative` (`config/puma.rb`) under `dir`, a Dockerfile's
/// directory, searched a few levels deep and bounded: the build context is
/// usually the Dockerfile's directory, and `COPY . .` brings it all.
fn find_in_context(dir: &Path, relative: &str) -> Option<PathBuf> {
    const MAX_ENTRIES: usize = 5_000;
    walkdir::WalkDir::new(dir)
        .max_depth(4)
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            !(e.depth() > 0 && (name.starts_with('.') || name == "node_modules"))
        })
        .take(MAX_ENTRIES)
        .filter_map(Result::ok)
        .find(|e| e.file_type().is_file() && e.path().ends_with(relative))
        .map(|e| e.into_path())
}

/// The Dockerfiles of a scan, indexed by name and parsed once.
#[derive(Debug, Default)]
pub struct Builds {
    pub index: Index,
    /// Each path's parse, in `index.paths` order.
    pub parsed: Vec<Result<Arc<Dockerfile>, String>>,
    /// Each path's repository (canonical): reads through it stay inside.
    pub roots: Vec<PathBuf>,
    /// Each path's build context when nothing names it, and why.
    pub contexts: Vec<(PathBuf, &'static str)>,
    /// Files read from build contexts, once per scan.
    pub cache: ReadCache,
}

impl Builds {
    /// Read and parse `paths` through the confined reader, each inside the
    /// repository `root_of` gives for it.
    pub fn load(paths: Vec<PathBuf>, root_of: &dyn Fn(&Path) -> PathBuf) -> Builds {
        let mut builds = Builds::default();
        for p in &paths {
            let dir = p.parent().filter(|d| !d.as_os_str().is_empty());
            let dir = dir.unwrap_or(Path::new("."));
            let root = root_of(dir);
            let parsed = crate::input::read_source(p, crate::input::Within::Repository(&root))
                .map_err(|e| e.message)
                .and_then(|file| Dockerfile::parse(file).map(Arc::new));
            let context = match &parsed {
                Ok(d) => guess_context(d, &root),
                Err(_) => (dir.to_path_buf(), "the Dockerfile's directory"),
            };
            builds.parsed.push(parsed);
            builds.roots.push(root);
            builds.contexts.push(context);
        }
        builds.index = Index::new(paths);
        builds
    }

    pub fn extend(&mut self, other: Builds) {
        let mut paths = std::mem::take(&mut self.index.paths);
        paths.extend(other.index.paths);
        self.parsed.extend(other.parsed);
        self.roots.extend(other.roots);
        self.contexts.extend(other.contexts);
        self.index = Index::new(paths);
    }
}

/// A container's image linked to the Dockerfile that builds it.
struct Linked<'b> {
    dockerfile: &'b Dockerfile,
    /// "image `…` built by services/web/Dockerfile, matched by …".
    text: String,
    index: usize,
}

/// Identify the server in `c`: from the task definition when that is
/// enough, else through the Dockerfile that builds its image, as Docker
/// runs it (the image's ENTRYPOINT and CMD, a task `command` replacing
/// CMD, an `entryPoint` replacing ENTRYPOINT and clearing CMD; the image's
/// ENV overlaid by the task's `environment`). Either way, when the image is
/// built here, the server reads its configuration files from the image.
pub fn identify(builds: &Builds, c: &Container) -> Result<ServerProfile, Unresolved> {
    let link = match link(builds, c) {
        Ok(link) => link,
        Err(why) => {
            // The image cannot be followed: what the task definition says
            // is all there is.
            return crate::servers::identify(c).map_err(|u| {
                Unresolved::new(format!("{}; {why}", u.reason.trim_end_matches('.')), u.at)
            });
        }
    };
    let Some(link) = link else {
        return crate::servers::identify(c);
    };
    let stage_index = link.dockerfile.stages.len() - 1;
    let (context, context_why) = &builds.contexts[link.index];
    let link_text = format!("{}; build context: {}", link.text, context_why);
    let files = ImageFiles {
        dockerfile: link.dockerfile,
        stage: stage_index,
        context,
        root: &builds.roots[link.index],
        cache: &builds.cache,
        link: &link_text,
    };
    let stage = files.stage();
    let direct = crate::servers::identify_in(c, Some(files));
    let unknown = match direct {
        Ok(mut p) => {
            p.description = format!("{} ({})", p.description, link.text);
            return Ok(p);
        }
        Err(u) => u,
    };
    let words = |s: &Option<Setting<Vec<Word>>>| match s {
        Some(Setting::Known { value, .. }) => Some(value.clone()),
        _ => None,
    };
    let (entry_point, command) = (words(&c.entry_point), words(&c.command));
    let argv = crate::dockerfile::effective_argv(stage, entry_point.as_deref(), command.as_deref());
    let mut built = c.clone();
    if argv.is_empty() {
        // No ENTRYPOINT or CMD in the Dockerfile: the base image's run
        // (`FROM nginx:1.27` plus configuration files).
        let base = link.dockerfile.base_image(stage_index);
        if base.unknown.is_some() || base.text.is_empty() {
            return Err(Unresolved::new(
                format!(
                    "{}; {}, whose final stage sets no ENTRYPOINT or CMD and whose base image \
                     `{}` is not known",
                    unknown.reason,
                    link.text,
                    base.display()
                ),
                Some(stage.at.clone()),
            ));
        }
        built.image = Setting::explicit(
            base.text.clone(),
            base.at.clone().unwrap_or(stage.at.clone()),
        );
    } else {
        let at = argv
            .iter()
            .find_map(|w| w.at.clone())
            .unwrap_or_else(|| stage.at.clone());
        built.entry_point = Some(Setting::explicit(argv, at));
        built.command = None;
    }
    // The image's ENV, then the task's `environment` over it.
    let mut environment: Vec<EnvVar> = stage
        .env
        .iter()
        .filter(|(name, _)| !c.environment.iter().any(|e| &e.name == name))
        .map(|(name, w)| EnvVar {
            name: name.clone(),
            value: Setting::explicit(w.text.clone(), w.at.clone().unwrap_or(stage.at.clone())),
        })
        .collect();
    environment.extend(c.environment.iter().cloned());
    built.environment = environment;
    let link_shown = if built.entry_point.is_none() {
        format!(
            "{}, run as its base image `{}`",
            link.text,
            built.image.value().map_or("", |v| v)
        )
    } else {
        link.text.clone()
    };
    match crate::servers::identify_in(&built, Some(files)) {
        Ok(mut p) => {
            p.description = format!("{} ({link_shown})", p.description);
            let path = &builds.index.paths[link.index];
            unresolve_unread_defaults(&mut p, &link.text, path);
            Ok(p)
        }
        Err(u) => Err(Unresolved::new(
            format!("{} ({link_shown})", u.reason),
            u.at,
        )),
    }
}

/// The Dockerfile that builds `c`'s image: `Ok(None)` when it is not built
/// here, `Err` (why) when it may be but cannot be followed.
fn link<'b>(builds: &'b Builds, c: &Container) -> Result<Option<Linked<'b>>, String> {
    let Setting::Known { value: image, .. } = &c.image else {
        return Ok(None);
    };
    let (index, path, why) = match builds.index.match_image(image) {
        Match::NotHere => return Ok(None),
        Match::Ambiguous(candidates) => {
            let shown: Vec<String> = candidates.iter().map(|p| display_path(p)).collect();
            return Err(format!(
                "image `{image}` could be built by any of {}, so keepalign follows none",
                shown.join(", ")
            ));
        }
        Match::Built {
            index,
            dockerfile,
            why,
        } => (index, dockerfile, why),
    };
    let text = format!("image `{image}` built by {}, {why}", display_path(path));
    match &builds.parsed[index] {
        Ok(d) if !d.stages.is_empty() => Ok(Some(Linked {
            dockerfile: d,
            text,
            index,
        })),
        Ok(_) => Ok(None),
        Err(e) => Err(format!("{text}, which could not be read: {e}")),
    }
}

/// A Node.js keep-alive is usually set in the application's code, which
/// keepalign does not read yet: a default there would be a guess, and an
/// error built on it false. Likewise gunicorn loads `./gunicorn.conf.py`
/// when present.
fn unresolve_unread_defaults(p: &mut ServerProfile, link: &str, path: &Path) {
    let crate::servers::KeepAlive::Timeout(s) = &p.keep_alive else {
        return;
    };
    if !s.is_default() {
        return;
    }
    if p.server == "node" {
        p.keep_alive = crate::servers::KeepAlive::Timeout(Setting::unresolved(
            format!(
                "{link} starts Node.js, whose keep-alive the application's code usually sets \
                 (server.keepAliveTimeout), which keepalign does not read yet; declare it in \
                 keepalign.toml ([[service]] with keep-alive)"
            ),
            p.identified_at.clone(),
        ));
        return;
    }
    let config = match p.server {
        "gunicorn" => "gunicorn.conf.py",
        _ => return,
    };
    if let Some(found) = path.parent().and_then(|d| find_in_context(d, config)) {
        p.keep_alive = crate::servers::KeepAlive::Timeout(Setting::unresolved(
            format!(
                "{link}; its build context holds {}, which {} reads by default and keepalign \
                 does not read yet; declare the keep-alive in keepalign.toml ([[service]] with \
                 keep-alive)",
                display_path(&found),
                p.server
            ),
            p.identified_at.clone(),
        ));
    }
}
