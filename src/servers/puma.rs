//! Puma, also as `rails server` (DOMAIN.md row "Puma"; puma/puma
//! `lib/puma/configuration.rb`, `History.md`).
//!
//! The persistent (keep-alive) timeout default changed from 20 s to 65 s in
//! Puma 7.0, and nothing in a task definition tells the Puma version, so the
//! default is never guessed: only `PUMA_PERSISTENT_TIMEOUT` (read from Puma
//! 7.0.3, `History.md`) makes it known. A fix therefore names
//! `persistent_timeout` in `config/puma.rb`, which every version reads.
//!
//! `worker_shutdown_timeout` bounds shutdown in cluster mode only
//! (`dsl.rb`); in single mode (`-w 0`) Puma waits for running requests
//! without a bound.

use super::args;
use super::command::basename;
use super::{Invocation, KeepAlive, ServerProfile, Unit, secs};

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    let mut program = ctx.program()?;
    let mut rest = ctx.args();
    // `ruby bin/rails server`, `ruby bin/puma`.
    if program == "ruby" {
        program = basename(&rest.first()?.text);
        rest = &rest[1..];
    }
    let description = match program {
        "puma" => "Puma".to_string(),
        // `pumactl start` runs Puma in the foreground; other subcommands
        // control a running one.
        "pumactl" => {
            let start = args::positionals(
                rest,
                &[
                    "-S",
                    "--state",
                    "-P",
                    "--pidfile",
                    "-C",
                    "--control-url",
                    "-T",
                    "--control-token",
                    "-F",
                    "--config-file",
                    "-p",
                    "--pid",
                ],
            );
            if start.first().map(|w| w.text.as_str()) != Some("start") {
                return None;
            }
            "Puma (pumactl start)".to_string()
        }
        "rails" => {
            let sub = rest.first()?.text.as_str();
            if !matches!(sub, "server" | "s") {
                return None;
            }
            // `rails server -u thin` runs another Rack server.
            if let Some(using) = args::find(&rest[1..], &["--using"], &["-u"])
                && using.value.text != "puma"
            {
                return None;
            }
            format!("Puma (rails {sub})")
        }
        _ => return None,
    };
    // Cluster mode (`-w N`, N > 0) bounds shutdown by worker_shutdown_timeout;
    // single mode does not. Without -w, config/puma.rb or WEB_CONCURRENCY
    // may choose either, and the cluster default is kept.
    let workers = (program == "puma")
        .then(|| args::find(rest, &["--workers"], &["-w"]))
        .flatten()
        .and_then(|f| f.value.text.trim().parse::<u64>().ok());
    let graceful_timeout = match workers {
        Some(0) => None,
        Some(_) => Some(ctx.default(
            30.0,
            "Puma default worker_shutdown_timeout (cluster mode; config/puma.rb may change it)",
        )),
        None => Some(ctx.default(
            30.0,
            "Puma default worker_shutdown_timeout (applies in cluster mode; config/puma.rb may \
             change it)",
        )),
    };
    let keep_alive = ctx
        .env_seconds("PUMA_PERSISTENT_TIMEOUT", Unit::Seconds)
        .unwrap_or_else(|| {
            ctx.unresolved(
                "Puma's persistent_timeout default is 20 s before Puma 7.0 and 65 s from 7.0, \
                 and the Puma version is not known from the task definition; set \
                 PUMA_PERSISTENT_TIMEOUT (read from Puma 7.0.3) in the container's environment \
                 so the value is visible in the task definition, or declare the keep-alive in \
                 keepalign.toml",
            )
        });
    Some(ServerProfile {
        server: "puma",
        description,
        identified_at: ctx.server_at(),
        keep_alive: KeepAlive::Timeout(keep_alive),
        graceful_timeout,
        request_timeout: None,
        // The DSL works on every Puma version; the variable only from 7.0.3.
        keep_alive_fix: |s| {
            format!(
                "persistent_timeout {} in config/puma.rb (or the file given with -C; every Puma \
                 version reads it, while PUMA_PERSISTENT_TIMEOUT is read only from Puma 7.0.3)",
                secs(s)
            )
        },
        graceful_fix: Some(|s| format!("worker_shutdown_timeout {} (config/puma.rb)", secs(s))),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    #[test]
    fn unknown_version_is_unresolved_not_guessed() {
        let b = task()
            .cmd(&["bundle", "exec", "puma", "-C", "config/puma.rb"])
            .build();
        let p = b.profile();
        assert_eq!(p.server, "puma");
        let u = assert_unresolved(
            ka(&p),
            &[
                "20 s before Puma 7.0",
                "65 s from 7.0",
                "PUMA_PERSISTENT_TIMEOUT",
            ],
        );
        assert_eq!(u.at, Some(b.at("\"puma\"", "puma")));
        assert_default(
            p.graceful_timeout.as_ref().unwrap(),
            30.0,
            "worker_shutdown_timeout",
            Some(&b.at("\"puma\"", "puma")),
        );
        assert!(
            (p.keep_alive_fix)(65.0).starts_with("persistent_timeout 65 in config/puma.rb"),
            "{}",
            (p.keep_alive_fix)(65.0)
        );
        assert!((p.keep_alive_fix)(65.0).contains("only from Puma 7.0.3"));
        assert_eq!(
            (p.graceful_fix.unwrap())(20.0),
            "worker_shutdown_timeout 20 (config/puma.rb)"
        );
    }

    #[test]
    fn single_mode_shutdown_is_unbounded() {
        let p = task()
            .cmd(&["bundle", "exec", "puma", "-w", "0"])
            .build()
            .profile();
        assert!(p.graceful_timeout.is_none());
        let p = task()
            .cmd(&["bundle", "exec", "puma", "--workers", "4"])
            .build()
            .profile();
        assert_eq!(p.graceful_timeout.unwrap().value(), Some(&30.0));
    }

    #[test]
    fn persistent_timeout_variable_is_explicit() {
        let b = task()
            .env("PUMA_PERSISTENT_TIMEOUT", "75")
            .cmd(&["bin/rails", "server", "-b", "0.0.0.0"])
            .build();
        let p = b.profile();
        assert_eq!(p.description, "Puma (rails server)");
        assert_explicit(ka(&p), 75.0, &b.at("\"75\"", "75"));
    }

    #[test]
    fn rails_variants() {
        for cmd in [
            &["rails", "s"][..],
            &["./bin/rails", "server", "-p", "3000"],
            &["bundle", "exec", "rails", "server"],
            &["ruby", "bin/rails", "server"],
            &["rails", "server", "-u", "puma"],
            &[
                "sh",
                "-c",
                "bundle exec rails db:migrate && bundle exec rails s -b 0.0.0.0",
            ],
        ] {
            let p = task().cmd(cmd).build().profile();
            assert_eq!(p.server, "puma", "{cmd:?}");
        }
        let p = task()
            .cmd(&["bundle", "exec", "pumactl", "-F", "config/puma.rb", "start"])
            .build()
            .profile();
        assert_eq!(p.description, "Puma (pumactl start)");
        for cmd in [
            &["pumactl", "restart"][..],
            &["rails", "console"],
            &["rails", "server", "-u", "thin"],
            &["rails"],
        ] {
            assert!(task().cmd(cmd).build().identify().is_err(), "{cmd:?}");
        }
    }
}
