//! A second chance for YAML that saphyr rejects but PyYAML accepts.
//!
//! PyYAML, which cfn-lint and the AWS tooling use, ignores indentation inside
//! a flow collection (`[...]`, `{...}`): deployed templates close a
//! multi-line `Action: [` with a `]` at the key's column, or put its items
//! at column 0. saphyr follows YAML 1.2 and rejects those lines. Inside a
//! flow collection a line's leading spaces are never content (plain and
//! quoted scalars fold them away), so indenting such lines further changes
//! nothing but the verdict. This module finds the flow collection a failed
//! parse stopped in, indents its under-indented lines just past the line
//! that opened it, and tries again, keeping a map back to the original
//! characters so that every location still points into the file as written.

use saphyr_parser::{Event, Parser};
use std::collections::BTreeMap;

/// A text saphyr accepts, and how its characters map to the original's.
pub struct Reindented {
    pub text: String,
    /// Each insertion: where its spaces start (a character index of `text`),
    /// how many, and how many were inserted before it.
    inserted: Vec<(usize, usize, usize)>,
}

impl Reindented {
    /// The original character index of `text`'s character `index`; an
    /// inserted space maps to the start of its original line.
    pub fn original(&self, index: usize) -> usize {
        let i = self.inserted.partition_point(|&(at, _, _)| at <= index);
        let Some(&(at, count, before)) = i.checked_sub(1).and_then(|i| self.inserted.get(i)) else {
            return index;
        };
        if index < at + count {
            at - before
        } else {
            index - before - count
        }
    }
}

/// Why the second chance did not help: the error of the last attempt, at a
/// character index of the original text.
pub struct Stuck {
    pub message: String,
    pub index: usize,
}

/// How many lines-fixing attempts a file gets: each re-parses it, so the
/// number is bounded by the file's size too (`MAX_WORK` characters parsed).
const MAX_ROUNDS: usize = 256;
const MAX_WORK: usize = 256 << 20;

/// `text` with the flow collections' under-indented lines indented, when
/// that makes it parse. `None` when the failure is not one this fixes (and
/// the original error stands); `Stuck` when lines were indented but the
/// file still does not parse, with the error that remains.
pub fn reindent(text: &str) -> Result<Reindented, Option<Stuck>> {
    // Extra spaces per line (0-based line number). Insertions never add
    // lines, so line numbers are the same in every attempt.
    let mut pads: BTreeMap<usize, usize> = BTreeMap::new();
    let rounds = MAX_ROUNDS.min(MAX_WORK / text.len().max(1)).max(1);
    for _ in 0..rounds {
        let (current, inserted) = apply(text, &pads);
        let stop = match first_error(&current) {
            None if pads.is_empty() => return Err(None),
            None => {
                return Ok(Reindented {
                    text: current,
                    inserted,
                });
            }
            Some(stop) => stop,
        };
        let progress = match stop.open_flow {
            Some(start) => pad_flow(&current, start, &mut pads),
            None => false,
        };
        if !progress {
            if pads.is_empty() {
                return Err(None);
            }
            let mapped = Reindented {
                text: String::new(),
                inserted,
            };
            return Err(Some(Stuck {
                message: stop.message,
                index: mapped.original(stop.index),
            }));
        }
    }
    Err(None)
}

/// The text with `pads` spaces at the start of their lines, and the
/// insertions made (see `Reindented::inserted`).
fn apply(text: &str, pads: &BTreeMap<usize, usize>) -> (String, Vec<(usize, usize, usize)>) {
    let extra: usize = pads.values().sum();
    let mut out = String::with_capacity(text.len() + extra);
    let mut inserted = Vec::with_capacity(pads.len());
    let mut chars = 0;
    let mut before = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        if let Some(&count) = pads.get(&n) {
            inserted.push((chars + before, count, before));
            out.extend(std::iter::repeat_n(' ', count));
            before += count;
        }
        out.push_str(line);
        chars += line.chars().count();
    }
    (out, inserted)
}

struct ParseStop {
    message: String,
    /// Character index of the error.
    index: usize,
    /// Byte of the bracket of the outermost flow collection open at the error.
    open_flow: Option<usize>,
}

/// Where parsing `text` fails, and the flow collection it was in; `None`
/// when it parses.
fn first_error(text: &str) -> Option<ParseStop> {
    let chars = CharCursor::new(text);
    // Open collections: the character index of the flow ones' bracket.
    let mut open: Vec<Option<usize>> = Vec::new();
    // Where the events read so far end.
    let mut seen = 0;
    for event in Parser::new_from_str(text) {
        if let Ok((_, span)) = &event {
            seen = seen.max(span.end.index());
        }
        match event {
            Ok((Event::SequenceStart(..) | Event::MappingStart(..), span)) => {
                open.push(flow_bracket(text, chars.byte(span.start.index())));
            }
            Ok((Event::SequenceEnd | Event::MappingEnd, _)) => {
                open.pop();
            }
            Ok(_) => {}
            Err(e) => {
                return Some(ParseStop {
                    message: e.info().to_string(),
                    index: e.marker().index(),
                    // The parser looks ahead for a key (`{a: b}: c` is one),
                    // so a collection may have been read but not reported.
                    open_flow: open.iter().flatten().next().copied().or_else(|| {
                        next_flow(text, chars.byte(seen), chars.byte(e.marker().index()))
                    }),
                });
            }
        }
    }
    None
}

/// Byte offsets of character indices, for the collection starts of a parse.
struct CharCursor<'a> {
    text: &'a str,
    /// Byte offset of every char, only for non-ASCII text.
    bytes: Option<Vec<usize>>,
}

impl<'a> CharCursor<'a> {
    fn new(text: &'a str) -> Self {
        CharCursor {
            text,
            bytes: (!text.is_ascii()).then(|| text.char_indices().map(|(b, _)| b).collect()),
        }
    }

    fn byte(&self, index: usize) -> usize {
        match &self.bytes {
            None => index.min(self.text.len()),
            Some(b) => b.get(index).copied().unwrap_or(self.text.len()),
        }
    }
}

/// The bracket of a flow collection that is the next node after byte
/// `from`, if it is before byte `until`: past spaces, comments, indicators
/// (`- `, `? `, `: `), tags and anchors.
fn next_flow(text: &str, from: usize, until: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < until {
        let next_blank = bytes.get(i + 1).is_none_or(|c| c.is_ascii_whitespace());
        match bytes[i] {
            b'[' | b'{' => return Some(i),
            b'#' => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            b'-' | b'?' | b':' if next_blank => i += 1,
            b'!' | b'&' => {
                while bytes.get(i).is_some_and(|c| !c.is_ascii_whitespace()) {
                    i += 1;
                }
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => return None,
        }
    }
    None
}

/// The byte of the bracket of a collection that starts at byte `at`, if it
/// is a flow collection: its span starts at its tag or anchor, if any.
fn flow_bracket(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = at;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'[' | b'{' => return Some(i),
            b'!' | b'&' => {
                while bytes.get(i).is_some_and(|c| !c.is_ascii_whitespace()) {
                    i += 1;
                }
            }
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            _ => return None,
        }
    }
    None
}

/// Indent the lines of the flow collection starting at byte `start`
/// that are not indented past the line that opens it (its first content
/// after any `- `). Returns whether any line changed.
fn pad_flow(text: &str, start: usize, pads: &mut BTreeMap<usize, usize>) -> bool {
    let end = flow_end(text, start);
    let mut line_starts = vec![0];
    line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    let line_of = |byte: usize| line_starts.partition_point(|&s| s <= byte) - 1;
    let (first, last) = (line_of(start), line_of(end.saturating_sub(1).max(start)));
    let opening = &text[line_starts[first]..];
    let mut column = opening.len() - opening.trim_start_matches(' ').len();
    while opening[column..].starts_with("- ") {
        let rest = &opening[column + 1..];
        column += 1 + rest.len() - rest.trim_start_matches(' ').len();
    }
    let mut progress = false;
    for n in first + 1..=last {
        let line_end = line_starts.get(n + 1).copied().unwrap_or(text.len());
        let line = &text[line_starts[n]..line_end];
        let content = line.trim_start_matches(' ');
        let indent = line.len() - content.len();
        if content.trim().is_empty() || indent > column {
            continue;
        }
        *pads.entry(n).or_default() += column + 1 - indent;
        progress = true;
    }
    progress
}

/// The byte after the bracket that closes the flow collection opened at
/// byte `start` (or the end of the text). Inside a flow collection a plain
/// scalar cannot hold `[]{},`, so brackets outside quotes and comments
/// nest exactly.
fn flow_end(text: &str, start: usize) -> usize {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        /// Where a node may start: a quote here opens a quoted scalar.
        NodeStart,
        Plain,
        /// After a quoted scalar or a closed collection.
        AfterNode,
        Single,
        Double,
    }
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut state = State::NodeStart;
    let mut i = start;
    while i < bytes.len() {
        let c = bytes[i];
        let after_space = i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n' | b'\r');
        match state {
            State::Single => {
                if c == b'\'' {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 1;
                    } else {
                        state = State::AfterNode;
                    }
                }
            }
            State::Double => {
                if c == b'\\' {
                    i += 1;
                } else if c == b'"' {
                    state = State::AfterNode;
                }
            }
            _ if c == b'#' && after_space => {
                // A comment runs to the end of its line.
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            _ => match c {
                b'[' | b'{' => {
                    depth += 1;
                    state = State::NodeStart;
                }
                b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i + 1;
                    }
                    state = State::AfterNode;
                }
                b',' => state = State::NodeStart,
                b':' | b'?'
                    if bytes
                        .get(i + 1)
                        .is_none_or(|n| n.is_ascii_whitespace() || b",[]{}".contains(n)) =>
                {
                    state = State::NodeStart
                }
                b'\'' if state == State::NodeStart => state = State::Single,
                b'"' if state == State::NodeStart => state = State::Double,
                b' ' | b'\t' | b'\n' | b'\r' => {}
                // A tag, anchor or alias leaves room for the node after it.
                b'!' | b'&' | b'*' if state == State::NodeStart => {
                    while i < bytes.len() && !b" \t\r\n,[]{}".contains(&bytes[i]) {
                        i += 1;
                    }
                    continue;
                }
                _ if state == State::NodeStart => state = State::Plain,
                _ => {}
            },
        }
        i += 1;
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(text: &str) -> String {
        match reindent(text) {
            Ok(r) => r.text,
            Err(e) => panic!("not fixed: {:?}\n{text}", e.map(|s| (s.message, s.index))),
        }
    }

    #[test]
    fn a_closing_bracket_at_the_keys_column_is_indented_past_it() {
        let text = "Statement:\n  - Effect: Allow\n    Action: [\n      \"kinesis:*\"\n    ]\n    Resource: \"*\"\n";
        assert_eq!(
            fixed(text),
            "Statement:\n  - Effect: Allow\n    Action: [\n      \"kinesis:*\"\n     ]\n    Resource: \"*\"\n"
        );
    }

    #[test]
    fn items_at_column_zero_nested_collections_and_comments() {
        let text =
            "A:\n  B: !Join [\"\", [\n\"a\", # a ] comment\n'it''s ]',\n{k: v,\nw: x}]]\n  C: d\n";
        let out = fixed(text);
        assert!(
            out.contains(
                "\n   \"a\", # a ] comment\n   'it''s ]',\n   {k: v,\n   w: x}]]\n  C: d\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn a_flow_collection_the_parser_has_not_reported_yet() {
        let text = "A: !Sub\n  - \"${B}\"\n  - {B: x,\n# c\n B: y}\n";
        assert_eq!(
            fixed(text),
            "A: !Sub\n  - \"${B}\"\n  - {B: x,\n     # c\n     B: y}\n"
        );
    }

    #[test]
    fn several_collections_are_fixed_one_after_the_other() {
        let text = "A: [\n1]\nB: {\nk: v}\n";
        assert_eq!(fixed(text), "A: [\n 1]\nB: {\n k: v}\n");
    }

    #[test]
    fn positions_map_back_to_the_original_characters() {
        let text = "A: [\n1]\nB: {\nk: é}\nC: x\n";
        let r = reindent(text).ok().unwrap();
        let (orig, new) = (
            text.chars().collect::<Vec<_>>(),
            r.text.chars().collect::<Vec<_>>(),
        );
        for (i, c) in new.iter().enumerate() {
            if *c != ' ' {
                assert_eq!(orig[r.original(i)], *c, "at {i}");
            }
        }
        // An inserted space maps to the start of its line.
        assert_eq!(r.original(5), 5);
    }

    #[test]
    fn other_errors_are_left_alone() {
        assert!(matches!(reindent("A: b\n c: d\n"), Err(None)));
        assert!(matches!(reindent("A: [b\n"), Err(None)));
        // Indented, but still broken: the remaining error is reported.
        let stuck = match reindent("A: [\n1,\n]]\n") {
            Err(Some(s)) => s,
            _ => panic!("expected the remaining error"),
        };
        // The second `]`, which closes nothing.
        assert_eq!(stuck.index, 9);
    }

    #[test]
    fn valid_text_needs_nothing() {
        assert!(matches!(reindent("A: [1,\n  2]\n"), Err(None)));
    }
}
