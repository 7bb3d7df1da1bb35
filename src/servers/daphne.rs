//! Daphne (DOMAIN.md row "daphne"; django/daphne): connections are Twisted's
//! HTTP channels, which close after 60 s idle, and daphne has no option for
//! it. `--http-timeout` (unset by default) answers 503 to a request that runs
//! longer.

use super::args;
use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile, Unit, secs};

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    if ctx.program()? != "daphne" {
        return None;
    }
    let request_timeout = args::find(ctx.args(), &["--http-timeout"], &[])
        .map(|f| ctx.seconds(&f.value, ctx.shell, "daphne --http-timeout", Unit::Seconds));
    Some(ServerProfile {
        server: "daphne",
        description: "daphne".into(),
        identified_at: ctx.server_at(),
        keep_alive: KeepAlive::Timeout(ctx.default(
            60.0,
            "Twisted's HTTP idle timeout used by daphne (daphne has no keep-alive option)",
        )),
        graceful_timeout: None,
        request_timeout,
        request_timeout_end: RequestTimeoutEnd::Killed,
        // Read after "set": daphne has no option, so the change is another server.
        keep_alive_fix: |s| {
            format!(
                "uvicorn --timeout-keep-alive {} in place of daphne (daphne has no keep-alive \
                 option; Twisted closes idle connections after 60 s)",
                secs(s)
            )
        },
        graceful_fix: None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    #[test]
    fn twisted_default_applies() {
        let b = task()
            .cmd(&[
                "daphne",
                "-b",
                "0.0.0.0",
                "-p",
                "8000",
                "proj.asgi:application",
            ])
            .build();
        let p = b.profile();
        assert_eq!(p.server, "daphne");
        assert_default(ka(&p), 60.0, "Twisted", Some(&b.at("\"daphne\"", "daphne")));
        assert!(p.request_timeout.is_none());
        assert!(p.graceful_timeout.is_none());
        assert!(
            (p.keep_alive_fix)(65.0)
                .starts_with("uvicorn --timeout-keep-alive 65 in place of daphne")
        );
    }

    #[test]
    fn http_timeout_is_a_request_timeout() {
        let b = task()
            .cmd(&["daphne", "--http-timeout", "45", "proj.asgi:application"])
            .build();
        let p = b.profile();
        assert_explicit(
            p.request_timeout.as_ref().unwrap(),
            45.0,
            &b.at("\"45\"", "45"),
        );
    }
}
