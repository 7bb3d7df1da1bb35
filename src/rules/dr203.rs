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
    /// ## Where an unset stopTimeout comes from
    ///
    /// On the EC2 launch type a container without `stopTimeout` gets the ECS
    /// agent's `ECS_CONTAINER_STOP_TIMEOUT` (default 30 s), which keepalign
    /// reads from the user data of the launch template or launch
    /// configuration that starts the cluster's instances, or from the
    /// cfn-init metadata (`AWS::CloudFormation::Init`) that writes
    /// `/etc/ecs/ecs.config` for them (linked by
    /// `ECS_CLUSTER`, or by capacity provider → Auto Scaling group → launch
    /// template). The launch type comes from the service's `launch_type`,
    /// its capacity provider strategy, a task definition that requires only
    /// `FARGATE`, or the cluster's default capacity provider strategy (EC2
    /// when it has none). An EC2 service whose instances' user data is not in
    /// the scan gets an unresolved-setting note instead; a service whose
    /// launch type is unknown is checked against 30 s, which the message says
    /// is assumed.
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
    /// graceful timeout. On EC2, setting `stopTimeout` in the container
    /// definition overrides the agent's `ECS_CONTAINER_STOP_TIMEOUT`; raising
    /// that in the user data works too, for every container on the instances.
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
    // Unset in the container, written in the instances' user data.
    let agent = chain.stop_timeout_agent.filter(|_| {
        matches!(
            stop_timeout,
            crate::model::Setting::Known {
                provenance: crate::model::Provenance::Explicit(_),
                ..
            }
        )
    });
    let (subject, label) = match agent {
        Some(a) => (
            format!(
                "container \"{}\" sets no stopTimeout, so ECS stops it after the agent's ECS_CONTAINER_STOP_TIMEOUT of {} (set by {})",
                container.name,
                describe(stop_timeout),
                a.id.address,
            ),
            format!("ECS_CONTAINER_STOP_TIMEOUT {}", describe(stop_timeout)),
        ),
        None => (
            format!(
                "stopTimeout of container \"{}\" is {}",
                container.name,
                describe(stop_timeout)
            ),
            format!("stopTimeout {}", describe(stop_timeout)),
        ),
    };
    let message = format!(
        "{subject}, below the {} graceful shutdown timeout of {}: ECS kills the server while it is still finishing requests",
        chain.server_named(server),
        describe(graceful),
    );
    let lower = server
        .graceful_fix
        .map(|f| format!(", or lower the graceful timeout ({})", f(stop)))
        .unwrap_or_default();
    let fix = match agent {
        Some(_) => format!(
            "set the container's stopTimeout to {} s (or raise ECS_CONTAINER_STOP_TIMEOUT in the user data){lower}",
            fmt_secs(g)
        ),
        None => format!(
            "raise the container's stopTimeout to {} s{lower}",
            fmt_secs(g)
        ),
    };
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
            label,
            related: vec![rel],
            // Fargate rejects a stopTimeout above 120 s: no blind suggestion then.
            suggestion: number_suggestion(stop_timeout, g).filter(|_| g <= 120.0),
        },
    );
}
