use super::{Checker, Diagnostic, describe, predicate, related};
use crate::linker::Chain;
use crate::model::Seconds;
use crate::model::{LbKind, Setting, fmt_secs};
use crate::servers::{KeepAlive, ServerProfile};

/// An NLB forgets an idle TCP flow after this long unless the listener
/// sets `tcp_idle_timeout_seconds` (TLS listeners: always).
pub const NLB_TCP_IDLE_DEFAULT: f64 = 350.0;

declare_rule! {
    /// ## What it checks
    ///
    /// Behind a Network Load Balancer's TCP or TLS listener, the server's
    /// keep-alive idle timeout must be below the listener's TCP idle
    /// timeout: 350 s by default, set on a TCP listener with
    /// `tcp_idle_timeout_seconds` (`aws_lb_listener`, AWS provider 5.73 and
    /// later) or the listener attribute `tcp.idle_timeout.seconds`
    /// (CloudFormation `ListenerAttributes`), 60 to 6000 s; TLS listeners
    /// keep 350 s.
    ///
    /// ## Why it matters
    ///
    /// An NLB does not hold connections of its own: it forwards each
    /// client's TCP flow to a target and forgets the flow once it has been
    /// idle for the TCP idle timeout. A server that keeps an idle
    /// connection open longer than that still believes in it; the client's
    /// next request on it reaches an NLB that no longer knows the flow and
    /// answers with a TCP reset. This is the opposite direction of KA101:
    /// here the server's keep-alive must be the shorter one. A server that
    /// never closes an idle connection (Tomcat's `-1`, Envoy's
    /// `idle_timeout: 0`, HAProxy with no client timeout) is always above
    /// it. TCP keepalive probes below the idle timeout
    /// (`net.ipv4.tcp_keepalive_time` in `systemControls`) keep a flow
    /// alive only when the server enables `SO_KEEPALIVE` on its sockets,
    /// which keepalign cannot see.
    ///
    /// Not checked for ALBs and Classic ELBs (KA101 is), nor for UDP
    /// listeners, nor for servers that close every connection after the
    /// response.
    ///
    /// Sources: Elastic Load Balancing, "Listeners for your Network Load
    /// Balancers" (connection idle timeout, 350 s default, 60–6000 s for
    /// TCP listeners); the AWS provider's `aws_lb_listener`
    /// `tcp_idle_timeout_seconds`.
    ///
    /// ## Example
    ///
    /// ```hcl
    /// resource "aws_lb_listener" "tcp" {
    ///   load_balancer_arn = aws_lb.nlb.arn   # load_balancer_type = "network"
    ///   protocol          = "TCP"
    ///   port              = 80
    /// }
    /// # container command: ["uvicorn", "app:app", "--timeout-keep-alive", "400"]
    /// ```
    ///
    /// ## Fix
    ///
    /// Lower the server's keep-alive below the TCP idle timeout, or raise
    /// the listener's `tcp_idle_timeout_seconds` above the keep-alive (TCP
    /// listeners only).
    pub struct Nl601 {
        id: "NL601",
        name: "nlb-idle-timeout-below-keepalive",
        severity: Warning,
        summary: "behind an NLB TCP/TLS listener, the server keeps idle connections at least as long as the NLB keeps the flow",
    }
}

pub fn check(chain: &Chain<'_>, c: &mut Checker) {
    let Ok(lb) = &chain.load_balancer else {
        return; // KA101 reports an unknown load balancer
    };
    if lb.kind.value() != Some(&LbKind::Network) {
        return;
    }
    let Some(listener) = chain.listener else {
        return;
    };
    let Ok(server) = &chain.server else {
        return; // UN002 reports it
    };
    if matches!(server.keep_alive, KeepAlive::ClosesEveryConnection { .. }) {
        return;
    }
    let protocol = match &listener.protocol {
        Some(p) => Setting::explicit(p.clone(), listener.at.clone()),
        None => Setting::unresolved(
            "the listener's protocol is not known (TCP and TLS listeners keep idle flows for \
             their TCP idle timeout, UDP ones do not carry HTTP)",
            Some(listener.at.clone()),
        ),
    };
    let Some(protocol) = c.need(chain, "NL601", "the NLB listener's protocol", &protocol) else {
        return;
    };
    let tls = match protocol.as_str() {
        "TCP" | "TCP_UDP" => false,
        "TLS" => true,
        _ => return,
    };
    let idle_setting = match (&listener.tcp_idle_timeout, tls) {
        (Some(s), false) => s.clone(),
        (_, true) => Setting::default(
            NLB_TCP_IDLE_DEFAULT,
            "TLS listeners of an NLB keep idle flows 350 s",
            Some(listener.at.clone()),
        ),
        (None, false) => Setting::default(
            NLB_TCP_IDLE_DEFAULT,
            "AWS default NLB TCP idle timeout",
            Some(listener.at.clone()),
        ),
    };
    let idle = c.need(chain, "NL601", "the NLB TCP idle timeout", &idle_setting);
    let ka_setting = match &server.keep_alive {
        KeepAlive::Timeout(s) => s,
        KeepAlive::NoLimit { why, at } => {
            if let Some(idle) = idle {
                no_limit(
                    chain,
                    c,
                    server,
                    (why, at.as_ref()),
                    (idle, &idle_setting),
                    tls,
                    listener,
                );
            }
            return;
        }
        KeepAlive::ClosesEveryConnection { .. } => return,
    };
    let what_ka = format!("{} keep-alive timeout", server.server);
    let (Some(idle), Some(ka)) = (idle, c.need(chain, "NL601", &what_ka, ka_setting)) else {
        return;
    };
    if ka < idle {
        return;
    }
    let idle_text = if idle_setting.is_default() {
        format!("{} s (the AWS default)", fmt_secs(idle))
    } else {
        format!("{} s", fmt_secs(idle))
    };
    let message = format!(
        "{} keep-alive {}, which is not below the NLB's TCP idle timeout of {idle_text}: the \
         NLB forgets a flow idle that long, and the next request on a connection {} still \
         keeps gets a TCP reset",
        server.description,
        predicate(ka_setting, ka),
        server.server,
    );
    let fix = fix(server, idle, tls, Some(ka));
    c.report(
        &META,
        chain,
        Diagnostic {
            message,
            fix: Some(fix),
            location: ka_setting
                .location()
                .cloned()
                .or_else(|| server.identified_at.clone()),
            label: format!("{} keep-alive {}", server.server, describe(ka_setting)),
            related: vec![related(
                &idle_setting,
                &listener.at,
                format!("NLB TCP idle timeout {}", describe(&idle_setting)),
            )],
            suggestion: None,
        },
    );
}

/// Lower the keep-alive below the idle timeout, or raise a TCP listener's
/// idle timeout above `ka` when it is a number.
fn fix(server: &ServerProfile, idle: Seconds, tls: bool, ka: Option<Seconds>) -> String {
    let target = (idle - 10.0).max(1.0);
    let lower = format!("set {}", server.keep_alive_fix_text(target));
    match (tls, ka) {
        (true, _) => {
            format!("{lower} (a TLS listener keeps idle flows 350 s, which cannot be raised)")
        }
        (false, Some(ka)) => format!(
            "{lower}, or raise the listener's tcp_idle_timeout_seconds (tcp.idle_timeout.seconds) \
             above {} s (at most 6000)",
            fmt_secs(ka)
        ),
        (false, None) => lower,
    }
}

/// A server that never closes an idle connection, behind an NLB that
/// forgets idle flows: always above the TCP idle timeout.
fn no_limit(
    chain: &Chain<'_>,
    c: &mut Checker,
    server: &ServerProfile,
    (why, at): (&str, Option<&crate::source::Location>),
    (idle, idle_setting): (Seconds, &Setting<Seconds>),
    tls: bool,
    listener: &crate::model::Listener,
) {
    let idle_text = if idle_setting.is_default() {
        format!("{} s (the AWS default)", fmt_secs(idle))
    } else {
        format!("{} s", fmt_secs(idle))
    };
    c.report(
        &META,
        chain,
        Diagnostic {
            message: format!(
                "{} never closes an idle connection ({why}), so it keeps connections longer than \
                 the NLB's TCP idle timeout of {idle_text}: the NLB forgets a flow idle that long, \
                 and the next request on a connection {} still keeps gets a TCP reset",
                server.description, server.server,
            ),
            fix: Some(fix(server, idle, tls, None)),
            location: at.cloned().or_else(|| server.identified_at.clone()),
            label: format!("{} keep-alive: no limit", server.server),
            related: vec![related(
                idle_setting,
                &listener.at,
                format!("NLB TCP idle timeout {}", describe(idle_setting)),
            )],
            suggestion: None,
        },
    );
}
