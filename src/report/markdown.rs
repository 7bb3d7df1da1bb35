//! `--format markdown`: a summary for `$GITHUB_STEP_SUMMARY` or a
//! pull-request comment. A verdict line, the counts, one table per service
//! chain with every value and where it came from, then each finding.
//!
//! Every string from input is escaped so it renders as text: no markup,
//! links, mentions, HTML or table breaks. The document stays under GitHub's
//! 1 MiB step-summary limit; findings get the room first, and a closing
//! line says what was left out and where the full report is.

use super::{Scan, escape_terminal, plural};
use crate::finding::{Finding, Severity};
use crate::linker::Chain;
use crate::model::{Provenance, Seconds, Setting, fmt_secs};
use crate::servers::KeepAlive;
use crate::source::Location;
use std::fmt::Write;

/// GitHub rejects step summaries above 1 MiB.
pub const MAX_BYTES: usize = 1024 * 1024;

/// Room kept for the truncation line.
const RESERVE: usize = 4096;

/// Longest input string shown in the header or the truncation line.
const MAX_INLINE: usize = 2000;

pub fn render(scan: &Scan<'_, '_>) -> String {
    render_limited(scan, MAX_BYTES)
}

/// The report in at most `limit` bytes (`limit` ≥ a few KiB).
pub fn render_limited(scan: &Scan<'_, '_>, limit: usize) -> String {
    let mut out = header(scan);
    let active: Vec<&Finding> = scan
        .findings
        .iter()
        .filter(|f| !f.is_suppressed())
        .collect();
    let findings: Vec<String> = active.iter().map(|f| finding_block(f)).collect();
    let chains: Vec<String> = scan.chains.iter().map(chain_block).collect();
    const CHAINS_HEADING: &str = "### Service chains\n\n";
    const FINDINGS_HEADING: &str = "### Findings\n\n";
    let notes: String = crate::rules::report_notes(&active)
        .iter()
        .map(|n| format!("> {}\n\n", md(n)))
        .collect();
    let mut budget = limit.saturating_sub(
        out.len() + RESERVE + CHAINS_HEADING.len() + FINDINGS_HEADING.len() + notes.len(),
    );
    let mut fit = |blocks: &[String]| {
        let mut n = 0;
        for b in blocks {
            if b.len() > budget {
                break;
            }
            budget -= b.len();
            n += 1;
        }
        n
    };
    // Findings are what a reviewer acts on: they get the room first.
    let shown_findings = fit(&findings);
    let shown_chains = fit(&chains);
    if !chains.is_empty() {
        out.push_str(CHAINS_HEADING);
        for b in &chains[..shown_chains] {
            out.push_str(b);
        }
    }
    if !findings.is_empty() {
        out.push_str(FINDINGS_HEADING);
        for b in &findings[..shown_findings] {
            out.push_str(b);
        }
        out.push_str(&notes);
    }
    if shown_findings < findings.len() || shown_chains < chains.len() {
        let mut left = Vec::new();
        if shown_chains < chains.len() {
            left.push(format!(
                "{} of {}",
                chains.len() - shown_chains,
                plural(chains.len(), "service chain")
            ));
        }
        if shown_findings < findings.len() {
            left.push(format!(
                "{} of {}",
                findings.len() - shown_findings,
                plural(findings.len(), "finding")
            ));
        }
        let full = match &scan.full_report {
            Some(at) => format!("The full report is in {}.", md(&clip(at))),
            None => "Run keepalign locally, or add `--report sarif=keepalign.sarif`, for the full report.".to_string(),
        };
        let _ = writeln!(
            out,
            "---\n\n**Truncated** to stay under {} KiB: {} not shown. {full}",
            limit / 1024,
            left.join(" and ")
        );
    }
    out
}

fn header(scan: &Scan<'_, '_>) -> String {
    let s = scan.summary;
    let mut out = String::new();
    if let Some(why) = &s.nothing_checked {
        let _ = writeln!(
            out,
            "## ⚠️ keepalign: nothing checked: {}\n",
            md(&clip(why))
        );
        return out;
    }
    let mut parts = Vec::new();
    for (n, word) in [
        (s.errors, "error"),
        (s.warnings, "warning"),
        (s.notes, "note"),
    ] {
        if n > 0 {
            parts.push(plural(n, word));
        }
    }
    let chains = plural(s.services, "service chain");
    let verdict = if s.errors + s.warnings > 0 {
        format!("❌ keepalign: {} in {chains}", parts.join(", "))
    } else if s.notes > 0 {
        format!("ℹ️ keepalign: {} in {chains}", parts.join(", "))
    } else if s.suppressed + s.baselined > 0 {
        // Silenced findings are accepted, not aligned: say so.
        format!(
            "✅ keepalign: no new findings in {chains} ({} silenced)",
            s.suppressed + s.baselined
        )
    } else {
        format!("✅ keepalign: {chains} checked and aligned")
    };
    let _ = writeln!(out, "## {verdict}\n");
    let _ = writeln!(out, "Checked {}.\n", plural(s.files, "file"));
    if s.baselined > 0 || s.suppressed > 0 {
        let new = s.errors + s.warnings + s.notes;
        let _ = writeln!(
            out,
            "| New | Existing (baseline) | Suppressed |\n|---:|---:|---:|\n| {new} | {} | {} |\n",
            s.baselined, s.suppressed
        );
    }
    out
}

fn finding_block(f: &Finding) -> String {
    let icon = match f.severity() {
        Severity::Error => "❌",
        Severity::Warning => "⚠️",
        Severity::Note => "ℹ️",
    };
    let mut out = format!(
        "#### {icon} {} {} {}",
        f.rule.id,
        f.rule.name,
        f.severity().as_str()
    );
    if let Some(service) = &f.service {
        let _ = write!(out, ": {}", md(service));
    }
    let _ = writeln!(out, "\n\n{}\n", md(&f.message));
    let p = f.position();
    if !p.file.is_empty() {
        let _ = writeln!(out, "- **Where:** {}:{}:{}", md(&p.file), p.line, p.column);
    }
    for r in &f.related {
        let _ = writeln!(
            out,
            "- **Related:** {} ({})",
            place(&r.location),
            md(&r.message)
        );
    }
    if let Some(fix) = &f.fix {
        let _ = writeln!(out, "- **Fix:** {}", md(fix));
    }
    out.push('\n');
    out
}

fn chain_block(c: &Chain<'_>) -> String {
    let mut out = format!("#### {}", md(&c.service.id.address));
    let _ = writeln!(out, " ({})\n", md(&c.service.id.scope));
    out.push_str("| Setting | Value | From |\n|---|---|---|\n");
    let mut row = |setting: &str, value: String, from: String| {
        let _ = writeln!(out, "| {setting} | {value} | {from} |");
    };
    match &c.load_balancer {
        Ok(lb) => {
            let kind = lb
                .kind
                .value()
                .map(|k| k.short_name())
                .unwrap_or("type unknown");
            row(
                "Load balancer",
                format!("{} ({kind})", md(&lb.id.address)),
                place(&lb.at),
            );
            let (v, f) = seconds(&lb.idle_timeout);
            row("LB idle timeout", v, f);
            if let Some(t) = &lb.connection_draining_timeout {
                let (v, f) = seconds(t);
                row("Connection draining timeout", v, f);
            }
        }
        Err(u) => row("Load balancer", "unknown".into(), unknown(&u.reason)),
    }
    match &c.target_group {
        Some(Ok(tg)) => {
            let (v, f) = seconds(&tg.deregistration_delay);
            row("Deregistration delay", v, f);
        }
        Some(Err(u)) => row("Target group", "unknown".into(), unknown(&u.reason)),
        None => {}
    }
    match &c.container {
        Ok(ct) => {
            row("Container", md(&ct.name), place(&ct.at));
            let (v, f) = seconds(&c.stop_timeout);
            row("Stop timeout", v, f);
        }
        Err(u) => row("Container", "unknown".into(), unknown(&u.reason)),
    }
    match &c.server {
        Ok(s) => {
            row(
                "Server",
                md(&s.description),
                s.identified_at.as_ref().map(place).unwrap_or_default(),
            );
            match &s.keep_alive {
                KeepAlive::Timeout(t) => {
                    let (v, f) = seconds(t);
                    row("Keep-alive", v, f);
                }
                KeepAlive::ClosesEveryConnection { why } => {
                    row("Keep-alive", "none".into(), md(why));
                }
                KeepAlive::NoLimit { why, .. } => {
                    row("Keep-alive", "no limit".into(), md(why));
                }
            }
            if let Some(g) = &s.graceful_timeout {
                let (v, f) = seconds(g);
                row("Graceful timeout", v, f);
            }
            if let Some(r) = &s.request_timeout {
                let (v, f) = seconds(r);
                row("Request timeout", v, f);
            }
        }
        Err(u) => row("Server", "unknown".into(), unknown(&u.reason)),
    }
    out.push('\n');
    out
}

/// (value, where it came from) for a table row.
fn seconds(s: &Setting<Seconds>) -> (String, String) {
    match s {
        Setting::Known {
            value,
            provenance: Provenance::Explicit(at),
        } => (format!("{} s", fmt_secs(*value)), place(at)),
        Setting::Known {
            value,
            provenance: Provenance::Default { source, .. },
        } => (format!("{} s", fmt_secs(*value)), md(source)),
        Setting::Known {
            value,
            provenance: Provenance::Declared(at),
        } => (
            format!("{} s", fmt_secs(*value)),
            format!("declared in {}", place(at)),
        ),
        Setting::Unresolved(u) => ("unknown".into(), unknown(&u.reason)),
    }
}

fn unknown(reason: &str) -> String {
    format!("unknown: {}", md(reason))
}

/// `file:line`, escaped.
fn place(l: &Location) -> String {
    format!("{}:{}", md(&l.file.display), l.start().0)
}

fn clip(s: &str) -> String {
    if s.chars().count() <= MAX_INLINE {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX_INLINE).collect();
    out.push('…');
    out
}

/// Text from input as inert Markdown: control characters shown visibly
/// (a newline cannot end a table row), HTML as entities, and backslash
/// escapes for everything that is markup in GitHub Flavored Markdown:
/// emphasis, code, links, tables, strikethrough, math (`$`), issue
/// references (`#1`), mentions and e-mail links (`@`), emoji (`:x:`), and
/// bare-URL autolinks (`https:`, `www.`).
pub fn md(text: &str) -> String {
    let visible = escape_terminal(text);
    let mut out = String::with_capacity(visible.len() + visible.len() / 4);
    for c in visible.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | ':' | '@' | '#' | '$' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '.' if out
                .get(out.len().saturating_sub(3)..)
                .is_some_and(|t| t.eq_ignore_ascii_case("www")) =>
            {
                out.push_str("\\.");
            }
            c if super::shown_escaped(c) => {
                out.push_str(&c.escape_unicode().to_string().replace('\\', "\\\\"));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::md;

    #[test]
    fn input_renders_as_text() {
        assert_eq!(
            md("a|b *c* _d_ `e` [f](g) <img> & \\"),
            "a\\|b \\*c\\* \\_d\\_ \\`e\\` \\[f\\](g) &lt;img&gt; &amp; \\\\"
        );
        assert_eq!(
            md("see https://x.io or www.x.io"),
            "see https\\://x.io or www\\.x.io"
        );
        assert_eq!(
            md("@admin #12 $x$ :tada:"),
            "\\@admin \\#12 \\$x\\$ \\:tada\\:"
        );
        assert_eq!(md("line1\nline2\r"), "line1\\\\nline2\\\\r");
        assert!(!md("x\u{1b}[2J").contains('\u{1b}'));
        assert_eq!(md("a\u{202e}b"), "a\\\\u{202e}b");
    }
}
