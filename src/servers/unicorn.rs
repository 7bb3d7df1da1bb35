//! Unicorn (DOMAIN.md row "Unicorn"): it does not support persistent
//! connections and closes every connection after its response, so there is
//! no keep-alive to race. SIGTERM (what ECS sends) is Unicorn's immediate
//! shutdown, so there is no graceful timeout either.

use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile};

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    if !matches!(ctx.program()?, "unicorn" | "unicorn_rails") {
        return None;
    }
    Some(ServerProfile {
        server: "unicorn",
        description: "Unicorn".into(),
        identified_at: ctx.server_at(),
        keep_alive: KeepAlive::ClosesEveryConnection {
            why: "Unicorn does not support persistent connections: it closes every connection \
                  after its response"
                .into(),
        },
        graceful_timeout: None,
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        // Never needed (no keep-alive rule applies), but must read after "set".
        keep_alive_fix: |_| "nothing: Unicorn closes every connection after its response".into(),
        graceful_fix: None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    #[test]
    fn unicorn_closes_every_connection() {
        let b = task()
            .cmd(&[
                "bundle",
                "exec",
                "unicorn",
                "-c",
                "config/unicorn.rb",
                "-E",
                "production",
            ])
            .build();
        let p = b.profile();
        assert_eq!(p.server, "unicorn");
        assert!(closes(&p).contains("does not support persistent connections"));
        assert_eq!(p.identified_at, Some(b.at("\"unicorn\"", "unicorn")));
        assert!(p.graceful_timeout.is_none());
        let p = task().cmd(&["unicorn_rails"]).build().profile();
        assert_eq!(p.server, "unicorn");
    }
}
