//! A Go program built in the image (a build stage `FROM golang…` whose `RUN`
//! has `go build -o BINARY`, and the container runs that binary): Go's
//! `net/http` server, or a framework on it.
//!
//! `http.Server.IdleTimeout` is "the maximum amount of time to wait for the
//! next request when keep-alives are enabled. If zero, the value of
//! ReadTimeout is used. If negative, or if zero and ReadTimeout is zero or
//! negative, there is no timeout" (Go `net/http` documentation, `Server`).
//! Both are set only in the program's code, and frameworks set their own
//! (Gin leaves `net/http`'s, Fiber's fasthttp has its own), so the
//! keep-alive is not knowable from the infrastructure code: it is unknown,
//! with that reason, not "no limit". Only a binary the Dockerfile in the
//! scan builds with `go build -o` is recognised; any other program stays
//! unrecognised (UN002).

use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile, command::basename};
use crate::model::Setting;
use crate::source::Location;

/// How many bytes of a build stage are looked at.
const MAX_STAGE: usize = 64 * 1024;

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    let files = ctx.files.as_ref()?;
    let program = basename(&ctx.argv.first()?.text);
    if program.is_empty() {
        return None;
    }
    let d = files.dockerfile;
    let text = &d.file.text;
    // Each stage's text: from its FROM to the next stage's.
    let starts: Vec<usize> = d.stages.iter().map(|s| s.at.span.start).collect();
    let built = d.stages.iter().enumerate().find_map(|(i, stage)| {
        let base = super::split_image(&stage.from.text);
        if base.name != "golang" {
            return None;
        }
        let start = starts[i];
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        let end = end.min(start.saturating_add(MAX_STAGE)).min(text.len());
        let body = text.get(start..end)?;
        let build = body.find("go build")?;
        // The RUN instruction goes on while a line ends with `\`.
        let mut line_end = build;
        for line in body[build..].split_inclusive('\n') {
            line_end += line.len();
            if !line.trim_end().ends_with('\\') {
                break;
            }
        }
        let words: Vec<&str> = body[build..line_end]
            .split_whitespace()
            .filter(|w| *w != "\\")
            .collect();
        let output = words
            .windows(2)
            .find(|w| w[0] == "-o")
            .map(|w| w[1])
            .or_else(|| words.iter().find_map(|w| w.strip_prefix("-o=")))?;
        (basename(output) == program)
            .then(|| Location::new(&d.file, start + build..start + build + 8))
    })?;
    Some(ServerProfile {
        server: "go",
        description: format!("Go program `{program}`"),
        identified_at: Some(built.clone()),
        keep_alive: KeepAlive::Timeout(Setting::unresolved(
            format!(
                "`{program}` is a Go program built by this Dockerfile; its HTTP server's idle \
                 timeout is set only in its code (net/http's Server.IdleTimeout, which falls back \
                 to ReadTimeout, and no timeout when both are zero; frameworks set their own), so \
                 keepalign cannot see it; declare it in keepalign.toml ([[service]] with server = \
                 \"go\" and keep-alive)"
            ),
            ctx.server_at().or(Some(built)),
        )),
        graceful_timeout: None,
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix: |s| {
            format!(
                "IdleTimeout: {} * time.Second in the program's http.Server (code only)",
                super::secs(s.ceil())
            )
        },
        graceful_fix: None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    const DOCKERFILE: &str = "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath \\\n    -o /out/api ./cmd/api\n\nFROM gcr.io/distroless/static\nCOPY --from=build /out/api /api\nENTRYPOINT [\"/api\"]\n";

    #[test]
    fn a_go_binary_built_here_is_recognised_with_an_unknown_keep_alive() {
        // As the image's ENTRYPOINT runs it (the task definition gives the
        // same command here).
        let b = task().image("123.dkr.ecr/api:1").cmd(&["/api"]).build();
        let p = with_image(&b, DOCKERFILE, &[("go.mod", "module api\n")]).unwrap();
        assert_eq!(p.server, "go");
        let u = assert_unresolved(ka(&p), &["Go program", "IdleTimeout", "ReadTimeout"]);
        assert!(u.at.is_some());
        assert_eq!(
            (p.keep_alive_fix)(65.0),
            "IdleTimeout: 65 * time.Second in the program's http.Server (code only)"
        );
    }

    #[test]
    fn other_programs_are_not_taken_for_go() {
        let b = task()
            .image("123.dkr.ecr/api:1")
            .cmd(&["/app/worker"])
            .build();
        assert!(with_image(&b, DOCKERFILE, &[("go.mod", "")]).is_err());
        let b = task().image("123.dkr.ecr/api:1").cmd(&["/api"]).build();
        assert!(with_image(&b, "FROM debian:12\nCOPY api /api\n", &[("api", "")]).is_err());
        // No Dockerfile: a bare binary is not Go.
        assert!(task().cmd(&["/api"]).build().identify().is_err());
    }
}
