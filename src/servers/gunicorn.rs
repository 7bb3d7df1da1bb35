//! gunicorn (DOMAIN.md rows "gunicorn" and "gunicorn + UvicornWorker";
//! benoitc/gunicorn `gunicorn/config.py`, `gunicorn/app/base.py`,
//! `gunicorn/workers/*.py`).
//!
//! Settings come, in gunicorn's own precedence, from the command line, then
//! GUNICORN_CMD_ARGS, then the config file, then defaults
//! (`gunicorn/app/base.py` `load_config`, gunicorn 20.1 to 26.1). The config
//! file is `-c/--config` (`PATH`, `file:PATH`, `python:MODULE`) from the
//! command line, else from GUNICORN_CMD_ARGS, else `./gunicorn.conf.py` when
//! it exists (`config.py` `get_default_config_file`, since 17.5). When the
//! Dockerfile that builds the image is in the scan, keepalign reads that
//! file from the image (its simple top-level assignments, see `python.rs`);
//! its values must be integers (`validate_pos_int`), or gunicorn refuses to
//! start. Without the Dockerfile, a named config file makes what it may set
//! unknown. The worker class
//! decides what keep-alive means: the sync worker closes every connection,
//! async and threaded workers honour `--keep-alive` (default 2 s).
//!
//! It also decides whether `--timeout` bounds a request: only the sync
//! worker is silent while a request runs; gthread's main loop keeps
//! notifying the arbiter while its threads work (`workers/gthread.py`
//! `run()`, gunicorn 23.0 and 26.1), so a slow request is never killed.

use super::args::{self, Found};
use super::command::split_words;
use super::python::{self, Evaluated, Module, Value};
use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile, Unit, secs};
use crate::model::{Seconds, Setting, Unresolved, Word};
use crate::source::Location;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Class {
    Sync,
    Gthread,
    Gevent,
    Eventlet,
    Tornado,
    /// gunicorn's own ASGI worker (24.0+), which honours `keepalive`.
    Asgi,
    /// gevent's pywsgi server (`gevent_wsgi`, `gevent_pywsgi`).
    PyWsgi,
    /// `uvicorn.workers.UvicornWorker`, `uvicorn_worker.UvicornWorker`, H11 variants.
    Uvicorn,
    Other,
}

fn classify(name: &str) -> Class {
    let lower = name.trim().to_ascii_lowercase();
    let short = lower.strip_prefix("egg:gunicorn#").unwrap_or(&lower);
    match short {
        "sync" => Class::Sync,
        "gthread" => Class::Gthread,
        "gevent" => Class::Gevent,
        "eventlet" => Class::Eventlet,
        "tornado" => Class::Tornado,
        "asgi" | "gunicorn.workers.gasgi.asgiworker" => Class::Asgi,
        "gevent_wsgi" | "gevent_pywsgi" => Class::PyWsgi,
        "gunicorn.workers.gthread.threadworker" => Class::Gthread,
        "gunicorn.workers.ggevent.geventworker" => Class::Gevent,
        "gunicorn.workers.ggevent.geventpywsgiworker" => Class::PyWsgi,
        "gunicorn.workers.geventlet.eventletworker" => Class::Eventlet,
        "gunicorn.workers.gtornado.tornadoworker" => Class::Tornado,
        // gunicorn itself treats any class path ending in SyncWorker as sync.
        s if s.ends_with("syncworker") => Class::Sync,
        s if (s.starts_with("uvicorn.workers.") || s.starts_with("uvicorn_worker."))
            && s.ends_with("worker") =>
        {
            Class::Uvicorn
        }
        _ => Class::Other,
    }
}

/// Where a setting was found.
enum Lookup {
    Flag {
        found: Found,
        from_env: bool,
    },
    /// Set in the config file: its value, and the name it is assigned to.
    Config(Evaluated, &'static str),
    /// It may be set somewhere keepalign cannot read.
    Unknown(Unresolved),
    Absent,
}

/// Where a value keepalign uses came from, for the fix text.
#[derive(Clone, Copy, PartialEq)]
enum Origin {
    CommandLine,
    CmdArgs,
    ConfigFile,
    /// The config file reads it from an environment variable.
    ConfigEnv,
}

/// The config file gunicorn loads (`gunicorn/app/base.py` `load_config`):
/// the `-c/--config` of the command line, else of GUNICORN_CMD_ARGS, else
/// `./gunicorn.conf.py` when it exists (`config.py`
/// `get_default_config_file`, since gunicorn 17.5).
enum Config {
    None,
    /// It may set anything, and keepalign cannot read it: `why` completes
    /// "gunicorn reads ...", `at` is where to look.
    Unread {
        why: String,
        at: Option<Location>,
    },
    Read(Module),
}

/// gunicorn's setting sources for one invocation.
struct Sources<'c, 'a> {
    ctx: &'c Invocation<'a>,
    /// GUNICORN_CMD_ARGS split like gunicorn does (`shlex.split`).
    env_args: Vec<Word>,
    env_unknown: Option<Unresolved>,
    config: Config,
}

impl Sources<'_, '_> {
    /// `name` is the setting's name in the config file (`keepalive`).
    fn lookup(&self, long: &[&str], short: &[&str], setting: &str, name: &'static str) -> Lookup {
        if let Some(found) = args::find(self.ctx.args(), long, short) {
            return Lookup::Flag {
                found,
                from_env: false,
            };
        }
        if let Some(found) = args::find(&self.env_args, long, short) {
            return Lookup::Flag {
                found,
                from_env: true,
            };
        }
        let flag = long[0];
        if let Some(u) = &self.env_unknown {
            return Lookup::Unknown(Unresolved::new(
                format!(
                    "GUNICORN_CMD_ARGS is set to a value keepalign cannot resolve ({}), and it \
                     may set {setting}; pass {flag} on the command line",
                    u.reason.trim_end_matches('.')
                ),
                u.at.clone().or_else(|| self.ctx.server_at()),
            ));
        }
        match &self.config {
            Config::None => Lookup::Absent,
            Config::Unread { why, at } => Lookup::Unknown(Unresolved::new(
                format!(
                    "gunicorn reads {why}, and it may set {setting}; pass {flag} on the command \
                     line (or in GUNICORN_CMD_ARGS) so keepalign can see it"
                ),
                at.clone().or_else(|| self.ctx.server_at()),
            )),
            Config::Read(m) => match m.lookup(name, &|var| self.ctx.env(var)) {
                python::Lookup::Absent => Lookup::Absent,
                python::Lookup::Known(v) => Lookup::Config(v, name),
                python::Lookup::Unknown(u) => Lookup::Unknown(Unresolved::new(
                    format!(
                        "gunicorn's config file {} may set {setting} to a value keepalign cannot \
                         evaluate: {}; write `{name} = <number>` there, pass {flag} on the \
                         command line, or declare the value in keepalign.toml",
                        m.file.display,
                        u.reason.trim_end_matches('.')
                    ),
                    u.at.or_else(|| self.ctx.server_at()),
                )),
            },
        }
    }

    /// "no --keep-alive flag", and when a config file was read, that it
    /// does not set the value either.
    fn not_set(&self, flag: &str, name: &str) -> String {
        match &self.config {
            Config::Read(m) => {
                format!("no {flag} flag, and {} does not set {name}", m.file.display)
            }
            _ => format!("no {flag} flag"),
        }
    }

    /// A timeout setting: `None` when absent, for the caller's default.
    fn seconds(&self, lookup: Lookup) -> Option<(Setting<Seconds>, Origin)> {
        match lookup {
            Lookup::Flag { found, from_env } => {
                let what = if from_env {
                    format!("gunicorn {} (in GUNICORN_CMD_ARGS)", found.flag)
                } else {
                    format!("gunicorn {}", found.flag)
                };
                // GUNICORN_CMD_ARGS is split without expanding variables.
                let expand = !from_env && self.ctx.shell;
                Some((
                    self.ctx.seconds(&found.value, expand, &what, Unit::Seconds),
                    if from_env {
                        Origin::CmdArgs
                    } else {
                        Origin::CommandLine
                    },
                ))
            }
            Lookup::Config(v, name) => {
                let origin = if v.env.is_some() {
                    Origin::ConfigEnv
                } else {
                    Origin::ConfigFile
                };
                Some((
                    match self.pos_int(&v, name) {
                        Ok(n) => Setting::explicit(n as Seconds, v.at),
                        Err(u) => Setting::Unresolved(u),
                    },
                    origin,
                ))
            }
            Lookup::Unknown(u) => Some((Setting::Unresolved(u), Origin::CommandLine)),
            Lookup::Absent => None,
        }
    }

    /// A config file's value as gunicorn's `validate_pos_int` takes it
    /// (`config.py`): an int, or a string `int(s, 0)` reads; anything else
    /// stops gunicorn at startup.
    fn pos_int(&self, v: &Evaluated, name: &str) -> Result<u64, Unresolved> {
        let n = match &v.value {
            Value::Int(n) => Some(*n),
            Value::Bool(b) => Some(*b as i64),
            // int(s, 0) refuses leading zeros; other bases are not read here.
            Value::Str(s) if !(s.trim().len() > 1 && s.trim().starts_with('0')) => {
                python::python_int(s)
            }
            _ => None,
        };
        let file = match &self.config {
            Config::Read(m) => m.file.display.clone(),
            _ => String::new(),
        };
        let from = match &v.env {
            Some(var) => format!(" (read from {var})"),
            None => String::new(),
        };
        match n {
            Some(n) if n >= 0 => Ok(n as u64),
            _ => Err(Unresolved::new(
                format!(
                    "{file} sets {name} to {}{from}, which gunicorn does not take as a whole \
                     number of seconds (it refuses to start); write an integer",
                    v.value.show()
                ),
                Some(v.at.clone()),
            )),
        }
    }

    /// A text setting (worker class, thread count), its value resolved
    /// through variables.
    fn text(&self, lookup: Lookup) -> Option<Result<Word, Unresolved>> {
        match lookup {
            Lookup::Flag { found, from_env } => {
                let what = format!("gunicorn {}", found.flag);
                Some(
                    self.ctx
                        .resolve(&found.value, !from_env && self.ctx.shell, &what),
                )
            }
            Lookup::Config(v, name) => Some(match &v.value {
                Value::Str(s) => Ok(Word::new(s.clone(), Some(v.at))),
                Value::Int(n) => Ok(Word::new(n.to_string(), Some(v.at))),
                other => Err(Unresolved::new(
                    format!(
                        "{} sets {name} to {}, which keepalign does not read",
                        v.at.file.display,
                        other.show()
                    ),
                    Some(v.at.clone()),
                )),
            }),
            Lookup::Unknown(u) => Some(Err(u)),
            Lookup::Absent => None,
        }
    }
}

/// The config file gunicorn loads, read from the image when keepalign
/// knows the Dockerfile that builds it.
fn load_config(ctx: &Invocation, named: Option<(Word, bool)>) -> Config {
    let Some((word, from_env)) = named else {
        let Some(files) = &ctx.files else {
            return Config::None;
        };
        return match files.read("gunicorn.conf.py") {
            Ok(Some(f)) => Config::Read(Module::parse(f.file)),
            Ok(None) => Config::None,
            Err((why, at)) => Config::Unread {
                why: format!(
                    "./gunicorn.conf.py when it exists in its working directory ({}), and \
                     keepalign cannot tell whether it does: {}",
                    files.workdir(),
                    why.trim_end_matches('.')
                ),
                at: Some(at),
            },
        };
    };
    let word = match ctx.resolve(&word, !from_env && ctx.shell, "gunicorn --config") {
        Ok(w) => w,
        Err(u) => {
            return Config::Unread {
                why: format!(
                    "a config file keepalign cannot name ({})",
                    u.reason.trim_end_matches('.')
                ),
                at: u.at,
            };
        }
    };
    let at = word.at.clone();
    let Some(files) = &ctx.files else {
        return Config::Unread {
            why: format!(
                "the config file `{}`, which keepalign does not read",
                word.text
            ),
            at,
        };
    };
    let text = word.text.trim();
    let path = if let Some(module) = text.strip_prefix("python:") {
        // gunicorn imports it with its working directory first on sys.path
        // (`Application.chdir`): `python:conf` is ./conf.py unless a package
        // ./conf/ shadows it. A dotted name is not followed.
        let simple = !module.is_empty()
            && module
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        let package = files.read(&format!("{module}/__init__.py"));
        if !simple || !matches!(package, Ok(None)) {
            return Config::Unread {
                why: format!(
                    "its settings from the Python module `{module}`, which keepalign does not \
                     follow"
                ),
                at,
            };
        }
        format!("{module}.py")
    } else {
        text.strip_prefix("file:").unwrap_or(text).to_string()
    };
    match files.read(&path) {
        Ok(Some(f)) => Config::Read(Module::parse(f.file)),
        Ok(None) => Config::Unread {
            why: format!(
                "the config file `{text}` ({} in the image), which no COPY of the Dockerfile \
                 brings (the base image or a RUN step may create it)",
                files.absolute(&path)
            ),
            at,
        },
        Err((why, copy_at)) => Config::Unread {
            why: format!(
                "the config file `{text}`, which keepalign cannot read from the image: {}",
                why.trim_end_matches('.')
            ),
            at: at.or(Some(copy_at)),
        },
    }
}

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    if !matches!(ctx.program()?, "gunicorn" | "gunicorn3") {
        return None;
    }
    let (env_args, env_unknown) = match ctx.env("GUNICORN_CMD_ARGS") {
        Some(Ok(w)) => (split_words(&w), None),
        Some(Err(u)) => (Vec::new(), Some(u)),
        None => (Vec::new(), None),
    };
    let named = args::find(ctx.args(), &["--config"], &["-c"])
        .map(|f| (f.value, false))
        .or_else(|| args::find(&env_args, &["--config"], &["-c"]).map(|f| (f.value, true)));
    let config = load_config(ctx, named);
    let src = Sources {
        ctx,
        env_args,
        env_unknown,
        config,
    };

    // The worker class as written, and whether it was given at all.
    let class: Result<(Class, String, bool), Unresolved> = match src.text(src.lookup(
        &["--worker-class"],
        &["-k"],
        "the worker class",
        "worker_class",
    )) {
        Some(Ok(w)) => Ok((classify(&w.text), w.text.trim().to_string(), true)),
        Some(Err(u)) => Err(u),
        None => Ok((Class::Sync, "sync".into(), false)),
    };
    let threads: Result<u64, Unresolved> =
        match src.text(src.lookup(&["--threads"], &[], "the thread count", "threads")) {
            Some(Ok(w)) => w.text.trim().parse().map_err(|_| {
                Unresolved::new(
                    format!("gunicorn threads is `{}`, not a number", w.text),
                    w.at.clone().or_else(|| ctx.server_at()),
                )
            }),
            Some(Err(u)) => Err(u),
            None => Ok(1),
        };
    // gunicorn runs gthread when the sync worker is given more than one
    // thread, but only when the class is written exactly `sync` or ends in
    // `SyncWorker` (`config.py` `worker_class`): `egg:gunicorn#sync` stays sync.
    let switches = |raw: &str| raw == "sync" || raw.ends_with("SyncWorker");
    let effective: Result<Class, Unresolved> = match (&class, &threads) {
        (Ok((Class::Sync, raw, _)), _) if !switches(raw) => Ok(Class::Sync),
        (Ok((Class::Sync, ..)), Ok(t)) => Ok(if *t > 1 { Class::Gthread } else { Class::Sync }),
        (Ok((Class::Sync, ..)), Err(u)) => Err(Unresolved::new(
            format!(
                "gunicorn's sync worker closes every connection unless it has more than one \
                 thread (then it runs gthread and keeps connections alive), and the thread count \
                 is not known: {}",
                u.reason
            ),
            u.at.clone(),
        )),
        (Ok((c, ..)), _) => Ok(*c),
        (Err(u), _) => Err(u.clone()),
    };

    let ka_lookup = src.lookup(&["--keep-alive"], &[], "keepalive", "keepalive");
    let ka_var = match &ka_lookup {
        Lookup::Config(v, _) => v.env.clone(),
        _ => None,
    };
    let (ka, ka_origin) = src.seconds(ka_lookup).unwrap_or_else(|| {
        let not_set = src.not_set("--keep-alive", "keepalive");
        let source = if effective == Ok(Class::Uvicorn) {
            format!(
                "gunicorn default ({not_set}; UvicornWorker takes gunicorn's keepalive, not \
                 uvicorn's 5 s)"
            )
        } else {
            format!("gunicorn default ({not_set})")
        };
        (ctx.default(2.0, source), Origin::CommandLine)
    });
    let ka_off = ka.value() == Some(&0.0);

    let mut keep_alive_fix: fn(Seconds) -> String = match ka_origin {
        Origin::CommandLine => |s| format!("--keep-alive {}", secs(s)),
        Origin::CmdArgs => |s| format!("--keep-alive {} (in GUNICORN_CMD_ARGS)", secs(s)),
        Origin::ConfigFile => |s| format!("keepalive = {} in the gunicorn config file", secs(s)),
        Origin::ConfigEnv => |s| {
            format!(
                "the environment variable the gunicorn config file reads keepalive from to {}",
                secs(s)
            )
        },
    };
    // gthread keeps at most `worker_connections - threads` connections
    // alive and closes the others after their response (`workers/gthread.py`
    // `max_keepalived`), so with no room left it keeps none.
    let no_room: Result<bool, Unresolved> = match (&effective, &threads) {
        (Ok(Class::Gthread), Ok(t)) => {
            match src.text(src.lookup(
                &["--worker-connections"],
                &[],
                "worker_connections",
                "worker_connections",
            )) {
                None => Ok(1000 <= *t),
                Some(Ok(w)) => match w.text.trim().parse::<u64>() {
                    Ok(c) => Ok(c <= *t),
                    Err(_) => Err(Unresolved::new(
                        format!(
                            "gunicorn --worker-connections is `{}`, not a number, and gthread keeps \
                         no connection alive when it is not above --threads",
                            w.display()
                        ),
                        w.at.clone().or_else(|| ctx.server_at()),
                    )),
                },
                Some(Err(u)) => Err(u),
            }
        }
        _ => Ok(false),
    };
    let keep_alive = match &effective {
        Ok(Class::Gthread) if no_room.is_err() => {
            KeepAlive::Timeout(Setting::Unresolved(no_room.clone().unwrap_err()))
        }
        Ok(Class::Gthread) if no_room == Ok(true) => KeepAlive::ClosesEveryConnection {
            why: "gunicorn's gthread worker keeps at most --worker-connections minus --threads \
                  connections alive, here none, so it closes every connection after its response"
                .into(),
        },
        Ok(Class::Sync) if matches!(&threads, Ok(t) if *t > 1) => {
            KeepAlive::ClosesEveryConnection {
                why: format!(
                    "gunicorn's `{}` worker stays the sync worker even with --threads (gunicorn \
                     switches to gthread only for a class written `sync`), and it closes every \
                     connection after its response (gunicorn/workers/sync.py)",
                    class.as_ref().map_or("", |c| c.1.as_str())
                ),
            }
        }
        Ok(Class::Sync) => KeepAlive::ClosesEveryConnection {
            why: match &class {
                Ok((_, _, true)) => "gunicorn's sync worker with one thread closes every \
                                     connection after its response (gunicorn/workers/sync.py), \
                                     so no idle connection is left to race"
                    .into(),
                _ => format!(
                    "gunicorn runs its default sync worker ({}) with one thread, which closes \
                     every connection after its response (gunicorn/workers/sync.py), so no idle \
                     connection is left to race",
                    src.not_set("-k", "worker_class")
                ),
            },
        },
        Ok(Class::Gthread | Class::Gevent | Class::Eventlet) if ka_off => {
            KeepAlive::ClosesEveryConnection {
                why: "--keep-alive 0 turns keep-alive off: gunicorn answers with `Connection: \
                      close` and closes every connection"
                    .into(),
            }
        }
        Ok(Class::Gthread | Class::Gevent | Class::Eventlet | Class::Uvicorn) => {
            KeepAlive::Timeout(ka)
        }
        // What the asgi worker does with a keep-alive of 0 is not verified:
        // neither a timeout of 0 s nor "closes every connection" is claimed.
        Ok(Class::Asgi) if ka_off => KeepAlive::Timeout(ctx.unresolved(
            "gunicorn's asgi worker is given --keep-alive 0, and keepalign does not know whether \
             it then closes every connection; check it by hand",
        )),
        Ok(Class::Asgi) => KeepAlive::Timeout(ka),
        Ok(Class::Tornado) if ka_off => KeepAlive::ClosesEveryConnection {
            why: "--keep-alive 0 turns keep-alive off in gunicorn's tornado worker".into(),
        },
        Ok(Class::Tornado) => {
            keep_alive_fix = |s| {
                format!(
                    "a worker class other than tornado, with --keep-alive {} (Tornado closes \
                     idle connections after 3600 s whatever --keep-alive says)",
                    secs(s)
                )
            };
            KeepAlive::Timeout(ctx.default(
                3600.0,
                "Tornado's default idle_connection_timeout (gunicorn's tornado worker uses \
                 --keep-alive only to turn keep-alive off)",
            ))
        }
        Ok(Class::PyWsgi) => KeepAlive::Timeout(ctx.unresolved(format!(
            "gunicorn's `{}` worker serves connections with gevent's pywsgi server, which does \
             not use --keep-alive, and keepalign does not know its idle timeout",
            class.as_ref().map_or("", |c| c.1.as_str())
        ))),
        Ok(Class::Other) => KeepAlive::Timeout(ctx.unresolved(format!(
            "gunicorn worker class `{}` is not one keepalign knows, so whether and how long it \
             keeps connections alive is unknown",
            class.as_ref().map_or("", |c| c.1.as_str())
        ))),
        Err(u) => KeepAlive::Timeout(Setting::Unresolved(u.clone())),
    };

    // `--timeout` is the worker-silence kill; only the sync worker is
    // silent while a request runs (gthread heartbeats from its main loop).
    let request_timeout = match &effective {
        Ok(Class::Sync) => {
            match src.seconds(src.lookup(&["--timeout"], &["-t"], "timeout", "timeout")) {
                // `--timeout 0` disables the worker timeout.
                Some((s, _)) if s.value() == Some(&0.0) => None,
                Some((s, _)) => Some(s),
                None => Some(ctx.default(
                    30.0,
                    format!("gunicorn default ({})", src.not_set("--timeout", "timeout")),
                )),
            }
        }
        Ok(_) => None,
        Err(u) => Some(Setting::unresolved(
            format!(
                "whether gunicorn's --timeout kills slow requests depends on the worker class: {}",
                u.reason
            ),
            u.at.clone(),
        )),
    };

    let graceful_lookup = src.lookup(
        &["--graceful-timeout"],
        &[],
        "graceful_timeout",
        "graceful_timeout",
    );
    let (graceful, graceful_origin) = src.seconds(graceful_lookup).unwrap_or_else(|| {
        let not_set = src.not_set("--graceful-timeout", "graceful_timeout");
        (
            ctx.default(30.0, format!("gunicorn default ({not_set})")),
            Origin::CommandLine,
        )
    });
    let graceful_fix: fn(Seconds) -> String = match graceful_origin {
        Origin::CommandLine => |s| format!("--graceful-timeout {}", secs(s)),
        Origin::CmdArgs => |s| format!("--graceful-timeout {} (in GUNICORN_CMD_ARGS)", secs(s)),
        Origin::ConfigFile => {
            |s| format!("graceful_timeout = {} in the gunicorn config file", secs(s))
        }
        Origin::ConfigEnv => |s| {
            format!(
                "the environment variable the gunicorn config file reads graceful_timeout from \
                 to {}",
                secs(s)
            )
        },
    };

    let description = match (&effective, &class, &threads) {
        (Ok(Class::Sync), _, Ok(t)) if *t > 1 => format!("gunicorn (sync workers, {t} threads)"),
        (Ok(Class::Sync), ..) => "gunicorn (sync workers, 1 thread)".to_string(),
        (Ok(Class::Gthread), _, Ok(t)) if *t > 1 => {
            format!("gunicorn (gthread workers, {t} threads)")
        }
        (Ok(Class::Gthread), ..) => "gunicorn (gthread workers)".to_string(),
        (Ok(_), Ok((_, name, _)), _) => format!("gunicorn ({name} workers)"),
        _ => "gunicorn (worker class not known)".to_string(),
    };
    // Name the config file read, and the variable keep-alive comes from:
    // the finding may point into the task definition.
    let description = match (&src.config, &ka_var) {
        (Config::Read(m), var) => format!(
            "{}, config {}{})",
            description.trim_end_matches(')'),
            m.file.display,
            var.as_ref()
                .map(|v| format!(
                    ", whose keepalive (line {}) reads {v}",
                    m.assigned_line("keepalive").unwrap_or(0)
                ))
                .unwrap_or_default()
        ),
        _ => description,
    };

    Some(ServerProfile {
        server: "gunicorn",
        description,
        identified_at: ctx.server_at(),
        keep_alive,
        graceful_timeout: Some(graceful),
        request_timeout,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix,
        graceful_fix: Some(graceful_fix),
    })
}

#[cfg(test)]
mod tests {
    use super::super::ServerProfile;
    use super::super::testutil::*;

    fn gunicorn_word(b: &Built) -> crate::source::Location {
        b.at("\"gunicorn\"", "gunicorn")
    }

    #[test]
    fn default_sync_worker_closes_every_connection() {
        let b = task()
            .cmd(&["gunicorn", "--bind", "0.0.0.0:8000", "app:app"])
            .build();
        let p = b.profile();
        assert_eq!(p.server, "gunicorn");
        assert_eq!(p.description, "gunicorn (sync workers, 1 thread)");
        assert!(closes(&p).contains("default sync worker"));
        let at = gunicorn_word(&b);
        assert_eq!(p.identified_at.as_ref(), Some(&at));
        assert_default(
            p.request_timeout.as_ref().unwrap(),
            30.0,
            "no --timeout flag",
            Some(&at),
        );
        assert_default(
            p.graceful_timeout.as_ref().unwrap(),
            30.0,
            "no --graceful-timeout flag",
            Some(&at),
        );
        assert_eq!((p.graceful_fix.unwrap())(25.0), "--graceful-timeout 25");
    }

    #[test]
    fn explicit_sync_worker_also_closes() {
        let p = task()
            .cmd(&["gunicorn", "-k", "sync", "app:app"])
            .build()
            .profile();
        assert!(closes(&p).contains("sync worker with one thread"));
        let p = task()
            .cmd(&[
                "gunicorn",
                "-k",
                "gunicorn.workers.sync.SyncWorker",
                "app:app",
            ])
            .build()
            .profile();
        closes(&p);
    }

    #[test]
    fn dash_k_is_the_worker_class_never_keep_alive() {
        let b = task()
            .cmd(&["gunicorn", "-k", "gevent", "-w", "4", "app:app"])
            .build();
        let p = b.profile();
        assert_eq!(p.description, "gunicorn (gevent workers)");
        assert_default(
            ka(&p),
            2.0,
            "gunicorn default (no --keep-alive flag)",
            Some(&gunicorn_word(&b)),
        );
        // Async workers are not killed for a long request.
        assert!(p.request_timeout.is_none());
        assert_eq!((p.keep_alive_fix)(65.0), "--keep-alive 65");
    }

    #[test]
    fn keep_alive_flag_spellings_point_at_the_value() {
        let b = task()
            .cmd(&[
                "gunicorn",
                "-k",
                "eventlet",
                "--keep-alive",
                "75",
                "app:app",
            ])
            .build();
        assert_explicit(ka(&b.profile()), 75.0, &b.at("\"75\"", "75"));

        let b = task()
            .cmd(&[
                "gunicorn",
                "--worker-class=gevent",
                "--keep-alive=75",
                "app:app",
            ])
            .build();
        let p = b.profile();
        assert_explicit(ka(&p), 75.0, &b.at("--keep-alive=75", "75"));
        assert_eq!(p.description, "gunicorn (gevent workers)");

        let b = task().cmd(&["gunicorn", "-kgevent", "app:app"]).build();
        assert_eq!(b.profile().description, "gunicorn (gevent workers)");
        let b = task()
            .cmd(&["gunicorn", "-k", "egg:gunicorn#gevent", "app:app"])
            .build();
        assert_eq!(ka(&b.profile()).value(), Some(&2.0));
    }

    #[test]
    fn threads_turn_sync_into_gthread() {
        let b = task()
            .cmd(&["gunicorn", "--threads", "4", "app:app"])
            .build();
        let p = b.profile();
        assert_eq!(p.description, "gunicorn (gthread workers, 4 threads)");
        assert_default(
            ka(&p),
            2.0,
            "no --keep-alive flag",
            Some(&gunicorn_word(&b)),
        );
        // gthread heartbeats while its threads work: --timeout kills no request.
        assert!(p.request_timeout.is_none());

        let p = task()
            .cmd(&["gunicorn", "--threads", "1", "app:app"])
            .build()
            .profile();
        closes(&p);
        let p = task()
            .cmd(&["gunicorn", "-k", "gthread", "app:app"])
            .build()
            .profile();
        assert_eq!(p.description, "gunicorn (gthread workers)");
        assert_eq!(ka(&p).value(), Some(&2.0));
    }

    #[test]
    fn gthread_timeout_does_not_bound_requests() {
        for cmd in [
            &["gunicorn", "-k", "gthread", "-t", "10", "app:app"][..],
            &["gunicorn", "--threads", "8", "--timeout", "10", "app:app"],
            &[
                "gunicorn",
                "-k",
                "gunicorn.workers.sync.SyncWorker",
                "--threads",
                "2",
                "app:app",
            ],
        ] {
            let p = task().cmd(cmd).build().profile();
            assert!(p.request_timeout.is_none(), "{cmd:?}");
            assert_eq!(ka(&p).value(), Some(&2.0), "{cmd:?}");
        }
    }

    #[test]
    fn only_a_class_written_sync_switches_to_gthread() {
        let b = task()
            .cmd(&[
                "gunicorn",
                "-k",
                "egg:gunicorn#sync",
                "--threads",
                "4",
                "app:app",
            ])
            .build();
        let p = b.profile();
        assert_eq!(p.description, "gunicorn (sync workers, 4 threads)");
        assert!(
            closes(&p).contains("stays the sync worker"),
            "{}",
            closes(&p)
        );
        assert_default(
            p.request_timeout.as_ref().unwrap(),
            30.0,
            "no --timeout flag",
            Some(&gunicorn_word(&b)),
        );
    }

    #[test]
    fn gthread_without_room_for_idle_connections_closes_them() {
        let p = task()
            .cmd(&[
                "gunicorn",
                "--threads",
                "8",
                "--worker-connections",
                "8",
                "app:app",
            ])
            .build()
            .profile();
        assert!(
            closes(&p).contains("--worker-connections"),
            "{}",
            closes(&p)
        );
        let p = task()
            .cmd(&[
                "gunicorn",
                "-k",
                "gthread",
                "--worker-connections=100",
                "app:app",
            ])
            .build()
            .profile();
        assert_eq!(ka(&p).value(), Some(&2.0));
        let p = task()
            .cmd(&[
                "gunicorn",
                "--threads",
                "4",
                "--worker-connections",
                "many",
                "app:app",
            ])
            .build()
            .profile();
        assert_unresolved(ka(&p), &["--worker-connections is `many`"]);
    }

    #[test]
    fn asgi_worker_honours_keep_alive() {
        let b = task().cmd(&["gunicorn", "-k", "asgi", "main:app"]).build();
        let p = b.profile();
        assert_eq!(p.description, "gunicorn (asgi workers)");
        assert_default(
            ka(&p),
            2.0,
            "no --keep-alive flag",
            Some(&gunicorn_word(&b)),
        );
        assert!(p.request_timeout.is_none());
        let p = task()
            .cmd(&["gunicorn", "-k", "asgi", "--keep-alive", "75", "main:app"])
            .build()
            .profile();
        assert_eq!(ka(&p).value(), Some(&75.0));
        let p = task()
            .cmd(&["gunicorn", "-k", "asgi", "--keep-alive", "0", "main:app"])
            .build()
            .profile();
        assert_unresolved(ka(&p), &["asgi worker", "--keep-alive 0"]);
    }

    #[test]
    fn uvicorn_worker_uses_gunicorn_keep_alive_not_uvicorns() {
        for class in [
            "uvicorn.workers.UvicornWorker",
            "uvicorn_worker.UvicornWorker",
            "uvicorn.workers.UvicornH11Worker",
        ] {
            let b = task().cmd(&["gunicorn", "-k", class, "main:app"]).build();
            let p = b.profile();
            assert_eq!(p.server, "gunicorn");
            assert_eq!(p.description, format!("gunicorn ({class} workers)"));
            assert_default(ka(&p), 2.0, "not uvicorn's 5 s", Some(&gunicorn_word(&b)));
            assert!(p.request_timeout.is_none());
            assert_default(
                p.graceful_timeout.as_ref().unwrap(),
                30.0,
                "graceful",
                Some(&gunicorn_word(&b)),
            );
        }
    }

    #[test]
    fn gunicorn_cmd_args_are_read_and_located() {
        let b = task()
            .env("GUNICORN_CMD_ARGS", "--keep-alive 75 --workers 3 -k gevent")
            .cmd(&["gunicorn", "app:app"])
            .build();
        let p = b.profile();
        assert_eq!(p.description, "gunicorn (gevent workers)");
        assert_explicit(ka(&p), 75.0, &b.at("--keep-alive 75 --workers", "75"));
        assert_eq!(
            (p.keep_alive_fix)(65.0),
            "--keep-alive 65 (in GUNICORN_CMD_ARGS)"
        );
    }

    #[test]
    fn command_line_flags_override_gunicorn_cmd_args() {
        let b = task()
            .env("GUNICORN_CMD_ARGS", "--keep-alive 75 --graceful-timeout 40")
            .cmd(&["gunicorn", "-k", "gevent", "--keep-alive", "90", "app:app"])
            .build();
        let p = b.profile();
        assert_explicit(ka(&p), 90.0, &b.at("\"90\"", "90"));
        assert_eq!((p.keep_alive_fix)(65.0), "--keep-alive 65");
        assert_explicit(
            p.graceful_timeout.as_ref().unwrap(),
            40.0,
            &b.at("--graceful-timeout 40", "40"),
        );
        assert_eq!(
            (p.graceful_fix.unwrap())(20.0),
            "--graceful-timeout 20 (in GUNICORN_CMD_ARGS)"
        );
    }

    #[test]
    fn unresolved_gunicorn_cmd_args_makes_unset_values_unresolved() {
        let b = task()
            .env_unresolved("GUNICORN_CMD_ARGS", "var.gunicorn_args has no value")
            .cmd(&["gunicorn", "-k", "gevent", "app:app"])
            .build();
        let p = b.profile();
        assert_unresolved(
            ka(&p),
            &[
                "GUNICORN_CMD_ARGS",
                "var.gunicorn_args has no value",
                "--keep-alive",
            ],
        );
        // A value on the command line still wins.
        let b = task()
            .env_unresolved("GUNICORN_CMD_ARGS", "var.gunicorn_args has no value")
            .cmd(&["gunicorn", "-k", "gevent", "--keep-alive", "70", "app:app"])
            .build();
        assert_eq!(ka(&b.profile()).value(), Some(&70.0));
    }

    #[test]
    fn a_config_file_makes_unset_values_unresolved() {
        let b = task()
            .cmd(&["gunicorn", "-c", "gunicorn.conf.py", "app:app"])
            .build();
        let p = b.profile();
        // The config may set worker_class, so even the connection handling is unknown.
        let u = assert_unresolved(
            ka(&p),
            &[
                "gunicorn.conf.py",
                "keepalign does not read",
                "worker class",
            ],
        );
        assert_eq!(u.at, Some(b.at("\"gunicorn.conf.py\"", "gunicorn.conf.py")));
        assert_eq!(p.description, "gunicorn (worker class not known)");
        assert_unresolved(
            p.request_timeout.as_ref().unwrap(),
            &["depends on the worker class"],
        );
        assert_unresolved(
            p.graceful_timeout.as_ref().unwrap(),
            &["graceful_timeout", "--graceful-timeout"],
        );

        let b = task()
            .cmd(&[
                "gunicorn",
                "--config=gunicorn.conf.py",
                "-k",
                "gevent",
                "--keep-alive",
                "5",
                "app:app",
            ])
            .build();
        assert_explicit(ka(&b.profile()), 5.0, &b.at("\"5\"", "5"));
        let b = task()
            .cmd(&["gunicorn", "-c", "conf.py", "-k", "gevent", "app:app"])
            .build();
        assert_unresolved(ka(&b.profile()), &["`conf.py`", "keepalive"]);
    }

    const DOCKERFILE: &str = "FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\n";

    fn conf_profile(b: &Built, conf: &str) -> ServerProfile {
        with_image(b, DOCKERFILE, &[("gunicorn.conf.py", conf)]).unwrap()
    }

    fn conf_line(p: &ServerProfile) -> (String, usize, String) {
        let at = ka(p).location().unwrap();
        (
            at.file.display.rsplit('/').next().unwrap().to_string(),
            at.start().0,
            at.snippet().to_string(),
        )
    }

    #[test]
    fn the_default_config_file_in_the_workdir_is_read() {
        let b = task().cmd(&["gunicorn", "app:app"]).build();
        let p = conf_profile(
            &b,
            "import os\n\nbind = \"0.0.0.0:8000\"\nworker_class = \"gevent\"\nkeepalive = 75\ngraceful_timeout = 20\n",
        );
        assert_eq!(p.value_of_ka(), Some(75.0));
        assert_eq!(conf_line(&p), ("gunicorn.conf.py".into(), 5, "75".into()));
        assert!(
            p.description
                .starts_with("gunicorn (gevent workers, config "),
            "{}",
            p.description
        );
        let g = p.graceful_timeout.as_ref().unwrap();
        assert_eq!(
            (g.value(), g.location().unwrap().start().0),
            (Some(&20.0), 6)
        );
        assert_eq!(
            (p.keep_alive_fix)(65.0),
            "keepalive = 65 in the gunicorn config file"
        );
        assert_eq!(
            (p.graceful_fix.unwrap())(25.0),
            "graceful_timeout = 25 in the gunicorn config file"
        );
        // Not set there: the default, and the message says the file was read.
        let p = conf_profile(&b, "worker_class = 'gthread'\nthreads = 4\n");
        assert!(
            conf_display(&p).ends_with("/app/gunicorn.conf.py"),
            "{}",
            p.description
        );
        assert_eq!(
            p.description,
            format!(
                "gunicorn (gthread workers, 4 threads, config {})",
                conf_display(&p)
            )
        );
        assert_default(
            ka(&p),
            2.0,
            "no --keep-alive flag, and ",
            Some(&gunicorn_word(&b)),
        );
        // No config file in the image: gunicorn's defaults.
        let p = with_image(&b, DOCKERFILE, &[("app.py", "app = None\n")]).unwrap();
        closes(&p);
        assert_eq!(p.description, "gunicorn (sync workers, 1 thread)");
    }

    fn conf_display(p: &ServerProfile) -> String {
        let d = &p.description;
        let start = d.find("config ").unwrap() + "config ".len();
        d[start..d.len() - 1].to_string()
    }

    #[test]
    fn command_line_and_gunicorn_cmd_args_win_over_the_config_file() {
        let conf = "worker_class = 'gevent'\nkeepalive = 75\ntimeout = 10\n";
        let b = task()
            .cmd(&["gunicorn", "--keep-alive", "5", "app:app"])
            .build();
        let p = conf_profile(&b, conf);
        assert_explicit(ka(&p), 5.0, &b.at("\"5\"", "5"));
        assert_eq!(
            p.description,
            format!("gunicorn (gevent workers, config {})", conf_display(&p))
        );
        let b = task()
            .env("GUNICORN_CMD_ARGS", "--keep-alive 7 -k sync")
            .cmd(&["gunicorn", "app:app"])
            .build();
        let p = conf_profile(&b, conf);
        closes(&p);
        let b = task()
            .env("GUNICORN_CMD_ARGS", "--keep-alive 7")
            .cmd(&["gunicorn", "app:app"])
            .build();
        let p = conf_profile(&b, conf);
        assert_explicit(ka(&p), 7.0, &b.at("--keep-alive 7", "7"));
    }

    #[test]
    fn config_values_from_the_environment_point_at_the_task_definition() {
        let conf = "import os\nworker_class = \"gevent\"\nkeepalive = int(os.environ.get(\"GUNICORN_KEEPALIVE\", \"5\"))\n";
        let b = task()
            .env("GUNICORN_KEEPALIVE", "2")
            .cmd(&["gunicorn", "app:app"])
            .build();
        let p = conf_profile(&b, conf);
        assert_explicit(ka(&p), 2.0, &b.at("\"2\"", "2"));
        assert!(
            p.description
                .ends_with(", whose keepalive (line 3) reads GUNICORN_KEEPALIVE)"),
            "{}",
            p.description
        );
        assert!((p.keep_alive_fix)(65.0).starts_with(
            "the environment variable the gunicorn config file reads keepalive from to 65"
        ));
        // Unset: the default written in the config file, at its line.
        let b = task().cmd(&["gunicorn", "app:app"]).build();
        let p = conf_profile(&b, conf);
        assert_eq!(p.value_of_ka(), Some(5.0));
        assert_eq!(
            conf_line(&p),
            ("gunicorn.conf.py".into(), 3, "\"5\"".into())
        );
        // Set to something that is not an integer: gunicorn would not start.
        let b = task()
            .env("GUNICORN_KEEPALIVE", "2.5")
            .cmd(&["gunicorn", "app:app"])
            .build();
        let p = conf_profile(&b, conf);
        assert_unresolved(ka(&p), &["int()", "2.5", "GUNICORN_KEEPALIVE"]);
    }

    #[test]
    fn config_values_keepalign_cannot_evaluate_are_unresolved_at_their_line() {
        let b = task().cmd(&["gunicorn", "app:app"]).build();
        let p = conf_profile(
            &b,
            "import settings\nworker_class = 'gevent'\nkeepalive = settings.keepalive()\n",
        );
        let u = assert_unresolved(ka(&p), &["may set keepalive", "line 3", "keepalign.toml"]);
        assert_eq!(u.at.unwrap().start().0, 3);
        // The worker class unknown: the connection handling is unknown.
        let p = conf_profile(
            &b,
            "if DEBUG:\n    worker_class = 'sync'\nelse:\n    worker_class = 'gevent'\n",
        );
        let u = assert_unresolved(ka(&p), &["the worker class", "inside a block"]);
        assert_eq!(u.at.unwrap().start().0, 4);
        assert!(
            p.description
                .starts_with("gunicorn (worker class not known, config ")
        );
        // A float keep-alive stops gunicorn at startup.
        let p = conf_profile(&b, "worker_class = 'gevent'\nkeepalive = 75.0\n");
        assert_unresolved(ka(&p), &["75.0", "whole number"]);
        // The common loop over GUNICORN_* variables may set anything.
        let p = conf_profile(
            &b,
            "import os\nworker_class = 'gevent'\nkeepalive = 75\nfor k, v in os.environ.items():\n    if k.startswith('GUNICORN_'):\n        locals()[k[9:].lower()] = v\n",
        );
        let u = assert_unresolved(ka(&p), &["`locals` may set any name"]);
        assert_eq!(u.at.unwrap().start().0, 6);
    }

    #[test]
    fn a_named_config_file_is_read_from_the_image() {
        let files = [
            (
                "deploy/gunicorn.py",
                "worker_class = 'gevent'\nkeepalive = 90\n",
            ),
            (
                "gunicorn.conf.py",
                "worker_class = 'gevent'\nkeepalive = 3\n",
            ),
            ("gconf.py", "worker_class = 'gevent'\nkeepalive = 80\n"),
        ];
        for (cmd, expect) in [
            (
                &["gunicorn", "-c", "deploy/gunicorn.py", "app:app"][..],
                90.0,
            ),
            (
                &[
                    "gunicorn",
                    "--config=file:/srv/deploy/gunicorn.py",
                    "app:app",
                ],
                90.0,
            ),
            (&["gunicorn", "-c", "python:gconf", "app:app"], 80.0),
            // -c replaces the default file.
            (&["gunicorn", "app:app"], 3.0),
        ] {
            let b = task().cmd(cmd).build();
            let p = with_image(&b, DOCKERFILE, &files).unwrap();
            assert_eq!(p.value_of_ka(), Some(expect), "{cmd:?}");
        }
        let b = task()
            .env("GUNICORN_CMD_ARGS", "-c deploy/gunicorn.py")
            .cmd(&["gunicorn", "app:app"])
            .build();
        let p = with_image(&b, DOCKERFILE, &files).unwrap();
        assert_eq!(p.value_of_ka(), Some(90.0));

        let b = task()
            .cmd(&["gunicorn", "-c", "python:conf.gunicorn", "app:app"])
            .build();
        let p = with_image(&b, DOCKERFILE, &files).unwrap();
        assert_unresolved(ka(&p), &["Python module `conf.gunicorn`"]);
        let b = task()
            .cmd(&["gunicorn", "-c", "/etc/gunicorn.py", "app:app"])
            .build();
        let p = with_image(&b, DOCKERFILE, &files).unwrap();
        let u = assert_unresolved(ka(&p), &["/etc/gunicorn.py", "no COPY"]);
        assert_eq!(u.at, Some(b.at("\"/etc/gunicorn.py\"", "/etc/gunicorn.py")));
    }

    #[test]
    fn a_config_file_the_image_may_hold_is_unknown() {
        let b = task().cmd(&["gunicorn", "-k", "gevent", "app:app"]).build();
        let p = with_image(
            &b,
            "FROM python:3.12-slim\nWORKDIR /srv\nCOPY --from=ghcr.io/acme/base /srv /srv\n",
            &[],
        )
        .unwrap();
        assert_unresolved(ka(&p), &["./gunicorn.conf.py when it exists", "/srv"]);
    }

    #[test]
    fn timeout_flags_for_sync_workers() {
        let b = task().cmd(&["gunicorn", "-t", "120", "app:app"]).build();
        let p = b.profile();
        assert_explicit(
            p.request_timeout.as_ref().unwrap(),
            120.0,
            &b.at("\"120\"", "120"),
        );
        let b = task().cmd(&["gunicorn", "--timeout=15", "app:app"]).build();
        assert_explicit(
            b.profile().request_timeout.as_ref().unwrap(),
            15.0,
            &b.at("--timeout=15", "15"),
        );
        // 0 disables the worker timeout.
        let p = task()
            .cmd(&["gunicorn", "--timeout", "0", "app:app"])
            .build()
            .profile();
        assert!(p.request_timeout.is_none());
    }

    #[test]
    fn keep_alive_zero_closes_every_connection() {
        let p = task()
            .cmd(&["gunicorn", "-k", "gevent", "--keep-alive", "0", "app:app"])
            .build()
            .profile();
        assert!(closes(&p).contains("--keep-alive 0"));
        // uvicorn's worker does not send Connection: close, so 0 is a timeout.
        let p = task()
            .cmd(&[
                "gunicorn",
                "-k",
                "uvicorn.workers.UvicornWorker",
                "--keep-alive",
                "0",
                "m:app",
            ])
            .build()
            .profile();
        assert_eq!(ka(&p).value(), Some(&0.0));
    }

    #[test]
    fn tornado_worker_keeps_tornados_own_idle_timeout() {
        let p = task()
            .cmd(&["gunicorn", "-k", "tornado", "--keep-alive", "5", "app:app"])
            .build()
            .profile();
        assert_default(ka(&p), 3600.0, "Tornado", p.identified_at.as_ref());
        assert!(
            (p.keep_alive_fix)(65.0)
                .starts_with("a worker class other than tornado, with --keep-alive 65")
        );
        assert!(p.request_timeout.is_none());
    }

    #[test]
    fn unknown_worker_classes_are_unresolved() {
        let p = task()
            .cmd(&["gunicorn", "-k", "myapp.workers.Custom", "app:app"])
            .build()
            .profile();
        assert_unresolved(
            ka(&p),
            &["`myapp.workers.Custom`", "not one keepalign knows"],
        );
        assert!(p.request_timeout.is_none());
        let p = task()
            .cmd(&["gunicorn", "-k", "gevent_pywsgi", "app:app"])
            .build()
            .profile();
        assert_unresolved(ka(&p), &["pywsgi"]);
    }

    #[test]
    fn unreadable_values_are_unresolved_with_their_location() {
        let b = task()
            .cmd(&["gunicorn", "-k", "gevent", "--keep-alive", "abc", "app:app"])
            .build();
        let u = assert_unresolved(
            ka(&b.profile()),
            &["gunicorn --keep-alive is `abc`", "not a number"],
        );
        assert_eq!(u.at, Some(b.at("\"abc\"", "abc")));
        let b = task()
            .cmd(&["gunicorn", "--threads", "$T", "app:app"])
            .build();
        let p = b.profile();
        assert_unresolved(ka(&p), &["thread count is not known", "`$T`"]);
    }

    #[test]
    fn found_through_wrappers_and_paths() {
        let b = task()
            .cmd(&["python", "-m", "gunicorn", "-k", "gevent", "app:app"])
            .build();
        let p = b.profile();
        assert_eq!(p.identified_at, Some(b.at("\"gunicorn\"", "gunicorn")));
        assert_eq!(ka(&p).value(), Some(&2.0));

        let b = task()
            .cmd(&["/usr/local/bin/gunicorn", "-k", "gevent", "app:app"])
            .build();
        let p = b.profile();
        assert_eq!(
            p.identified_at,
            Some(b.at("/usr/local/bin/gunicorn", "/usr/local/bin/gunicorn"))
        );
        assert_default(ka(&p), 2.0, "no --keep-alive", p.identified_at.as_ref());

        let b = task()
            .cmd(&["sh", "-c", "python manage.py migrate && exec newrelic-admin run-program gunicorn -k gevent --keep-alive 65 app:app"])
            .build();
        let p = b.profile();
        assert_explicit(ka(&p), 65.0, &b.at("--keep-alive 65", "65"));
        assert_eq!(
            p.identified_at,
            Some(b.at("run-program gunicorn", "gunicorn"))
        );
    }

    #[test]
    fn escaped_scripts_fall_back_to_the_whole_string() {
        let b = task()
            .cmd(&[
                "sh",
                "-c",
                "exec gunicorn -k gevent --bind \"0.0.0.0:80\" --keep-alive 65 app",
            ])
            .build();
        let p = b.profile();
        let s = ka(&p);
        assert_eq!(s.value(), Some(&65.0));
        // The JSON string holds `\"`, so its text differs from the word: the
        // location is the whole script string rather than a wrong byte range.
        assert!(s.location().unwrap().snippet().starts_with("exec gunicorn"));
    }
}
