//! CloudFormation templates as one spanned tree, from YAML (saphyr, which
//! keeps short-form tags and positions) or JSON. Short forms are normalised to
//! the long form: `!GetAtt A.B` becomes `{"Fn::GetAtt": "A.B"}`, `!Ref X`
//! becomes `{"Ref": "X"}`, so the evaluator sees one shape.

use super::reindent;
use crate::json::{JsonKind, JsonNode};
use crate::source::{Location, SourceFile};
use saphyr::{MarkedYaml, Scalar, YamlData};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct Node {
    pub kind: NodeKind,
    /// The whole node in the source.
    pub at: Location,
    /// For a mapping of many keys: each key's last entry, so that `get` is
    /// not a scan (a `Ref` to each of 60k resources made reading quadratic).
    index: Option<Arc<HashMap<String, usize>>>,
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    Null,
    Bool(bool),
    Number(f64),
    /// A string and where its characters are (inside quotes, after a tag).
    Str(String, Location),
    Seq(Vec<Node>),
    /// Keys in document order, each with its location.
    Map(Vec<(String, Location, Node)>),
}

/// Mappings with more keys than this get an index; smaller ones are
/// scanned, which is quicker than hashing for a handful of keys.
const INDEXED: usize = 16;

impl Node {
    pub fn new(kind: NodeKind, at: Location) -> Node {
        let index = match &kind {
            NodeKind::Map(m) if m.len() > INDEXED => {
                let mut ix = HashMap::with_capacity(m.len());
                for (i, (k, _, _)) in m.iter().enumerate() {
                    // Last duplicate wins, as for small mappings.
                    ix.insert(k.clone(), i);
                }
                Some(Arc::new(ix))
            }
            _ => None,
        };
        Node { kind, at, index }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match (&self.kind, &self.index) {
            (NodeKind::Map(m), Some(ix)) => ix.get(key).and_then(|&i| m.get(i)).map(|(_, _, v)| v),
            (NodeKind::Map(m), None) => {
                m.iter().rev().find(|(k, _, _)| k == key).map(|(_, _, v)| v)
            }
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s, _) => Some(s),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(String, Location, Node)] {
        match &self.kind {
            NodeKind::Map(m) => m,
            _ => &[],
        }
    }

    /// `{"Ref": ...}` / `{"Fn::X": ...}`: the function name and argument.
    pub fn intrinsic(&self) -> Option<(&str, &Node)> {
        match &self.kind {
            NodeKind::Map(m) if m.len() == 1 => {
                let (k, _, v) = &m[0];
                (k == "Ref" || k == "Condition" || k.starts_with("Fn::")).then_some((k.as_str(), v))
            }
            _ => None,
        }
    }
}

#[derive(Debug)]
pub struct ParseError {
    pub message: String,
    pub offset: usize,
}

pub fn parse(file: &Arc<SourceFile>) -> Result<Node, ParseError> {
    let name = file.path.to_string_lossy();
    if name.ends_with(".json") || file.text.trim_start().starts_with('{') {
        let node = crate::json::parse_strict(&file.text).map_err(|e| ParseError {
            message: format!("invalid JSON: {}", e.message),
            offset: e.offset,
        })?;
        return Ok(from_json(&node, file));
    }
    let text = &file.text;
    let error = |message: String, index: usize| ParseError {
        message,
        offset: char_to_byte(text, index),
    };
    let mut reindented = None;
    let docs = match load_checked(text) {
        Ok(docs) => docs,
        Err(Refused::Checked(m, i)) => return Err(error(m, i)),
        // What PyYAML, and so CloudFormation and cfn-lint, accept must
        // not be a parse error: retry with flow collections re-indented.
        Err(Refused::Syntax(e)) => match reindent::reindent(text) {
            Ok(r) => {
                reindented = Some(r);
                Vec::new()
            }
            Err(Some(stuck)) => {
                return Err(error(
                    format!("invalid YAML: {}", stuck.message),
                    stuck.index,
                ));
            }
            Err(None) => {
                return Err(error(
                    format!("invalid YAML: {}", e.info()),
                    e.marker().index(),
                ));
            }
        },
    };
    let docs = match &reindented {
        None => docs,
        Some(r) => load_checked(&r.text).map_err(|refused| match refused {
            Refused::Checked(m, i) => error(m, r.original(i)),
            Refused::Syntax(e) => error(
                format!("invalid YAML: {}", e.info()),
                r.original(e.marker().index()),
            ),
        })?,
    };
    let Some(doc) = docs.first() else {
        return Err(ParseError {
            message: "empty YAML document".into(),
            offset: 0,
        });
    };
    let index = CharIndex::new(text, reindented.as_ref());
    Ok(from_yaml(doc, file, &index, None))
}

/// The most nodes that aliases may stand for in one YAML file. A real
/// template reuses a few small anchors; a "billion laughs" nests aliases of
/// aliases so that a few lines expand to billions of nodes.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// Why a YAML text was not loaded: refused by [`Limits`] (message and
/// character index), or not YAML.
enum Refused {
    Checked(String, usize),
    Syntax(saphyr::ScanError),
}

/// The documents of `text`, refused when nested deeper than the JSON
/// parser allows or when its aliases would expand to more than
/// `MAX_ALIAS_NODES` nodes. saphyr has a budget of its own, but it counts
/// a mapping key as one node whatever it holds, so `? [*a, *a, ...] : v`
/// nested a few levels gets past it. The limits see each event before the
/// loader does, in the one pass that parses the text, so nothing beyond
/// them is ever built.
fn load_checked(text: &str) -> Result<Vec<MarkedYaml<'_>>, Refused> {
    let mut limits = Limits {
        loader: saphyr::YamlLoader::default(),
        sizes: HashMap::new(),
        open: Vec::new(),
        expanded: 0,
        refused: None,
    };
    // Event by event rather than through the parser's `load`, which
    // recurses once per level: a refusal stops the parse before that.
    use saphyr_parser::SpannedEventReceiver;
    for event in saphyr_parser::Parser::new_from_str(text) {
        let (event, span) = event.map_err(Refused::Syntax)?;
        limits.on_event(event, span);
        if let Some((message, index)) = limits.refused {
            return Err(Refused::Checked(message, index));
        }
    }
    if let Some(e) = limits.loader.error() {
        return Err(Refused::Syntax(e.clone()));
    }
    Ok(limits.loader.into_documents())
}

/// The loader behind the limits: every node counts, keys included, with
/// the size of each anchored node remembered.
struct Limits<'i> {
    loader: saphyr::YamlLoader<'i, MarkedYaml<'i>>,
    sizes: HashMap<usize, usize>,
    /// Open sequences and mappings: (anchor id, nodes so far).
    open: Vec<(usize, usize)>,
    expanded: usize,
    refused: Option<(String, usize)>,
}

impl<'i> saphyr_parser::SpannedEventReceiver<'i> for Limits<'i> {
    fn on_event(&mut self, event: saphyr_parser::Event<'i>, span: saphyr_parser::Span) {
        if self.refused.is_some() {
            return;
        }
        match self.check(&event) {
            Ok(()) => self.loader.on_event(event, span),
            Err(message) => self.refused = Some((message, span.start.index())),
        }
    }
}

impl Limits<'_> {
    fn check(&mut self, event: &saphyr_parser::Event<'_>) -> Result<(), String> {
        use saphyr_parser::Event;
        let (anchor, size) = match *event {
            Event::Scalar(_, _, anchor, _) => (anchor, 1),
            Event::Alias(id) => {
                let n = self.sizes.get(&id).copied().unwrap_or(1);
                self.expanded = self.expanded.saturating_add(n);
                if self.expanded > MAX_ALIAS_NODES {
                    return Err(format!(
                        "invalid YAML: aliases would expand to more than {MAX_ALIAS_NODES} nodes (an alias bomb?)"
                    ));
                }
                (0, n)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                // The tree is built and read recursively: bound its depth as
                // the JSON parser does, before anything recurses.
                if self.open.len() >= crate::json::MAX_DEPTH {
                    return Err(format!(
                        "invalid YAML: nested deeper than {} levels",
                        crate::json::MAX_DEPTH
                    ));
                }
                self.open.push((anchor, 1));
                return Ok(());
            }
            Event::SequenceEnd | Event::MappingEnd => match self.open.pop() {
                Some(done) => done,
                None => return Ok(()),
            },
            _ => return Ok(()),
        };
        if anchor > 0 {
            self.sizes.insert(anchor, size);
        }
        if let Some((_, n)) = self.open.last_mut() {
            *n = n.saturating_add(size);
        }
        Ok(())
    }
}

fn from_json(n: &JsonNode, f: &Arc<SourceFile>) -> Node {
    let at = Location::new(f, n.span.clone());
    let kind = match &n.kind {
        JsonKind::Null | JsonKind::Hole(_) => NodeKind::Null,
        JsonKind::Bool(b) => NodeKind::Bool(*b),
        JsonKind::Number(x) => NodeKind::Number(*x),
        JsonKind::String { value, raw } => {
            NodeKind::Str(value.clone(), Location::new(f, raw.clone()))
        }
        JsonKind::Array(items) => NodeKind::Seq(items.iter().map(|i| from_json(i, f)).collect()),
        JsonKind::Object(members) => NodeKind::Map(
            members
                .iter()
                .map(|m| {
                    (
                        m.key.clone(),
                        Location::new(f, m.key_span.clone()),
                        from_json(&m.value, f),
                    )
                })
                .collect(),
        ),
    };
    Node::new(kind, at)
}

/// saphyr positions are in characters (of the re-indented text, if it was);
/// locations are in bytes of the file as written.
struct CharIndex<'r> {
    /// Byte offset of every char, only for non-ASCII text.
    bytes: Option<Vec<usize>>,
    len: usize,
    reindented: Option<&'r reindent::Reindented>,
}

impl<'r> CharIndex<'r> {
    fn new(text: &str, reindented: Option<&'r reindent::Reindented>) -> CharIndex<'r> {
        CharIndex {
            bytes: (!text.is_ascii()).then(|| text.char_indices().map(|(b, _)| b).collect()),
            len: text.len(),
            reindented,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        let char_index = match self.reindented {
            Some(r) => r.original(char_index),
            None => char_index,
        };
        match &self.bytes {
            None => char_index.min(self.len),
            Some(b) => b.get(char_index).copied().unwrap_or(self.len),
        }
    }
}

fn char_to_byte(text: &str, index: usize) -> usize {
    text.char_indices()
        .nth(index)
        .map(|(b, _)| b)
        .unwrap_or(text.len())
}

fn from_yaml(
    n: &MarkedYaml<'_>,
    f: &Arc<SourceFile>,
    idx: &CharIndex,
    outer: Option<&Location>,
) -> Node {
    let start = idx.byte(n.span.start.index());
    let mut end = idx.byte(n.span.end.index());
    // Block nodes end where the next key starts: stop at their last character.
    while end > start
        && f.text
            .as_bytes()
            .get(end - 1)
            .is_some_and(|b| b.is_ascii_whitespace())
    {
        end -= 1;
    }
    let own = Location::new(f, start..end);
    // A tagged scalar's own span is empty; the tag node's span covers `!Tag value`.
    let at = match outer {
        Some(o) if own.span.is_empty() => o.clone(),
        _ => own,
    };
    let kind = match &n.data {
        YamlData::Value(s) => scalar(s, &at),
        YamlData::Representation(s, _, _) => NodeKind::Str(s.to_string(), content_location(s, &at)),
        YamlData::Sequence(items) => {
            NodeKind::Seq(items.iter().map(|i| from_yaml(i, f, idx, None)).collect())
        }
        YamlData::Mapping(m) => NodeKind::Map(
            m.iter()
                .map(|(k, v)| {
                    let key = from_yaml(k, f, idx, None);
                    let name = match &key.kind {
                        NodeKind::Str(s, _) => s.clone(),
                        NodeKind::Number(x) => crate::model::fmt_secs(*x),
                        NodeKind::Bool(b) => b.to_string(),
                        _ => String::new(),
                    };
                    (name, key.at, from_yaml(v, f, idx, None))
                })
                .collect(),
        ),
        YamlData::Tagged(tag, inner) => {
            let inner = from_yaml(inner, f, idx, Some(&at));
            let name = match tag.suffix.as_str() {
                "Ref" => "Ref".to_string(),
                "Condition" => "Condition".to_string(),
                other => format!("Fn::{other}"),
            };
            NodeKind::Map(vec![(name, at.clone(), inner)])
        }
        YamlData::Alias(_) | YamlData::BadValue => NodeKind::Null,
    };
    Node::new(kind, at)
}

fn scalar(s: &Scalar<'_>, at: &Location) -> NodeKind {
    match s {
        Scalar::Null => NodeKind::Null,
        Scalar::Boolean(b) => NodeKind::Bool(*b),
        Scalar::Integer(i) => NodeKind::Number(*i as f64),
        Scalar::FloatingPoint(x) => NodeKind::Number(x.into_inner()),
        Scalar::String(s) => NodeKind::Str(s.to_string(), content_location(s, at)),
    }
}

/// Where a string's characters are: without the quotes of a quoted scalar,
/// after the `!Tag ` of a tagged one; the whole node for block scalars (whose
/// lines are mapped one by one later).
fn content_location(value: &str, at: &Location) -> Location {
    let snippet = at.snippet();
    let mut start = 0;
    let mut s = snippet;
    if s.starts_with('!') {
        let tag_end = s.find(char::is_whitespace).unwrap_or(s.len());
        let rest = &s[tag_end..];
        let trimmed = rest.trim_start();
        start += tag_end + (rest.len() - trimmed.len());
        s = trimmed;
    }
    if s.starts_with('&') {
        // an anchor before the value
        let end = s.find(char::is_whitespace).unwrap_or(s.len());
        let rest = &s[end..];
        let trimmed = rest.trim_start();
        start += end + (rest.len() - trimmed.len());
        s = trimmed;
    }
    if s.starts_with('|') || s.starts_with('>') {
        // Block scalar: the text starts on the line after the header (`|`, `>-`, ...).
        if let Some(nl) = s.find('\n') {
            start += nl + 1;
        }
        return Location::new(&at.file, at.span.start + start..at.span.end);
    }
    let s_trim = s.trim_end();
    if s_trim.len() >= 2
        && (s_trim.starts_with('"') || s_trim.starts_with('\''))
        && s_trim[1..].contains(value)
    {
        let inner = &s_trim[1..s_trim.len() - 1];
        if inner == value {
            return Location::new(
                &at.file,
                at.span.start + start + 1..at.span.start + start + 1 + inner.len(),
            );
        }
    }
    if s_trim == value {
        return Location::new(
            &at.file,
            at.span.start + start..at.span.start + start + value.len(),
        );
    }
    Location::new(&at.file, at.span.start + start..at.span.end)
}
