use super::{Checker, Diagnostic, describe, number_suggestion};
use crate::finding::Related;
use crate::linker::Chain;
use crate::model::fmt_secs;

declare_rule! {
    /// ## What it checks
    ///
    /// The container's `stopTimeout` (ECS default 30 s) must not be shorter than
    /// the server's graceful shutdown timeout (gunicorn `--graceful-timeout`,
    /// default 30; hypercorn `--graceful-timeout`, default 3; Puma
    /// `worker_shutdown_timeout`, default 30, in cluster mode only; uvicorn
    /// `--timeout-graceful-shutdown` when set).
    ///
    /// ## Why it matters
    ///
    /// ECS sends SIGTERM, waits `stopTimeout`, then SIGKILLs. A server still
    /// finishing requests gracefully is killed mid-response, and clients get
    /// **502**s during every deployment.
    ///
    /// ## Example
    ///
    /// ```json
    /// {"name": "app", "command": ["gunicorn", "--graceful-timeout", "60", "app:app"], "stopTimeout": 30}
    /// ```
    ///
    /// ## Fix
    ///
    /// Raise `stopTimeout` (Fargate allows up to 120 s) or lower the server's
    /// graceful timeout.
    pub struct Dr203 {
        id: "DR203",
        name: "stop-timeout-below-graceful-timeout",
        severity: Warning,
        summary: "the container's stopTimeout is below the server's graceful shutdown timeout",
    }
}

pub fn check(chain: &Chain<'_>, c: &mut Checker) {
    let (Ok(container), Ok(server)) = (&chain.container, &chain.server) else {
        return;
    };
    let Some(graceful) = &server.graceful_timeout else {
        return;
    };
    let what = format!("{} graceful timeout", server.server);
    let g = c.need(chain, "DR203", &what, graceful);
    let stop_timeout = &chain.stop_timeout;
    let stop = c.need(chain, "DR203", "the container's stopTimeout", stop_timeout);
    let (Some(g), Some(stop)) = (g, stop) else {
        return;
    };
    if stop >= g {
        return;
    }
    let message = format!(
        "stopTimeout of container \"{}\" is {}, below the {} graceful shutdown timeout of {}: ECS kills the server while it is still finishing requests",
        container.name,
        describe(stop_timeout),
        server.server,
        describe(graceful),
    );
    let lower = server
        .graceful_fix
        .map(|f| format!(", or lower the graceful timeout ({})", f(stop)))
        .unwrap_or_default();
    let fix = format!(
        "raise the container's stopTimeout to {} s{lower}",
        fmt_secs(g)
    );
    let primary = stop_timeout
        .location()
        .cloned()
        .unwrap_or(container.at.clone());
    let rel_at = graceful
        .location()
        .cloned()
        .or_else(|| server.identified_at.clone())
        .unwrap_or(container.at.clone());
    let rel = Related {
        location: rel_at,
        message: format!("{} graceful timeout {}", server.server, describe(graceful)),
    };
    c.report(
        &META,
        chain,
        Diagnostic {
            message,
            fix: Some(fix),
            location: Some(primary),
            label: format!("stopTimeout {}", describe(stop_timeout)),
            related: vec![rel],
            // Fargate rejects a stopTimeout above 120 s: no blind suggestion then.
            suggestion: number_suggestion(stop_timeout, g).filter(|_| g <= 120.0),
        },
    );
}
