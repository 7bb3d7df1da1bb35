//! The few lines of a Puma configuration file (`config/puma.rb`) that set
//! the settings keepalign checks, read without running Ruby.
//!
//! Puma evaluates the file with `instance_eval(File.read(path))` on its
//! DSL (puma/puma `lib/puma/dsl.rb` `_load_from`, 5.6.8 and 8.0.2), and the
//! DSL methods convert their argument with `Integer()`:
//! `persistent_timeout(seconds)`, `worker_shutdown_timeout(timeout)`
//! (`@options[...] = Integer(...)`), `workers(count)` (`count.to_i` in
//! 5.6, `parse_workers` in 7+). A later call overrides an earlier one.
//!
//! A statement keepalign reads is one of these calls at the top level of
//! the file, whose argument is an integer or string literal, `nil`,
//! `ENV.fetch("X") { v }`, `ENV.fetch("X", v)`, `ENV["X"]`, `a || b`,
//! `Integer(...)`, `.to_i`, or a local variable assigned such an
//! expression earlier at the top level. Anything else that may set a
//! setting (a call inside a block or condition, a modifier `if`, an
//! expression keepalign does not evaluate, a mention in another form,
//! code that evaluates other code) makes the setting unknown from that
//! line on, with the reason; a later plain call overrides it again.

use crate::model::{Setting, Unresolved, Word};
use crate::source::{Location, SourceFile};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

/// The DSL methods keepalign reads.
pub(crate) const PERSISTENT_TIMEOUT: &str = "persistent_timeout";
pub(crate) const WORKER_SHUTDOWN_TIMEOUT: &str = "worker_shutdown_timeout";
pub(crate) const WORKERS: &str = "workers";
const NAMES: [&str; 3] = [PERSISTENT_TIMEOUT, WORKER_SHUTDOWN_TIMEOUT, WORKERS];

/// Methods that evaluate other code inside the DSL.
const EVALUATES: [&str; 6] = [
    "instance_eval",
    "instance_exec",
    "class_eval",
    "eval",
    "_load_from",
    "load_from",
];

/// Bounds for hostile input.
const MAX_LINES: usize = 20_000;
const MAX_TOKENS_PER_LINE: usize = 2_000;
const MAX_LOCALS: usize = 512;
const MAX_NESTING: usize = 32;

/// What one configuration file sets: for each name in [`NAMES`], the value
/// of the last statement that may set it; `None` when nothing in the file
/// may set it.
#[derive(Debug, Default)]
pub(crate) struct Settings {
    values: HashMap<&'static str, Setting<i64>>,
}

impl Settings {
    pub fn get(&self, name: &str) -> Option<&Setting<i64>> {
        self.values.get(name)
    }
}

/// Environment variables as the container sees them: `None` when unset.
pub(crate) type Env<'a> = &'a dyn Fn(&str) -> Option<Result<Word, Unresolved>>;

/// Read the settings of a Puma configuration file.
pub(crate) fn read(file: &Arc<SourceFile>, env: Env<'_>) -> Settings {
    let mut reader = Reader {
        file,
        env,
        locals: HashMap::new(),
        settings: Settings::default(),
        open: Vec::new(),
    };
    reader.run();
    reader.settings
}

struct Reader<'a> {
    file: &'a Arc<SourceFile>,
    env: Env<'a>,
    locals: HashMap<String, Result<Val, Unresolved>>,
    settings: Settings,
    /// Lines that opened the blocks and conditions around the current one.
    open: Vec<usize>,
}

impl Reader<'_> {
    fn run(&mut self) {
        let text = self.file.text.as_str();
        let mut offset = 0;
        let mut heredoc: Option<String> = None;
        let mut block_comment = false;
        for (index, raw) in text.split_inclusive('\n').enumerate().take(MAX_LINES) {
            let start = offset;
            offset += raw.len();
            let line_no = index + 1;
            let line = raw.trim_end_matches(['\n', '\r']);
            if let Some(end) = &heredoc {
                if line.trim() == end {
                    heredoc = None;
                }
                continue;
            }
            if block_comment {
                block_comment = !line.starts_with("=end");
                continue;
            }
            if line.starts_with("=begin") {
                block_comment = true;
                continue;
            }
            if line.trim() == "__END__" {
                break;
            }
            let tokens = lex(line, start);
            heredoc = heredoc_end(&tokens);
            for statement in tokens.split(|t| t.tok == Tok::Op(";")) {
                self.statement(statement, line_no);
            }
        }
    }

    fn set(&mut self, name: &'static str, value: Setting<i64>) {
        self.settings.values.insert(name, value);
    }

    fn location(&self, span: Range<usize>) -> Location {
        Location::new(self.file, span)
    }

    fn statement(&mut self, st: &[Token], line: usize) {
        let Some(first) = st.first() else {
            return;
        };
        let whole = self.location(first.span.start..st[st.len() - 1].span.end);
        let snippet = whole.snippet().to_string();
        let file = self.file.display.clone();
        // Code that evaluates other code may set anything.
        if let Some(t) = st
            .iter()
            .find(|t| matches!(&t.tok, Tok::Ident(i) if EVALUATES.contains(&i.as_str())))
        {
            let why = Unresolved::new(
                format!(
                    "{file}:{line} evaluates other code (`{}`), which keepalign does not follow, \
                     so it may set any setting",
                    t.text(&self.file.text)
                ),
                Some(whole.clone()),
            );
            for name in NAMES {
                self.set(name, Setting::Unresolved(why.clone()));
            }
            self.nesting(st, line);
            return;
        }
        let head = match &first.tok {
            Tok::Ident(i) => Some(i.as_str()),
            _ => None,
        };
        let second = st.get(1).map(|t| &t.tok);
        let setting = head.and_then(|h| NAMES.iter().find(|n| **n == h).copied());
        match (setting, second) {
            // `persistent_timeout = 30` is a local variable, not the setting.
            (Some(_), Some(Tok::Op("=" | "||="))) | (None, _) => {}
            (Some(name), _) => {
                let value = self.call(name, st, line, &whole, &snippet);
                self.set(name, value);
                self.nesting(st, line);
                return;
            }
        }
        // A local variable: `timeout = ENV.fetch("PUMA_TIMEOUT") { 75 }`.
        if let (Some(Tok::Ident(var)), Some(Tok::Op(op @ ("=" | "||=")))) =
            (Some(&first.tok), second)
        {
            let opens = st
                .get(2)
                .is_some_and(|t| matches!(&t.tok, Tok::Ident(k) if opens_block(k)));
            let value = if let Some(&opened) = self.open.last() {
                Err(Unresolved::new(
                    format!(
                        "`{var}` is assigned at {file}:{line}, inside a block or condition \
                         (opened at line {opened}) that keepalign does not evaluate"
                    ),
                    Some(whole.clone()),
                ))
            } else if *op == "||=" || opens || modifier(&st[2..]).is_some() {
                Err(Unresolved::new(
                    format!("`{var}` is assigned conditionally at {file}:{line}"),
                    Some(whole.clone()),
                ))
            } else {
                self.expression(&st[2..]).map_err(|u| {
                    Unresolved::new(
                        format!("`{var}` is `{snippet}` at {file}:{line}: {}", u.reason),
                        u.at,
                    )
                })
            };
            if self.locals.len() < MAX_LOCALS || self.locals.contains_key(var) {
                self.locals.insert(var.clone(), value);
            }
        }
        // Any other mention may set one (`send(:persistent_timeout, 30)`,
        // `c.persistent_timeout 30` on a configuration object).
        for name in NAMES {
            let mentioned = st.iter().skip(1).any(|t| match &t.tok {
                Tok::Ident(i) | Tok::Sym(i) => i == name,
                _ => false,
            });
            if mentioned {
                self.set(
                    name,
                    Setting::unresolved(
                        format!(
                            "{file}:{line} mentions {name} in a form keepalign does not read \
                             (`{snippet}`)"
                        ),
                        Some(whole.clone()),
                    ),
                );
            }
        }
        self.nesting(st, line);
    }

    /// A DSL call at the start of a statement: its value, or why it is
    /// not known.
    fn call(
        &self,
        name: &str,
        st: &[Token],
        line: usize,
        whole: &Location,
        snippet: &str,
    ) -> Setting<i64> {
        let file = &self.file.display;
        let whole = whole.clone();
        if let Some(&opened) = self.open.last() {
            Setting::unresolved(
                format!(
                    "{file}:{line} sets {name} inside a block or condition (opened at \
                     line {opened}) that keepalign does not evaluate"
                ),
                Some(whole),
            )
        } else if let Some(m) = modifier(&st[1..]) {
            Setting::unresolved(
                format!(
                    "{file}:{line} sets {name} only under a condition (`{}`) that \
                     keepalign does not evaluate",
                    self.location(m.span.start..whole.span.end).snippet()
                ),
                Some(whole),
            )
        } else {
            match self.call_argument(&st[1..]) {
                Ok(v) => match integer(&v) {
                    Ok(n) if n >= 0 => Setting::explicit(n, v.at),
                    Ok(n) => Setting::unresolved(
                        format!("{file}:{line} sets {name} to {n}, a negative number"),
                        Some(v.at),
                    ),
                    Err(why) => Setting::unresolved(
                        format!("{file}:{line}: `{snippet}`: {why}"),
                        Some(v.at),
                    ),
                },
                Err(u) => Setting::unresolved(
                    format!(
                        "{file}:{line} sets {name} with `{snippet}`, which keepalign \
                         cannot evaluate ({})",
                        u.reason
                    ),
                    u.at.or(Some(whole)),
                ),
            }
        }
    }

    /// Track the blocks and conditions a statement opens or closes.
    fn nesting(&mut self, st: &[Token], line: usize) {
        let mut delta: isize = 0;
        // `while x do`: the `do` belongs to the loop.
        let loop_do =
            matches!(&st[0].tok, Tok::Ident(k) if matches!(k.as_str(), "while" | "until" | "for"));
        for (i, t) in st.iter().enumerate() {
            // `self.class`, `range.end`: methods, not keywords.
            if i > 0 && matches!(st[i - 1].tok, Tok::Op("." | "::")) {
                continue;
            }
            match &t.tok {
                Tok::Ident(k) if k == "end" => delta -= 1,
                Tok::Ident(k) if k == "do" && !loop_do => delta += 1,
                Tok::Ident(k) if opens_block(k) => {
                    // At the start, or after `=`, `(`, `||` it opens a
                    // block; after an expression it is a modifier.
                    let leading = i == 0
                        || matches!(
                            st[i - 1].tok,
                            Tok::Op("=" | "(" | "||" | "||=" | "&&" | ",")
                        );
                    let always = matches!(k.as_str(), "begin" | "def" | "class" | "module");
                    if leading || always {
                        delta += 1;
                    }
                }
                Tok::Op("{") => delta += 1,
                Tok::Op("}") => delta -= 1,
                _ => {}
            }
        }
        if delta > 0 {
            for _ in 0..delta {
                if self.open.len() < MAX_NESTING * 64 {
                    self.open.push(line);
                }
            }
        } else {
            for _ in 0..(-delta) {
                self.open.pop();
            }
        }
    }

    /// The argument of a DSL call: `30`, `(30)`, `ENV.fetch("X") { 30 }`.
    fn call_argument(&self, args: &[Token]) -> Result<Val, Unresolved> {
        if args.is_empty() {
            return Err(Unresolved::new("no argument", None));
        }
        self.expression(args)
    }

    fn expression(&self, tokens: &[Token]) -> Result<Val, Unresolved> {
        let mut p = Parser {
            tokens,
            pos: 0,
            depth: 0,
        };
        let expr = p.or().map_err(|span| self.not_read(span))?;
        if p.pos < tokens.len() {
            return Err(self.not_read(tokens[p.pos].span.clone()));
        }
        self.eval(&expr)
    }

    fn not_read(&self, span: Range<usize>) -> Unresolved {
        let at = self.location(span);
        Unresolved::new(
            format!(
                "keepalign does not evaluate `{}` there; write a number, or \
                 ENV.fetch(\"NAME\") {{ number }}",
                at.snippet()
            ),
            Some(at),
        )
    }

    fn eval(&self, e: &Expr) -> Result<Val, Unresolved> {
        Ok(match e {
            Expr::Int(n, span) => Val {
                v: V::Int(*n),
                at: self.location(span.clone()),
            },
            Expr::Str(s, span) => Val {
                v: V::Str(s.clone()),
                at: self.location(span.clone()),
            },
            Expr::Nil(span) => Val {
                v: V::Nil,
                at: self.location(span.clone()),
            },
            Expr::Local(name, span) => match self.locals.get(name) {
                Some(Ok(v)) => v.clone(),
                Some(Err(u)) => return Err(u.clone()),
                None => {
                    return Err(Unresolved::new(
                        format!(
                            "`{name}` is a method or a variable keepalign does not know the \
                             value of"
                        ),
                        Some(self.location(span.clone())),
                    ));
                }
            },
            Expr::Env {
                name,
                fallback,
                fetch,
                span,
            } => {
                let at = self.location(span.clone());
                match (self.env)(name) {
                    Some(Ok(w)) if w.unknown.is_some() => {
                        return Err(Unresolved::new(
                            format!("{name} is set to a value keepalign cannot resolve"),
                            w.at.clone().or(Some(at)),
                        ));
                    }
                    Some(Ok(w)) => Val {
                        v: V::Str(w.text.clone()),
                        at: w.at.clone().unwrap_or(at),
                    },
                    Some(Err(u)) => {
                        return Err(Unresolved::new(
                            format!(
                                "{name} is set to a value keepalign cannot resolve ({})",
                                u.reason.trim_end_matches('.')
                            ),
                            u.at.or(Some(at)),
                        ));
                    }
                    None => match fallback {
                        Some(f) => self.eval(f)?,
                        None if *fetch => {
                            return Err(Unresolved::new(
                                format!(
                                    "the container's environment does not set {name}, and \
                                     ENV.fetch without a default raises KeyError (the image may \
                                     set it); set {name} in the task definition"
                                ),
                                Some(at),
                            ));
                        }
                        None => Val { v: V::Nil, at },
                    },
                }
            }
            Expr::Or(a, b) => {
                let left = self.eval(a)?;
                if matches!(left.v, V::Nil) {
                    self.eval(b)?
                } else {
                    left
                }
            }
            Expr::ToI(inner) => {
                let v = self.eval(inner)?;
                let n = match &v.v {
                    V::Int(n) => *n,
                    V::Nil => 0,
                    V::Str(s) => string_to_i(s).ok_or_else(|| {
                        Unresolved::new(format!("`{s}`.to_i is out of range"), Some(v.at.clone()))
                    })?,
                };
                Val {
                    v: V::Int(n),
                    at: v.at,
                }
            }
            Expr::Integer(inner) => {
                let v = self.eval(inner)?;
                let n = integer(&v).map_err(|why| Unresolved::new(why, Some(v.at.clone())))?;
                Val {
                    v: V::Int(n),
                    at: v.at,
                }
            }
        })
    }
}

/// Keywords that open a block closed by `end`.
fn opens_block(k: &str) -> bool {
    matches!(
        k,
        "if" | "unless" | "while" | "until" | "case" | "begin" | "def" | "class" | "module" | "for"
    )
}

/// A trailing `if`/`unless` modifier in a statement's arguments.
fn modifier(args: &[Token]) -> Option<&Token> {
    let mut parens = 0i32;
    for t in args {
        match &t.tok {
            Tok::Op("(" | "[" | "{") => parens += 1,
            Tok::Op(")" | "]" | "}") => parens -= 1,
            Tok::Ident(k) if parens <= 0 && matches!(k.as_str(), "if" | "unless") => {
                return Some(t);
            }
            _ => {}
        }
    }
    None
}

/// The line that ends a heredoc started on this line (`<<~EOS`).
fn heredoc_end(tokens: &[Token]) -> Option<String> {
    tokens.iter().find_map(|t| match &t.tok {
        Tok::Heredoc(end) => Some(end.clone()),
        _ => None,
    })
}

/// A Ruby value keepalign evaluates, with where it is written.
#[derive(Clone, Debug)]
struct Val {
    v: V,
    at: Location,
}

#[derive(Clone, Debug)]
enum V {
    Int(i64),
    Str(String),
    Nil,
}

/// Ruby's `Integer(v)`, as the DSL applies it: `Err` says why Puma would
/// refuse the value or keepalign cannot read it.
fn integer(v: &Val) -> Result<i64, String> {
    match &v.v {
        V::Int(n) => Ok(*n),
        V::Nil => Err(
            "the value is nil, and Integer(nil) raises TypeError: Puma would not start; set \
             the variable or give a default"
                .into(),
        ),
        V::Str(s) => {
            let t = s.trim();
            let digits = t.strip_prefix('+').unwrap_or(t);
            // Integer("08") is octal and fails; "1__0" and "_1" raise.
            let leading_zero = digits.starts_with('0') && digits.len() > 1;
            let underscores_ok =
                !digits.starts_with('_') && !digits.ends_with('_') && !digits.contains("__");
            let plain = !digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_')
                && underscores_ok
                && !leading_zero;
            if !plain {
                return Err(format!(
                    "the value is `{s}`, which keepalign does not read as a whole number of \
                     seconds (Integer() raises on it or reads it as octal or hexadecimal); set it \
                     to a whole number"
                ));
            }
            digits
                .replace('_', "")
                .parse()
                .map_err(|_| format!("`{s}` is out of range"))
        }
    }
}

/// Ruby's `String#to_i`: leading whitespace, a sign, digits (single
/// underscores between them); 0 when there are none. `None` on overflow.
fn string_to_i(s: &str) -> Option<i64> {
    let t = s.trim_start();
    let (negative, rest) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let mut n: i64 = 0;
    let mut last_underscore = true;
    for b in rest.bytes() {
        match b {
            b'0'..=b'9' => {
                n = n.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
                last_underscore = false;
            }
            b'_' if !last_underscore => last_underscore = true,
            _ => break,
        }
    }
    Some(if negative { -n } else { n })
}

#[derive(Debug)]
enum Expr {
    Int(i64, Range<usize>),
    Str(String, Range<usize>),
    Nil(Range<usize>),
    Local(String, Range<usize>),
    /// `ENV["X"]` (`fetch` false) or `ENV.fetch("X")`, with the default.
    Env {
        name: String,
        fallback: Option<Box<Expr>>,
        fetch: bool,
        span: Range<usize>,
    },
    Or(Box<Expr>, Box<Expr>),
    ToI(Box<Expr>),
    Integer(Box<Expr>),
}

/// A recursive-descent parser of the expressions keepalign evaluates; an
/// error is the span of the first token it does not read.
struct Parser<'t> {
    tokens: &'t [Token],
    pos: usize,
    depth: usize,
}

type Parsed = Result<Expr, Range<usize>>;

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    fn here(&self) -> Range<usize> {
        match self.tokens.get(self.pos).or(self.tokens.last()) {
            Some(t) => t.span.clone(),
            None => 0..0,
        }
    }

    fn expect(&mut self, op: &str) -> Result<Range<usize>, Range<usize>> {
        match self.tokens.get(self.pos) {
            Some(t) if t.tok == Tok::Op(op_static(op)) => {
                self.pos += 1;
                Ok(t.span.clone())
            }
            _ => Err(self.here()),
        }
    }

    fn or(&mut self) -> Parsed {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.here());
        }
        let mut left = self.postfix()?;
        while matches!(self.peek(), Some(Tok::Op("||"))) {
            self.pos += 1;
            let right = self.postfix()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        self.depth -= 1;
        Ok(left)
    }

    fn postfix(&mut self) -> Parsed {
        let mut e = self.primary()?;
        while matches!(self.peek(), Some(Tok::Op("."))) {
            match self.tokens.get(self.pos + 1).map(|t| &t.tok) {
                Some(Tok::Ident(m)) if m == "to_i" => {
                    self.pos += 2;
                    // `.to_i()`
                    if matches!(self.peek(), Some(Tok::Op("(")))
                        && matches!(
                            self.tokens.get(self.pos + 1).map(|t| &t.tok),
                            Some(Tok::Op(")"))
                        )
                    {
                        self.pos += 2;
                    }
                    e = Expr::ToI(Box::new(e));
                }
                _ => return Err(self.here()),
            }
        }
        Ok(e)
    }

    fn primary(&mut self) -> Parsed {
        let Some(t) = self.tokens.get(self.pos) else {
            return Err(self.here());
        };
        let span = t.span.clone();
        match &t.tok {
            Tok::Int(n) => {
                self.pos += 1;
                Ok(Expr::Int(*n, span))
            }
            Tok::Str(s) => {
                self.pos += 1;
                Ok(Expr::Str(s.clone(), span))
            }
            Tok::Op("(") => {
                self.pos += 1;
                let e = self.or()?;
                self.expect(")")?;
                Ok(e)
            }
            Tok::Ident(i) if i == "nil" => {
                self.pos += 1;
                Ok(Expr::Nil(span))
            }
            Tok::Ident(i)
                if !NAMES.contains(&i.as_str())
                    && !matches!(
                        self.tokens.get(self.pos + 1).map(|t| &t.tok),
                        Some(Tok::Op("(" | "[" | "{")) | Some(Tok::Int(_) | Tok::Str(_))
                    ) =>
            {
                self.pos += 1;
                Ok(Expr::Local(i.clone(), span))
            }
            Tok::Const(c) if c == "Integer" => {
                self.pos += 1;
                self.expect("(")?;
                let e = self.or()?;
                self.expect(")")?;
                Ok(Expr::Integer(Box::new(e)))
            }
            Tok::Const(c) if c == "ENV" => {
                self.pos += 1;
                self.env(span)
            }
            _ => Err(span),
        }
    }

    /// After `ENV`: `["X"]`, `.fetch("X")`, `.fetch("X", v)`, `.fetch("X") { v }`.
    fn env(&mut self, start: Range<usize>) -> Parsed {
        let name_of = |p: &mut Self| match p.tokens.get(p.pos) {
            Some(Token {
                tok: Tok::Str(s), ..
            }) => {
                p.pos += 1;
                Ok(s.clone())
            }
            _ => Err(p.here()),
        };
        if matches!(self.peek(), Some(Tok::Op("["))) {
            self.pos += 1;
            let name = name_of(self)?;
            let end = self.expect("]")?;
            return Ok(Expr::Env {
                name,
                fallback: None,
                fetch: false,
                span: start.start..end.end,
            });
        }
        self.expect(".")?;
        match self.peek() {
            Some(Tok::Ident(m)) if m == "fetch" => self.pos += 1,
            _ => return Err(self.here()),
        }
        self.expect("(")?;
        let name = name_of(self)?;
        let mut fallback = None;
        if matches!(self.peek(), Some(Tok::Op(","))) {
            self.pos += 1;
            fallback = Some(Box::new(self.or()?));
        }
        let mut end = self.expect(")")?;
        if matches!(self.peek(), Some(Tok::Op("{"))) {
            self.pos += 1;
            // The block wins over a default argument (Ruby warns).
            fallback = Some(Box::new(self.or()?));
            end = self.expect("}")?;
        }
        Ok(Expr::Env {
            name,
            fallback,
            fetch: true,
            span: start.start..end.end,
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Const(String),
    Int(i64),
    /// A string literal without interpolation.
    Str(String),
    /// `:name`.
    Sym(String),
    /// `<<~EOS`: the lines up to `EOS` are the heredoc's text.
    Heredoc(String),
    Op(&'static str),
    /// Anything else: an interpolated string, an operator keepalign does not read.
    Other,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    /// Bytes in the file.
    span: Range<usize>,
}

impl Token {
    fn text<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.span.clone()).unwrap_or("")
    }
}

const OPS: [&str; 17] = [
    "||=", "||", "&&", "==", "!=", "::", "=", ".", ",", "(", ")", "{", "}", "[", "]", ";", "|",
];

fn op_static(op: &str) -> &'static str {
    OPS.iter().find(|o| **o == op).copied().unwrap_or("")
}

/// The tokens of one line (`base` is its offset in the file), up to a
/// comment.
fn lex(line: &str, base: usize) -> Vec<Token> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() && out.len() < MAX_TOKENS_PER_LINE {
        let c = bytes[i];
        let start = i;
        let tok = match c {
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' => break,
            b'0'..=b'9' => {
                while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
                    i += 1;
                }
                let digits = line[start..i].replace('_', "");
                match digits.parse::<i64>() {
                    Ok(n) if !line[start..i].ends_with('_') => Tok::Int(n),
                    _ => Tok::Other,
                }
            }
            b'"' | b'\'' => {
                let mut value = String::new();
                let mut plain = true;
                i += 1;
                let mut closed = false;
                while i < bytes.len() {
                    let b = bytes[i];
                    if b == c {
                        closed = true;
                        i += 1;
                        break;
                    }
                    if b == b'\\' {
                        // Escapes are not interpreted: such a string is not read.
                        plain = false;
                        i += 1;
                        i += line[i..].chars().next().map_or(0, char::len_utf8);
                        continue;
                    }
                    if c == b'"' && b == b'#' && bytes.get(i + 1) == Some(&b'{') {
                        plain = false;
                    }
                    let ch = line[i..].chars().next().unwrap_or(' ');
                    value.push(ch);
                    i += ch.len_utf8();
                }
                if closed && plain {
                    Tok::Str(value)
                } else {
                    Tok::Other
                }
            }
            b':' if bytes.get(i + 1) == Some(&b':') => {
                i += 2;
                Tok::Op("::")
            }
            b':' if bytes
                .get(i + 1)
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_') =>
            {
                i += 1;
                let s = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                Tok::Sym(line[s..i].to_string())
            }
            b'<' if line[i..].starts_with("<<") => {
                // `<<~EOS`, `<<-EOS`, `<<EOS`, quoted or not; `list << X`
                // (with a space) appends.
                let rest = &line[i + 2..];
                let rest = rest.strip_prefix(['~', '-']).unwrap_or(rest);
                let rest = rest.trim_start_matches(['"', '\'']);
                let id: String = rest
                    .chars()
                    .take_while(|ch| ch.is_ascii_alphanumeric() || *ch == '_')
                    .collect();
                i += 2;
                if !id.is_empty() && id.chars().next().is_some_and(|ch| ch.is_ascii_uppercase()) {
                    Tok::Heredoc(id)
                } else {
                    Tok::Other
                }
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'@' | b'$' => {
                i += 1;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                if i < bytes.len() && matches!(bytes[i], b'?' | b'!') {
                    i += 1;
                }
                let word = line[start..i].to_string();
                if c.is_ascii_uppercase() {
                    Tok::Const(word)
                } else if c == b'@' || c == b'$' {
                    Tok::Other
                } else {
                    Tok::Ident(word)
                }
            }
            _ => {
                if let Some(op) = OPS.iter().find(|o| line[i..].starts_with(**o)) {
                    i += op.len();
                    Tok::Op(op)
                } else {
                    i += line[i..].chars().next().map_or(1, char::len_utf8);
                    Tok::Other
                }
            }
        };
        out.push(Token {
            tok,
            span: base + start..base + i,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Provenance;

    fn file(text: &str) -> Arc<SourceFile> {
        SourceFile::new("app/config/puma.rb".into(), text.to_string())
    }

    fn no_env(_: &str) -> Option<Result<Word, Unresolved>> {
        None
    }

    /// The value and the line and text it points at, or the reason.
    fn got(s: &Settings, name: &str) -> Option<Result<(i64, usize, String), String>> {
        Some(match s.get(name)? {
            Setting::Known {
                value,
                provenance: Provenance::Explicit(at),
            } => Ok((*value, at.start().0, at.snippet().to_string())),
            Setting::Unresolved(u) => Err(u.reason.clone()),
            other => panic!("{other:?}"),
        })
    }

    fn ok(v: i64, line: usize, text: &str) -> Option<Result<(i64, usize, String), String>> {
        Some(Ok((v, line, text.to_string())))
    }

    fn reason(s: &Settings, name: &str, parts: &[&str]) {
        match got(s, name) {
            Some(Err(r)) => {
                for p in parts {
                    assert!(r.contains(p), "{r:?} lacks {p:?}");
                }
            }
            other => panic!("expected unresolved {name}, got {other:?}"),
        }
    }

    #[test]
    fn literals_and_env_defaults() {
        for (text, value, snippet) in [
            ("persistent_timeout 75\n", 75, "75"),
            ("persistent_timeout(75)\n", 75, "75"),
            ("persistent_timeout \"75\"\n", 75, "\"75\""),
            ("persistent_timeout 1_000\n", 1000, "1_000"),
            (
                "persistent_timeout ENV.fetch(\"PUMA_PERSISTENT_TIMEOUT\") { 75 }.to_i\n",
                75,
                "75",
            ),
            ("persistent_timeout ENV.fetch('KA', 75)\n", 75, "75"),
            ("persistent_timeout ENV.fetch('KA') { '75' }\n", 75, "'75'"),
            (
                "persistent_timeout Integer(ENV.fetch(\"KA\", 75))\n",
                75,
                "75",
            ),
            ("persistent_timeout((ENV[\"KA\"] || 75).to_i)\n", 75, "75"),
            (
                "persistent_timeout ENV[\"KA\"] || 75 # keep-alive\n",
                75,
                "75",
            ),
            ("persistent_timeout 75; workers 2\n", 75, "75"),
        ] {
            let s = read(&file(text), &no_env);
            assert_eq!(got(&s, PERSISTENT_TIMEOUT), ok(value, 1, snippet), "{text}");
        }
        let s = read(&file("persistent_timeout 75; workers 2\n"), &no_env);
        assert_eq!(got(&s, WORKERS), ok(2, 1, "2"));
    }

    #[test]
    fn the_environment_wins_over_the_default_and_points_where_it_is_set() {
        let task = SourceFile::new("task.json".into(), "{\"KA\": \"90\"}".into());
        let at = Location::new(&task, 8..10);
        let env = move |name: &str| (name == "KA").then(|| Ok(Word::new("90", Some(at.clone()))));
        let s = read(
            &file("persistent_timeout ENV.fetch(\"KA\") { 75 }.to_i\n"),
            &env,
        );
        match s.get(PERSISTENT_TIMEOUT) {
            Some(Setting::Known {
                value: 90,
                provenance: Provenance::Explicit(l),
            }) => assert_eq!(l.file.display, "task.json"),
            other => panic!("{other:?}"),
        }
        let env = |_: &str| Some(Ok(Word::new("abc", None)));
        let s = read(&file("persistent_timeout ENV.fetch(\"KA\") { 75 }\n"), &env);
        reason(&s, PERSISTENT_TIMEOUT, &["`abc`", "whole number"]);
        // `.to_i` reads "abc" as 0, as Ruby does.
        let s = read(
            &file("persistent_timeout ENV.fetch(\"KA\") { 75 }.to_i\n"),
            &env,
        );
        assert_eq!(got(&s, PERSISTENT_TIMEOUT).unwrap().unwrap().0, 0);
        let env = |_: &str| Some(Err(Unresolved::new("var.ka has no value", None)));
        let s = read(&file("persistent_timeout ENV.fetch(\"KA\", 75)\n"), &env);
        reason(&s, PERSISTENT_TIMEOUT, &["var.ka has no value", ":1"]);
    }

    #[test]
    fn locals_later_calls_and_the_last_wins() {
        let text = "# Puma\n\
                    max_threads = ENV.fetch(\"RAILS_MAX_THREADS\") { 5 }\n\
                    threads max_threads, max_threads\n\
                    keep_alive = Integer(ENV.fetch(\"KEEP_ALIVE\", 75))\n\
                    persistent_timeout 30\n\
                    persistent_timeout keep_alive\n\
                    worker_shutdown_timeout 25\n\
                    port ENV.fetch(\"PORT\") { 3000 }\n";
        let s = read(&file(text), &no_env);
        assert_eq!(got(&s, PERSISTENT_TIMEOUT), ok(75, 4, "75"));
        assert_eq!(got(&s, WORKER_SHUTDOWN_TIMEOUT), ok(25, 7, "25"));
        assert_eq!(got(&s, WORKERS), None);
    }

    #[test]
    fn what_keepalign_does_not_evaluate_is_unknown_with_the_line() {
        for (text, parts) in [
            (
                "if ENV[\"RAILS_ENV\"] == \"production\"\n  persistent_timeout 75\nend\n",
                &[":2", "inside a block or condition", "line 1"][..],
            ),
            (
                "persistent_timeout 75 if ENV[\"SLOW\"]\n",
                &[":1", "only under a condition", "`if ENV[\"SLOW\"]`"],
            ),
            (
                "persistent_timeout Settings.keep_alive\n",
                &[":1", "cannot evaluate", "`Settings`"],
            ),
            (
                "persistent_timeout ENV.fetch(\"KA\")\n",
                &["KeyError", "KA"],
            ),
            ("persistent_timeout ENV[\"KA\"]\n", &["nil", "TypeError"]),
            ("persistent_timeout 7.5\n", &["cannot evaluate"]),
            (
                "persistent_timeout timeout\n",
                &["`timeout`", "does not know"],
            ),
            (
                "before_fork do\n  persistent_timeout 20\nend\n",
                &[":2", "line 1"],
            ),
            (
                "send(:persistent_timeout, 30)\n",
                &[":1", "mentions persistent_timeout"],
            ),
            (
                "persistent_timeout 75\ninstance_eval(File.read(\"extra.rb\"))\n",
                &[":2", "evaluates other code"],
            ),
            (
                "ka = ENV[\"KA\"] if ENV[\"KA\"]\npersistent_timeout ka\n",
                &["`ka` is assigned conditionally at app/config/puma.rb:1"],
            ),
            ("persistent_timeout \"0x1e\"\n", &["`0x1e`"]),
            ("persistent_timeout \"#{x}\"\n", &["cannot evaluate"]),
        ] {
            let s = read(&file(text), &no_env);
            reason(&s, PERSISTENT_TIMEOUT, parts);
        }
    }

    #[test]
    fn blocks_close_and_comments_heredocs_and_locals_named_like_settings_are_not_calls() {
        let text = "on_worker_boot do\n\
                    \x20 ActiveRecord::Base.establish_connection\n\
                    end\n\
                    # persistent_timeout 5\n\
                    =begin\n\
                    persistent_timeout 6\n\
                    =end\n\
                    BANNER = <<~TEXT\n\
                    persistent_timeout 7\n\
                    TEXT\n\
                    persistent_timeout = 8\n\
                    workers ENV.fetch(\"WEB_CONCURRENCY\") { 2 }\n\
                    persistent_timeout 65 # after the blocks\n";
        let s = read(&file(text), &no_env);
        assert_eq!(got(&s, PERSISTENT_TIMEOUT), ok(65, 13, "65"));
        assert_eq!(got(&s, WORKERS), ok(2, 12, "2"));
        // An `if` modifier does not open a block; `x = if` does.
        let s = read(
            &file("plugin :tmp_restart if ENV[\"DEV\"]\npersistent_timeout 70\n"),
            &no_env,
        );
        assert_eq!(got(&s, PERSISTENT_TIMEOUT), ok(70, 2, "70"));
        let s = read(
            &file("ka = if ENV[\"X\"]\n  1\nelse\n  2\nend\npersistent_timeout ka\n"),
            &no_env,
        );
        reason(&s, PERSISTENT_TIMEOUT, &["assigned conditionally"]);
        let s = read(
            &file("persistent_timeout 70\n__END__\npersistent_timeout 1\n"),
            &no_env,
        );
        assert_eq!(got(&s, PERSISTENT_TIMEOUT), ok(70, 1, "70"));
    }

    #[test]
    fn hostile_input_does_not_panic() {
        for text in [
            "persistent_timeout ((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))\n",
            "persistent_timeout 99999999999999999999999\n",
            "persistent_timeout \"€\n",
            "end\nend\nend\npersistent_timeout 3\n",
            "persistent_timeout ENV.fetch(\n",
            "persistent_timeout ENV[\n",
            "persistent_timeout\n",
            "persistent_timeout (\n",
            "x = <<\n",
            "persistent_timeout 1 || \n",
        ] {
            let _ = read(&file(text), &no_env);
        }
        let s = read(&file("end\nend\npersistent_timeout 3\n"), &no_env);
        assert_eq!(got(&s, PERSISTENT_TIMEOUT), ok(3, 3, "3"));
    }

    #[test]
    fn ruby_conversions() {
        assert_eq!(string_to_i("  42abc"), Some(42));
        assert_eq!(string_to_i("1_000"), Some(1000));
        assert_eq!(string_to_i("-3"), Some(-3));
        assert_eq!(string_to_i("abc"), Some(0));
        assert_eq!(string_to_i("99999999999999999999"), None);
    }
}
