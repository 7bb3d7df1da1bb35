use super::{Checker, Diagnostic, describe, predicate, related};
use crate::edge::Edge;
use crate::finding::Related;
use crate::linker::Chain;
use crate::model::{LbKind, Provenance, Seconds, Setting, fmt_secs};

declare_rule! {
    /// ## What it checks
    ///
    /// A CloudFront custom origin that is a load balancer: CloudFront's
    /// `origin_read_timeout` (`OriginReadTimeout`, 30 s by default) should
    /// not be below how long the backend is explicitly allowed to work on a
    /// request: an ALB or Classic ELB `idle_timeout` that is written (not
    /// the 60 s default), or a request timeout set on a server behind it
    /// (gunicorn `--timeout` for the `sync` worker, Apache `Timeout`,
    /// nginx `proxy_read_timeout`, ...).
    ///
    /// ## Why it matters
    ///
    /// Someone raised the backend's limit because some requests take that
    /// long. CloudFront does not know: it stops waiting for the origin's
    /// response after its read timeout, answers the viewer **504**, and
    /// tries the origin again (`connection_attempts`, 3 attempts by
    /// default), so a slow request is started up to three times on the
    /// backend, and still fails at the edge. A note: some applications
    /// want the edge to give up first.
    ///
    /// Sources: CloudFront developer guide, "Origin settings" (response
    /// timeout, 30 s default; connection attempts, 3 by default); CloudFront
    /// API, `CustomOriginConfig.OriginReadTimeout`.
    ///
    /// ## Example
    ///
    /// ```hcl
    /// resource "aws_lb" "reports" {
    ///   idle_timeout = 120           # reports take up to two minutes
    /// }
    /// resource "aws_cloudfront_distribution" "cdn" {
    ///   origin {
    ///     domain_name = aws_lb.reports.dns_name
    ///     custom_origin_config { ... }   # origin_read_timeout: 30 s
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    ///
    /// Raise `origin_read_timeout` to the backend's limit (above 60 s needs
    /// a CloudFront quota increase in some accounts), or lower the backend's
    /// limit to what CloudFront waits for.
    pub struct Cf502 {
        id: "CF502",
        name: "cloudfront-read-timeout-below-origin-idle",
        severity: Note,
        summary: "CloudFront stops waiting for its load balancer origin before the backend is allowed to",
    }
}

/// The longest explicit limit behind the origin: what it is, its setting,
/// and where it is written.
struct Limit<'a> {
    what: String,
    setting: &'a Setting<Seconds>,
    value: Seconds,
    fallback: &'a crate::source::Location,
}

pub fn check(edge: &Edge<'_>, chains: &[Chain<'_>], c: &mut Checker) {
    let Some((lb, kind)) = c.load_balancer(edge, "CF502") else {
        return;
    };
    let origin = edge.origin;
    let what = "the CloudFront origin read timeout";
    let Some(read) = c.need(edge, "CF502", what, &origin.read_timeout) else {
        return;
    };
    let mut limits: Vec<Limit<'_>> = Vec::new();
    if matches!(kind, LbKind::Application | LbKind::Classic)
        && let Some(value) = written(&lb.idle_timeout)
    {
        limits.push(Limit {
            what: format!("the {} idle timeout", kind.short_name()),
            setting: &lb.idle_timeout,
            value,
            fallback: &lb.at,
        });
    }
    for &i in &edge.chains {
        let Some(chain) = chains.get(i) else { continue };
        let Ok(server) = &chain.server else { continue };
        let Some(setting) = &server.request_timeout else {
            continue;
        };
        if let Some(value) = written(setting) {
            limits.push(Limit {
                what: format!(
                    "the request timeout of {} in {}",
                    server.server,
                    chain.service_name()
                ),
                setting,
                value,
                fallback: &chain.attachment.at,
            });
        }
    }
    // The longest limit; the first of equals, in chain order.
    let Some(limit) = limits
        .into_iter()
        .reduce(|a, b| if b.value > a.value { b } else { a })
    else {
        return;
    };
    if read >= limit.value {
        return;
    }
    let attempts = origin
        .connection_attempts
        .value()
        .map(|n| format!("up to {} attempts in all", fmt_secs(*n)))
        .unwrap_or_else(|| "connection_attempts times".to_string());
    let message = format!(
        "{}: CloudFront's wait for a response from {} {}, less than {} ({} s): a request the backend is \
         allowed to work on for longer gets a 504 at the edge, and CloudFront tries the origin \
         again ({attempts}), so the backend does the slow work again",
        edge.name(),
        lb.id.address,
        predicate(&origin.read_timeout, read),
        limit.what,
        fmt_secs(limit.value),
    );
    let fix = format!(
        "raise origin_read_timeout to {} s (above 60 s may need a CloudFront quota increase), or \
         lower {} to {} s",
        fmt_secs(limit.value),
        limit.what,
        fmt_secs(read)
    );
    let mut rel: Vec<Related> = vec![related(
        limit.setting,
        limit.fallback,
        format!("{} {}", limit.what, describe(limit.setting)),
    )];
    if let Some(at) = origin.connection_attempts.location() {
        rel.push(Related {
            location: at.clone(),
            message: format!(
                "connection attempts {}",
                match origin.connection_attempts.value() {
                    Some(n) if origin.connection_attempts.is_default() =>
                        format!("{} (CloudFront default)", fmt_secs(*n)),
                    Some(n) => fmt_secs(*n),
                    None => "unknown".to_string(),
                }
            ),
        });
    }
    c.report(
        &META,
        edge,
        Diagnostic {
            message,
            fix: Some(fix),
            location: origin
                .read_timeout
                .location()
                .cloned()
                .or(Some(origin.at.clone())),
            label: format!("CloudFront read timeout {}", describe(&origin.read_timeout)),
            related: rel,
            suggestion: None,
        },
    );
}

/// A value written in the input or declared in the configuration, not a
/// default: only a limit someone chose says requests take that long.
fn written(s: &Setting<Seconds>) -> Option<Seconds> {
    match s {
        Setting::Known {
            value,
            provenance: Provenance::Explicit(_) | Provenance::Declared(_),
        } => Some(*value),
        _ => None,
    }
}
