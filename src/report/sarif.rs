//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it.
//!
//! One run; every catalog rule in `tool.driver.rules`; one result per
//! finding, suppressed ones included with `suppressions` so viewers show
//! them as dismissed. No `security-severity`: these are reliability
//! findings, and GitHub would rank them as vulnerabilities.

use super::Scan;
use crate::finding::{Finding, RawLocation, RuleMeta, Severity, SuppressionKind};
use crate::rules::CATALOG;
use crate::source::Location;
use serde_json::{Map, Value, json};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Paths in reports are relative to the directory keepalign ran in, which
/// in CI is the repository root.
const SRCROOT: &str = "%SRCROOT%";

/// The partial fingerprint's key: versioned, so a change to what
/// `Finding::fingerprint` hashes can move to a new key.
const FINGERPRINT_KEY: &str = "keepalign/v1";

/// SARIF and GitHub cap `fullDescription` at 1024 characters.
const MAX_FULL_DESCRIPTION: usize = 1024;

pub fn render(scan: &Scan<'_, '_>) -> String {
    let mut out = serde_json::to_string_pretty(&log(scan)).unwrap_or_default();
    out.push('\n');
    out
}

/// The SARIF log as a JSON value (tests validate it against the schema).
pub fn log(scan: &Scan<'_, '_>) -> Value {
    // The catalog, plus any rule a finding carries that the catalog lacks
    // (so `ruleIndex` always points at a descriptor).
    let mut rules: Vec<&'static RuleMeta> = CATALOG.to_vec();
    for f in scan.findings {
        if !rules.iter().any(|r| r.id == f.rule.id) {
            rules.push(f.rule);
        }
    }
    let results: Vec<Value> = scan
        .findings
        .iter()
        .map(|f| {
            let index = rules.iter().position(|r| r.id == f.rule.id).unwrap_or(0);
            result(f, index)
        })
        .collect();
    let mut invocation = json!({"executionSuccessful": true});
    if let Some(why) = &scan.summary.nothing_checked {
        invocation["toolExecutionNotifications"] = json!([{
            "level": "warning",
            "descriptor": {"id": "nothing-checked"},
            "message": {"text": format!("nothing checked: {why}")},
        }]);
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "keepalign",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules.iter().map(|r| rule(r)).collect::<Vec<_>>(),
            }},
            "invocations": [invocation],
            "originalUriBaseIds": {SRCROOT: {
                "description": {"text": "The directory keepalign ran in (in CI, the repository root)."},
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

fn rule(r: &RuleMeta) -> Value {
    let doc = r.documentation();
    let mut v = serde_json::Map::new();
    v.insert("id".into(), json!(r.id));
    v.insert("name".into(), json!(r.name));
    v.insert("shortDescription".into(), json!({"text": r.summary}));
    v.insert(
        "fullDescription".into(),
        json!({"text": full_description(r, &doc)}),
    );
    v.insert("help".into(), json!({"text": doc, "markdown": doc}));
    // A policy rule has no page: its documentation is its policy.
    if let Some(uri) = r.help_uri() {
        v.insert("helpUri".into(), json!(uri));
    }
    v.insert(
        "defaultConfiguration".into(),
        json!({"level": level(r.severity)}),
    );
    v.insert("properties".into(), json!({"tags": r.tags()}));
    Value::Object(v)
}

/// The documentation's "What it checks" section as one paragraph, or the
/// summary, cut to the 1024 characters SARIF consumers accept.
fn full_description(r: &RuleMeta, doc: &str) -> String {
    let mut in_section = false;
    let mut words: Vec<&str> = Vec::new();
    for line in doc.lines() {
        if line.starts_with("## ") {
            if in_section {
                break;
            }
            in_section = line.trim_end() == "## What it checks";
            continue;
        }
        if in_section {
            words.extend(line.split_whitespace());
        }
    }
    let text = if words.is_empty() {
        r.summary.to_string()
    } else {
        words.join(" ")
    };
    if text.chars().count() <= MAX_FULL_DESCRIPTION {
        return text;
    }
    let mut cut: String = text.chars().take(MAX_FULL_DESCRIPTION - 1).collect();
    cut.push('…');
    cut
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn result(f: &Finding, rule_index: usize) -> Value {
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(f.rule.id));
    r.insert("ruleIndex".into(), json!(rule_index));
    r.insert("level".into(), json!(level(f.severity())));
    r.insert("message".into(), json!({"text": message(f)}));
    let primary = match (&f.location, &f.raw_location) {
        (Some(l), _) => Some(physical(l)),
        (None, Some(raw)) => raw_physical(raw),
        (None, None) => None,
    };
    r.insert(
        "locations".into(),
        json!(
            primary
                .map(|p| vec![json!({"physicalLocation": p})])
                .unwrap_or_default()
        ),
    );
    if !f.related.is_empty() {
        let related: Vec<Value> = f
            .related
            .iter()
            .enumerate()
            .map(|(i, rel)| {
                json!({
                    "id": i + 1,
                    "physicalLocation": physical(&rel.location),
                    "message": {"text": escape_brackets(&rel.message)},
                })
            })
            .collect();
        r.insert("relatedLocations".into(), json!(related));
    }
    r.insert(
        "partialFingerprints".into(),
        json!({FINGERPRINT_KEY: f.fingerprint()}),
    );
    if let Some(s) = &f.suppression {
        let mut sup = Map::new();
        let kind = match s.kind {
            SuppressionKind::InSource => "inSource",
            SuppressionKind::External => "external",
        };
        sup.insert("kind".into(), json!(kind));
        sup.insert("status".into(), json!("accepted"));
        let justification = s
            .justification
            .clone()
            .or_else(|| s.baseline.then(|| "in the baseline".to_string()));
        if let Some(j) = justification {
            sup.insert("justification".into(), json!(j));
        }
        if let Some(at) = &s.location {
            sup.insert("location".into(), json!({"physicalLocation": physical(at)}));
        }
        r.insert("suppressions".into(), json!([sup]));
        if s.baseline {
            r.insert("baselineState".into(), json!("unchanged"));
        }
    }
    let mut props = Map::new();
    if let Some(fix) = &f.fix {
        props.insert("fix".into(), json!(fix));
    }
    if let Some(service) = &f.service {
        props.insert("service".into(), json!(service));
    }
    if let Some(scope) = &f.scope {
        props.insert("scope".into(), json!(scope));
    }
    if !props.is_empty() {
        r.insert("properties".into(), Value::Object(props));
    }
    Value::Object(r)
}

/// The finding's message with links to its related locations (SARIF
/// embedded links, `[text](id)`) and the fix, so viewers that show only the
/// message still show what to change.
fn message(f: &Finding) -> String {
    let mut text = escape_brackets(&f.message);
    if !f.related.is_empty() {
        let links: Vec<String> = f
            .related
            .iter()
            .enumerate()
            .map(|(i, rel)| format!("[{}]({})", escape_brackets(&rel.message), i + 1))
            .collect();
        text.push_str(&format!(" (see {})", links.join(", ")));
    }
    if let Some(fix) = &f.fix {
        text.push_str(&format!(". Fix: {}", escape_brackets(fix)));
    }
    text
}

/// SARIF §3.11.6: literal `[` and `]` in a message are written `\[`, `\]`;
/// a backslash is doubled where it would otherwise escape a bracket (or
/// the bracket a link adds after the text).
pub fn escape_brackets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '\\' if matches!(chars.peek(), None | Some('[' | ']' | '\\')) => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out
}

fn artifact(file: &str) -> Value {
    // A file outside the directory keepalign ran in is shown absolute.
    if file.starts_with('/') {
        return json!({"uri": format!("file://{}", uri(file))});
    }
    json!({"uri": uri(file), "uriBaseId": SRCROOT})
}

fn physical(l: &Location) -> Value {
    let (start_line, start_column) = l.start();
    let (end_line, end_column) = l.end();
    json!({
        "artifactLocation": artifact(&l.file.display),
        "region": {
            "startLine": start_line,
            "startColumn": start_column,
            "endLine": end_line,
            // Exclusive, in characters, as SARIF's columnKind says.
            "endColumn": end_column,
        },
    })
}

/// A file keepalign could not load: the line and column it knows.
fn raw_physical(raw: &RawLocation) -> Option<Value> {
    if raw.file.is_empty() {
        return None;
    }
    let mut p = json!({"artifactLocation": artifact(&raw.file)});
    if raw.line > 0 {
        p["region"] = json!({"startLine": raw.line, "startColumn": raw.column.max(1)});
    }
    Some(p)
}

/// A relative path as a URI reference: `/`-separated segments with the
/// characters URIs reserve percent-encoded (`#` would start a fragment, `?`
/// a query, `%` an escape; spaces and non-ASCII are not allowed raw).
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        // A `:` in the first segment would read as a URI scheme (`c:/x`).
        let scheme_like = b == b':' && !out.contains('/');
        let keep = b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b);
        if keep && !scheme_like {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_are_escaped_and_backslashes_cannot_unescape_them() {
        assert_eq!(escape_brackets("a [b] c"), "a \\[b\\] c");
        assert_eq!(escape_brackets("x\\[y"), "x\\\\\\[y");
        assert_eq!(escape_brackets("ends\\"), "ends\\\\");
        assert_eq!(escape_brackets("c:\\dir\\x"), "c:\\dir\\x");
    }

    #[test]
    fn uris_encode_reserved_characters() {
        assert_eq!(uri("modules/svc/main.tf"), "modules/svc/main.tf");
        assert_eq!(uri("a b/#1?.tf"), "a%20b/%231%3F.tf");
        assert_eq!(uri("c:/x.tf"), "c%3A/x.tf");
        assert_eq!(uri("dir/a:b.tf"), "dir/a:b.tf");
        assert_eq!(uri("é.tf"), "%C3%A9.tf");
    }
}
