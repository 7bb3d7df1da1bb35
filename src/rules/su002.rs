declare_rule! {
    /// ## What it checks
    ///
    /// A suppression whose `until=YYYY-MM-DD` date has passed (in
    /// CloudFormation, `until:` on an `ignore` item). An expired suppression
    /// no longer applies: the finding it silenced is reported again, and this
    /// note points at the suppression. The date is inclusive: `until=2027-01-31`
    /// still applies on 31 January 2027 (UTC). `KEEPALIGN_TODAY=YYYY-MM-DD`
    /// sets the date keepalign compares with.
    ///
    /// ## Why it matters
    ///
    /// Temporary exceptions ("until the migration is done") become permanent
    /// when nothing reminds anyone. An end date turns the exception back into
    /// a finding when it is due, so a 502 risk accepted for a month is not
    /// accepted forever.
    ///
    /// ## Example
    ///
    /// ```hcl
    /// # keepalign:ignore DR201 until=2025-06-30 -- long exports until the queue migration ships
    /// resource "aws_lb_target_group" "exports" { deregistration_delay = 30 }
    /// ```
    ///
    /// ## Fix
    ///
    /// Fix what the suppression silenced (the reported finding says how) and
    /// remove the suppression, or, if the exception still holds, give it a new
    /// date and say why in the reason.
    pub struct Su002 {
        id: "SU002",
        name: "suppression-expired",
        severity: Note,
        summary: "a suppression's until= date has passed; it no longer applies",
    }
}
