declare_rule! {
    /// ## What it checks
    ///
    /// A suppression that gives no reason: a Terraform comment
    /// `# keepalign:ignore KA101` without `-- reason`, a `.tf.json` `"//"`
    /// directive without one, or a CloudFormation
    /// `Metadata.keepalign.ignore` item that is a bare ID with no `reason`.
    /// The suppression still applies; this note asks for the why.
    ///
    /// ## Why it matters
    ///
    /// A silenced KA101 is a 502 someone decided to accept. Without the
    /// reason, the next reviewer cannot tell a considered exception (the
    /// gateway sends a heartbeat every 15 s) from a quick way to get CI green,
    /// and cannot tell when it stops being true.
    ///
    /// ## Example
    ///
    /// ```hcl
    /// # keepalign:ignore KA101
    /// resource "aws_ecs_service" "api" { ... }
    /// ```
    ///
    /// ## Fix
    ///
    /// Add the reason after `--`, and an end date if the exception is
    /// temporary:
    ///
    /// ```hcl
    /// # keepalign:ignore KA101 until=2027-01-31 -- streams send a heartbeat every 15 s (OPS-2291)
    /// ```
    ///
    /// In CloudFormation: `ignore: [{id: KA101, reason: "..."}]`, or
    /// `reason:` beside `ignore:` for every item.
    pub struct Su001 {
        id: "SU001",
        name: "suppression-without-reason",
        severity: Note,
        summary: "a suppression gives no reason",
    }
}
