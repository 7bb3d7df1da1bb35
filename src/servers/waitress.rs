//! Waitress (DOMAIN.md row "waitress"; Pylons/waitress `adjustments.py`):
//! `--channel-timeout` (default 120 s) closes idle connections, checked on a
//! 30 s sweep, so a connection lives at least that long.

use super::args;
use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile, Unit, secs};

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    if !matches!(ctx.program()?, "waitress-serve" | "waitress") {
        return None;
    }
    let keep_alive = match args::find(ctx.args(), &["--channel-timeout"], &[]) {
        Some(f) => ctx.seconds(
            &f.value,
            ctx.shell,
            "waitress --channel-timeout",
            Unit::Seconds,
        ),
        None => ctx.default(120.0, "waitress default (no --channel-timeout flag)"),
    };
    Some(ServerProfile {
        server: "waitress",
        description: "waitress".into(),
        identified_at: ctx.server_at(),
        keep_alive: KeepAlive::Timeout(keep_alive),
        graceful_timeout: None,
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix: |s| format!("--channel-timeout={}", secs(s)),
        graceful_fix: None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    #[test]
    fn channel_timeout_default_and_flag() {
        let b = task()
            .cmd(&["waitress-serve", "--port=8080", "--call", "app:create_app"])
            .build();
        let p = b.profile();
        assert_eq!(p.server, "waitress");
        assert_default(
            ka(&p),
            120.0,
            "no --channel-timeout flag",
            Some(&b.at("\"waitress-serve\"", "waitress-serve")),
        );
        assert_eq!((p.keep_alive_fix)(65.0), "--channel-timeout=65");

        let b = task()
            .cmd(&[
                "python",
                "-m",
                "waitress",
                "--channel-timeout=90",
                "app:app",
            ])
            .build();
        let p = b.profile();
        assert_explicit(ka(&p), 90.0, &b.at("timeout=90", "90"));
        assert_eq!(p.identified_at, Some(b.at("\"waitress\"", "waitress")));
    }
}
