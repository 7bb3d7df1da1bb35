//! `--format json`: the version-1 report of PRODUCT.md.

use super::Summary;
use super::services::chain_json;
use crate::finding::Finding;
use crate::linker::Chain;
use crate::source::Location;
use serde_json::{Value, json};

pub fn location_json(l: &Location) -> Value {
    let (line, column) = l.start();
    let (end_line, end_column) = l.end();
    json!({
        "file": l.file.display,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
    })
}

pub fn finding_json(f: &Finding) -> Value {
    let location = match (&f.location, &f.raw_location) {
        (Some(l), _) => location_json(l),
        (None, Some(r)) => json!({"file": r.file, "line": r.line, "column": r.column}),
        (None, None) => Value::Null,
    };
    json!({
        "rule": f.rule.id,
        "name": f.rule.name,
        "severity": f.severity().as_str(),
        "service": f.service,
        "scope": f.scope,
        "message": f.message,
        "fix": f.fix,
        "location": location,
        "related": f.related.iter().map(|r| {
            let mut v = location_json(&r.location);
            v["message"] = json!(r.message);
            v
        }).collect::<Vec<_>>(),
    })
}

/// Elements rendered together on every core, then written in order: a
/// large report never holds more than this many elements' text.
const BATCH: usize = 512;

/// `items` as a pretty-printed JSON array that is the value of a top-level
/// key, as `serde_json::to_writer_pretty` writes it: each element rendered
/// by `f` on every core, indented to its depth, and written in order.
fn write_array<T: Sync>(
    out: &mut dyn std::io::Write,
    items: &[T],
    f: impl Fn(&T) -> Value + Sync,
) -> std::io::Result<()> {
    if items.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    for (n, batch) in items.chunks(BATCH).enumerate() {
        let texts = crate::parallel::parallel_map(batch, |item| pretty(&f(item), b"\n    "));
        for (i, text) in texts.iter().enumerate() {
            if n > 0 || i > 0 {
                out.write_all(b",")?;
            }
            out.write_all(b"\n    ")?;
            out.write_all(text)?;
        }
    }
    out.write_all(b"\n  ]")
}

/// `v` pretty-printed with every line after the first indented by
/// `newline` (JSON strings hold no raw line ends, so only the layout's
/// line ends are changed).
fn pretty(v: &Value, newline: &[u8]) -> Vec<u8> {
    let mut out = Indented {
        out: Vec::with_capacity(4096),
        newline,
    };
    // Writing to memory cannot fail, nor can serialising a `Value`.
    let _ = serde_json::to_writer_pretty(&mut out, v);
    out.out
}

/// Bytes with each line end replaced by `newline`, as they are written.
struct Indented<'a> {
    out: Vec<u8>,
    newline: &'a [u8],
}

impl std::io::Write for Indented<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut lines = buf.split(|&b| b == b'\n');
        if let Some(first) = lines.next() {
            self.out.extend_from_slice(first);
        }
        for line in lines {
            self.out.extend_from_slice(self.newline);
            self.out.extend_from_slice(line);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub fn render(findings: &[Finding], chains: &[Chain<'_>], summary: &Summary) -> String {
    let mut out = Vec::new();
    let _ = write(findings, chains, summary, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// The report written to `out` as it is serialised: the report of a large
/// scan is never held whole in memory.
pub fn write(
    findings: &[Finding],
    chains: &[Chain<'_>],
    summary: &Summary,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    out.write_all(b"{\n  \"version\": 1,\n  \"findings\": ")?;
    // Suppressed and baselined findings are counted, not listed.
    let active: Vec<&Finding> = findings.iter().filter(|f| !f.is_suppressed()).collect();
    write_array(out, &active, |f| finding_json(f))?;
    out.write_all(b",\n  \"services\": ")?;
    write_array(out, chains, chain_json)?;
    out.write_all(b",\n  \"summary\": ")?;
    let summary = json!({
        "files": summary.files,
        "services": summary.services,
        "environments": summary.environments,
        "not_checked": summary.not_checked,
        "errors": summary.errors,
        "warnings": summary.warnings,
        "notes": summary.notes,
        "suppressed": summary.suppressed,
        "baselined": summary.baselined,
        "checked": summary.nothing_checked.is_none(),
        "nothing_checked": summary.nothing_checked,
    });
    out.write_all(&pretty(&summary, b"\n  "))?;
    out.write_all(b"\n}\n")
}
