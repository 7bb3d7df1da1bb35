//! Values produced by evaluating IaC expressions (Terraform, CloudFormation).
//!
//! Every value remembers where it was written. Strings also carry a source
//! map, so that after `jsonencode`, a template or a `.json.tpl` file, a word
//! deep inside the rendered container definitions still points at the line
//! that wrote it. Unknown parts of a string are *holes* (see `crate::json::HOLE`)
//! so that the rest of a partly known document stays usable.

use crate::json::{HOLE, JsonKind, JsonNode};
use crate::model::fmt_secs;
use crate::source::Location;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

/// A reference to another resource's attribute, e.g. `aws_lb.main.arn`.
#[derive(Clone, Debug, PartialEq)]
pub struct RefTarget {
    pub address: String,
    /// Empty for the resource instance as a whole (`aws_lb_target_group.tg["api"]`,
    /// an element of `values(aws_lb_target_group.tg)`): reading an
    /// attribute of it gives the reference to that attribute.
    pub attribute: String,
    /// The scope the resource lives in when it is not the referring one's
    /// (a CloudFormation export imported from another template).
    pub scope: Option<String>,
}

/// Why a value is not known.
#[derive(Clone, Debug, PartialEq)]
pub struct Hole {
    pub reason: String,
    /// Set when the value is another resource's attribute: unknown as a
    /// value, but a link the linker can follow.
    pub reference: Option<RefTarget>,
    /// An evaluation error (missing key, wrong type) rather than a value
    /// that is only known at apply time. `try()` skips errors.
    pub error: bool,
    /// The value, unknown as it is, is one word: no whitespace, `=` or
    /// line break (a region, an account ID, a stack name). Text around it
    /// keeps its shape: it cannot add a line or an assignment.
    pub word: bool,
    pub at: Option<Location>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Val {
    pub kind: Kind,
    /// Where the value was written (a literal, a tfvars entry, ...).
    pub at: Option<Location>,
    /// How deeply collections nest in it (0 for a scalar): kept at most
    /// `MAX_VALUE_DEPTH`, so code that walks a value recursively cannot
    /// overflow the stack however the value was built.
    depth: u32,
}

/// Collections nest at most this deep in a value (container definitions
/// nest about 6); deeper ones are unknown, naming this limit.
pub const MAX_VALUE_DEPTH: u32 = 64;

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    Number(f64),
    // Collections and strings are shared, not copied: a value is cloned on
    // every use (each reference to a local or variable), so a deep copy
    // would make memory and time grow with how often a value is used.
    Str(Arc<Text>),
    List(Arc<Vec<Val>>),
    /// Objects and maps; Terraform iterates and encodes them in key order.
    Map(Arc<BTreeMap<String, Val>>),
    Unknown(Arc<Hole>),
}

/// A piece of a string mapped back to the source.
#[derive(Clone, Debug, PartialEq)]
pub struct Seg {
    pub range: Range<usize>,
    pub at: Location,
    /// The source text at `at` is exactly `text[range]`, so sub-ranges map too.
    pub exact: bool,
}

/// String contents with a source map and holes for unknown parts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Text {
    pub s: String,
    pub segs: Vec<Seg>,
    pub holes: Vec<Arc<Hole>>,
}

impl Text {
    pub fn plain(s: impl Into<String>) -> Text {
        Text {
            s: s.into(),
            ..Text::default()
        }
    }

    /// Whether the source map is one piece for the whole text: then the
    /// text's own location (`locate(0..len)`) locates any part as well.
    pub fn is_one_piece(&self) -> bool {
        match self.segs.as_slice() {
            [seg] => seg.range == (0..self.s.len()),
            _ => false,
        }
    }

    pub fn has_holes(&self) -> bool {
        !self.holes.is_empty()
    }

    pub fn push_str(&mut self, s: &str, at: Option<Location>) {
        let start = self.s.len();
        self.s.push_str(s);
        if let Some(at) = at {
            let exact = at.snippet() == s;
            self.segs.push(Seg {
                range: start..self.s.len(),
                at,
                exact,
            });
        }
    }

    /// Append a literal whose source is `at`, mapping it line by line when
    /// the literal was dedented (`<<-EOT`) or otherwise differs from the source.
    pub fn push_literal(&mut self, s: &str, at: Option<Location>) {
        let Some(at) = at else {
            self.s.push_str(s);
            return;
        };
        if at.snippet() == s || !s.contains('\n') {
            return self.push_str(s, Some(at));
        }
        let start = self.s.len();
        self.s.push_str(s);
        let src = at.snippet();
        let mut src_pos = 0;
        let mut out_pos = start;
        for line in s.split_inclusive('\n') {
            // Find this (dedented) line at the end of the next source line.
            let rest = &src[src_pos.min(src.len())..];
            let src_line_len = rest.find('\n').map(|i| i + 1).unwrap_or(rest.len());
            // Compare without line ends: the source may end without one.
            let src_line = rest[..src_line_len].trim_end_matches('\n');
            let content = line.trim_end_matches('\n');
            if let Some(offset) = src_line.len().checked_sub(content.len())
                && src_line.ends_with(content)
            {
                let s0 = at.span.start + src_pos + offset;
                self.segs.push(Seg {
                    range: out_pos..out_pos + content.len(),
                    at: Location::new(&at.file, s0..s0 + content.len()),
                    exact: true,
                });
            } else {
                self.segs.push(Seg {
                    range: out_pos..out_pos + line.len(),
                    at: at.clone(),
                    exact: false,
                });
            }
            src_pos += src_line_len;
            out_pos += line.len();
        }
    }

    pub fn push_text(&mut self, other: &Text) {
        let base = self.s.len();
        let hole_base = self.holes.len();
        if other.holes.is_empty() {
            self.s.push_str(&other.s);
        } else {
            // Renumber the other text's holes; this may change its length, so
            // its source map is kept only up to the first hole.
            let mut rest = other.s.as_str();
            while let Some(i) = rest.find(HOLE) {
                self.s.push_str(&rest[..i]);
                let after = &rest[i + 1..];
                let Some(j) = after.find(HOLE) else { break };
                let n: usize = after[..j].parse().unwrap_or(0);
                self.s.push(HOLE);
                self.s.push_str(&(n + hole_base).to_string());
                self.s.push(HOLE);
                rest = &after[j + 1..];
            }
            self.s.push_str(rest);
        }
        let same_len = self.s.len() - base == other.s.len();
        for seg in &other.segs {
            if same_len || !other.s[..seg.range.end].contains(HOLE) {
                self.segs.push(Seg {
                    range: seg.range.start + base..seg.range.end + base,
                    at: seg.at.clone(),
                    exact: seg.exact,
                });
            }
        }
        self.holes.extend(other.holes.iter().cloned());
    }

    pub fn push_hole(&mut self, hole: Arc<Hole>) {
        let start = self.s.len();
        self.s.push(HOLE);
        self.s.push_str(&self.holes.len().to_string());
        self.s.push(HOLE);
        if let Some(at) = &hole.at {
            self.segs.push(Seg {
                range: start..self.s.len(),
                at: at.clone(),
                exact: false,
            });
        }
        self.holes.push(hole);
    }

    /// Where `range` of this text was written, if known.
    pub fn locate(&self, range: Range<usize>) -> Option<Location> {
        // The innermost segment containing the start wins (later segments
        // are nested insertions, so search from the back).
        let seg = self.segs.iter().rev().find(|s| {
            s.range.start <= range.start && range.start < s.range.end.max(s.range.start + 1)
        })?;
        if seg.exact && range.end <= seg.range.end {
            let s = seg.at.span.start + (range.start - seg.range.start);
            let e = seg.at.span.start + (range.end - seg.range.start);
            Some(Location::new(&seg.at.file, s..e))
        } else {
            Some(seg.at.clone())
        }
    }

    /// The holes this text's own unknown parts stand for, in the order they
    /// appear. `holes` may hold more: a slice of a document keeps the
    /// whole list so that its markers keep their numbers, and the reason
    /// of the document's first unknown part is not this slice's.
    pub fn own_holes(&self) -> impl Iterator<Item = &Arc<Hole>> {
        let mut rest = self.s.as_str();
        std::iter::from_fn(move || {
            let i = rest.find(HOLE)?;
            let after = &rest[i + HOLE.len_utf8()..];
            let j = after.find(HOLE)?;
            let n: usize = after[..j].parse().ok()?;
            rest = &after[j + HOLE.len_utf8()..];
            self.holes.get(n)
        })
    }

    /// The first hole of this text's own, if any (see `own_holes`).
    pub fn first_hole(&self) -> Option<&Arc<Hole>> {
        self.own_holes().next()
    }

    /// The first hole in `range`, if any.
    pub fn hole_in(&self, range: Range<usize>) -> Option<&Arc<Hole>> {
        let part = self.s.get(range)?;
        let i = part.find(HOLE)?;
        let after = &part[i + 1..];
        let j = after.find(HOLE)?;
        let n: usize = after[..j].parse().ok()?;
        self.holes.get(n)
    }
}

impl Val {
    pub fn new(kind: Kind, at: Option<Location>) -> Val {
        let depth = match &kind {
            Kind::List(items) => 1 + items.iter().map(|v| v.depth).max().unwrap_or(0),
            Kind::Map(m) => 1 + m.values().map(|v| v.depth).max().unwrap_or(0),
            _ => 0,
        };
        if depth > MAX_VALUE_DEPTH {
            return Val::unknown(
                format!(
                    "not evaluated: the value nests lists and objects more than {MAX_VALUE_DEPTH} deep, keepalign's nesting limit"
                ),
                at,
            );
        }
        Val { kind, at, depth }
    }

    pub fn list(items: Vec<Val>, at: Option<Location>) -> Val {
        Val::new(Kind::List(Arc::new(items)), at)
    }

    pub fn map(entries: BTreeMap<String, Val>, at: Option<Location>) -> Val {
        Val::new(Kind::Map(Arc::new(entries)), at)
    }

    pub fn text(text: impl Into<Arc<Text>>, at: Option<Location>) -> Val {
        Val::new(Kind::Str(text.into()), at)
    }

    pub fn null() -> Val {
        Val::new(Kind::Null, None)
    }

    pub fn str(s: impl Into<String>, at: Option<Location>) -> Val {
        let mut t = Text::default();
        t.push_str(&s.into(), at.clone());
        Val::text(t, at)
    }

    pub fn unknown(reason: impl Into<String>, at: Option<Location>) -> Val {
        Val::new(
            Kind::Unknown(Arc::new(Hole {
                word: false,
                reason: reason.into(),
                reference: None,
                error: false,
                at: at.clone(),
            })),
            at,
        )
    }

    /// Unknown, but one word (see `Hole::word`): a pseudo parameter.
    pub fn unknown_word(reason: impl Into<String>, at: Option<Location>) -> Val {
        Val::new(
            Kind::Unknown(Arc::new(Hole {
                word: true,
                reason: reason.into(),
                reference: None,
                error: false,
                at: at.clone(),
            })),
            at,
        )
    }

    pub fn error(reason: impl Into<String>, at: Option<Location>) -> Val {
        Val::new(
            Kind::Unknown(Arc::new(Hole {
                word: false,
                reason: reason.into(),
                reference: None,
                error: true,
                at: at.clone(),
            })),
            at,
        )
    }

    pub fn reference(
        address: String,
        attribute: String,
        reason: String,
        at: Option<Location>,
    ) -> Val {
        Val::new(
            Kind::Unknown(Arc::new(Hole {
                word: false,
                reason,
                reference: Some(RefTarget {
                    address,
                    attribute,
                    scope: None,
                }),
                error: false,
                at: at.clone(),
            })),
            at,
        )
    }

    pub fn hole(&self) -> Option<&Arc<Hole>> {
        match &self.kind {
            Kind::Unknown(h) => Some(h),
            _ => None,
        }
    }

    pub fn is_error(&self) -> bool {
        self.hole().is_some_and(|h| h.error)
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null)
    }

    pub fn with_at(mut self, at: Option<Location>) -> Val {
        if self.at.is_none() {
            self.at = at;
        }
        self
    }

    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "bool",
            Kind::Number(_) => "number",
            Kind::Str(_) => "string",
            Kind::List(_) => "list",
            Kind::Map(_) => "object",
            Kind::Unknown(_) => "unknown",
        }
    }

    /// String conversion as Terraform does it for templates and `tostring`.
    pub fn to_text(&self) -> Result<Arc<Text>, Val> {
        match &self.kind {
            Kind::Str(t) => Ok(t.clone()),
            Kind::Number(n) => {
                let mut t = Text::default();
                t.push_str(&fmt_secs(*n), self.at.clone());
                Ok(Arc::new(t))
            }
            Kind::Bool(b) => {
                let mut t = Text::default();
                t.push_str(if *b { "true" } else { "false" }, self.at.clone());
                Ok(Arc::new(t))
            }
            Kind::Unknown(_) => Err(self.clone()),
            Kind::Null => Err(Val::error(
                "a null value cannot be used as a string",
                self.at.clone(),
            )),
            Kind::List(_) | Kind::Map(_) => Err(Val::error(
                format!("a {} cannot be used as a string", self.type_name()),
                self.at.clone(),
            )),
        }
    }

    /// The string when it is fully known.
    pub fn as_known_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(t) if !t.has_holes() => Some(&t.s),
            _ => None,
        }
    }

    pub fn to_number(&self) -> Result<f64, Val> {
        match &self.kind {
            Kind::Number(n) => Ok(*n),
            Kind::Str(t) if !t.has_holes() => {
                t.s.trim().parse::<f64>().map_err(|_| {
                    Val::error(format!("\"{}\" is not a number", t.s), self.at.clone())
                })
            }
            Kind::Str(t) => Err(match t.first_hole() {
                Some(h) => Val::new(Kind::Unknown(h.clone()), self.at.clone()),
                None => Val::unknown("a string with an unknown part", self.at.clone()),
            }),
            Kind::Unknown(_) => Err(self.clone()),
            _ => Err(Val::error(
                format!("a {} is not a number", self.type_name()),
                self.at.clone(),
            )),
        }
    }

    pub fn to_bool(&self) -> Result<bool, Val> {
        match &self.kind {
            Kind::Bool(b) => Ok(*b),
            Kind::Str(t) if t.s == "true" => Ok(true),
            Kind::Str(t) if t.s == "false" => Ok(false),
            Kind::Unknown(_) => Err(self.clone()),
            _ => Err(Val::error(
                format!("a {} is not a bool", self.type_name()),
                self.at.clone(),
            )),
        }
    }

    /// (key, value) pairs as `for` expressions and `dynamic` blocks see
    /// them: list index or map key; `None` when the value is not a collection.
    pub fn iteration_pairs(&self) -> Option<Vec<(Val, Val)>> {
        match &self.kind {
            Kind::List(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Val::new(Kind::Number(i as f64), None), v.clone()))
                    .collect(),
            ),
            Kind::Map(m) => Some(
                m.iter()
                    .map(|(k, v)| (Val::str(k.clone(), None), v.clone()))
                    .collect(),
            ),
            _ => None,
        }
    }

    /// The elements of a list, or the values of a map in key order.
    pub fn elements(&self) -> Option<Vec<Val>> {
        match &self.kind {
            Kind::List(items) => Some(items.to_vec()),
            Kind::Map(m) => Some(m.values().cloned().collect()),
            _ => None,
        }
    }
}

/// A sub-range of text with its source map and holes.
pub fn slice_text(t: &Text, range: Range<usize>) -> Text {
    let start = range.start.min(t.s.len());
    let end = range.end.clamp(start, t.s.len());
    let mut out = Text {
        s: t.s.get(start..end).unwrap_or("").to_string(),
        ..Text::default()
    };
    for seg in &t.segs {
        let s = seg.range.start.max(start);
        let e = seg.range.end.min(end);
        if s < e || (s == e && seg.range.start == seg.range.end) {
            let at = if seg.exact {
                let off = s - seg.range.start;
                Location::new(
                    &seg.at.file,
                    seg.at.span.start + off..seg.at.span.start + off + (e - s),
                )
            } else {
                seg.at.clone()
            };
            out.segs.push(Seg {
                range: s - start..e - start,
                at,
                exact: seg.exact,
            });
        }
    }
    if out.s.contains(HOLE) {
        // Keep all holes so marker numbers stay valid.
        out.holes = t.holes.clone();
    }
    out
}

/// `jsonencode`, writing a source map as it goes so that every scalar in the
/// output points at where it was written.
pub fn json_encode(v: &Val, out: &mut Text) {
    match &v.kind {
        Kind::Null => out.push_str("null", None),
        Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }, v.at.clone()),
        Kind::Number(n) => {
            let s = fmt_secs(*n);
            let exact = v.at.as_ref().is_some_and(|a| a.snippet() == s);
            out.push_str(&s, v.at.clone());
            if !exact && let Some(seg) = out.segs.last_mut() {
                seg.exact = false;
            }
        }
        Kind::Str(t) => {
            out.push_str("\"", None);
            // Escape runs between holes; runs that need no escaping keep
            // their exact source map.
            let mut pos = 0;
            while pos < t.s.len() {
                let next_hole = t.s[pos..].find(HOLE).map(|i| pos + i).unwrap_or(t.s.len());
                if next_hole > pos {
                    let run = &t.s[pos..next_hole];
                    let escaped = escape_json(run);
                    if escaped == run {
                        out.push_text(&slice_text(t, pos..next_hole));
                    } else {
                        out.push_str(&escaped, t.locate(pos..next_hole));
                        if let Some(seg) = out.segs.last_mut() {
                            seg.exact = false;
                        }
                    }
                }
                if next_hole >= t.s.len() {
                    break;
                }
                let after = next_hole + 1;
                let end = t.s[after..]
                    .find(HOLE)
                    .map(|i| after + i)
                    .unwrap_or(t.s.len());
                let n: usize = t.s[after..end].parse().unwrap_or(0);
                if let Some(h) = t.holes.get(n) {
                    out.push_hole(h.clone());
                }
                pos = end + 1;
            }
            out.push_str("\"", None);
        }
        Kind::List(items) => {
            // The bracket carries the list's own location, so the encoded
            // list as a whole still points at where it was written.
            out.push_str("[", v.at.clone());
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(",", None);
                }
                json_encode(item, out);
            }
            out.push_str("]", None);
        }
        Kind::Map(m) => {
            out.push_str("{", v.at.clone());
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(",", None);
                }
                out.push_str(
                    &format!("{}:", serde_json::to_string(k).unwrap_or_default()),
                    None,
                );
                json_encode(item, out);
            }
            out.push_str("}", None);
        }
        Kind::Unknown(h) => out.push_hole(h.clone()),
    }
}

fn escape_json(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Terraform escapes these for safe embedding in HTML.
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A parsed JSON document over `text` as a value whose parts point at
/// where they were written.
pub fn json_to_val(node: &JsonNode, text: &Text) -> Val {
    let at = text.locate(node.span.clone());
    match &node.kind {
        JsonKind::Null => Val::new(Kind::Null, at),
        JsonKind::Bool(b) => Val::new(Kind::Bool(*b), at),
        JsonKind::Number(n) => Val::new(Kind::Number(*n), at),
        JsonKind::String { value, raw } => {
            let t = if text.s[raw.clone()] == *value {
                slice_text(text, raw.clone())
            } else {
                // Escaped (`jsonencode` writes `&` as `\u0026`): the whole
                // string maps to its raw span; unknown parts stay unknown.
                let mut t = Text::default();
                t.push_str(value, text.locate(raw.clone()));
                if value.contains(HOLE) {
                    t.holes = text.holes.clone();
                }
                t
            };
            Val::text(t, at)
        }
        JsonKind::Array(items) => {
            Val::list(items.iter().map(|i| json_to_val(i, text)).collect(), at)
        }
        JsonKind::Object(members) => Val::map(
            members
                .iter()
                .map(|m| (m.key.clone(), json_to_val(&m.value, text)))
                .collect(),
            at,
        ),
        JsonKind::Hole(n) => match text.holes.get(*n) {
            Some(h) => Val::new(Kind::Unknown(h.clone()), at),
            None => Val::new(
                Kind::Unknown(Arc::new(Hole {
                    word: false,
                    reason: "unknown value".into(),
                    reference: None,
                    error: true,
                    at: at.clone(),
                })),
                at,
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_parts_of_an_escaped_json_string_stay_unknown() {
        // jsonencode writes `&` as `\u0026`: ["sh", "-c", "migrate && gunicorn --keep-alive ${var.ka}"]
        let mut script = Text::plain("migrate && gunicorn --keep-alive ");
        script.push_hole(Arc::new(Hole {
            word: false,
            reason: "var.ka has no value".into(),
            reference: None,
            error: false,
            at: None,
        }));
        let list = Val::list(vec![Val::text(script, None)], None);
        let mut encoded = Text::default();
        json_encode(&list, &mut encoded);
        assert!(encoded.s.contains("\\u0026"), "{}", encoded.s);
        let node = crate::json::parse(&encoded.s).unwrap();
        let Kind::List(items) = json_to_val(&node, &encoded).kind else {
            panic!("a list")
        };
        let Kind::Str(t) = &items[0].kind else {
            panic!("a string")
        };
        assert!(t.s.starts_with("migrate && gunicorn"), "{}", t.s);
        assert_eq!(t.holes[0].reason, "var.ka has no value");
    }
}
