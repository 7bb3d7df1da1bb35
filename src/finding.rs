//! Findings: what rules emit and reporters print.

use crate::source::Location;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A rule's identity and documentation, generated from its doc comment.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: when it fires.
    pub summary: &'static str,
    /// The doc comment of the rule, as written beside its code.
    pub doc: &'static str,
}

impl RuleMeta {
    /// The documentation as Markdown, without the doc-comment indentation.
    pub fn documentation(&self) -> String {
        self.doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    }
}

#[derive(Clone, Debug)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

/// Where a finding points when there is no loaded source (an unreadable file).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RawLocation {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    /// The service address, or `None` for findings about a file (PA001).
    pub service: Option<String>,
    /// Where the service is defined: the Terraform root directory, the
    /// CloudFormation template or the plan. Templates and roots often reuse
    /// addresses (`Service`, `aws_ecs_service.this`).
    pub scope: Option<String>,
    pub message: String,
    pub fix: Option<String>,
    pub location: Option<Location>,
    /// What the primary location shows, e.g. "gunicorn keep-alive 2 s (default)".
    pub label: String,
    pub raw_location: Option<RawLocation>,
    pub related: Vec<Related>,
}

impl Finding {
    pub fn severity(&self) -> Severity {
        self.rule.severity
    }

    /// (file, line, column) for sorting and reporting.
    pub fn position(&self) -> RawLocation {
        if let Some(l) = &self.location {
            let (line, column) = l.start();
            RawLocation {
                file: l.file.display.clone(),
                line,
                column,
            }
        } else if let Some(r) = &self.raw_location {
            r.clone()
        } else {
            RawLocation {
                file: String::new(),
                line: 0,
                column: 0,
            }
        }
    }
}

/// Deterministic order: file, line, column, rule, service, message.
pub fn sort_and_dedup(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        (a.position(), a.rule.id, &a.service, &a.scope, &a.message).cmp(&(
            b.position(),
            b.rule.id,
            &b.service,
            &b.scope,
            &b.message,
        ))
    });
    findings.dedup_by(|a, b| {
        a.rule.id == b.rule.id
            && a.service == b.service
            && a.scope == b.scope
            && a.message == b.message
            && a.position() == b.position()
    });
}
