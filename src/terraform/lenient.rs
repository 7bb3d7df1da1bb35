//! A second chance for HCL that hcl-edit rejects but Terraform accepts.
//!
//! Two shapes of real modules fail in hcl-edit and parse in Terraform:
//!
//! - A newline inside a `{ for ... }` object for-expression (a conditional
//!   value split over lines). Terraform's parser ignores newlines for the
//!   whole of a for-expression, in `[...]` and `{...}` alike; hcl-edit only
//!   allows them around the key and value.
//! - The same key twice in an object constructor (`{ port = 80, port = 8080
//!   }`). Terraform builds the object item by item, so the later value
//!   replaces the earlier one without a diagnostic; hcl-edit reports a
//!   redefined key. (Two attributes of the same name in a block body are an
//!   error in Terraform too, and stay one here.)
//!
//! When a parse fails, `rewrite` gives a text of the same byte length in
//! which those newlines are spaces (and a line comment on such a line is
//! blanked, else it would comment out what follows) and each duplicated
//! object item but the last is blanked, keeping its newlines. Every byte
//! offset, and so every line and column, is the original's, so the spans of
//! the parsed body point into the file as written. The caller parses the
//! rewritten text and keeps the original error when that fails too.
//!
//! The scanner is one linear pass with an explicit stack of open brackets,
//! strings, template sequences and heredocs, so no input depth can overflow
//! the call stack and no `{ for` or `port =` inside a string, template or
//! heredoc is mistaken for syntax. Any input it cannot follow (a closing
//! bracket that closes nothing, an unterminated string, comment or heredoc)
//! gives up: no rewrite, the original error stands.

use std::collections::HashMap;

/// `text` with the two shapes above rewritten, when the scan found one and
/// followed the whole file; `None` otherwise.
pub fn rewrite(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let blanks = Scanner::new(bytes, &mut out).run()?;
    for (start, end) in blanks {
        for b in out.get_mut(start..end)?.iter_mut() {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
    if out == bytes {
        return None;
    }
    // Whole characters were replaced (every rewritten region starts and ends
    // at ASCII syntax), so this holds; checked rather than assumed.
    String::from_utf8(out).ok()
}

/// Where a block body is in its current statement.
#[derive(Clone, Copy, PartialEq)]
enum Statement {
    /// Nothing yet on this line.
    Start,
    /// A first identifier: an attribute name or a block type.
    Name,
    /// After `=`: an expression, where `{` opens an object.
    Value,
    /// Block labels: `{` opens the block's body.
    Header,
}

/// Where an object constructor is in its current item.
#[derive(Clone, Copy)]
enum Item<'a> {
    Key,
    /// The key's first byte, and its text when it is a literal (an
    /// identifier, or a quoted string without escapes or templates) and no
    /// other token followed it.
    InKey(usize, Option<&'a [u8]>),
    /// After `=` or `:`.
    Value(usize, Option<&'a [u8]>),
}

enum Frame<'a> {
    /// The file, or a block's body.
    Body(Statement),
    /// An object constructor: its item, whether no token has been seen in
    /// it yet (a first `for` makes it a for-expression), and its literal
    /// keys with the span of the item that last set each.
    Object {
        item: Item<'a>,
        first: bool,
        keys: HashMap<&'a [u8], (usize, usize)>,
    },
    /// A for-expression, closed by `}` or `]`: newlines in it are spaces.
    For(u8),
    /// `(...)`, and `[...]` with whether no token has been seen in it yet.
    /// `join`: inside a for-expression, so newlines in it are spaces too.
    Paren {
        join: bool,
    },
    Bracket {
        join: bool,
        first: bool,
    },
    /// `${ ... }` or `%{ ... }` in a string or heredoc.
    Template,
    /// A quoted string.
    Str,
    /// A heredoc: its delimiter, and whether the scan is at a line start.
    Heredoc {
        delim: &'a [u8],
        line_start: bool,
    },
}

/// A token of an expression or body, as the item and statement trackers
/// need it.
#[derive(Clone, Copy)]
enum Token<'a> {
    Ident(&'a [u8]),
    /// A quoted string starting here; its text when it is a literal.
    Str(Option<&'a [u8]>),
    /// `=` alone (not `==`, `=>`, `!=`, `<=`, `>=`).
    Assign,
    Colon,
    Comma,
    Other,
}

struct Scanner<'a, 'o> {
    text: &'a [u8],
    out: &'o mut [u8],
    stack: Vec<Frame<'a>>,
    blanks: Vec<(usize, usize)>,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_continue(b: u8) -> bool {
    is_ident_start(b) || b.is_ascii_digit() || b == b'-'
}

impl<'a, 'o> Scanner<'a, 'o> {
    fn new(text: &'a [u8], out: &'o mut [u8]) -> Self {
        Scanner {
            text,
            out,
            stack: vec![Frame::Body(Statement::Start)],
            blanks: Vec::new(),
        }
    }

    fn at(&self, i: usize) -> u8 {
        self.text.get(i).copied().unwrap_or(0)
    }

    /// Whether a newline at the top of the stack is ignored by Terraform
    /// and so may become a space.
    fn joins(&self) -> bool {
        match self.stack.last() {
            Some(Frame::For(_)) => true,
            Some(Frame::Paren { join } | Frame::Bracket { join, .. }) => *join,
            _ => false,
        }
    }

    fn space(&mut self, range: std::ops::Range<usize>) {
        if let Some(s) = self.out.get_mut(range) {
            s.fill(b' ');
        }
    }

    /// The blanks to apply, or `None` when the text could not be followed.
    fn run(mut self) -> Option<Vec<(usize, usize)>> {
        let n = self.text.len();
        let mut i = 0;
        while i < n {
            i = match self.stack.last_mut()? {
                Frame::Str => self.in_string(i)?,
                Frame::Heredoc { .. } => self.in_heredoc(i)?,
                _ => self.in_code(i)?,
            };
        }
        // Only the file's body may be open at the end.
        (self.stack.len() == 1).then_some(self.blanks)
    }

    /// One step in a quoted string; the next index.
    fn in_string(&mut self, i: usize) -> Option<usize> {
        Some(match self.at(i) {
            b'\\' => i + 2,
            b'$' | b'%' if self.at(i + 1) == self.at(i) && self.at(i + 2) == b'{' => i + 3,
            b'$' | b'%' if self.at(i + 1) == b'{' => {
                self.stack.push(Frame::Template);
                i + 2
            }
            b'"' => {
                self.stack.pop();
                i + 1
            }
            // A quoted string cannot span lines.
            b'\n' => return None,
            _ => i + 1,
        })
    }

    /// One step in a heredoc's template; the next index.
    fn in_heredoc(&mut self, i: usize) -> Option<usize> {
        let Some(Frame::Heredoc { delim, line_start }) = self.stack.last_mut() else {
            return None;
        };
        let delim = *delim;
        if *line_start {
            *line_start = false;
            // The closing line: optional indentation, the delimiter, and
            // nothing that continues an identifier (as hcl-edit reads it).
            let mut j = i;
            while matches!(self.at(j), b' ' | b'\t') {
                j += 1;
            }
            if self.text.get(j..j + delim.len()) == Some(delim)
                && !is_ident_continue(self.at(j + delim.len()))
            {
                self.stack.pop();
                return Some(j + delim.len());
            }
        }
        Some(match self.at(i) {
            b'$' | b'%' if self.at(i + 1) == self.at(i) && self.at(i + 2) == b'{' => i + 3,
            b'$' | b'%' if self.at(i + 1) == b'{' => {
                self.stack.push(Frame::Template);
                i + 2
            }
            b'\n' => {
                if let Some(Frame::Heredoc { line_start, .. }) = self.stack.last_mut() {
                    *line_start = true;
                }
                i + 1
            }
            _ => i + 1,
        })
    }

    /// One step in a body or an expression; the next index.
    fn in_code(&mut self, i: usize) -> Option<usize> {
        let c = self.at(i);
        let next = self.at(i + 1);
        Some(match c {
            b' ' | b'\t' => i + 1,
            b'\r' => {
                if self.joins() {
                    self.space(i..i + 1);
                }
                i + 1
            }
            b'\n' => {
                self.newline(i);
                i + 1
            }
            b'#' => self.line_comment(i),
            b'/' if next == b'/' => self.line_comment(i),
            b'/' if next == b'*' => {
                let len = self
                    .text
                    .get(i + 2..)?
                    .windows(2)
                    .position(|w| w == b"*/")?;
                let end = i + 2 + len + 2;
                if self.joins() {
                    for j in i..end {
                        if matches!(self.at(j), b'\n' | b'\r') {
                            self.space(j..j + 1);
                        }
                    }
                }
                end
            }
            b'"' => {
                let literal = self.simple_string(i);
                self.token(Token::Str(literal), i);
                self.stack.push(Frame::Str);
                i + 1
            }
            b'<' if next == b'<' => match self.heredoc_start(i) {
                Some((delim, body)) => {
                    self.token(Token::Other, i);
                    self.stack.push(Frame::Heredoc {
                        delim,
                        line_start: true,
                    });
                    body
                }
                None => {
                    self.token(Token::Other, i);
                    i + 2
                }
            },
            b'{' => {
                self.token(Token::Other, i);
                let frame = match self.stack.last_mut()? {
                    // A block's body: the statement after it starts afresh.
                    Frame::Body(s) if *s != Statement::Value => {
                        *s = Statement::Start;
                        Frame::Body(Statement::Start)
                    }
                    _ => Frame::Object {
                        item: Item::Key,
                        first: true,
                        keys: HashMap::new(),
                    },
                };
                self.stack.push(frame);
                i + 1
            }
            b'[' => {
                self.token(Token::Other, i);
                let join = self.joins();
                self.stack.push(Frame::Bracket { join, first: true });
                i + 1
            }
            b'(' => {
                self.token(Token::Other, i);
                let join = self.joins();
                self.stack.push(Frame::Paren { join });
                i + 1
            }
            b'}' | b']' | b')' => {
                self.close(c, i)?;
                i + 1
            }
            b'=' if matches!(next, b'=' | b'>') => {
                self.token(Token::Other, i);
                i + 2
            }
            b'!' | b'<' | b'>' if next == b'=' => {
                self.token(Token::Other, i);
                i + 2
            }
            b'=' => {
                self.token(Token::Assign, i);
                i + 1
            }
            b':' => {
                self.token(Token::Colon, i);
                i + 1
            }
            b',' => {
                self.token(Token::Comma, i);
                i + 1
            }
            _ if is_ident_start(c) => {
                let mut j = i + 1;
                while j < self.text.len() && is_ident_continue(self.text[j]) {
                    j += 1;
                }
                let ident = &self.text[i..j];
                if ident == b"for" && self.opens_for(j) {
                    return Some(j);
                }
                self.token(Token::Ident(ident), i);
                j
            }
            _ => {
                self.token(Token::Other, i);
                i + 1
            }
        })
    }

    /// A `for` ending at `end`: when it is the first token of an object or
    /// a list and is followed by a space or a comment (hcl-edit's test),
    /// that object or list becomes a for-expression.
    fn opens_for(&mut self, end: usize) -> bool {
        if !matches!(self.at(end), b' ' | b'\t' | b'\r' | b'\n' | b'#' | b'/') {
            return false;
        }
        let closer = match self.stack.last() {
            Some(Frame::Object { first: true, .. }) => b'}',
            Some(Frame::Bracket { first: true, .. }) => b']',
            _ => return false,
        };
        if let Some(top) = self.stack.last_mut() {
            *top = Frame::For(closer);
        }
        true
    }

    /// A newline at `i` in a body or expression.
    fn newline(&mut self, i: usize) {
        if self.joins() {
            self.space(i..i + 1);
            return;
        }
        match self.stack.last_mut() {
            Some(Frame::Body(s)) => *s = Statement::Start,
            // A newline ends an object item.
            Some(Frame::Object { .. }) => self.end_item(i),
            _ => {}
        }
    }

    /// A `#` or `//` comment at `i`; the index of its newline (or the end).
    fn line_comment(&mut self, i: usize) -> usize {
        let end = self.text[i..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.text.len(), |p| i + p);
        // Its newline will be a space, so the comment must go, else it
        // would run on over the next line's code.
        if self.joins() {
            self.space(i..end);
        }
        // A comment after an object item's value is not part of the item.
        if matches!(self.stack.last(), Some(Frame::Object { .. })) {
            self.end_item(i);
        }
        end
    }

    /// The text of a quoted string starting at `i` when it is a literal:
    /// no escapes, no template sequences, closed on its line.
    fn simple_string(&self, i: usize) -> Option<&'a [u8]> {
        let text: &'a [u8] = self.text;
        let rest = text.get(i + 1..)?;
        let len = rest
            .iter()
            .position(|&b| matches!(b, b'"' | b'\\' | b'$' | b'%' | b'\n'))?;
        (rest.get(len) == Some(&b'"')).then(|| &rest[..len])
    }

    /// A heredoc introducer `<<ID` or `<<-ID` and its line end at `i`: the
    /// delimiter and the index of the template's first byte.
    fn heredoc_start(&self, i: usize) -> Option<(&'a [u8], usize)> {
        let text: &'a [u8] = self.text;
        let mut j = i + 2;
        if self.at(j) == b'-' {
            j += 1;
        }
        let start = j;
        if !is_ident_start(self.at(j)) {
            return None;
        }
        while j < text.len() && is_ident_continue(text[j]) {
            j += 1;
        }
        let delim = text.get(start..j)?;
        match (self.at(j), self.at(j + 1)) {
            (b'\n', _) => Some((delim, j + 1)),
            (b'\r', b'\n') => Some((delim, j + 2)),
            _ => None,
        }
    }

    /// A closing bracket at `i`; `None` when it closes nothing open.
    fn close(&mut self, c: u8, i: usize) -> Option<()> {
        let matches = match self.stack.last()? {
            Frame::Body(_) => c == b'}' && self.stack.len() > 1,
            Frame::Object { .. } | Frame::Template => c == b'}',
            Frame::For(closer) => c == *closer,
            Frame::Paren { .. } => c == b')',
            Frame::Bracket { .. } => c == b']',
            Frame::Str | Frame::Heredoc { .. } => false,
        };
        if !matches {
            return None;
        }
        if matches!(self.stack.last(), Some(Frame::Object { .. })) {
            self.end_item(i);
        }
        self.stack.pop();
        Some(())
    }

    /// The object item at the top of the stack ends before `end`: when its
    /// key was set before, the earlier item is blanked (the later value is
    /// the one Terraform keeps).
    fn end_item(&mut self, end: usize) {
        let Some(Frame::Object { item, keys, .. }) = self.stack.last_mut() else {
            return;
        };
        if let Item::Value(start, Some(key)) = *item
            && let Some(earlier) = keys.insert(key, (start, end))
        {
            self.blanks.push(earlier);
        }
        *item = Item::Key;
    }

    /// A token at `i` at the top of the stack (an opening bracket or quote
    /// is a token of the frame it opens in).
    fn token(&mut self, token: Token<'a>, i: usize) {
        if let (Token::Comma, Some(Frame::Object { item, .. })) = (token, self.stack.last())
            && matches!(item, Item::Value(..))
        {
            self.end_item(i + 1);
            return;
        }
        let Some(top) = self.stack.last_mut() else {
            return;
        };
        match top {
            Frame::Body(s) => {
                *s = match (*s, token) {
                    (Statement::Start, Token::Ident(_)) => Statement::Name,
                    (Statement::Name, Token::Assign) => Statement::Value,
                    (Statement::Value, _) => Statement::Value,
                    _ => Statement::Header,
                }
            }
            Frame::Bracket { first, .. } => *first = false,
            Frame::Object { item, first, .. } => {
                *first = false;
                *item = match (*item, token) {
                    (Item::Key, Token::Comma) => Item::Key,
                    (Item::Key, Token::Ident(k)) => Item::InKey(i, Some(k)),
                    (Item::Key, Token::Str(k)) => Item::InKey(i, k),
                    (Item::Key, _) => Item::InKey(i, None),
                    (Item::InKey(s, k), Token::Assign | Token::Colon) => Item::Value(s, k),
                    (Item::InKey(s, _), _) => Item::InKey(s, None),
                    (v @ Item::Value(..), _) => v,
                };
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terraform::eval::{Evaluator, Scope, get_key};
    use crate::terraform::parse_file;
    use crate::value::{Kind, Val};

    fn parses(text: &str) -> bool {
        hcl_edit::parser::parse_body(text).is_ok()
    }

    /// The rewrite of a text hcl-edit rejects; it must parse.
    fn fixed(text: &str) -> String {
        assert!(!parses(text), "parses as it is:\n{text}");
        rewritten(text)
    }

    /// The rewrite of a text; it must parse.
    fn rewritten(text: &str) -> String {
        let out = rewrite(text).unwrap_or_else(|| panic!("not rewritten:\n{text}"));
        assert_eq!(out.len(), text.len());
        assert!(parses(&out), "still does not parse:\n{out}");
        out
    }

    /// `local.<name>` of a module of one `main.tf`, parsed the way every
    /// Terraform file is, with the line its value was written on.
    fn local(tf: &str, name: &str) -> (Val, usize) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("main.tf");
        std::fs::write(&path, tf).unwrap();
        let parsed = vec![
            parse_file(&path, crate::input::Within::Named)
                .unwrap_or_else(|e| panic!("{}", e.message)),
        ];
        let root = dir.path().canonicalize().unwrap();
        let ev = Evaluator::new(&parsed, root.clone(), root);
        let e = *ev.locals.get(name).expect("local");
        let v = ev.eval_ref(e, &Scope::default());
        let line = v.at.as_ref().map_or(0, |at| at.start().0);
        (v, line)
    }

    fn path(v: &Val, keys: &[&str]) -> Val {
        keys.iter().fold(v.clone(), |v, k| get_key(&v, k, None))
    }

    fn number(v: &Val) -> f64 {
        v.to_number()
            .unwrap_or_else(|e| panic!("not a number: {e:?}"))
    }

    fn string(v: &Val) -> String {
        match &v.kind {
            Kind::Str(t) => t.s.clone(),
            other => panic!("not a string: {other:?}"),
        }
    }

    #[test]
    fn newlines_in_an_object_for_expression_are_spaces() {
        let text = "locals {\n  x = { for k, v in var.m : k => v.a ? \"x\" :\n    v.b ? \"y\" : \"z\" }\n}\n";
        assert_eq!(
            fixed(text),
            "locals {\n  x = { for k, v in var.m : k => v.a ? \"x\" :     v.b ? \"y\" : \"z\" }\n}\n"
        );
    }

    #[test]
    fn a_multi_line_for_object_is_evaluated() {
        let tf = r#"
locals {
  m = { a = { x = true, y = false }, b = { x = false, y = true }, c = { x = false, y = false } }
  labels = { for k, v in local.m : k => v.x ? "x" : # first
    v.y ? "y" : // second
    (v.x
      ? "never" : "z") }
  after = 65
}
"#;
        let (v, _) = local(tf, "labels");
        assert_eq!(string(&path(&v, &["a"])), "x");
        assert_eq!(string(&path(&v, &["b"])), "y");
        assert_eq!(string(&path(&v, &["c"])), "z");
        // A value after the rewritten lines keeps its line.
        let (after, line) = local(tf, "after");
        assert_eq!((number(&after), line), (65.0, 8));
    }

    #[test]
    fn a_for_list_and_a_nested_for_object() {
        // hcl-edit takes newlines in a for-list's value and condition, and
        // in a nested for-object's condition, but not in its value.
        let text = "x = [for s in var.l : s if s != \"\" &&\n  s != \"-\"]\ny = { for k, v in var.m : k => { for a, b in v : a => b ?\n 1 : 2 if b !=\n null } }\n";
        assert_eq!(
            fixed(text),
            "x = [for s in var.l : s if s != \"\" &&   s != \"-\"]\ny = { for k, v in var.m : k => { for a, b in v : a => b ?  1 : 2 if b !=  null } }\n"
        );
    }

    #[test]
    fn an_object_inside_a_for_object_keeps_its_newlines() {
        let text =
            "x = { for k, v in var.m : k => {\n  a = v.a ? 1 :\n 2\n  b = 2\n} if v.c &&\n v.d }\n";
        let out = rewrite(text).unwrap();
        // The newlines separating `a` and `b` stay; those of the for's own
        // level, and inside the object's values, are not the scanner's to
        // join (an object item cannot span lines in Terraform either).
        assert_eq!(
            out,
            "x = { for k, v in var.m : k => {\n  a = v.a ? 1 :\n 2\n  b = 2\n} if v.c &&  v.d }\n"
        );
        let text = "x = { for k, v in var.m : k => {\n  a = 1\n  b = 2\n} if v.c &&\n v.d }\n";
        assert_eq!(
            rewritten(text),
            "x = { for k, v in var.m : k => {\n  a = 1\n  b = 2\n} if v.c &&  v.d }\n"
        );
    }

    #[test]
    fn a_duplicate_object_key_keeps_the_later_value() {
        let tf = r#"
locals {
  listeners = {
    http = {
      port     = 80
      protocol = "HTTP"
      "port"   = 8080
      idle     = 60, idle = 120
    }
  }
  after = "ok"
}
"#;
        let out = fixed(tf);
        assert_eq!(out.lines().count(), tf.lines().count());
        assert!(out.contains("\n                   \n"), "{out}");
        let (v, line) = local(tf, "listeners");
        assert_eq!(number(&path(&v, &["http", "port"])), 8080.0);
        assert_eq!(number(&path(&v, &["http", "idle"])), 120.0);
        assert_eq!(string(&path(&v, &["http", "protocol"])), "HTTP");
        assert_eq!(line, 3);
        let (port, line) = local(tf, "listeners");
        let port = path(&port, &["http", "port"]);
        assert_eq!(port.at.map(|a| a.start()), Some((7, 18)));
        assert_eq!(line, 3);
        let (_, line) = local(tf, "after");
        assert_eq!(line, 11);
    }

    #[test]
    fn duplicates_in_lists_calls_and_three_times() {
        let text = "x = merge([{ a = 1, a = 2 }], f({ b = 1\n b = 2\n b = 3 }))\ny = 1 == 1 ? { c = [1,\n 2]\n c = 3 } : {}\n";
        assert_eq!(
            fixed(text),
            "x = merge([{        a = 2 }], f({      \n      \n b = 3 }))\ny = 1 == 1 ? {        \n   \n c = 3 } : {}\n"
        );
    }

    #[test]
    fn the_fixtures_locals_need_the_retry() {
        let text = include_str!("../../testdata/terraform/shape-hcl-parser-leniency/locals.tf");
        fixed(text);
        // Each shape alone is rejected too.
        let (head, _) = text.split_at(text.find("  target_groups").unwrap());
        let for_only = head.replace("      idle     = 60\n", "");
        assert!(!parses(&format!("{for_only}}}\n")));
    }

    #[test]
    fn tfvars_are_retried_too() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("terraform.tfvars");
        std::fs::write(
            &p,
            "listeners = {\n  http = { port = 80, port = 8080 }\n}\n",
        )
        .unwrap();
        assert!(parse_file(&p, crate::input::Within::Named).is_ok());
        // A variable set twice stays an error, as in Terraform.
        std::fs::write(&p, "idle = 60\nidle = 120\n").unwrap();
        assert!(parse_file(&p, crate::input::Within::Named).is_err());
    }

    #[test]
    fn a_duplicate_attribute_of_a_block_stays_an_error() {
        let text = "resource \"x\" \"y\" {\n  a = 1\n  a = 2\n}\n";
        assert!(!parses(text));
        assert_eq!(rewrite(text), None);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("main.tf");
        std::fs::write(&p, text).unwrap();
        let e = parse_file(&p, crate::input::Within::Named)
            .err()
            .expect("an error");
        assert!(e.message.contains("invalid HCL"), "{}", e.message);
        assert_eq!(e.at.map(|a| a.start()), Some((3, 3)));
        // Also one nested in a block, and one-line blocks.
        let text = "a {\n  b \"c\" {\n x = { k = 1 }\n x = 2\n  }\n}\nd { e = 1 }\n";
        assert_eq!(rewrite(text), None);
    }

    #[test]
    fn expression_keys_are_left_alone() {
        let text = "x = { (k) = 1, (k) = 2, \"a${b}\" = 1, \"a${b}\" = 2, \"a\\n\" = 1, \"a\\n\" = 2, a.b = 1, a.b = 2 }\n";
        assert_eq!(rewrite(text), None);
    }

    #[test]
    fn strings_templates_and_heredocs_are_not_syntax() {
        for text in [
            "x = \"{ for k, v in m : k => v ? 1 :\"\ny = { a = 1, a = 2 }\n",
            "x = \"${ { a = 1 }.a } { a = 1, a = 2 } %{ for k in [] }{${k}%{ endfor }\"\ny = { a = 1, a = 2 }\n",
            "x = <<-EOT\n  { for k, v in m : k => v ? 1 :\n  2 }\n  { a = 1, a = 2 } EOT\n  ${ \"EOT\" }\n  EOT\ny = { a = 1, a = 2 }\n",
            "x = { for k, v in m : k => <<EOT\n{ a = 1\na = 2 }\n#\nEOT }\ny = { a = 1, a = 2 }\n",
            "x = \"$${ { \\\" a = 1, a = 2 } %%{\"\ny = { a = 1, a = 2 }\n",
        ] {
            let out = fixed(text);
            let (head, tail) = out.split_at(out.rfind("y =").unwrap());
            assert_eq!(head, &text[..head.len()]);
            assert_eq!(tail, "y = {        a = 2 }\n");
        }
    }

    #[test]
    fn crlf_and_comments() {
        let text = "x = { for k, v in m : k => v ? 1 : /* a\r\n b */ # c\r\n  2 }\r\ny = {\r\n  a = 1 // one\r\n  a = 2\r\n}\r\n";
        assert_eq!(
            fixed(text),
            "x = { for k, v in m : k => v ? 1 : /* a   b */        2 }\r\ny = {\r\n        // one\r\n  a = 2\r\n}\r\n"
        );
    }

    #[test]
    fn non_ascii_text_keeps_its_characters_and_lengths() {
        let text = "x = { for k, v in m : k => v ? \"é\" : # ünïcode\n \"ß\" }\ny = { \"ключ\" = \"é\", \"ключ\" = \"ß\" }\n";
        let out = fixed(text);
        let comment = " ".repeat("# ünïcode".len());
        assert!(
            out.contains(&format!("\"é\" : {comment}  \"ß\" }}")),
            "{out}"
        );
        let item = " ".repeat("\"ключ\" = \"é\",".len());
        assert!(
            out.contains(&format!("y = {{ {item} \"ключ\" = \"ß\" }}")),
            "{out}"
        );
    }

    #[test]
    fn what_it_cannot_follow_is_left_alone() {
        for text in [
            "",
            "x = 1\n",
            "x = { for k in m : k => k ?\n 1 : 2 }\n}\n",
            "x = { a = 1, a = 2 }\ny = \"open\n",
            "x = { a = 1, a = 2 }\ny = <<EOT\nnever closed\n",
            "x = { a = 1, a = 2 }\n/* open",
            "x = { a = 1, a = 2 }\ny = (]\n",
            "x = { a = 1, a = 2 \n",
        ] {
            assert_eq!(rewrite(text), None, "{text}");
        }
    }

    #[test]
    fn no_input_panics() {
        let samples = [
            "x = { for k, v in m : k => v ? \"${a}\" : <<-E\n  %{ if b }x${ {c = 1} }%{ endif }\n  E\n }\n",
            "a \"b\" { c = { d = 1, \"d\" = [2, (3\n)] # e\n d = 4 } }\n",
            "x = [for a in b : { for c, d in a : c => d... if d /* x */ != \"}\" }]\n",
            "é = { ß = 1, ß = 2 } // ü\r\n<<\n<<-\n<<E\r\nE",
        ];
        // Every prefix of every sample, and bytes in random orders.
        for s in samples {
            for end in 0..=s.len() {
                if let Some(prefix) = s.get(..end) {
                    let _ = rewrite(prefix);
                }
            }
        }
        let alphabet: Vec<char> = "{}[]()\"'$%\\#/*<>-=:,?!.\n\r\t forinEOTé0aé"
            .chars()
            .collect();
        let mut random = crate::testing::Random::new(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let len = random.below(40);
            let s: String = (0..len).map(|_| *random.pick(&alphabet)).collect();
            if let Some(out) = rewrite(&s) {
                assert_eq!(out.len(), s.len());
            }
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let text = format!("x = {}1{}\n", "(".repeat(200_000), ")".repeat(200_000));
        assert_eq!(rewrite(&text), None);
        let text = format!(
            "x = {{ for k in m : k => {}1{} ?\n 1 : 2 }}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert!(rewrite(&text).is_some());
    }
}
