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
        let texts = crate::parallel::parallel_map(batch, |item| pretty(&f(item), 2));
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

/// `v` pretty-printed as the value of something `level` levels deep:
/// the layout of `serde_json::to_writer_pretty`, every line after the
/// first indented by two spaces a level more.
fn pretty(v: &Value, level: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    let mut ser = serde_json::Serializer::with_formatter(
        &mut out,
        Nested {
            level,
            has_value: false,
        },
    );
    // Writing to memory cannot fail, nor can serialising a `Value`.
    let _ = serde::Serialize::serialize(v, &mut ser);
    out
}

/// serde_json's `PrettyFormatter` (two spaces) starting `level` levels
/// deep, so that an element of the report's arrays is written in place
/// rather than indented again in a second pass over its text.
struct Nested {
    level: usize,
    has_value: bool,
}

impl Nested {
    fn line<W: ?Sized + std::io::Write>(&self, w: &mut W, first: bool) -> std::io::Result<()> {
        const SPACES: &[u8] = &[b' '; 64];
        w.write_all(if first { b"\n" } else { b",\n" })?;
        let mut width = self.level * 2;
        while width > 0 {
            let n = width.min(SPACES.len());
            w.write_all(&SPACES[..n])?;
            width -= n;
        }
        Ok(())
    }

    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, start: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(start)
    }

    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, end: &[u8]) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.line(w, true)?;
        }
        w.write_all(end)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.line(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.line(w, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
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
    out.write_all(&pretty(&summary, 1))?;
    out.write_all(b"\n}\n")
}
