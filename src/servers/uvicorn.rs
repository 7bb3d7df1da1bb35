//! uvicorn (DOMAIN.md row "uvicorn"; encode/uvicorn `uvicorn/main.py`), and
//! `fastapi run`, which starts uvicorn with its defaults (fastapi/fastapi-cli
//! `cli.py` passes no keep-alive). The uvicorn CLI also reads every option
//! from `UVICORN_*` variables (click `auto_envvar_prefix`, from uvicorn 0.16);
//! a flag wins. Both timeout options are click integers: uvicorn refuses to
//! start with `--timeout-keep-alive 2.5`.
//!
//! A script run with `python main.py` that starts uvicorn itself
//! (`uvicorn.run(app, timeout_keep_alive=75)`, or `uvicorn.Config(...)`) is
//! read from the image when keepalign knows the Dockerfile that builds it:
//! the keyword's value, else uvicorn's default of 5 s (`uvicorn/main.py`
//! `run()` and `uvicorn/config.py` `Config.__init__`, `timeout_keep_alive:
//! int = 5`, uvicorn 0.35). The `UVICORN_*` variables are read by the CLI
//! only, not by `uvicorn.run`.

use super::args;
use super::python::{Module, Value};
use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile, Unit, secs};
use crate::model::{Seconds, Setting};

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    match ctx.program()? {
        "uvicorn" => Some(uvicorn(ctx)),
        "fastapi"
            if matches!(
                ctx.args().first().map(|w| w.text.as_str()),
                Some("run" | "dev")
            ) =>
        {
            Some(fastapi(ctx))
        }
        p if p
            .strip_prefix("python")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.')) =>
        {
            script(ctx, script_path(ctx).map(|p| vec![p.to_string()])?)
        }
        // `python -m app.main`: the module's file, or its package's
        // `__main__.py`.
        p if ctx.python_module.as_deref() == Some(p) && !p.is_empty() => {
            let path = p.replace('.', "/");
            script(
                ctx,
                vec![format!("{path}.py"), format!("{path}/__main__.py")],
            )
        }
        _ => None,
    }
}

/// `python [options] main.py`: the script's path.
fn script_path<'w>(ctx: &'w Invocation) -> Option<&'w str> {
    let mut args = ctx.args().iter();
    while let Some(w) = args.next() {
        match w.text.as_str() {
            "-W" | "-X" => {
                args.next();
            }
            a if a.starts_with('-') => {
                // `-c`, `-m` and `-` run something other than a script file.
                if a == "-" || a.starts_with("-c") || a.starts_with("-m") {
                    return None;
                }
            }
            a => return a.ends_with(".py").then_some(a),
        }
    }
    None
}

/// A script that calls `uvicorn.run(...)` once: the first of `paths`
/// the image holds.
fn script(ctx: &Invocation, paths: Vec<String>) -> Option<ServerProfile> {
    let files = ctx.files.as_ref()?;
    let file = paths.iter().find_map(|p| files.read(p).ok().flatten())?;
    let module = Module::parse(file.file);
    let calls = module.calls(&["uvicorn.run", "uvicorn.Config"]);
    let env = |var: &str| ctx.env(var);
    let (keep_alive, graceful) = match calls.as_slice() {
        [] => return None,
        [call] => {
            let seconds = |name: &str| {
                call.keyword(name, &env).map(|r| match r {
                    Ok(v) => match v.value {
                        Value::Int(n) if n >= 0 => Setting::explicit(n as Seconds, v.at),
                        Value::Float(f) if f >= 0.0 => Setting::explicit(f, v.at),
                        other => Setting::unresolved(
                            format!(
                                "{} passes {name}={} to {}, which is not a number of seconds",
                                module.file.display,
                                other.show(),
                                call.name
                            ),
                            Some(v.at),
                        ),
                    },
                    Err(u) => Setting::unresolved(
                        format!(
                            "{} passes {name} to {} as a value keepalign cannot evaluate: {}; \
                             write the number there, or declare keep-alive in keepalign.toml",
                            module.file.display,
                            call.name,
                            u.reason.trim_end_matches('.')
                        ),
                        u.at,
                    ),
                })
            };
            let keep_alive = seconds("timeout_keep_alive").unwrap_or_else(|| {
                Setting::default(
                    5.0,
                    format!("uvicorn default ({} without timeout_keep_alive)", call.name),
                    Some(call.at()),
                )
            });
            (keep_alive, seconds("timeout_graceful_shutdown"))
        }
        [_, second, ..] => (
            Setting::unresolved(
                format!(
                    "{} starts uvicorn in more than one place, and keepalign does not know \
                     which runs; declare keep-alive in keepalign.toml",
                    module.file.display
                ),
                Some(second.at()),
            ),
            None,
        ),
    };
    Some(ServerProfile {
        server: "uvicorn",
        description: format!("uvicorn (started by {})", module.file.display),
        identified_at: ctx.server_at(),
        keep_alive: KeepAlive::Timeout(keep_alive),
        graceful_timeout: graceful,
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix: |s| format!("timeout_keep_alive={} in the uvicorn.run call", secs(s)),
        graceful_fix: Some(|s| {
            format!(
                "timeout_graceful_shutdown={} in the uvicorn.run call",
                secs(s)
            )
        }),
    })
}

/// A flag value, else the `UVICORN_*` variable, else `None`.
fn option(ctx: &Invocation, flag: &str, env: &str) -> Option<(Setting<Seconds>, bool)> {
    let (s, from_env, name) = if let Some(f) = args::find(ctx.args(), &[flag], &[]) {
        let what = format!("uvicorn {flag}");
        let s = ctx.seconds(&f.value, ctx.shell, &what, Unit::Seconds);
        (s, false, flag)
    } else {
        (ctx.env_seconds(env, Unit::Seconds)?, true, env)
    };
    // click's INT type rejects a fraction, so such a uvicorn does not start.
    Some(match s.value() {
        Some(v) if v.fract() != 0.0 => (
            Setting::unresolved(
                format!(
                    "{name} is {}, but uvicorn takes whole seconds and refuses to start with a \
                     fraction; write an integer",
                    secs(*v)
                ),
                s.location().cloned(),
            ),
            from_env,
        ),
        _ => (s, from_env),
    })
}

fn uvicorn(ctx: &Invocation) -> ServerProfile {
    let (keep_alive, ka_from_env) =
        option(ctx, "--timeout-keep-alive", "UVICORN_TIMEOUT_KEEP_ALIVE").unwrap_or_else(|| {
            (
                ctx.default(5.0, "uvicorn default (no --timeout-keep-alive flag)"),
                false,
            )
        });
    // Without the flag uvicorn waits for open requests without a bound.
    let graceful = option(
        ctx,
        "--timeout-graceful-shutdown",
        "UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN",
    );
    let graceful_fix: fn(Seconds) -> String = match &graceful {
        Some((_, true)) => |s| format!("UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN={}", secs(s)),
        _ => |s| format!("--timeout-graceful-shutdown {}", secs(s)),
    };
    ServerProfile {
        server: "uvicorn",
        description: "uvicorn".into(),
        identified_at: ctx.server_at(),
        keep_alive: KeepAlive::Timeout(keep_alive),
        graceful_timeout: graceful.map(|(s, _)| s),
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix: if ka_from_env {
            |s| {
                format!(
                    "UVICORN_TIMEOUT_KEEP_ALIVE={} (read from uvicorn 0.16; --timeout-keep-alive \
                     works on every version)",
                    secs(s)
                )
            }
        } else {
            |s| format!("--timeout-keep-alive {}", secs(s))
        },
        graceful_fix: Some(graceful_fix),
    }
}

fn fastapi(ctx: &Invocation) -> ServerProfile {
    ServerProfile {
        server: "uvicorn",
        description: "uvicorn (started by `fastapi run`)".into(),
        identified_at: ctx.server_at(),
        keep_alive: KeepAlive::Timeout(ctx.default(
            5.0,
            "uvicorn default (`fastapi run` has no keep-alive option)",
        )),
        graceful_timeout: None,
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix: |s| {
            format!(
                "uvicorn <module>:app --timeout-keep-alive {} in place of `fastapi run` (it has \
                 no keep-alive option)",
                secs(s)
            )
        },
        graceful_fix: None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    const DOCKERFILE: &str = "FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\n";

    #[test]
    fn a_script_that_runs_uvicorn_is_read_from_the_image() {
        let main = "import os\nimport uvicorn\nfrom app import app\n\nif __name__ == \"__main__\":\n    uvicorn.run(\n        app,\n        host=\"0.0.0.0\",\n        timeout_keep_alive=int(os.environ.get(\"KA\", 75)),\n    )\n";
        let b = task().cmd(&["python", "-u", "main.py"]).build();
        let p = with_image(&b, DOCKERFILE, &[("main.py", main)]).unwrap();
        assert_eq!(p.server, "uvicorn");
        let at = ka(&p).location().unwrap();
        assert_eq!(
            (p.value_of_ka(), at.start().0, at.snippet()),
            (Some(75.0), 9, "75")
        );
        assert!(p.graceful_timeout.is_none());
        assert_eq!(
            (p.keep_alive_fix)(65.0),
            "timeout_keep_alive=65 in the uvicorn.run call"
        );
        // Without the keyword: uvicorn's default, at the call.
        let p = with_image(
            &b,
            DOCKERFILE,
            &[(
                "main.py",
                "import uvicorn\nuvicorn.run(\"app:app\", timeout_graceful_shutdown=20)\n",
            )],
        )
        .unwrap();
        assert_default(
            ka(&p),
            5.0,
            "uvicorn.run without timeout_keep_alive",
            p.value_of_ka().and(ka(&p).location()),
        );
        assert_eq!(ka(&p).location().unwrap().snippet(), "uvicorn.run");
        assert_eq!(p.graceful_timeout.as_ref().unwrap().value(), Some(&20.0));
        // Not evaluable: unresolved at the keyword's value.
        let p = with_image(
            &b,
            DOCKERFILE,
            &[(
                "main.py",
                "import uvicorn\nuvicorn.run(app, timeout_keep_alive=settings.ka)\n",
            )],
        )
        .unwrap();
        let u = assert_unresolved(ka(&p), &["timeout_keep_alive", "settings.ka"]);
        assert_eq!(u.at.unwrap().start().0, 2);
        // A script that does not start uvicorn, or no image: not identified.
        assert!(with_image(&b, DOCKERFILE, &[("main.py", "print(1)\n")]).is_err());
        assert!(b.identify().is_err());
    }

    #[test]
    fn a_module_run_with_python_m_is_read_from_the_image() {
        let run = "import uvicorn\nuvicorn.run(\"api.app:app\", timeout_keep_alive=70)\n";
        for (cmd, files) in [
            (
                &["python", "-m", "api.main"][..],
                &[("api/main.py", run)][..],
            ),
            (&["python3", "-mapi"], &[("api/__main__.py", run)]),
        ] {
            let b = task().cmd(cmd).build();
            let p = with_image(&b, DOCKERFILE, files).unwrap();
            assert_eq!(
                (p.server, p.value_of_ka()),
                ("uvicorn", Some(70.0)),
                "{cmd:?}"
            );
        }
        // A module the image does not hold: not identified.
        let b = task().cmd(&["python", "-m", "api.main"]).build();
        assert!(with_image(&b, DOCKERFILE, &[("main.py", run)]).is_err());
        // A module of the app shadows an installed one of the same name, as
        // `python -m` puts the working directory first on sys.path.
        let b = task()
            .cmd(&["python", "-m", "hypercorn", "app:app"])
            .build();
        let p = with_image(&b, DOCKERFILE, &[("hypercorn.py", run)]).unwrap();
        assert_eq!(p.server, "uvicorn");
    }

    #[test]
    fn default_keep_alive_is_five_seconds_at_the_uvicorn_word() {
        let b = task()
            .cmd(&["uvicorn", "main:app", "--host", "0.0.0.0"])
            .build();
        let p = b.profile();
        assert_eq!(p.server, "uvicorn");
        let at = b.at("\"uvicorn\"", "uvicorn");
        assert_default(
            ka(&p),
            5.0,
            "uvicorn default (no --timeout-keep-alive flag)",
            Some(&at),
        );
        assert!(p.graceful_timeout.is_none());
        assert!(p.request_timeout.is_none());
        assert_eq!((p.keep_alive_fix)(65.0), "--timeout-keep-alive 65");
    }

    #[test]
    fn flags_point_at_their_values() {
        let b = task()
            .cmd(&[
                "uvicorn",
                "main:app",
                "--timeout-keep-alive",
                "75",
                "--timeout-graceful-shutdown=20",
            ])
            .build();
        let p = b.profile();
        assert_explicit(ka(&p), 75.0, &b.at("\"75\"", "75"));
        assert_explicit(
            p.graceful_timeout.as_ref().unwrap(),
            20.0,
            &b.at("shutdown=20", "20"),
        );
        assert_eq!(
            (p.graceful_fix.unwrap())(25.0),
            "--timeout-graceful-shutdown 25"
        );
    }

    #[test]
    fn uvicorn_environment_variables_apply_when_no_flag() {
        let b = task()
            .env("UVICORN_TIMEOUT_KEEP_ALIVE", "61")
            .env("UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN", "15")
            .cmd(&["python", "-m", "uvicorn", "main:app"])
            .build();
        let p = b.profile();
        assert_explicit(ka(&p), 61.0, &b.at("\"61\"", "61"));
        assert_explicit(
            p.graceful_timeout.as_ref().unwrap(),
            15.0,
            &b.at("\"15\"", "15"),
        );
        assert!(
            (p.keep_alive_fix)(65.0)
                .starts_with("UVICORN_TIMEOUT_KEEP_ALIVE=65 (read from uvicorn 0.16")
        );
        assert_eq!(
            (p.graceful_fix.unwrap())(10.0),
            "UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN=10"
        );

        // The flag wins over the variable.
        let b = task()
            .env("UVICORN_TIMEOUT_KEEP_ALIVE", "61")
            .cmd(&["uvicorn", "main:app", "--timeout-keep-alive", "62"])
            .build();
        assert_eq!(ka(&b.profile()).value(), Some(&62.0));
    }

    #[test]
    fn unresolved_environment_is_not_a_default() {
        let b = task()
            .env_unresolved("UVICORN_TIMEOUT_KEEP_ALIVE", "var.keepalive has no value")
            .cmd(&["uvicorn", "main:app"])
            .build();
        assert_unresolved(
            ka(&b.profile()),
            &["UVICORN_TIMEOUT_KEEP_ALIVE", "var.keepalive has no value"],
        );
        let b = task()
            .env("UVICORN_TIMEOUT_KEEP_ALIVE", "soon")
            .cmd(&["uvicorn", "main:app"])
            .build();
        let u = assert_unresolved(ka(&b.profile()), &["`soon`", "not a number"]);
        assert_eq!(u.at, Some(b.at("\"soon\"", "soon")));
    }

    #[test]
    fn through_wrappers_in_a_script() {
        let b = task()
            .entry(&["/usr/bin/tini", "--"])
            .cmd(&["bash", "-lc", "alembic upgrade head && exec opentelemetry-instrument uvicorn app.main:app --timeout-keep-alive 65"])
            .build();
        let p = b.profile();
        assert_explicit(ka(&p), 65.0, &b.at("--timeout-keep-alive 65", "65"));
        assert_eq!(p.identified_at, Some(b.at("instrument uvicorn", "uvicorn")));

        let b = task().cmd(&[".venv/bin/uvicorn", "m:app"]).build();
        assert_eq!(b.profile().server, "uvicorn");
        let b = task().cmd(&["uv", "run", "uvicorn", "m:app"]).build();
        assert_eq!(b.profile().server, "uvicorn");
    }

    #[test]
    fn fastapi_run_is_uvicorn_with_defaults() {
        let b = task()
            .cmd(&["fastapi", "run", "app/main.py", "--port", "80"])
            .build();
        let p = b.profile();
        assert_eq!(p.server, "uvicorn");
        assert_default(
            ka(&p),
            5.0,
            "fastapi run",
            Some(&b.at("\"fastapi\"", "fastapi")),
        );
        assert!((p.keep_alive_fix)(65.0).contains("--timeout-keep-alive 65"));
        assert!(
            task()
                .cmd(&["fastapi", "--version"])
                .build()
                .identify()
                .is_err()
        );
    }

    #[test]
    fn timeouts_are_whole_seconds() {
        let b = task()
            .cmd(&["uvicorn", "m:app", "--timeout-keep-alive", "65.5"])
            .build();
        assert_unresolved(ka(&b.profile()), &["whole seconds", "65.5"]);
        let b = task()
            .env("UVICORN_TIMEOUT_KEEP_ALIVE", "70.5")
            .cmd(&["uvicorn", "m:app"])
            .build();
        assert_unresolved(ka(&b.profile()), &["UVICORN_TIMEOUT_KEEP_ALIVE is 70.5"]);
    }
}
