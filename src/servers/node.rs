//! Node.js HTTP servers (DOMAIN.md rows "Node.js http" and "Next.js";
//! nodejs/node `lib/_http_server.js`, vercel/next.js `bin/next.ts`).
//!
//! Node's keep-alive is set in code (`server.keepAliveTimeout`), which
//! keepalign cannot see, so `node app.js`, `npm start` and friends get Node's
//! default of 5000 ms. Next.js is the exception that is visible: `next start
//! --keepAliveTimeout <ms>`, and the standalone `server.js`, which reads
//! `KEEP_ALIVE_TIMEOUT` (ms) and ignores its arguments.

use super::args;
use super::command::basename;
use super::{Invocation, KeepAlive, ServerProfile, Unit, millis};
use crate::model::{Seconds, Setting};

const NODE_DEFAULT: &str =
    "Node.js http server default (server.keepAliveTimeout = 5000 ms; set in code)";

/// Options of npm and pnpm that take a value and may come before the
/// command (`npm --prefix web start`, `pnpm -C web start`).
const PACKAGE_MANAGER_OPTIONS: &[&str] = &[
    "--prefix",
    "-C",
    "--dir",
    "--workspace",
    "-w",
    "--filter",
    "--userconfig",
    "--loglevel",
];

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    let args = ctx.args();
    let first = args.first().map(|w| w.text.as_str());
    match ctx.program()? {
        "next" if first == Some("start") => Some(next_start(ctx)),
        "fastify" if first == Some("start") => Some(fastify_start(ctx)),
        "node" | "nodejs" | "ts-node" | "tsx" => Some(node(ctx)),
        p @ ("npm" | "pnpm")
            if matches!(
                args::positionals(args, PACKAGE_MANAGER_OPTIONS)
                    .first()
                    .map(|w| w.text.as_str()),
                Some("start" | "run" | "run-script")
            ) =>
        {
            Some(package_script(ctx, p))
        }
        "yarn" if first.is_some_and(|f| !f.starts_with('-')) => Some(package_script(ctx, "yarn")),
        "pm2-runtime" => Some(package_script(ctx, "pm2-runtime")),
        _ => None,
    }
}

fn code_fix(s: Seconds) -> String {
    format!(
        "server.keepAliveTimeout = {}; server.headersTimeout = {} (in the app's code, on the \
         http.Server)",
        millis(s),
        millis(s + 1.0)
    )
}

fn profile(ctx: &Invocation, description: String, keep_alive: Setting<Seconds>) -> ServerProfile {
    ServerProfile {
        server: "node",
        description,
        identified_at: ctx.server_at(),
        keep_alive: KeepAlive::Timeout(keep_alive),
        graceful_timeout: None,
        request_timeout: None,
        keep_alive_fix: code_fix,
        graceful_fix: None,
    }
}

fn node(ctx: &Invocation) -> ServerProfile {
    let positional = args::positionals(
        ctx.args(),
        &[
            "-r",
            "--require",
            "--import",
            "--loader",
            "--experimental-loader",
            "-e",
            "--eval",
        ],
    );
    let script = positional.first().map(|w| w.text.as_str()).unwrap_or("");
    match basename(script) {
        // `node node_modules/.bin/next start ...`
        "next" if positional.get(1).is_some_and(|w| w.text == "start") => next_start(ctx),
        // Next.js standalone output: reads KEEP_ALIVE_TIMEOUT, ignores its argv.
        "server.js" => match ctx.env_seconds("KEEP_ALIVE_TIMEOUT", Unit::Millis) {
            Some(ka) => ServerProfile {
                keep_alive_fix: |s| format!("KEEP_ALIVE_TIMEOUT={}", millis(s)),
                ..profile(
                    ctx,
                    format!("Next.js standalone server (node {script})"),
                    ka,
                )
            },
            None => ServerProfile {
                keep_alive_fix: |s| {
                    format!(
                        "{} (for a Next.js standalone server.js: KEEP_ALIVE_TIMEOUT={})",
                        code_fix(s),
                        millis(s)
                    )
                },
                ..profile(
                    ctx,
                    format!("Node.js (node {script})"),
                    ctx.default(5.0, NODE_DEFAULT),
                )
            },
        },
        _ => profile(
            ctx,
            if script.is_empty() {
                "Node.js".into()
            } else {
                format!("Node.js (node {script})")
            },
            ctx.default(5.0, NODE_DEFAULT),
        ),
    }
}

fn next_start(ctx: &Invocation) -> ServerProfile {
    let keep_alive = match args::find(ctx.args(), &["--keepAliveTimeout"], &[]) {
        Some(f) => ctx.seconds(
            &f.value,
            ctx.shell,
            "next start --keepAliveTimeout",
            Unit::Millis,
        ),
        None => ctx.default(
            5.0,
            "Node.js http server default (server.keepAliveTimeout = 5000 ms; no \
             --keepAliveTimeout flag on next start)",
        ),
    };
    ServerProfile {
        keep_alive_fix: |s| format!("--keepAliveTimeout {}", millis(s)),
        ..profile(ctx, "Next.js (next start)".into(), keep_alive)
    }
}

/// `fastify start app.js` (fastify-cli): Fastify's own `keepAliveTimeout`
/// default is 72 s (fastify `docs/Reference/Server.md`), not Node's 5 s; the
/// app may still set another in code.
fn fastify_start(ctx: &Invocation) -> ServerProfile {
    ServerProfile {
        keep_alive_fix: |s| {
            format!(
                "keepAliveTimeout: {} in the Fastify server options (in the app's code)",
                millis(s)
            )
        },
        ..profile(
            ctx,
            "Fastify (fastify start)".into(),
            ctx.default(
                72.0,
                "Fastify default (keepAliveTimeout = 72000 ms; set in code)",
            ),
        )
    }
}

/// `npm start`, `yarn start`, `pm2-runtime app.js`: a Node.js server whose
/// code and package.json script keepalign cannot see.
fn package_script(ctx: &Invocation, program: &str) -> ServerProfile {
    let args = args::positionals(ctx.args(), PACKAGE_MANAGER_OPTIONS);
    let shown = match (args.first(), args.get(1)) {
        _ if program == "pm2-runtime" => program.to_string(),
        (Some(run), Some(script)) if matches!(run.text.as_str(), "run" | "run-script") => {
            format!("{program} {} {}", run.text, script.text)
        }
        (Some(w), _) => format!("{program} {}", w.text),
        (None, _) => program.to_string(),
    };
    profile(
        ctx,
        format!("Node.js ({shown})"),
        ctx.default(5.0, NODE_DEFAULT),
    )
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    #[test]
    fn node_defaults_to_five_seconds_set_in_code() {
        let b = task()
            .cmd(&["node", "--enable-source-maps", "dist/main.js"])
            .build();
        let p = b.profile();
        assert_eq!(p.server, "node");
        assert_eq!(p.description, "Node.js (node dist/main.js)");
        assert_default(
            ka(&p),
            5.0,
            "server.keepAliveTimeout = 5000 ms; set in code",
            Some(&b.at("\"node\"", "node")),
        );
        assert_eq!(
            (p.keep_alive_fix)(65.0),
            "server.keepAliveTimeout = 65000; server.headersTimeout = 66000 (in the app's code, on the http.Server)"
        );
        assert!(p.graceful_timeout.is_none() && p.request_timeout.is_none());
    }

    #[test]
    fn package_manager_scripts_are_node() {
        for (cmd, desc) in [
            (&["npm", "start"][..], "Node.js (npm start)"),
            (
                &["npm", "run", "start:prod"],
                "Node.js (npm run start:prod)",
            ),
            (&["yarn", "start"], "Node.js (yarn start)"),
            (&["pnpm", "start"], "Node.js (pnpm start)"),
            (
                &["pm2-runtime", "ecosystem.config.js"],
                "Node.js (pm2-runtime)",
            ),
        ] {
            let b = task().cmd(cmd).build();
            let p = b.profile();
            assert_eq!(p.description, desc);
            assert_default(ka(&p), 5.0, "set in code", p.identified_at.as_ref());
        }
        assert!(task().cmd(&["npm", "install"]).build().identify().is_err());
        let p = task()
            .cmd(&["npm", "--prefix", "web", "start"])
            .build()
            .profile();
        assert_eq!(p.description, "Node.js (npm start)");
        let p = task()
            .cmd(&["pnpm", "-C", "apps/api", "run", "serve"])
            .build()
            .profile();
        assert_eq!(p.description, "Node.js (pnpm run serve)");
        assert!(
            task()
                .cmd(&["npm", "--prefix", "web", "install"])
                .build()
                .identify()
                .is_err()
        );
    }

    #[test]
    fn fastify_cli_uses_fastifys_72_seconds() {
        let b = task()
            .cmd(&["npx", "fastify", "start", "-l", "info", "app.js"])
            .build();
        let p = b.profile();
        assert_eq!(p.description, "Fastify (fastify start)");
        assert_default(
            ka(&p),
            72.0,
            "Fastify default",
            Some(&b.at("\"fastify\"", "fastify")),
        );
        assert!(
            task()
                .cmd(&["fastify", "generate", "x"])
                .build()
                .identify()
                .is_err()
        );
    }

    #[test]
    fn next_start_flag_is_milliseconds() {
        let b = task()
            .cmd(&[
                "npx",
                "next",
                "start",
                "-p",
                "3000",
                "--keepAliveTimeout",
                "65000",
            ])
            .build();
        let p = b.profile();
        assert_eq!(p.description, "Next.js (next start)");
        assert_explicit(ka(&p), 65.0, &b.at("\"65000\"", "65000"));
        assert_eq!((p.keep_alive_fix)(70.0), "--keepAliveTimeout 70000");

        let b = task()
            .cmd(&["next", "start", "--keepAliveTimeout=61500"])
            .build();
        assert_explicit(ka(&b.profile()), 61.5, &b.at("Timeout=61500", "61500"));

        let b = task().cmd(&["node_modules/.bin/next", "start"]).build();
        assert_default(
            ka(&b.profile()),
            5.0,
            "no --keepAliveTimeout flag",
            b.profile().identified_at.as_ref(),
        );

        let b = task()
            .cmd(&[
                "node",
                "node_modules/.bin/next",
                "start",
                "--keepAliveTimeout",
                "90000",
            ])
            .build();
        assert_eq!(ka(&b.profile()).value(), Some(&90.0));
    }

    #[test]
    fn next_standalone_reads_keep_alive_timeout_in_ms() {
        let b = task()
            .env("KEEP_ALIVE_TIMEOUT", "65000")
            .cmd(&["node", "server.js", "--keepAliveTimeout", "1000"])
            .build();
        let p = b.profile();
        assert_eq!(p.description, "Next.js standalone server (node server.js)");
        // server.js ignores its arguments: the variable is what counts.
        assert_explicit(ka(&p), 65.0, &b.at("\"65000\"", "65000"));
        assert_eq!((p.keep_alive_fix)(70.0), "KEEP_ALIVE_TIMEOUT=70000");

        let b = task()
            .env_unresolved("KEEP_ALIVE_TIMEOUT", "var.ka has no value")
            .cmd(&["node", "server.js"])
            .build();
        assert_unresolved(
            ka(&b.profile()),
            &["KEEP_ALIVE_TIMEOUT", "var.ka has no value"],
        );

        let b = task().cmd(&["node", "server.js"]).build();
        let p = b.profile();
        assert_default(ka(&p), 5.0, "set in code", p.identified_at.as_ref());
        assert!((p.keep_alive_fix)(65.0).contains("KEEP_ALIVE_TIMEOUT=65000"));
    }
}
