//! More of Terraform's built-in functions: regular expressions, YAML,
//! CIDR arithmetic, encodings, numbers, sets and list shapes. Each follows
//! Terraform's documented behaviour; arguments from input are range-checked
//! and what they make is counted against the evaluation budget.

use super::eval::{Evaluator, Scope, Src, values_equal};
use super::functions::{MAX_INDEX, MAX_RANGE, distinct, text_val, whole};
use crate::source::{Location, SourceFile};
use crate::value::{Kind, Text, Val, slice_text};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Compiled regular expressions may take at most this much memory: a
/// pattern such as `(a{1000}){1000}` is refused rather than built.
const MAX_REGEX_BYTES: usize = 1 << 20;

/// Functions whose result differs between runs or needs secrets: never
/// known before Terraform runs.
pub const IMPURE: &[&str] = &["timestamp", "plantimestamp", "uuid", "bcrypt", "rsadecrypt"];

/// `Some(result)` for the functions this module evaluates, `None` for
/// others. Arguments are known (the caller returns the first unknown).
pub fn call(
    ev: &Evaluator<'_>,
    name: &str,
    args: &[Val],
    at: &Option<Location>,
) -> Option<Result<Val, Val>> {
    let err = |msg: String| Val::error(format!("{name}(): {msg}"), at.clone());
    let arg = |i: usize| -> Result<&Val, Val> {
        args.get(i)
            .ok_or_else(|| Val::error(format!("{name}() needs more arguments"), at.clone()))
    };
    let s = |i: usize| arg(i)?.to_text();
    let n = |i: usize| arg(i)?.to_number();
    let list = |i: usize| -> Result<Vec<Val>, Val> {
        match &arg(i)?.kind {
            Kind::List(items) => Ok(items.to_vec()),
            _ => Err(err("expects a list".into())),
        }
    };
    let num = |x: f64| Ok(Val::new(Kind::Number(x), at.clone()));
    let boolean = |b: bool| Ok(Val::new(Kind::Bool(b), at.clone()));
    let r = match name {
        _ if IMPURE.contains(&name) => Err(Val::unknown(
            format!(
                "{name}() gives a different value each time Terraform runs (or needs a secret), so it is only known then"
            ),
            at.clone(),
        )),
        "regex" | "regexall" => (|| {
            let re = compile(&s(0)?.s).map_err(err)?;
            let t = s(1)?;
            charge_match(ev, &re, &t.s, at)?;
            let all: Vec<Val> = re
                .captures_iter(&t.s)
                .map(|c| captures(&re, &t, &c))
                .collect::<Result<_, _>>()
                .map_err(err)?;
            if name == "regexall" {
                return Ok(Val::list(all, at.clone()));
            }
            all.into_iter()
                .next()
                .map(|v| v.with_at(at.clone()))
                .ok_or_else(|| err("the pattern did not match the string".into()))
        })(),
        "yamldecode" => yamldecode(
            &*match s(0) {
                Ok(t) => t,
                Err(e) => return Some(Err(e)),
            },
            at,
        ),
        "yamlencode" => (|| {
            let v = arg(0)?;
            let mut out = String::new();
            yaml_encode(v, 0, false, &mut out);
            ev.fits(out.len() as u64, at)?;
            Ok(Val::str(out, at.clone()))
        })(),
        "templatestring" => (|| {
            if ev.in_templatefile.get() {
                return Err(err(
                    "cannot be called from inside a template (Terraform refuses it too)".into(),
                ));
            }
            let t = s(0)?;
            let vars = match args.get(1).map(|a| &a.kind) {
                Some(Kind::Map(m)) => BTreeMap::clone(m),
                _ => return Err(err("needs a template and an object of variables".into())),
            };
            crate::budget::syntax_fits(&t.s)
                .map_err(|r| Val::unknown(format!("{name}(): {r}"), at.clone()))?;
            let file = SourceFile::new(PathBuf::from("templatestring()"), t.s.clone());
            let tpl = hcl_edit::parser::parse_template(&file.text)
                .map_err(|e| err(format!("the template does not parse: {}", e.message())))?;
            ev.in_templatefile.set(true);
            let v = ev.eval_template(
                &tpl,
                &Src::file(&file),
                &Scope::template(vars),
                (false, false),
            );
            ev.in_templatefile.set(false);
            Ok(v.with_at(at.clone()))
        })(),
        "cidrsubnet" | "cidrhost" | "cidrnetmask" | "cidrsubnets" => (|| {
            let net = Net::parse(&s(0)?.s).map_err(err)?;
            match name {
                "cidrnetmask" => {
                    if net.bits != 32 {
                        return Err(err("only IPv4 prefixes have a netmask".into()));
                    }
                    Ok(Val::str(net.format(net.mask(net.len)), at.clone()))
                }
                "cidrhost" => {
                    let host_bits = net.bits - net.len;
                    let size = 1u128.checked_shl(host_bits).unwrap_or(0);
                    let max = if host_bits >= 53 {
                        MAX_INDEX
                    } else {
                        (size - 1) as u64
                    };
                    let h = crate::budget::signed(n(1)?, max.max(1))
                        .map_err(|why| err(format!("the host number {why}")))?;
                    if host_bits < 53 && (h >= size as i64 || -h > size as i64) {
                        return Err(err(format!(
                            "prefix of {} bits has no host number {h}",
                            net.len
                        )));
                    }
                    let offset = if h < 0 {
                        size.wrapping_sub((-h) as u128)
                    } else {
                        h as u128
                    };
                    Ok(Val::str(
                        net.format(net.addr.wrapping_add(offset) & net.all()),
                        at.clone(),
                    ))
                }
                "cidrsubnet" => {
                    let new = whole(name, "number of new bits", n(1)?, 128, at)? as u32;
                    let len = net.len + new;
                    if len > net.bits {
                        return Err(err(format!(
                            "a prefix of {} bits plus {new} new bits is longer than the {}-bit address",
                            net.len, net.bits
                        )));
                    }
                    let max = if new >= 53 {
                        MAX_INDEX
                    } else {
                        (1u64 << new) - 1
                    };
                    let num = whole(name, "network number", n(2)?, max, at)? as u128;
                    let addr = net.addr | num.checked_shl(net.bits - len).unwrap_or(0);
                    Ok(Val::str(format!("{}/{len}", net.format(addr)), at.clone()))
                }
                _ => {
                    // Terraform's algorithm: each subnet starts after the
                    // previous one ends, aligned to its own size.
                    let mut out = Vec::new();
                    let first = whole(name, "number of new bits", n(1)?, 128, at)? as u32;
                    let mut current = (net.addr.wrapping_sub(1) & net.all(), net.len + first);
                    current.0 &= net.mask(current.1.min(net.bits));
                    for i in 1..args.len() {
                        let new = whole(name, "number of new bits", n(i)?, 128, at)? as u32;
                        let len = net.len + new;
                        if len > net.bits {
                            return Err(err(format!(
                                "a prefix of {} bits plus {new} new bits is longer than the {}-bit address",
                                net.len, net.bits
                            )));
                        }
                        let last = net.last(current.0, current.1);
                        let block = net.last(last & net.mask(len), len);
                        let next = block.wrapping_add(1) & net.all();
                        let (start, end) = (next, net.last(next, len));
                        let inside = |a: u128| a & net.mask(net.len) == net.addr;
                        if next == 0 && block != 0 || !inside(start) || !inside(end) {
                            return Err(err(format!(
                                "not enough remaining address space for a subnet with a prefix of {len} bits"
                            )));
                        }
                        current = (start, len);
                        out.push(Val::str(format!("{}/{len}", net.format(start)), None));
                    }
                    Ok(Val::list(out, at.clone()))
                }
            }
        })(),
        "strcontains" => (|| boolean(s(0)?.s.contains(s(1)?.s.as_str())))(),
        "strrev" => (|| {
            Ok(Val::str(
                s(0)?.s.chars().rev().collect::<String>(),
                at.clone(),
            ))
        })(),
        "alltrue" | "anytrue" => (|| {
            let bools: Vec<bool> = list(0)?
                .iter()
                .map(|v| v.to_bool())
                .collect::<Result<_, _>>()?;
            boolean(if name == "alltrue" {
                bools.iter().all(|b| *b)
            } else {
                bools.iter().any(|b| *b)
            })
        })(),
        "setunion" | "setintersection" | "setsubtract" => (|| {
            let sets: Vec<Vec<Val>> = (0..args.len()).map(list).collect::<Result<_, _>>()?;
            let Some((first, rest)) = sets.split_first() else {
                return Err(err("needs at least one set".into()));
            };
            let has = |set: &[Val], v: &Val| set.iter().any(|x| values_equal(x, v));
            let out: Vec<Val> = match name {
                "setunion" => sets.concat(),
                "setintersection" => first
                    .iter()
                    .filter(|v| rest.iter().all(|s| has(s, v)))
                    .cloned()
                    .collect(),
                _ => {
                    let other = rest.first().ok_or_else(|| err("needs two sets".into()))?;
                    first.iter().filter(|v| !has(other, v)).cloned().collect()
                }
            };
            Ok(Val::list(set_order(distinct(&out)), at.clone()))
        })(),
        "setproduct" => (|| {
            let sets: Vec<Vec<Val>> = (0..args.len()).map(list).collect::<Result<_, _>>()?;
            if sets.len() < 2 {
                return Err(err("needs at least two sets".into()));
            }
            let count = sets
                .iter()
                .try_fold(1u64, |acc, s| acc.checked_mul(s.len() as u64));
            if count.is_none_or(|c| c > MAX_RANGE) {
                return Err(Val::unknown(
                    format!("{name}() would make more than {MAX_RANGE} elements"),
                    at.clone(),
                ));
            }
            let mut out: Vec<Vec<Val>> = vec![Vec::new()];
            for set in &sets {
                out = out
                    .into_iter()
                    .flat_map(|p| {
                        set.iter()
                            .map(move |v| [p.clone(), vec![v.clone()]].concat())
                    })
                    .collect();
            }
            Ok(Val::list(
                out.into_iter().map(|p| Val::list(p, None)).collect(),
                at.clone(),
            ))
        })(),
        "transpose" => (|| {
            let Kind::Map(m) = &arg(0)?.kind else {
                return Err(err("expects a map of lists of strings".into()));
            };
            let mut out: BTreeMap<String, Vec<Val>> = BTreeMap::new();
            for (k, v) in m.iter() {
                let Kind::List(items) = &v.kind else {
                    return Err(err("expects a map of lists of strings".into()));
                };
                for i in items.iter() {
                    out.entry(i.to_text()?.s.clone())
                        .or_default()
                        .push(Val::str(k.clone(), None));
                }
            }
            Ok(Val::map(
                out.into_iter()
                    .map(|(k, v)| (k, Val::list(v, None)))
                    .collect(),
                at.clone(),
            ))
        })(),
        "matchkeys" => (|| {
            let (values, keys, search) = (list(0)?, list(1)?, list(2)?);
            if values.len() != keys.len() {
                return Err(err(
                    "the values and keys lists must be of the same length".into()
                ));
            }
            let out = values
                .into_iter()
                .zip(keys.iter())
                .filter(|(_, k)| search.iter().any(|s| values_equal(s, k)))
                .map(|(v, _)| v)
                .collect();
            Ok(Val::list(out, at.clone()))
        })(),
        "chunklist" => (|| {
            let l = list(0)?;
            let size = whole(name, "chunk size", n(1)?, MAX_INDEX, at)? as usize;
            // A size of 0 is one chunk of the whole list, as in Terraform.
            let chunks: Vec<Val> = if size == 0 {
                vec![Val::list(l, None)]
            } else {
                l.chunks(size)
                    .map(|c| Val::list(c.to_vec(), None))
                    .collect()
            };
            Ok(Val::list(chunks, at.clone()))
        })(),
        "slice" => (|| {
            let l = list(0)?;
            let start = whole(name, "start index", n(1)?, MAX_INDEX, at)? as usize;
            let end = whole(name, "end index", n(2)?, MAX_INDEX, at)? as usize;
            if start > end || end > l.len() {
                return Err(err(format!(
                    "indexes {start} to {end} are not within a list of {}",
                    l.len()
                )));
            }
            Ok(Val::list(l[start..end].to_vec(), at.clone()))
        })(),
        "index" => (|| {
            let l = list(0)?;
            let v = arg(1)?;
            match l.iter().position(|x| values_equal(x, v)) {
                Some(i) => num(i as f64),
                None => Err(err("the item is not in the list".into())),
            }
        })(),
        "base64encode" => (|| {
            let t = s(0)?;
            // The encoding of a partly unknown string is unknown as a whole.
            if let Some(h) = t.first_hole() {
                return Err(Val::unknown(
                    format!("base64encode(): {}", h.reason),
                    h.at.clone().or(at.clone()),
                ));
            }
            ev.fits(t.s.len() as u64 * 4 / 3 + 4, at)?;
            Ok(Val::str(base64_encode(t.s.as_bytes()), at.clone()))
        })(),
        "base64decode" => (|| {
            let bytes = base64_decode(&s(0)?.s)
                .ok_or_else(|| err("the string is not valid base64".into()))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                err("the decoded bytes are not UTF-8 text (Terraform refuses them too)".into())
            })?;
            Ok(Val::str(text, at.clone()))
        })(),
        // Hashes of a string's UTF-8 bytes (of a file's, for the file*
        // forms), hex or base64 as Terraform writes them. Unknown parts make
        // the hash unknown.
        "md5" | "sha1" | "sha256" | "sha512" | "base64sha256" | "base64sha512" | "filemd5"
        | "filesha1" | "filesha256" | "filesha512" | "filebase64sha256" | "filebase64sha512" => {
            (|| {
                let bytes = match name.strip_prefix("file") {
                    Some(_) => ev.read_file(&s(0)?.s, at)?.text.as_bytes().to_vec(),
                    None => {
                        let t = s(0)?;
                        if let Some(h) = t.first_hole() {
                            return Err(Val::unknown(
                                format!("{name}(): {}", h.reason),
                                h.at.clone().or(at.clone()),
                            ));
                        }
                        t.s.as_bytes().to_vec()
                    }
                };
                let hashed = digest(name.trim_start_matches("file"), &bytes);
                Ok(Val::str(hashed, at.clone()))
            })()
        }
        "filebase64" => (|| {
            let f = ev.read_file(&s(0)?.s, at)?;
            Ok(Val::str(base64_encode(f.text.as_bytes()), at.clone()))
        })(),
        "urlencode" => (|| {
            let t = s(0)?;
            let mut out = String::new();
            for b in t.s.bytes() {
                match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        out.push(b as char)
                    }
                    b' ' => out.push('+'),
                    _ => out.push_str(&format!("%{b:02X}")),
                }
            }
            Ok(Val::str(out, at.clone()))
        })(),
        "parseint" => (|| {
            let t = s(0)?;
            let base = whole(name, "base", n(1)?, 62, at)? as u32;
            if base < 2 {
                return Err(err("the base must be between 2 and 62".into()));
            }
            parse_int(&t.s, base)
                .map(|x| Val::new(Kind::Number(x), at.clone()))
                .ok_or_else(|| err(format!("{:?} is not a whole number in base {base}", t.s)))
        })(),
        "log" => (|| num(n(0)?.ln() / n(1)?.ln()))(),
        "pow" => (|| num(n(0)?.powf(n(1)?)))(),
        "signum" => (|| {
            let x = n(0)?;
            num(if x > 0.0 {
                1.0
            } else if x < 0.0 {
                -1.0
            } else {
                0.0
            })
        })(),
        "ephemeralasnull" => arg(0).cloned(),
        _ => return None,
    };
    Some(r)
}

/// A pattern compiled with RE2's syntax and a bounded size.
pub fn compile(pattern: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(pattern)
        .size_limit(MAX_REGEX_BYTES)
        .dfa_size_limit(MAX_REGEX_BYTES)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => format!(
                "the regular expression compiles to more than {} KiB; simplify it",
                MAX_REGEX_BYTES / 1024
            ),
            other => format!(
                "invalid regular expression: {}",
                first_line(&other.to_string())
            ),
        })
}

fn first_line(s: &str) -> String {
    s.lines().last().unwrap_or(s).trim().to_string()
}

/// Matching is linear in the text, with a factor that grows with the
/// compiled pattern: charge both.
pub fn charge_match(
    ev: &Evaluator<'_>,
    re: &regex::Regex,
    text: &str,
    at: &Option<Location>,
) -> Result<(), Val> {
    let states = re.as_str().len() as u64 / 16 + 1;
    ev.charge(
        (text.len() as u64).saturating_mul(states) / crate::budget::ELEMENT_BYTES + 1,
        0,
        at,
    )
}

/// One match as Terraform's `regex()` gives it: the matched string without
/// groups, a list with unnamed groups, an object with named ones.
fn captures(re: &regex::Regex, t: &Text, c: &regex::Captures<'_>) -> Result<Val, String> {
    let part = |m: Option<regex::Match<'_>>| match m {
        Some(m) => text_val(slice_text(t, m.range())),
        None => Val::null(),
    };
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    if names.is_empty() {
        return Ok(part(c.get(0)));
    }
    let named = names.iter().filter(|n| n.is_some()).count();
    if named == 0 {
        return Ok(Val::list(
            (1..c.len()).map(|i| part(c.get(i))).collect(),
            None,
        ));
    }
    if named != names.len() {
        return Err("a pattern cannot mix named and unnamed capture groups".into());
    }
    Ok(Val::map(
        names
            .iter()
            .flatten()
            .map(|n| (n.to_string(), part(c.name(n))))
            .collect(),
        None,
    ))
}

/// Terraform orders the elements of a set of strings lexically and of
/// numbers numerically; other sets keep their first-seen order here.
fn set_order(mut items: Vec<Val>) -> Vec<Val> {
    if items.iter().all(|v| matches!(v.kind, Kind::Str(_))) {
        items.sort_by(|a, b| a.as_known_str().cmp(&b.as_known_str()));
    } else if items.iter().all(|v| matches!(v.kind, Kind::Number(_))) {
        items.sort_by(|a, b| {
            let (Kind::Number(x), Kind::Number(y)) = (&a.kind, &b.kind) else {
                return std::cmp::Ordering::Equal;
            };
            x.total_cmp(y)
        });
    }
    items
}

/// An IPv4 or IPv6 prefix: its network address, prefix length, and the
/// address width (32 or 128).
struct Net {
    addr: u128,
    len: u32,
    bits: u32,
}

impl Net {
    fn parse(s: &str) -> Result<Net, String> {
        let (ip, len) = s
            .split_once('/')
            .ok_or_else(|| format!("{s:?} is not an address prefix such as \"10.0.0.0/16\""))?;
        let (addr, bits) = if let Ok(a) = ip.parse::<std::net::Ipv4Addr>() {
            (u32::from(a) as u128, 32)
        } else if let Ok(a) = ip.parse::<std::net::Ipv6Addr>() {
            (u128::from(a), 128)
        } else {
            return Err(format!("{ip:?} is not an IP address"));
        };
        let len: u32 = len
            .parse()
            .ok()
            .filter(|l| *l <= bits && !len.starts_with('+'))
            .ok_or_else(|| format!("{len:?} is not a prefix length for a {bits}-bit address"))?;
        let mut n = Net { addr, len, bits };
        n.addr &= n.mask(len);
        Ok(n)
    }

    fn all(&self) -> u128 {
        if self.bits == 128 {
            u128::MAX
        } else {
            (1u128 << self.bits) - 1
        }
    }

    /// The network mask of a prefix of `len` bits.
    fn mask(&self, len: u32) -> u128 {
        let host = self.bits - len.min(self.bits);
        self.all() & !(1u128.checked_shl(host).map_or(u128::MAX, |x| x - 1))
    }

    /// The last address of the block of `len` bits at `addr`.
    fn last(&self, addr: u128, len: u32) -> u128 {
        (addr & self.mask(len)) | (self.all() & !self.mask(len))
    }

    fn format(&self, a: u128) -> String {
        if self.bits == 32 {
            std::net::Ipv4Addr::from(a as u32).to_string()
        } else {
            std::net::Ipv6Addr::from(a).to_string()
        }
    }
}

fn yamldecode(t: &Text, at: &Option<Location>) -> Result<Val, Val> {
    if t.s.trim().is_empty() {
        return Ok(Val::new(Kind::Null, at.clone()));
    }
    crate::budget::syntax_fits(&t.s)
        .map_err(|r| Val::unknown(format!("yamldecode(): {r}"), at.clone()))?;
    // The CloudFormation loader's parser, with its bounds on aliases and
    // nesting; locations in the decoded text map back through `t`.
    let file = SourceFile::new(PathBuf::from("yamldecode.yaml"), t.s.clone());
    let node = crate::cloudformation::tree::parse(&file).map_err(|e| {
        Val::error(
            format!("yamldecode(): {}", e.message),
            t.locate(crate::source::char_at(&t.s, e.offset))
                .or(at.clone()),
        )
    })?;
    Ok(node_val(&node, t))
}

fn node_val(n: &crate::cloudformation::tree::Node, t: &Text) -> Val {
    use crate::cloudformation::tree::NodeKind;
    let at = t.locate(n.at.span.clone());
    match &n.kind {
        NodeKind::Null => Val::new(Kind::Null, at),
        NodeKind::Bool(b) => Val::new(Kind::Bool(*b), at),
        NodeKind::Number(x) => Val::new(Kind::Number(*x), at),
        NodeKind::Str(s, sat) => {
            let mut out = Text::default();
            out.push_str(s, t.locate(sat.span.clone()));
            Val::text(out, at)
        }
        NodeKind::Seq(items) => Val::list(items.iter().map(|i| node_val(i, t)).collect(), at),
        NodeKind::Map(m) => Val::map(
            m.iter()
                .map(|(k, _, v)| (k.clone(), node_val(v, t)))
                .collect(),
            at,
        ),
    }
}

/// YAML as Terraform's `yamlencode` writes it: block style, keys and
/// strings double-quoted, a list under a key not indented.
fn yaml_encode(v: &Val, indent: usize, in_list: bool, out: &mut String) {
    let pad = " ".repeat(indent);
    let scalar = |v: &Val| -> Option<String> {
        Some(match &v.kind {
            Kind::Null => "null".into(),
            Kind::Bool(b) => b.to_string(),
            Kind::Number(x) => crate::model::fmt_secs(*x),
            Kind::Str(t) => serde_json::to_string(&t.s).unwrap_or_default(),
            Kind::List(l) if l.is_empty() => "[]".into(),
            Kind::Map(m) if m.is_empty() => "{}".into(),
            Kind::Unknown(_) => "null".into(),
            _ => return None,
        })
    };
    match &v.kind {
        Kind::List(items) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 || !in_list {
                    out.push_str(&pad);
                }
                out.push_str("- ");
                match scalar(item) {
                    Some(s) => {
                        out.push_str(&s);
                        out.push('\n');
                    }
                    None => yaml_encode(item, indent + 2, true, out),
                }
            }
        }
        Kind::Map(m) if !m.is_empty() => {
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 || !in_list {
                    out.push_str(&pad);
                }
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push(':');
                match (scalar(item), &item.kind) {
                    (Some(s), _) => {
                        out.push(' ');
                        out.push_str(&s);
                        out.push('\n');
                    }
                    (None, Kind::List(_)) => {
                        out.push('\n');
                        yaml_encode(item, indent, false, out);
                    }
                    (None, _) => {
                        out.push('\n');
                        yaml_encode(item, indent + 2, false, out);
                    }
                }
            }
        }
        _ => {
            out.push_str(&scalar(v).unwrap_or_default());
            out.push('\n');
        }
    }
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Standard base64 with padding, as Go's `StdEncoding` (Terraform's).
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.as_bytes();
    if !s.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    for (ci, chunk) in s.chunks(4).enumerate() {
        let last = ci + 1 == s.len() / 4;
        let pads = chunk.iter().rev().take_while(|c| **c == b'=').count();
        if pads > 2 || (pads > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            let v = if i >= 4 - pads {
                0
            } else {
                BASE64.iter().position(|b| b == c)? as u32
            };
            n = n << 6 | v;
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pads]);
    }
    Some(out)
}

/// Go's `big.Int.SetString` digits: for bases up to 36 letters in either
/// case; above, lower case is 10–35 and upper case 36–61.
fn parse_int(s: &str, base: u32) -> Option<f64> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut x = 0f64;
    for c in digits.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 10,
            'A'..='Z' if base <= 36 => c as u32 - 'A' as u32 + 10,
            'A'..='Z' => c as u32 - 'A' as u32 + 36,
            _ => return None,
        };
        if d >= base {
            return None;
        }
        x = x * base as f64 + d as f64;
    }
    Some(if neg { -x } else { x })
}

/// `md5`, `sha1`, `sha256`, `sha512` (lower-case hex) and `base64sha256`,
/// `base64sha512` (standard base64 of the raw digest) of `bytes`.
fn digest(name: &str, bytes: &[u8]) -> String {
    use md5::Digest;
    let raw: Vec<u8> = match name {
        "md5" => md5::Md5::digest(bytes).to_vec(),
        "sha1" => sha1::Sha1::digest(bytes).to_vec(),
        "sha256" | "base64sha256" => sha2::Sha256::digest(bytes).to_vec(),
        _ => sha2::Sha512::digest(bytes).to_vec(),
    };
    if name.starts_with("base64") {
        base64_encode(&raw)
    } else {
        raw.iter().map(|b| format!("{b:02x}")).collect()
    }
}
