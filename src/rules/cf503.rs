use super::{Checker, Diagnostic, bracketed, describe, number_suggestion, related};
use crate::edge::Edge;
use crate::linker::Chain;
use crate::model::fmt_secs;

declare_rule! {
    /// ## What it checks
    ///
    /// A CloudFront custom origin's `response_completion_timeout`
    /// (`ResponseCompletionTimeout`, AWS provider 6.13 and later) must not
    /// be below its `origin_read_timeout` (`OriginReadTimeout`, 30 s by
    /// default). Checked on every custom origin, whether or not it is a
    /// load balancer in the scan.
    ///
    /// ## Why it matters
    ///
    /// CloudFront requires the completion timeout (the whole response,
    /// across retries) to be at least the read timeout (the wait for each
    /// packet) and rejects the distribution otherwise: the apply or the
    /// stack update fails, after review, at deploy time.
    ///
    /// Sources: CloudFront API, `Origin.ResponseCompletionTimeout` ("must be
    /// equal to or greater than the value for OriginReadTimeout"); AWS
    /// What's New, 2025-07, "Amazon CloudFront introduces new origin
    /// response timeout controls".
    ///
    /// ## Example
    ///
    /// ```hcl
    /// origin {
    ///   domain_name                 = aws_lb.api.dns_name
    ///   response_completion_timeout = 20
    ///   custom_origin_config {
    ///     origin_read_timeout = 30
    ///     # ...
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    ///
    /// Raise `response_completion_timeout` to at least `origin_read_timeout`,
    /// or leave it unset (no limit on the whole response).
    pub struct Cf503 {
        id: "CF503",
        name: "cloudfront-completion-below-read-timeout",
        severity: Error,
        summary: "a CloudFront origin's response completion timeout is below its read timeout (rejected at apply time)",
    }
}

pub fn check(edge: &Edge<'_>, _chains: &[Chain<'_>], c: &mut Checker) {
    let origin = edge.origin;
    let Some(completion_setting) = &origin.response_completion_timeout else {
        return;
    };
    let what = "the CloudFront response completion timeout";
    let completion = c.need(edge, "CF503", what, completion_setting);
    let what = "the CloudFront origin read timeout";
    let read = c.need(edge, "CF503", what, &origin.read_timeout);
    let (Some(completion), Some(read)) = (completion, read) else {
        return;
    };
    if completion >= read {
        return;
    }
    c.report(
        &META,
        edge,
        Diagnostic {
            message: format!(
                "{} has a response completion timeout of {} s, below its origin read timeout of \
                 {}: CloudFront rejects the distribution, so the deployment fails",
                edge.name(),
                fmt_secs(completion),
                bracketed(&origin.read_timeout, read),
            ),
            fix: Some(format!(
                "set response_completion_timeout to at least {} s, or remove it",
                fmt_secs(read)
            )),
            location: completion_setting
                .location()
                .cloned()
                .or(Some(origin.at.clone())),
            label: format!(
                "response completion timeout {}",
                describe(completion_setting)
            ),
            related: vec![related(
                &origin.read_timeout,
                &origin.at,
                format!("origin read timeout {}", describe(&origin.read_timeout)),
            )],
            suggestion: number_suggestion(completion_setting, read),
        },
    );
}
