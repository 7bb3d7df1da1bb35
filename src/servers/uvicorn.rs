//! uvicorn (DOMAIN.md row "uvicorn"; encode/uvicorn `uvicorn/main.py`), and
//! `fastapi run`, which starts uvicorn with its defaults (fastapi/fastapi-cli
//! `cli.py` passes no keep-alive). The uvicorn CLI also reads every option
//! from `UVICORN_*` variables (click `auto_envvar_prefix`, from uvicorn 0.16);
//! a flag wins. Both timeout options are click integers: uvicorn refuses to
//! start with `--timeout-keep-alive 2.5`.

use super::args;
use super::{Invocation, KeepAlive, ServerProfile, Unit, secs};
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
        _ => None,
    }
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
