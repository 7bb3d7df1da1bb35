//! Puma, also as `rails server` and `pumactl start` (DOMAIN.md row "Puma";
//! puma/puma `lib/puma/configuration.rb`, `lib/puma/dsl.rb`, `History.md`).
//!
//! Configuration files: the `-C`/`--config` files (pumactl: `-F`), all of
//! them in order; with none, the first of `config/puma/<environment>.rb`
//! and `config/puma.rb` that exists in the working directory
//! (`Configuration#config_files`, 5.6.8 and 8.0.2); none with `--no-config`
//! or `-C -`. The environment is `-e`, else `APP_ENV`, `RACK_ENV`,
//! `RAILS_ENV`, else `development` (`configuration.rb`; `rails server`
//! passes its own: `-e`, else `RAILS_ENV`, `RACK_ENV`). When the image is
//! built in the scanned repository, keepalign reads those files from it
//! (`dsl.rs` says which lines it evaluates). No command-line flag sets the
//! persistent timeout; a file's value wins over `PUMA_PERSISTENT_TIMEOUT`,
//! which Puma reads only as a default (`puma_options_from_env`, 7.0.3+).
//!
//! The persistent (keep-alive) timeout default changed from 20 s
//! (`Const::PERSISTENT_TIMEOUT = 20`, `const.rb` 5.6.8; `persistent_timeout:
//! 20` in `configuration.rb` 6.x and 7.0.0.pre1) to 65 s in Puma 7.0
//! (`History.md` 7.0.0, puma#3378). The version comes from the
//! `Gemfile.lock` of the image's working directory (`lockfile.rs`);
//! without it the default is never guessed: only `PUMA_PERSISTENT_TIMEOUT`
//! (read as an integer from Puma 7.0.3, `History.md`, puma#3749; 7.0.0 to
//! 7.0.2 keep it as a string) makes it known. A fix therefore names
//! `persistent_timeout` in `config/puma.rb`, which every version reads.
//!
//! `worker_shutdown_timeout` (30 s) bounds shutdown in cluster mode only
//! (`dsl.rb`); in single mode Puma waits for running requests without a
//! bound. Workers default to 0 (single mode) unless `WEB_CONCURRENCY`,
//! `workers` in the file or `-w` say otherwise (`configuration.rb`).

mod dsl;
mod lockfile;

use super::args;
use super::command::basename;
use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile, Unit, secs};
use crate::image_files::{ImageFile, ImageFiles};
use crate::model::{Seconds, Setting, Unresolved, Word};
use dsl::{PERSISTENT_TIMEOUT, WORKER_SHUTDOWN_TIMEOUT, WORKERS};

/// How Puma is started: each reads its own flags.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Puma,
    Pumactl,
    Rails,
}

/// How to give keepalign a keep-alive it cannot read.
const DECLARE: &str = "declare the keep-alive in keepalign.toml ([[service]] with keep-alive)";

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    let mut program = ctx.program()?;
    let mut rest = ctx.args();
    // `ruby bin/rails server`, `ruby bin/puma`.
    if program == "ruby" {
        program = basename(&rest.first()?.text);
        rest = &rest[1..];
    }
    let (kind, description) = match program {
        "puma" => (Kind::Puma, "Puma".to_string()),
        // `pumactl start` runs Puma in the foreground; other subcommands
        // control a running one.
        "pumactl" => {
            let start = args::positionals(
                rest,
                &[
                    "-S",
                    "--state",
                    "-P",
                    "--pidfile",
                    "-C",
                    "--control-url",
                    "-T",
                    "--control-token",
                    "-F",
                    "--config-file",
                    "-p",
                    "--pid",
                ],
            );
            if start.first().map(|w| w.text.as_str()) != Some("start") {
                return None;
            }
            (Kind::Pumactl, "Puma (pumactl start)".to_string())
        }
        "rails" => {
            let sub = rest.first()?.text.as_str();
            if !matches!(sub, "server" | "s") {
                return None;
            }
            // `rails server -u thin` runs another Rack server.
            if let Some(using) = args::find(&rest[1..], &["--using"], &["-u"])
                && using.value.text != "puma"
            {
                return None;
            }
            rest = &rest[1..];
            (Kind::Rails, format!("Puma (rails {sub})"))
        }
        _ => return None,
    };
    let image = ctx
        .files
        .as_ref()
        .map(|files| FromImage::read(ctx, kind, rest, files));
    let from_file = |name: &str| -> Option<Setting<i64>> {
        let image = image.as_ref()?;
        match &image.config {
            Ok(loaded) => loaded.get(name).cloned(),
            Err(u) => Some(Setting::Unresolved(u.clone())),
        }
    };
    let graceful_timeout = match workers(ctx, kind, rest, image.is_some(), from_file(WORKERS)) {
        Some(0) => None,
        known => {
            let cluster = if known.is_some() {
                "cluster mode"
            } else {
                "applies in cluster mode"
            };
            Some(match from_file(WORKER_SHUTDOWN_TIMEOUT) {
                Some(s) => seconds(s, "worker_shutdown_timeout"),
                None => ctx.default(
                    30.0,
                    format!(
                        "Puma default worker_shutdown_timeout ({cluster}; {})",
                        match &image {
                            Some(i) => i.config_note(WORKER_SHUTDOWN_TIMEOUT),
                            None => "config/puma.rb may change it".to_string(),
                        }
                    ),
                ),
            })
        }
    };
    let keep_alive = match from_file(PERSISTENT_TIMEOUT) {
        Some(s) => seconds(s, "persistent_timeout"),
        None => unset_keep_alive(ctx, image.as_ref()),
    };
    Some(ServerProfile {
        server: "puma",
        description,
        identified_at: ctx.server_at(),
        keep_alive: KeepAlive::Timeout(keep_alive),
        graceful_timeout,
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        // The DSL works on every Puma version; the variable only from 7.0.3.
        keep_alive_fix: |s| {
            format!(
                "persistent_timeout {} in config/puma.rb (or the file given with -C; every Puma \
                 version reads it, while PUMA_PERSISTENT_TIMEOUT is read only from Puma 7.0.3)",
                secs(s)
            )
        },
        graceful_fix: Some(|s| format!("worker_shutdown_timeout {} (config/puma.rb)", secs(s))),
    })
}

/// A setting of a configuration file in seconds; an unknown one says how
/// to make it known.
fn seconds(s: Setting<i64>, name: &str) -> Setting<Seconds> {
    match s {
        Setting::Unresolved(u) => Setting::unresolved(
            format!(
                "{}; write {name} as a literal number of seconds there, or {DECLARE}",
                u.reason.trim_end_matches('.')
            ),
            u.at,
        ),
        known => known.map(|n| n as Seconds),
    }
}

/// The keep-alive when no configuration file sets it: from
/// `PUMA_PERSISTENT_TIMEOUT` or the default of the locked version.
fn unset_keep_alive(ctx: &Invocation, image: Option<&FromImage>) -> Setting<Seconds> {
    let version = image.map(|i| &i.version);
    let mut ignored = String::new();
    if let Some(variable) = ctx.env_seconds("PUMA_PERSISTENT_TIMEOUT", Unit::Seconds) {
        match version {
            Some(Ok(v)) if !v.at_least((7, 0, 0)) => {
                ignored = format!(
                    "; Puma {} does not read PUMA_PERSISTENT_TIMEOUT (from 7.0.3 only)",
                    v.text
                );
            }
            Some(Ok(v)) if !v.at_least((7, 0, 3)) => {
                return Setting::unresolved(
                    format!(
                        "Puma {} (pinned at {}) keeps PUMA_PERSISTENT_TIMEOUT as a string, which \
                         it cannot use as a timeout (converted to an integer from 7.0.3, \
                         puma#3749); set persistent_timeout in config/puma.rb, upgrade Puma, or \
                         {DECLARE}",
                        v.text,
                        line_of(&v.at)
                    ),
                    variable.location().cloned().or_else(|| ctx.server_at()),
                );
            }
            _ => return variable,
        }
    }
    let image = match (image, version) {
        (Some(image), Some(Ok(v))) => {
            let (value, since) = if v.at_least((7, 0, 0)) {
                (65.0, "Puma 7.0 and later default to 65 s")
            } else {
                (20.0, "Puma before 7.0 defaults to 20 s")
            };
            return Setting::default(
                value,
                format!(
                    "Puma default persistent_timeout (puma {} is pinned at {}, and {since}; {}{ignored})",
                    v.text,
                    line_of(&v.at),
                    image.config_note(PERSISTENT_TIMEOUT)
                ),
                Some(v.at.clone()),
            );
        }
        (Some(image), _) => Some(image),
        _ => None,
    };
    let why_unknown = match image.map(|i| &i.version) {
        Some(Err(u)) => format!(" ({})", u.reason.trim_end_matches('.')),
        _ => " from the task definition".to_string(),
    };
    ctx.unresolved(format!(
        "Puma's persistent_timeout default is 20 s before Puma 7.0 and 65 s from 7.0, and the \
         Puma version is not known{why_unknown}; set PUMA_PERSISTENT_TIMEOUT (read from Puma \
         7.0.3) in the container's environment so the value is visible in the task definition, \
         or {DECLARE}"
    ))
}

/// `services/web/Gemfile.lock:182`.
fn line_of(at: &crate::source::Location) -> String {
    format!("{}:{}", at.file.display, at.start().0)
}

/// The number of workers: `-w` (puma), else `workers` in the configuration
/// files, else `WEB_CONCURRENCY`, else 0; `None` when not known.
fn workers(
    ctx: &Invocation,
    kind: Kind,
    rest: &[Word],
    files_read: bool,
    from_file: Option<Setting<i64>>,
) -> Option<u64> {
    if kind == Kind::Puma
        && let Some(f) = args::find(rest, &["--workers"], &["-w"])
    {
        return f.value.text.trim().parse::<u64>().ok();
    }
    // Without the image's files, config/puma.rb may choose either mode.
    if !files_read {
        return None;
    }
    match from_file {
        Some(s) => s.value().and_then(|n| u64::try_from(*n).ok()),
        None => match ctx.env("WEB_CONCURRENCY") {
            None => Some(0),
            Some(Ok(w)) => w.text.trim().parse::<u64>().ok(),
            Some(Err(_)) => None,
        },
    }
}

/// What Puma reads from its image, when its Dockerfile is in the scan.
struct FromImage {
    /// The version the lock file pins, or why it is not known.
    version: Result<lockfile::Version, Unresolved>,
    /// The configuration files Puma loads, or why they are not known.
    config: Result<Loaded, Unresolved>,
}

/// The configuration files Puma loads, read.
struct Loaded {
    /// Their paths in the build context, in load order.
    read: Vec<String>,
    /// Why there are none: "the image has no /app/config/puma.rb".
    none_read: String,
    settings: Vec<dsl::Settings>,
}

impl Loaded {
    /// The value of the last file that may set `name`.
    fn get(&self, name: &str) -> Option<&Setting<i64>> {
        self.settings.iter().rev().find_map(|s| s.get(name))
    }
}

impl FromImage {
    fn read(ctx: &Invocation, kind: Kind, rest: &[Word], files: &ImageFiles<'_>) -> FromImage {
        let env = |name: &str| ctx.env(name);
        let config = config_files(ctx, kind, rest, files).map(|(found, none_read)| Loaded {
            read: found.iter().map(|f| f.file.display.clone()).collect(),
            none_read,
            settings: found.iter().map(|f| dsl::read(&f.file, &env)).collect(),
        });
        FromImage {
            version: locked_version(ctx, files),
            config,
        }
    }

    /// Why the configuration leaves `name` to its default, for messages.
    fn config_note(&self, name: &str) -> String {
        match &self.config {
            Ok(l) if l.read.is_empty() => l.none_read.clone(),
            Ok(l) => format!("{} sets no {name}", l.read.join(", ")),
            Err(_) => String::new(),
        }
    }
}

/// The lock file's Puma version: `Gemfile.lock` beside the Gemfile Bundler
/// uses (`BUNDLE_GEMFILE`, else `Gemfile` in the working directory).
fn locked_version(
    ctx: &Invocation,
    files: &ImageFiles<'_>,
) -> Result<lockfile::Version, Unresolved> {
    let lock = match ctx.env("BUNDLE_GEMFILE") {
        None => "Gemfile.lock".to_string(),
        Some(Ok(w)) if w.text.ends_with("gems.rb") => {
            format!("{}gems.locked", w.text.trim_end_matches("gems.rb"))
        }
        Some(Ok(w)) => format!("{}.lock", w.text),
        Some(Err(u)) => {
            return Err(Unresolved::new(
                format!(
                    "BUNDLE_GEMFILE, which names the Gemfile, is set to a value keepalign cannot \
                     resolve ({})",
                    u.reason.trim_end_matches('.')
                ),
                u.at,
            ));
        }
    };
    let shown = files.absolute(&lock);
    match files.read(&lock) {
        Ok(Some(f)) => match lockfile::puma_version(&f.file)? {
            Some(v) => Ok(v),
            None => Err(Unresolved::new(
                format!("{} pins no puma gem", f.file.display),
                Some(f.copied_at),
            )),
        },
        Ok(None) => Err(Unresolved::new(
            format!(
                "no COPY of {} brings {shown} into the image, so the locked Puma version is not \
                 known",
                files.dockerfile.file.display
            ),
            None,
        )),
        Err((why, at)) => Err(Unresolved::new(
            format!("{shown}, which pins the Puma version: {why}"),
            Some(at),
        )),
    }
}

/// The files Puma loads, and why there are none when so (for messages).
fn config_files(
    ctx: &Invocation,
    kind: Kind,
    rest: &[Word],
    files: &ImageFiles<'_>,
) -> Result<(Vec<ImageFile>, String), Unresolved> {
    let (long, short): (&[&str], &[&str]) = match kind {
        Kind::Puma => (&["--config"], &["-C"]),
        Kind::Pumactl => (&["--config-file"], &["-F"]),
        // `rails server -c` is the rackup file: Puma searches its default.
        Kind::Rails => (&[], &[]),
    };
    if kind == Kind::Puma && rest.iter().any(|w| w.text == "--no-config") {
        return Ok((Vec::new(), "--no-config loads no configuration file".into()));
    }
    // An argument keepalign cannot read may be a `-C` (`rails server` has
    // no configuration-file flag).
    if !long.is_empty()
        && let Some(f) = args::find(rest, long, short)
        && let Some(u) = f.value.unknown
    {
        return Err(Unresolved::new(
            format!("Puma's configuration file is not known: {}", u.reason),
            u.at,
        ));
    }
    let given = all_values(rest, long, short);
    if given.iter().any(|w| w.text == "-") {
        return Ok((Vec::new(), "`-C -` loads no configuration file".into()));
    }
    let read = |path: &str, at: Option<crate::source::Location>| match files.read(path) {
        Ok(found) => Ok(found),
        Err((why, copied_at)) => Err(Unresolved::new(
            format!(
                "Puma may load {} from the image, and {why}",
                files.absolute(path)
            ),
            Some(copied_at).or(at),
        )),
    };
    if !given.is_empty() {
        let mut out = Vec::new();
        for w in &given {
            match read(&w.text, w.at.clone())? {
                Some(f) => out.push(f),
                None => {
                    return Err(Unresolved::new(
                        format!(
                            "Puma loads {} (`{}`), which no COPY of {} brings into the image \
                             (the base image may hold it)",
                            files.absolute(&w.text),
                            w.text,
                            files.dockerfile.file.display
                        ),
                        w.at.clone().or_else(|| ctx.server_at()),
                    ));
                }
            }
        }
        return Ok((out, String::new()));
    }
    match environment(ctx, kind, rest) {
        Ok(env) if !env.contains('/') && !env.is_empty() => {
            let path = format!("config/puma/{env}.rb");
            if let Some(f) = read(&path, ctx.server_at())? {
                return Ok((vec![f], String::new()));
            }
        }
        Ok(_) => {}
        Err(u) => {
            if !files.list("config/puma").is_empty() {
                return Err(Unresolved::new(
                    format!(
                        "the image has files in {}, and which one Puma loads depends on the \
                         environment, which is not known ({})",
                        files.absolute("config/puma"),
                        u.reason.trim_end_matches('.')
                    ),
                    u.at,
                ));
            }
        }
    }
    let found = read("config/puma.rb", ctx.server_at())?;
    Ok((
        found.into_iter().collect(),
        format!("the image has no {}", files.absolute("config/puma.rb")),
    ))
}

/// Every value of the options, in order: Puma loads every `-C` file.
fn all_values(args: &[Word], long: &[&str], short: &[&str]) -> Vec<Word> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(w) = args.get(i) {
        let a = w.text.as_str();
        if a == "--" {
            break;
        }
        i += 1;
        if long.contains(&a) || short.contains(&a) {
            if let Some(v) = args.get(i) {
                out.push(v.clone());
                i += 1;
            }
        } else if let Some(n) = long
            .iter()
            .find(|n| a.len() > n.len() && a.starts_with(**n) && a.as_bytes()[n.len()] == b'=')
        {
            out.push(w.sub(n.len() + 1..a.len()));
        } else if let Some(n) = short
            .iter()
            .find(|n| !a.starts_with("--") && a.len() > n.len() && a.starts_with(**n))
        {
            out.push(w.sub(n.len()..a.len()));
        }
    }
    out
}

/// The environment that picks `config/puma/<environment>.rb`.
fn environment(ctx: &Invocation, kind: Kind, rest: &[Word]) -> Result<String, Unresolved> {
    if kind != Kind::Pumactl
        && let Some(f) = args::find(rest, &["--environment"], &["-e"])
    {
        if let Some(u) = f.value.unknown {
            return Err(*u);
        }
        return Ok(f.value.text);
    }
    let (names, presence): (&[&str], bool) = match kind {
        Kind::Rails => (&["RAILS_ENV", "RACK_ENV"], true),
        _ => (&["APP_ENV", "RACK_ENV", "RAILS_ENV"], false),
    };
    for name in names {
        match ctx.env(name) {
            Some(Ok(w)) if presence && w.text.is_empty() => {}
            Some(Ok(w)) => return Ok(w.text),
            Some(Err(u)) => {
                return Err(Unresolved::new(
                    format!(
                        "{name} is set to a value keepalign cannot resolve ({})",
                        u.reason.trim_end_matches('.')
                    ),
                    u.at,
                ));
            }
            None => {}
        }
    }
    Ok("development".into())
}

#[cfg(test)]
mod tests {
    use super::super::ServerProfile;
    use super::super::testutil::*;
    use crate::model::{Provenance, Setting};

    const LOCK5: &str = "GEM\n  remote: https://rubygems.org/\n  specs:\n    nio4r (2.7.3)\n    \
                         puma (5.6.8)\n      nio4r (~> 2.0)\n\nDEPENDENCIES\n  puma (~> 5.6)\n";

    fn lock(version: &str) -> String {
        LOCK5.replace("5.6.8", version)
    }

    /// The profile of `task` when its image is built by `app/Dockerfile`
    /// from the files given (paths under `app/`).
    fn in_image(files: &[(&str, &str)], task: Task, check: impl FnOnce(&ServerProfile)) {
        let (dockerfile, rest): (Vec<_>, Vec<_>) =
            files.iter().copied().partition(|(p, _)| *p == "Dockerfile");
        let dockerfile = dockerfile.first().expect("a Dockerfile").1;
        match with_image(&task.build(), dockerfile, &rest) {
            Ok(p) => check(&p),
            Err(u) => panic!("not identified: {}", u.reason),
        }
    }

    const DOCKERFILE: &str = "FROM ruby:3.3-slim\nWORKDIR /app\nCOPY Gemfile Gemfile.lock ./\n\
                              RUN bundle install\nCOPY . .\n";

    /// The default's value, source and the line of the file it points at.
    fn default_of(s: &Setting<f64>) -> (f64, String, String) {
        match s {
            Setting::Known {
                value,
                provenance:
                    Provenance::Default {
                        source,
                        applies_at: Some(at),
                    },
            } => (
                *value,
                source.clone(),
                format!(
                    "{}:{}",
                    at.file.path.file_name().unwrap().to_string_lossy(),
                    at.start().0
                ),
            ),
            other => panic!("expected a located default, got {other:?}"),
        }
    }

    fn explicit_of(s: &Setting<f64>) -> (f64, String) {
        match s {
            Setting::Known {
                value,
                provenance: Provenance::Explicit(at),
            } => (
                *value,
                format!(
                    "{}:{}:{}",
                    at.file.display.rsplit("app/").next().unwrap(),
                    at.start().0,
                    at.snippet()
                ),
            ),
            other => panic!("expected explicit, got {other:?}"),
        }
    }

    #[test]
    fn the_locked_version_decides_the_default() {
        for (version, value, says) in [
            ("5.6.8", 20.0, "Puma before 7.0 defaults to 20 s"),
            ("6.6.1", 20.0, "before 7.0"),
            ("7.0.0.pre1", 20.0, "before 7.0"),
            ("7.0.4", 65.0, "Puma 7.0 and later default to 65 s"),
            ("8.0.2", 65.0, "65 s"),
        ] {
            let lock = lock(version);
            in_image(
                &[("Dockerfile", DOCKERFILE), ("Gemfile.lock", &lock)],
                task().cmd(&["bundle", "exec", "puma"]),
                |p| {
                    let (v, source, at) = default_of(ka(p));
                    assert_eq!((v, at.as_str()), (value, "Gemfile.lock:5"), "{version}");
                    assert!(
                        source.contains(&format!("puma {version} is pinned at")),
                        "{source}"
                    );
                    assert!(source.contains(says), "{source}");
                    assert!(
                        source.contains("the image has no /app/config/puma.rb"),
                        "{source}"
                    );
                    // No workers anywhere: single mode, shutdown unbounded.
                    assert!(p.graceful_timeout.is_none());
                },
            );
        }
    }

    #[test]
    fn the_file_wins_over_the_variable_and_the_variable_needs_7_0_3() {
        let config = "workers 2\nworker_shutdown_timeout 25\npersistent_timeout ENV.fetch(\"PUMA_PERSISTENT_TIMEOUT\") { 75 }.to_i\n";
        let lock7 = lock("7.1.0");
        in_image(
            &[
                ("Dockerfile", DOCKERFILE),
                ("Gemfile.lock", &lock7),
                ("config/puma.rb", config),
            ],
            task()
                .env("PUMA_PERSISTENT_TIMEOUT", "90")
                .cmd(&["bundle", "exec", "puma"]),
            |p| {
                // The DSL reads the variable: the task definition's value.
                assert_eq!(explicit_of(ka(p)).0, 90.0);
                assert_eq!(
                    explicit_of(p.graceful_timeout.as_ref().unwrap()),
                    (25.0, "config/puma.rb:2:25".to_string())
                );
            },
        );
        in_image(
            &[
                ("Dockerfile", DOCKERFILE),
                ("Gemfile.lock", &lock7),
                ("config/puma.rb", "persistent_timeout 70\n"),
            ],
            task()
                .env("PUMA_PERSISTENT_TIMEOUT", "90")
                .cmd(&["bundle", "exec", "puma"]),
            |p| {
                assert_eq!(
                    explicit_of(ka(p)),
                    (70.0, "config/puma.rb:1:70".to_string())
                )
            },
        );
        // Before 7.0 the variable is not read; 7.0.0 to 7.0.2 keep it as a string.
        let lock5 = lock("5.6.8");
        in_image(
            &[("Dockerfile", DOCKERFILE), ("Gemfile.lock", &lock5)],
            task()
                .env("PUMA_PERSISTENT_TIMEOUT", "90")
                .cmd(&["bundle", "exec", "puma"]),
            |p| {
                let (v, source, _) = default_of(ka(p));
                assert_eq!(v, 20.0);
                assert!(
                    source.contains("does not read PUMA_PERSISTENT_TIMEOUT"),
                    "{source}"
                );
            },
        );
        let lock701 = lock("7.0.1");
        in_image(
            &[("Dockerfile", DOCKERFILE), ("Gemfile.lock", &lock701)],
            task()
                .env("PUMA_PERSISTENT_TIMEOUT", "90")
                .cmd(&["bundle", "exec", "puma"]),
            |p| {
                assert_unresolved(ka(p), &["Puma 7.0.1", "as a string", "puma#3749"]);
            },
        );
        let lock704 = lock("7.0.4");
        in_image(
            &[("Dockerfile", DOCKERFILE), ("Gemfile.lock", &lock704)],
            task()
                .env("PUMA_PERSISTENT_TIMEOUT", "90")
                .cmd(&["bundle", "exec", "puma"]),
            |p| assert_eq!(explicit_of(ka(p)).0, 90.0),
        );
    }

    #[test]
    fn which_files_puma_loads() {
        let lock = lock("6.4.2");
        let files = [
            ("Dockerfile", DOCKERFILE),
            ("Gemfile.lock", lock.as_str()),
            ("config/puma.rb", "persistent_timeout 61\n"),
            ("config/puma/production.rb", "persistent_timeout 62\n"),
            ("deploy/a.rb", "persistent_timeout 63\n"),
            ("deploy/b.rb", "workers 2\n"),
        ];
        let ka_of = |t: Task| {
            let mut got = String::new();
            in_image(&files, t, |p| {
                got = match ka(p) {
                    Setting::Unresolved(u) => format!("unknown: {}", u.reason),
                    s if s.is_default() => default_of(s).2,
                    s => explicit_of(s).1,
                }
            });
            got
        };
        let puma = |args: &[&str]| {
            let mut cmd = vec!["bundle", "exec", "puma"];
            cmd.extend(args);
            task().cmd(&cmd)
        };
        assert_eq!(ka_of(puma(&[])), "config/puma.rb:1:61");
        assert_eq!(
            ka_of(puma(&[]).env("RACK_ENV", "production")),
            "config/puma/production.rb:1:62"
        );
        assert_eq!(
            ka_of(puma(&["-e", "production"])),
            "config/puma/production.rb:1:62"
        );
        assert_eq!(
            ka_of(puma(&[]).env("RACK_ENV", "staging")),
            "config/puma.rb:1:61"
        );
        assert_eq!(
            ka_of(
                task()
                    .env("RAILS_ENV", "production")
                    .cmd(&["bin/rails", "server"])
            ),
            "config/puma/production.rb:1:62"
        );
        assert_eq!(
            ka_of(puma(&["-C", "deploy/a.rb", "--config=deploy/b.rb"])),
            "deploy/a.rb:1:63"
        );
        assert_eq!(
            ka_of(puma(&["-C", "deploy/b.rb", "-Cdeploy/a.rb"])),
            "deploy/a.rb:1:63"
        );
        assert_eq!(ka_of(puma(&["--no-config"])), "Gemfile.lock:5");
        assert_eq!(ka_of(puma(&["-C", "-"])), "Gemfile.lock:5");
        let missing = ka_of(puma(&["-C", "config/missing.rb"]));
        assert!(
            missing.contains("/app/config/missing.rb") && missing.contains("no COPY"),
            "{missing}"
        );
        let unknown_env = ka_of(puma(&[]).env_unresolved("RACK_ENV", "var.env has no value"));
        assert!(
            unknown_env.contains("/app/config/puma")
                && unknown_env.contains("var.env has no value"),
            "{unknown_env}"
        );
    }

    #[test]
    fn without_a_lock_file_the_version_is_unknown() {
        in_image(
            &[(
                "Dockerfile",
                "FROM ruby:3.3\nWORKDIR /app\nCOPY config ./config\n",
            )],
            task().cmd(&["puma"]),
            |p| {
                assert_unresolved(
                    ka(p),
                    &["version is not known", "no COPY", "/app/Gemfile.lock"],
                );
                // Workers unknown from the task definition: WEB_CONCURRENCY decides.
                assert!(p.graceful_timeout.is_none());
            },
        );
        in_image(
            &[
                ("Dockerfile", DOCKERFILE),
                ("Gemfile.lock", "GEM\n  specs:\n    rack (3.0.0)\n"),
            ],
            task().env("WEB_CONCURRENCY", "3").cmd(&["puma"]),
            |p| {
                assert_unresolved(ka(p), &["pins no puma gem"]);
                assert_eq!(p.graceful_timeout.as_ref().unwrap().value(), Some(&30.0));
            },
        );
    }

    #[test]
    fn unknown_version_is_unresolved_not_guessed() {
        let b = task()
            .cmd(&["bundle", "exec", "puma", "-C", "config/puma.rb"])
            .build();
        let p = b.profile();
        assert_eq!(p.server, "puma");
        let u = assert_unresolved(
            ka(&p),
            &[
                "20 s before Puma 7.0",
                "65 s from 7.0",
                "PUMA_PERSISTENT_TIMEOUT",
            ],
        );
        assert_eq!(u.at, Some(b.at("\"puma\"", "puma")));
        assert_default(
            p.graceful_timeout.as_ref().unwrap(),
            30.0,
            "worker_shutdown_timeout",
            Some(&b.at("\"puma\"", "puma")),
        );
        assert!(
            (p.keep_alive_fix)(65.0).starts_with("persistent_timeout 65 in config/puma.rb"),
            "{}",
            (p.keep_alive_fix)(65.0)
        );
        assert!((p.keep_alive_fix)(65.0).contains("only from Puma 7.0.3"));
        assert_eq!(
            (p.graceful_fix.unwrap())(20.0),
            "worker_shutdown_timeout 20 (config/puma.rb)"
        );
    }

    #[test]
    fn single_mode_shutdown_is_unbounded() {
        let p = task()
            .cmd(&["bundle", "exec", "puma", "-w", "0"])
            .build()
            .profile();
        assert!(p.graceful_timeout.is_none());
        let p = task()
            .cmd(&["bundle", "exec", "puma", "--workers", "4"])
            .build()
            .profile();
        assert_eq!(p.graceful_timeout.unwrap().value(), Some(&30.0));
    }

    #[test]
    fn persistent_timeout_variable_is_explicit() {
        let b = task()
            .env("PUMA_PERSISTENT_TIMEOUT", "75")
            .cmd(&["bin/rails", "server", "-b", "0.0.0.0"])
            .build();
        let p = b.profile();
        assert_eq!(p.description, "Puma (rails server)");
        assert_explicit(ka(&p), 75.0, &b.at("\"75\"", "75"));
    }

    #[test]
    fn rails_variants() {
        for cmd in [
            &["rails", "s"][..],
            &["./bin/rails", "server", "-p", "3000"],
            &["bundle", "exec", "rails", "server"],
            &["ruby", "bin/rails", "server"],
            &["rails", "server", "-u", "puma"],
            &[
                "sh",
                "-c",
                "bundle exec rails db:migrate && bundle exec rails s -b 0.0.0.0",
            ],
        ] {
            let p = task().cmd(cmd).build().profile();
            assert_eq!(p.server, "puma", "{cmd:?}");
        }
        let p = task()
            .cmd(&["bundle", "exec", "pumactl", "-F", "config/puma.rb", "start"])
            .build()
            .profile();
        assert_eq!(p.description, "Puma (pumactl start)");
        for cmd in [
            &["pumactl", "restart"][..],
            &["rails", "console"],
            &["rails", "server", "-u", "thin"],
            &["rails"],
        ] {
            assert!(task().cmd(cmd).build().identify().is_err(), "{cmd:?}");
        }
    }
}
