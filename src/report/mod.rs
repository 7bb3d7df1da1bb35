//! Reporters read only findings and chains. Every format renders the same
//! scan: `render` is the one entry point, so one scan can write several
//! reports (`--format` on standard output, `--report FORMAT=FILE` beside it).

pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod rdjson;
pub mod sarif;
pub mod services;

use crate::finding::{Finding, Severity};
use crate::linker::Chain;

/// The report formats of `check` and `plan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics with source snippets.
    Human,
    /// The version-1 JSON report.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the changed files.
    Github,
    /// A Markdown summary for `$GITHUB_STEP_SUMMARY` or a pull-request comment.
    Markdown,
    /// reviewdog's diagnostic format, one JSON document (`reviewdog -f=rdjson`).
    Rdjson,
    /// reviewdog's diagnostic format, one diagnostic per line (`reviewdog -f=rdjsonl`).
    Rdjsonl,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Markdown => "markdown",
            Format::Rdjson => "rdjson",
            Format::Rdjsonl => "rdjsonl",
        }
    }
}

/// What every reporter is given: one scan's findings (suppressed ones
/// included, marked), its chains and its summary.
pub struct Scan<'a, 'c> {
    pub findings: &'a [Finding],
    pub chains: &'a [Chain<'c>],
    pub summary: &'a Summary,
    /// Where the complete report of this scan is, for formats that cannot
    /// show everything (GitHub's annotation limits, the Markdown size cap):
    /// a `--report` file or the report on standard output.
    pub full_report: Option<String>,
}

/// Render `scan` as `format`. Colour only applies to the human format.
pub fn render(format: Format, scan: &Scan<'_, '_>, color: bool) -> String {
    match format {
        Format::Human => human::render(scan.findings, scan.summary, color),
        Format::Json => json::render(scan.findings, scan.chains, scan.summary),
        Format::Sarif => sarif::render(scan),
        Format::Github => github::render(scan),
        Format::Markdown => markdown::render(scan),
        Format::Rdjson => rdjson::render(scan),
        Format::Rdjsonl => rdjson::render_lines(scan),
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub services: usize,
    /// Findings that count (not suppressed, not in the baseline), by severity.
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    /// Findings silenced by a comment, `Metadata` or the configuration.
    pub suppressed: usize,
    /// Findings the baseline already had.
    pub baselined: usize,
    /// Set when the scan read no IaC at all: why, and what to do. A green
    /// run must mean "checked and aligned", so every format says this.
    pub nothing_checked: Option<String>,
}

impl Summary {
    pub fn new(findings: &[Finding], files: usize, services: usize) -> Summary {
        let active = || findings.iter().filter(|f| !f.is_suppressed());
        let count = |s| active().filter(|f| f.severity() == s).count();
        let silenced = |baseline: bool| {
            findings
                .iter()
                .filter(|f| {
                    f.suppression
                        .as_ref()
                        .is_some_and(|s| s.baseline == baseline)
                })
                .count()
        };
        Summary {
            files,
            services,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            notes: count(Severity::Note),
            suppressed: silenced(false),
            baselined: silenced(true),
            nothing_checked: None,
        }
    }

    /// "1 error, 2 notes in 3 service chains (12 files)", with what was
    /// suppressed or baselined, or why nothing was checked.
    pub fn line(&self) -> String {
        if let Some(why) = &self.nothing_checked {
            return format!("nothing checked: {why}");
        }
        let mut parts = Vec::new();
        if self.errors > 0 {
            parts.push(plural(self.errors, "error"));
        }
        if self.warnings > 0 {
            parts.push(plural(self.warnings, "warning"));
        }
        if self.notes > 0 {
            parts.push(plural(self.notes, "note"));
        }
        let what = if parts.is_empty() {
            "no findings".to_string()
        } else {
            parts.join(", ")
        };
        let mut silenced = Vec::new();
        if self.baselined > 0 {
            silenced.push(format!("{} in the baseline", self.baselined));
        }
        if self.suppressed > 0 {
            silenced.push(format!("{} suppressed", self.suppressed));
        }
        let silenced = if silenced.is_empty() {
            String::new()
        } else {
            format!("; {}", silenced.join(", "))
        };
        format!(
            "{what} in {} ({}{silenced})",
            plural(self.services, "service chain"),
            plural(self.files, "file")
        )
    }
}

/// "1 error", "2 errors".
pub fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Text from input made safe for a terminal or a CI log: control
/// characters (escape sequences, carriage returns, newlines) are shown
/// visibly, and no line starts with `::`, which GitHub Actions would run as
/// a workflow command.
pub fn escape_terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    if out.starts_with("::") {
        out.insert(0, ' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape_terminal;

    #[test]
    fn input_cannot_start_a_workflow_command_or_an_escape_sequence() {
        let hostile = "app\u{1b}]0;PWNED\u{7}\n::error file=ecs.tf,line=1::Injected";
        let safe = escape_terminal(hostile);
        assert!(!safe.contains('\u{1b}') && !safe.contains('\n') && !safe.contains('\u{7}'));
        assert_eq!(
            safe,
            "app\\u{1b}]0;PWNED\\u{7}\\n::error file=ecs.tf,line=1::Injected"
        );
        assert_eq!(escape_terminal("::warning::x"), " ::warning::x");
    }
}
