declare_rule! {
    /// ## What it checks
    ///
    /// A comment or metadata item that starts like a keepalign suppression
    /// but cannot be read: no rule named (`# keepalign:ignore -- reason`), an
    /// `until=` that is not a `YYYY-MM-DD` date of the calendar, an option
    /// other than `until=`, a directive other than `keepalign:ignore` and
    /// `keepalign:ignore-file`, an `ignore-file` after the file's first block,
    /// a suppression in a `/* */` comment spanning several lines, or a
    /// CloudFormation `ignore` item without an `id`. Such a suppression
    /// silences nothing: keepalign does not guess what it meant.
    ///
    /// ## Why it matters
    ///
    /// Its author believes findings are silenced, or silenced until a date,
    /// while keepalign reads something else. Saying so beats guessing.
    ///
    /// ## Example
    ///
    /// ```hcl
    /// # keepalign:ignore KA101 until=31/01/2027 -- migrating
    /// ```
    ///
    /// ## Fix
    ///
    /// Write it as `keepalign:ignore ID[,ID|all] [until=YYYY-MM-DD] -- reason`
    /// (or `keepalign:ignore-file ...` before the first block of the file).
    pub struct Su005 {
        id: "SU005",
        name: "suppression-malformed",
        severity: Note,
        summary: "a suppression cannot be read; it silences nothing",
    }
}
