//! Thruster, the HTTP/2 proxy Rails 8's Dockerfile puts in front of Puma
//! (`./bin/thrust ./bin/rails server`; basecamp/thruster
//! `internal/config.go`, `internal/server.go`). It is the process the load
//! balancer talks to, so its timeouts are the ones that count, not Puma's.
//!
//! Settings come from the environment, `THRUSTER_<NAME>` first, then
//! `<NAME>`, as whole seconds (`strconv.Atoi`); a value that is not an
//! integer is ignored and the default stays. The idle timeout
//! (`HTTP_IDLE_TIMEOUT`, 60 s) is Go's `http.Server.IdleTimeout`; the write
//! timeout (`HTTP_WRITE_TIMEOUT`, 30 s) ends a response still being
//! written, so a slower request never gets one.

use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile, secs};
use crate::model::{Seconds, Setting, Unresolved, Word};

/// The variable Thruster reads for `key` and its value, when either is set.
fn lookup(ctx: &Invocation, key: &str) -> Option<(String, Result<Word, Unresolved>)> {
    let prefixed = format!("THRUSTER_{key}");
    if let Some(v) = ctx.env(&prefixed) {
        return Some((prefixed, v));
    }
    ctx.env(key).map(|v| (key.to_string(), v))
}

/// A Thruster duration setting in seconds; `None` when it turns the
/// timeout off (Go: zero or negative, for the write timeout).
fn setting(ctx: &Invocation, key: &str, default: Seconds) -> Setting<Seconds> {
    let default_source =
        format!("Thruster default {key} (neither THRUSTER_{key} nor {key} is set)");
    match lookup(ctx, key) {
        None => ctx.default(default, default_source),
        Some((name, Err(u))) => Setting::unresolved(
            format!(
                "{name} is set to a value keepalign cannot resolve ({}); make it resolvable or \
                 set it to a literal number of seconds",
                u.reason.trim_end_matches('.')
            ),
            u.at.or_else(|| ctx.server_at()),
        ),
        Some((name, Ok(w))) => match w.text.parse::<i64>() {
            Ok(n) => match &w.at {
                Some(at) => Setting::explicit(n as Seconds, at.clone()),
                None => Setting::default(
                    n as Seconds,
                    format!("{name}={n} in the environment"),
                    ctx.server_at(),
                ),
            },
            // Thruster ignores a value it cannot read and keeps its default.
            Err(_) => Setting::default(
                default,
                format!(
                    "Thruster default {key} ({name} is `{}`, not a whole number of seconds, \
                     which Thruster ignores)",
                    w.display()
                ),
                w.at.clone().or_else(|| ctx.server_at()),
            ),
        },
    }
}

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    if ctx.program()? != "thrust" {
        return None;
    }
    let upstream = ctx
        .args()
        .iter()
        .map(|w| w.display())
        .collect::<Vec<_>>()
        .join(" ");
    let idle = setting(ctx, "HTTP_IDLE_TIMEOUT", 60.0);
    // Go's IdleTimeout of zero falls back to the read timeout, and a
    // negative one means none: neither is a value to compare as is.
    let idle = match idle.value() {
        Some(v) if *v <= 0.0 => ctx.unresolved(format!(
            "Thruster's HTTP_IDLE_TIMEOUT is {}, which Go reads as the read timeout (0) or as \
             no idle timeout (negative); keepalign does not follow it, so set a positive value",
            secs(*v)
        )),
        _ => idle,
    };
    let write = setting(ctx, "HTTP_WRITE_TIMEOUT", 30.0);
    let request_timeout = match write.value() {
        Some(v) if *v <= 0.0 => None,
        _ => Some(write),
    };
    Some(ServerProfile {
        server: "thruster",
        description: if upstream.is_empty() {
            "Thruster".to_string()
        } else {
            format!("Thruster (in front of {upstream})")
        },
        identified_at: ctx.server_at(),
        keep_alive: KeepAlive::Timeout(idle),
        // Thruster passes the stop signal to its upstream; how long that
        // takes is the upstream's, which keepalign does not follow here.
        graceful_timeout: None,
        request_timeout,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix: |s| format!("THRUSTER_HTTP_IDLE_TIMEOUT={} (environment)", secs(s)),
        graceful_fix: None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    #[test]
    fn rails_8_dockerfile_command_is_thruster() {
        let b = task()
            .cmd(&["./bin/thrust", "./bin/rails", "server"])
            .build();
        let p = b.profile();
        assert_eq!(p.server, "thruster");
        assert_eq!(p.description, "Thruster (in front of ./bin/rails server)");
        let at = b.at("\"./bin/thrust\"", "./bin/thrust");
        assert_default(
            ka(&p),
            60.0,
            "Thruster default HTTP_IDLE_TIMEOUT",
            Some(&at),
        );
        assert_default(
            p.request_timeout.as_ref().unwrap(),
            30.0,
            "HTTP_WRITE_TIMEOUT",
            Some(&at),
        );
        assert!(p.graceful_timeout.is_none());
        assert_eq!(
            (p.keep_alive_fix)(65.0),
            "THRUSTER_HTTP_IDLE_TIMEOUT=65 (environment)"
        );
    }

    #[test]
    fn prefixed_variable_wins_and_values_are_whole_seconds() {
        let b = task()
            .env("HTTP_IDLE_TIMEOUT", "70")
            .env("THRUSTER_HTTP_IDLE_TIMEOUT", "90")
            .cmd(&["bin/thrust", "bin/rails", "server"])
            .build();
        assert_explicit(ka(&b.profile()), 90.0, &b.at("\"90\"", "90"));
        let b = task()
            .env("HTTP_IDLE_TIMEOUT", "70")
            .cmd(&["bin/thrust", "bin/rails", "server"])
            .build();
        assert_explicit(ka(&b.profile()), 70.0, &b.at("\"70\"", "70"));
        // Not an integer: Thruster ignores it and keeps 60.
        let b = task()
            .env("THRUSTER_HTTP_IDLE_TIMEOUT", "65s")
            .cmd(&["bin/thrust", "bin/rails", "server"])
            .build();
        assert_default(
            ka(&b.profile()),
            60.0,
            "Thruster ignores",
            Some(&b.at("\"65s\"", "65s")),
        );
        let b = task()
            .env("HTTP_WRITE_TIMEOUT", "0")
            .cmd(&["bin/thrust", "bin/rails", "server"])
            .build();
        assert!(b.profile().request_timeout.is_none());
        let b = task()
            .env("HTTP_IDLE_TIMEOUT", "0")
            .cmd(&["bin/thrust", "bin/rails", "server"])
            .build();
        assert_unresolved(ka(&b.profile()), &["HTTP_IDLE_TIMEOUT is 0"]);
    }

    #[test]
    fn found_through_wrappers() {
        let p = task()
            .entry(&["/rails/bin/docker-entrypoint"])
            .cmd(&["./bin/thrust", "./bin/rails", "server"])
            .build()
            .identify();
        // The Rails entry point is a script keepalign cannot see through.
        assert!(p.is_err() || p.unwrap().server == "thruster");
        let p = task()
            .cmd(&[
                "sh",
                "-c",
                "bin/rails db:prepare && exec bin/thrust bin/rails server",
            ])
            .build()
            .profile();
        assert_eq!(p.server, "thruster");
    }
}
