//! Deno (`deno run …`, `deno serve …`, or the `denoland/deno` image, whose
//! entrypoint runs `deno` with a command that is a Deno subcommand).
//!
//! `Deno.serve` (and `deno serve`) has no idle-timeout option. It serves
//! HTTP/1.1 through hyper with keep-alive on and no idle timer of its own
//! (denoland/deno `ext/http/http_next.rs`, `serve_http11_unconditional`:
//! `http1::Builder::new()` with `keep_alive(true)`, no `timer` and no
//! `header_read_timeout`), so how long an idle connection lives is hyper's
//! behaviour, which keepalign has not settled from a source; an app on
//! `node:http` takes Deno's Node.js compatibility layer instead. The
//! keep-alive is therefore unknown, with that reason, until the service
//! declares it in keepalign.toml.

use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile};

fn official(repo: &str) -> bool {
    let repo = repo.strip_prefix("docker.io/").unwrap_or(repo);
    matches!(repo, "denoland/deno" | "denoland/deno/bin")
}

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    let sub = match ctx.program()? {
        "deno" => ctx.args().first()?,
        _ if ctx.image().is_some_and(|i| official(&i.repo)) => ctx.argv.first()?,
        _ => return None,
    };
    if !matches!(sub.text.as_str(), "run" | "serve") {
        return None;
    }
    Some(ServerProfile {
        server: "deno",
        description: format!("Deno (deno {})", sub.text),
        identified_at: ctx.server_at(),
        keep_alive: KeepAlive::Timeout(ctx.unresolved(
            "Deno.serve has no idle-timeout option, and serves HTTP/1.1 through hyper with no idle \
             timer of its own (ext/http/http_next.rs), so how long it keeps an idle connection is \
             not settled; measure it, or declare the keep-alive in keepalign.toml ([[service]] \
             with keep-alive)",
        )),
        graceful_timeout: None,
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix: |s| {
            format!(
                "the keep-alive of the Deno app to {} s (Deno.serve has no option: close idle \
                 connections in code, or put a proxy in front)",
                super::secs(s)
            )
        },
        graceful_fix: None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    #[test]
    fn deno_is_recognised_and_its_keep_alive_is_unknown_with_the_reason() {
        let b = task()
            .cmd(&["deno", "run", "--allow-net", "main.ts"])
            .build();
        let p = b.profile();
        assert_eq!(p.server, "deno");
        let u = assert_unresolved(ka(&p), &["no idle-timeout option", "http_next.rs"]);
        assert_eq!(u.at, Some(b.at("\"deno\"", "deno")));
        let b = task()
            .cmd(&["deno", "serve", "--port", "8000", "main.ts"])
            .build();
        assert_eq!(b.profile().server, "deno");
        let b = task()
            .image("denoland/deno:2.1.4")
            .cmd(&["run", "--allow-net", "main.ts"])
            .build();
        assert_eq!(b.profile().server, "deno");
        assert!(task().cmd(&["deno", "test"]).build().identify().is_err());
        assert!(task().cmd(&["deno"]).build().identify().is_err());
    }
}
