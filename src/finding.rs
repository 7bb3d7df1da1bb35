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
    /// For a policy rule, the policy file that defines it.
    pub policy: Option<&'static str>,
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

    /// Category tags (SARIF `properties.tags`): what kind of problem the
    /// rule reports, from its ID's series.
    pub fn tags(&self) -> &'static [&'static str] {
        if self.policy.is_some() {
            return &["policy"];
        }
        match self.id.get(..2).unwrap_or("") {
            "KA" | "DR" | "RQ" | "HC" | "NL" | "CF" | "EB" => &["reliability", "timeouts", "aws"],
            "UN" => &["coverage"],
            "PA" => &["input"],
            "SU" => &["suppression"],
            _ => &[],
        }
    }

    /// The rule's documentation page in the repository (`docs/rules/ID.md`);
    /// `None` for a policy rule, documented in its policy.
    pub fn help_uri(&self) -> Option<String> {
        self.policy.is_none().then(|| {
            format!(
                "{}/blob/main/docs/rules/{}.md",
                env!("CARGO_PKG_REPOSITORY"),
                self.id
            )
        })
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

/// How a finding was silenced. Suppressed findings stay in the list: SARIF
/// shows them as suppressed, the other reports count them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SuppressionKind {
    /// A comment or `Metadata` in the IaC.
    InSource,
    /// Outside the IaC: a baseline or `keepalign.toml`.
    External,
}

#[derive(Clone, Debug)]
pub struct Suppression {
    pub kind: SuppressionKind,
    /// The reason the user gave, if any.
    pub justification: Option<String>,
    /// Where the suppression is written, when it is in a file keepalign read.
    pub location: Option<Location>,
    /// True for a finding a baseline already had: "existing", not "suppressed".
    pub baseline: bool,
}

/// A machine-applicable fix: replace the text at `location` with `text`.
/// Only set where one written value in one place is the whole fix (reviewdog
/// shows it as a suggested change).
#[derive(Clone, Debug)]
pub struct Suggestion {
    pub location: Location,
    pub text: String,
}

#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    /// The rule's severity, unless the configuration changes it.
    pub severity: Severity,
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
    /// What the finding is about, independent of lines and values: the
    /// chain's addresses (scope, service, container, load balancer, target
    /// group), the unknown value's name, or the file. `fingerprint` hashes it.
    /// The first part is always where the finding lives (a scope or a file
    /// path), which `anchor_identity` makes independent of the directory
    /// keepalign runs from.
    pub identity: Vec<String>,
    pub suppression: Option<Suppression>,
    /// The fix as a text replacement, when it is one value in one place.
    pub suggestion: Option<Suggestion>,
}

impl Finding {
    /// A finding of `rule` with its default severity and nothing else set.
    pub fn new(rule: &'static RuleMeta, message: String) -> Finding {
        Finding {
            rule,
            severity: rule.severity,
            service: None,
            scope: None,
            message,
            fix: None,
            location: None,
            label: String::new(),
            raw_location: None,
            related: Vec::new(),
            identity: Vec::new(),
            suppression: None,
            suggestion: None,
        }
    }

    pub fn severity(&self) -> Severity {
        self.severity
    }

    pub fn is_suppressed(&self) -> bool {
        self.suppression.is_some()
    }

    /// Make the path that starts `identity` relative to the repository
    /// `root`, so a baseline made from the repository root still matches a
    /// scan run from a subdirectory (or from another checkout of it).
    pub fn anchor_identity(&mut self, root: &std::path::Path) {
        let Some(first) = self.identity.first_mut() else {
            return;
        };
        let Ok(canonical) = crate::input::canonical_dir(std::path::Path::new(first.as_str()))
        else {
            return;
        };
        if let Ok(rel) = canonical.strip_prefix(root) {
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            *first = if parts.is_empty() {
                ".".to_string()
            } else {
                parts.join("/")
            };
        }
    }

    /// A stable key for baselines and SARIF `partialFingerprints`: the rule
    /// and what the finding is about, never line numbers or values, so it
    /// survives unrelated edits. 64-bit FNV-1a, as 16 hex digits.
    pub fn fingerprint(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |bytes: &[u8]| {
            for b in bytes {
                h ^= u64::from(*b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        };
        feed(self.rule.id.as_bytes());
        for part in &self.identity {
            feed(&[0]);
            feed(part.as_bytes());
        }
        format!("{h:016x}")
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
