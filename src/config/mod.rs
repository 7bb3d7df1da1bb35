//! The configuration file, `keepalign.toml` (docs/configuration.md).
//!
//! Found at `--config FILE`, else `KEEPALIGN_CONFIG`, else the nearest
//! `keepalign.toml` or `.keepalign.toml` walking up from the first scanned
//! path to its repository root (never above it). It sets the failure
//! threshold, which rules run and at what severity, paths to leave out,
//! each Terraform root's or template's own inputs (`[[root]]`), and facts the
//! IaC cannot show (`[[service]]`: a server's kind and timeouts, a load
//! balancer made elsewhere).
//!
//! Every mistake in it is an error naming the file and line (exit status
//! 2): a misspelt key, a value of the wrong type, an unknown rule, an entry
//! that matches nothing. Values it declares carry `Provenance::Declared`,
//! pointing at the line that states them.

mod declared;

use crate::discover;
use crate::engine::RuleSettings;
use crate::finding::{RuleMeta, Severity};
use crate::input::lexically_normal;
use crate::model::{LbKind, LoadBalancer, Model, ResourceId, Seconds, Setting};
use crate::rules;
use crate::source::{Location, SourceFile, display_path};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

pub use declared::apply_declared;

/// The names a configuration file may have, in the order looked for.
pub const FILE_NAMES: &[&str] = &["keepalign.toml", ".keepalign.toml"];

/// The environment variable naming a configuration file.
pub const ENV_VAR: &str = "KEEPALIGN_CONFIG";

/// When the run fails (`fail-on`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Threshold {
    At(Severity),
    Never,
}

/// A loaded, checked configuration file.
#[derive(Debug)]
pub struct Config {
    /// The file, for locations and snippets in reports.
    pub file: Arc<SourceFile>,
    /// Its directory, canonical: paths and globs in it are relative to it.
    pub dir: PathBuf,
    pub fail_on: Option<Threshold>,
    /// `select`: only these rules run.
    pub select: Option<Vec<RuleRef>>,
    /// `ignore`: these rules do not run.
    pub ignore: Vec<RuleRef>,
    pub severity: Vec<(RuleRef, Severity)>,
    /// `policies`: Guard policy files, directories and `builtin:` packs.
    pub policies: Vec<crate::policy::PolicyRef>,
    /// `exclude` globs, relative to `dir`.
    pub exclude: Vec<globset::Glob>,
    pub roots: Vec<Root>,
    pub services: Vec<ServiceFacts>,
    /// `[[image]]`: images and the Dockerfiles that build them.
    pub images: Vec<crate::build_links::BuildSpec>,
    /// Load balancers declared by `[[service]]` entries (`idle-timeout`,
    /// `load-balancer-type`), owned here so chains can borrow them.
    pub load_balancers: Vec<LoadBalancer>,
}

/// A `[[root]]` entry: the inputs of one Terraform root directory or one
/// CloudFormation template.
#[derive(Debug)]
pub struct Root {
    /// Where the entry starts (`[[root]]`).
    pub at: Location,
    /// The `path` value, for messages.
    pub path_at: Location,
    /// Canonical path of the directory or template.
    pub path: PathBuf,
    pub terraform: crate::terraform::Inputs,
    pub cloudformation: crate::cloudformation::Inputs,
}

/// A `[[service]]` entry: facts about the services whose address matches.
#[derive(Debug)]
pub struct ServiceFacts {
    pub at: Location,
    /// `match`: a pattern over the service address, `*` and `?` wildcards.
    pub pattern: Spanned<String>,
    pub pattern_at: Location,
    /// `scope`: a glob over the root directory or template path, relative
    /// to the configuration file's directory.
    pub scope: Option<globset::GlobMatcher>,
    /// `server`: the kind, kept for the life of the run (profiles name
    /// their server as `&'static str`).
    pub server: Option<(&'static str, Location)>,
    pub keep_alive: Option<(Seconds, Location)>,
    pub graceful_timeout: Option<(Seconds, Location)>,
    pub request_timeout: Option<(Seconds, Location)>,
    /// Index into `Config::load_balancers`.
    pub load_balancer: Option<usize>,
    /// Where `idle-timeout` or `load-balancer-type` is written, for messages.
    pub load_balancer_at: Option<Location>,
}

// ---------------------------------------------------------------- discovery

/// Where the configuration comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// `--config FILE`.
    Flag(PathBuf),
    /// `KEEPALIGN_CONFIG`.
    Env(PathBuf),
    /// Found walking up from the first path.
    Nearest(PathBuf),
    /// No configuration (none found, or `--isolated`).
    None,
}

impl Found {
    pub fn path(&self) -> Option<&Path> {
        match self {
            Found::Flag(p) | Found::Env(p) | Found::Nearest(p) => Some(p),
            Found::None => None,
        }
    }
}

/// Find the configuration file: `--config`, else `KEEPALIGN_CONFIG` (`env`),
/// else the nearest `keepalign.toml` / `.keepalign.toml` from `start` up to
/// its repository root. `--isolated` finds none.
pub fn find(
    flag: Option<&Path>,
    env: Option<&std::ffi::OsStr>,
    isolated: bool,
    start: &Path,
) -> Result<Found, String> {
    if isolated {
        return Ok(Found::None);
    }
    if let Some(p) = flag {
        named_file(p).map_err(|why| format!("--config {}: {why}", p.display()))?;
        return Ok(Found::Flag(p.to_path_buf()));
    }
    if let Some(v) = env.filter(|v| !v.is_empty()) {
        let p = PathBuf::from(v);
        named_file(&p).map_err(|why| format!("{ENV_VAR}={}: {why}", p.display()))?;
        return Ok(Found::Env(p));
    }
    let Ok(canonical) = start.canonicalize() else {
        return Ok(Found::None);
    };
    let root = discover::repository_root(start);
    let mut dir = if canonical.is_dir() {
        Some(canonical.as_path())
    } else {
        canonical.parent()
    };
    while let Some(d) = dir {
        let present: Vec<PathBuf> = FILE_NAMES
            .iter()
            .map(|n| d.join(n))
            .filter(|p| p.is_file())
            .collect();
        match present.as_slice() {
            [] => {}
            [one] => return Ok(Found::Nearest(relative_to_cwd(one))),
            [..] => {
                return Err(format!(
                    "{} has both keepalign.toml and .keepalign.toml; keep one",
                    display_path(d)
                ));
            }
        }
        if d == root || !d.starts_with(&root) {
            break;
        }
        dir = d.parent();
    }
    Ok(Found::None)
}

/// Shown relative to the current directory when under it (messages name
/// the file as users see it).
fn relative_to_cwd(p: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| {
            let cwd = cwd.canonicalize().unwrap_or(cwd);
            p.strip_prefix(&cwd).ok().map(Path::to_path_buf)
        })
        .filter(|r| !r.as_os_str().is_empty())
        .unwrap_or_else(|| p.to_path_buf())
}

// ------------------------------------------------------------------ parsing

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    fail_on: Option<Spanned<String>>,
    policies: Option<Vec<Spanned<String>>>,
    select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    severity: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    exclude: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    root: Vec<Spanned<RawRoot>>,
    #[serde(default)]
    service: Vec<Spanned<RawService>>,
    #[serde(default)]
    image: Vec<Spanned<RawImage>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawImage {
    #[serde(rename = "match")]
    pattern: Spanned<String>,
    dockerfile: Spanned<String>,
    context: Option<Spanned<String>>,
    target: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRoot {
    path: Spanned<String>,
    var_files: Option<Vec<Spanned<String>>>,
    vars: Option<BTreeMap<Spanned<String>, Spanned<toml::Value>>>,
    parameters: Option<BTreeMap<Spanned<String>, Spanned<toml::Value>>>,
    parameters_files: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawService {
    #[serde(rename = "match")]
    pattern: Spanned<String>,
    scope: Option<Spanned<String>>,
    server: Option<Spanned<String>>,
    keep_alive: Option<Spanned<f64>>,
    graceful_timeout: Option<Spanned<f64>>,
    request_timeout: Option<Spanned<f64>>,
    idle_timeout: Option<Spanned<f64>>,
    load_balancer_type: Option<Spanned<String>>,
}

/// Every key, for "did you mean" (the top level and the tables).
const KEYS: &[&str] = &[
    "fail-on",
    "select",
    "ignore",
    "severity",
    "exclude",
    "root",
    "service",
    "path",
    "var-files",
    "vars",
    "parameters",
    "parameters-files",
    "match",
    "scope",
    "server",
    "keep-alive",
    "graceful-timeout",
    "request-timeout",
    "idle-timeout",
    "load-balancer-type",
    "image",
    "dockerfile",
    "context",
    "target",
];

/// Errors in one configuration file: `FILE:LINE: message`.
struct Errors<'a> {
    file: &'a Arc<SourceFile>,
}

impl Errors<'_> {
    fn at(&self, span: Range<usize>, message: impl std::fmt::Display) -> String {
        let (line, _) = self.file.line_col(span.start);
        format!("{}:{line}: {message}", self.file.display)
    }

    fn loc(&self, span: Range<usize>) -> Location {
        Location::new(self.file, span)
    }
}

/// Read and check the configuration file at `path`.
pub fn load(path: &Path) -> Result<Config, String> {
    let file = crate::input::read_source(path, crate::input::Within::Named)
        .map_err(|e| format!("{}: {}", display_path(path), e.message))?;
    let dir = path
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .unwrap_or(Path::new("."));
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    parse(file, dir)
}

/// Check the text of a configuration file whose paths are relative to `dir`.
pub fn parse(file: Arc<SourceFile>, dir: PathBuf) -> Result<Config, String> {
    let errors = Errors { file: &file };
    let raw: RawConfig = toml::from_str(&file.text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        errors.at(span, toml_message(e.message()))
    })?;
    let fail_on = match &raw.fail_on {
        None => None,
        Some(v) => Some(match v.get_ref().as_str() {
            "error" => Threshold::At(Severity::Error),
            "warning" => Threshold::At(Severity::Warning),
            "note" => Threshold::At(Severity::Note),
            "never" => Threshold::Never,
            other => {
                return Err(errors.at(
                    v.span(),
                    format!(
                        "fail-on is \"{other}\"; expected \"error\", \"warning\", \"note\" or \"never\""
                    ),
                ));
            }
        }),
    };
    let rule_list = |list: &Option<Vec<Spanned<String>>>, key: &str| {
        list.as_ref().map(|items| {
            items
                .iter()
                .map(|i| {
                    find_rule(i.get_ref()).ok_or_else(|| UnknownRule {
                        name: i.get_ref().clone(),
                        error: errors.at(i.span(), unknown_rule(key, i.get_ref())),
                    })
                })
                .collect::<Vec<_>>()
        })
    };
    let select = rule_list(&raw.select, "select");
    let ignore = rule_list(&raw.ignore, "ignore").unwrap_or_default();
    let mut severity = Vec::new();
    for (k, v) in raw.severity.iter().flatten() {
        let rule = find_rule(k.get_ref()).ok_or_else(|| UnknownRule {
            name: k.get_ref().clone(),
            error: errors.at(k.span(), unknown_rule("severity", k.get_ref())),
        });
        let s = match v.get_ref().as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "note" => Severity::Note,
            other => {
                return Err(errors.at(
                    v.span(),
                    format!(
                        "severity of {} is \"{other}\"; expected \"error\", \"warning\" or \"note\"",
                        k.get_ref().trim()
                    ),
                ));
            }
        };
        severity.push((rule, s));
    }
    let mut exclude = Vec::new();
    for g in raw.exclude.iter().flatten() {
        exclude.push(glob(g).map_err(|e| errors.at(g.span(), format!("exclude: {e}")))?);
    }
    let mut roots = Vec::new();
    for r in &raw.root {
        roots.push(root(&errors, &dir, r)?);
    }
    let mut services = Vec::new();
    let mut load_balancers = Vec::new();
    for s in &raw.service {
        services.push(service(&errors, s, &mut load_balancers)?);
    }
    let mut images = Vec::new();
    for i in &raw.image {
        images.push(image(&errors, &dir, i)?);
    }
    let mut policies = Vec::new();
    for p in raw.policies.iter().flatten() {
        policies.push(policy(&errors, &dir, p)?);
    }
    Ok(Config {
        images,
        policies,
        dir,
        fail_on,
        select,
        ignore,
        severity,
        exclude,
        roots,
        services,
        load_balancers,
        file: file.clone(),
    })
}

/// toml's messages, in the words of this file: keys, not fields.
fn toml_message(m: &str) -> String {
    let m = m.trim();
    if let Some(rest) = m.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or("");
        // The keys of the table the unknown one is in.
        let expected: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        let candidates = if expected.is_empty() {
            KEYS
        } else {
            &expected[..]
        };
        return match closest(key, candidates) {
            Some(k) => format!("unknown key \"{key}\"; did you mean \"{k}\"?"),
            None => format!(
                "unknown key \"{key}\"; keys here are {}",
                expected.join(", ")
            ),
        };
    }
    if let Some(rest) = m.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or("");
        return format!("missing key \"{key}\"");
    }
    if let Some(rest) = m.strip_prefix("invalid type: ") {
        let (got, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
        if expected == "a sequence" && got == "map" {
            return "expected a list, found a table (a list of tables is written [[root]] or [[service]], with double brackets)".into();
        }
        let expected = match expected {
            "f64" => "a number of seconds",
            "a sequence" => "a list",
            "a map" => "a table",
            other => other,
        };
        return format!("expected {expected}, found {got}");
    }
    m.to_string()
}

/// A `policies` entry: `builtin:NAME`, or a path inside the repository.
fn policy(
    errors: &Errors<'_>,
    dir: &Path,
    written: &Spanned<String>,
) -> Result<crate::policy::PolicyRef, String> {
    use crate::policy::{BUILTIN, PolicyRef};
    let text = written.get_ref();
    if let Some(name) = text.strip_prefix("builtin:") {
        if !BUILTIN.iter().any(|(n, _)| *n == name) {
            let names: Vec<String> = BUILTIN
                .iter()
                .map(|(n, _)| format!("builtin:{n}"))
                .collect();
            return Err(errors.at(
                written.span(),
                format!(
                    "policies: no shipped pack \"{text}\"; the packs are {}",
                    names.join(", ")
                ),
            ));
        }
        return Ok(PolicyRef::Builtin(name.to_string()));
    }
    let root = discover::repository_root(dir);
    let path = crate::input::confine(dir, Path::new(text), &root)
        .readable(&format!("policies: \"{text}\""))
        .map_err(|e| errors.at(written.span(), e))?;
    Ok(PolicyRef::Path {
        path,
        within: crate::policy::PathWithin::Repository(root),
    })
}

/// A rule by ID or name.
fn find_rule(s: &str) -> Option<&'static RuleMeta> {
    rules::find(s.trim())
}

/// A rule the configuration names: a built-in one, or a name that only a
/// policy can define, with the error to give when none does.
pub type RuleRef = Result<&'static RuleMeta, UnknownRule>;

#[derive(Clone, Debug)]
pub struct UnknownRule {
    pub name: String,
    pub error: String,
}

/// `r`, or the policy rule it names.
fn resolve(r: &RuleRef, policy_rules: &[&'static RuleMeta]) -> Result<&'static RuleMeta, String> {
    match r {
        Ok(m) => Ok(m),
        Err(u) => policy_rules
            .iter()
            .copied()
            .find(|p| p.id == u.name.trim())
            .ok_or_else(|| u.error.clone()),
    }
}

fn unknown_rule(key: &str, s: &str) -> String {
    let ids: Vec<&str> = rules::CATALOG.iter().map(|r| r.id).collect();
    format!("{key}: unknown rule \"{s}\"; rules are {}", ids.join(", "))
}

fn glob(g: &Spanned<String>) -> Result<globset::Glob, String> {
    path_glob(g.get_ref())
}

/// A glob over relative paths: `**` crosses directories, `*` and `?` do
/// not; a leading `./` is the base directory itself.
pub fn path_glob(written: &str) -> Result<globset::Glob, String> {
    let text = written.trim_start_matches("./").trim_end_matches('/');
    if text.is_empty() {
        return Err("an empty glob matches nothing".into());
    }
    if Path::new(text).is_absolute() {
        return Err(format!(
            "\"{text}\" is an absolute path; globs are relative to the configuration file's directory"
        ));
    }
    globset::GlobBuilder::new(text)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map_err(|e| format!("\"{written}\" is not a valid glob: {}", e.kind()))
}

/// A seconds value: a number, not negative, finite.
fn seconds(
    errors: &Errors<'_>,
    key: &str,
    v: &Option<Spanned<f64>>,
) -> Result<Option<(Seconds, Location)>, String> {
    let Some(v) = v else { return Ok(None) };
    let n = *v.get_ref();
    if !n.is_finite() || n < 0.0 {
        return Err(errors.at(
            v.span(),
            format!("{key} is {n}; expected a number of seconds, 0 or more"),
        ));
    }
    Ok(Some((n, errors.loc(v.span()))))
}

fn service(
    errors: &Errors<'_>,
    s: &Spanned<RawService>,
    load_balancers: &mut Vec<LoadBalancer>,
) -> Result<ServiceFacts, String> {
    let raw = s.get_ref();
    if raw.pattern.get_ref().trim().is_empty() {
        return Err(errors.at(
            raw.pattern.span(),
            "match is empty; give a service address or a pattern",
        ));
    }
    let scope = match &raw.scope {
        Some(g) => Some(
            glob(g)
                .map_err(|e| errors.at(g.span(), format!("scope: {e}")))?
                .compile_matcher(),
        ),
        None => None,
    };
    let server = match &raw.server {
        Some(n) => {
            let name = n.get_ref().trim();
            if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(errors.at(
                    n.span(),
                    format!(
                        "server is \"{}\"; expected a server name such as \"node\"",
                        n.get_ref()
                    ),
                ));
            }
            // One copy per entry for the life of the run: server profiles
            // name their server as `&'static str`.
            let name: &'static str =
                match crate::servers::declarable_kinds().find(|k| k.eq_ignore_ascii_case(name)) {
                    Some(k) => k,
                    None => Box::leak(name.to_string().into_boxed_str()),
                };
            Some((name, errors.loc(n.span())))
        }
        None => None,
    };
    let keep_alive = seconds(errors, "keep-alive", &raw.keep_alive)?;
    let graceful_timeout = seconds(errors, "graceful-timeout", &raw.graceful_timeout)?;
    let request_timeout = seconds(errors, "request-timeout", &raw.request_timeout)?;
    let idle = seconds(errors, "idle-timeout", &raw.idle_timeout)?;
    if let (Some((n, _)), Some(v)) = (&idle, &raw.idle_timeout)
        && !(1.0..=4000.0).contains(n)
    {
        return Err(errors.at(
            v.span(),
            format!("idle-timeout is {n}; a load balancer's idle timeout is 1 to 4000 seconds"),
        ));
    }
    let kind = match &raw.load_balancer_type {
        Some(t) => Some((
            match t.get_ref().as_str() {
                "application" => LbKind::Application,
                "classic" => LbKind::Classic,
                "network" => LbKind::Network,
                other => {
                    return Err(errors.at(
                        t.span(),
                        format!(
                            "load-balancer-type is \"{other}\"; expected \"application\", \"classic\" or \"network\""
                        ),
                    ));
                }
            },
            errors.loc(t.span()),
        )),
        None => None,
    };
    let (load_balancer, load_balancer_at) = match (&idle, kind) {
        (None, None) => (None, None),
        (Some(_), None) => {
            return Err(errors.at(
                raw.idle_timeout.as_ref().map(Spanned::span).unwrap_or(s.span()),
                "idle-timeout needs load-balancer-type beside it (\"application\", \"classic\" or \"network\"): the rules differ by type",
            ));
        }
        (idle, Some((kind, kind_at))) => {
            let at = idle
                .as_ref()
                .map(|(_, l)| l.clone())
                .unwrap_or(kind_at.clone());
            let idle_timeout = match idle {
                Some((v, l)) => Setting::declared(*v, l.clone()),
                None => Setting::unresolved(
                    format!(
                        "the load balancer is declared in {} without idle-timeout; add idle-timeout = SECONDS there",
                        errors.file.display
                    ),
                    Some(kind_at.clone()),
                ),
            };
            let classic_unknown = |what: &str| {
                Setting::unresolved(
                    format!(
                        "the Classic ELB declared in {} does not give its {what}; scan the IaC that creates it",
                        errors.file.display
                    ),
                    Some(kind_at.clone()),
                )
            };
            load_balancers.push(LoadBalancer {
                // No line in the address: it is part of findings'
                // identities, which must survive edits elsewhere.
                id: ResourceId {
                    scope: errors.file.display.as_str().into(),
                    address: format!("declared for {}", raw.pattern.get_ref()),
                },
                kind: Setting::declared(kind, kind_at.clone()),
                name: None,
                idle_timeout,
                connection_draining: (kind == LbKind::Classic)
                    .then(|| classic_unknown("connection draining")),
                connection_draining_timeout: None,
                client_keep_alive: None,
                internal: Setting::unresolved(
                    format!(
                        "the load balancer declared in {} does not say whether it is internal; \
                         scan the IaC that creates it",
                        errors.file.display
                    ),
                    Some(kind_at.clone()),
                ),
                classic_listeners: None,
                at: at.clone(),
                ignore: Vec::new(),
            });
            (Some(load_balancers.len() - 1), Some(at))
        }
    };
    if server.is_none()
        && keep_alive.is_none()
        && graceful_timeout.is_none()
        && request_timeout.is_none()
        && load_balancer.is_none()
    {
        return Err(errors.at(
            s.span(),
            "this [[service]] declares nothing: give server, keep-alive, graceful-timeout, request-timeout or idle-timeout",
        ));
    }
    Ok(ServiceFacts {
        at: errors.loc(s.span()),
        pattern: raw.pattern.clone(),
        pattern_at: errors.loc(raw.pattern.span()),
        scope,
        server,
        keep_alive,
        graceful_timeout,
        request_timeout,
        load_balancer,
        load_balancer_at,
    })
}

/// A `[[root]]` value as text: a string's contents, else as written (a
/// number, a list or a table, which Terraform reads as an expression).
fn value_text(v: &Spanned<toml::Value>, file: &SourceFile) -> String {
    match v.get_ref() {
        toml::Value::String(s) => s.clone(),
        _ => file.text.get(v.span()).unwrap_or("").to_string(),
    }
}

/// An `[[image]]` entry: which images (a glob over the reference) the
/// Dockerfile builds, from which context and stage.
fn image(
    errors: &Errors<'_>,
    dir: &Path,
    i: &Spanned<RawImage>,
) -> Result<crate::build_links::BuildSpec, String> {
    let raw = i.get_ref();
    let written = raw.pattern.get_ref();
    if written.trim().is_empty() {
        return Err(errors.at(
            raw.pattern.span(),
            "match is empty; give an image reference or a pattern (`*/web:*`)",
        ));
    }
    let matcher = globset::GlobBuilder::new(written)
        .literal_separator(false)
        .build()
        .map_err(|e| errors.at(raw.pattern.span(), format!("match: {}", e.kind())))?
        .compile_matcher();
    let path = |key: &str, v: &Spanned<String>, want_dir: bool| {
        let p = lexically_normal(&dir.join(v.get_ref()));
        let ok = if want_dir { p.is_dir() } else { p.is_file() };
        if ok {
            Ok(p)
        } else {
            Err(errors.at(
                v.span(),
                format!(
                    "{key}: \"{}\" is not a {} (paths are relative to the configuration file's directory)",
                    v.get_ref(),
                    if want_dir { "directory" } else { "file" }
                ),
            ))
        }
    };
    let dockerfile = path("dockerfile", &raw.dockerfile, false)?;
    let context = raw
        .context
        .as_ref()
        .map(|c| path("context", c, true))
        .transpose()?;
    let (line, _) = errors.file.line_col(i.span().start);
    Ok(crate::build_links::BuildSpec {
        selector: crate::build_links::Selector::Glob(matcher),
        dockerfile,
        context,
        target: raw.target.as_ref().map(|t| t.get_ref().clone()),
        why: format!("declared in {}:{line}", errors.file.display),
        at: errors.loc(i.span()),
        subject: None,
    })
}

fn root(errors: &Errors<'_>, dir: &Path, r: &Spanned<RawRoot>) -> Result<Root, String> {
    let raw = r.get_ref();
    let written = raw.path.get_ref();
    let path = dir.join(written);
    let canonical = path.canonicalize().map_err(|_| {
        errors.at(
            raw.path.span(),
            format!(
                "[[root]] path \"{written}\" does not exist (paths are relative to the configuration file's directory)"
            ),
        )
    })?;
    let is_dir = canonical.is_dir();
    let file_list = |key: &str,
                     list: &Option<Vec<Spanned<String>>>|
     -> Result<Vec<PathBuf>, String> {
        let mut out = Vec::new();
        for f in list.iter().flatten() {
            let p = lexically_normal(&dir.join(f.get_ref()));
            if !p.is_file() {
                return Err(errors.at(
                    f.span(),
                    format!("{key}: \"{}\" is not a file (paths are relative to the configuration file's directory)", f.get_ref()),
                ));
            }
            out.push(p);
        }
        Ok(out)
    };
    let var_files = file_list("var-files", &raw.var_files)?;
    let parameter_files = file_list("parameters-files", &raw.parameters_files)?;
    let values = |map: &Option<BTreeMap<Spanned<String>, Spanned<toml::Value>>>| {
        let mut out: Vec<(String, String, Location)> = map
            .iter()
            .flatten()
            .map(|(k, v)| {
                (
                    k.get_ref().clone(),
                    value_text(v, errors.file),
                    errors.loc(v.span()),
                )
            })
            .collect();
        out.sort_by_key(|(_, _, at)| at.span.start);
        out
    };
    let vars = values(&raw.vars);
    let parameters = values(&raw.parameters);
    if is_dir && (raw.parameters.is_some() || raw.parameters_files.is_some()) {
        return Err(errors.at(
            raw.path.span(),
            format!(
                "\"{written}\" is a directory (a Terraform root): parameters and parameters-files are for a CloudFormation template file"
            ),
        ));
    }
    if !is_dir && (raw.vars.is_some() || raw.var_files.is_some()) {
        return Err(errors.at(
            raw.path.span(),
            format!(
                "\"{written}\" is a file (a CloudFormation template): vars and var-files are for a Terraform root directory"
            ),
        ));
    }
    Ok(Root {
        at: errors.loc(r.span()),
        path_at: errors.loc(raw.path.span()),
        path: canonical,
        terraform: crate::terraform::Inputs {
            config_var_files: var_files,
            config_vars: vars,
            ..Default::default()
        },
        cloudformation: crate::cloudformation::Inputs {
            config_parameter_files: parameter_files,
            config_parameters: parameters,
            ..Default::default()
        },
    })
}

// ------------------------------------------------------------ applying it

impl Config {
    /// The per-root inputs and exclusions for the engine.
    pub fn apply_to(&self, options: &mut crate::engine::Options) {
        for r in &self.roots {
            if r.path.is_dir() {
                options
                    .root_terraform
                    .insert(r.path.clone(), r.terraform.clone());
            } else {
                options
                    .root_cloudformation
                    .insert(r.path.clone(), r.cloudformation.clone());
            }
        }
        if !self.exclude.is_empty() {
            options.exclude.add(&self.dir, self.exclude.clone());
        }
        options.images = self.images.clone();
    }

    /// Whether a scan of `paths` covers the whole tree this file configures
    /// (a path at or above its directory): then an entry matching nothing is
    /// a mistake, not a part of the repository outside the scan.
    pub fn covered_by(&self, paths: &[PathBuf]) -> bool {
        paths.iter().any(|p| {
            p.canonicalize()
                .is_ok_and(|c| c.is_dir() && self.dir.starts_with(&c))
        })
    }

    /// Check the `[[root]]` entries against what the scan loaded: a root
    /// inside the scanned paths must have been loaded as a Terraform root or
    /// template, and its `vars` / `parameters` must be declared there.
    pub fn check_roots(&self, model: &Model, paths: &[PathBuf]) -> Result<(), String> {
        let errors = Errors { file: &self.file };
        let scanned: Vec<PathBuf> = paths.iter().filter_map(|p| p.canonicalize().ok()).collect();
        for r in &self.roots {
            if !scanned.iter().any(|s| r.path.starts_with(s)) {
                continue; // outside this scan
            }
            let shown = r.path_at.snippet().to_string();
            // A file that does not parse is a PA001 finding, not a
            // configuration error: what it declares is unknown.
            let broken = model.input_errors.iter().any(|e| {
                Path::new(&e.file)
                    .canonicalize()
                    .is_ok_and(|f| f.starts_with(&r.path))
            });
            if broken {
                continue;
            }
            let Some(loaded) = model.roots.iter().find(|l| l.path == r.path) else {
                let what = if r.path.is_dir() {
                    "not a Terraform root in this scan (no .tf files there, an excluded path, or a module another directory calls)"
                } else {
                    "not a CloudFormation template in this scan"
                };
                return Err(errors.at(
                    r.path_at.span.clone(),
                    format!("[[root]] path {shown} is {what}"),
                ));
            };
            let given = r
                .terraform
                .config_vars
                .iter()
                .chain(&r.cloudformation.config_parameters);
            for (name, _, at) in given {
                if !loaded.inputs.iter().any(|i| i == name) {
                    let (kind, how) = if r.path.is_dir() {
                        ("variable", "vars")
                    } else {
                        ("parameter", "parameters")
                    };
                    let hint = closest(
                        name,
                        &loaded.inputs.iter().map(String::as_str).collect::<Vec<_>>(),
                    )
                    .map(|c| format!("; did you mean \"{c}\"?"))
                    .unwrap_or_default();
                    return Err(errors.at(
                        at.span.clone(),
                        format!("{how}: {shown} declares no {kind} \"{name}\"{hint}"),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Which rules run and at what severity: the file's `select`, `ignore`
/// and `severity`, then `--select` / `--ignore`, which win.
///
/// Selected = `--select` if given, else the file's `select`, else every
/// rule; then the file's `ignore` and `--ignore` are removed, except that a
/// rule named by `--select` is not removed by the file's `ignore`.
pub fn rule_settings(
    config: Option<&Config>,
    cli_select: &[String],
    cli_ignore: &[String],
    policy_rules: &[&'static RuleMeta],
) -> Result<RuleSettings, String> {
    let cli = |flag: &str, list: &[String]| {
        list.iter()
            .flat_map(|s| s.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                find_rule(s)
                    .or_else(|| policy_rules.iter().copied().find(|p| p.id == s))
                    .ok_or_else(|| unknown_rule(flag, s))
            })
            .collect::<Result<Vec<_>, String>>()
    };
    let cli_select = cli("--select", cli_select)?;
    let cli_ignore = cli("--ignore", cli_ignore)?;
    let all: Vec<&'static RuleMeta> = rules::CATALOG
        .iter()
        .copied()
        .chain(policy_rules.iter().copied())
        .collect();
    let resolve_all = |list: &[RuleRef]| {
        list.iter()
            .map(|r| resolve(r, policy_rules))
            .collect::<Result<Vec<_>, String>>()
    };
    let selected: Vec<&'static RuleMeta> = if !cli_select.is_empty() {
        cli_select.clone()
    } else if let Some(s) = config.and_then(|c| c.select.as_ref()) {
        resolve_all(s)?
    } else {
        all.clone()
    };
    let file_ignore: Vec<&'static RuleMeta> = match config {
        Some(c) => resolve_all(&c.ignore)?,
        None => Vec::new(),
    };
    let mut severity = BTreeMap::new();
    for (r, s) in config.map(|c| c.severity.as_slice()).unwrap_or_default() {
        severity.insert(resolve(r, policy_rules)?.id, *s);
    }
    let has = |list: &[&RuleMeta], r: &RuleMeta| list.iter().any(|x| x.id == r.id);
    let enabled = |r: &RuleMeta| {
        let ignored = has(&cli_ignore, r) || (has(&file_ignore, r) && !has(&cli_select, r));
        has(&selected, r) && !ignored
    };
    Ok(RuleSettings {
        disabled: all.iter().filter(|r| !enabled(r)).map(|r| r.id).collect(),
        severity,
        policies: None,
    })
}

/// The closest of `candidates` to `word` (one or two edits), for "did you mean".
fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let norm = |s: &str| s.to_ascii_lowercase().replace('_', "-");
    let w = norm(word);
    candidates
        .iter()
        .map(|c| (edit_distance(&w, &norm(c)), *c))
        .filter(|(d, c)| *d <= 2.min(c.len() / 3 + 1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance, for "did you mean" (the words are short).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests;

/// Why a configuration file named by the user cannot be read, worded for
/// them (the confined reader checks the opened file again).
fn named_file(p: &Path) -> Result<(), &'static str> {
    match std::fs::metadata(p) {
        Err(_) => Err("no such file"),
        Ok(m) if !m.is_file() => Err("not a regular file; keepalign reads only regular files"),
        Ok(_) => Ok(()),
    }
}
