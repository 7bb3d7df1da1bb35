//! `--format github`: GitHub Actions workflow commands, one per line, which
//! the runner turns into annotations on the files of a pull request.
//!
//! GitHub shows at most 10 annotations of each level per step, so errors
//! come first, then warnings, then notes, at most 10 of each, and a last
//! notice says what was left out and where the full report is. Suppressed
//! findings are not annotated. Every string from input is escaped so it can
//! neither end the command nor start a new one.

use super::{LEGACY_COMMAND, Scan, escape_terminal, plural, shown_escaped};
use crate::finding::{Finding, Severity};
use crate::source::Location;
use std::fmt::Write;

/// Annotations GitHub shows per level and step; more are dropped silently.
pub const MAX_PER_LEVEL: usize = 10;

pub fn render(scan: &Scan<'_, '_>) -> String {
    let mut out = String::new();
    if let Some(why) = &scan.summary.nothing_checked {
        let _ = writeln!(
            out,
            "::warning::{}",
            data(&format!("nothing checked: {why}"))
        );
    }
    let active: Vec<&Finding> = scan
        .findings
        .iter()
        .filter(|f| !f.is_suppressed())
        .collect();
    let levels = [Severity::Error, Severity::Warning, Severity::Note];
    let count = |s: Severity| active.iter().filter(|f| f.severity() == s).count();
    let over = |s: Severity| count(s).saturating_sub(MAX_PER_LEVEL);
    let truncated = levels.iter().any(|&s| over(s) > 0);
    let mut left_out = Vec::new();
    for level in levels {
        // The closing notice takes one of the notice slots.
        let cap = if truncated && level == Severity::Note {
            MAX_PER_LEVEL - 1
        } else {
            MAX_PER_LEVEL
        };
        let of_level = active.iter().filter(|f| f.severity() == level);
        for f in of_level.clone().take(cap) {
            out.push_str(&command(f));
            out.push('\n');
        }
        let hidden = of_level.count().saturating_sub(cap);
        if hidden > 0 {
            left_out.push(plural(hidden, level.as_str()));
        }
    }
    if !left_out.is_empty() {
        let full = match &scan.full_report {
            Some(where_) => format!("the full report is in {where_}"),
            None => "run keepalign locally, or add --report sarif=keepalign.sarif (or markdown=…) to this step, to see them all".to_string(),
        };
        let _ = writeln!(
            out,
            "::notice title=keepalign::{}",
            data(&format!(
                "{} not shown as annotations (GitHub shows at most {MAX_PER_LEVEL} per level): {full}",
                left_out.join(", ")
            ))
        );
    }
    // A plain line for the log; escaped, so it can never start with `::`.
    out.push_str(&escape_terminal(&scan.summary.line()));
    out.push('\n');
    out
}

/// `::error file=…,line=…,endLine=…,col=…,endColumn=…,title=…::message`
fn command(f: &Finding) -> String {
    let kind = match f.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let mut props: Vec<(&str, String)> = Vec::new();
    match (&f.location, &f.raw_location) {
        (Some(l), _) => {
            let (line, col) = l.start();
            let (end_line, end_col) = inclusive_end(l);
            props.push(("file", l.file.display.clone()));
            props.push(("line", line.to_string()));
            props.push(("endLine", end_line.to_string()));
            // GitHub accepts columns only for a range on one line.
            if end_line == line {
                props.push(("col", col.to_string()));
                props.push(("endColumn", end_col.max(col).to_string()));
            }
        }
        (None, Some(raw)) if !raw.file.is_empty() => {
            props.push(("file", raw.file.clone()));
            if raw.line > 0 {
                props.push(("line", raw.line.to_string()));
                if raw.column > 0 {
                    props.push(("col", raw.column.to_string()));
                }
            }
        }
        _ => {}
    }
    props.push(("title", format!("{} {}", f.rule.id, f.rule.name)));
    let props: Vec<String> = props
        .into_iter()
        .map(|(k, v)| format!("{k}={}", property(&v)))
        .collect();
    format!("::{kind} {}::{}", props.join(","), data(&body(f)))
}

/// The annotation's text: the message, the fix, the other end of the chain.
fn body(f: &Finding) -> String {
    let mut text = f.message.clone();
    if let Some(fix) = &f.fix {
        text.push_str(&format!("\nFix: {fix}"));
    }
    for r in &f.related {
        text.push_str(&format!("\nSee {}: {}", r.location, r.message));
    }
    if let Some(service) = &f.service {
        text.push_str(&format!("\nService: {service}"));
    }
    text
}

/// GitHub's columns are inclusive: the position of the last character.
fn inclusive_end(l: &Location) -> (usize, usize) {
    let text = l.snippet().trim_end_matches(['\n', '\r']);
    match text.chars().next_back() {
        Some(c) => l.file.line_col(l.span.start + text.len() - c.len_utf8()),
        None => l.start(),
    }
}

/// A command's message: `%`, CR and LF are percent-encoded (GitHub decodes
/// them); other control characters are shown visibly, never passed raw.
pub fn data(text: &str) -> String {
    escape(text, false)
}

/// A property value: as `data`, and `:` and `,`, which end a property.
pub fn property(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, property: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c if shown_escaped(c) => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    // Inert inside a command the runner parses, but no line of ours should
    // hold a legacy command (`##[error]`) should that parse ever fail.
    out.replace(LEGACY_COMMAND, "##\\u{5b}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner_rules() {
        assert_eq!(data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(property("a:b,c%d\ne"), "a%3Ab%2Cc%25d%0Ae");
        assert_eq!(data("x\u{1b}[31my\u{7}"), "x\\u{1b}[31my\\u{7}");
        assert_eq!(data("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(data("a ##[error]b"), "a ##\\u{5b}error]b");
    }
}
