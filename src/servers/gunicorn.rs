//! gunicorn (DOMAIN.md rows "gunicorn" and "gunicorn + UvicornWorker";
//! benoitc/gunicorn `gunicorn/config.py`, `gunicorn/app/base.py`,
//! `gunicorn/workers/*.py`).
//!
//! Settings come, in gunicorn's own precedence, from the command line, then
//! GUNICORN_CMD_ARGS, then the config file, then defaults. The worker class
//! decides what keep-alive means: the sync worker closes every connection,
//! async and threaded workers honour `--keep-alive` (default 2 s).
//!
//! It also decides whether `--timeout` bounds a request: only the sync
//! worker is silent while a request runs; gthread's main loop keeps
//! notifying the arbiter while its threads work (`workers/gthread.py`
//! `run()`, gunicorn 23.0 and 26.1), so a slow request is never killed.

use super::args::{self, Found};
use super::command::split_words;
use super::{Invocation, KeepAlive, ServerProfile, Unit, secs};
use crate::model::{Seconds, Setting, Unresolved, Word};

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
    /// It may be set somewhere keepalign cannot read.
    Unknown(Unresolved),
    Absent,
}

/// gunicorn's setting sources for one invocation.
struct Sources<'c, 'a> {
    ctx: &'c Invocation<'a>,
    /// GUNICORN_CMD_ARGS split like gunicorn does (`shlex.split`).
    env_args: Vec<Word>,
    env_unknown: Option<Unresolved>,
    /// The `-c/--config` value, from the command line or GUNICORN_CMD_ARGS.
    config: Option<Word>,
}

impl Sources<'_, '_> {
    fn lookup(&self, long: &[&str], short: &[&str], setting: &str) -> Lookup {
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
        if let Some(config) = &self.config {
            return Lookup::Unknown(Unresolved::new(
                format!(
                    "gunicorn reads the config file `{}`, which keepalign does not read, and it \
                     may set {setting}; pass {flag} on the command line (or in \
                     GUNICORN_CMD_ARGS) so keepalign can see it",
                    config.text
                ),
                config.at.clone().or_else(|| self.ctx.server_at()),
            ));
        }
        Lookup::Absent
    }

    /// A timeout setting: `None` when absent, for the caller's default.
    fn seconds(&self, lookup: Lookup) -> Option<(Setting<Seconds>, bool)> {
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
                    from_env,
                ))
            }
            Lookup::Unknown(u) => Some((Setting::Unresolved(u), false)),
            Lookup::Absent => None,
        }
    }

    /// A text setting (worker class), its value resolved through variables.
    fn text(&self, lookup: Lookup) -> Option<Result<Word, Unresolved>> {
        match lookup {
            Lookup::Flag { found, from_env } => {
                let what = format!("gunicorn {}", found.flag);
                Some(
                    self.ctx
                        .resolve(&found.value, !from_env && self.ctx.shell, &what),
                )
            }
            Lookup::Unknown(u) => Some(Err(u)),
            Lookup::Absent => None,
        }
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
    let config = args::find(ctx.args(), &["--config"], &["-c"])
        .or_else(|| args::find(&env_args, &["--config"], &["-c"]))
        .map(|f| f.value);
    let src = Sources {
        ctx,
        env_args,
        env_unknown,
        config,
    };

    // The worker class as written, and whether it was given at all.
    let class: Result<(Class, String, bool), Unresolved> =
        match src.text(src.lookup(&["--worker-class"], &["-k"], "the worker class")) {
            Some(Ok(w)) => Ok((classify(&w.text), w.text.trim().to_string(), true)),
            Some(Err(u)) => Err(u),
            None => Ok((Class::Sync, "sync".into(), false)),
        };
    let threads: Result<u64, Unresolved> =
        match src.text(src.lookup(&["--threads"], &[], "the thread count")) {
            Some(Ok(w)) => w.text.trim().parse().map_err(|_| {
                Unresolved::new(
                    format!("gunicorn --threads is `{}`, not a number", w.text),
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

    let ka_lookup = src.lookup(&["--keep-alive"], &[], "keepalive");
    let (ka, ka_from_env) = src.seconds(ka_lookup).unwrap_or_else(|| {
        let source = if effective == Ok(Class::Uvicorn) {
            "gunicorn default (no --keep-alive flag; UvicornWorker takes gunicorn's keepalive, not \
             uvicorn's 5 s)"
        } else {
            "gunicorn default (no --keep-alive flag)"
        };
        (ctx.default(2.0, source), false)
    });
    let ka_off = ka.value() == Some(&0.0);

    let mut keep_alive_fix: fn(Seconds) -> String = if ka_from_env {
        |s| format!("--keep-alive {} (in GUNICORN_CMD_ARGS)", secs(s))
    } else {
        |s| format!("--keep-alive {}", secs(s))
    };
    // gthread keeps at most `worker_connections - threads` connections
    // alive and closes the others after their response (`workers/gthread.py`
    // `max_keepalived`), so with no room left it keeps none.
    let no_room: Result<bool, Unresolved> = match (&effective, &threads) {
        (Ok(Class::Gthread), Ok(t)) => {
            match src.text(src.lookup(&["--worker-connections"], &[], "worker_connections")) {
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
                _ => "gunicorn runs its default sync worker (no -k flag) with one thread, which \
                      closes every connection after its response (gunicorn/workers/sync.py), so \
                      no idle connection is left to race"
                    .into(),
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
            match src.seconds(src.lookup(&["--timeout"], &["-t"], "timeout")) {
                // `--timeout 0` disables the worker timeout.
                Some((s, _)) if s.value() == Some(&0.0) => None,
                Some((s, _)) => Some(s),
                None => Some(ctx.default(30.0, "gunicorn default (no --timeout flag)")),
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

    let graceful_lookup = src.lookup(&["--graceful-timeout"], &[], "graceful_timeout");
    let (graceful, graceful_from_env) = src.seconds(graceful_lookup).unwrap_or_else(|| {
        (
            ctx.default(30.0, "gunicorn default (no --graceful-timeout flag)"),
            false,
        )
    });
    let graceful_fix: fn(Seconds) -> String = if graceful_from_env {
        |s| format!("--graceful-timeout {} (in GUNICORN_CMD_ARGS)", secs(s))
    } else {
        |s| format!("--graceful-timeout {}", secs(s))
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

    Some(ServerProfile {
        server: "gunicorn",
        description,
        identified_at: ctx.server_at(),
        keep_alive,
        graceful_timeout: Some(graceful),
        request_timeout,
        keep_alive_fix,
        graceful_fix: Some(graceful_fix),
    })
}

#[cfg(test)]
mod tests {
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
