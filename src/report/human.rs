//! `--format human`: rustc-style diagnostics with labels in both files.

use super::Summary;
use crate::finding::{Finding, Severity};
use ariadne::{Color, Config, IndexType, Label, Report, ReportKind, sources};
use std::collections::BTreeMap;

const MAX_SNIPPET_LINE: usize = 400;

pub fn render(findings: &[Finding], summary: &Summary, color: bool) -> String {
    // A service address defined in several roots or templates (`Service`,
    // `aws_ecs_service.this`) is shown with where it is defined.
    let mut scopes: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
    let findings: Vec<&Finding> = findings.iter().filter(|f| !f.is_suppressed()).collect();
    for f in &findings {
        if let (Some(service), Some(scope)) = (&f.service, &f.scope) {
            scopes.entry(service).or_default().insert(scope);
        }
    }
    let ambiguous = |f: &Finding| {
        f.service
            .as_deref()
            .is_some_and(|s| scopes.get(s).is_some_and(|set| set.len() > 1))
    };
    let mut out = Vec::new();
    for f in &findings {
        render_one(f, ambiguous(f), color, &mut out);
    }
    let mut s = String::from_utf8_lossy(&out).into_owned();
    if !color {
        // ariadne colours custom report kinds even with colour off.
        s = strip_ansi(&s);
    }
    s.push_str(&summary.line());
    s.push('\n');
    s
}

fn render_one(f: &Finding, show_scope: bool, color: bool, out: &mut Vec<u8>) {
    // Lower-case severities, as rustc and clippy print them.
    let c = match f.severity() {
        Severity::Error => Color::Red,
        Severity::Warning => Color::Yellow,
        Severity::Note => Color::Cyan,
    };
    let kind = ReportKind::Custom(f.severity().as_str(), c);
    // Minified or generated files can have megabyte-long lines: show those
    // findings without a source snippet.
    let too_long =
        |l: &crate::source::Location| l.file.line_text(l.start().0).len() > MAX_SNIPPET_LINE;
    let snippet_ok = f.location.as_ref().is_some_and(|l| !too_long(l))
        && !f.related.iter().any(|r| too_long(&r.location));
    let Some(primary) = f.location.as_ref().filter(|_| snippet_ok) else {
        // No source to show (unreadable or binary file): one plain line.
        let p = f.position();
        let mut text = format!(
            "[{}] {}: {}\n  --> {}:{}:{}\n",
            f.rule.id,
            f.severity().as_str(),
            f.message,
            p.file,
            p.line,
            p.column
        );
        for r in &f.related {
            text.push_str(&format!("  --> {}: {}\n", r.location, r.message));
        }
        if let Some(fix) = &f.fix {
            text.push_str(&format!("  help: {fix}\n"));
        }
        text.push('\n');
        out.extend_from_slice(text.as_bytes());
        return;
    };
    let id = |l: &crate::source::Location| l.file.display.clone();
    let mut files = BTreeMap::new();
    files.insert(id(primary), primary.file.text.clone());
    for r in &f.related {
        files.insert(id(&r.location), r.location.file.text.clone());
    }
    // ariadne starts a new snippet whenever a label's line goes backwards, so
    // order labels by position: the primary file first, then by line.
    let mut labels: Vec<(&crate::source::Location, &str, Color)> =
        vec![(primary, f.label.as_str(), c)];
    labels.extend(
        f.related
            .iter()
            .map(|r| (&r.location, r.message.as_str(), Color::Blue)),
    );
    labels.sort_by_key(|(l, _, _)| {
        (
            l.file.display != primary.file.display,
            l.file.display.clone(),
            l.span.start,
        )
    });
    let mut report = Report::build(kind, (id(primary), primary.span.clone()))
        .with_config(
            Config::default()
                .with_color(color)
                .with_index_type(IndexType::Byte),
        )
        .with_code(f.rule.id)
        .with_message(&f.message);
    for (order, (loc, message, color)) in labels.into_iter().enumerate() {
        report = report.with_label(
            Label::new((id(loc), loc.span.clone()))
                .with_message(message)
                .with_color(color)
                .with_order(order as i32),
        );
    }
    if let Some(service) = &f.service {
        let scope = match &f.scope {
            Some(scope) if show_scope => format!(" in {scope}"),
            _ => String::new(),
        };
        report = report.with_note(format!("service: {service}{scope} ({})", f.rule.name));
    }
    if let Some(fix) = &f.fix {
        report = report.with_help(fix);
    }
    let _ = report.finish().write(sources(files), &mut *out);
    out.push(b'\n');
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI sequence: ESC [ ... final byte in @..~
            for d in chars.by_ref() {
                if ('@'..='~').contains(&d) && d != '[' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
