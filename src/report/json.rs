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

pub fn render(findings: &[Finding], chains: &[Chain<'_>], summary: &Summary) -> String {
    let v = json!({
        "version": 1,
        "findings": findings.iter().map(finding_json).collect::<Vec<_>>(),
        "services": chains.iter().map(chain_json).collect::<Vec<_>>(),
        "summary": {
            "files": summary.files,
            "services": summary.services,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "notes": summary.notes,
        },
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}
