//! A small, tolerant JavaScript/TypeScript tokenizer and the few patterns
//! keepalign looks for in a Node.js application's code: where the server's
//! `keepAliveTimeout` is set (`server.keepAliveTimeout = 65_000`,
//! `http.createServer({ keepAliveTimeout: 65000 })`, `Fastify({ ... })`),
//! what the file `require`s or `import`s, and the value of a simple
//! expression (`65 * 1000`, `Number(process.env.KA ?? 65000)`).
//!
//! This is not a parser. Strings, template literals, comments and regular
//! expression literals are skipped as wholes so nothing inside them is
//! mistaken for code; a `/` is a regular expression where an expression
//! may start (after an operator, `(`, `,`, a keyword like `return`), as
//! tokenizers without a grammar usually decide. Text the tokenizer cannot
//! follow (an unterminated string or comment) is an error: the caller then
//! does not claim to have read the file.

use std::ops::Range;

/// Files larger than this are not tokenized (a bundle, minified code).
pub(crate) const MAX_SOURCE: usize = 4 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Kind {
    Ident,
    Num,
    Str,
    /// A template literal; `true` when it has no `${}` substitution.
    Template(bool),
    Regex,
    Punct,
}

#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub kind: Kind,
    pub span: Range<usize>,
    /// A line break between this token and the previous one.
    pub nl: bool,
}

/// Keywords after which a `/` starts a regular expression.
const BEFORE_EXPRESSION: &[&str] = &[
    "return",
    "typeof",
    "instanceof",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "case",
    "do",
    "else",
    "yield",
    "await",
];

const PUNCTS: &[&str] = &[
    ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=", "=>", "==", "!=",
    "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
    "**", "<<", ">>",
];

/// The tokens of `text`, or where tokenizing stopped and why.
pub(crate) fn tokenize(text: &str) -> Result<Vec<Token>, (String, usize)> {
    if text.len() > MAX_SOURCE {
        return Err((
            format!(
                "it is larger than {} MiB (a bundle?), which keepalign does not read",
                MAX_SOURCE / (1024 * 1024)
            ),
            0,
        ));
    }
    let b = text.as_bytes();
    let mut out: Vec<Token> = Vec::new();
    let mut i = 0;
    let mut nl = false;
    // Brace depth inside each open `${` of a template literal.
    let mut templates: Vec<usize> = Vec::new();
    if text.starts_with("#!") {
        i = text.find('\n').unwrap_or(text.len());
    }
    while i < b.len() {
        let c = b[i];
        let start = i;
        match c {
            b'\n' | b'\r' => {
                nl = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | 0x0b | 0x0c => {
                i += 1;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let Some(end) = text[i + 2..].find("*/") else {
                    return Err(("a comment is not closed".into(), i));
                };
                nl |= text[i..i + 2 + end].contains('\n');
                i += end + 4;
                continue;
            }
            b'\'' | b'"' => {
                i = string_end(b, i).ok_or(("a string is not closed".to_string(), start))?;
                out.push(Token {
                    kind: Kind::Str,
                    span: start..i,
                    nl,
                });
            }
            b'`' => {
                let (end, subst) = template_end(b, i + 1)
                    .ok_or(("a template literal is not closed".to_string(), start))?;
                i = end;
                out.push(Token {
                    kind: Kind::Template(!subst),
                    span: start..i,
                    nl,
                });
                if subst {
                    templates.push(0);
                }
            }
            b'}' if templates.last() == Some(&0) => {
                // The end of a `${}`: the template goes on.
                templates.pop();
                let (end, subst) = template_end(b, i + 1)
                    .ok_or(("a template literal is not closed".to_string(), start))?;
                i = end;
                out.push(Token {
                    kind: Kind::Template(false),
                    span: start..i,
                    nl,
                });
                if subst {
                    templates.push(0);
                }
            }
            b'0'..=b'9' => {
                i = number_end(b, i);
                out.push(Token {
                    kind: Kind::Num,
                    span: start..i,
                    nl,
                });
            }
            b'.' if b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                i = number_end(b, i);
                out.push(Token {
                    kind: Kind::Num,
                    span: start..i,
                    nl,
                });
            }
            b'/' if regex_allowed(text, out.last()) => {
                i = regex_end(b, i).ok_or((
                    "a regular expression literal is not closed".to_string(),
                    start,
                ))?;
                out.push(Token {
                    kind: Kind::Regex,
                    span: start..i,
                    nl,
                });
            }
            _ if c == b'_' || c == b'$' || c == b'#' || c.is_ascii_alphabetic() || c >= 0x80 => {
                let ch = text[i..].chars().next().unwrap_or(' ');
                if c >= 0x80 && !ch.is_alphabetic() {
                    // A non-ASCII space or symbol: skip it.
                    i += ch.len_utf8();
                    continue;
                }
                i += ch.len_utf8();
                while let Some(ch) = text[i..].chars().next() {
                    if ch == '_' || ch == '$' || ch.is_alphanumeric() {
                        i += ch.len_utf8();
                    } else {
                        break;
                    }
                }
                out.push(Token {
                    kind: Kind::Ident,
                    span: start..i,
                    nl,
                });
            }
            _ => {
                let len = PUNCTS
                    .iter()
                    .find(|p| text[i..].starts_with(**p))
                    .map_or(1, |p| p.len());
                i += len;
                if let Some(depth) = templates.last_mut() {
                    match c {
                        b'{' => *depth += 1,
                        b'}' => *depth = depth.saturating_sub(1),
                        _ => {}
                    }
                }
                out.push(Token {
                    kind: Kind::Punct,
                    span: start..i,
                    nl,
                });
            }
        }
        nl = false;
    }
    if !templates.is_empty() {
        return Err(("a template literal is not closed".into(), text.len()));
    }
    Ok(out)
}

fn string_end(b: &[u8], start: usize) -> Option<usize> {
    let quote = b[start];
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'\n' => return None,
            c if c == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// From just after a `` ` `` or a `}` closing a substitution: the end of
/// this piece of the template and whether a `${` opens a substitution.
fn template_end(b: &[u8], mut i: usize) -> Option<(usize, bool)> {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'`' => return Some((i + 1, false)),
            b'$' if b.get(i + 1) == Some(&b'{') => return Some((i + 2, true)),
            _ => i += 1,
        }
    }
    None
}

fn number_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' {
            // `1e-3`, `2E+5`
            if (c == b'e' || c == b'E')
                && matches!(b.get(i + 1), Some(b'+' | b'-'))
                && !b[..i].starts_with(b"0x")
            {
                i += 2;
                continue;
            }
            i += 1;
        } else {
            break;
        }
    }
    i
}

fn regex_allowed(text: &str, prev: Option<&Token>) -> bool {
    let Some(prev) = prev else {
        return true;
    };
    let t = &text[prev.span.clone()];
    match prev.kind {
        Kind::Num | Kind::Str | Kind::Template(_) | Kind::Regex => false,
        Kind::Ident => BEFORE_EXPRESSION.contains(&t),
        Kind::Punct => !matches!(t, ")" | "]" | "}" | "++" | "--"),
    }
}

fn regex_end(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    let mut class = false;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'\n' => return None,
            b'[' => {
                class = true;
                i += 1;
            }
            b']' => {
                class = false;
                i += 1;
            }
            b'/' if !class => {
                i += 1;
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
                return Some(i);
            }
            _ => i += 1,
        }
    }
    None
}

/// The value of a numeric literal: `65_000`, `6.5e4`, `0xff`, `10n`.
pub(crate) fn number_value(lit: &str) -> Option<f64> {
    let s: String = lit.chars().filter(|&c| c != '_').collect();
    let s = s.strip_suffix('n').unwrap_or(&s);
    let radix = |p: &str, r: u32| {
        s.strip_prefix(p)
            .or_else(|| s.strip_prefix(&p.to_ascii_uppercase()))
            .map(|d| u64::from_str_radix(d, r).ok().map(|v| v as f64))
    };
    if let Some(v) = radix("0x", 16)
        .or_else(|| radix("0o", 8))
        .or_else(|| radix("0b", 2))
    {
        return v;
    }
    if s.starts_with('.') || s.ends_with('.') && s.len() > 1 {
        return format!("0{s}0")
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite());
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The value of a string literal token (quotes included): simple escapes
/// decoded; `None` for escapes keepalign does not decode.
pub(crate) fn string_value(lit: &str) -> Option<String> {
    let inner = lit.get(1..lit.len().checked_sub(1)?)?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            c @ ('\'' | '"' | '\\' | '`' | '/') => out.push(c),
            _ => return None,
        }
    }
    Some(out)
}

/// A file's code, tokenized, with the questions keepalign asks of it.
pub(crate) struct Code<'a> {
    pub text: &'a str,
    pub tokens: Vec<Token>,
}

/// Where a keep-alive timeout is set in code.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Setter {
    /// `server.keepAliveTimeout =` or `keepAliveTimeout:` (in what call).
    pub how: String,
    /// The tokens of the value expression (indexes into `Code::tokens`).
    pub value: Range<usize>,
    /// The byte span to point at: the value, or the name when there is none.
    pub span: Range<usize>,
    /// Why this is not a plain setting of the server's keep-alive
    /// (a compound assignment, an object not passed to a server), if so.
    pub doubt: Option<String>,
}

/// What a file imports: relative specifiers (followed) and bare packages.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Imports {
    /// `./app`, `../lib/server.js`, with the span of the string.
    pub relative: Vec<(String, Range<usize>)>,
    /// `fastify`, `@nestjs/platform-fastify`, with the span of the string.
    pub packages: Vec<(String, Range<usize>)>,
}

/// Calls whose options object configures an HTTP server's keep-alive.
const SERVER_CALLS: &[&str] = &[
    "createServer",
    "createSecureServer",
    "Server",
    "fastify",
    "Fastify",
    "FastifyAdapter",
    "assign",
];

/// Calls whose options object configures an HTTP client (undici's
/// `Agent({ keepAliveTimeout })`): not the server's keep-alive.
const CLIENT_CALLS: &[&str] = &[
    "Agent",
    "Pool",
    "Client",
    "BalancedPool",
    "ProxyAgent",
    "RetryAgent",
    "EnvHttpProxyAgent",
    "setGlobalDispatcher",
    "request",
    "fetch",
    "stream",
    "got",
    "extend",
    "axios",
    "create",
    "HttpAgent",
    "HttpsAgent",
    "connect",
];

/// TypeScript type names: `keepAliveTimeout: number` is a declaration.
const TYPES: &[&str] = &["number", "Number", "string", "any", "unknown", "bigint"];

impl<'a> Code<'a> {
    pub fn new(text: &'a str) -> Result<Code<'a>, (String, usize)> {
        Ok(Code {
            text,
            tokens: tokenize(text)?,
        })
    }

    pub fn t(&self, i: usize) -> &'a str {
        self.tokens
            .get(i)
            .map_or("", |t| &self.text[t.span.clone()])
    }

    fn is(&self, i: usize, p: &str) -> bool {
        self.tokens
            .get(i)
            .is_some_and(|t| t.kind != Kind::Str && &self.text[t.span.clone()] == p)
    }

    fn str_at(&self, i: usize) -> Option<String> {
        let t = self.tokens.get(i)?;
        match t.kind {
            Kind::Str | Kind::Template(true) => string_value(&self.text[t.span.clone()]),
            _ => None,
        }
    }

    /// Whether token `i` is the property name `name` (an identifier, or a
    /// quoted key).
    fn named(&self, i: usize, name: &str) -> bool {
        match self.tokens.get(i).map(|t| t.kind) {
            Some(Kind::Ident) => self.t(i) == name,
            Some(Kind::Str) => self.str_at(i).as_deref() == Some(name),
            _ => false,
        }
    }

    /// Every place the property `name` (`keepAliveTimeout`) is set.
    pub fn setters(&self, name: &str) -> Vec<Setter> {
        let mut out = Vec::new();
        // Open brackets: the bracket, and for `(` the callee before it,
        // for `{` the call it is an argument of.
        let mut stack: Vec<(&str, Option<&str>)> = Vec::new();
        for i in 0..self.tokens.len() {
            let kind = self.tokens[i].kind;
            let text = self.t(i);
            if kind == Kind::Punct {
                match text {
                    "(" | "[" => {
                        let callee = (i > 0 && self.tokens[i - 1].kind == Kind::Ident)
                            .then(|| self.t(i - 1));
                        stack.push((text, callee));
                    }
                    "{" => {
                        let arg = i > 0 && (self.is(i - 1, "(") || self.is(i - 1, ","));
                        let call = match stack.last() {
                            Some(("(", callee)) if arg => *callee,
                            _ => None,
                        };
                        stack.push(("{", call));
                    }
                    ")" | "]" | "}" => {
                        stack.pop();
                    }
                    _ => {}
                }
                continue;
            }
            if !self.named(i, name) {
                continue;
            }
            let prev = i.checked_sub(1).map_or("", |p| self.t(p));
            // `server.keepAliveTimeout = N`, `server?.keepAliveTimeout = N`
            // (invalid but harmless), `server['keepAliveTimeout'] = N`.
            let member = kind == Kind::Ident && matches!(prev, "." | "?.");
            let bracket = kind == Kind::Str && prev == "[" && self.is(i + 1, "]") && i >= 2 && {
                let k = self.tokens[i - 2].kind;
                k == Kind::Ident || self.is(i - 2, ")") || self.is(i - 2, "]")
            };
            if member || bracket {
                let op = if bracket { i + 2 } else { i + 1 };
                let op_text = self.t(op);
                let compound = matches!(
                    op_text,
                    "+=" | "-=" | "*=" | "/=" | "%=" | "**=" | "||=" | "??=" | "&&="
                );
                if self.tokens.get(op).is_some_and(|t| t.kind == Kind::Punct)
                    && (op_text == "=" || compound)
                {
                    let value = op + 1..self.expression_end(op + 1);
                    let object_start = if bracket { i - 2 } else { i.saturating_sub(2) };
                    let object = self.object_before(object_start);
                    out.push(Setter {
                        how: format!("{object}.{name} {op_text}"),
                        span: self
                            .span_of(value.clone())
                            .unwrap_or(self.tokens[i].span.clone()),
                        value,
                        doubt: compound.then(|| {
                            format!("`{op_text}` adds to a value keepalign does not know")
                        }),
                    });
                }
                continue;
            }
            // `{ keepAliveTimeout: N }`, `{ 'keepAliveTimeout': N }`, and the
            // shorthand `{ keepAliveTimeout }` in a server's options.
            let Some(&("{", call)) = stack.last() else {
                continue;
            };
            if !(prev == "{" || prev == ",") {
                continue;
            }
            if self.is(i + 1, ":") {
                let value = i + 2..self.expression_end(i + 2);
                if value.len() == 1 && TYPES.contains(&self.t(value.start)) {
                    continue;
                }
                let doubt = match call {
                    Some(c) if SERVER_CALLS.contains(&c) => None,
                    Some(c) if CLIENT_CALLS.contains(&c) => continue,
                    Some(c) => Some(format!(
                        "it is in the options of `{c}(...)`, which keepalign does not know as a \
                         server"
                    )),
                    None => Some(
                        "it is in an object keepalign cannot tie to the server (not written in \
                         the call that creates it)"
                            .into(),
                    ),
                };
                out.push(Setter {
                    how: match call {
                        Some(c) => format!("{c}({{ {name}: ... }})"),
                        None => format!("{{ {name}: ... }}"),
                    },
                    span: self
                        .span_of(value.clone())
                        .unwrap_or(self.tokens[i].span.clone()),
                    value,
                    doubt,
                });
            } else if (self.is(i + 1, ",") || self.is(i + 1, "}"))
                && kind == Kind::Ident
                && call.is_some_and(|c| SERVER_CALLS.contains(&c))
            {
                out.push(Setter {
                    how: format!("{}({{ {name} }})", call.unwrap_or("")),
                    span: self.tokens[i].span.clone(),
                    value: i..i + 1,
                    doubt: None,
                });
            }
        }
        out
    }

    /// `server` in `server.keepAliveTimeout`, `app.server` in
    /// `app.server.keepAliveTimeout`: the identifiers before `i` (inclusive).
    fn object_before(&self, i: usize) -> String {
        let mut parts = Vec::new();
        let mut j = i;
        loop {
            match self.tokens.get(j).map(|t| t.kind) {
                Some(Kind::Ident) => parts.push(self.t(j)),
                Some(Kind::Punct) if self.is(j, ")") => parts.push("(...)"),
                _ => break,
            }
            if parts.len() >= 4 || j < 2 || !(self.is(j - 1, ".") || self.is(j - 1, "?.")) {
                break;
            }
            j -= 2;
        }
        if self.is(i, ")") && parts.len() == 1 {
            return "(...)".into();
        }
        parts.reverse();
        parts.join(".").replace(".(...)", "(...)")
    }

    /// The byte span from token `r.start` to the end of token `r.end - 1`.
    pub fn span_of(&self, r: Range<usize>) -> Option<Range<usize>> {
        let a = self.tokens.get(r.start)?;
        let b = self.tokens.get(r.end.checked_sub(1)?)?;
        Some(a.span.start..b.span.end)
    }

    /// The end (exclusive token index) of the expression starting at
    /// `start`: a `,` `;` or closing bracket at its depth, or a new
    /// statement on the next line.
    fn expression_end(&self, start: usize) -> usize {
        let mut depth = 0usize;
        let mut i = start;
        while i < self.tokens.len() {
            let t = &self.tokens[i];
            let s = self.t(i);
            if t.kind == Kind::Punct {
                match s {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" if depth == 0 => return i,
                    ")" | "]" | "}" => depth -= 1,
                    "," | ";" if depth == 0 => return i,
                    _ => {}
                }
            } else if depth == 0 && t.nl && i > start {
                // `x = 65000\nserver.headersTimeout = ...`: a value then a
                // name on a new line is a new statement.
                let prev = &self.tokens[i - 1];
                let ends = prev.kind != Kind::Punct || matches!(self.t(i - 1), ")" | "]");
                if ends {
                    return i;
                }
            }
            i += 1;
        }
        i
    }

    /// Relative modules and packages this file requires or imports.
    pub fn imports(&self) -> Imports {
        let mut out = Imports::default();
        let mut add = |spec: String, span: Range<usize>| {
            if spec.starts_with("./") || spec.starts_with("../") || spec == "." || spec == ".." {
                out.relative.push((spec, span));
            } else if !spec.is_empty() && !spec.starts_with('/') && !spec.contains(':') {
                out.packages.push((spec, span));
            } else if spec.starts_with('/') {
                out.relative.push((spec, span));
            }
        };
        let n = self.tokens.len();
        for i in 0..n {
            if self.tokens[i].kind != Kind::Ident {
                continue;
            }
            match self.t(i) {
                // `require('./app')`, `import('./app')`
                "require" | "import" if self.is(i + 1, "(") && self.is(i + 3, ")") => {
                    if let Some(s) = self.str_at(i + 2) {
                        add(s, self.tokens[i + 2].span.clone());
                    }
                }
                // `import './x'`, `import x from './x'`, `export * from './x'`
                "import" | "export" if !(i > 0 && self.is(i - 1, ".")) => {
                    if self.t(i) == "import"
                        && self.tokens.get(i + 1).is_some_and(|t| t.kind == Kind::Str)
                    {
                        if let Some(s) = self.str_at(i + 1) {
                            add(s, self.tokens[i + 1].span.clone());
                        }
                        continue;
                    }
                    for j in i + 1..n.min(i + 256) {
                        if self.is(j, ";") || self.named(j, "import") || self.t(j) == "export" {
                            break;
                        }
                        if self.tokens[j].kind == Kind::Ident
                            && self.t(j) == "from"
                            && self.tokens.get(j + 1).is_some_and(|t| t.kind == Kind::Str)
                        {
                            if let Some(s) = self.str_at(j + 1) {
                                add(s, self.tokens[j + 1].span.clone());
                            }
                            break;
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }
}

/// A value of the tiny expression language keepalign evaluates.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Num(f64),
    Str(String),
    Undefined,
}

impl Value {
    fn truthy(&self) -> bool {
        match self {
            Value::Num(n) => *n != 0.0 && !n.is_nan(),
            Value::Str(s) => !s.is_empty(),
            Value::Undefined => false,
        }
    }

    pub fn number(&self) -> f64 {
        match self {
            Value::Num(n) => *n,
            Value::Str(s) => {
                let t = s.trim();
                if t.is_empty() {
                    0.0
                } else {
                    number_value(t)
                        .filter(|_| !t.contains('_') && !t.ends_with('n'))
                        .unwrap_or(f64::NAN)
                }
            }
            Value::Undefined => f64::NAN,
        }
    }

    fn string(&self) -> String {
        match self {
            Value::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Value::Num(n) => format!("{n}"),
            Value::Str(s) => s.clone(),
            Value::Undefined => "undefined".into(),
        }
    }
}

/// `parseInt` / `parseFloat`: the longest numeric prefix.
fn parse_prefix(s: &str, float: bool) -> f64 {
    let t = s.trim_start();
    let mut end = 0;
    let mut seen_dot = false;
    for (i, c) in t.char_indices() {
        if c.is_ascii_digit() || (i == 0 && (c == '-' || c == '+')) {
            end = i + 1;
        } else if c == '.' && float && !seen_dot {
            seen_dot = true;
            end = i + 1;
        } else {
            break;
        }
    }
    t[..end]
        .trim_end_matches('.')
        .parse::<f64>()
        .map(|v| if float { v } else { v.trunc() })
        .unwrap_or(f64::NAN)
}

/// The environment an expression is evaluated in: `process.env.NAME`.
pub(crate) trait Env {
    /// `Ok(Some(value))`, `Ok(None)` when not set, `Err(why)` when set to
    /// something keepalign cannot know.
    fn var(&self, name: &str) -> Result<Option<String>, String>;
}

/// Evaluates the expression in `tokens[range]`: `Err` says what keepalign
/// could not evaluate. Also returns the environment variables whose value
/// the result came from (the last one that decided it).
pub(crate) fn evaluate(
    code: &Code<'_>,
    range: Range<usize>,
    env: &dyn Env,
) -> Result<(Value, Option<String>), String> {
    let mut e = Eval {
        code,
        pos: range.start,
        end: range.end,
        env,
        depth: 0,
    };
    let v = e.coalesce()?;
    if e.pos != e.end {
        return Err(format!(
            "`{}` is not an expression keepalign evaluates",
            code.t(e.pos)
        ));
    }
    Ok(v)
}

struct Eval<'c, 'a> {
    code: &'c Code<'a>,
    pos: usize,
    end: usize,
    env: &'c dyn Env,
    depth: usize,
}

type Val = (Value, Option<String>);

impl Eval<'_, '_> {
    fn peek(&self) -> &str {
        if self.pos < self.end {
            self.code.t(self.pos)
        } else {
            ""
        }
    }

    fn eat(&mut self, p: &str) -> bool {
        if self.pos < self.end && self.code.is(self.pos, p) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn coalesce(&mut self) -> Result<Val, String> {
        self.depth += 1;
        if self.depth > 64 {
            return Err("the expression is nested too deeply".into());
        }
        let mut left = self.add()?;
        loop {
            if self.eat("??") {
                let right = self.add()?;
                if left.0 == Value::Undefined {
                    left = right;
                }
            } else if self.eat("||") {
                let right = self.add()?;
                if !left.0.truthy() {
                    left = right;
                }
            } else {
                break;
            }
        }
        self.depth -= 1;
        Ok(left)
    }

    fn add(&mut self) -> Result<Val, String> {
        let mut left = self.mul()?;
        loop {
            let op = self.peek();
            if op != "+" && op != "-" {
                break;
            }
            let plus = op == "+";
            self.pos += 1;
            let right = self.mul()?;
            let from = left.1.or(right.1);
            let v = if plus && (matches!(left.0, Value::Str(_)) || matches!(right.0, Value::Str(_)))
            {
                Value::Str(left.0.string() + &right.0.string())
            } else if plus {
                Value::Num(left.0.number() + right.0.number())
            } else {
                Value::Num(left.0.number() - right.0.number())
            };
            left = (v, from);
        }
        Ok(left)
    }

    fn mul(&mut self) -> Result<Val, String> {
        let mut left = self.unary()?;
        loop {
            let op = self.peek().to_string();
            if !matches!(op.as_str(), "*" | "/" | "%" | "**") {
                break;
            }
            self.pos += 1;
            let right = self.unary()?;
            let (a, b) = (left.0.number(), right.0.number());
            let v = match op.as_str() {
                "*" => a * b,
                "/" => a / b,
                "%" => a % b,
                _ => a.powf(b),
            };
            left = (Value::Num(v), left.1.or(right.1));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Val, String> {
        if self.eat("+") {
            let (v, f) = self.unary()?;
            return Ok((Value::Num(v.number()), f));
        }
        if self.eat("-") {
            let (v, f) = self.unary()?;
            return Ok((Value::Num(-v.number()), f));
        }
        let v = self.primary()?;
        // TypeScript: `x as number`, `x!`.
        if self.peek() == "as" {
            self.pos += 1;
            if self.pos < self.end && TYPES.contains(&self.code.t(self.pos)) {
                self.pos += 1;
            } else {
                return Err("a type assertion keepalign does not follow".into());
            }
        }
        self.eat("!");
        Ok(v)
    }

    fn primary(&mut self) -> Result<Val, String> {
        if self.pos >= self.end {
            return Err("the value is missing".into());
        }
        let i = self.pos;
        let tok = &self.code.tokens[i];
        let text = self.code.t(i);
        match tok.kind {
            Kind::Num => {
                self.pos += 1;
                number_value(text)
                    .map(|n| (Value::Num(n), None))
                    .ok_or_else(|| format!("`{text}` is not a number keepalign reads"))
            }
            Kind::Str | Kind::Template(true) => {
                self.pos += 1;
                string_value(text)
                    .map(|s| (Value::Str(s), None))
                    .ok_or_else(|| format!("{text} has escapes keepalign does not read"))
            }
            Kind::Punct if text == "(" => {
                self.pos += 1;
                let v = self.coalesce()?;
                if !self.eat(")") {
                    return Err("a parenthesis keepalign cannot match".into());
                }
                Ok(v)
            }
            Kind::Ident if text == "undefined" => {
                self.pos += 1;
                Ok((Value::Undefined, None))
            }
            Kind::Ident if text == "process" => {
                // process.env.NAME, process.env['NAME']
                self.pos += 1;
                if !(self.eat(".") && self.peek() == "env") {
                    return Err("`process` other than `process.env.NAME`".into());
                }
                self.pos += 1;
                let name = if self.eat(".") || self.eat("?.") {
                    let n = self.peek().to_string();
                    self.pos += 1;
                    n
                } else if self.eat("[") {
                    let n = self
                        .code
                        .str_at(self.pos)
                        .ok_or("`process.env[...]` with a computed name")?;
                    self.pos += 1;
                    if !self.eat("]") {
                        return Err("`process.env[...]` keepalign cannot read".into());
                    }
                    n
                } else {
                    return Err("`process.env` as a whole".into());
                };
                match self.env.var(&name)? {
                    Some(v) => Ok((Value::Str(v), Some(name))),
                    None => Ok((Value::Undefined, Some(name))),
                }
            }
            Kind::Ident => {
                // Number(x), parseInt(x, 10), Number.parseInt(x), parseFloat(x)
                let mut name = text.to_string();
                self.pos += 1;
                if matches!(name.as_str(), "Number" | "Math")
                    && self.eat(".")
                    && self.pos < self.end
                {
                    name = format!("{name}.{}", self.peek());
                    self.pos += 1;
                }
                let known = matches!(
                    name.as_str(),
                    "Number"
                        | "parseInt"
                        | "parseFloat"
                        | "Number.parseInt"
                        | "Number.parseFloat"
                        | "Math.max"
                        | "Math.min"
                );
                if !known || !self.eat("(") {
                    return Err(format!(
                        "`{}` is a variable or call keepalign does not evaluate",
                        self.code.t(i)
                    ));
                }
                let mut args = vec![self.coalesce()?];
                while self.eat(",") {
                    if self.peek() == ")" {
                        break;
                    }
                    args.push(self.coalesce()?);
                }
                if !self.eat(")") {
                    return Err(format!("a call of `{name}` keepalign cannot read"));
                }
                let from = args.iter().find_map(|a| a.1.clone());
                let first = &args[0].0;
                let v = match name.as_str() {
                    "Number" => first.number(),
                    "parseInt" | "Number.parseInt" => {
                        if let Some((r, _)) = args.get(1)
                            && r.number() != 10.0
                        {
                            return Err("parseInt with a radix other than 10".into());
                        }
                        parse_prefix(&first.string(), false)
                    }
                    "parseFloat" | "Number.parseFloat" => parse_prefix(&first.string(), true),
                    "Math.max" => args
                        .iter()
                        .map(|a| a.0.number())
                        .fold(f64::NEG_INFINITY, f64::max),
                    _ => args
                        .iter()
                        .map(|a| a.0.number())
                        .fold(f64::INFINITY, f64::min),
                };
                Ok((Value::Num(v), from))
            }
            _ => Err(format!("`{text}` is not an expression keepalign evaluates")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        tokenize(text)
            .unwrap()
            .into_iter()
            .map(|t| (t.kind, &text[t.span]))
            .collect()
    }

    #[test]
    fn strings_comments_templates_and_regexes_are_wholes() {
        let text = "a = 'x = \\'1\\'' // server.keepAliveTimeout = 1\n/* keepAliveTimeout: 2 */ b = /=[/]\\//g; c = d / 2 / e; t = `k ${ {a: `in`}.a } ${x}`; f(x) / 3";
        let toks = kinds(text);
        assert!(toks.contains(&(Kind::Str, "'x = \\'1\\''")));
        assert!(toks.contains(&(Kind::Regex, "/=[/]\\//g")));
        assert!(!toks.iter().any(|(_, t)| t.contains("keepAliveTimeout")));
        // division after a name and after `)`
        assert_eq!(toks.iter().filter(|(k, _)| *k == Kind::Regex).count(), 1);
        assert!(toks.contains(&(Kind::Template(false), "`k ${")));
        assert!(toks.contains(&(Kind::Template(true), "`in`")));
        assert!(toks.contains(&(Kind::Template(false), "} ${")));
        assert!(toks.contains(&(Kind::Template(false), "}`")));
        assert_eq!(toks.last(), Some(&(Kind::Num, "3")));
    }

    #[test]
    fn unterminated_text_is_an_error_with_its_offset() {
        assert_eq!(tokenize("a = 'x\nb").unwrap_err().1, 4);
        assert!(tokenize("/* x").unwrap_err().0.contains("comment"));
        assert!(tokenize("`a ${b").is_err());
        assert!(tokenize("x = /abc\n").is_err());
        // Never panics on odd bytes.
        for s in [
            "\\", "`${`${", "}", "'\\", "é/", "0x", "1e", "#!", "a?.b", "\u{a0}",
        ] {
            let _ = tokenize(s);
        }
    }

    #[test]
    fn numbers_with_separators_exponents_and_radixes() {
        assert_eq!(number_value("65_000"), Some(65000.0));
        assert_eq!(number_value("6.5e4"), Some(65000.0));
        assert_eq!(number_value("0xFF"), Some(255.0));
        assert_eq!(number_value("10n"), Some(10.0));
        assert_eq!(number_value(".5"), Some(0.5));
        assert_eq!(number_value("1_"), None.or(number_value("1_")));
        assert_eq!(number_value("0x"), None);
    }

    fn setters(text: &str) -> Vec<(String, String, Option<String>)> {
        let code = Code::new(text).unwrap();
        code.setters("keepAliveTimeout")
            .into_iter()
            .map(|s| (s.how, text[s.span].to_string(), s.doubt))
            .collect()
    }

    #[test]
    fn assignments_and_server_options_are_found() {
        let found = setters(
            "const server = app.listen(3000);\n\
             server.keepAliveTimeout = 65_000;\n\
             server.headersTimeout = 66000\n\
             if (server.keepAliveTimeout === 5) {}\n\
             console.log(server.keepAliveTimeout);\n\
             const s2 = http.createServer({ keepAliveTimeout: 61 * 1000, requestTimeout: 0 }, app);\n\
             const f = Fastify({ logger: true, 'keepAliveTimeout': 70000 })\n\
             const agent = new Agent({ keepAliveTimeout: 4000 });\n\
             const opts = { keepAliveTimeout: 75000 };\n\
             interface Options { keepAliveTimeout: number }\n\
             app.server['keepAliveTimeout'] = KA\n\
             server.keepAliveTimeout += 1000;\n\
             http.createServer({ keepAliveTimeout }, app);\n",
        );
        assert_eq!(
            found,
            vec![
                ("server.keepAliveTimeout =".into(), "65_000".into(), None),
                (
                    "createServer({ keepAliveTimeout: ... })".into(),
                    "61 * 1000".into(),
                    None
                ),
                (
                    "Fastify({ keepAliveTimeout: ... })".into(),
                    "70000".into(),
                    None
                ),
                (
                    "{ keepAliveTimeout: ... }".into(),
                    "75000".into(),
                    Some(
                        "it is in an object keepalign cannot tie to the server (not written in \
                         the call that creates it)"
                            .into()
                    )
                ),
                ("app.server.keepAliveTimeout =".into(), "KA".into(), None),
                (
                    "server.keepAliveTimeout +=".into(),
                    "1000".into(),
                    Some("`+=` adds to a value keepalign does not know".into())
                ),
                (
                    "createServer({ keepAliveTimeout })".into(),
                    "keepAliveTimeout".into(),
                    None
                ),
            ]
        );
    }

    #[test]
    fn a_value_without_semicolon_ends_at_the_line() {
        let found = setters("server.keepAliveTimeout = 65000\nserver.headersTimeout = 66000\n");
        assert_eq!(found[0].1, "65000");
        let found = setters("server.keepAliveTimeout = Number(\n  process.env.KA\n) ||\n 65000\n");
        assert_eq!(found[0].1, "Number(\n  process.env.KA\n) ||\n 65000");
    }

    #[test]
    fn imports_relative_and_packages() {
        let code = Code::new(
            "const app = require('./app');\nimport x, { y } from \"../lib/server.js\";\nimport './side';\n\
             export * from './reexport';\nconst f = require('fastify');\nimport Fastify from 'fastify'\n\
             const dyn = await import('./lazy.mjs');\nrequire(name);\nimport type { T } from './types';\n",
        )
        .unwrap();
        let i = code.imports();
        let rel: Vec<&str> = i.relative.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            rel,
            [
                "./app",
                "../lib/server.js",
                "./side",
                "./reexport",
                "./lazy.mjs",
                "./types"
            ]
        );
        let pkgs: Vec<&str> = i.packages.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(pkgs, ["fastify", "fastify"]);
    }

    /// Random text built from JavaScript's tricky pieces: tokenizing,
    /// finding setters and imports, and evaluating never panic.
    #[test]
    fn random_code_never_panics() {
        const PIECES: &[&str] = &[
            "server",
            ".",
            "keepAliveTimeout",
            "=",
            ":",
            "{",
            "}",
            "(",
            ")",
            "[",
            "]",
            ",",
            ";",
            "'",
            "\"",
            "`",
            "${",
            "/",
            "//",
            "/*",
            "*/",
            "\\",
            "\n",
            " ",
            "65_000",
            "0x",
            "1e",
            "process.env.KA",
            "??",
            "||",
            "require",
            "import",
            "from",
            "'./a'",
            "createServer",
            "Number",
            "parseInt",
            "é",
            "😀",
            "#!",
            "?.",
            "as",
            "number",
            "return",
            "*",
            "+",
            "-",
        ];
        let mut random = crate::testing::Random::new(0x9e37_79b9_7f4a_7c15);
        let mut next = move |n: usize| random.below(n);
        for _ in 0..3000 {
            let text: String = (0..next(40)).map(|_| PIECES[next(PIECES.len())]).collect();
            let Ok(code) = Code::new(&text) else {
                continue;
            };
            let _ = code.imports();
            for s in code.setters("keepAliveTimeout") {
                let _ = evaluate(&code, s.value, &Vars(HashMap::new()));
            }
        }
    }

    struct Vars(HashMap<&'static str, Result<&'static str, &'static str>>);
    impl Env for Vars {
        fn var(&self, name: &str) -> Result<Option<String>, String> {
            match self.0.get(name) {
                Some(Ok(v)) => Ok(Some(v.to_string())),
                Some(Err(e)) => Err(e.to_string()),
                None => Ok(None),
            }
        }
    }

    fn eval(
        expr: &str,
        vars: &[(&'static str, Result<&'static str, &'static str>)],
    ) -> Result<Val, String> {
        let text = format!("x.keepAliveTimeout = {expr};");
        let code = Code::new(&text).unwrap();
        let s = code.setters("keepAliveTimeout").remove(0);
        evaluate(&code, s.value, &Vars(vars.iter().cloned().collect()))
    }

    #[test]
    fn expressions_evaluate_with_the_environment() {
        let n = |v: f64| Ok((Value::Num(v), None));
        assert_eq!(eval("65 * 1000", &[]), n(65000.0));
        assert_eq!(eval("(60 + 5) * 1_000", &[]), n(65000.0));
        assert_eq!(eval("65e3", &[]), n(65000.0));
        let env = |v: f64| Ok((Value::Num(v), Some("KA".to_string())));
        // The fallback decides: the value is the code's.
        assert_eq!(eval("Number(process.env.KA ?? 65000)", &[]), n(65000.0));
        assert_eq!(
            eval("Number(process.env.KA ?? 65000)", &[("KA", Ok("70000"))]),
            env(70000.0)
        );
        assert_eq!(
            eval("parseInt(process.env.KA, 10)", &[("KA", Ok("65000ms"))]),
            env(65000.0)
        );
        assert_eq!(
            eval(
                "parseInt(process.env.KA || \"65000\", 10)",
                &[("KA", Ok(""))]
            ),
            n(65000.0)
        );
        assert_eq!(
            eval("Number(process.env['KA']) || 65000", &[]).map(|v| v.0),
            Ok(Value::Num(65000.0))
        );
        assert!(
            eval("Number(process.env.KA)", &[])
                .unwrap()
                .0
                .number()
                .is_nan()
        );
        assert_eq!(
            eval(
                "Number(process.env.KA)",
                &[("KA", Err("var.ka has no value"))]
            ),
            Err("var.ka has no value".into())
        );
        assert!(
            eval("config.keepAlive", &[])
                .unwrap_err()
                .contains("`config`")
        );
        assert!(eval("getTimeout()", &[]).is_err());
        assert!(eval("65000 as number", &[]).is_ok());
        assert!(eval("((((", &[]).is_err());
        let deep = "(".repeat(200) + "1" + &")".repeat(200);
        assert!(eval(&deep, &[]).is_err());
    }
}
