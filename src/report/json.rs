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

/// A sequence serialised one element at a time, so a large report never
/// holds every chain's JSON tree at once.
pub struct LazySeq<'a, T, F>(pub &'a [T], pub F);

impl<T, F: Fn(&T) -> Value> serde::Serialize for LazySeq<'_, T, F> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(&self.1))
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
    use serde::ser::SerializeMap;
    struct Report<'a, 'c> {
        findings: &'a [Finding],
        chains: &'a [Chain<'c>],
        summary: &'a Summary,
    }
    impl serde::Serialize for Report<'_, '_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = s.serialize_map(Some(4))?;
            m.serialize_entry("version", &1)?;
            // Suppressed and baselined findings are counted, not listed.
            let active: Vec<&Finding> = self
                .findings
                .iter()
                .filter(|f| !f.is_suppressed())
                .collect();
            m.serialize_entry(
                "findings",
                &LazySeq(&active, |f: &&Finding| finding_json(f)),
            )?;
            m.serialize_entry("services", &LazySeq(self.chains, chain_json))?;
            m.serialize_entry(
                "summary",
                &json!({
                    "files": self.summary.files,
                    "services": self.summary.services,
                    "environments": self.summary.environments,
                    "not_checked": self.summary.not_checked,
                    "errors": self.summary.errors,
                    "warnings": self.summary.warnings,
                    "notes": self.summary.notes,
                    "suppressed": self.summary.suppressed,
                    "baselined": self.summary.baselined,
                    "checked": self.summary.nothing_checked.is_none(),
                    "nothing_checked": self.summary.nothing_checked,
                }),
            )?;
            m.end()
        }
    }
    let report = Report {
        findings,
        chains,
        summary,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    out.write_all(b"\n")
}
