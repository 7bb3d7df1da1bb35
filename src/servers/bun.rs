//! Bun (`bun run app.ts`, `bun app.ts`, or the `oven/bun` image, whose
//! entrypoint runs `bun` with a command that is not a program: `run
//! app.ts`).
//!
//! `Bun.serve` closes a connection idle for `idleTimeout` seconds, set only
//! in the app's code; its default is 10 (oven-sh/bun
//! `src/bun.js/api/server/ServerConfig.zig`: `idleTimeout: u8 = 10`; the
//! Bun reference documents `idleTimeout` as "the number of seconds to wait
//! before timing out a connection due to inactivity", at most 255). That is
//! below an ALB's default 60 s: KA101. keepalign does not read the app's
//! code, so the default is the value unless the service declares another in
//! keepalign.toml; an app serving through `node:http` (Express on Bun)
//! takes Bun's Node.js compatibility layer instead, which the source named
//! says so.

use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile, command::basename, secs};

/// Extensions of a script Bun runs.
const SCRIPTS: &[&str] = &[".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts"];

fn official(repo: &str) -> bool {
    let repo = repo.strip_prefix("docker.io/").unwrap_or(repo);
    repo == "oven/bun"
}

fn script(text: &str) -> bool {
    SCRIPTS.iter().any(|e| text.ends_with(e))
}

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    let args = match ctx.program()? {
        "bun" => ctx.args(),
        // The official image's entrypoint puts `bun` in front.
        _ if ctx.image().is_some_and(|i| official(&i.repo))
            && ctx
                .argv
                .first()
                .is_some_and(|w| w.text == "run" || script(&w.text)) =>
        {
            &ctx.argv[..]
        }
        _ => return None,
    };
    // `bun run FILE` or `bun FILE` (options such as `--smol` may come first).
    let mut rest = args.iter().skip_while(|w| w.text.starts_with('-'));
    let first = rest.next()?;
    let file = if first.text == "run" {
        rest.find(|w| !w.text.starts_with('-'))?
    } else {
        first
    };
    if !script(&file.text) {
        return None;
    }
    Some(ServerProfile {
        server: "bun",
        description: format!("Bun ({})", basename(&file.text)),
        identified_at: ctx.server_at(),
        keep_alive: KeepAlive::Timeout(ctx.default(
            10.0,
            "Bun.serve default idleTimeout (src/bun.js/api/server/ServerConfig.zig; set only \
             in the app's code, and an app on node:http differs)",
        )),
        graceful_timeout: None,
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix: |s| {
            format!(
                "idleTimeout: {} in the app's Bun.serve({{ … }}) options (code only; at most 255)",
                secs(s.ceil())
            )
        },
        graceful_fix: None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    #[test]
    fn bun_serve_defaults_to_ten_seconds() {
        let b = task().cmd(&["bun", "run", "src/index.ts"]).build();
        let p = b.profile();
        assert_eq!(p.server, "bun");
        assert_default(
            ka(&p),
            10.0,
            "ServerConfig.zig",
            Some(&b.at("\"bun\"", "bun")),
        );
        assert_eq!(
            (p.keep_alive_fix)(65.0),
            "idleTimeout: 65 in the app's Bun.serve({ … }) options (code only; at most 255)"
        );
        let b = task().cmd(&["bun", "--smol", "server.js"]).build();
        assert_eq!(b.profile().value_of_ka(), Some(10.0));
        // The official image runs `bun` in front of the command.
        let b = task()
            .image("oven/bun:1.2")
            .cmd(&["run", "index.ts"])
            .build();
        assert_eq!(b.profile().server, "bun");
    }

    #[test]
    fn bun_without_a_script_is_not_taken_for_a_server() {
        for cmd in [
            &["bun", "install"][..],
            &["bun"],
            &["bun", "run"],
            &["bun", "run", "build"],
        ] {
            assert!(task().cmd(cmd).build().identify().is_err(), "{cmd:?}");
        }
        assert!(task().image("oven/bun:1").build().identify().is_err());
    }
}
