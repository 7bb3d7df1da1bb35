//! A small, bounded reader of Python source for the values servers take
//! from it: the top-level assignments of a gunicorn config file
//! (`keepalive = 75`) and the keyword arguments of a call such as
//! `uvicorn.run(app, timeout_keep_alive=75)`.
//!
//! Nothing is executed. A value is evaluated only from literals, names
//! assigned earlier at the top level, `int()`/`float()`/`str()`, `+ - *`,
//! `or`, and the environment (`os.environ.get("X", "75")`, `os.getenv`,
//! `os.environ["X"]`), which the caller supplies from the container's
//! environment. Anything else is unknown, with the line that makes it so: a
//! function call, an assignment inside `if`/`for`/`try`, an import that
//! binds the name, `from m import *`, or writes through `globals()` /
//! `locals()` / `vars()` / `exec` / `setattr`, which may set any name.

use crate::model::{Unresolved, Word};
use crate::source::{Location, SourceFile};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

/// Tokens read from one file; beyond this the rest is not read and every
/// name is unknown.
const MAX_TOKENS: usize = 500_000;
/// How deep an expression nests, and how many names a value goes through.
const MAX_DEPTH: usize = 32;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Name(String),
    Num(String),
    /// A string literal's value; `None` when keepalign does not evaluate
    /// it (f-strings, bytes, escapes).
    Str(Option<String>),
    Op(String),
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    span: Range<usize>,
}

/// One logical line: its indentation and tokens (a `;` ends a statement but
/// not the line).
#[derive(Debug)]
struct Line {
    indent: usize,
    toks: Vec<Token>,
}

fn tokenize(text: &str) -> (Vec<Line>, bool) {
    let b = text.as_bytes();
    let mut lines = Vec::new();
    let mut cur: Vec<Token> = Vec::new();
    let mut indent = 0;
    let mut at_line_start = true;
    let mut depth = 0usize;
    let mut i = 0;
    let mut count = 0;
    let mut truncated = false;
    let end_line = |cur: &mut Vec<Token>, lines: &mut Vec<Line>, indent: usize| {
        if !cur.is_empty() {
            lines.push(Line {
                indent,
                toks: std::mem::take(cur),
            });
        }
    };
    while i < b.len() {
        if count > MAX_TOKENS {
            truncated = true;
            break;
        }
        let c = b[i];
        if at_line_start && depth == 0 {
            // Measure indentation of a new logical line.
            let mut col = 0;
            while i < b.len() && (b[i] == b' ' || b[i] == b'\t' || b[i] == b'\x0c') {
                col += if b[i] == b'\t' { 8 - col % 8 } else { 1 };
                i += 1;
            }
            indent = col;
            at_line_start = false;
            continue;
        }
        match c {
            b'\n' => {
                i += 1;
                if depth == 0 {
                    end_line(&mut cur, &mut lines, indent);
                    at_line_start = true;
                }
            }
            b'\r' | b' ' | b'\t' | b'\x0c' => i += 1,
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'\\' if b.get(i + 1) == Some(&b'\n') => i += 2,
            b'\\' if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') => i += 3,
            _ if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80)
                {
                    i += 1;
                }
                // A string prefix: r"", b"", f"", rb"" ...
                let word = &text[start..i];
                if i < b.len()
                    && (b[i] == b'"' || b[i] == b'\'')
                    && word.len() <= 2
                    && word.chars().all(|ch| "rRbBuUfF".contains(ch))
                {
                    let lower = word.to_ascii_lowercase();
                    let raw = lower.contains('r');
                    let plain = !lower.contains('b') && !lower.contains('f');
                    let (value, next) = string(text, i, raw);
                    i = next;
                    cur.push(Token {
                        tok: Tok::Str(value.filter(|_| plain)),
                        span: start..i,
                    });
                } else {
                    cur.push(Token {
                        tok: Tok::Name(word.to_string()),
                        span: start..i,
                    });
                }
                count += 1;
            }
            b'0'..=b'9' => {
                let start = i;
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric()
                        || b[i] == b'_'
                        || b[i] == b'.'
                        || ((b[i] == b'+' || b[i] == b'-')
                            && matches!(b[i - 1], b'e' | b'E')
                            && !text[start..i].starts_with("0x")))
                {
                    i += 1;
                }
                cur.push(Token {
                    tok: Tok::Num(text[start..i].to_string()),
                    span: start..i,
                });
                count += 1;
            }
            b'.' if b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                let start = i;
                i += 1;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                cur.push(Token {
                    tok: Tok::Num(text[start..i].to_string()),
                    span: start..i,
                });
                count += 1;
            }
            b'"' | b'\'' => {
                let start = i;
                let (value, next) = string(text, i, false);
                i = next;
                cur.push(Token {
                    tok: Tok::Str(value),
                    span: start..i,
                });
                count += 1;
            }
            _ => {
                let start = i;
                let three = text.get(i..i + 3).unwrap_or("");
                let two = text.get(i..i + 2).unwrap_or("");
                let op = if ["**=", "//=", ">>=", "<<=", "..."].contains(&three) {
                    three
                } else if [
                    "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "**",
                    "//", "->", ":=", "<<", ">>", "@=",
                ]
                .contains(&two)
                {
                    two
                } else {
                    // One character, whole (never split inside UTF-8).
                    let len = text[i..].chars().next().map_or(1, char::len_utf8);
                    &text[i..i + len]
                };
                i += op.len();
                match op {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" => depth = depth.saturating_sub(1),
                    _ => {}
                }
                cur.push(Token {
                    tok: Tok::Op(op.to_string()),
                    span: start..i,
                });
                count += 1;
            }
        }
    }
    end_line(&mut cur, &mut lines, indent);
    (lines, truncated)
}

/// A string literal from its opening quote at `i`: its value (`None` with
/// escapes keepalign does not read) and the offset after it.
fn string(text: &str, i: usize, raw: bool) -> (Option<String>, usize) {
    let b = text.as_bytes();
    let q = b[i];
    let triple = b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q);
    let open = if triple { 3 } else { 1 };
    let mut j = i + open;
    let mut plain = true;
    while j < b.len() {
        if b[j] == b'\\' {
            plain &= raw;
            j += 2;
            continue;
        }
        if !triple && b[j] == b'\n' {
            // Unterminated: Python would refuse the file.
            return (None, j);
        }
        if b[j] == q && (!triple || (b.get(j + 1) == Some(&q) && b.get(j + 2) == Some(&q))) {
            let value = text.get(i + open..j).map(str::to_string);
            return (value.filter(|_| plain), j + open);
        }
        j += 1;
    }
    (None, b.len())
}

/// A value a Python expression evaluates to.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    None,
}

impl Value {
    fn truthy(&self) -> bool {
        match self {
            Value::Int(n) => *n != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Bool(b) => *b,
            Value::None => false,
        }
    }

    /// As Python writes it, for messages.
    pub fn show(&self) -> String {
        match self {
            Value::Int(n) => n.to_string(),
            Value::Float(f) => format!("{f:?}"),
            Value::Str(s) => format!("{s:?}"),
            Value::Bool(true) => "True".into(),
            Value::Bool(false) => "False".into(),
            Value::None => "None".into(),
        }
    }
}

/// An evaluated value and where it comes from.
#[derive(Clone, Debug)]
pub struct Evaluated {
    pub value: Value,
    /// Where the deciding text is written: the literal in the file, or the
    /// environment variable's value in the task definition.
    pub at: Location,
    /// The environment variable the value was read from, when it was.
    pub env: Option<String>,
}

/// The container's environment as the evaluator sees it.
pub type Env<'e> = &'e dyn Fn(&str) -> Option<Result<Word, Unresolved>>;

/// How a top-level name is bound, in file order.
#[derive(Clone, Debug)]
enum Binding {
    /// `name = <expr>`: the line and the expression's token range.
    Assign { line: usize, expr: Range<usize> },
    /// Bound in a way keepalign does not evaluate (`why`, at `span`).
    Unknown { why: String, span: Range<usize> },
}

/// A Python file read for its top-level names.
pub struct Module {
    pub file: Arc<SourceFile>,
    lines: Vec<Line>,
    /// Per name, its bindings in order: (statement order, binding).
    names: HashMap<String, Vec<(usize, Binding)>>,
    /// Statements that may bind any name (`globals()[k] = v`), in order.
    wildcards: Vec<(usize, String, Range<usize>)>,
    /// Calls found anywhere: (dotted name, line, token index of `(`).
    calls: Vec<(String, usize, usize)>,
}

/// What keepalign knows a top-level name is, at the end of the module.
#[derive(Debug)]
pub enum Lookup {
    Absent,
    Known(Evaluated),
    Unknown(Unresolved),
}

impl Module {
    pub fn parse(file: Arc<SourceFile>) -> Module {
        let (lines, truncated) = tokenize(&file.text);
        let mut m = Module {
            file,
            lines,
            names: HashMap::new(),
            wildcards: Vec::new(),
            calls: Vec::new(),
        };
        // Blocks open above the current line: (indent of header, header is
        // a def or class).
        let mut blocks: Vec<(usize, bool)> = Vec::new();
        let mut order = 0;
        let lines = std::mem::take(&mut m.lines);
        for (li, line) in lines.iter().enumerate() {
            let indent = line.indent;
            while blocks.last().is_some_and(|(i, _)| *i >= indent) {
                blocks.pop();
            }
            let in_def = blocks.iter().any(|(_, d)| *d);
            let nested = !blocks.is_empty();
            let toks = &line.toks;
            let first = match &toks[0].tok {
                Tok::Name(n) => n.as_str(),
                _ => "",
            };
            let header = matches!(
                first,
                "def"
                    | "class"
                    | "async"
                    | "if"
                    | "elif"
                    | "else"
                    | "for"
                    | "while"
                    | "try"
                    | "except"
                    | "finally"
                    | "with"
                    | "match"
                    | "case"
            );
            // Calls, for `uvicorn.run(...)` wherever it is.
            for t in 0..toks.len() {
                if toks[t].tok == Tok::Op("(".into())
                    && let Some(name) = dotted_before(toks, t)
                {
                    m.calls.push((name, li, t));
                }
            }
            if in_def {
                // Locals of a function: not the module's names.
                if header && toks.last().is_some_and(|t| t.tok == Tok::Op(":".into())) {
                    blocks.push((indent, matches!(first, "def" | "class" | "async")));
                }
                continue;
            }
            // Writes that may bind any name.
            for (t, tok) in toks.iter().enumerate() {
                if let Tok::Name(n) = &tok.tok {
                    let call = toks
                        .get(t + 1)
                        .is_some_and(|x| x.tok == Tok::Op("(".into()));
                    let dynamic =
                        call && matches!(
                            n.as_str(),
                            "globals" | "locals" | "vars" | "exec" | "setattr"
                        ) || n == "__dict__";
                    if dynamic {
                        m.wildcards
                            .push((order, format!("`{n}` may set any name"), span_of(toks)));
                        break;
                    }
                }
            }
            if header {
                if toks.last().is_some_and(|t| t.tok == Tok::Op(":".into())) {
                    blocks.push((indent, matches!(first, "def" | "class" | "async")));
                }
                if matches!(first, "def" | "class" | "async") {
                    if let Some(Token {
                        tok: Tok::Name(n), ..
                    }) = toks.get(1)
                    {
                        m.bind_unknown(order, n, format!("`{n}` is a {first}"), span_of(toks));
                    }
                } else {
                    // `if x: keepalive = 5` on one line, or a header that
                    // binds (`for keepalive in ...`, `with ... as x`).
                    let names = bound_names(toks);
                    for n in names {
                        m.bind_unknown(
                            order,
                            &n,
                            format!("`{n}` is set inside `{first}`, so its value depends on how that runs"),
                            span_of(toks),
                        );
                    }
                }
                order += 1;
                continue;
            }
            // Statements of the line, split at `;`: (first token, end).
            let mut bounds = Vec::new();
            let mut from = 0;
            for (t, tok) in toks.iter().enumerate() {
                if tok.tok == Tok::Op(";".into()) {
                    bounds.push((from, t));
                    from = t + 1;
                }
            }
            bounds.push((from, toks.len()));
            for (from, to) in bounds {
                if from < to {
                    m.statement(order, li, from, &toks[from..to], nested);
                    order += 1;
                }
            }
        }
        m.lines = lines;
        if truncated {
            let end = m.file.text.len();
            m.wildcards.push((
                usize::MAX,
                "the file is too large for keepalign to read to its end".into(),
                end..end,
            ));
        }
        m
    }

    fn bind_unknown(&mut self, order: usize, name: &str, why: String, span: Range<usize>) {
        self.names
            .entry(name.to_string())
            .or_default()
            .push((order, Binding::Unknown { why, span }));
    }

    fn statement(&mut self, order: usize, li: usize, base: usize, stmt: &[Token], nested: bool) {
        let first = match &stmt[0].tok {
            Tok::Name(n) => n.as_str(),
            _ => "",
        };
        let span = span_of(stmt);
        if first == "from" || first == "import" {
            if stmt.iter().any(|t| t.tok == Tok::Op("*".into())) {
                self.wildcards
                    .push((order, "`import *` may set any name".into(), span));
                return;
            }
            for n in import_names(stmt) {
                let why = format!("`{n}` is imported");
                self.bind_unknown(order, &n, why, span.clone());
            }
            return;
        }
        if first == "global" || first == "del" {
            for t in &stmt[1..] {
                if let Tok::Name(n) = &t.tok {
                    let why = format!("`{n}` is changed by `{first}`");
                    self.bind_unknown(order, n, why, span.clone());
                }
            }
            return;
        }
        // Assignment targets: `a = b = <expr>`, `a: int = <expr>`.
        let eqs: Vec<usize> = depth0(stmt, "=");
        if let Some(&last) = eqs.last() {
            let mut start = 0;
            for &e in &eqs {
                let target = &stmt[start..e];
                start = e + 1;
                let simple = match target {
                    [
                        Token {
                            tok: Tok::Name(n), ..
                        },
                    ] => Some(n.clone()),
                    [
                        Token {
                            tok: Tok::Name(n), ..
                        },
                        Token {
                            tok: Tok::Op(c), ..
                        },
                        ..,
                    ] if c == ":" => Some(n.clone()),
                    _ => None,
                };
                match simple {
                    Some(n) if !nested => {
                        self.names.entry(n).or_default().push((
                            order,
                            Binding::Assign {
                                line: li,
                                expr: base + last + 1..base + stmt.len(),
                            },
                        ));
                    }
                    Some(n) => {
                        let why = format!(
                            "`{n}` is set inside a block (`if`, `for`, `try`, ...), so its value \
                             depends on how that runs"
                        );
                        self.bind_unknown(order, &n, why, span.clone());
                    }
                    None => {
                        // `a, b = ...`, `x[k] = ...`, `x.y = ...`.
                        for n in target_names(target) {
                            let why =
                                format!("`{n}` is set by an assignment keepalign does not read");
                            self.bind_unknown(order, &n, why, span.clone());
                        }
                    }
                }
            }
            return;
        }
        // `keepalive += 5` and the like.
        if let (
            Some(Token {
                tok: Tok::Name(n), ..
            }),
            Some(Token {
                tok: Tok::Op(op), ..
            }),
        ) = (stmt.first(), stmt.get(1))
            && op.len() >= 2
            && op.ends_with('=')
            && !matches!(op.as_str(), "==" | "!=" | "<=" | ">=")
        {
            let why = if op == ":=" {
                format!("`{n}` is set with `:=`")
            } else {
                format!("`{n}` is changed with `{op}`")
            };
            self.bind_unknown(order, &n.clone(), why, span.clone());
        }
        // `(x := 5)` anywhere in an expression.
        for w in stmt.windows(2) {
            if let (Tok::Name(n), Tok::Op(op)) = (&w[0].tok, &w[1].tok)
                && op == ":="
            {
                let why = format!("`{n}` is set with `:=`");
                self.bind_unknown(order, &n.clone(), why, span.clone());
            }
        }
    }

    fn loc(&self, span: Range<usize>) -> Location {
        Location::new(&self.file, span)
    }

    /// The line number (1-based) of a location in this file, for messages.
    fn line_of(&self, span: &Range<usize>) -> usize {
        self.file.line_col(span.start).0
    }

    /// The line (1-based) of the last plain assignment to `name`.
    pub fn assigned_line(&self, name: &str) -> Option<usize> {
        let (_, Binding::Assign { line, .. }) = self.names.get(name)?.last()? else {
            return None;
        };
        let tok = self.lines.get(*line)?.toks.first()?;
        Some(self.line_of(&tok.span))
    }

    /// What the top-level name `name` is once the module has run.
    pub fn lookup(&self, name: &str, env: Env) -> Lookup {
        self.lookup_before(name, usize::MAX, env, 0)
    }

    fn lookup_before(&self, name: &str, before: usize, env: Env, depth: usize) -> Lookup {
        let wildcard = self
            .wildcards
            .iter()
            .rev()
            .find(|(o, ..)| *o < before || *o == usize::MAX);
        let binding = self
            .names
            .get(name)
            .and_then(|v| v.iter().rev().find(|(o, _)| *o < before));
        // A wildcard after the last binding may have replaced it.
        if let Some((wo, why, span)) = wildcard
            && binding.is_none_or(|(bo, _)| wo > bo)
        {
            return Lookup::Unknown(Unresolved::new(
                format!(
                    "{} line {} may set `{name}` ({why}), which keepalign does not evaluate",
                    self.file.display,
                    self.line_of(span)
                ),
                Some(self.loc(span.clone())),
            ));
        }
        let Some((order, binding)) = binding else {
            return Lookup::Absent;
        };
        match binding {
            Binding::Unknown { why, span } => Lookup::Unknown(Unresolved::new(
                format!(
                    "{} line {}: {why}, which keepalign does not evaluate",
                    self.file.display,
                    self.line_of(span)
                ),
                Some(self.loc(span.clone())),
            )),
            Binding::Assign { line, expr } => {
                let toks = &self.lines[*line].toks[expr.clone()];
                let mut p = Parser {
                    m: self,
                    toks,
                    pos: 0,
                    env,
                    order: *order,
                    depth,
                };
                let result = p.expr().and_then(|v| {
                    if p.pos == toks.len() {
                        Ok(v)
                    } else {
                        Err(p.unknown(p.pos, "an expression keepalign does not evaluate"))
                    }
                });
                match result {
                    Ok(v) => Lookup::Known(v),
                    Err(u) => Lookup::Unknown(u),
                }
            }
        }
    }

    /// The calls to `names` (`uvicorn.run`), each with the location of the
    /// call's name.
    pub fn calls(&self, names: &[&str]) -> Vec<Call<'_>> {
        self.calls
            .iter()
            .filter(|(n, ..)| names.contains(&n.as_str()))
            .map(|(n, line, t)| Call {
                m: self,
                name: n.clone(),
                line: *line,
                open: *t,
            })
            .collect()
    }
}

/// A call found in a module.
pub struct Call<'m> {
    m: &'m Module,
    pub name: String,
    line: usize,
    open: usize,
}

impl Call<'_> {
    /// Where the call is written: its name up to the opening bracket.
    pub fn at(&self) -> Location {
        let toks = &self.m.lines[self.line].toks;
        let mut first = self.open;
        while first > 0
            && (matches!(toks[first - 1].tok, Tok::Name(_))
                || toks[first - 1].tok == Tok::Op(".".into()))
        {
            first -= 1;
        }
        let first = first.min(self.open.saturating_sub(1));
        self.m
            .loc(toks[first].span.start..toks[self.open.saturating_sub(1)].span.end)
    }

    /// The keyword argument `name=...`: `None` when the call does not pass
    /// it, else its value (`Err` when keepalign cannot evaluate it). A
    /// `**kwargs` may pass any keyword: that is unknown too.
    pub fn keyword(&self, name: &str, env: Env) -> Option<Result<Evaluated, Unresolved>> {
        let toks = &self.m.lines[self.line].toks;
        let mut depth = 0usize;
        let mut i = self.open + 1;
        let mut arg_start = i;
        let mut found = None;
        let mut splat = None;
        while i < toks.len() {
            match &toks[i].tok {
                Tok::Op(o) if matches!(o.as_str(), "(" | "[" | "{") => depth += 1,
                Tok::Op(o) if matches!(o.as_str(), ")" | "]" | "}") => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
                Tok::Op(o) if o == "," && depth == 0 => arg_start = i + 1,
                Tok::Op(o) if o == "**" && depth == 0 && i == arg_start => {
                    splat = Some(i);
                }
                Tok::Name(n)
                    if depth == 0
                        && i == arg_start
                        && n == name
                        && toks
                            .get(i + 1)
                            .is_some_and(|t| t.tok == Tok::Op("=".into())) =>
                {
                    found = Some(i + 2);
                }
                _ => {}
            }
            i += 1;
        }
        let close = i;
        if let Some(start) = found {
            let mut end = start;
            let mut d = 0usize;
            while end < close {
                match &toks[end].tok {
                    Tok::Op(o) if matches!(o.as_str(), "(" | "[" | "{") => d += 1,
                    Tok::Op(o) if matches!(o.as_str(), ")" | "]" | "}") => d = d.saturating_sub(1),
                    Tok::Op(o) if o == "," && d == 0 => break,
                    _ => {}
                }
                end += 1;
            }
            let mut p = Parser {
                m: self.m,
                toks: &toks[start..end],
                pos: 0,
                env,
                order: usize::MAX,
                depth: 0,
            };
            let r = p.expr().and_then(|v| {
                if p.pos == end - start {
                    Ok(v)
                } else {
                    Err(p.unknown(p.pos, "an expression keepalign does not evaluate"))
                }
            });
            return Some(r);
        }
        splat.map(|s| {
            Err(Unresolved::new(
                format!(
                    "{} line {} passes `**` keyword arguments to {}, which may set {name}; \
                     keepalign does not evaluate them",
                    self.m.file.display,
                    self.m.line_of(&toks[s].span),
                    self.name
                ),
                Some(self.m.loc(toks[s].span.clone())),
            ))
        })
    }
}

fn span_of(toks: &[Token]) -> Range<usize> {
    match (toks.first(), toks.last()) {
        (Some(a), Some(b)) => a.span.start..b.span.end,
        _ => 0..0,
    }
}

/// Positions of `op` outside brackets.
fn depth0(toks: &[Token], op: &str) -> Vec<usize> {
    let mut d = 0usize;
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if let Tok::Op(o) = &t.tok {
            match o.as_str() {
                "(" | "[" | "{" => d += 1,
                ")" | "]" | "}" => d = d.saturating_sub(1),
                _ if d == 0 && o == op => out.push(i),
                _ => {}
            }
        }
    }
    out
}

/// The dotted name just before `toks[open]`: `uvicorn.run` for `uvicorn.run(`.
fn dotted_before(toks: &[Token], open: usize) -> Option<String> {
    let mut parts = Vec::new();
    let mut i = open;
    while let Tok::Name(n) = &toks.get(i.checked_sub(1)?)?.tok {
        parts.push(n.as_str());
        i -= 1;
        if i >= 2 && toks[i - 1].tok == Tok::Op(".".into()) {
            i -= 1;
            continue;
        }
        break;
    }
    if parts.is_empty() {
        return None;
    }
    parts.reverse();
    Some(parts.join("."))
}

/// Names a header line binds: `for a, b in`, `with x as y`, and a simple
/// statement after its colon (`if x: keepalive = 5`).
fn bound_names(toks: &[Token]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let Tok::Name(n) = &t.tok else { continue };
        let next = toks.get(i + 1).map(|t| &t.tok);
        let prev = i.checked_sub(1).map(|p| &toks[p].tok);
        let assigned = matches!(next, Some(Tok::Op(o)) if o == "=" || o == ":=" || (o.len() >= 2 && o.ends_with('=') && !matches!(o.as_str(), "==" | "!=" | "<=" | ">=")));
        let after_as = matches!(prev, Some(Tok::Name(p)) if p == "as");
        let loop_var = toks
            .first()
            .is_some_and(|f| f.tok == Tok::Name("for".into()))
            && toks[i..].iter().any(|t| t.tok == Tok::Name("in".into()))
            && !matches!(prev, Some(Tok::Op(o)) if o == ".");
        // `f(x=1)` is a keyword argument, not a binding.
        let in_call = toks[..i]
            .iter()
            .filter(|t| matches!(&t.tok, Tok::Op(o) if o == "("))
            .count()
            > toks[..i]
                .iter()
                .filter(|t| matches!(&t.tok, Tok::Op(o) if o == ")"))
                .count();
        let keyword = matches!(n.as_str(), "for" | "in" | "if" | "as" | "with" | "else");
        if !keyword && (assigned && !in_call || after_as || loop_var && is_before_in(toks, i)) {
            out.push(n.clone());
        }
    }
    out
}

fn is_before_in(toks: &[Token], i: usize) -> bool {
    toks.iter()
        .position(|t| t.tok == Tok::Name("in".into()))
        .is_some_and(|p| i < p)
}

/// The names `import a.b as c, d` or `from m import x as y, z` binds.
fn import_names(stmt: &[Token]) -> Vec<String> {
    let names: Vec<&Token> = stmt
        .iter()
        .filter(|t| !matches!(&t.tok, Tok::Op(o) if o == "(" || o == ")"))
        .collect();
    let from = names
        .first()
        .is_some_and(|t| t.tok == Tok::Name("from".into()));
    let start = if from {
        match names
            .iter()
            .position(|t| t.tok == Tok::Name("import".into()))
        {
            Some(p) => p + 1,
            None => return Vec::new(),
        }
    } else {
        1
    };
    let mut out = Vec::new();
    for part in names[start..].split(|t| t.tok == Tok::Op(",".into())) {
        let bound = match part {
            [.., a, b] if a.tok == Tok::Name("as".into()) => &b.tok,
            [first, ..] => &first.tok,
            [] => continue,
        };
        if let Tok::Name(n) = bound {
            out.push(n.clone());
        }
    }
    out
}

/// Names in an assignment target keepalign does not read (`a, b`), but not
/// attributes or subscripts' insides (`x.y`, `x[k]` bind nothing new).
fn target_names(target: &[Token]) -> Vec<String> {
    let mut out = Vec::new();
    let mut d = 0usize;
    for (i, t) in target.iter().enumerate() {
        match &t.tok {
            Tok::Op(o) if o == "[" || o == "{" => d += 1,
            Tok::Op(o) if o == "]" || o == "}" => d = d.saturating_sub(1),
            Tok::Name(n) if d == 0 => {
                let dotted = i > 0 && target[i - 1].tok == Tok::Op(".".into());
                let followed = target
                    .get(i + 1)
                    .is_some_and(|x| matches!(&x.tok, Tok::Op(o) if o == "." || o == "["));
                if !dotted && !followed {
                    out.push(n.clone());
                }
            }
            _ => {}
        }
    }
    out
}

struct Parser<'m, 't, 'e> {
    m: &'m Module,
    toks: &'t [Token],
    pos: usize,
    env: Env<'e>,
    /// Names are looked up as bound before this statement.
    order: usize,
    depth: usize,
}

type Eval = Result<Evaluated, Unresolved>;

impl Parser<'_, '_, '_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Tok::Op(o)) if o == op)
    }

    fn span(&self, from: usize) -> Range<usize> {
        let end = self.pos.max(from + 1).min(self.toks.len());
        span_of(&self.toks[from.min(end.saturating_sub(1))..end])
    }

    /// Unknown from token `at` to the end of the expression.
    fn unknown(&self, at: usize, what: &str) -> Unresolved {
        let from = at.min(self.toks.len().saturating_sub(1));
        let span = span_of(&self.toks[from..]);
        Unresolved::new(
            format!(
                "{} line {} sets it with {what} (`{}`)",
                self.m.file.display,
                self.m.line_of(&span),
                self.m.file.text.get(span.clone()).unwrap_or("").trim()
            ),
            Some(self.m.loc(span)),
        )
    }

    fn deeper(&mut self) -> Result<(), Unresolved> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.unknown(self.pos, "an expression nested too deep"));
        }
        Ok(())
    }

    fn expr(&mut self) -> Eval {
        self.deeper()?;
        let mut left = self.arith()?;
        while matches!(self.peek(), Some(Tok::Name(n)) if n == "or") {
            self.pos += 1;
            let right = self.arith()?;
            if !left.value.truthy() {
                left = right;
            }
        }
        self.depth -= 1;
        Ok(left)
    }

    fn arith(&mut self) -> Eval {
        let start = self.pos;
        let mut left = self.term()?;
        while self.is_op("+") || self.is_op("-") {
            let plus = self.is_op("+");
            self.pos += 1;
            let right = self.term()?;
            let value = match (&left.value, &right.value, plus) {
                (Value::Str(a), Value::Str(b), true) => Some(Value::Str(format!("{a}{b}"))),
                (a, b, _) => numeric(
                    a,
                    b,
                    |x, y| if plus { x + y } else { x - y },
                    |x, y| {
                        if plus {
                            x.checked_add(y)
                        } else {
                            x.checked_sub(y)
                        }
                    },
                ),
            };
            let Some(value) = value else {
                return Err(self.unknown(start, "arithmetic keepalign does not evaluate"));
            };
            left = self.combined(value, start, &left, &right);
        }
        Ok(left)
    }

    fn term(&mut self) -> Eval {
        let start = self.pos;
        let mut left = self.unary()?;
        while self.is_op("*") {
            self.pos += 1;
            let right = self.unary()?;
            let Some(value) = numeric(&left.value, &right.value, |x, y| x * y, i64::checked_mul)
            else {
                return Err(self.unknown(start, "arithmetic keepalign does not evaluate"));
            };
            left = self.combined(value, start, &left, &right);
        }
        if self.is_op("/") || self.is_op("//") || self.is_op("%") || self.is_op("**") {
            return Err(self.unknown(start, "arithmetic keepalign does not evaluate"));
        }
        Ok(left)
    }

    /// The result of arithmetic: located at the whole expression, from the
    /// environment when either side is.
    fn combined(&self, value: Value, start: usize, a: &Evaluated, b: &Evaluated) -> Evaluated {
        Evaluated {
            value,
            at: self.m.loc(self.span(start)),
            env: a.env.clone().or_else(|| b.env.clone()),
        }
    }

    fn unary(&mut self) -> Eval {
        if self.is_op("-") || self.is_op("+") {
            let neg = self.is_op("-");
            let start = self.pos;
            self.pos += 1;
            self.deeper()?;
            let mut v = self.unary()?;
            self.depth -= 1;
            v.value = match v.value {
                Value::Int(n) if neg => Value::Int(
                    n.checked_neg()
                        .ok_or_else(|| self.unknown(start, "a number keepalign does not read"))?,
                ),
                Value::Float(f) if neg => Value::Float(-f),
                Value::Int(_) | Value::Float(_) => v.value,
                _ => return Err(self.unknown(start, "arithmetic keepalign does not evaluate")),
            };
            v.at = self.m.loc(self.span(start));
            return Ok(v);
        }
        self.atom()
    }

    fn atom(&mut self) -> Eval {
        let start = self.pos;
        let Some(tok) = self.peek().cloned() else {
            return Err(self.unknown(start, "an expression keepalign does not evaluate"));
        };
        let here = |p: &Self, value: Value| Evaluated {
            value,
            at: p.m.loc(p.toks[start].span.clone()),
            env: None,
        };
        match tok {
            Tok::Num(n) => {
                self.pos += 1;
                let clean = n.replace('_', "");
                if let Ok(i) = clean.parse::<i64>()
                    && !(clean.len() > 1 && clean.starts_with('0'))
                {
                    return Ok(here(self, Value::Int(i)));
                }
                if clean.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                    && let Ok(f) = clean.parse::<f64>()
                {
                    return Ok(here(self, Value::Float(f)));
                }
                Err(self.unknown(start, "a number keepalign does not read"))
            }
            Tok::Str(Some(s)) => {
                self.pos += 1;
                // Adjacent literals concatenate.
                let mut s = s;
                while let Some(Tok::Str(next)) = self.peek() {
                    let Some(next) = next.clone() else {
                        return Err(self.unknown(start, "a string keepalign does not read"));
                    };
                    s.push_str(&next);
                    self.pos += 1;
                }
                let mut v = here(self, Value::Str(s));
                v.at = self.m.loc(self.span(start));
                Ok(v)
            }
            Tok::Str(None) => Err(self.unknown(start, "a string keepalign does not read")),
            Tok::Op(o) if o == "(" => {
                self.pos += 1;
                let v = self.expr()?;
                if !self.is_op(")") {
                    return Err(self.unknown(start, "an expression keepalign does not evaluate"));
                }
                self.pos += 1;
                Ok(v)
            }
            Tok::Name(n) => {
                let mut name = n;
                self.pos += 1;
                while self.is_op(".")
                    && let Some(Tok::Name(part)) = self.toks.get(self.pos + 1).map(|t| &t.tok)
                {
                    name.push('.');
                    name.push_str(part);
                    self.pos += 2;
                }
                match name.as_str() {
                    "True" => return Ok(here(self, Value::Bool(true))),
                    "False" => return Ok(here(self, Value::Bool(false))),
                    "None" => return Ok(here(self, Value::None)),
                    _ => {}
                }
                if self.is_op("(") {
                    return self.call(&name, start);
                }
                if self.is_op("[") {
                    if matches!(name.as_str(), "os.environ" | "environ") {
                        self.pos += 1;
                        let key = self.expr()?;
                        if !self.is_op("]") {
                            return Err(
                                self.unknown(start, "an expression keepalign does not evaluate")
                            );
                        }
                        self.pos += 1;
                        return self.environ(start, key, None);
                    }
                    return Err(self.unknown(start, "an expression keepalign does not evaluate"));
                }
                if name.contains('.') {
                    return Err(self.unknown(
                        start,
                        &format!("`{name}`, which keepalign does not evaluate"),
                    ));
                }
                self.name(&name, start)
            }
            Tok::Op(_) => Err(self.unknown(start, "an expression keepalign does not evaluate")),
        }
    }

    fn name(&mut self, name: &str, start: usize) -> Eval {
        if self.depth > MAX_DEPTH {
            return Err(self.unknown(start, "names that refer to names too deep"));
        }
        match self
            .m
            .lookup_before(name, self.order, self.env, self.depth + 4)
        {
            Lookup::Known(v) => Ok(v),
            Lookup::Unknown(u) => Err(u),
            Lookup::Absent => Err(self.unknown(
                start,
                &format!("`{name}`, a name not assigned above it in the file"),
            )),
        }
    }

    /// Arguments of a call, each evaluated; at most `max`.
    fn args(&mut self, start: usize, max: usize) -> Result<Vec<Evaluated>, Unresolved> {
        self.pos += 1; // (
        let mut out = Vec::new();
        loop {
            if self.is_op(")") {
                self.pos += 1;
                return Ok(out);
            }
            if out.len() == max
                || matches!(self.toks.get(self.pos + 1).map(|t| &t.tok), Some(Tok::Op(o)) if o == "=")
            {
                return Err(self.unknown(start, "a call keepalign does not evaluate"));
            }
            out.push(self.expr()?);
            if self.is_op(",") {
                self.pos += 1;
            } else if !self.is_op(")") {
                return Err(self.unknown(start, "a call keepalign does not evaluate"));
            }
        }
    }

    fn call(&mut self, name: &str, start: usize) -> Eval {
        match name {
            "int" | "float" | "str" => {
                let args = self.args(start, 1)?;
                let [arg] = args.as_slice() else {
                    return Err(self.unknown(start, "a call keepalign does not evaluate"));
                };
                let value = match (name, &arg.value) {
                    ("int", Value::Int(n)) => Some(Value::Int(*n)),
                    ("int", Value::Bool(b)) => Some(Value::Int(*b as i64)),
                    ("int", Value::Float(f)) if f.is_finite() && f.abs() < 1e15 => {
                        Some(Value::Int(f.trunc() as i64))
                    }
                    ("int", Value::Str(s)) => python_int(s).map(Value::Int),
                    ("float", Value::Int(n)) => Some(Value::Float(*n as f64)),
                    ("float", Value::Float(f)) => Some(Value::Float(*f)),
                    ("float", Value::Str(s)) => python_float(s).map(Value::Float),
                    ("str", Value::Str(s)) => Some(Value::Str(s.clone())),
                    ("str", Value::Int(n)) => Some(Value::Str(n.to_string())),
                    _ => None,
                };
                match value {
                    Some(value) => Ok(Evaluated {
                        value,
                        at: arg.at.clone(),
                        env: arg.env.clone(),
                    }),
                    // Python raises here: the server would not start.
                    None => Err(Unresolved::new(
                        format!(
                            "{} line {} calls {name}() on {}{}, which Python refuses (the server \
                             would not start)",
                            self.m.file.display,
                            self.m.line_of(&self.toks[start].span),
                            arg.value.show(),
                            match (&arg.env, &arg.value) {
                                (Some(e), Value::None) => format!(" ({e} is not set)"),
                                (Some(e), _) => format!(" (the value of {e})"),
                                _ => String::new(),
                            }
                        ),
                        Some(arg.at.clone()),
                    )),
                }
            }
            "os.environ.get" | "environ.get" | "os.getenv" | "getenv" => {
                let args = self.args(start, 2)?;
                match args.as_slice() {
                    [key] => self.environ(start, key.clone(), Some(None)),
                    [key, default] => self.environ(start, key.clone(), Some(Some(default.clone()))),
                    _ => Err(self.unknown(start, "a call keepalign does not evaluate")),
                }
            }
            _ => Err(self.unknown(
                start,
                &format!("a call to `{name}`, which keepalign does not evaluate"),
            )),
        }
    }

    /// `os.environ[key]` (`fallback` `None`) or `os.environ.get(key,
    /// default)` (`Some(default)`, `Some(None)` for no default).
    fn environ(&self, start: usize, key: Evaluated, fallback: Option<Option<Evaluated>>) -> Eval {
        let Value::Str(var) = &key.value else {
            return Err(self.unknown(start, "an environment lookup keepalign does not read"));
        };
        let line = self.m.line_of(&self.toks[start].span);
        let file = &self.m.file.display;
        match (self.env)(var) {
            Some(Ok(w)) => {
                let at = w.at.clone().unwrap_or_else(|| self.m.loc(self.span(start)));
                Ok(Evaluated {
                    value: Value::Str(w.text.clone()),
                    at,
                    env: Some(var.clone()),
                })
            }
            Some(Err(u)) => Err(Unresolved::new(
                format!(
                    "{file} line {line} reads {var} from the environment, which is set to a \
                     value keepalign cannot resolve ({})",
                    u.reason.trim_end_matches('.')
                ),
                u.at.or_else(|| Some(self.m.loc(self.span(start)))),
            )),
            None => match fallback {
                Some(Some(default)) => Ok(default),
                Some(None) => Ok(Evaluated {
                    value: Value::None,
                    at: self.m.loc(self.span(start)),
                    env: Some(var.clone()),
                }),
                None => Err(Unresolved::new(
                    format!(
                        "{file} line {line} reads {var} from the environment, which the task \
                         definition does not set (Python raises KeyError unless the image sets \
                         it); set {var} in the container's environment"
                    ),
                    Some(self.m.loc(self.span(start))),
                )),
            },
        }
    }
}

/// `a op b` on numbers: ints stay ints unless they overflow.
fn numeric(
    a: &Value,
    b: &Value,
    f: impl Fn(f64, f64) -> f64,
    i: impl Fn(i64, i64) -> Option<i64>,
) -> Option<Value> {
    let num = |v: &Value| match v {
        Value::Int(n) => Some(*n as f64),
        Value::Float(x) => Some(*x),
        Value::Bool(b) => Some(*b as i64 as f64),
        _ => None,
    };
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => i(*x, *y).map(Value::Int),
        _ => Some(Value::Float(f(num(a)?, num(b)?))),
    }
}

/// Python's `int(s)`: surrounding whitespace, a sign, digits and single
/// underscores between them.
pub fn python_int(s: &str) -> Option<i64> {
    let t = s.trim();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
        || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    {
        return None;
    }
    let n: i64 = digits.replace('_', "").parse().ok()?;
    Some(if neg { -n } else { n })
}

/// Python's `float(s)` for plain decimals.
fn python_float(s: &str) -> Option<f64> {
    let t = s.trim();
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    let digits = body.bytes().filter(u8::is_ascii_digit).count();
    if digits == 0 || !body.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    t.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(text: &str) -> Module {
        Module::parse(SourceFile::new("conf.py".into(), text.into()))
    }

    fn no_env(_: &str) -> Option<Result<Word, Unresolved>> {
        None
    }

    fn known(m: &Module, name: &str) -> (Value, String, usize) {
        match m.lookup(name, &no_env) {
            Lookup::Known(v) => {
                let line = v.at.start().0;
                (v.value, v.at.snippet().to_string(), line)
            }
            other => panic!("{name}: {other:?}"),
        }
    }

    fn unknown(m: &Module, name: &str, has: &str) -> usize {
        match m.lookup(name, &no_env) {
            Lookup::Unknown(u) => {
                assert!(u.reason.contains(has), "{:?} lacks {has:?}", u.reason);
                u.at.unwrap().start().0
            }
            other => panic!("{name}: {other:?}"),
        }
    }

    #[test]
    fn literals_and_their_locations() {
        let m = module(
            "import os\n\nbind = \"0.0.0.0:8000\"\nkeepalive = 75  # seconds\nworker_class = 'gevent'\ntimeout = 1_20\nfrac = 2.5\n",
        );
        assert_eq!(known(&m, "keepalive"), (Value::Int(75), "75".into(), 4));
        assert_eq!(
            known(&m, "worker_class"),
            (Value::Str("gevent".into()), "'gevent'".into(), 5)
        );
        assert_eq!(known(&m, "timeout").0, Value::Int(120));
        assert_eq!(known(&m, "frac").0, Value::Float(2.5));
        assert!(matches!(m.lookup("threads", &no_env), Lookup::Absent));
    }

    #[test]
    fn names_wrappers_arithmetic_and_the_last_assignment() {
        let m = module(
            "KA = 70\nkeepalive = 5\nkeepalive = int(KA) + 5\ntimeout = 2 * 60\ngraceful_timeout = int(\"30\")\nthreads = (\n    4\n)\n",
        );
        assert_eq!(
            known(&m, "keepalive"),
            (Value::Int(75), "int(KA) + 5".into(), 3)
        );
        assert_eq!(known(&m, "timeout").0, Value::Int(120));
        assert_eq!(
            known(&m, "graceful_timeout"),
            (Value::Int(30), "\"30\"".into(), 5)
        );
        assert_eq!(known(&m, "threads"), (Value::Int(4), "4".into(), 7));
    }

    #[test]
    fn the_environment_or_the_default() {
        let m = module(
            "import os\nkeepalive = int(os.environ.get(\"KA\", \"5\"))\ntimeout = int(os.getenv('T', 30))\ngraceful_timeout = int(os.environ[\"G\"])\nthreads = int(os.environ.get(\"TH\") or 2)\n",
        );
        let file = SourceFile::new("task.json".into(), "{\"KA\": \"2\"}".into());
        let env = |name: &str| {
            (name == "KA").then(|| Ok(Word::new("2", Some(Location::new(&file, 8..9)))))
        };
        let Lookup::Known(v) = m.lookup("keepalive", &env) else {
            panic!()
        };
        assert_eq!(v.value, Value::Int(2));
        assert_eq!(v.at.file.display, "task.json");
        assert_eq!(v.env.as_deref(), Some("KA"));
        // Unset: the default written in the file.
        assert_eq!(known(&m, "keepalive"), (Value::Int(5), "\"5\"".into(), 2));
        assert_eq!(known(&m, "timeout"), (Value::Int(30), "30".into(), 3));
        assert_eq!(unknown(&m, "graceful_timeout", "KeyError"), 4);
        assert_eq!(known(&m, "threads").0, Value::Int(2));
        // A value Python's int() refuses: the server would not start.
        let env = |_: &str| Some(Ok(Word::new("soon", None)));
        assert!(
            matches!(m.lookup("keepalive", &env), Lookup::Unknown(u) if u.reason.contains("refuses"))
        );
    }

    #[test]
    fn what_is_not_evaluated_is_unknown_at_its_line() {
        let m = module(
            "import multiprocessing\nfrom settings import timeout\nworkers = multiprocessing.cpu_count() * 2 + 1\nif DEBUG:\n    keepalive = 1\nelse:\n    keepalive = 75\nthreads = 2\nthreads += 2\ndef post_fork(server, worker):\n    graceful_timeout = 5\nworker_class = f\"gevent\"\n",
        );
        assert_eq!(unknown(&m, "workers", "cpu_count"), 3);
        assert_eq!(unknown(&m, "timeout", "imported"), 2);
        assert_eq!(unknown(&m, "keepalive", "inside a block"), 7);
        assert_eq!(unknown(&m, "threads", "+="), 9);
        // A function's locals are not the module's.
        assert!(matches!(
            m.lookup("graceful_timeout", &no_env),
            Lookup::Absent
        ));
        assert_eq!(unknown(&m, "worker_class", "string"), 12);
    }

    #[test]
    fn writes_that_may_set_any_name() {
        let m = module(
            "keepalive = 5\nfor k, v in os.environ.items():\n    if k.startswith('GUNICORN_'):\n        locals()[k[9:].lower()] = v\ntimeout = 60\n",
        );
        assert_eq!(unknown(&m, "keepalive", "`locals` may set any name"), 4);
        // Set after it: known.
        assert_eq!(known(&m, "timeout").0, Value::Int(60));
        let m = module("from defaults import *\n");
        assert_eq!(unknown(&m, "keepalive", "import *"), 1);
        let m = module("if x: keepalive = 5\n");
        assert_eq!(unknown(&m, "keepalive", "inside `if`"), 1);
    }

    #[test]
    fn calls_and_their_keywords() {
        let m = module(
            "import uvicorn\nfrom app import app\nKA = 75\n\nif __name__ == \"__main__\":\n    uvicorn.run(\n        \"main:app\",\n        host=\"0.0.0.0\",\n        timeout_keep_alive=KA,\n    )\n",
        );
        let calls = m.calls(&["uvicorn.run"]);
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].at().snippet(), "uvicorn.run");
        assert_eq!(calls[0].at().start().0, 6);
        let v = calls[0]
            .keyword("timeout_keep_alive", &no_env)
            .unwrap()
            .unwrap();
        assert_eq!((v.value, v.at.start().0), (Value::Int(75), 3));
        assert!(
            calls[0]
                .keyword("timeout_graceful_shutdown", &no_env)
                .is_none()
        );
        let m = module("uvicorn.run(app, **opts)\n");
        assert!(
            m.calls(&["uvicorn.run"])[0]
                .keyword("timeout_keep_alive", &no_env)
                .unwrap()
                .is_err()
        );
    }

    #[test]
    fn hostile_text_does_not_panic() {
        for text in [
            "",
            "=",
            "x = (",
            "x = \"",
            "x = '''",
            "x = 1 +",
            "é = 5\nx = é",
            "x = -",
            "x =\\\n 5",
            "x = 99999999999999999999",
            "x = 9223372036854775807 + 1",
            "\u{feff}x = 1",
            "x = (((((((((((((((((((((((((((((((((((((1)))))))))))))))))))))))))))))))))))",
            "a = b\nb = a\nx = a",
            "x = x",
            ")))\nx = 1",
            "x = os.environ[",
            "f(",
            "x: = 1",
        ] {
            let m = module(text);
            let _ = m.lookup("x", &no_env);
            for c in m.calls(&["f"]) {
                let _ = c.keyword("y", &no_env);
                let _ = c.at();
            }
        }
        // Deep nesting is refused, not recursed into.
        for deep in [
            "-".repeat(100_000),
            "(".repeat(100_000),
            "int(".repeat(100_000),
        ] {
            let m = module(&format!("x = {deep}1\n"));
            assert!(matches!(m.lookup("x", &no_env), Lookup::Unknown(_)));
        }
        let m = module("x = 1\nx = x + 1\n");
        assert_eq!(known(&m, "x").0, Value::Int(2));
    }

    #[test]
    fn python_int_is_strict() {
        assert_eq!(python_int(" 75 "), Some(75));
        assert_eq!(python_int("1_000"), Some(1000));
        for bad in ["", "7.5", "0x4b", "75s", "_1", "1__0"] {
            assert_eq!(python_int(bad), None, "{bad}");
        }
    }
}
