//! Hypercorn (DOMAIN.md row "hypercorn"; pgjones/hypercorn `__main__.py`,
//! `config.py`): `--keep-alive` (default 5 s) and `--graceful-timeout`
//! (default 3 s). A `-c/--config` file is read first and command-line flags
//! override it, so only values not given as flags become unknowable.

use super::args;
use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile, Unit, secs};
use crate::model::{Seconds, Setting};

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    if ctx.program()? != "hypercorn" {
        return None;
    }
    let config = args::find(ctx.args(), &["--config"], &["-c"]).map(|f| f.value);
    let setting = |flag: &str, key: &str, default: Seconds| -> Setting<Seconds> {
        if let Some(f) = args::find(ctx.args(), &[flag], &[]) {
            return ctx.seconds(
                &f.value,
                ctx.shell,
                &format!("hypercorn {flag}"),
                Unit::Seconds,
            );
        }
        match &config {
            Some(c) => Setting::unresolved(
                format!(
                    "hypercorn reads the config `{}`, which keepalign does not read, and it may \
                     set {key}; pass {flag} on the command line so keepalign can see it",
                    c.text
                ),
                c.at.clone().or_else(|| ctx.server_at()),
            ),
            None => ctx.default(default, format!("hypercorn default (no {flag} flag)")),
        }
    };
    Some(ServerProfile {
        server: "hypercorn",
        description: "hypercorn".into(),
        identified_at: ctx.server_at(),
        keep_alive: KeepAlive::Timeout(setting("--keep-alive", "keep_alive_timeout", 5.0)),
        graceful_timeout: Some(setting("--graceful-timeout", "graceful_timeout", 3.0)),
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix: |s| format!("--keep-alive {}", secs(s)),
        graceful_fix: Some(|s| format!("--graceful-timeout {}", secs(s))),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    #[test]
    fn defaults_are_five_and_three_seconds() {
        let b = task()
            .cmd(&["hypercorn", "app:app", "--bind", "0.0.0.0:8000"])
            .build();
        let p = b.profile();
        let at = b.at("\"hypercorn\"", "hypercorn");
        assert_eq!(p.server, "hypercorn");
        assert_default(
            ka(&p),
            5.0,
            "hypercorn default (no --keep-alive flag)",
            Some(&at),
        );
        assert_default(
            p.graceful_timeout.as_ref().unwrap(),
            3.0,
            "no --graceful-timeout flag",
            Some(&at),
        );
        assert_eq!((p.keep_alive_fix)(65.0), "--keep-alive 65");
        assert_eq!((p.graceful_fix.unwrap())(20.0), "--graceful-timeout 20");
    }

    #[test]
    fn flags_are_explicit() {
        let b = task()
            .cmd(&[
                "hypercorn",
                "--keep-alive",
                "75",
                "--graceful-timeout=25",
                "app:app",
            ])
            .build();
        let p = b.profile();
        assert_explicit(ka(&p), 75.0, &b.at("\"75\"", "75"));
        assert_explicit(
            p.graceful_timeout.as_ref().unwrap(),
            25.0,
            &b.at("timeout=25", "25"),
        );
    }

    #[test]
    fn a_config_file_makes_unset_values_unresolved() {
        let b = task()
            .cmd(&[
                "hypercorn",
                "-c",
                "hypercorn.toml",
                "--keep-alive",
                "70",
                "app:app",
            ])
            .build();
        let p = b.profile();
        assert_explicit(ka(&p), 70.0, &b.at("\"70\"", "70"));
        let u = assert_unresolved(
            p.graceful_timeout.as_ref().unwrap(),
            &["hypercorn.toml", "graceful_timeout"],
        );
        assert_eq!(u.at, Some(b.at("\"hypercorn.toml\"", "hypercorn.toml")));
        let p = task()
            .cmd(&[
                "python",
                "-m",
                "hypercorn",
                "--config=file:conf.py",
                "app:app",
            ])
            .build()
            .profile();
        assert_unresolved(ka(&p), &["`file:conf.py`", "keep_alive_timeout"]);
    }
}
