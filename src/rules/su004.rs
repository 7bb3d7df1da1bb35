declare_rule! {
    /// ## What it checks
    ///
    /// A suppression that silenced nothing in this scan: the rule it names
    /// ran on every chain through the resource and found nothing, or the
    /// suppression is not on a resource keepalign checks (an S3 bucket, a
    /// `module` or `variable` block, a comment with a blank line between it
    /// and the resource).
    ///
    /// keepalign only says so when it can tell. It does not report a
    /// suppression as unused when:
    ///
    /// - a chain through the resource has an unknown value or an unknown
    ///   server (UN001, UN002): the rule may not have reached a verdict;
    /// - the resource is in no service chain (its service is in another
    ///   configuration, or it has no instances under the current variables):
    ///   no rule ran through it;
    /// - the rule is turned off by the configuration;
    /// - it has expired (SU002 reports that) or is not understood (SU005);
    /// - for `ignore-file`, any chain of the scan is unsure, since its
    ///   findings could have been located in the file.
    ///
    /// ## Why it matters
    ///
    /// A suppression that outlived its finding silences the next real one:
    /// after the keep-alive was fixed, a later regression of the same rule on
    /// the same service would pass unnoticed.
    ///
    /// ## Example
    ///
    /// ```hcl
    /// # keepalign:ignore KA101 -- gunicorn keep-alive was 2 s (fixed in #812)
    /// resource "aws_ecs_service" "api" { ... }   # keep-alive is now 75 s > 60 s
    /// ```
    ///
    /// ## Fix
    ///
    /// Remove the suppression, or move it onto the resource whose finding it
    /// is meant for.
    pub struct Su004 {
        id: "SU004",
        name: "suppression-unused",
        severity: Note,
        summary: "a suppression matches no finding",
    }
}
