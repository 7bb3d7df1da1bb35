//! Server knowledge: from a container's entry point, command, environment and
//! image, which server runs and what its keep-alive, graceful-shutdown and
//! request timeouts are, each with provenance (DOMAIN.md, "Server side").
//!
//! One module per server family; adding a server is one new file plus one
//! line in `RECOGNISERS`.
//!
//! The pipeline: entry point ++ command (as ECS concatenates them) → wrappers
//! peeled (`command.rs`: `sh -c` scripts, `exec`, `env`, `tini`, `python -m`,
//! ...) → an [`Invocation`] each recogniser looks at. When no recogniser
//! knows the command, or there is none, the image is tried (`nginx:*`,
//! `httpd:*`).

mod args;
mod bun;
mod caddy;
mod command;
mod conf_files;
mod daphne;
mod deno;
mod envoy;
mod go;
mod gunicorn;
mod haproxy;
mod httpd;
mod hypercorn;
mod jetty;
mod js;
mod jvm;
mod kestrel;
pub mod nginx;
mod node;
mod puma;
mod python;
mod quarkus;
mod spring;
mod thruster;
mod tomcat;
mod traefik;
mod unicorn;
mod uvicorn;
mod uwsgi;
mod varnish;
mod waitress;

#[cfg(test)]
mod testutil;

use crate::image_files::ImageFiles;
use crate::model::{Container, Provenance, Seconds, Setting, Unresolved, Word, fmt_secs};
use crate::source::Location;
use command::basename;

/// What keepalign knows about the server process in a container.
#[derive(Clone, Debug)]
pub struct ServerProfile {
    /// Short family name: "gunicorn", "uvicorn", "nginx", ...
    pub server: &'static str,
    /// Human description, e.g. "gunicorn (gevent workers)".
    pub description: String,
    /// Where the server was recognised: the command word or the image.
    pub identified_at: Option<Location>,
    pub keep_alive: KeepAlive,
    /// Graceful shutdown timeout; `None` when the server has none or it is unbounded.
    pub graceful_timeout: Option<Setting<Seconds>>,
    /// Request (worker) timeout after which the server kills a request; `None` when not applicable.
    pub request_timeout: Option<Setting<Seconds>>,
    /// What happens to a request that outlives `request_timeout`.
    pub request_timeout_end: RequestTimeoutEnd,
    /// How to set keep-alive to a value, e.g. `|s| format!("--keep-alive {s}")`.
    pub keep_alive_fix: fn(Seconds) -> String,
    /// How to set the graceful timeout to a value, when the server has one.
    pub graceful_fix: Option<fn(Seconds) -> String>,
}

/// How a request that outlives the server's request timeout ends.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RequestTimeoutEnd {
    /// The server kills it (restarts the worker, closes the connection), so
    /// the load balancer answers 502 (a Classic ELB 504).
    Killed,
    /// A proxy stops waiting for its upstream and answers 504 itself;
    /// `directive` sets how long it waits.
    UpstreamGivesUp { directive: &'static str },
}

#[derive(Clone, Debug)]
pub enum KeepAlive {
    /// Idle keep-alive timeout of connections from the load balancer.
    Timeout(Setting<Seconds>),
    /// The server closes every connection after its response, so there is no
    /// idle connection to race (gunicorn `sync` with one thread, Unicorn).
    ClosesEveryConnection { why: String },
    /// The server never closes an idle connection (Tomcat's `-1`, Envoy's
    /// `idle_timeout: 0`, HAProxy without a client timeout): above any
    /// load balancer's idle timeout (KA101 passes), and above an NLB's TCP
    /// idle timeout (NL601 fires). `at` is where that is decided.
    NoLimit { why: String, at: Option<Location> },
}

/// A server family's recogniser: `Some` when the invocation runs it.
type Recogniser = fn(&Invocation) -> Option<ServerProfile>;

/// Every server family keepalign knows, with the name users know it by.
/// Each recogniser looks at the command when there is one, and at the
/// image when `argv` is empty.
const RECOGNISERS: &[(&str, Recogniser)] = &[
    // Proxies first: an image or command that runs one is the proxy,
    // whatever it fronts.
    (
        "HAProxy (`haproxy`, the `haproxy` image)",
        haproxy::recognise,
    ),
    (
        "Traefik (`traefik`, the `traefik` image)",
        traefik::recognise,
    ),
    (
        "Caddy (`caddy run`, `caddy start`, the `caddy` image)",
        caddy::recognise,
    ),
    (
        "Envoy (`envoy`, the `envoyproxy/envoy` images)",
        envoy::recognise,
    ),
    // Before the servers it fronts: `thrust bin/rails server` is Thruster.
    ("Thruster", thruster::recognise),
    ("gunicorn", gunicorn::recognise),
    ("uvicorn (and `fastapi run`)", uvicorn::recognise),
    ("hypercorn", hypercorn::recognise),
    ("daphne", daphne::recognise),
    ("waitress", waitress::recognise),
    (
        "uWSGI (`uwsgi`, with `--ini` files and `UWSGI_*` variables)",
        uwsgi::recognise,
    ),
    (
        "Node.js (`node`, `npm`/`pnpm`/`yarn` scripts, `pm2-runtime`, `next start`, `fastify start`)",
        node::recognise,
    ),
    (
        "Bun (`bun run app.ts`, `bun app.ts`, the `oven/bun` image)",
        bun::recognise,
    ),
    (
        "Deno (`deno run`, `deno serve`, the `denoland/deno` image)",
        deno::recognise,
    ),
    (
        "Puma (`puma`, `pumactl start`, `rails server`)",
        puma::recognise,
    ),
    ("Unicorn", unicorn::recognise),
    ("nginx", nginx::recognise),
    ("Apache httpd", httpd::recognise),
    (
        "Varnish (`varnishd`, the `varnish` image)",
        varnish::recognise,
    ),
    (
        "ASP.NET Core on Kestrel (`dotnet App.dll`)",
        kestrel::recognise,
    ),
    // Before Quarkus and Spring Boot, which also run `java`.
    (
        "Apache Tomcat (`catalina.sh run`, the `tomcat` image)",
        tomcat::recognise,
    ),
    (
        "Jetty (`java -jar $JETTY_HOME/start.jar`, the `jetty` image)",
        jetty::recognise,
    ),
    (
        "Quarkus (`quarkus-run.jar`, a `quarkus.` property or `QUARKUS_*` variable)",
        quarkus::recognise,
    ),
    (
        "Spring Boot on embedded Tomcat or Jetty (`java` with Spring properties or `SPRING_*` variables)",
        spring::recognise,
    ),
    // Last: only a binary the Dockerfile in the scan builds with `go build`.
    (
        "Go (a binary built by `go build -o` in a `golang` stage of the image's Dockerfile)",
        go::recognise,
    ),
];

/// The server families keepalign recognises, by name, in the order they
/// are tried. UN002's documentation lists them; a test keeps the two in step.
pub fn recognised() -> impl Iterator<Item = &'static str> {
    RECOGNISERS.iter().map(|(name, _)| *name)
}

/// Identify the server in `container`. `Err` explains why it could not be
/// identified and how to declare it (UN002).
pub fn identify(container: &Container) -> Result<ServerProfile, Unresolved> {
    identify_in(container, None, None)
}

/// [`identify`], with the files of the container's image when keepalign
/// knows the Dockerfile that builds it (servers then read their own
/// configuration files from it), and the container port the load balancer
/// sends to, when known.
pub fn identify_in(
    container: &Container,
    files: Option<ImageFiles<'_>>,
    port: Option<u16>,
) -> Result<ServerProfile, Unresolved> {
    let mut argv = Vec::new();
    let mut command_at = None;
    for (part, name) in [
        (&container.entry_point, "entryPoint"),
        (&container.command, "command"),
    ] {
        match part {
            None => {}
            Some(Setting::Known { value, provenance }) => {
                argv.extend(value.iter().cloned());
                if command_at.is_none() {
                    command_at = provenance_at(provenance);
                }
            }
            Some(Setting::Unresolved(u)) => {
                return Err(Unresolved::new(
                    format!(
                        "the {name} of container `{}` could not be resolved ({}), so keepalign \
                         cannot tell which server it runs; make it resolvable (tfvars, --var, a \
                         plan file)",
                        container.name,
                        u.reason.trim_end_matches('.')
                    ),
                    u.at.clone().or_else(|| Some(container.at.clone())),
                ));
            }
        }
    }
    let original = argv.clone();
    let read_script = |path: &str| {
        let f = files.as_ref()?.read(path).ok()??;
        let len = f.file.text.len();
        Some(Word::new(
            f.file.text.clone(),
            Some(Location::new(&f.file, 0..len)),
        ))
    };
    let peeled = command::peel_reading(argv, Some(&read_script));
    let mut ctx = Invocation {
        container,
        argv: peeled.argv,
        assignments: peeled.assignments,
        env_cleared: peeled.env_cleared,
        shell: peeled.shell,
        command_at,
        files,
        python_module: peeled.python_module,
        port,
    };
    if let Some(p) = RECOGNISERS.iter().find_map(|(_, r)| r(&ctx)) {
        return Ok(p);
    }
    // The last command of a script is not a server: maybe one it started
    // in the background is (`gunicorn app & exec worker`).
    let last = std::mem::take(&mut ctx.argv);
    for words in peeled.background {
        let inner = command::peel_reading(words, Some(&read_script));
        ctx.argv = inner.argv;
        if let Some(p) = RECOGNISERS.iter().find_map(|(_, r)| r(&ctx)) {
            return Ok(p);
        }
    }
    ctx.argv = last;
    // The command does not name a known server: maybe the image does, unless
    // the command cannot start any (a shell reading a server binary).
    let ran = std::mem::take(&mut ctx.argv);
    if !ran.is_empty()
        && shell_reads_server_binary(&ran).is_none()
        && let Some(p) = RECOGNISERS.iter().find_map(|(_, r)| r(&ctx))
    {
        return Ok(p);
    }
    Err(unknown(&ctx, &original, &ran))
}

impl ServerProfile {
    /// The fix for the keep-alive timeout, as text: `--keep-alive 65`, or
    /// for a server keepalign does not know, "the keep-alive timeout of
    /// NAME to 65 s".
    pub fn keep_alive_fix_text(&self, s: Seconds) -> String {
        (self.keep_alive_fix)(s).replace(SERVER_NAME, self.server)
    }
}

/// Stands for the server's name in a fix text that cannot know it (a plain
/// `fn` cannot capture it): `keep_alive_fix_text` puts the name in.
const SERVER_NAME: &str = "\u{0}server\u{0}";

fn generic_keep_alive_fix(s: Seconds) -> String {
    format!("the keep-alive timeout of {SERVER_NAME} to {} s", secs(s))
}

/// Server kinds a configuration file may name (`server = "node"`), each
/// with the command that starts it: the declared kind is identified by its
/// recogniser, so it gets the same defaults and fix texts as when the IaC
/// shows the command.
const DECLARABLE: &[(&str, &[&str])] = &[
    ("gunicorn", &["gunicorn"]),
    ("uvicorn", &["uvicorn"]),
    ("hypercorn", &["hypercorn"]),
    ("daphne", &["daphne"]),
    ("waitress", &["waitress-serve"]),
    ("uwsgi", &["uwsgi"]),
    ("node", &["node"]),
    ("nodejs", &["node"]),
    ("next", &["next", "start"]),
    ("fastify", &["fastify", "start"]),
    ("bun", &["bun", "run", "index.ts"]),
    ("deno", &["deno", "run", "main.ts"]),
    ("puma", &["puma"]),
    ("thruster", &["thrust"]),
    ("unicorn", &["unicorn"]),
    ("nginx", &["nginx"]),
    ("httpd", &["httpd"]),
    ("apache", &["httpd"]),
    ("quarkus", &["java", "-jar", "quarkus-run.jar"]),
    ("tomcat", &["catalina.sh", "run"]),
    ("jetty", &["java", "-jar", "/usr/local/jetty/start.jar"]),
    ("varnish", &["varnishd"]),
    ("haproxy", &["haproxy"]),
    ("traefik", &["traefik"]),
    ("caddy", &["caddy", "run"]),
    ("envoy", &["envoy"]),
    ("kestrel", &["dotnet", "app.dll"]),
    // A Spring property marks `java` as Spring Boot (bare `java` is not).
    (
        "spring-boot",
        &["java", "-Dspring.main.banner-mode=off", "-jar", "app.jar"],
    ),
];

/// The server kinds keepalign knows by name, for documentation and messages.
pub fn declarable_kinds() -> impl Iterator<Item = &'static str> {
    DECLARABLE.iter().map(|(n, _)| *n)
}

/// The family name (`ServerProfile::server`) a declared kind stands for:
/// `nodejs` and `next` are `node`, `apache` is `httpd`.
pub fn family_of(kind: &str) -> Option<&'static str> {
    let (name, _) = DECLARABLE
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(kind))?;
    Some(match *name {
        "nodejs" | "next" | "fastify" => "node",
        "apache" => "httpd",
        other => other,
    })
}

/// The profile of a server declared in the configuration file
/// (`server = "node"` at `at`). A kind keepalign knows is identified as if
/// the container ran it (the container's environment and image still
/// apply, so `UVICORN_TIMEOUT_KEEP_ALIVE` is read); any other name gets a
/// profile whose keep-alive is unknown until declared, and generic fix text.
/// `name` is `'static` because profiles name their server that way; the
/// configuration keeps one copy per entry.
pub fn declared(name: &'static str, container: Option<&Container>, at: &Location) -> ServerProfile {
    let declared_at = format!("declared in {}:{}", at.file.display, at.start().0);
    if let Some((_, argv)) = DECLARABLE
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
    {
        let words: Vec<Word> = argv
            .iter()
            .map(|w| Word::new(*w, Some(at.clone())))
            .collect();
        let mut c = match container {
            Some(c) => c.clone(),
            None => Container {
                image_pattern: None,
                image_references: Vec::new(),
                name: String::new(),
                image: Setting::unresolved("the container is not known", Some(at.clone())),
                entry_point: None,
                command: None,
                environment: Vec::new(),
                environment_files: Vec::new(),
                stop_timeout: Setting::unresolved("the container is not known", Some(at.clone())),
                working_directory: None,
                system_controls: Vec::new(),
                at: at.clone(),
            },
        };
        c.entry_point = None;
        c.command = Some(Setting::declared(words, at.clone()));
        if let Ok(mut p) = identify(&c) {
            p.description = format!("{} ({declared_at})", p.description);
            return p;
        }
    }
    ServerProfile {
        server: name,
        description: format!("{name} ({declared_at})"),
        identified_at: Some(at.clone()),
        keep_alive: KeepAlive::Timeout(Setting::unresolved(
            format!(
                "keepalign does not know the keep-alive timeout of {name}; declare it with \
                 keep-alive = SECONDS beside server = \"{name}\" in {}",
                at.file.display
            ),
            Some(at.clone()),
        )),
        graceful_timeout: None,
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix: generic_keep_alive_fix,
        graceful_fix: None,
    }
}

/// The UN002 explanation: what was looked at and how to declare the server.
fn unknown(ctx: &Invocation, original: &[Word], ran: &[Word]) -> Unresolved {
    let c = ctx.container;
    let image = match &c.image {
        Setting::Known { value, .. } => format!("image `{value}`"),
        Setting::Unresolved(u) => format!(
            "an image that could not be resolved ({})",
            u.reason.trim_end_matches('.')
        ),
    };
    // The servers keepalign knows are listed once per report (and by
    // `keepalign explain UN002`), not in every note.
    let how = "declare the server in keepalign.toml \
               ([[service]] with server = \"NAME\" and keep-alive = SECONDS), or check by hand \
               that its keep-alive timeout is above the load balancer's idle timeout";
    let at = ctx
        .command_at
        .clone()
        .or_else(|| ctx.image_at())
        .or_else(|| Some(c.at.clone()));
    if original.is_empty() {
        // The fix is a command beside the image: point at the image where it
        // is written for this service (in Terraform, wherever in the
        // configuration a module is given it), but not into another
        // CloudFormation stack that exports it: then at the container.
        let terraform = |l: &Location| {
            let p = &l.file.path;
            p.extension().is_some_and(|e| e == "tf") || p.to_string_lossy().ends_with(".tf.json")
        };
        let at = ctx
            .image_at()
            .filter(|image| {
                image.file.path == c.at.file.path || terraform(image) && terraform(&c.at)
            })
            .unwrap_or_else(|| c.at.clone());
        let at = Some(at);
        return Unresolved::new(
            format!(
                "container `{}` sets no command or entryPoint, so its server is started by the \
                 image's CMD/ENTRYPOINT (in its Dockerfile), which keepalign cannot see, and \
                 {image} is not one keepalign recognises; when its Dockerfile is in the \
                 repository, name it in keepalign.toml ([[image]] with match and dockerfile); \
                 else set the command in the task definition, or declare the server in \
                 keepalign.toml ([[service]] with server and keep-alive)",
                c.name
            ),
            at,
        );
    }
    let mut what = format!("the command `{}`", show(original));
    if ran != original && !ran.is_empty() {
        what.push_str(&format!(" (which runs `{}`)", show(ran)));
    }
    let program = ran.first().map(|w| w.text.as_str()).unwrap_or("");
    let name = basename(program);
    let mut hint = String::new();
    if program.chars().any(char::is_whitespace) {
        hint = format!(
            "; note that ECS runs `{program}` as one program name: split it into separate \
             words, or run it with `sh -c`"
        );
    } else if program.starts_with('-') && ctx.container.entry_point.is_none() {
        hint = format!(
            "; the command starts with an option (`{program}`), so it is probably passed to the \
             image's ENTRYPOINT, which keepalign cannot see: set entryPoint in the task definition"
        );
    } else if let Some(target) = shell_reads_server_binary(ran) {
        // `bash /usr/sbin/apache2`: a shell without -c reads its argument as
        // a script, and a server binary is not one.
        let rest = show(&ran[1..]);
        hint = format!(
            "; `{name} {}` makes {name} read the program `{}` as a shell script, which does not \
             start it: the intent is probably `{rest}` without `{name}`, or `{name} -c '{rest}'`",
            target.display(),
            target.display()
        );
    } else if name.ends_with(".sh")
        || matches!(name, "sh" | "bash" | "dash" | "ash" | "zsh")
            && ran.get(1).is_some_and(|w| !w.text.starts_with('-'))
    {
        hint = format!(
            "; the server is started by a script that is not in the task definition ({}), so \
             keepalign cannot see which server it starts",
            if name.ends_with(".sh") {
                program
            } else {
                &ran[1].text
            }
        );
    }
    Unresolved::new(
        format!("{what} and {image} name no server keepalign knows{hint}; {how}"),
        at,
    )
}

/// `bash /usr/sbin/apache2`: a shell without -c given a server binary, which
/// it would read as a script: the binary, when so.
fn shell_reads_server_binary(ran: &[Word]) -> Option<&Word> {
    let shell = basename(&ran.first()?.text);
    if !matches!(shell, "sh" | "bash" | "dash" | "ash" | "zsh") {
        return None;
    }
    ran.get(1).filter(|w| {
        let b = basename(&w.text);
        DECLARABLE.iter().any(|(_, argv)| argv.first() == Some(&b))
            || matches!(b, "apache2" | "gunicorn3" | "nginx-debug")
    })
}

/// A command for messages: words joined, quoted when needed, shortened.
fn show(words: &[Word]) -> String {
    let mut s = words
        .iter()
        .map(|w| {
            let text = w.display();
            if text.is_empty() || text.chars().any(char::is_whitespace) {
                format!("'{text}'")
            } else {
                text
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    if s.chars().count() > 160 {
        s = s.chars().take(157).collect::<String>() + "...";
    }
    s
}

fn provenance_at(p: &Provenance) -> Option<Location> {
    match p {
        Provenance::Explicit(at) => Some(at.clone()),
        Provenance::Default { applies_at, .. } => applies_at.clone(),
        Provenance::Declared(at) => Some(at.clone()),
    }
}

/// The unit a server reads a setting in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Unit {
    Seconds,
    Millis,
}

impl Unit {
    fn to_secs(self, v: f64) -> Seconds {
        match self {
            Unit::Seconds => v,
            Unit::Millis => v / 1000.0,
        }
    }
}

/// A plain non-negative decimal number, as servers accept; anything else
/// (`inf`, `1e3`, `-5`, `$KA`) is not read as a number.
pub(crate) fn parse_number(s: &str) -> Option<f64> {
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    let dots = s.bytes().filter(|&b| b == b'.').count();
    if digits == 0 || dots > 1 || digits + dots != s.len() {
        return None;
    }
    s.parse().ok()
}

/// The time part of an ISO-8601 duration (`1H30M`, `65S`, `1M5.5S`: what
/// follows `PT`), in seconds; at least one component, nothing else.
pub(crate) fn iso_time(text: &str) -> Option<Seconds> {
    let (mut total, mut parts, mut number) = (0.0, 0, String::new());
    for c in text.chars() {
        match c.to_ascii_uppercase() {
            '0'..='9' | '.' => number.push(c),
            unit @ ('H' | 'M' | 'S') => {
                let factor = match unit {
                    'H' => 3600.0,
                    'M' => 60.0,
                    _ => 1.0,
                };
                total += parse_number(&number)? * factor;
                number.clear();
                parts += 1;
            }
            _ => return None,
        }
    }
    (number.is_empty() && parts > 0).then_some(total)
}

/// A Go duration (`time.ParseDuration`: `65s`, `1m30s`, `1.5h`, `500ms`,
/// `0`), in seconds; with `days`, also `d` (Caddy's `caddy.ParseDuration`).
/// Negative durations and anything else are `None`.
pub(crate) fn go_duration(text: &str, days: bool) -> Option<Seconds> {
    let text = text.strip_prefix('+').unwrap_or(text);
    if text == "0" {
        return Some(0.0);
    }
    let (mut total, mut parts) = (0.0, 0);
    let mut rest = text;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = parse_number(&rest[..n])?;
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let factor = match &rest[..u] {
            "ns" => 1e-9,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "d" if days => 86400.0,
            _ => return None,
        };
        rest = &rest[u..];
        total += number * factor;
        parts += 1;
    }
    (parts > 0 && total.is_finite()).then_some(total)
}

/// An image reference split for recognition.
pub(crate) struct Image<'a> {
    /// Last path component, lowercased: `nginx` for `public.ecr.aws/nginx/nginx:stable`.
    pub name: String,
    /// The whole repository path, lowercased, without tag or digest.
    pub repo: String,
    pub tag: Option<&'a str>,
    pub full: &'a str,
}

/// An image reference split into repository, name and tag.
/// An image repository without the registries that mirror Docker Hub
/// (`docker.io/`, `public.ecr.aws/docker/`, `mirror.gcr.io/`) and without
/// Docker Hub's `library/` namespace: `caddy`, `envoyproxy/envoy`.
pub(crate) fn hub_repo(repo: &str) -> &str {
    let repo = ["docker.io/", "public.ecr.aws/docker/", "mirror.gcr.io/"]
        .iter()
        .find_map(|p| repo.strip_prefix(p))
        .unwrap_or(repo);
    repo.strip_prefix("library/").unwrap_or(repo)
}

pub(crate) fn split_image(full: &str) -> Image<'_> {
    let no_digest = full.split('@').next().unwrap_or(full);
    let last_slash = no_digest.rfind('/').map_or(0, |i| i + 1);
    let (repo, tag) = match no_digest[last_slash..].rfind(':') {
        Some(i) => (
            &no_digest[..last_slash + i],
            Some(&no_digest[last_slash + i + 1..]),
        ),
        None => (no_digest, None),
    };
    Image {
        name: basename(repo).to_ascii_lowercase(),
        repo: repo.to_ascii_lowercase(),
        tag,
        full,
    }
}

/// What the recognisers look at: the server's argv after wrappers, the
/// environment it runs with, and the container's image.
pub(crate) struct Invocation<'a> {
    pub container: &'a Container,
    /// The server's argv once wrappers are peeled; empty when recognising by image.
    pub argv: Vec<Word>,
    /// `env K=V`, `export K=V`, `K=V cmd` in the command: later ones win, and
    /// all win over the container's environment.
    assignments: Vec<(String, Word)>,
    env_cleared: bool,
    /// argv came out of a shell script, so a `$VAR` word in it is expanded.
    pub shell: bool,
    /// Where the command (or entry point) is written.
    pub command_at: Option<Location>,
    /// The module, when argv came from `python -m MODULE` (a module of the
    /// app, or a server's: `python -m gunicorn`).
    pub python_module: Option<String>,
    /// The image's files, when its Dockerfile is in the scan.
    pub files: Option<ImageFiles<'a>>,
    /// The container port the load balancer sends to, when known: a
    /// server listening on several ports is read for this one.
    pub port: Option<u16>,
}

impl<'a> Invocation<'a> {
    /// The program's name without its directory: `gunicorn` for `/venv/bin/gunicorn`.
    pub fn program(&self) -> Option<&str> {
        self.argv.first().map(|w| basename(&w.text))
    }

    /// The options given to `program` when this invocation runs it: the
    /// arguments of a command that starts it, or the whole command (none
    /// at all, or options only) for an image `official` recognises, whose
    /// entry point starts the program with the command as its options.
    pub fn options_for(&self, program: &str, official: fn(&str) -> bool) -> Option<&[Word]> {
        if self.program() == Some(program) {
            return Some(self.args());
        }
        let by_image = self.image().is_some_and(|i| official(&i.repo))
            && self.argv.first().is_none_or(|w| w.text.starts_with('-'));
        by_image.then_some(self.argv.as_slice())
    }

    /// Why the configuration file `path` of `server` cannot be followed
    /// (part of it unknown, or a variable the shell would expand), or
    /// `None` when it can.
    pub fn unresolvable_config(&self, server: &str, path: &Word) -> Option<Setting<Seconds>> {
        (path.unknown.is_some() || path.text.contains('$')).then(|| {
            Setting::unresolved(
                format!(
                    "{server} reads the configuration `{}`, which keepalign cannot resolve; \
                     write the path in the command",
                    path.display()
                ),
                path.at.clone().or_else(|| self.server_at()),
            )
        })
    }

    /// The server's name for messages: with the image it runs from when
    /// that image is all keepalign saw of it (no command, not built here).
    pub fn described(&self, name: &str) -> String {
        match self.image() {
            Some(i) if self.argv.is_empty() && self.files.is_none() => {
                format!("{name} (image {})", i.full)
            }
            _ => name.to_string(),
        }
    }

    pub fn args(&self) -> &[Word] {
        self.argv.get(1..).unwrap_or(&[])
    }

    /// The value of an environment variable: `Ok` with the value word
    /// (located where it is written), `Err` when the task definition sets it
    /// to something keepalign cannot resolve, `None` when it is not set.
    pub fn env(&self, name: &str) -> Option<Result<Word, Unresolved>> {
        if let Some((_, w)) = self.assignments.iter().rev().find(|(n, _)| n == name) {
            return Some(Ok(w.clone()));
        }
        if self.env_cleared {
            return None;
        }
        let Some(var) = self
            .container
            .environment
            .iter()
            .rev()
            .find(|e| e.name == name)
        else {
            // `environment` wins over environment files; any other variable
            // may be set by one.
            let file = self.container.environment_files.first()?;
            return Some(Err(Unresolved::new(
                format!(
                    "{name} may be set by the environment file `{}` (environmentFiles), which \
                     keepalign cannot read; to check it, set {name} in `environment`",
                    file.display()
                ),
                file.at.clone(),
            )));
        };
        Some(match &var.value {
            Setting::Known { value, provenance } => {
                Ok(Word::new(value.clone(), provenance_at(provenance)))
            }
            Setting::Unresolved(u) => Err(u.clone()),
        })
    }

    pub fn image(&self) -> Option<Image<'a>> {
        Some(split_image(self.container.image.value()?.as_str()))
    }

    pub fn image_at(&self) -> Option<Location> {
        self.container.image.location().cloned()
    }

    /// Where the server was recognised: the word naming it, else the
    /// command, else the image.
    pub fn server_at(&self) -> Option<Location> {
        match self.argv.first() {
            Some(w) => w.at.clone().or_else(|| self.command_at.clone()),
            None => self.image_at().or_else(|| self.command_at.clone()),
        }
    }

    /// A place for an explicit value whose word has no location of its own.
    fn located(&self, w: &Word) -> Location {
        w.at.clone()
            .or_else(|| self.command_at.clone())
            .unwrap_or_else(|| self.container.at.clone())
    }

    /// A documented default, applying where the server was recognised.
    pub fn default(&self, value: Seconds, source: impl Into<String>) -> Setting<Seconds> {
        Setting::default(value, source, self.server_at())
    }

    /// Not knowable: `reason` says why and how to supply it.
    pub fn unresolved(&self, reason: impl Into<String>) -> Setting<Seconds> {
        Setting::unresolved(reason, self.server_at())
    }

    /// The text a word stands for: itself, or when it is a whole `$VAR` in a
    /// shell script (`expand`), the variable's value from the environment.
    /// `what` names the setting for messages ("gunicorn --keep-alive").
    pub fn resolve(&self, w: &Word, expand: bool, what: &str) -> Result<Word, Unresolved> {
        let text = w.text.trim();
        let Some((var, fallback)) = expand.then(|| command::shell_var(text)).flatten() else {
            return Ok(w.clone());
        };
        let at = Some(self.located(w));
        match self.env(var) {
            Some(Ok(v)) if v.text.is_empty() && fallback.is_some_and(|(_, on_empty)| on_empty) => {
                Ok(Word::new(fallback.map_or("", |f| f.0), w.at.clone()))
            }
            Some(Ok(v)) => Ok(v),
            Some(Err(u)) => Err(Unresolved::new(
                format!(
                    "{what} is `{text}`, and the task definition sets {var} to a value keepalign \
                     cannot resolve ({})",
                    u.reason.trim_end_matches('.')
                ),
                u.at.or(at),
            )),
            None => Err(Unresolved::new(
                format!(
                    "{what} is `{text}`, a shell variable the task definition does not set (the \
                     image may set it{}); set {var} in the container's environment, or write \
                     the value in the command",
                    match fallback {
                        Some((f, _)) => format!("; the script falls back to `{f}`"),
                        None => String::new(),
                    }
                ),
                at,
            )),
        }
    }

    /// Seconds from an option's value word: explicit where the value is
    /// written (or where the variable it names is set); unresolved when it is
    /// not a number.
    pub fn seconds(&self, w: &Word, expand: bool, what: &str, unit: Unit) -> Setting<Seconds> {
        if let Some(u) = &w.unknown {
            return Setting::unresolved(
                format!("{what}: {}", u.reason),
                u.at.clone().or(w.at.clone()),
            );
        }
        let v = match self.resolve(w, expand, what) {
            Ok(v) => v,
            Err(u) => return Setting::Unresolved(u),
        };
        match parse_number(v.text.trim()) {
            Some(n) => Setting::explicit(unit.to_secs(n), self.located(&v)),
            None => {
                let shown = if v.text == w.text {
                    format!("`{}`", w.display())
                } else {
                    format!("`{}` (`{}`)", w.display(), v.display())
                };
                // A whole `$VAR` was resolved above; a partial one was not.
                let partial = command::shell_var(w.text.trim()).is_none();
                let var = match (expand, w.text.contains('$')) {
                    (true, true) if partial => {
                        ", which uses a shell variable keepalign does not expand"
                    }
                    (false, true) => {
                        ", a variable reference nothing expands here (no shell runs it)"
                    }
                    _ => "",
                };
                Setting::unresolved(
                    format!(
                        "{what} is {shown}{var}, not a number keepalign can read; write the {} in \
                         the command",
                        match unit {
                            Unit::Seconds => "number of seconds",
                            Unit::Millis => "number of milliseconds",
                        }
                    ),
                    Some(self.located(&v)),
                )
            }
        }
    }

    /// Seconds from an environment variable, `None` when it is not set.
    pub fn env_seconds(&self, name: &str, unit: Unit) -> Option<Setting<Seconds>> {
        Some(match self.env(name)? {
            Ok(w) => match parse_number(w.text.trim()) {
                Some(n) => Setting::explicit(unit.to_secs(n), self.located(&w)),
                None => Setting::unresolved(
                    format!(
                        "{name} is `{}`, not a number keepalign can read",
                        w.display()
                    ),
                    Some(self.located(&w)),
                ),
            },
            Err(u) => Setting::unresolved(
                format!(
                    "{name} is set to a value keepalign cannot resolve ({}); make it resolvable \
                     or set it to a literal number",
                    u.reason.trim_end_matches('.')
                ),
                u.at.or_else(|| self.server_at()),
            ),
        })
    }
}

/// `65` → `"65"`, `0.5` → `"0.5"`: seconds as servers want them written.
pub(crate) fn secs(s: Seconds) -> String {
    fmt_secs(s)
}

/// Seconds as whole milliseconds, for Node.js and Next.js.
pub(crate) fn millis(s: Seconds) -> String {
    format!("{}", (s * 1000.0).round() as i64)
}

#[cfg(test)]
mod tests {
    use super::testutil::*;
    use super::*;

    #[test]
    fn numbers_are_plain_decimals_only() {
        assert_eq!(parse_number("65"), Some(65.0));
        assert_eq!(parse_number("2.5"), Some(2.5));
        for bad in [
            "", ".", "inf", "NaN", "1e3", "-5", "+5", "5s", "1.2.3", " 5",
        ] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn entry_point_and_command_are_concatenated() {
        let b = task()
            .entry(&["/bin/sh", "-c"])
            .cmd(&["cd /app && exec gunicorn --keep-alive 5 -k gevent app:app"])
            .build();
        let p = b.profile();
        assert_eq!(p.server, "gunicorn");
        assert_explicit(ka(&p), 5.0, &b.at("--keep-alive 5", "5"));
        assert_eq!(p.identified_at, Some(b.at("exec gunicorn", "gunicorn")));
    }

    #[test]
    fn unknown_server_says_what_was_looked_at_and_how_to_declare_it() {
        let b = task()
            .image("123.dkr.ecr/api:1.2")
            .cmd(&["java", "-jar", "app.jar"])
            .build();
        let u = b.error();
        assert!(
            u.reason.contains("the command `java -jar app.jar` and image `123.dkr.ecr/api:1.2` name no server keepalign knows"),
            "{}",
            u.reason
        );
        assert!(u.reason.contains("check by hand"), "{}", u.reason);
        assert_eq!(
            u.at,
            b.container.command.as_ref().unwrap().location().cloned()
        );
    }

    #[test]
    fn unknown_server_after_wrappers_shows_what_runs() {
        let b = task()
            .cmd(&["sh", "-c", "migrate && exec ./bin/server --port 80"])
            .build();
        let u = b.error();
        assert!(
            u.reason.contains("(which runs `./bin/server --port 80`)"),
            "{}",
            u.reason
        );
    }

    #[test]
    fn a_script_file_is_named_as_what_hides_the_server() {
        let u = task().entry(&["/entrypoint.sh"]).build().error();
        assert!(
            u.reason.contains(
                "started by a script that is not in the task definition (/entrypoint.sh)"
            ),
            "{}",
            u.reason
        );
        let u = task().cmd(&["bash", "start.sh"]).build().error();
        assert!(u.reason.contains("(start.sh)"), "{}", u.reason);
    }

    #[test]
    fn a_shell_given_a_server_binary_does_not_start_it() {
        let u = task()
            .image("httpd:2.4")
            .entry(&["bash"])
            .cmd(&["/usr/sbin/apache2", "-DFOREGROUND"])
            .build()
            .error();
        assert!(
            u.reason
                .contains("makes bash read the program `/usr/sbin/apache2` as a shell script"),
            "{}",
            u.reason
        );
        assert!(
            u.reason
                .contains("probably `/usr/sbin/apache2 -DFOREGROUND` without `bash`"),
            "{}",
            u.reason
        );
    }

    #[test]
    fn a_command_written_as_one_word_gets_a_hint() {
        let u = task()
            .cmd(&["gunicorn --keep-alive 75 app:app"])
            .build()
            .error();
        assert!(u.reason.contains("as one program name"), "{}", u.reason);
    }

    #[test]
    fn a_command_of_options_points_at_the_image_entrypoint() {
        let u = task()
            .cmd(&["--keep-alive", "5", "app:app"])
            .build()
            .error();
        assert!(
            u.reason.contains("passed to the image's ENTRYPOINT"),
            "{}",
            u.reason
        );
    }

    /// Random commands built from shell-significant pieces, wrappers,
    /// servers and flags: identification must never panic.
    #[test]
    fn random_commands_never_panic() {
        const PIECES: &[&str] = &[
            "sh",
            "-c",
            "bash",
            "-lc",
            "exec",
            "env",
            "A=1",
            "-i",
            "tini",
            "--",
            "dumb-init",
            "python3",
            "-m",
            "gunicorn",
            "uvicorn",
            "hypercorn",
            "node",
            "next",
            "start",
            "npm",
            "puma",
            "rails",
            "s",
            "nginx",
            "httpd",
            "-k",
            "gevent",
            "--keep-alive",
            "--keep-alive=",
            "-t",
            "--threads",
            "-c",
            "5",
            "$KA",
            "${KA:-",
            "}",
            "'",
            "\"",
            "\\",
            "&&",
            "||",
            ";",
            "|",
            "&",
            ">",
            "2>&1",
            "<",
            "(",
            ")",
            "$(",
            "`",
            "#",
            "\n",
            " ",
            "é",
            "日本",
            "=",
            "--timeout-keep-alive",
            "--keepAliveTimeout",
            "-kgevent",
            "server.js",
            "KEEP_ALIVE_TIMEOUT=",
            "-D",
            "-f",
            "keepalive_timeout",
            "{",
            "-u",
        ];
        let mut random = crate::testing::Random::new(0x2545_f491_4f6c_dd1d);
        let mut next = move |n: usize| random.below(n);
        for _ in 0..3000 {
            let words: Vec<String> = (0..next(8))
                .map(|_| {
                    (0..1 + next(4))
                        .map(|_| PIECES[next(PIECES.len())])
                        .collect()
                })
                .collect();
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            let split = next(words.len() + 1);
            let mut t = task().env("KA", PIECES[next(PIECES.len())]);
            if next(2) == 0 {
                t = t.env("GUNICORN_CMD_ARGS", &words.concat());
            }
            if next(3) == 0 {
                t = t.image(PIECES[next(PIECES.len())]);
            }
            let b = t.entry(&words[..split]).cmd(&words[split..]).build();
            if let Ok(p) = b.identify() {
                let _ = (p.keep_alive_fix)(65.0);
            }
        }
    }

    #[test]
    fn no_command_and_an_unknown_image_points_at_the_dockerfile() {
        let b = task().image("python:3.12-slim").build();
        let u = b.error();
        assert!(u.reason.contains("image's CMD/ENTRYPOINT"), "{}", u.reason);
        assert!(u.reason.contains("`python:3.12-slim`"), "{}", u.reason);
        assert_eq!(u.at, Some(b.at("python:3.12-slim", "python:3.12-slim")));
    }

    #[test]
    fn an_unresolved_command_is_not_guessed() {
        let u = task()
            .image("nginx:1.25")
            .cmd_unresolved("var.command has no value")
            .build()
            .error();
        assert!(
            u.reason.contains(
                "command of container `web` could not be resolved (var.command has no value)"
            ),
            "{}",
            u.reason
        );
    }

    #[test]
    fn an_unresolved_image_is_said_so() {
        let u = task()
            .image_unresolved("var.image has no value")
            .cmd(&["./app"])
            .build()
            .error();
        assert!(
            u.reason
                .contains("an image that could not be resolved (var.image has no value)"),
            "{}",
            u.reason
        );
    }

    #[test]
    fn empty_and_odd_commands_do_not_panic() {
        let odd: &[&[&str]] = &[
            &[],
            &[""],
            &["sh", "-c"],
            &["sh", "-c", ""],
            &["sh", "-c", "'unterminated"],
            &["bash", "-c", "gunicorn --keep-alive"],
            &["gunicorn", "--keep-alive="],
            &["gunicorn", "-k"],
            &["python", "-m"],
            &["env", "-u"],
            &["/"],
            &["ü", "ß=1"],
            &["sh", "-c", "exec \"$@\"", "--", "gunicorn"],
            &["node"],
            &["next"],
            &["npm"],
            &["rails"],
            &["httpd", "-f"],
            &["nginx", "-c"],
            &["sh", "-c", "a >& ; | & && || ( ) $( ${ `"],
        ];
        for cmd in odd {
            let _ = task().cmd(cmd).build().identify();
            let _ = task().entry(cmd).cmd(cmd).build().identify();
        }
    }

    #[test]
    fn image_references_are_split() {
        let b = task()
            .image("public.ecr.aws/nginx/nginx:1.25-alpine@sha256:abc")
            .build();
        let ctx = Invocation {
            container: &b.container,
            argv: Vec::new(),
            assignments: Vec::new(),
            env_cleared: false,
            shell: false,
            command_at: None,
            files: None,
            python_module: None,
            port: None,
        };
        let i = ctx.image().unwrap();
        assert_eq!(i.name, "nginx");
        assert_eq!(i.repo, "public.ecr.aws/nginx/nginx");
        assert_eq!(i.tag, Some("1.25-alpine"));
        let b = task().image("localhost:5000/team/api").build();
        let ctx = Invocation {
            container: &b.container,
            argv: Vec::new(),
            assignments: Vec::new(),
            env_cleared: false,
            shell: false,
            command_at: None,
            files: None,
            python_module: None,
            port: None,
        };
        let i = ctx.image().unwrap();
        assert_eq!((i.name.as_str(), i.tag), ("api", None));
    }

    #[test]
    fn env_assignments_in_the_command_override_the_container_environment() {
        let b = task()
            .env("UVICORN_TIMEOUT_KEEP_ALIVE", "10")
            .cmd(&["env", "UVICORN_TIMEOUT_KEEP_ALIVE=70", "uvicorn", "m:app"])
            .build();
        assert_explicit(ka(&b.profile()), 70.0, &b.at("KEEP_ALIVE=70", "70"));
        let b = task()
            .env("UVICORN_TIMEOUT_KEEP_ALIVE", "10")
            .cmd(&["env", "-i", "uvicorn", "m:app"])
            .build();
        assert_default(
            ka(&b.profile()),
            5.0,
            "uvicorn default",
            Some(&b.at("\"uvicorn\"", "uvicorn")),
        );
    }

    #[test]
    fn shell_variables_resolve_from_the_environment() {
        let b = task()
            .env("KA", "75")
            .cmd(&["sh", "-c", "exec gunicorn -k gevent --keep-alive $KA app"])
            .build();
        assert_explicit(ka(&b.profile()), 75.0, &b.at("\"value\": \"75\"", "75"));

        let b = task()
            .cmd(&[
                "sh",
                "-c",
                "exec gunicorn -k gevent --keep-alive ${KA:-75} app",
            ])
            .build();
        let u = assert_unresolved(
            ka(&b.profile()),
            &["`${KA:-75}`", "does not set", "falls back to `75`"],
        );
        assert_eq!(u.at, Some(b.at("--keep-alive ${KA:-75}", "${KA:-75}")));

        let b = task()
            .env_unresolved("KA", "var.ka has no value")
            .cmd(&[
                "sh",
                "-c",
                "exec gunicorn -k gevent --keep-alive \"$KA\" app",
            ])
            .build();
        assert_unresolved(ka(&b.profile()), &["`$KA`", "var.ka has no value"]);

        let b = task()
            .env("KA", "soon")
            .cmd(&["sh", "-c", "exec gunicorn -k gevent --keep-alive $KA app"])
            .build();
        let u = assert_unresolved(ka(&b.profile()), &["is `$KA` (`soon`), not a number"]);
        assert_eq!(u.at, Some(b.at("\"soon\"", "soon")));

        let b = task()
            .env("KA", "")
            .cmd(&[
                "sh",
                "-c",
                "exec gunicorn -k gevent --keep-alive ${KA:-80} app",
            ])
            .build();
        assert_eq!(ka(&b.profile()).value(), Some(&80.0));
    }

    #[test]
    fn variables_are_not_expanded_outside_a_shell() {
        let b = task()
            .env("KA", "75")
            .cmd(&["gunicorn", "-k", "gevent", "--keep-alive", "$KA", "app"])
            .build();
        let u = assert_unresolved(
            ka(&b.profile()),
            &[
                "gunicorn --keep-alive is `$KA`",
                "no shell runs it",
                "not a number",
            ],
        );
        assert_eq!(u.at, Some(b.at("\"$KA\"", "$KA")));
    }

    #[test]
    fn partial_variables_are_reported_as_such() {
        let b = task()
            .cmd(&["sh", "-c", "gunicorn -k gevent --keep-alive ${KA}0 app"])
            .build();
        assert_unresolved(
            ka(&b.profile()),
            &["shell variable keepalign does not expand"],
        );
    }

    #[test]
    fn go_durations() {
        for (t, s) in [
            ("65s", 65.0),
            ("1m30s", 90.0),
            ("1.5h", 5400.0),
            ("500ms", 0.5),
            ("0", 0.0),
            ("+3m", 180.0),
        ] {
            assert_eq!(go_duration(t, false), Some(s), "{t}");
        }
        assert_eq!(go_duration("1d", true), Some(86400.0));
        for bad in ["", "65", "-5s", "1d", "5 s", "s", "1.2.3s", "5x", "\u{e9}"] {
            assert_eq!(go_duration(bad, false), None, "{bad}");
        }
    }

    #[test]
    fn millis_and_secs_format_for_configs() {
        assert_eq!(millis(65.0), "65000");
        assert_eq!(millis(0.5), "500");
        assert_eq!(secs(65.0), "65");
    }
}
