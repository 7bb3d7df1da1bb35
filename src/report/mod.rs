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
        Format::Json => json_safe(json::render(scan.findings, scan.chains, scan.summary)),
        Format::Sarif => json_safe(sarif::render(scan)),
        Format::Github => github::render(scan),
        Format::Markdown => markdown::render(scan),
        Format::Rdjson => json_safe(rdjson::render(scan)),
        Format::Rdjsonl => json_safe(rdjson::render_lines(scan)),
    }
}

/// Write `scan` as `format` to `out`; JSON is written as it is
/// serialised, the other formats are rendered first.
pub fn write(
    format: Format,
    scan: &Scan<'_, '_>,
    color: bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => {
            let mut safe = JsonSafe { out, hashes: 0 };
            json::write(scan.findings, scan.chains, scan.summary, &mut safe)
        }
        _ => out.write_all(render(format, scan, color).as_bytes()),
    }
}

/// `json_safe` as the JSON is written: a `[` after two `#` is written
/// `\u005b`. Only the run of `#` before the next byte matters, so it
/// is all the writer remembers.
struct JsonSafe<'w> {
    out: &'w mut dyn std::io::Write,
    hashes: usize,
}

impl std::io::Write for JsonSafe<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // The `[` of a `##[` inside the buffer, found by a vectorised
        // search (a report is megabytes); and one in its first two bytes
        // after `#`s that ended the writes before.
        let leading = buf.iter().take(2).take_while(|&&b| b == b'#').count();
        let carried =
            (leading < 2 && buf.get(leading) == Some(&b'[') && self.hashes + leading >= 2)
                .then_some(leading);
        let inside = memchr::memmem::find_iter(buf, b"##[").map(|at| at + 2);
        let mut from = 0;
        for bracket in carried.into_iter().chain(inside) {
            self.out.write_all(&buf[from..bracket])?;
            self.out.write_all(b"\\u005b")?;
            from = bracket + 1;
        }
        self.out.write_all(&buf[from..])?;
        let trailing = buf.iter().rev().take_while(|&&b| b == b'#').count();
        self.hashes = if trailing == buf.len() {
            self.hashes.saturating_add(trailing)
        } else {
            trailing
        };
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// A JSON document that can be printed in a CI log: the runner takes `##[`
/// anywhere in a line for a legacy workflow command, and in JSON it can
/// only be inside a string, where `\u005b` is the same `[`.
pub fn json_safe(json: String) -> String {
    if json.contains(LEGACY_COMMAND) {
        json.replace(LEGACY_COMMAND, "##\\u005b")
    } else {
        json
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub services: usize,
    /// Elastic Beanstalk environments checked (they are no service chain).
    pub environments: usize,
    /// What may be a load-balanced service but was not checked (UN003
    /// notes that count).
    pub not_checked: usize,
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
            not_checked: active().filter(|f| f.rule.id == "UN003").count(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            notes: count(Severity::Note),
            suppressed: silenced(false),
            baselined: silenced(true),
            nothing_checked: None,
            environments: 0,
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
        let not_checked = if self.not_checked > 0 {
            format!(", {} not checked (UN003)", self.not_checked)
        } else {
            String::new()
        };
        let environments = if self.environments > 0 {
            format!(
                " and {}",
                plural(self.environments, "Elastic Beanstalk environment")
            )
        } else {
            String::new()
        };
        format!(
            "{what} in {}{environments}{not_checked} ({}{silenced})",
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
/// visibly, and nothing in it is a GitHub Actions workflow command. The
/// runner runs a line that starts with `::` once leading whitespace is
/// trimmed, and, in the legacy form, a line with `##[` anywhere in it; so
/// the first `:` of a leading `::` and the `[` of every `##[` are shown as
/// `\u{3a}` and `\u{5b}`.
pub fn escape_terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if shown_escaped(c) => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    defuse(out)
}

/// `line` with no workflow command in it: the first `:` of a leading `::`
/// and the `[` of every `##[` shown as `\u{3a}` and `\u{5b}`.
pub(crate) fn defuse(mut line: String) -> String {
    let lead = line.len() - line.trim_start().len();
    if line[lead..].starts_with("::") {
        line.replace_range(lead..lead + 1, "\\u{3a}");
    }
    if line.contains(LEGACY_COMMAND) {
        line = line.replace(LEGACY_COMMAND, "##\\u{5b}");
    }
    line
}

/// Where the runner finds a legacy workflow command (`##[error]…`): anywhere
/// in a line.
pub(crate) const LEGACY_COMMAND: &str = "##[";

/// Whether the runner would take `line` for a workflow command.
pub(crate) fn is_workflow_command(line: &str) -> bool {
    line.trim_start().starts_with("::") || line.contains(LEGACY_COMMAND)
}

/// Control characters, the bidirectional overrides that make a log line
/// read differently from what it contains, and the invisible format and
/// default-ignorable characters (zero-width spaces, soft hyphens, variation
/// selectors, tags): never printed raw. The runner finds `::` and `##[`
/// with culture-aware string comparison, which skips invisible characters,
/// so `\u{200b}::error::` would still be a command.
pub(crate) fn shown_escaped(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{0600}'..='\u{0605}'
                | '\u{061C}'
                | '\u{06DD}'
                | '\u{070F}'
                | '\u{0890}'..='\u{0891}'
                | '\u{08E2}'
                | '\u{115F}'..='\u{1160}'
                | '\u{17B4}'..='\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFFB}'
                | '\u{110BD}'
                | '\u{110CD}'
                | '\u{13430}'..='\u{1343F}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

#[cfg(test)]
mod tests {
    use super::escape_terminal;

    #[test]
    fn json_keeps_its_value_and_loses_legacy_commands() {
        let value = serde_json::json!({"name": "a ##[error]b", "x": ["##[", 1]});
        let safe = super::json_safe(serde_json::to_string_pretty(&value).unwrap());
        assert!(!safe.contains("##["), "{safe}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&safe).unwrap(),
            value
        );
    }

    #[test]
    fn input_cannot_start_a_workflow_command_or_an_escape_sequence() {
        let hostile = "app\u{1b}]0;PWNED\u{7}\n::error file=ecs.tf,line=1::Injected";
        let safe = escape_terminal(hostile);
        assert!(!safe.contains('\u{1b}') && !safe.contains('\n') && !safe.contains('\u{7}'));
        assert_eq!(
            safe,
            "app\\u{1b}]0;PWNED\\u{7}\\n::error file=ecs.tf,line=1::Injected"
        );
        assert_eq!(escape_terminal("::warning::x"), "\\u{3a}:warning::x");
        // The runner trims leading whitespace before looking for `::`.
        assert_eq!(escape_terminal(" \u{a0}::x::y"), " \u{a0}\\u{3a}:x::y");
        // Legacy commands count anywhere in a line.
        assert_eq!(
            escape_terminal("a ##[error]b ###[add-mask]c"),
            "a ##\\u{5b}error]b ###\\u{5b}add-mask]c"
        );
        // Invisible characters are shown: the runner would skip them.
        assert_eq!(escape_terminal("\u{200b}::x"), "\\u{200b}::x");
        assert_eq!(escape_terminal("#\u{ad}#[x"), "#\\u{ad}#[x");
        for hostile in ["::x", "\t::x", "##[error]x", "a\n::x", "#\u{1b}#[x"] {
            assert!(!super::is_workflow_command(&escape_terminal(hostile)));
        }
        assert_eq!(escape_terminal("a\u{202e}b"), "a\\u{202e}b");
    }

    /// The streaming writer escapes exactly what `json_safe` escapes,
    /// however the text is cut into writes.
    #[test]
    fn json_safe_writer_matches_json_safe_across_write_boundaries() {
        use std::io::Write;
        for text in [
            "##[",
            "###[",
            "#[#[",
            "##[##[",
            "a##[b",
            "[##",
            "## [",
            "####[[",
            "#",
            "[",
            "##",
            "x#",
            "#x#[",
            "a#b##[c###[[d",
            "##[[##",
        ] {
            let want = super::json_safe(text.to_string());
            for chunk in 1..=text.len() {
                let mut out = Vec::new();
                let mut safe = super::JsonSafe {
                    out: &mut out,
                    hashes: 0,
                };
                for part in text.as_bytes().chunks(chunk) {
                    safe.write_all(part).unwrap();
                }
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    want,
                    "{text:?} in writes of {chunk}"
                );
            }
        }
    }
}
