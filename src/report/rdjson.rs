//! `--format rdjson` / `rdjsonl`: reviewdog's Reviewdog Diagnostic Format
//! (`reviewdog -f=rdjson`, `-f=rdjsonl`), so reviewdog can post findings as
//! pull-request review comments, with a suggested change where the fix is
//! one written value.
//!
//! Ranges are 1-based with an exclusive end; reviewdog counts columns in
//! UTF-8 bytes, not characters. Suppressed findings are not emitted.

use super::Scan;
use crate::finding::{Finding, Severity};
use crate::source::Location;
use serde_json::{Map, Value, json};

pub fn render(scan: &Scan<'_, '_>) -> String {
    let doc = json!({
        "source": source(),
        "diagnostics": diagnostics(scan),
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// One self-contained diagnostic per line, each naming its source.
pub fn render_lines(scan: &Scan<'_, '_>) -> String {
    let mut out = String::new();
    for mut d in diagnostics(scan) {
        d["source"] = source();
        out.push_str(&serde_json::to_string(&d).unwrap_or_default());
        out.push('\n');
    }
    out
}

fn source() -> Value {
    json!({"name": "keepalign", "url": env!("CARGO_PKG_REPOSITORY")})
}

fn diagnostics(scan: &Scan<'_, '_>) -> Vec<Value> {
    let mut out = Vec::new();
    // A scan that read nothing must not look like a clean one. The
    // diagnostic has no file: reporters that show those (github-pr-check,
    // local) show it; the exit status (2) fails the step either way.
    if let Some(why) = &scan.summary.nothing_checked {
        out.push(json!({
            "message": format!("nothing checked: {why}"),
            "severity": "WARNING",
        }));
    }
    out.extend(
        scan.findings
            .iter()
            .filter(|f| !f.is_suppressed())
            .map(diagnostic),
    );
    out
}

fn diagnostic(f: &Finding) -> Value {
    let mut d = Map::new();
    let mut message = f.message.clone();
    if let Some(fix) = &f.fix {
        message.push_str(&format!("\nFix: {fix}"));
    }
    d.insert("message".into(), json!(message));
    let primary = match (&f.location, &f.raw_location) {
        (Some(l), _) => Some(location(l)),
        (None, Some(raw)) if !raw.file.is_empty() => Some(if raw.line > 0 {
            json!({"path": raw.file, "range": {"start": {"line": raw.line, "column": raw.column.max(1)}}})
        } else {
            json!({"path": raw.file})
        }),
        _ => None,
    };
    if let Some(l) = primary {
        d.insert("location".into(), l);
    }
    let severity = match f.severity() {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Note => "INFO",
    };
    d.insert("severity".into(), json!(severity));
    d.insert(
        "code".into(),
        match f.rule.help_uri() {
            Some(url) => json!({"value": f.rule.id, "url": url}),
            None => json!({"value": f.rule.id}),
        },
    );
    if let Some(s) = &f.suggestion {
        d.insert(
            "suggestions".into(),
            json!([{"range": range(&s.location), "text": s.text}]),
        );
    }
    if !f.related.is_empty() {
        let related: Vec<Value> = f
            .related
            .iter()
            .map(|r| json!({"message": r.message, "location": location(&r.location)}))
            .collect();
        d.insert("related_locations".into(), json!(related));
    }
    Value::Object(d)
}

fn location(l: &Location) -> Value {
    json!({"path": l.file.display, "range": range(l)})
}

fn range(l: &Location) -> Value {
    json!({"start": position(l, l.span.start), "end": position(l, l.span.end)})
}

/// Line, and column in bytes from the line's start, both 1-based.
fn position(l: &Location, offset: usize) -> Value {
    let text = &l.file.text;
    let offset = offset.min(text.len());
    let line_start = text
        .get(..offset)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |i| i + 1);
    json!({"line": l.file.line_col(offset).0, "column": offset - line_start + 1})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn columns_count_bytes_and_the_end_is_exclusive() {
        let f = SourceFile::new("x.tf".into(), "a = 1\nçé = 42\n".into());
        // "42" is bytes 13..15; the line starts at byte 6; "çé" is 4 bytes.
        let l = Location::new(&f, 13..15);
        assert_eq!(l.snippet(), "42");
        assert_eq!(
            range(&l),
            json!({"start": {"line": 2, "column": 8}, "end": {"line": 2, "column": 10}})
        );
    }
}
