//! Where the repository says how an image is built: the files that name an
//! image together with the Dockerfile and context that build it. Each gives
//! a link that does not rest on naming conventions:
//!
//! - `keepalign.toml` `[[image]]` entries (`match`, `dockerfile`, `context`,
//!   `target`), which win over everything else;
//! - Compose files (`docker-compose.yml`, `compose.yaml`, …): a service with
//!   both `build:` and `image:`
//!   (<https://docs.docker.com/reference/compose-file/build/>);
//! - GitHub Actions workflows (`.github/workflows/*.yml`): `docker build`
//!   and `docker buildx build` in `run:` scripts, and
//!   `docker/build-push-action` steps (`context`, `file`, `tags`, `target`);
//! - CDK asset manifests (`cdk.out/*.assets.json`): each `dockerImages`
//!   entry's directory, Dockerfile and target, and the repository and tag
//!   it is pushed to
//!   (<https://github.com/cdklabs/cloud-assembly-schema>, `DockerImageAsset`).
//!
//! Compose and workflow links match by the image's repository name (a
//! deployment tags the image differently from CI); a CDK asset by its
//! repository and tag, which is the asset's hash. Paths in a definition are
//! relative to its own directory (Compose, CDK) or to the repository root
//! (workflows); a link never leads outside the repository, since every file
//! is read later through the confined reader.

use crate::cloudformation::tree::{Node, NodeKind};
use crate::source::{Location, SourceFile};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One statement that an image is built from a Dockerfile.
#[derive(Clone, Debug)]
pub struct BuildSpec {
    pub selector: Selector,
    /// The Dockerfile, joined onto the directory paths are relative to.
    pub dockerfile: PathBuf,
    /// The build context, when the definition names one.
    pub context: Option<PathBuf>,
    /// The stage built (`--target`), when not the last.
    pub target: Option<String>,
    /// Why keepalign believes it: "named by docker-compose.yml:14 (service `web`)".
    pub why: String,
    /// Where it is stated.
    pub at: Location,
    /// How messages name the image when its reference says little (a CDK
    /// asset's hash-tagged reference): "the CDK image asset `0123abcd4567`".
    pub subject: Option<String>,
}

/// Which images a [`BuildSpec`] builds.
#[derive(Clone, Debug)]
pub enum Selector {
    /// `[[image]] match`: a glob over the whole image reference.
    Glob(globset::GlobMatcher),
    /// An image repository name (`web` for `…/team/web:1.2`), and for a CDK
    /// asset the tag too.
    Repository { name: String, tag: Option<String> },
}

impl Selector {
    pub fn matches(&self, image: &str) -> bool {
        match self {
            Selector::Glob(g) => g.is_match(image),
            Selector::Repository { name, tag } => {
                let Some((n, t)) = split_reference(image) else {
                    return false;
                };
                n.eq_ignore_ascii_case(name) && tag.as_deref().is_none_or(|tag| t == Some(tag))
            }
        }
    }
}

impl Selector {
    /// The repository name it selects by, lowercased, for an index.
    pub fn name_key(&self) -> Option<String> {
        match self {
            Selector::Repository { name, .. } => Some(name.to_ascii_lowercase()),
            Selector::Glob(_) => None,
        }
    }
}

/// The repository name of an image reference, lowercased (the key of
/// [`Selector::name_key`]).
pub fn name_key(image: &str) -> Option<String> {
    split_reference(image).map(|(n, _)| n.to_ascii_lowercase())
}

/// The repository name and tag of an image reference, with unknown parts
/// (`$VAR`, `${{ … }}`, evaluator holes) allowed anywhere but in the name.
fn split_reference(image: &str) -> Option<(&str, Option<&str>)> {
    let without_digest = image.split('@').next().unwrap_or(image);
    // The name is the last path segment up to its first `:`; the tag may
    // hold colons of its own (`:${GITHUB_SHA::7}`).
    let last = without_digest.rsplit('/').next()?;
    let (name, tag) = match last.split_once(':') {
        Some((n, t)) => (n, Some(t)),
        None => (last, None),
    };
    let unknown =
        |s: &str| s.is_empty() || s.contains(['$', '{', '}', '*', crate::json::HOLE, ' ']);
    (!unknown(name)).then_some((name, tag))
}

/// What kind of build definition a file is, by its name and place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Compose,
    Workflow,
    CdkAssets,
}

pub fn kind_of(path: &Path) -> Option<Kind> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let parent = |n: usize| {
        path.ancestors()
            .nth(n)
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
    };
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    if yaml
        && (name.starts_with("docker-compose") || name.starts_with("compose."))
        && parent(1) != Some("workflows")
    {
        return Some(Kind::Compose);
    }
    if yaml && parent(1) == Some("workflows") && parent(2) == Some(".github") {
        return Some(Kind::Workflow);
    }
    if name.ends_with(".assets.json") && parent(1) == Some("cdk.out") {
        return Some(Kind::CdkAssets);
    }
    None
}

/// The build definitions in `file`; `Err` when it cannot be parsed.
pub fn read(kind: Kind, file: &Arc<SourceFile>, path: &Path) -> Result<Vec<BuildSpec>, String> {
    let tree = crate::cloudformation::tree::parse(file).map_err(|e| e.message)?;
    let dir = path.parent().unwrap_or(Path::new(""));
    Ok(match kind {
        Kind::Compose => compose(&tree, dir, file),
        Kind::Workflow => {
            // .github/workflows/x.yml: paths are relative to the checkout.
            let root = dir.parent().and_then(Path::parent).unwrap_or(Path::new(""));
            workflow(&tree, root, file)
        }
        Kind::CdkAssets => cdk_assets(&tree, dir, file),
    })
}

fn line_of(at: &Location) -> usize {
    at.file.line_col(at.span.start).0
}

fn join(dir: &Path, rel: &str) -> PathBuf {
    crate::input::lexically_normal(&dir.join(rel.trim_start_matches("./")))
}

fn str_of(n: Option<&Node>) -> Option<&str> {
    n.and_then(Node::as_str)
}

// ------------------------------------------------------------------ Compose

/// Compose's variable interpolation: `${X:-default}` and `${X-default}`
/// take the default (the environment at build time is not known), `$$` is
/// a dollar; any other variable stays, and a name holding one is unknown.
fn compose_interpolate(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(a) = after.strip_prefix('$') {
            out.push('$');
            rest = a;
        } else if let Some(inner) = after.strip_prefix('{')
            && let Some(end) = inner.find('}')
        {
            let body = &inner[..end];
            match body.split_once(":-").or_else(|| body.split_once('-')) {
                Some((_, default)) if !default.contains('$') => out.push_str(default),
                _ => {
                    out.push_str("${");
                    out.push_str(body);
                    out.push('}');
                }
            }
            rest = &inner[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn compose(tree: &Node, dir: &Path, file: &Arc<SourceFile>) -> Vec<BuildSpec> {
    let Some(services) = tree.get("services") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, _, service) in services.entries() {
        let (Some(image), Some(build)) = (service.get("image"), service.get("build")) else {
            continue;
        };
        let Some(image_text) = image.as_str().map(compose_interpolate) else {
            continue;
        };
        let Some((repo, _)) = split_reference(&image_text) else {
            continue;
        };
        let (context, dockerfile, target) = match &build.kind {
            NodeKind::Str(..) => (build.as_str().map(compose_interpolate), None, None),
            NodeKind::Map(_) => (
                str_of(build.get("context")).map(compose_interpolate),
                str_of(build.get("dockerfile")).map(compose_interpolate),
                str_of(build.get("target")).map(compose_interpolate),
            ),
            _ => continue,
        };
        if build.get("dockerfile_inline").is_some() {
            continue;
        }
        // A remote context (a Git URL) is not in the repository.
        let context = context.unwrap_or_else(|| ".".into());
        if context.contains("://") || context.starts_with("git@") || context.contains('$') {
            continue;
        }
        let context = join(dir, &context);
        let dockerfile = join(&context, dockerfile.as_deref().unwrap_or("Dockerfile"));
        out.push(BuildSpec {
            selector: Selector::Repository {
                name: repo.to_string(),
                tag: None,
            },
            dockerfile,
            context: Some(context),
            target: target.filter(|t| !t.contains('$')),
            why: format!(
                "named by {}:{} (Compose service `{name}` builds `{image_text}`)",
                file.display,
                line_of(&image.at)
            ),
            at: image.at.clone(),
            subject: None,
        });
    }
    out
}

// ---------------------------------------------------------------- workflows

/// The variables in scope: the `env:` maps (innermost last), then what the
/// `run:` script assigned before the command (`IMAGE=…/web:$TAG`).
#[derive(Clone, Default)]
struct EnvScope<'a> {
    maps: Vec<&'a Node>,
    assigned: Vec<(String, String)>,
}

impl EnvScope<'_> {
    fn get(&self, name: &str) -> Option<String> {
        if let Some((_, v)) = self.assigned.iter().rev().find(|(n, _)| n == name) {
            return Some(v.clone());
        }
        self.maps
            .iter()
            .rev()
            .find_map(|m| m.get(name).and_then(scalar_text))
    }
}

/// At most this many assignments of a script are remembered.
const MAX_ASSIGNED: usize = 256;

/// Substitute `$X`, `${X}` and `${{ env.X }}` from the workflow's `env:`
/// maps; any other expression stays as written (and makes a name holding it
/// unknown).
fn workflow_interpolate(s: &str, env: &EnvScope<'_>) -> String {
    let lookup = |name: &str| env.get(name);
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(inner) = after.strip_prefix("{{")
            && let Some(end) = inner.find("}}")
        {
            let expr = inner[..end].trim();
            // A value with unknown parts of its own is substituted as it
            // is (one pass, so nothing recurses): what stays unknown is
            // still marked.
            match expr.strip_prefix("env.").and_then(lookup) {
                Some(v) => out.push_str(&v),
                _ => out.push_str(&format!("${{{{ {expr} }}}}")),
            }
            rest = &inner[end + 2..];
            continue;
        }
        let (name, tail) = if let Some(inner) = after.strip_prefix('{')
            && let Some(end) = inner.find('}')
        {
            (&inner[..end], &inner[end + 1..])
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        match lookup(name) {
            Some(v) if !name.is_empty() => out.push_str(&v),
            _ => {
                out.push('$');
                out.push_str(&after[..after.len() - tail.len()]);
            }
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

fn scalar_text(n: &Node) -> Option<String> {
    match &n.kind {
        NodeKind::Str(s, _) => Some(s.clone()),
        NodeKind::Number(x) => Some(crate::model::fmt_secs(*x)),
        NodeKind::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn workflow(tree: &Node, root: &Path, file: &Arc<SourceFile>) -> Vec<BuildSpec> {
    let mut out = Vec::new();
    let Some(jobs) = tree.get("jobs") else {
        return out;
    };
    for (_, _, job) in jobs.entries() {
        let job_dir = str_of(
            job.get("defaults")
                .and_then(|d| d.get("run"))
                .and_then(|r| r.get("working-directory")),
        );
        let Some(NodeKind::Seq(steps)) = job.get("steps").map(|s| &s.kind) else {
            continue;
        };
        for step in steps {
            let mut env = EnvScope::default();
            env.maps.extend(tree.get("env"));
            env.maps.extend(job.get("env"));
            env.maps.extend(step.get("env"));
            if let Some(uses) = str_of(step.get("uses"))
                && uses.starts_with("docker/build-push-action@")
            {
                out.extend(build_push_action(step, root, &env, file));
            } else if let Some(run) = step.get("run")
                && let Some(script) = run.as_str()
            {
                let dir = str_of(step.get("working-directory")).or(job_dir);
                let base = dir.map_or(root.to_path_buf(), |d| join(root, d));
                out.extend(docker_builds(script, &base, &env, run, file));
            }
        }
    }
    out
}

fn build_push_action(
    step: &Node,
    root: &Path,
    env: &EnvScope<'_>,
    file: &Arc<SourceFile>,
) -> Vec<BuildSpec> {
    let Some(with) = step.get("with") else {
        return Vec::new();
    };
    let text = |key: &str| str_of(with.get(key)).map(|s| workflow_interpolate(s, env));
    // Without `context` the action builds the Git context: the repository.
    let context = text("context").unwrap_or_else(|| ".".into());
    if context.contains("://") || context.contains('$') {
        return Vec::new();
    }
    let context = join(root, &context);
    let dockerfile = match text("file") {
        Some(f) if f.contains('$') => return Vec::new(),
        Some(f) => join(root, &f),
        None => context.join("Dockerfile"),
    };
    let Some(tags_node) = with.get("tags") else {
        return Vec::new();
    };
    let tags = text("tags").unwrap_or_default();
    tags.split(['\n', ','])
        .map(str::trim)
        .filter_map(split_reference)
        .map(|(name, _)| name.to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|name| BuildSpec {
            why: format!(
                "named by {}:{} (docker/build-push-action tags `{name}`)",
                file.display,
                line_of(&tags_node.at)
            ),
            selector: Selector::Repository { name, tag: None },
            dockerfile: dockerfile.clone(),
            context: Some(context.clone()),
            target: text("target").filter(|t| !t.contains('$')),
            at: tags_node.at.clone(),
            subject: None,
        })
        .collect()
}

/// `docker build` flags that take a value as the next word.
const VALUE_FLAGS: &[&str] = &[
    "--add-host",
    "--allow",
    "--annotation",
    "--attest",
    "--build-arg",
    "--build-context",
    "--builder",
    "--cache-from",
    "--cache-to",
    "--call",
    "--cgroup-parent",
    "--iidfile",
    "--label",
    "--metadata-file",
    "--network",
    "--output",
    "-o",
    "--platform",
    "--progress",
    "--secret",
    "--shm-size",
    "--ssh",
    "--ulimit",
    "--cpu-quota",
    "--memory",
    "-m",
];

/// Every `docker build` / `docker buildx build` / `docker image build` in a
/// `run:` script.
fn docker_builds(
    script: &str,
    base: &Path,
    env: &EnvScope<'_>,
    run: &Node,
    file: &Arc<SourceFile>,
) -> Vec<BuildSpec> {
    let mut out = Vec::new();
    let mut env = env.clone();
    let joined = script.replace("\\\r\n", " ").replace("\\\n", " ");
    for command in joined.split(['\n', ';', '&', '|']) {
        let words: Vec<String> = shell_words(command)
            .into_iter()
            .map(|w| workflow_interpolate(&w, &env))
            .collect();
        // `IMAGE=…` / `export IMAGE=…`: later commands see it.
        let assignments = match words.first().map(String::as_str) {
            Some("export") => &words[1..],
            _ => &words[..],
        };
        if !assignments.is_empty()
            && assignments.iter().all(|w| is_assignment(w))
            && env.assigned.len() < MAX_ASSIGNED
        {
            for w in assignments {
                if let Some((name, value)) = w.split_once('=') {
                    env.assigned.push((name.to_string(), value.to_string()));
                }
            }
            continue;
        }
        let Some(start) = words.iter().position(|w| w == "docker") else {
            continue;
        };
        let rest = &words[start + 1..];
        let args = match rest {
            [b, args @ ..] if b == "build" => args,
            [x, b, args @ ..] if (x == "buildx" || x == "image") && b == "build" => args,
            _ => continue,
        };
        let (mut tags, mut dockerfile, mut target, mut context) = (Vec::new(), None, None, None);
        let mut i = 0;
        while i < args.len() {
            let a = args[i].as_str();
            let next = args.get(i + 1).cloned();
            let (flag, inline) = match a.split_once('=') {
                Some((f, v)) if f.starts_with('-') => (f, Some(v.to_string())),
                _ => (a, None),
            };
            let takes_value = matches!(flag, "-t" | "--tag" | "-f" | "--file" | "--target")
                || VALUE_FLAGS.contains(&flag);
            let value = if takes_value && inline.is_none() {
                i += 1;
                next
            } else {
                inline
            };
            match flag {
                "-t" | "--tag" => tags.extend(value),
                "-f" | "--file" => dockerfile = value,
                "--target" => target = value,
                _ if !a.starts_with('-') => context = Some(a.to_string()),
                _ => {}
            }
            i += 1;
        }
        let Some(context) = context.filter(|c| !c.contains('$') && !c.contains("://")) else {
            continue;
        };
        if context == "-" {
            continue;
        }
        let context_path = join(base, &context);
        let dockerfile = match dockerfile {
            Some(f) if f.contains('$') || f == "-" => continue,
            // `-f` is relative to the working directory, not the context.
            Some(f) => join(base, &f),
            None => context_path.join("Dockerfile"),
        };
        let names: std::collections::BTreeSet<String> = tags
            .iter()
            .filter_map(|t| split_reference(t))
            .map(|(n, _)| n.to_string())
            .collect();
        for name in names {
            out.push(BuildSpec {
                why: format!(
                    "named by {}:{} (`docker build` tags `{name}`)",
                    file.display,
                    line_of(&run.at)
                ),
                selector: Selector::Repository { name, tag: None },
                dockerfile: dockerfile.clone(),
                context: Some(context_path.clone()),
                target: target.clone().filter(|t| !t.contains('$')),
                at: run.at.clone(),
                subject: None,
            });
        }
    }
    out
}

/// `NAME=value` with a shell variable name.
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Words of one shell command: quotes removed, no expansion.
fn shell_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                word.extend(chars.by_ref().take_while(|&c| c != '\''));
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => word.extend(chars.next()),
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.extend(chars.next());
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

// ---------------------------------------------------------------------- CDK

fn cdk_assets(tree: &Node, dir: &Path, file: &Arc<SourceFile>) -> Vec<BuildSpec> {
    let mut out = Vec::new();
    let Some(images) = tree.get("dockerImages") else {
        return out;
    };
    for (hash, key_at, asset) in images.entries() {
        let Some(source) = asset.get("source") else {
            continue;
        };
        // An asset built by a command (`executable`) has no Dockerfile here.
        let Some(directory) = str_of(source.get("directory")) else {
            continue;
        };
        let context = join(dir, directory);
        let dockerfile = join(
            &context,
            str_of(source.get("dockerFile")).unwrap_or("Dockerfile"),
        );
        let target = str_of(source.get("dockerBuildTarget")).map(str::to_string);
        for (_, _, dest) in asset.get("destinations").map_or(&[][..], Node::entries) {
            let Some(repo) = str_of(dest.get("repositoryName")) else {
                continue;
            };
            let tag = str_of(dest.get("imageTag")).unwrap_or(hash);
            out.push(BuildSpec {
                selector: Selector::Repository {
                    name: repo.rsplit('/').next().unwrap_or(repo).to_string(),
                    tag: Some(tag.to_string()),
                },
                dockerfile: dockerfile.clone(),
                context: Some(context.clone()),
                target: target.clone(),
                why: format!("listed in {}:{}", file.display, line_of(key_at)),
                subject: Some(format!("the CDK image asset `{}`", short_hash(hash))),
                at: key_at.clone(),
            });
        }
    }
    out
}

fn short_hash(h: &str) -> &str {
    h.get(..12).unwrap_or(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specs(kind: Kind, path: &str, text: &str) -> Vec<BuildSpec> {
        let file = SourceFile::new(PathBuf::from(path), text.to_string());
        read(kind, &file, Path::new(path)).unwrap()
    }

    fn summary(s: &BuildSpec) -> String {
        let sel = match &s.selector {
            Selector::Repository { name, tag } => format!(
                "{name}{}",
                tag.as_deref().map(|t| format!(":{t}")).unwrap_or_default()
            ),
            Selector::Glob(g) => g.glob().to_string(),
        };
        format!(
            "{sel} <- {} ctx={} target={}",
            s.dockerfile.display(),
            s.context
                .as_deref()
                .map(|c| c.display().to_string())
                .unwrap_or_default(),
            s.target.as_deref().unwrap_or("-")
        )
    }

    /// The string handling of definitions (interpolation, shell words,
    /// image references) on random text made of the characters that matter
    /// to it: no panic, whatever the text.
    #[test]
    fn random_text_never_panics() {
        const PIECES: &[&str] = &[
            "$",
            "{",
            "}",
            "{{",
            "}}",
            "${",
            "${{ env.A }}",
            ":-",
            "-",
            "\\",
            "\"",
            "'",
            "\n",
            ";",
            "&",
            "|",
            "=",
            " ",
            "-t",
            "-f",
            "--tag=",
            "docker",
            "build",
            "buildx",
            ".",
            "/",
            ":",
            "@",
            "a",
            "é",
            "\u{1}",
            "*",
        ];
        let env_file = SourceFile::new(PathBuf::from("w.yml"), "A: x\n".into());
        let env = crate::cloudformation::tree::parse(&env_file).unwrap();
        let scope = EnvScope {
            maps: vec![&env],
            assigned: Vec::new(),
        };
        let run = SourceFile::new(PathBuf::from("w.yml"), "run: x\n".into());
        let run = crate::cloudformation::tree::parse(&run).unwrap();
        let mut random = crate::testing::Random::new(0x2545_f491_4f6c_dd1d);
        for _ in 0..5_000 {
            let len = random.below(24);
            let text: String = (0..len).map(|_| *random.pick(PIECES)).collect();
            let _ = compose_interpolate(&text);
            let _ = workflow_interpolate(&text, &scope);
            let _ = shell_words(&text);
            let _ = split_reference(&text);
            let _ = docker_builds(&text, Path::new("repo"), &scope, &run, &env_file);
        }
    }

    #[test]
    fn names_of_definition_files() {
        for (p, k) in [
            ("docker-compose.yml", Some(Kind::Compose)),
            ("deploy/compose.yaml", Some(Kind::Compose)),
            ("docker-compose.prod.yaml", Some(Kind::Compose)),
            (".github/workflows/deploy.yml", Some(Kind::Workflow)),
            ("app/.github/workflows/ci.yaml", Some(Kind::Workflow)),
            ("infra/cdk.out/Stack.assets.json", Some(Kind::CdkAssets)),
            ("infra/Stack.assets.json", None),
            ("workflows/deploy.yml", None),
            ("template.yaml", None),
        ] {
            assert_eq!(kind_of(Path::new(p)), k, "{p}");
        }
    }

    #[test]
    fn compose_services_with_build_and_image() {
        let got = specs(
            Kind::Compose,
            "deploy/docker-compose.yml",
            r#"
services:
  web:
    build:
      context: ../services/web
      dockerfile: docker/Dockerfile.prod
      target: runtime
    image: ${REGISTRY:-123456789012.dkr.ecr.eu-west-1.amazonaws.com}/web:${TAG:-latest}
  worker:
    build: ./worker
    image: "$REGISTRY/shop-worker"
  db:
    image: postgres:16
  local:
    build: .
  remote:
    build: https://github.com/acme/thing.git
    image: acme/thing
  unknown:
    build: .
    image: acme/${NAME}
"#,
        );
        let got: Vec<String> = got.iter().map(summary).collect();
        assert_eq!(
            got,
            [
                "web <- services/web/docker/Dockerfile.prod ctx=services/web target=runtime",
                "shop-worker <- deploy/worker/Dockerfile ctx=deploy/worker target=-",
            ]
        );
    }

    #[test]
    fn workflow_docker_build_commands_and_the_build_push_action() {
        let got = specs(
            Kind::Workflow,
            ".github/workflows/deploy.yml",
            r#"
env:
  ECR_REPOSITORY: orders-api
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Build
        env:
          ECR_REGISTRY: ${{ steps.login.outputs.registry }}
        run: |
          docker build \
            --build-arg VERSION=${{ github.sha }} \
            -f services/orders/Dockerfile \
            -t $ECR_REGISTRY/$ECR_REPOSITORY:${{ github.sha }} \
            services/orders
          docker push $ECR_REGISTRY/$ECR_REPOSITORY:${{ github.sha }}
      - name: Admin
        env:
          REGISTRY: ${{ secrets.REGISTRY }}
        run: |
          TAG=${GITHUB_SHA::7}
          export FULL_IMAGE="$REGISTRY/admin-ui:$TAG"
          docker build -t "$FULL_IMAGE" -f admin/Dockerfile admin
      - name: Worker
        working-directory: services/worker
        run: docker buildx build --target=prod --tag "ghcr.io/acme/worker:1" --push .
      - uses: docker/build-push-action@v6
        with:
          context: ./web
          target: runtime
          tags: |
            ${{ env.REGISTRY }}/web:latest
            ${{ env.REGISTRY }}/web:${{ github.sha }}
      - uses: docker/build-push-action@v6
        with:
          tags: acme/${{ matrix.name }}:1
"#,
        );
        let got: Vec<String> = got.iter().map(summary).collect();
        assert_eq!(
            got,
            [
                "orders-api <- services/orders/Dockerfile ctx=services/orders target=-",
                "admin-ui <- admin/Dockerfile ctx=admin target=-",
                "worker <- services/worker/Dockerfile ctx=services/worker target=prod",
                "web <- web/Dockerfile ctx=web target=runtime",
            ]
        );
    }

    #[test]
    fn cdk_asset_manifests_name_directory_dockerfile_repository_and_tag() {
        let got = specs(
            Kind::CdkAssets,
            "infra/cdk.out/Stack.assets.json",
            r#"{"version": "36.0.0", "dockerImages": {
              "abc123def4567890": {
                "source": {"directory": "asset.abc123def4567890", "dockerFile": "Dockerfile.web", "dockerBuildTarget": "prod"},
                "destinations": {"1-eu": {"repositoryName": "cdk-hnb659fds-container-assets-1-eu-west-1", "imageTag": "abc123def4567890"}}
              },
              "fff": {"source": {"executable": ["build.sh"]}, "destinations": {}}
            }}"#,
        );
        let got: Vec<String> = got.iter().map(summary).collect();
        assert_eq!(
            got,
            [
                "cdk-hnb659fds-container-assets-1-eu-west-1:abc123def4567890 <- infra/cdk.out/asset.abc123def4567890/Dockerfile.web ctx=infra/cdk.out/asset.abc123def4567890 target=prod"
            ]
        );
    }

    #[test]
    fn selectors_match_by_name_and_tag_with_unknown_registries() {
        let name = Selector::Repository {
            name: "web".into(),
            tag: None,
        };
        assert!(name.matches("123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.2"));
        assert!(name.matches("localhost:5000/team/WEB"));
        assert!(!name.matches("123456789012.dkr.ecr.eu-west-1.amazonaws.com/web-admin:1"));
        let tagged = Selector::Repository {
            name: "assets".into(),
            tag: Some("abc".into()),
        };
        assert!(tagged.matches("1.dkr.ecr.eu-west-1.amazonaws.com/assets:abc"));
        assert!(!tagged.matches("1.dkr.ecr.eu-west-1.amazonaws.com/assets:def"));
        let glob = Selector::Glob(globset::Glob::new("*/shop/*").unwrap().compile_matcher());
        assert!(glob.matches("ghcr.io/shop/api:1"));
    }
}
