//! A JSON parser that keeps byte spans, for `.tf.json`, container definitions
//! and (later) CloudFormation and plan JSON. serde_json does not expose spans.
//!
//! Nesting is bounded so hostile input cannot overflow the stack. Text may
//! contain *holes*: `\u{1}N\u{1}` markers the Terraform evaluator leaves where a
//! value is unknown, so a partly known document still parses. A hole stands
//! for a whole value, or for part of a string.

use std::collections::HashSet;
use std::ops::Range;

pub const MAX_DEPTH: usize = 200;

/// Marks where an unknown value was interpolated into text.
pub const HOLE: char = '\u{1}';

#[derive(Clone, Debug, PartialEq)]
pub enum JsonKind {
    Null,
    Bool(bool),
    Number(f64),
    /// The decoded string; `raw` is the span of its contents between the quotes.
    String {
        value: String,
        raw: Range<usize>,
    },
    Array(Vec<JsonNode>),
    Object(Vec<JsonMember>),
    /// A hole standing for a whole value: index into the evaluator's holes.
    Hole(usize),
}

#[derive(Clone, Debug, PartialEq)]
pub struct JsonMember {
    pub key: String,
    pub key_span: Range<usize>,
    pub value: JsonNode,
}

#[derive(Clone, Debug, PartialEq)]
pub struct JsonNode {
    pub kind: JsonKind,
    pub span: Range<usize>,
}

impl JsonNode {
    pub fn get(&self, key: &str) -> Option<&JsonNode> {
        match &self.kind {
            // Last duplicate wins, as in most JSON readers.
            JsonKind::Object(members) => members
                .iter()
                .rev()
                .find(|m| m.key == key)
                .map(|m| &m.value),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            JsonKind::String { value, .. } => Some(value),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct JsonError {
    pub message: String,
    pub offset: usize,
}

pub fn parse(text: &str) -> Result<JsonNode, JsonError> {
    parse_with(text, false)
}

/// Like `parse`, but a key repeated in an object is an error, as
/// CloudFormation and cfn-lint treat it.
pub fn parse_strict(text: &str) -> Result<JsonNode, JsonError> {
    parse_with(text, true)
}

fn parse_with(text: &str, strict: bool) -> Result<JsonNode, JsonError> {
    let mut p = Parser {
        src: text.as_bytes(),
        text,
        pos: 0,
        depth: 0,
        strict,
    };
    p.skip_ws();
    let v = p.value()?;
    p.skip_ws();
    if p.pos < p.src.len() {
        return Err(p.err("unexpected text after the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
    strict: bool,
}

impl Parser<'_> {
    fn err(&self, message: &str) -> JsonError {
        JsonError {
            message: message.to_string(),
            offset: self.pos.min(self.src.len()),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b) = self.src.get(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn value(&mut self) -> Result<JsonNode, JsonError> {
        let start = self.pos;
        let kind = match self.src.get(self.pos) {
            None => return Err(self.err("unexpected end of JSON")),
            Some(b'{') => self.nested(Self::object)?,
            Some(b'[') => self.nested(Self::array)?,
            Some(b'"') => self.string()?,
            Some(b't') => self.keyword("true", JsonKind::Bool(true))?,
            Some(b'f') => self.keyword("false", JsonKind::Bool(false))?,
            Some(b'n') => self.keyword("null", JsonKind::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(1) => JsonKind::Hole(self.hole()?),
            Some(_) => return Err(self.err("expected a JSON value")),
        };
        Ok(JsonNode {
            kind,
            span: start..self.pos,
        })
    }

    fn nested(
        &mut self,
        f: fn(&mut Self) -> Result<JsonKind, JsonError>,
    ) -> Result<JsonKind, JsonError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(&format!("JSON nested deeper than {MAX_DEPTH} levels")));
        }
        let r = f(self);
        self.depth -= 1;
        r
    }

    fn hole(&mut self) -> Result<usize, JsonError> {
        let start = self.pos + 1;
        let end = self.text[start..]
            .find(HOLE)
            .map(|e| start + e)
            .ok_or_else(|| self.err("malformed placeholder"))?;
        let n = self.text[start..end]
            .parse()
            .map_err(|_| self.err("malformed placeholder"))?;
        self.pos = end + 1;
        Ok(n)
    }

    fn keyword(&mut self, word: &str, kind: JsonKind) -> Result<JsonKind, JsonError> {
        if self.src[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(kind)
        } else {
            Err(self.err("expected a JSON value"))
        }
    }

    fn number(&mut self) -> Result<JsonKind, JsonError> {
        let start = self.pos;
        while let Some(b) = self.src.get(self.pos) {
            if matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                self.pos += 1;
            } else {
                break;
            }
        }
        self.text[start..self.pos]
            .parse::<f64>()
            .map(JsonKind::Number)
            .map_err(|_| JsonError {
                message: "invalid number".into(),
                offset: start,
            })
    }

    fn string(&mut self) -> Result<JsonKind, JsonError> {
        self.pos += 1; // opening quote
        let start = self.pos;
        let mut value = String::new();
        loop {
            let Some(&b) = self.src.get(self.pos) else {
                return Err(JsonError {
                    message: "unterminated string".into(),
                    offset: start - 1,
                });
            };
            match b {
                b'"' => {
                    let raw = start..self.pos;
                    self.pos += 1;
                    return Ok(JsonKind::String { value, raw });
                }
                b'\\' => {
                    self.pos += 1;
                    let Some(&e) = self.src.get(self.pos) else {
                        return Err(self.err("unterminated escape"));
                    };
                    self.pos += 1;
                    match e {
                        b'"' => value.push('"'),
                        b'\\' => value.push('\\'),
                        b'/' => value.push('/'),
                        b'b' => value.push('\u{8}'),
                        b'f' => value.push('\u{c}'),
                        b'n' => value.push('\n'),
                        b'r' => value.push('\r'),
                        b't' => value.push('\t'),
                        b'u' => {
                            let c = self.unicode_escape()?;
                            value.push(c);
                        }
                        _ => return Err(self.err("invalid escape sequence")),
                    }
                }
                b'\n' => return Err(self.err("newline inside a string")),
                _ => {
                    // Copy a run of plain characters at once (keeps UTF-8 intact).
                    let run_start = self.pos;
                    while let Some(&c) = self.src.get(self.pos) {
                        if c == b'"' || c == b'\\' || c == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                    value.push_str(&self.text[run_start..self.pos]);
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.err("invalid \\u escape"))?;
        let n = u32::from_str_radix(digits, 16).map_err(|_| self.err("invalid \\u escape"))?;
        self.pos += 4;
        Ok(n)
    }

    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let hi = self.hex4()?;
        if (0xD800..0xDC00).contains(&hi) && self.src[self.pos..].starts_with(b"\\u") {
            self.pos += 2;
            let lo = self.hex4()?;
            let c = 0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF);
            return Ok(char::from_u32(c).unwrap_or('\u{FFFD}'));
        }
        Ok(char::from_u32(hi).unwrap_or('\u{FFFD}'))
    }

    fn array(&mut self) -> Result<JsonKind, JsonError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.src.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(JsonKind::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value()?);
            self.skip_ws();
            match self.src.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(JsonKind::Array(items));
                }
                _ => return Err(self.err("expected ',' or ']' in array")),
            }
        }
    }

    fn object(&mut self) -> Result<JsonKind, JsonError> {
        self.pos += 1;
        let mut members = Vec::new();
        // Keys seen so far in strict mode: a hash set keeps duplicate
        // detection linear (comparing with every earlier key is quadratic,
        // minutes for a few hundred thousand keys).
        let mut seen: HashSet<String> = HashSet::new();
        self.skip_ws();
        if self.src.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(JsonKind::Object(members));
        }
        loop {
            self.skip_ws();
            if self.src.get(self.pos) != Some(&b'"') {
                return Err(self.err("expected a string key in object"));
            }
            let key_start = self.pos;
            let JsonKind::String { value: key, .. } = self.string()? else {
                unreachable!("string() returns strings")
            };
            let key_span = key_start..self.pos;
            if self.strict && !seen.insert(key.clone()) {
                return Err(JsonError {
                    message: format!("duplicate key \"{key}\""),
                    offset: key_start,
                });
            }
            self.skip_ws();
            if self.src.get(self.pos) != Some(&b':') {
                return Err(self.err("expected ':' after object key"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value()?;
            members.push(JsonMember {
                key,
                key_span,
                value,
            });
            self.skip_ws();
            match self.src.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(JsonKind::Object(members));
                }
                _ => return Err(self.err("expected ',' or '}' in object")),
            }
        }
    }
}

/// Where the pieces of a decoded string were written, for a string whose
/// contents hold escapes: pairs of (range in the decoded string, range in
/// `raw`, the contents between the quotes). Runs of plain characters are copied as
/// they are; each escape is one piece of its own, since `\"` or `\u00e9`
/// takes more bytes in the file than in the value. Without this a position
/// inside the value drifts by what the escapes before it saved.
pub fn string_pieces(raw: &str) -> Vec<(Range<usize>, Range<usize>)> {
    let mut p = Parser {
        src: raw.as_bytes(),
        text: raw,
        pos: 0,
        depth: 0,
        strict: false,
    };
    let mut out = Vec::new();
    let mut decoded = 0;
    while p.pos < p.src.len() {
        let start = p.pos;
        let len = if p.src[start] == b'\\' {
            p.pos += 2;
            match p.src.get(start + 1) {
                Some(b'u') => match p.unicode_escape() {
                    Ok(c) => c.len_utf8(),
                    Err(_) => break,
                },
                Some(_) => 1,
                None => break,
            }
        } else {
            while p.pos < p.src.len() && p.src[p.pos] != b'\\' {
                p.pos += 1;
            }
            p.pos - start
        };
        out.push((decoded..decoded + len, start..p.pos.min(raw.len())));
        decoded += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_of_values_and_string_contents() {
        let text = r#"{"a": [1, "x\"y"], "b": null}"#;
        let v = parse(text).unwrap();
        let a = v.get("a").unwrap();
        assert_eq!(&text[a.span.clone()], r#"[1, "x\"y"]"#);
        let JsonKind::Array(items) = &a.kind else {
            panic!()
        };
        let JsonKind::String { value, raw } = &items[1].kind else {
            panic!()
        };
        assert_eq!(value, "x\"y");
        assert_eq!(&text[raw.clone()], r#"x\"y"#);
        assert_eq!(v.get("b").unwrap().kind, JsonKind::Null);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = "[".repeat(200_000);
        let e = parse(&text).unwrap_err();
        assert!(e.message.contains("nested deeper"), "{}", e.message);
    }

    #[test]
    fn holes_stand_for_values() {
        let v = parse("{\"stopTimeout\": \u{1}3\u{1}}").unwrap();
        assert_eq!(v.get("stopTimeout").unwrap().kind, JsonKind::Hole(3));
    }

    #[test]
    fn errors_carry_offsets() {
        let e = parse("{\"a\": 1,, }").unwrap_err();
        assert_eq!(e.offset, 8);
        assert!(parse("\"abc").is_err());
        assert!(parse("[1] x").is_err());
        assert_eq!(parse(r#""\ud83d\ude00""#).unwrap().as_str(), Some("😀"));
    }

    #[test]
    fn string_pieces_map_decoded_offsets_to_the_file() {
        let raw = r#"a\"b\u00e9c\ud83d\ude00d"#;
        let JsonKind::String { value, .. } = parse(&format!("\"{raw}\"")).unwrap().kind else {
            panic!()
        };
        let pieces = string_pieces(raw);
        // Every piece covers the decoded value without gaps...
        assert_eq!(pieces.last().unwrap().0.end, value.len());
        // ...and plain runs sit at the same text in the file.
        for (d, r) in &pieces {
            if d.len() == r.len() {
                assert_eq!(&value[d.clone()], &raw[r.clone()]);
            }
        }
        let d = value.find('d').unwrap();
        let (dr, rr) = pieces.iter().find(|(dr, _)| dr.contains(&d)).unwrap();
        assert_eq!(&raw[rr.start + (d - dr.start)..], "d");
    }
}
