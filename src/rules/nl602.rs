use super::{Checker, Diagnostic, describe, related};
use crate::linker::Chain;
use crate::model::{LbKind, fmt_secs};

/// An NLB TCP listener's idle timeout at or below this needs nothing of
/// the targets' connection tracking.
const NLB_DEFAULT_IDLE: f64 = super::nl601::NLB_TCP_IDLE_DEFAULT;

declare_rule! {
    /// ## What it checks
    ///
    /// Behind a Network Load Balancer TCP listener whose TCP idle timeout
    /// is raised above 350 s (`tcp_idle_timeout_seconds`,
    /// `tcp.idle_timeout.seconds`), an ECS service on the EC2 launch type in
    /// `bridge` or `host` network mode, on instances whose launch template
    /// sets `connection_tracking_specification.tcp_established_timeout`
    /// (`ConnectionTrackingSpecification.TcpEstablishedTimeout`) below that
    /// idle timeout.
    ///
    /// ## Why it matters
    ///
    /// EC2 tracks the established TCP flows of a network interface and
    /// forgets one idle for `tcp_established_timeout` (432,000 s unless the
    /// launch template lowers it). A flow the NLB still keeps but the
    /// instance has forgotten is dropped: the next packet of a long idle
    /// connection goes nowhere, and the client sees a timeout or a reset.
    /// AWS asks for the target's connection tracking timeout to be at least
    /// the NLB's idle timeout when the latter is raised above 350 s.
    ///
    /// In `awsvpc` network mode each task has its own network interface,
    /// which the launch template does not configure: not checked. Fargate
    /// is not checked either.
    ///
    /// Sources: Elastic Load Balancing, "Listeners for your Network Load
    /// Balancers" (connection idle timeout, and the note on connection
    /// tracking of targets); Amazon EC2, "Idle connection tracking timeout"
    /// (`tcp_established_timeout`, 432,000 s default, 60–432,000).
    ///
    /// ## Example
    ///
    /// ```hcl
    /// resource "aws_lb_listener" "tcp" {
    ///   protocol                 = "TCP"
    ///   tcp_idle_timeout_seconds = 1800
    /// }
    /// resource "aws_launch_template" "ecs" {
    ///   network_interfaces {
    ///     connection_tracking_specification {
    ///       tcp_established_timeout = 600
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    ///
    /// Raise the launch template's `tcp_established_timeout` to at least the
    /// NLB's TCP idle timeout, or lower the idle timeout.
    pub struct Nl602 {
        id: "NL602",
        name: "nlb-idle-above-conntrack",
        severity: Note,
        summary: "an NLB keeps idle flows longer than its EC2 targets' connection tracking",
    }
}

pub fn check(chain: &Chain<'_>, c: &mut Checker) {
    let Ok(lb) = &chain.load_balancer else {
        return;
    };
    if lb.kind.value() != Some(&LbKind::Network) || chain.instance_configs.is_empty() {
        return;
    }
    let Some(listener) = chain.listener else {
        return;
    };
    // TLS listeners keep 350 s; UDP flows are not TCP.
    if !matches!(listener.protocol.as_deref(), Some("TCP" | "TCP_UDP")) {
        return;
    }
    let Some(idle_setting) = &listener.tcp_idle_timeout else {
        return;
    };
    let Some(idle) = idle_setting.value().copied() else {
        return; // NL601 reports it unknown
    };
    if idle <= NLB_DEFAULT_IDLE {
        return;
    }
    let mode = chain
        .task_definition
        .as_ref()
        .ok()
        .and_then(|td| td.network_mode.as_deref())
        .unwrap_or("bridge");
    if mode == "awsvpc" {
        return;
    }
    for config in &chain.instance_configs {
        let Some(tracking) = &config.tcp_established_timeout else {
            continue;
        };
        let what = format!("the tcp_established_timeout of {}", config.id.address);
        let Some(established) = c.need(chain, "NL602", &what, tracking) else {
            continue;
        };
        if established >= idle {
            continue;
        }
        c.report(
            &META,
            chain,
            Diagnostic {
                message: format!(
                    "the NLB keeps idle TCP flows {} s, but the instances launched from {} \
                     ({mode} network mode) forget an established flow after {} s (its \
                     connection tracking): a connection idle longer than that is dropped at the \
                     instance while the NLB still forwards it",
                    fmt_secs(idle),
                    config.id.address,
                    fmt_secs(established),
                ),
                fix: Some(format!(
                    "raise tcp_established_timeout in {} to at least {} s, or lower the \
                     listener's tcp_idle_timeout_seconds to {} s",
                    config.id.address,
                    fmt_secs(idle),
                    fmt_secs(established)
                )),
                location: tracking.location().cloned().or(Some(config.at.clone())),
                label: format!("tcp_established_timeout {}", describe(tracking)),
                related: vec![related(
                    idle_setting,
                    &listener.at,
                    format!("NLB TCP idle timeout {}", describe(idle_setting)),
                )],
                suggestion: None,
            },
        );
    }
}
