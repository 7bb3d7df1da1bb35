//! Reporters read only findings and chains.

pub mod human;
pub mod json;
pub mod services;

use crate::finding::{Finding, Severity};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub services: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Summary {
    pub fn new(findings: &[Finding], files: usize, services: usize) -> Summary {
        let count = |s| findings.iter().filter(|f| f.severity() == s).count();
        Summary {
            files,
            services,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            notes: count(Severity::Note),
        }
    }

    /// "1 error, 2 notes in 3 services (12 files)".
    pub fn line(&self) -> String {
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        let mut parts = Vec::new();
        if self.errors > 0 {
            parts.push(plural(self.errors, "error"));
        }
        if self.warnings > 0 {
            parts.push(plural(self.warnings, "warning"));
        }
        if self.notes > 0 {
            parts.push(plural(self.notes, "note"));
        }
        let what = if parts.is_empty() {
            "no findings".to_string()
        } else {
            parts.join(", ")
        };
        format!(
            "{what} in {} ({})",
            plural(self.services, "service chain"),
            plural(self.files, "file")
        )
    }
}
