//! ASP.NET Core on Kestrel (`dotnet App.dll`): Kestrel closes a connection
//! idle for `KestrelServerLimits.KeepAliveTimeout`, 130 s by default
//! (`KestrelServerLimits.cs`, "slightly more than SocketsHttpHandler's old
//! PooledConnectionIdleTimeout of 2 minutes"), set in the app's code
//! (`ConfigureKestrel`). Whether `Kestrel__Limits__KeepAliveTimeout` in the
//! environment applies depends on how the app builds its host, so when it
//! is set the value is unresolved rather than assumed.

use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile, secs};

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    if ctx.program()? != "dotnet" || !ctx.args().first()?.text.ends_with(".dll") {
        return None;
    }
    let keep_alive = match ctx.env("Kestrel__Limits__KeepAliveTimeout") {
        Some(Ok(w)) => ctx.unresolved(format!(
            "Kestrel__Limits__KeepAliveTimeout is `{}`, which applies only when the app binds \
             Kestrel's limits from configuration; keepalign cannot see the app's code, so declare \
             the keep-alive in keepalign.toml",
            w.display()
        )),
        Some(Err(u)) => crate::model::Setting::Unresolved(u),
        None => ctx.default(130.0, "Kestrel default KeepAliveTimeout"),
    };
    Some(ServerProfile {
        server: "kestrel",
        description: "ASP.NET Core (Kestrel)".into(),
        identified_at: ctx.server_at(),
        keep_alive: KeepAlive::Timeout(keep_alive),
        graceful_timeout: None,
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix: |s| {
            format!(
                "Limits.KeepAliveTimeout = TimeSpan.FromSeconds({}) in the app's ConfigureKestrel",
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
    fn kestrel_default_and_the_variable_it_may_not_read() {
        let b = task().cmd(&["dotnet", "Orders.Api.dll"]).build();
        let p = b.profile();
        assert_eq!(p.server, "kestrel");
        assert_default(
            ka(&p),
            130.0,
            "Kestrel",
            Some(&b.at("\"dotnet\"", "dotnet")),
        );
        let b = task()
            .cmd(&["dotnet", "Orders.Api.dll"])
            .env("Kestrel__Limits__KeepAliveTimeout", "00:00:30")
            .build();
        assert_unresolved(ka(&b.profile()), &["binds", "keepalign.toml"]);
        // `dotnet` tools are not servers.
        assert!(
            task()
                .cmd(&["dotnet", "ef", "database", "update"])
                .build()
                .identify()
                .is_err()
        );
    }
}
