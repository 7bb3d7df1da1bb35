//! `# keepalign:ignore` comments in `.tf` files, and the `"//"` key of
//! `.tf.json` files.
//!
//! Comments are found by a small lexer over the file rather than through
//! hcl-edit's decor: the parser scatters comments over the prefix and suffix
//! decor of every attribute, block, object item and array element, and a
//! walk collecting them would have to visit every node type. The lexer knows
//! the three things that can hide a `#`: quoted strings (with escapes and
//! `${ ... }` interpolations holding strings of their own) and heredocs. One
//! linear pass, exact spans, nothing in a string or heredoc mistaken for a
//! comment.

use super::syntax::TopBlock;
use crate::json::{JsonKind, JsonNode};
use crate::source::{Location, SourceFile};
use crate::suppress::{Ignore, Site, Target, parse_directive};
use std::ops::Range;
use std::sync::Arc;

/// A comment: its span, its text without the markers, and whether it is a
/// `/* */` comment spanning lines.
#[derive(Debug, PartialEq)]
pub struct Comment {
    pub span: Range<usize>,
    pub text: String,
    pub multiline: bool,
}

/// Whether `text` has `keepalign:` in it, in any case (as
/// `parse_directive` reads it): without it, no comment is a directive.
fn may_hold_directive(text: &str) -> bool {
    const MARK: &[u8] = b"keepalign:";
    text.as_bytes()
        .windows(MARK.len())
        .any(|w| (w[0] | 0x20) == b'k' && w.eq_ignore_ascii_case(MARK))
}

/// Every comment of an HCL file, outside strings and heredocs.
pub fn comments(text: &str) -> Vec<Comment> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    // Inside `${ ... }`: the brace depth of each open interpolation, and
    // whether a string is open inside it (innermost last).
    enum Ctx {
        Str,
        Interp(usize),
    }
    let mut stack: Vec<Ctx> = Vec::new();
    let mut i = 0;
    let line_end = |from: usize| text[from..].find('\n').map_or(text.len(), |n| from + n);
    while i < b.len() {
        let c = b[i];
        if let Some(Ctx::Str) = stack.last() {
            match c {
                b'\\' => i += 1,
                b'"' => {
                    stack.pop();
                }
                // `$${` and `%%{` are literal.
                b'$' | b'%' if b.get(i + 1) == Some(&c) => i += 1,
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                    stack.push(Ctx::Interp(0));
                    i += 1;
                }
                // A quoted string cannot span lines: the parser rejects it;
                // stop here rather than swallow the rest of the file.
                b'\n' => {
                    stack.pop();
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        match c {
            b'#' => {
                let end = line_end(i);
                out.push(comment(text, i, end, 1, 0));
                i = end;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = line_end(i);
                out.push(comment(text, i, end, 2, 0));
                i = end;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..]
                    .find("*/")
                    .map_or(text.len(), |n| i + 2 + n + 2);
                let close = if text[i..end].ends_with("*/") && end >= i + 4 {
                    2
                } else {
                    0
                };
                out.push(comment(text, i, end, 2, close));
                i = end;
                continue;
            }
            b'"' => stack.push(Ctx::Str),
            b'{' => {
                if let Some(Ctx::Interp(d)) = stack.last_mut() {
                    *d += 1;
                }
            }
            b'}' => match stack.last_mut() {
                Some(Ctx::Interp(0)) => {
                    stack.pop();
                }
                Some(Ctx::Interp(d)) => *d -= 1,
                _ => {}
            },
            b'<' if b.get(i + 1) == Some(&b'<') => {
                if let Some(end) = heredoc_end(text, i) {
                    i = end;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn comment(text: &str, start: usize, end: usize, open: usize, close: usize) -> Comment {
    let raw = &text[start..end];
    let inner = &raw[open..raw.len() - close];
    Comment {
        span: start..end,
        text: inner.trim().to_string(),
        multiline: raw.contains('\n'),
    }
}

/// Where a heredoc starting at `at` (`<<EOF` or `<<-EOF`) ends: after its
/// closing marker line, or the end of the file when it has none.
fn heredoc_end(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at + 2..];
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let len = rest
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
        .count();
    let marker = &rest[..len];
    if marker.is_empty()
        || !marker.as_bytes()[0].is_ascii_alphabetic() && marker.as_bytes()[0] != b'_'
    {
        return None;
    }
    let after = &rest[len..];
    let nl = after.find('\n')?;
    if !after[..nl].trim().is_empty() {
        return None;
    }
    let mut pos = text.len() - after.len() + nl + 1;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |n| pos + n);
        if text[pos..end].trim() == marker {
            return Some(end);
        }
        pos = end + 1;
    }
    Some(text.len())
}

/// A directive found in a comment, with the lines it covers.
pub struct Directive {
    pub ignore: Ignore,
    pub first_line: usize,
    pub last_line: usize,
    /// Nothing but the comment on its lines (`# ...` above a block, not
    /// after the closing brace of the previous one).
    pub own_line: bool,
}

/// The directives of a file. `first_block` is where its first block or
/// attribute starts: `ignore-file` must come before it.
pub fn directives(file: &Arc<SourceFile>, first_block: Option<usize>) -> Vec<Directive> {
    let mut out = Vec::new();
    // Most files hold no directive: one pass over the bytes says so,
    // without finding their comments.
    if !may_hold_directive(&file.text) {
        return out;
    }
    for c in comments(&file.text) {
        let at = Location::new(file, c.span.clone());
        let Some(mut ignore) = parse_directive(&c.text, at) else {
            continue;
        };
        if c.multiline && ignore.problem.is_none() {
            ignore.problem = Some(
                "a suppression in a /* */ comment must fit on one line (or use # comments)".into(),
            );
        }
        if ignore.file_wide
            && ignore.problem.is_none()
            && first_block.is_some_and(|f| c.span.start > f)
        {
            ignore.problem =
                Some("keepalign:ignore-file must come before the first block of the file".into());
        }
        let (first_line, column) = file.line_col(c.span.start);
        let (last_line, _) = file.line_col(c.span.end);
        let own_line = file
            .line_text(first_line)
            .chars()
            .take(column - 1)
            .all(char::is_whitespace);
        out.push(Directive {
            ignore,
            first_line,
            last_line,
            own_line,
        });
    }
    out
}

/// Whether directive `d` is inside `block` or in the comment lines directly
/// above its header (no blank or code line in between).
fn belongs_to(d: &Directive, file: &SourceFile, block: &TopBlock<'_>) -> bool {
    let span = d.ignore.at.span.clone();
    if span.start >= block.extent.start && span.end <= block.extent.end {
        return true;
    }
    let (header_line, _) = file.line_col(block.extent.start);
    if !d.own_line || d.last_line >= header_line {
        return false;
    }
    ((d.last_line + 1)..header_line).all(|l| {
        let t = file.line_text(l).trim_start();
        t.starts_with('#') || t.starts_with("//") || t.starts_with("/*")
    })
}

/// The suppressions of a top-level block: its own, and the file's
/// `ignore-file` ones.
pub fn for_block(directives: &[Directive], file: &SourceFile, block: &TopBlock<'_>) -> Vec<Ignore> {
    let mut out: Vec<Ignore> = directives
        .iter()
        .filter(|d| d.ignore.file_wide || belongs_to(d, file, block))
        .map(|d| d.ignore.clone())
        .collect();
    if let crate::terraform::syntax::BodyRef::Json(node, f) = block.body {
        out.extend(json_directives(node, f));
    }
    out
}

/// `"//": "keepalign:ignore KA101 -- reason"` in a `.tf.json` resource
/// object: JSON has no comments, and `"//"` is Terraform's convention for
/// them. A list of such strings is read too.
pub fn json_directives(node: &JsonNode, file: &Arc<SourceFile>) -> Vec<Ignore> {
    let Some(comment) = node.get("//") else {
        return Vec::new();
    };
    let strings: Vec<&JsonNode> = match &comment.kind {
        JsonKind::Array(items) => items.iter().collect(),
        _ => vec![comment],
    };
    strings
        .into_iter()
        .filter_map(|n| match &n.kind {
            JsonKind::String { value, raw } => {
                parse_directive(value, Location::new(file, raw.clone()))
            }
            _ => None,
        })
        .collect()
}

/// What each directive of a file is on, for the SU notes.
pub fn sites(
    directives: &[Directive],
    file: &SourceFile,
    blocks: &[TopBlock<'_>],
    modelled: &dyn Fn(&str) -> bool,
) -> Vec<Site> {
    let mut out = Vec::new();
    for d in directives {
        let on = if d.ignore.file_wide {
            Target::File
        } else {
            match blocks.iter().find(|b| belongs_to(d, file, b)) {
                Some(b) => describe(b, modelled),
                None => Target::Nothing,
            }
        };
        out.push(Site {
            ignore: d.ignore.clone(),
            on,
        });
    }
    for b in blocks {
        if let crate::terraform::syntax::BodyRef::Json(node, f) = b.body {
            for ignore in json_directives(node, f) {
                out.push(Site {
                    ignore,
                    on: describe(b, modelled),
                });
            }
        }
    }
    out
}

fn describe(b: &TopBlock<'_>, modelled: &dyn Fn(&str) -> bool) -> Target {
    match (b.kind, b.labels.as_slice()) {
        ("resource", [rtype, name]) => Target::Resource {
            address: format!("{rtype}.{name}"),
            modelled: modelled(rtype),
        },
        (kind, labels) => Target::Other(
            std::iter::once(kind.to_string())
                .chain(labels.iter().map(|l| format!("\"{l}\"")))
                .collect::<Vec<_>>()
                .join(" "),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<String> {
        comments(src).into_iter().map(|c| c.text).collect()
    }

    #[test]
    fn only_text_with_the_mark_may_hold_a_directive() {
        assert!(may_hold_directive("# KeepAlign: ignore KA101"));
        assert!(may_hold_directive("x = 1 // keepalign:ignore-file all"));
        assert!(!may_hold_directive("# keepalign ignore KA101\nkeepalign"));
        assert!(!may_hold_directive(""));
    }

    #[test]
    fn comments_of_every_kind() {
        let src = "# a\nx = 1 // b\n/* c */ y = 2\n/* d\n e */\n";
        assert_eq!(texts(src), ["a", "b", "c", "d\n e"]);
        assert!(comments(src)[3].multiline);
    }

    #[test]
    fn strings_and_heredocs_hide_nothing() {
        let src = r##"a = "# not ${"a comment # either"} \" // still string"
b = <<EOT
# keepalign:ignore KA101 -- inside a heredoc
EOT
c = <<-JSON
  {"x": "// no"}
  JSON
d = "$${literal} # in string" # real
e = "${ { k = "}" } }" # after nested braces
"##;
        assert_eq!(texts(src), ["real", "after nested braces"]);
    }

    #[test]
    fn an_unterminated_heredoc_or_string_does_not_panic() {
        assert_eq!(texts("a = <<EOT\n# x\n"), Vec::<String>::new());
        assert_eq!(texts("a = \"open\n# real"), ["real"]);
        assert_eq!(texts("/* open"), ["open"]);
        assert_eq!(texts("/*/"), ["/"]);
        assert_eq!(texts("a = <<"), Vec::<String>::new());
    }
}
