//! Varnish Cache (`varnishd`, or the official `varnish` image): it closes a
//! client connection idle for `timeout_idle`, 5 s by default (varnishd
//! parameter reference, `timeout_idle`, "Default: 5.000"), set with
//! `-p timeout_idle=SECONDS`. Behind a load balancer, Varnish is the
//! server the load balancer talks to.

use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile, Unit, secs};
use crate::model::Word;

/// The Varnish image, under any registry or organisation.
fn official(repo: &str) -> bool {
    repo.rsplit('/').next() == Some("varnish")
}

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    // The official image's entry point starts varnishd and passes the
    // command's options on.
    let options = ctx.options_for("varnishd", official)?;
    let keep_alive = match parameter(options, "timeout_idle") {
        Some(w) => ctx.seconds(&w, ctx.shell, "varnishd -p timeout_idle", Unit::Seconds),
        None => ctx.default(5.0, "Varnish default timeout_idle"),
    };
    Some(ServerProfile {
        server: "varnish",
        description: "Varnish".into(),
        identified_at: ctx.server_at(),
        keep_alive: KeepAlive::Timeout(keep_alive),
        graceful_timeout: None,
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix: |s| format!("-p timeout_idle={}", secs(s)),
        graceful_fix: None,
    })
}

/// The last `-p NAME=VALUE` (or `-pNAME=VALUE`) for `name`: its value,
/// located at the option.
fn parameter(args: &[Word], name: &str) -> Option<Word> {
    let mut found = None;
    let mut i = 0;
    while let Some(w) = args.get(i) {
        let text = w.text.as_str();
        let (setting, at) = if text == "-p" {
            i += 1;
            match args.get(i) {
                Some(v) => (v.text.as_str(), v),
                None => break,
            }
        } else if let Some(rest) = text.strip_prefix("-p") {
            (rest, w)
        } else {
            i += 1;
            continue;
        };
        if let Some(value) = setting
            .split_once('=')
            .filter(|(n, _)| n.trim() == name)
            .map(|(_, v)| v)
        {
            found = Some(Word::new(value, at.at.clone()));
        }
        i += 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    #[test]
    fn default_and_parameter() {
        let b = task()
            .cmd(&[
                "varnishd",
                "-F",
                "-a",
                ":80",
                "-f",
                "/etc/varnish/default.vcl",
            ])
            .build();
        let p = b.profile();
        assert_eq!(p.server, "varnish");
        assert_default(
            ka(&p),
            5.0,
            "timeout_idle",
            Some(&b.at("\"varnishd\"", "varnishd")),
        );
        assert_eq!((p.keep_alive_fix)(65.0), "-p timeout_idle=65");
        let b = task()
            .cmd(&[
                "varnishd",
                "-F",
                "-p",
                "timeout_idle=10",
                "-p",
                "timeout_idle=75",
                "-a",
                ":80",
            ])
            .build();
        assert_explicit(
            ka(&b.profile()),
            75.0,
            &b.at("\"timeout_idle=75\"", "timeout_idle=75"),
        );
    }

    #[test]
    fn official_image_with_options_as_command() {
        let b = task()
            .image("varnish:7.6")
            .cmd(&["-p", "timeout_idle=65"])
            .build();
        assert_eq!(b.profile().value_of_ka(), Some(65.0));
        let b = task().image("varnish:7.6").build();
        assert_eq!(b.profile().value_of_ka(), Some(5.0));
    }
}
