//! `--format human`: rustc-style diagnostics with labels in both files.

use super::{Summary, defuse, escape_terminal, is_workflow_command, shown_escaped};
use crate::finding::{Finding, Severity};
use crate::source::{Location, SourceFile, char_range};
use ariadne::{Cache, Color, Config, IndexType, Label, Report, ReportKind, Source};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::rc::Rc;
use std::sync::Arc;

const MAX_SNIPPET_LINE: usize = 400;

/// Labels of one file further apart than this many lines are shown in
/// snippets of their own.
const FAR_LINES: usize = 100;

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
    // Each file's text as ariadne echoes it, line-indexed once per report.
    let mut shown = Shown::default();
    for f in &findings {
        render_one(f, ambiguous(f), color, &mut shown, &mut out);
    }
    let mut s = finish(&String::from_utf8_lossy(&out), color);
    for note in crate::rules::report_notes(&findings) {
        s.push_str(&escape_terminal(&format!("note: {note}")));
        s.push_str("\n\n");
    }
    s.push_str(&escape_terminal(&summary.line()));
    s.push('\n');
    s
}

fn render_one(f: &Finding, show_scope: bool, color: bool, shown: &mut Shown, out: &mut Vec<u8>) {
    // Lower-case severities, as rustc and clippy print them.
    let c = match f.severity() {
        Severity::Error => Color::Red,
        Severity::Warning => Color::Yellow,
        Severity::Note => Color::Cyan,
    };
    let kind = ReportKind::Custom(f.severity().as_str(), c);
    // Minified or generated files can have megabyte-long lines: show those
    // findings without a source snippet.
    let snippet_ok = f.location.as_ref().is_some_and(|l| !too_long(l))
        && !f.related.iter().any(|r| too_long(&r.location));
    let Some(primary) = f.location.as_ref().filter(|_| snippet_ok) else {
        // No source to show (unreadable or binary file): plain lines, each
        // escaped whole, so none can start a workflow command.
        let p = f.position();
        let mut lines = vec![
            format!("[{}] {}: {}", f.rule.id, f.severity().as_str(), f.message),
            format!("  --> {}:{}:{}", p.file, p.line, p.column),
        ];
        for r in &f.related {
            lines.push(format!("  --> {}: {}", r.location, r.message));
        }
        if let Some(fix) = &f.fix {
            lines.push(format!("  help: {fix}"));
        }
        for line in lines {
            out.extend_from_slice(escape_terminal(&line).as_bytes());
            out.push(b'\n');
        }
        out.push(b'\n');
        return;
    };
    // ariadne echoes each source line: it is given a copy where every
    // character never printed raw is one visible character, and spans in
    // characters, which that copy keeps in place.
    let mut source = |l: &Location, part: usize| {
        let id = FileId::of(l, part);
        shown
            .files
            .entry(id.source())
            .or_insert_with(|| Source::from(Rc::<str>::from(shown_source(&l.file.text))));
        (id, char_span(&l.file, &l.span))
    };
    // ariadne starts a new snippet whenever a label's line goes backwards, so
    // order labels by position: the primary file first, then by line.
    let mut labels: Vec<(&Location, &str, Color)> = vec![(primary, f.label.as_str(), c)];
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
    // ariadne walks every line between two labels of a snippet; labels far
    // apart in one file (a plan is a million lines) get a snippet each.
    let mut parts = Vec::with_capacity(labels.len());
    let mut part = 0;
    for (i, (l, _, _)) in labels.iter().enumerate() {
        if let Some((prev, _, _)) = i.checked_sub(1).map(|p| labels[p])
            && Arc::ptr_eq(&prev.file, &l.file)
            && l.start().0 > prev.end().0 + FAR_LINES
        {
            part += 1;
        }
        parts.push(part);
    }
    let primary_part = labels
        .iter()
        .position(|(l, _, _)| std::ptr::eq(*l, primary))
        .map_or(0, |i| parts[i]);
    let mut report = Report::build(kind, source(primary, primary_part))
        .with_config(
            Config::default()
                .with_color(color)
                .with_index_type(IndexType::Char),
        )
        .with_code(f.rule.id)
        .with_message(escape_terminal(&f.message));
    // The primary label's snippet first: ariadne heads the report with it.
    let mut labels: Vec<_> = labels.into_iter().zip(parts).collect();
    labels.sort_by_key(|(_, part)| *part != primary_part);
    for (order, ((loc, message, color), part)) in labels.into_iter().enumerate() {
        report = report.with_label(
            Label::new(source(loc, part))
                .with_message(escape_terminal(message))
                .with_color(color)
                .with_order(order as i32),
        );
    }
    if let Some(service) = &f.service {
        let scope = match &f.scope {
            Some(scope) if show_scope => format!(" in {scope}"),
            _ => String::new(),
        };
        report = report.with_note(escape_terminal(&format!(
            "service: {service}{scope} ({})",
            f.rule.name
        )));
    }
    if let Some(fix) = &f.fix {
        report = report.with_help(escape_terminal(fix));
    }
    let _ = report.finish().write(&mut *shown, &mut *out);
    out.push(b'\n');
}

/// A file as ariadne names it: shown by its escaped path, told apart by the
/// real one and by the loaded file itself, so two paths that escape alike
/// stay two files.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct FileId {
    path: String,
    shown: String,
    file: *const SourceFile,
    /// Which snippet of the file, for labels far apart in it.
    part: usize,
}

impl FileId {
    fn of(l: &Location, part: usize) -> FileId {
        FileId {
            path: l.file.display.clone(),
            shown: escape_terminal(&l.file.display),
            file: Arc::as_ptr(&l.file),
            part,
        }
    }

    /// The file whatever the snippet: its text is made once.
    fn source(&self) -> FileId {
        FileId {
            part: 0,
            ..self.clone()
        }
    }
}

/// The files of a report as ariadne reads them, each made and line-indexed
/// once: a finding in a large file (a plan is megabytes) does not index it
/// again.
#[derive(Default)]
struct Shown {
    files: HashMap<FileId, Source<Rc<str>>>,
}

impl Cache<FileId> for Shown {
    type Storage = Rc<str>;

    fn fetch(&mut self, id: &FileId) -> Result<&Source<Rc<str>>, impl fmt::Debug> {
        self.files
            .get(&id.source())
            .ok_or_else(|| format!("no source for {id}"))
    }

    fn display<'a>(&self, id: &'a FileId) -> Option<impl fmt::Display + 'a> {
        Some(id)
    }
}

impl fmt::Display for FileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

/// Whether a line ariadne would echo for `l` (where it starts and where it
/// ends) is too long to show.
fn too_long(l: &Location) -> bool {
    let last = l.span.end.saturating_sub(1).max(l.span.start);
    [l.span.start, last]
        .into_iter()
        .any(|at| l.file.line_text(l.file.line_col(at).0).len() > MAX_SNIPPET_LINE)
}

/// The source text as ariadne echoes it. Each character that is never
/// printed raw becomes exactly one visible character, so character offsets
/// (and columns) are those of the real text: C0 controls their Unicode
/// control picture (`␛` for ESC), the others U+FFFD. A multi-character
/// escape such as `\u{1b}` would shift every span after it. Line breaks
/// other than `\n` (a lone CR, VT, FF, NEL, U+2028/9) are replaced too:
/// ariadne would start a line there, and its line numbers must be ours.
///
/// The `[` of `##[`, where the runner finds a legacy workflow command
/// anywhere in a line, becomes U+FFFD as well. (A line starting with `::`
/// is safe: ariadne puts the line number before it.)
fn shown_source(text: &str) -> String {
    // Printable ASCII with line ends and tabs (most files, and plans) is
    // shown as it is: one pass over the bytes instead of one per character.
    let printable = |b: &u8| matches!(b, b' '..=b'~' | b'\n' | b'\t');
    if text.as_bytes().iter().all(printable) && !text.contains("##[") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(match c {
            '\n' | '\t' => c,
            '\r' if chars.peek() == Some(&'\n') => c,
            '\0'..='\x1f' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
            '\x7f' => '\u{2421}',
            '\u{2028}' | '\u{2029}' => '\u{FFFD}',
            '[' if out.ends_with("##") => '\u{FFFD}',
            c if shown_escaped(c) => '\u{FFFD}',
            c => c,
        });
    }
    out
}

/// A byte span as character offsets, for ariadne. Clamped to the text and
/// widened to whole characters first: a span that cuts a character must
/// not panic the report (`Location::new` already prevents it).
fn char_span(file: &SourceFile, span: &Range<usize>) -> Range<usize> {
    let span = char_range(&file.text, span.clone());
    let start = file.chars_before(span.start);
    start..start + file.text[span].chars().count()
}

/// The last pass over the report. ariadne colours custom report kinds even
/// with colour off, so without colour our own codes (SGR: `ESC [ digits ;
/// m`) are removed; with it they are kept. Anything else never printed raw
/// is shown escaped, and no line is a workflow command: input is escaped
/// before it gets here, and this makes sure no route was missed.
fn finish(s: &str, color: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some((i, c)) = rest
        .char_indices()
        .find(|&(_, c)| c != '\n' && shown_escaped(c))
    {
        out.push_str(&rest[..i]);
        let after = &rest[i + c.len_utf8()..];
        let sgr = (c == '\u{1b}')
            .then(|| after.strip_prefix('['))
            .flatten()
            .and_then(|params| {
                let n = params
                    .find(|c: char| !(c.is_ascii_digit() || c == ';'))
                    .unwrap_or(params.len());
                params[n..].strip_prefix('m')
            });
        match sgr {
            Some(tail) => {
                if color {
                    out.push_str(&rest[i..rest.len() - tail.len()]);
                }
                rest = tail;
            }
            None => {
                out.push_str(&c.escape_unicode().to_string());
                rest = after;
            }
        }
    }
    out.push_str(rest);
    if out.lines().any(is_workflow_command) {
        out = out
            .split('\n')
            .map(|line| defuse(line.to_string()))
            .collect::<Vec<_>>()
            .join("\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_echoed_source_keeps_one_character_per_character() {
        let text = "a\u{1b}]0;x\u{7}\r\nb\rc\u{202e}\u{2028}\u{85}\u{7f}\td ##[e]\r\n";
        let shown = shown_source(text);
        assert_eq!(
            shown,
            "a␛]0;x␇\r\nb␍c\u{fffd}\u{fffd}\u{fffd}␡\td ##\u{fffd}e]\r\n"
        );
        assert_eq!(shown.chars().count(), text.chars().count());
        assert!(
            !shown
                .chars()
                .any(|c| shown_escaped(c) && !"\r\n\t".contains(c))
        );
    }

    /// The fast path for printable ASCII gives what the character-by-
    /// character path gives, and leaves it for anything else.
    #[test]
    fn printable_ascii_is_echoed_as_it_is() {
        let plain = "resource \"aws_lb\" \"x\" {\n\tidle_timeout = 60 # [x]\n}\n";
        assert_eq!(shown_source(plain), plain);
        assert_eq!(shown_source("a ##[b"), "a ##\u{fffd}b");
        assert_eq!(shown_source("a\rb"), "a␍b");
        assert_eq!(shown_source("a\u{7f}"), "a␡");
    }

    #[test]
    fn spans_become_whole_characters() {
        let text = SourceFile::new("a.tf".into(), "x = “web”".into());
        // 4..5 cuts the first quote (bytes 4..7).
        assert_eq!(char_span(&text, &(4..5)), 4..5);
        assert_eq!(char_span(&text, &(5..9)), 4..7);
        assert_eq!(char_span(&text, &(50..60)), 9..9);
        // Deep in a long line with characters of several bytes, counted
        // from the nearest mark as from the start.
        let long = format!("{}é{}", "é".repeat(100_000), "x".repeat(70_000));
        let file = SourceFile::new("plan.json".into(), long.clone());
        let at = long.len() - 10;
        assert_eq!(file.chars_before(at), long[..at].chars().count());
        assert_eq!(file.line_col(at), (1, long[..at].chars().count() + 1));
        assert_eq!(
            file.chars_before(3),
            1,
            "inside a character: the one before"
        );
    }

    #[test]
    fn a_location_that_cuts_a_character_is_rendered_not_a_panic() {
        use crate::model::InputError;
        let file = SourceFile::new("x.tf".into(), "x = “a”\n".into());
        for span in [4..5, 5..6, 6..20, 30..40] {
            // Built by hand: `Location::new` would have widened it.
            let at = Location {
                file: file.clone(),
                span: span.clone(),
            };
            let findings = crate::rules::pa001::findings(&[InputError {
                file: "x.tf".into(),
                message: "invalid HCL".into(),
                at: Some(at),
                line_col: None,
            }]);
            let out = render(&findings, &Summary::new(&findings, 1, 0), false);
            assert!(out.contains("[PA001]"), "{span:?}: {out}");
        }
    }

    #[test]
    fn no_span_in_awkward_text_panics_the_report() {
        use crate::model::InputError;
        let text = "a = “é”\r\n\tb\r€\u{2028}c\u{1b}[0m\u{85}##[x]\u{200b}\n\n🦀";
        let file = SourceFile::new("x.tf".into(), text.into());
        for start in 0..=text.len() + 1 {
            for end in [start, start + 1, start + 3, start + 9, text.len() + 2] {
                let at = Location {
                    file: file.clone(),
                    span: start..end,
                };
                let findings = crate::rules::pa001::findings(&[InputError {
                    file: "x.tf".into(),
                    message: "m".into(),
                    at: Some(at),
                    line_col: None,
                }]);
                for color in [false, true] {
                    let out = render(&findings, &Summary::new(&findings, 1, 0), color);
                    assert!(!out.contains("##["), "{start}..{end}: {out}");
                }
            }
        }
    }

    #[test]
    fn line_numbers_are_ours_whatever_breaks_a_line_for_ariadne() {
        let text = "a\rb\u{b}c\u{c}d\u{85}e\u{2028}f\r\nx = 1\n";
        let file = SourceFile::new("x.tf".into(), text.into());
        let at = Location::new(&file, text.find('x').unwrap()..text.len() - 1);
        assert_eq!(at.start(), (2, 1));
        let findings = crate::rules::pa001::findings(&[crate::model::InputError {
            file: "x.tf".into(),
            message: "m".into(),
            at: Some(at),
            line_col: None,
        }]);
        let out = render(&findings, &Summary::new(&findings, 1, 0), false);
        assert!(
            out.contains("x.tf:2:1") && out.contains(" 2 │ x = 1"),
            "{out}"
        );
    }

    #[test]
    fn a_snippet_is_left_out_when_a_line_it_echoes_is_too_long() {
        let long = "x".repeat(MAX_SNIPPET_LINE + 1);
        let text = format!("a = [\n{long},\n1]\nb = [\n1,\n{long}]\n");
        let file = SourceFile::new("x.tf".into(), text.clone());
        let span = |from: &str, to: &str| {
            let start = text.find(from).unwrap();
            Location::new(&file, start..text[start..].find(to).unwrap() + start + 1)
        };
        // ariadne echoes where a span starts and where it ends, not between.
        assert!(!too_long(&span("a = [", "]")));
        assert!(too_long(&span("b = [", "]")));
        assert!(too_long(&span("xxx", ",")));
        let findings = crate::rules::pa001::findings(&[crate::model::InputError {
            file: "x.tf".into(),
            message: "m".into(),
            at: Some(span("a = [", "]")),
            line_col: None,
        }]);
        let out = render(&findings, &Summary::new(&findings, 1, 0), false);
        assert!(out.contains("─▶ 1]") && !out.contains("xxx"), "{out}");
    }

    #[test]
    fn only_our_colour_codes_pass_the_last_pass() {
        let ours = "\u{1b}[31mred\u{1b}[0m \u{1b}[38;5;246mx\n";
        assert_eq!(finish(ours, false), "red x\n");
        assert_eq!(finish(ours, true), ours);
        for color in [false, true] {
            assert_eq!(
                finish("a\u{1b}]0;t\u{7}\u{1b}[2J\r\u{202e}", color),
                "a\\u{1b}]0;t\\u{7}\\u{1b}[2J\\u{d}\\u{202e}"
            );
        }
        assert_eq!(
            finish("x\n  ::error::a\nb ##[error]c\n", false),
            "x\n  \\u{3a}:error::a\nb ##\\u{5b}error]c\n"
        );
    }
}
