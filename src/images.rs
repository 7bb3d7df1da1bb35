//! From a container's image to the Dockerfile in the scanned repository
//! that builds it. A link is made only when keepalign can say why it
//! believes it, and the reason travels with every value read through it:
//!
//! - the image's repository name (the last path segment of
//!   `…dkr.ecr…/NAME:tag`) names the directory that holds a `Dockerfile`, or
//!   a `Dockerfile.NAME` / `NAME.Dockerfile`;
//! - an image from an ECR repository that the scan defines
//!   (`aws_ecr_repository`, `AWS::ECR::Repository`), in a repository with
//!   exactly one Dockerfile: "the repository's only Dockerfile". Any ECR
//!   image would link a sidecar pulled from a private mirror to the app's
//!   Dockerfile.
//!
//! Several candidates are no link: the note names them. An official image
//! (`nginx:1.25`, `library/httpd`, `public.ecr.aws/nginx/nginx`) is not
//! built here.

use crate::build_links::BuildSpec;
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
    (!name.is_empty() && !name.contains([crate::json::HOLE, '*'])).then_some(name)
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
    /// Whether each path was found by the walk (not only named by a build
    /// definition): "the repository's only Dockerfile" counts these.
    pub discovered: Vec<bool>,
    /// Each path's position.
    position: std::collections::HashMap<PathBuf, usize>,
    /// The one path the walk found, when it found one.
    only_discovered: Option<usize>,
    by_name: std::collections::HashMap<String, Vec<usize>>,
}

impl Index {
    pub fn new(paths: Vec<PathBuf>, discovered: Vec<bool>) -> Index {
        let mut by_name: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for (i, p) in paths.iter().enumerate() {
            if !discovered[i] {
                continue;
            }
            if let Some(n) = built_name(p) {
                by_name.entry(n).or_default().push(i);
            }
        }
        let position = paths
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), i))
            .collect();
        let mut found = discovered.iter().enumerate().filter(|(_, d)| **d);
        let only_discovered = match (found.next(), found.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        };
        Index {
            paths,
            discovered,
            position,
            only_discovered,
            by_name,
        }
    }

    /// Match `image` to a Dockerfile of the scan. `defined_here` says
    /// whether the scan defines the ECR repository the image comes from.
    pub fn match_image(&self, image: &str, defined_here: bool) -> Match<'_> {
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
            [] if is_ecr(image) && defined_here && self.only_discovered.is_some() => {
                let only = self.only_discovered.unwrap_or(0);
                Match::Built {
                    index: only,
                    dockerfile: &self.paths[only],
                    why: format!(
                        "the repository's only Dockerfile, for the ECR repository `{name}` \
                         defined here"
                    ),
                }
            }
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
            vec![true; 3],
        );
        let ecr = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
        let built = |m: Match<'_>| match m {
            Match::Built {
                dockerfile, why, ..
            } => Some((dockerfile.to_path_buf(), why)),
            _ => None,
        };
        assert_eq!(
            built(index.match_image(&format!("{ecr}/api:1"), true)).map(|b| b.0),
            Some(PathBuf::from("services/api/Dockerfile"))
        );
        assert_eq!(
            built(index.match_image(&format!("{ecr}/worker:1"), true)).map(|b| b.0),
            Some(PathBuf::from("docker/Dockerfile.worker"))
        );
        assert_eq!(
            index.match_image(&format!("{ecr}/billing:1"), true),
            Match::NotHere
        );
        assert_eq!(index.match_image("nginx:1.25", true), Match::NotHere);
        let only = Index::new(vec![PathBuf::from("Dockerfile")], vec![true]);
        // A Dockerfile only a build definition names is not "the only one".
        let named = Index::new(
            vec![
                PathBuf::from("Dockerfile"),
                PathBuf::from("cdk.out/asset.1/Dockerfile"),
            ],
            vec![true, false],
        );
        assert!(built(named.match_image(&format!("{ecr}/anything:1"), true)).is_some());
        let named_only = Index::new(
            vec![PathBuf::from("cdk.out/asset.1/Dockerfile")],
            vec![false],
        );
        assert_eq!(
            named_only.match_image(&format!("{ecr}/anything:1"), true),
            Match::NotHere
        );
        assert!(
            built(only.match_image(&format!("{ecr}/anything:1"), true))
                .is_some_and(|b| b.1.contains("only Dockerfile"))
        );
        assert_eq!(only.match_image("acme/anything:1", true), Match::NotHere);
        // Only for an ECR repository the scan defines.
        assert_eq!(
            only.match_image(&format!("{ecr}/anything:1"), false),
            Match::NotHere
        );
        let twins = Index::new(
            ["a/api/Dockerfile", "b/api/Dockerfile"]
                .iter()
                .map(PathBuf::from)
                .collect(),
            vec![true; 2],
        );
        assert!(
            matches!(twins.match_image(&format!("{ecr}/api:1"), true), Match::Ambiguous(v) if v.len() == 2)
        );
    }

    #[test]
    fn a_definition_naming_too_many_builds_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let mut compose = String::from("services:\n");
        for i in 0..=MAX_SPECS_PER_FILE {
            compose.push_str(&format!(
                "  s{i}:\n    build: ../../../outside{i}\n    image: acme/s{i}\n"
            ));
        }
        std::fs::write(root.join("docker-compose.yml"), compose).unwrap();
        let defs = [(
            root.join("docker-compose.yml"),
            crate::build_links::Kind::Compose,
        )];
        let builds = Builds::load(Vec::new(), &defs, &[], &|_| root.clone());
        assert!(builds.specs.is_empty());
        assert!(builds.index.paths.is_empty());
        assert!(builds.unread_definitions[0].contains("more than the 1000"));
    }

    #[test]
    fn a_compose_build_tagged_like_an_official_image_does_not_build_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("proxy")).unwrap();
        std::fs::write(root.join("proxy/Dockerfile"), "FROM nginx:1.27\n").unwrap();
        std::fs::write(
            root.join("docker-compose.yml"),
            "services:\n  proxy:\n    build: ./proxy\n    image: nginx:1.27\n",
        )
        .unwrap();
        let defs = [(
            root.join("docker-compose.yml"),
            crate::build_links::Kind::Compose,
        )];
        let builds = Builds::load(Vec::new(), &defs, &[], &|_| root.clone());
        assert_eq!(builds.specs.len(), 1);
        assert!(matches!(
            defined_build(&builds, "nginx:1.27", "nginx:1.27"),
            Ok(None)
        ));
        let private = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/nginx:1";
        assert!(matches!(
            defined_build(&builds, private, private),
            Ok(Some(_))
        ));
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

/// At most this many image builds are taken from one build definition.
const MAX_SPECS_PER_FILE: usize = 1_000;

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
    /// What build definitions say: the first `declared` from the
    /// configuration, then those found in the scan.
    pub specs: Vec<BuildSpec>,
    pub declared: usize,
    /// The specs after the declared ones, by the repository name they select.
    found_by_name: std::collections::HashMap<String, Vec<usize>>,
    /// Build definitions that could not be read: said when an image is not
    /// linked, since one of them may have named its build.
    pub unread_definitions: Vec<String>,
    /// ECR repository names by resource address.
    pub ecr_names: std::collections::HashMap<String, String>,
    /// The names of the ECR repositories the scan defines, lowercase.
    pub ecr_defined: std::collections::HashSet<String>,
}

impl Builds {
    /// Read and parse `paths` through the confined reader, each inside the
    /// repository `root_of` gives for it, with the build definitions found
    /// beside them (Compose files, workflows, CDK asset manifests) and those
    /// the configuration declares (`[[image]]`, first: they win).
    pub fn load(
        paths: Vec<PathBuf>,
        definitions: &[(PathBuf, crate::build_links::Kind)],
        declared: &[BuildSpec],
        root_of: &dyn Fn(&Path) -> PathBuf,
    ) -> Builds {
        let mut builds = Builds {
            declared: declared.len(),
            specs: declared.to_vec(),
            ..Builds::default()
        };
        for (p, kind) in definitions {
            let dir = p.parent().filter(|d| !d.as_os_str().is_empty());
            let root = root_of(dir.unwrap_or(Path::new(".")));
            let read = crate::input::read_source(p, crate::input::Within::Repository(&root))
                .map_err(|e| e.message)
                .and_then(|file| crate::build_links::read(*kind, &file, p));
            match read {
                // A hostile definition may name any number of builds: a
                // repository's real ones name a few each.
                Ok(specs) if specs.len() > MAX_SPECS_PER_FILE => {
                    builds.unread_definitions.push(format!(
                        "{}: names {} image builds, more than the {MAX_SPECS_PER_FILE} keepalign \
                         follows from one file",
                        display_path(p),
                        specs.len()
                    ))
                }
                Ok(specs) => builds.specs.extend(specs),
                Err(e) => builds
                    .unread_definitions
                    .push(format!("{}: {e}", display_path(p))),
            }
        }
        // Dockerfiles a definition names that the walk did not (CDK assets
        // in `cdk.out`, `docker/web.df`) are read too.
        let discovered = paths.len();
        let mut paths = paths;
        let mut known: std::collections::HashSet<PathBuf> = paths.iter().cloned().collect();
        for spec in &builds.specs {
            if known.insert(spec.dockerfile.clone()) {
                paths.push(spec.dockerfile.clone());
            }
        }
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
        let mut discovered_flags = vec![true; discovered];
        discovered_flags.resize(paths.len(), false);
        builds.point_assets_at_their_sources(&paths, discovered);
        builds.index = Index::new(paths, discovered_flags);
        builds.index_specs();
        builds
    }

    fn index_specs(&mut self) {
        self.found_by_name.clear();
        for (i, spec) in self.specs.iter().enumerate().skip(self.declared) {
            if let Some(key) = spec.selector.name_key() {
                self.found_by_name.entry(key).or_default().push(i);
            }
        }
    }

    /// A CDK asset's staged Dockerfile (`cdk.out/asset.HASH/Dockerfile`) is
    /// a copy of the app's: when exactly one Dockerfile the walk found has
    /// the same text, the asset's link points at it and its directory, so
    /// findings name the file users edit.
    fn point_assets_at_their_sources(&mut self, paths: &[PathBuf], discovered: usize) {
        for spec in self.specs.iter_mut().filter(|s| s.subject.is_some()) {
            let Some(i) = paths.iter().position(|p| p == &spec.dockerfile) else {
                continue;
            };
            let Ok(asset) = &self.parsed[i] else {
                continue;
            };
            let same: Vec<usize> = (0..discovered)
                .filter(|&j| matches!(&self.parsed[j], Ok(d) if d.file.text == asset.file.text))
                .collect();
            if let [j] = same[..] {
                spec.why = format!(
                    "{} (staged as {})",
                    spec.why,
                    display_path(&spec.dockerfile)
                );
                spec.dockerfile = paths[j].clone();
                spec.context = paths[j].parent().map(Path::to_path_buf);
            }
        }
    }

    pub fn extend(&mut self, other: Builds) {
        let mut paths = std::mem::take(&mut self.index.paths);
        let mut discovered = std::mem::take(&mut self.index.discovered);
        paths.extend(other.index.paths);
        discovered.extend(other.index.discovered);
        self.parsed.extend(other.parsed);
        self.roots.extend(other.roots);
        self.contexts.extend(other.contexts);
        // Declared entries stay first.
        let theirs_declared = other.declared;
        let mut specs: Vec<BuildSpec> = Vec::new();
        let (mine_declared, mine_found) = self.specs.split_at(self.declared);
        let (theirs_d, theirs_found) = other.specs.split_at(theirs_declared);
        specs.extend(mine_declared.iter().cloned());
        specs.extend(theirs_d.iter().cloned());
        specs.extend(mine_found.iter().cloned());
        specs.extend(theirs_found.iter().cloned());
        self.declared += theirs_declared;
        self.specs = specs;
        self.unread_definitions.extend(other.unread_definitions);
        self.index = Index::new(paths, discovered);
        self.index_specs();
    }
}

/// A container's image linked to the Dockerfile that builds it.
struct Linked<'b> {
    dockerfile: &'b Dockerfile,
    /// The stage the image is (the last, or a definition's target).
    stage: usize,
    context: &'b Path,
    context_why: String,
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
///
/// `port` is the container port the load balancer sends to, when known.
pub fn identify(
    builds: &Builds,
    c: &Container,
    port: Option<u16>,
) -> (Result<ServerProfile, Unresolved>, Option<ImageLink>) {
    let mut shown = None;
    let server = identify_through(builds, c, port, &mut shown);
    (server, shown)
}

/// How a container's image was followed to its build, for `services`.
#[derive(Clone, Debug)]
pub struct ImageLink {
    /// "image `…` built by services/web/Dockerfile, matched by …"; the
    /// server's description ends with it, in parentheses.
    pub text: String,
    pub dockerfile: PathBuf,
    /// The Dockerfile's ENTRYPOINT or CMD that starts the server, when the
    /// task definition does not give the command.
    pub started_at: Option<crate::source::Location>,
}

fn identify_through(
    builds: &Builds,
    c: &Container,
    port: Option<u16>,
    shown: &mut Option<ImageLink>,
) -> Result<ServerProfile, Unresolved> {
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
        return crate::servers::identify(c).map_err(|u| unread_definitions(builds, c, u));
    };
    let stage_index = link.stage;
    let link_text = format!("{}; build context: {}", link.text, link.context_why);
    // The task's `workingDirectory` replaces the image's WORKDIR (relative
    // to it when written relative, as Docker's `--workdir` is not).
    let stage_workdir = link.dockerfile.stages[stage_index]
        .workdir
        .as_ref()
        .map_or("/", |w| w.text.as_str());
    let workdir = match &c.working_directory {
        Some(Setting::Known { value, .. }) => {
            Some(crate::image_files::absolute(stage_workdir, value))
        }
        _ => None,
    };
    let files = ImageFiles {
        dockerfile: link.dockerfile,
        stage: stage_index,
        context: link.context,
        root: &builds.roots[link.index],
        cache: &builds.cache,
        link: &link_text,
        workdir: workdir.as_deref(),
    };
    let stage = files.stage();
    // The image's ENV, then the task's `environment` over it, as ECS runs
    // the container, whichever of the two gives the command.
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
    let mut with_env = c.clone();
    with_env.environment = environment;
    let c = &with_env;
    let direct = crate::servers::identify_in(c, Some(files), port);
    let unknown = match direct {
        Ok(mut p) => {
            p.description.push_str(&format!(" ({})", link.text));
            *shown = Some(ImageLink {
                text: link.text.clone(),
                dockerfile: builds.index.paths[link.index].clone(),
                started_at: None,
            });
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
    let mut base_at = None;
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
        base_at = Some(base.at.clone().unwrap_or(stage.at.clone()));
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
    let link_shown = if built.entry_point.is_none() {
        format!(
            "{}, run as its base image `{}`",
            link.text,
            built.image.value().map_or("", |v| v)
        )
    } else {
        link.text.clone()
    };
    let started_at = match &built.entry_point {
        Some(s) => s.location().cloned(),
        None => base_at,
    };
    match crate::servers::identify_in(&built, Some(files), port) {
        Ok(mut p) => {
            p.description.push_str(&format!(" ({link_shown})"));
            *shown = Some(ImageLink {
                text: link_shown.clone(),
                dockerfile: builds.index.paths[link.index].clone(),
                started_at,
            });
            Ok(p)
        }
        Err(u) => Err(Unresolved::new(
            format!("{} ({link_shown})", u.reason),
            u.at,
        )),
    }
}

/// The Dockerfile that builds `c`'s image: `Ok(None)` when it is not built
/// here, `Err` (why) when it may be but cannot be followed. What the
/// configuration declares wins; then what the repository's build
/// definitions say; then naming conventions.
fn link<'b>(builds: &'b Builds, c: &Container) -> Result<Option<Linked<'b>>, String> {
    let resolved;
    let mut shown = None;
    let image = match (&c.image, &c.image_pattern) {
        (Setting::Known { value, .. }, _) => value,
        // Partly unknown (`${aws_ecr_repository.web.repository_url}:1`,
        // `…${AWS::URLSuffix}/repo:tag`): what is known, with the ECR
        // repositories of the scan filled in, may still name a build.
        (_, Some(pattern)) => {
            let (image, display) = fill_ecr_repositories(builds, c, pattern);
            resolved = image;
            shown = Some(display);
            &resolved
        }
        _ => return Ok(None),
    };
    let shown = shown.as_deref().unwrap_or(image);
    if let Some(spec) = defined_build(builds, image, shown)? {
        return spec_linked(builds, spec, shown).map(Some);
    }
    let defined_here = repository_name(image)
        .is_some_and(|n| builds.ecr_defined.contains(&n.to_ascii_lowercase()));
    let (index, path, why) = match builds.index.match_image(image, defined_here) {
        Match::NotHere => return Ok(None),
        Match::Ambiguous(candidates) => {
            let paths: Vec<String> = candidates.iter().map(|p| display_path(p)).collect();
            return Err(format!(
                "image `{shown}` could be built by any of {}, so keepalign follows none; name \
                 its Dockerfile in keepalign.toml ([[image]] with match and dockerfile)",
                paths.join(", ")
            ));
        }
        Match::Built {
            index,
            dockerfile,
            why,
        } => (index, dockerfile, why),
    };
    let text = format!("image `{shown}` built by {}, {why}", display_path(path));
    let (context, context_why) = &builds.contexts[index];
    match &builds.parsed[index] {
        Ok(d) if !d.stages.is_empty() => Ok(Some(Linked {
            dockerfile: d,
            stage: d.stages.len() - 1,
            text,
            index,
            context,
            context_why: (*context_why).to_string(),
        })),
        Ok(_) => Ok(None),
        Err(e) => Err(format!("{text}, which could not be read: {e}")),
    }
}

/// `pattern` (an image reference with its unknown parts as `*`) with each
/// part that is an ECR repository of the scan filled in: its URL
/// (`aws_ecr_repository.x.repository_url`, `!GetAtt Repo.RepositoryUri`)
/// as ECR's shape, its name (`aws_ecr_repository.x.name`, `!Ref Repo`) as
/// itself. Also the reference as users wrote it, for messages.
fn fill_ecr_repositories(builds: &Builds, c: &Container, pattern: &str) -> (String, String) {
    let mut image = String::new();
    let mut shown = String::new();
    let mut refs = c.image_references.iter();
    for (i, part) in pattern.split('*').enumerate() {
        if i > 0 {
            let r = refs.next().and_then(Option::as_ref);
            let name = r.and_then(|(address, _)| builds.ecr_names.get(address));
            match (r.map(|(_, a)| a.as_str()), name) {
                (Some("repository_url" | "RepositoryUri"), Some(name)) => {
                    image.push_str("ACCOUNT.dkr.ecr.REGION.amazonaws.com/");
                    image.push_str(name);
                }
                (Some("name" | "Ref" | "RepositoryName"), Some(name)) => image.push_str(name),
                _ => image.push('*'),
            }
            match r {
                Some((address, attribute)) if attribute == "Ref" => {
                    shown.push_str(&format!("${{{address}}}"))
                }
                Some((address, attribute)) => {
                    shown.push_str(&format!("${{{address}.{attribute}}}"))
                }
                None => shown.push('…'),
            }
        }
        image.push_str(part);
        shown.push_str(part);
    }
    (image, shown)
}

/// An image keepalign could not link may be built by what a build
/// definition it could not read says: the reason names them.
fn unread_definitions(builds: &Builds, c: &Container, u: Unresolved) -> Unresolved {
    let private = c
        .image
        .value()
        .is_some_and(|i| repository_name(i).is_some());
    if builds.unread_definitions.is_empty() || !private {
        return u;
    }
    Unresolved::new(
        format!(
            "{}; these files that may say how its image is built could not be read: {}",
            u.reason.trim_end_matches('.'),
            builds.unread_definitions.join("; ")
        ),
        u.at,
    )
}

/// The build definition that names `image`'s build: a declared one first;
/// else the one Dockerfile the definitions found agree on.
fn defined_build<'b>(
    builds: &'b Builds,
    image: &str,
    shown: &str,
) -> Result<Option<&'b BuildSpec>, String> {
    let declared = &builds.specs[..builds.declared];
    if let Some(spec) = declared.iter().find(|s| s.selector.matches(image)) {
        return Ok(Some(spec));
    }
    // An official image (`nginx:1.27`) is not built here, whatever a
    // Compose file tags its own build.
    if repository_name(image).is_none() {
        return Ok(None);
    }
    let candidates = crate::build_links::name_key(image)
        .and_then(|k| builds.found_by_name.get(&k))
        .map_or(&[][..], Vec::as_slice);
    let matching: Vec<&BuildSpec> = candidates
        .iter()
        .map(|&i| &builds.specs[i])
        .filter(|s| s.selector.matches(image))
        .collect();
    let mut dockerfiles: Vec<&Path> = matching.iter().map(|s| s.dockerfile.as_path()).collect();
    dockerfiles.sort();
    dockerfiles.dedup();
    match dockerfiles.len() {
        0 => Ok(None),
        1 => Ok(matching.first().copied()),
        _ => {
            let mut said: Vec<String> = matching
                .iter()
                .map(|s| format!("{} ({})", display_path(&s.dockerfile), s.why))
                .collect();
            said.dedup();
            Err(format!(
                "image `{shown}` is built by different Dockerfiles according to the repository: \
                 {}; so keepalign follows none; name its Dockerfile in keepalign.toml ([[image]] \
                 with match and dockerfile)",
                said.join("; ")
            ))
        }
    }
}

fn spec_linked<'b>(
    builds: &'b Builds,
    spec: &'b BuildSpec,
    image: &str,
) -> Result<Linked<'b>, String> {
    let subject = spec
        .subject
        .clone()
        .unwrap_or_else(|| format!("image `{image}`"));
    let text = format!(
        "{subject} built by {}, {}",
        display_path(&spec.dockerfile),
        spec.why
    );
    let Some(&index) = builds.index.position.get(&spec.dockerfile) else {
        return Err(format!("{text}, which is not in the scan"));
    };
    let d = match &builds.parsed[index] {
        Ok(d) if !d.stages.is_empty() => d,
        Ok(_) => return Err(format!("{text}, which has no FROM")),
        Err(e) => return Err(format!("{text}, which could not be read: {e}")),
    };
    let stage = match &spec.target {
        None => d.stages.len() - 1,
        Some(t) => d
            .stages
            .iter()
            .position(|s| s.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(t)))
            .ok_or_else(|| {
                format!("{text}, whose target stage `{t}` the Dockerfile does not have")
            })?,
    };
    let (context, context_why) = match &spec.context {
        Some(c) => (
            c.as_path(),
            format!("{}, as the same definition names it", display_path(c)),
        ),
        None => {
            let (c, why) = &builds.contexts[index];
            (c.as_path(), (*why).to_string())
        }
    };
    Ok(Linked {
        dockerfile: d,
        stage,
        text,
        index,
        context,
        context_why,
    })
}
