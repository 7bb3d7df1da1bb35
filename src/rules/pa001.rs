use crate::finding::{Finding, RawLocation};
use crate::model::InputError;

declare_rule! {
    /// ## What it checks
    ///
    /// An input file could not be read or parsed: malformed HCL or JSON, an
    /// unterminated heredoc, a file that is not UTF-8 text, a binary file, an
    /// unreadable file. Also a Terraform module that declares the same
    /// resource, data source, module call, variable, output or local value
    /// twice (in one file or across its files), which Terraform rejects: the
    /// finding points at the second declaration and names the first. Also input that could not be evaluated within
    /// keepalign's budgets (steps, value size, instances; see Limits in the
    /// README): the finding points where evaluation stopped or where the
    /// instance cap cut a `count`, `for_each` or module call.
    ///
    /// ## Why it matters
    ///
    /// Resources in that file are invisible to keepalign, so chains through them
    /// are incomplete. The scan goes on with the other files.
    ///
    /// ## Example
    ///
    /// ```hcl
    /// resource "aws_lb" "main" {
    ///   idle_timeout = 60
    /// # missing closing brace
    /// ```
    ///
    /// ## Fix
    ///
    /// Fix the syntax error at the reported location (`terraform validate` shows
    /// the same error), save the file as UTF-8, or remove or rename one of
    /// two declarations with the same name.
    pub struct Pa001 {
        id: "PA001",
        name: "parse-error",
        severity: Error,
        summary: "an input file could not be read or parsed",
    }
}

pub fn findings(errors: &[InputError]) -> Vec<Finding> {
    errors
        .iter()
        .map(|e| Finding {
            location: e.at.clone(),
            label: e.message.clone(),
            // A file that was not read has no source to point into; its
            // first line still names it in every report.
            raw_location: e
                .line_col
                .or(e.at.is_none().then_some((1, 1)))
                .map(|(line, column)| RawLocation {
                    file: e.file.clone(),
                    line,
                    column,
                }),
            identity: vec![e.file.clone()],
            ..Finding::new(&META, e.message.clone())
        })
        .collect()
}
