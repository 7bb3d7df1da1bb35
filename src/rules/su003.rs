declare_rule! {
    /// ## What it checks
    ///
    /// A suppression that names a rule keepalign does not have: a typo
    /// (`KA110` for `KA101`), a rule of another tool (`W3005`, a cfn-lint
    /// check), or an `SU` note (these are about suppressions themselves and
    /// are not silenced in source; the configuration can turn them off).
    /// Rules are matched by ID or by name, in any case. The known IDs of the
    /// same suppression still apply.
    ///
    /// ## Why it matters
    ///
    /// An unknown ID silences nothing, so the author believes a finding is
    /// handled while it is not, or a later rule with that ID would be
    /// silenced by accident.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// Service:
    ///   Type: AWS::ECS::Service
    ///   Metadata:
    ///     keepalign:
    ///       ignore: [KA110]
    /// ```
    ///
    /// ## Fix
    ///
    /// Write the ID the finding shows (`keepalign rules` lists them), or
    /// remove the suppression.
    pub struct Su003 {
        id: "SU003",
        name: "suppression-unknown-rule",
        severity: Note,
        summary: "a suppression names a rule keepalign does not report",
    }
}
