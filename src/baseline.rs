//! Baselines: the findings a repository already has, so a run reports only
//! new ones (`--create-baseline FILE`, then `--baseline FILE`).
//!
//! A finding is keyed by its rule and fingerprint (the chain's addresses, no
//! lines or values), so edits elsewhere in a file do not make it "new".
//! Matching counts: a baseline with one KA101 for a fingerprint absorbs one
//! such finding, and a second one is new.

use crate::finding::{Finding, Suppression, SuppressionKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

pub const VERSION: u64 = 1;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub rule: String,
    pub fingerprint: String,
    /// For people reading the file; matching uses rule and fingerprint only
    /// (the message, when equal, picks which of several findings matches).
    #[serde(default)]
    pub service: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u64,
    tool: String,
    findings: Vec<Entry>,
}

/// The baseline of a scan: every finding not suppressed in the source
/// (those already in a baseline included, so one run can refresh it),
/// sorted, as pretty JSON with a final newline.
pub fn create(findings: &[Finding]) -> String {
    let mut entries: Vec<Entry> = findings
        .iter()
        .filter(|f| f.suppression.as_ref().is_none_or(|s| s.baseline))
        .map(|f| Entry {
            rule: f.rule.id.to_string(),
            fingerprint: f.fingerprint(),
            service: f.service.clone(),
            scope: f.scope.clone(),
            message: f.message.clone(),
        })
        .collect();
    entries.sort();
    let file = File {
        version: VERSION,
        tool: "keepalign".into(),
        findings: entries,
    };
    let mut s = serde_json::to_string_pretty(&file).unwrap_or_default();
    s.push('\n');
    s
}

/// Baselines list findings, not IaC; a generous cap still bounds the read.
const MAX_SIZE: u64 = crate::input::MAX_FILE_SIZE;

/// Read a baseline; the error names the file (and line for JSON errors).
pub fn read(path: &Path) -> Result<Vec<Entry>, String> {
    let name = path.display();
    let text = crate::input::read_text(path, crate::input::Within::Named, MAX_SIZE)
        .map_err(|e| format!("baseline {name}: {}", e.message))?;
    let file: File = serde_json::from_str(&text).map_err(|e| {
        format!(
            "baseline {name}:{}:{}: not a keepalign baseline: {e}",
            e.line(),
            e.column()
        )
    })?;
    if file.tool != "keepalign" {
        return Err(format!(
            "baseline {name}: made by \"{}\", not keepalign",
            file.tool
        ));
    }
    if file.version != VERSION {
        return Err(format!(
            "baseline {name}: version {} is not supported (this keepalign reads version {VERSION}); recreate it with --create-baseline",
            file.version
        ));
    }
    Ok(file.findings)
}

/// Mark the findings the baseline has as baselined, count-aware. Findings
/// suppressed in the source are left as they are.
pub fn apply(entries: &[Entry], findings: &mut [Finding], name: &str) {
    let mut left: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for e in entries {
        left.entry((&e.rule, &e.fingerprint))
            .or_default()
            .push(&e.message);
    }
    let fingerprints: Vec<String> = findings.iter().map(Finding::fingerprint).collect();
    let mark = |f: &mut Finding| {
        f.suppression = Some(Suppression {
            kind: SuppressionKind::External,
            justification: Some(format!("in baseline {name}")),
            location: None,
            baseline: true,
        });
    };
    // Same message first, so when a service has one old and one new finding
    // of a rule, the old one is the one absorbed.
    for exact in [true, false] {
        for (f, fp) in findings.iter_mut().zip(&fingerprints) {
            if f.suppression.is_some() {
                continue;
            }
            let Some(messages) = left.get_mut(&(f.rule.id, fp.as_str())) else {
                continue;
            };
            let pos = if exact {
                messages.iter().position(|m| *m == f.message)
            } else {
                (!messages.is_empty()).then_some(0)
            };
            if let Some(pos) = pos {
                messages.remove(pos);
                mark(f);
            }
        }
    }
}
