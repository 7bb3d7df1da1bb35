use super::{Checker, Diagnostic, describe, idle_phrase, number_suggestion, predicate, related};
use crate::edge::Edge;
use crate::linker::Chain;
use crate::model::{LbKind, Seconds, fmt_secs};
use crate::servers::KeepAlive;

declare_rule! {
    /// ## What it checks
    ///
    /// A CloudFront distribution's custom origin that is a load balancer
    /// (its `domain_name` / `DomainName` is the load balancer's DNS name,
    /// directly, through a Route 53 alias record, or written out), or a VPC
    /// origin (`vpc_origin_config`) whose endpoint is the load balancer's
    /// ARN: CloudFront's
    /// `origin_keepalive_timeout` (`OriginKeepaliveTimeout`, 5 s by
    /// default) must be below the load balancer's idle timeout. Behind a
    /// Network Load Balancer, which passes CloudFront's connections through,
    /// it must be below the keep-alive of each server behind it.
    ///
    /// ## Why it matters
    ///
    /// CloudFront keeps idle connections to a custom origin open for its
    /// keep-alive timeout and reuses them for the next viewer requests. An
    /// ALB (or Classic ELB) closes a client connection that has been idle for
    /// its idle timeout. When CloudFront's keep-alive is the longer one,
    /// CloudFront now and then sends a request on a connection the load
    /// balancer has just closed, and the viewer gets a **502** from the
    /// edge: the same race as KA101, one hop further out. Public
    /// configurations set `origin_keepalive_timeout = 60` in front of an ALB
    /// left at its 60 s default; equal timeouts are still a race.
    ///
    /// Sources: CloudFront developer guide, "Origin settings" (keep-alive
    /// timeout, 5 s default, up to 60 s, more by quota); AWS What's New,
    /// 2017-03-30, "Configure Read Timeout and Keep-Alive Timeout values for
    /// your Amazon CloudFront Custom Origins"; Elastic Load Balancing,
    /// "Connection idle timeout".
    ///
    /// ## Example
    ///
    /// ```hcl
    /// resource "aws_cloudfront_distribution" "cdn" {
    ///   origin {
    ///     domain_name = aws_lb.web.dns_name     # idle_timeout not set: 60 s
    ///     origin_id   = "web"
    ///     custom_origin_config {
    ///       origin_keepalive_timeout = 60
    ///       # http_port, https_port, origin_protocol_policy, ...
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    ///
    /// Lower `origin_keepalive_timeout` below the load balancer's idle
    /// timeout (55 s in front of a 60 s ALB), or raise the load balancer's
    /// `idle_timeout` above CloudFront's keep-alive.
    pub struct Cf501 {
        id: "CF501",
        name: "cloudfront-keepalive-not-below-origin-idle",
        severity: Warning,
        summary: "CloudFront keeps idle connections to its load balancer origin at least as long as the load balancer does",
    }
}

pub fn check(edge: &Edge<'_>, chains: &[Chain<'_>], c: &mut Checker) {
    let Some((lb, kind)) = c.load_balancer(edge, "CF501") else {
        return;
    };
    let origin = edge.origin;
    let what = "the CloudFront origin keep-alive timeout";
    let Some(keepalive) = c.need(edge, "CF501", what, &origin.keepalive_timeout) else {
        return;
    };
    let lb_name = kind.short_name();
    let keepalive_phrase = predicate(&origin.keepalive_timeout, keepalive);
    let keepalive_label = format!(
        "CloudFront keep-alive {}",
        describe(&origin.keepalive_timeout)
    );
    let location = origin
        .keepalive_timeout
        .location()
        .cloned()
        .or(Some(origin.at.clone()));
    let (message, fix, rel, target) = match kind {
        LbKind::Application | LbKind::Classic => {
            let what_idle = format!("the {lb_name} idle timeout");
            let Some(idle) = c.need(edge, "CF501", &what_idle, &lb.idle_timeout) else {
                return;
            };
            if keepalive < idle {
                return;
            }
            let relation = if keepalive == idle {
                "equal to"
            } else {
                "above"
            };
            let target = below(idle);
            (
                format!(
                    "{}: CloudFront's keep-alive to {} {keepalive_phrase}, which is {relation} \
                     the {lb_name} idle timeout of {}: the {lb_name} closes connections \
                     CloudFront is about to reuse, and viewers get a 502 from the edge",
                    edge.name(),
                    lb.id.address,
                    idle_phrase(&lb.idle_timeout, idle),
                ),
                format!(
                    "set origin_keepalive_timeout to {} (below the {lb_name} idle timeout), or \
                     raise the {lb_name} idle timeout above {} s",
                    fmt_secs(target),
                    fmt_secs(keepalive)
                ),
                related(
                    &lb.idle_timeout,
                    &lb.at,
                    format!("{lb_name} idle timeout {}", describe(&lb.idle_timeout)),
                ),
                target,
            )
        }
        LbKind::Network => {
            // An NLB passes CloudFront's connection through: the server
            // behind it is what closes idle connections.
            let Some((chain, server, ka)) = shortest_keepalive(edge, chains) else {
                return;
            };
            if keepalive < ka {
                return;
            }
            let ka_setting = match &server.keep_alive {
                KeepAlive::Timeout(s) => s,
                KeepAlive::ClosesEveryConnection { .. } | KeepAlive::NoLimit { .. } => return,
            };
            let target = below(ka);
            (
                format!(
                    "{}: CloudFront's keep-alive to {} {keepalive_phrase}, which is not below the keep-alive of {} behind this NLB in {} ({}): the NLB passes \
                     CloudFront's connections through, so {} closes connections CloudFront is \
                     about to reuse, and viewers get a 502 from the edge",
                    edge.name(),
                    lb.id.address,
                    chain.server_named(server),
                    chain.service_name(),
                    describe(ka_setting),
                    server.server,
                ),
                format!(
                    "set origin_keepalive_timeout to {}, or set {}",
                    fmt_secs(target),
                    server.keep_alive_fix_text(keepalive + 5.0)
                ),
                related(
                    ka_setting,
                    &chain.attachment.at,
                    format!("{} keep-alive {}", server.server, describe(ka_setting)),
                ),
                target,
            )
        }
        LbKind::Gateway => return,
    };
    c.report(
        &META,
        edge,
        Diagnostic {
            message,
            fix: Some(fix),
            location,
            label: keepalive_label,
            related: vec![rel],
            suggestion: number_suggestion(&origin.keepalive_timeout, target),
        },
    );
}

/// A keep-alive a few seconds below `limit`, at least 1 s.
fn below(limit: Seconds) -> Seconds {
    (limit - 5.0).max(1.0).floor()
}

/// The server with the shortest known keep-alive behind the edge's load
/// balancer: the first to close a connection CloudFront keeps.
fn shortest_keepalive<'c, 'm>(
    edge: &Edge<'_>,
    chains: &'c [Chain<'m>],
) -> Option<(&'c Chain<'m>, &'c crate::servers::ServerProfile, Seconds)> {
    edge.chains
        .iter()
        .filter_map(|&i| {
            let chain = chains.get(i)?;
            let server = chain.server.as_ref().ok()?;
            match &server.keep_alive {
                KeepAlive::Timeout(s) => Some((chain, server, *s.value()?)),
                KeepAlive::ClosesEveryConnection { .. } | KeepAlive::NoLimit { .. } => None,
            }
        })
        .min_by(|a, b| a.2.total_cmp(&b.2))
}
