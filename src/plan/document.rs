//! The resource instances a plan leaves in place, each with its planned
//! values as a source-mapped `Val`.
//!
//! Values come from `resource_changes[].change.after` (with `after_unknown`
//! and `after_sensitive`), else from `planned_values`, else from
//! `prior_state` (a resource the plan does not touch). Terraform omits
//! unknown values from `after` (object attributes) or writes `null` for them
//! (list elements), and marks them `true` in `after_unknown`; here they
//! become unknown values, never absent ones.

use super::address::{Address, Key};
use crate::json::{JsonKind, JsonNode};
use crate::source::{Location, SourceFile};
use crate::value::{Kind, Text, Val};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

pub const UNKNOWN: &str = "known only after apply";
pub const SENSITIVE: &str = "sensitive in the plan";

/// Module nesting followed in `planned_values` / `prior_state`, and the
/// most `module.` steps an address may have: Terraform itself refuses
/// nothing, but no real configuration comes near, and an address of
/// thousands of steps is only there to make the work grow.
pub const MAX_MODULE_DEPTH: usize = 64;

pub struct Entry {
    pub addr: Address,
    /// The canonical address (`module.svc["a"].aws_ecs_service.this[0]`).
    pub address: String,
    /// An object of attribute values.
    pub values: Val,
    /// The resource's entry in the plan (its `address`), where findings
    /// point when there is no configuration to point into.
    pub at: Location,
}

pub struct Document {
    pub entries: Vec<Entry>,
    /// Entries skipped because their address nests modules deeper than
    /// `MAX_MODULE_DEPTH`: how many, and where the first one is.
    pub too_deep: Option<(usize, Location)>,
}

struct Found<'a> {
    node: &'a JsonNode,
    /// Where the entry's module lives, for the 0.12 state addresses that
    /// leave out the instance key.
    module_address: Option<&'a str>,
}

impl Document {
    pub fn read(file: &Arc<SourceFile>, root: &JsonNode) -> Document {
        let mut planned = Vec::new();
        if let Some(m) = root
            .get("planned_values")
            .and_then(|p| p.get("root_module"))
        {
            walk_module(m, None, &mut planned, 0);
        }
        let mut prior = Vec::new();
        if let Some(m) = root
            .get("prior_state")
            .and_then(|p| p.get("values"))
            .and_then(|v| v.get("root_module"))
        {
            walk_module(m, None, &mut prior, 0);
        }
        let changes: Vec<&JsonNode> = match root.get("resource_changes").map(|r| &r.kind) {
            Some(JsonKind::Array(items)) => items
                .iter()
                // A deposed object is an old copy on its way out, not the resource.
                .filter(|c| c.get("deposed").is_none())
                .collect(),
            _ => Vec::new(),
        };

        let mut change_by_address: HashMap<String, &JsonNode> = HashMap::new();
        let mut gone: HashSet<String> = HashSet::new();
        for c in &changes {
            let Some(addr) = entry_address(c, c.get("module_address").and_then(JsonNode::as_str))
            else {
                continue;
            };
            if addr.module.len() > MAX_MODULE_DEPTH {
                continue; // reported below, with the candidates
            }
            let key = addr.to_string();
            if removed(c) {
                gone.insert(key.clone());
            }
            change_by_address.entry(key).or_insert(c);
        }

        let mut doc = Document {
            entries: Vec::new(),
            too_deep: None,
        };
        let mut seen = HashSet::new();
        let conv = Conv { file };
        // planned_values first (the planned state, in Terraform's order),
        // then changes it does not list, then untouched prior state.
        let mut candidates: Vec<(&JsonNode, Option<&str>)> = Vec::new();
        for f in &planned {
            candidates.push((f.node, f.module_address));
        }
        for c in &changes {
            candidates.push((c, c.get("module_address").and_then(JsonNode::as_str)));
        }
        for f in &prior {
            candidates.push((f.node, f.module_address));
        }
        for (node, module_address) in candidates {
            let mode = node
                .get("mode")
                .and_then(JsonNode::as_str)
                .unwrap_or("managed");
            if mode != "managed" {
                continue;
            }
            let Some(addr) = entry_address(node, module_address) else {
                continue;
            };
            if addr.module.len() > MAX_MODULE_DEPTH {
                let at = node.get("address").unwrap_or(node);
                match &mut doc.too_deep {
                    Some((n, _)) => *n += 1,
                    None => doc.too_deep = Some((1, Location::new(file, at.span.clone()))),
                }
                continue;
            }
            let address = addr.to_string();
            if gone.contains(&address) || !seen.insert(address.clone()) {
                continue;
            }
            let change = change_by_address.get(&address).copied();
            let at_node = change.unwrap_or(node);
            let at = Location::new(
                file,
                at_node
                    .get("address")
                    .map(|a| a.span.clone())
                    .unwrap_or(at_node.span.clone()),
            );
            let values = match change.and_then(|c| c.get("change")) {
                Some(ch) if ch.get("after").is_some_and(|a| a.kind != JsonKind::Null) => conv
                    .value(
                        ch.get("after"),
                        ch.get("after_unknown"),
                        ch.get("after_sensitive"),
                        &at,
                    ),
                _ => conv.value(node.get("values"), None, node.get("sensitive_values"), &at),
            };
            let values = match values.kind {
                Kind::Map(_) => values,
                // A resource whose values are all unknown (0.12 leaves out `values`).
                _ => Val::map(BTreeMap::new(), Some(at.clone())),
            };
            doc.entries.push(Entry {
                addr,
                address,
                values,
                at,
            });
        }
        doc
    }
}

/// Deleted (`["delete"]`) or forgotten (`["forget"]`, Terraform 1.7
/// `removed` blocks): gone from the configuration after apply. A
/// replacement (`["delete", "create"]`, `["create", "delete"]`) stays.
fn removed(change: &JsonNode) -> bool {
    let actions: Vec<&str> = match change
        .get("change")
        .and_then(|c| c.get("actions"))
        .map(|a| &a.kind)
    {
        Some(JsonKind::Array(items)) => items.iter().filter_map(JsonNode::as_str).collect(),
        _ => return false,
    };
    !actions.is_empty()
        && !actions.contains(&"create")
        && actions.iter().any(|a| *a == "delete" || *a == "forget")
}

/// The instance address of a resource entry. Terraform 0.12's state output
/// leaves the instance key out of `address` and writes it in `index`.
fn entry_address(node: &JsonNode, module_address: Option<&str>) -> Option<Address> {
    let written = node.get("address").and_then(JsonNode::as_str);
    let index = node.get("index").and_then(Key::from_json);
    if let Some(mut a) = written.and_then(Address::parse) {
        if a.key.is_none() && index.is_some() {
            a.key = index;
        }
        return Some(a);
    }
    // No usable address: build it from its parts.
    let rtype = node.get("type").and_then(JsonNode::as_str)?;
    let name = node.get("name").and_then(JsonNode::as_str)?;
    let prefix = module_address.map(|m| format!("{m}.")).unwrap_or_default();
    let mut a = Address::parse(&format!("{prefix}{rtype}.{name}"))?;
    a.data = node.get("mode").and_then(JsonNode::as_str) == Some("data");
    a.key = index;
    Some(a)
}

fn walk_module<'a>(
    m: &'a JsonNode,
    address: Option<&'a str>,
    out: &mut Vec<Found<'a>>,
    depth: usize,
) {
    if depth > MAX_MODULE_DEPTH {
        return;
    }
    if let Some(JsonKind::Array(items)) = m.get("resources").map(|r| &r.kind) {
        for r in items {
            out.push(Found {
                node: r,
                module_address: address,
            });
        }
    }
    if let Some(JsonKind::Array(children)) = m.get("child_modules").map(|c| &c.kind) {
        for c in children {
            let a = c.get("address").and_then(JsonNode::as_str);
            walk_module(c, a, out, depth + 1);
        }
    }
}

/// Plan JSON to values that point at where the plan wrote them.
pub struct Conv<'f> {
    pub file: &'f Arc<SourceFile>,
}

impl Conv<'_> {
    fn loc(&self, n: &JsonNode) -> Location {
        Location::new(self.file, n.span.clone())
    }

    /// A value from `after` (or `values`), its `after_unknown` marks and its
    /// `after_sensitive` marks, which have the same shape.
    pub fn value(
        &self,
        after: Option<&JsonNode>,
        unknown: Option<&JsonNode>,
        sensitive: Option<&JsonNode>,
        fallback: &Location,
    ) -> Val {
        // Where the plan says it: the value, else its unknown or sensitive mark.
        let at = after
            .or(unknown)
            .or(sensitive)
            .map(|a| self.loc(a))
            .unwrap_or_else(|| fallback.clone());
        if let Some(mark) = sensitive.filter(|s| s.kind == JsonKind::Bool(true)) {
            // Point at the mark, never at the value: a report shows the line
            // it points at, and the plan holds sensitive values in clear.
            return Val::unknown(SENSITIVE, Some(self.loc(mark)));
        }
        if unknown.is_some_and(|u| u.kind == JsonKind::Bool(true)) {
            return Val::unknown(UNKNOWN, Some(at));
        }
        let marks = unknown.map(|u| &u.kind);
        match after.map(|a| (a, &a.kind)) {
            Some((_, JsonKind::Object(members))) => {
                let mut map = BTreeMap::new();
                for m in members {
                    let u = unknown.and_then(|u| u.get(&m.key));
                    let s = sensitive.and_then(|s| s.get(&m.key));
                    map.insert(m.key.clone(), self.value(Some(&m.value), u, s, &at));
                }
                // Attributes that are wholly unknown are left out of `after`.
                if let Some(JsonKind::Object(umembers)) = marks {
                    for m in umembers {
                        if !map.contains_key(&m.key) {
                            let s = sensitive.and_then(|s| s.get(&m.key));
                            let v = self.value(None, Some(&m.value), s, &at);
                            if !v.is_null() {
                                map.insert(m.key.clone(), v);
                            }
                        }
                    }
                }
                Val::map(map, Some(at))
            }
            Some((_, JsonKind::Array(items))) => {
                let umarks: &[JsonNode] = match marks {
                    Some(JsonKind::Array(m)) => m,
                    _ => &[],
                };
                let smarks: &[JsonNode] = match sensitive.map(|s| &s.kind) {
                    Some(JsonKind::Array(m)) => m,
                    _ => &[],
                };
                // Unknown list elements are written as null, marked `true`.
                let n = items.len().max(umarks.len());
                let list = (0..n)
                    .map(|i| self.value(items.get(i), umarks.get(i), smarks.get(i), &at))
                    .collect();
                Val::list(list, Some(at))
            }
            Some((a, _)) => self.scalar(a),
            // Only reached for members listed in `after_unknown` alone.
            None => match marks {
                Some(JsonKind::Object(umembers)) => {
                    let map = umembers
                        .iter()
                        .map(|m| (m.key.clone(), self.value(None, Some(&m.value), None, &at)))
                        .collect();
                    Val::map(map, Some(at))
                }
                Some(JsonKind::Array(umarks)) => {
                    let list = umarks
                        .iter()
                        .map(|m| self.value(None, Some(m), None, &at))
                        .collect();
                    Val::list(list, Some(at))
                }
                _ => Val::null(),
            },
        }
    }

    fn scalar(&self, n: &JsonNode) -> Val {
        let at = Some(self.loc(n));
        match &n.kind {
            JsonKind::Null => Val::new(Kind::Null, at),
            JsonKind::Bool(b) => Val::new(Kind::Bool(*b), at),
            JsonKind::Number(x) => Val::new(Kind::Number(*x), at),
            JsonKind::String { value, raw } => {
                Val::text(string_text(self.file, raw.clone(), value), at)
            }
            // Objects and arrays are handled by `value`; a raw U+0001 byte
            // in the file parses as a placeholder: not a value.
            _ => Val::unknown("not a valid value in the plan", at),
        }
    }
}

/// Strings longer than this, or with more escapes, map to the whole string
/// rather than character by character (source-map lookups are linear).
const MAX_MAPPED_LEN: usize = 256 * 1024;
const MAX_MAPPED_ESCAPES: usize = 4096;

/// A JSON string's contents with a source map into the file: runs without
/// escapes map exactly, each escape maps to its backslash sequence. So a
/// word inside `container_definitions` (a JSON string holding JSON, full of
/// `\"`) points at its own characters in the plan.
pub fn string_text(file: &Arc<SourceFile>, raw: std::ops::Range<usize>, value: &str) -> Text {
    let src = file.text.get(raw.clone()).unwrap_or("");
    let coarse = || {
        let mut t = Text::default();
        t.push_str(value, Some(Location::new(file, raw.clone())));
        t
    };
    if src == value {
        let mut t = Text::default();
        t.push_str(value, Some(Location::new(file, raw.clone())));
        return t;
    }
    if src.len() > MAX_MAPPED_LEN || src.matches('\\').count() > MAX_MAPPED_ESCAPES {
        return coarse();
    }
    let mut t = Text::default();
    let b = src.as_bytes();
    let mut i = 0;
    let mut run = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        if run < i {
            let s = raw.start + run;
            t.push_str(&src[run..i], Some(Location::new(file, s..raw.start + i)));
        }
        let (decoded, len) = match decode_escape(&src[i..]) {
            Some(x) => x,
            None => return coarse(),
        };
        let s = raw.start + i;
        let mut buf = [0u8; 4];
        t.push_str(
            decoded.encode_utf8(&mut buf),
            Some(Location::new(file, s..s + len)),
        );
        i += len;
        run = i;
    }
    if run < b.len() {
        let s = raw.start + run;
        t.push_str(&src[run..], Some(Location::new(file, s..raw.end)));
    }
    // Anything this decoder reads differently from the parser: map coarsely.
    if t.s != value { coarse() } else { t }
}

/// One escape sequence at the start of `s`: the character and its length.
fn decode_escape(s: &str) -> Option<(char, usize)> {
    let b = s.as_bytes();
    let c = match b.get(1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let hi = u32::from_str_radix(s.get(2..6)?, 16).ok()?;
            if (0xD800..0xDC00).contains(&hi) && s.get(6..8) == Some("\\u") {
                let lo = u32::from_str_radix(s.get(8..12)?, 16).ok()?;
                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF);
                return Some((char::from_u32(c).unwrap_or('\u{FFFD}'), 12));
            }
            return Some((char::from_u32(hi).unwrap_or('\u{FFFD}'), 6));
        }
        _ => return None,
    };
    Some((c, 2))
}
