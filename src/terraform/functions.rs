//! The Terraform functions real repositories use around container
//! definitions and timeouts. Unknown arguments give unknown results (with the
//! argument's reason); unsupported functions give an unknown that names them.

use super::eval::{Evaluator, Scope, Src, index, values_equal};
use crate::json;
use crate::model::fmt_secs;
use crate::source::Location;
use crate::value::{Kind, Seg, Text, Val, json_encode, json_to_val, slice_text};
use std::collections::BTreeMap;
use std::sync::Arc;

pub fn call(ev: &Evaluator<'_>, name: &str, args: Vec<Val>, at: Option<Location>) -> Val {
    // A function's work grows with its arguments' elements (`contains`,
    // `distinct` and `join` go through them all).
    let work = args
        .iter()
        .map(|a| crate::budget::size(a) / crate::budget::ELEMENT_BYTES + 1)
        .sum::<u64>();
    if let Err(v) = ev.charge(work, 0, &at) {
        return v;
    }
    let v = call_inner(ev, name, args, at);
    // Terraform's numbers are arbitrary-precision: an infinite or NaN result
    // is a value Terraform would have stopped at with an error.
    match v.kind {
        Kind::Number(n) if !n.is_finite() => Val::error(
            format!("{name}() gives a number out of range"),
            v.at.clone(),
        ),
        _ => v,
    }
}

/// A number argument as a whole number in range, or the error Terraform gives.
pub(super) fn whole(
    name: &str,
    what: &str,
    x: f64,
    max: u64,
    at: &Option<Location>,
) -> Result<u64, Val> {
    crate::budget::whole(x, max)
        .map_err(|why| Val::error(format!("{name}(): the {what} {why}"), at.clone()))
}

fn call_inner(ev: &Evaluator<'_>, name: &str, args: Vec<Val>, at: Option<Location>) -> Val {
    // try/can look at errors; everything else propagates the first unknown.
    match name {
        "try" => {
            for a in &args {
                if !a.is_error() {
                    return a.clone();
                }
            }
            return Val::error("no argument of try() could be evaluated", at);
        }
        "can" => {
            return match args.first() {
                Some(a) if a.is_error() => Val::new(Kind::Bool(false), at),
                Some(Val {
                    kind: Kind::Unknown(_),
                    ..
                }) => args[0].clone(),
                Some(_) => Val::new(Kind::Bool(true), at),
                None => Val::error("can() needs an argument", at),
            };
        }
        "coalesce" => {
            for a in &args {
                match &a.kind {
                    Kind::Null => continue,
                    Kind::Str(t) if t.s.is_empty() => continue,
                    _ => return a.clone(),
                }
            }
            return Val::error("coalesce() found no non-null, non-empty argument", at);
        }
        "jsonencode" => {
            let Some(v) = args.first() else {
                return Val::error("jsonencode() needs an argument", at);
            };
            let mut t = Text::default();
            json_encode(v, &mut t);
            return Val::text(t, at);
        }
        "lookup" => {
            let (Some(m), Some(k)) = (args.first(), args.get(1)) else {
                return Val::error("lookup() needs a map and a key", at);
            };
            let found = index(m, k, at.clone());
            if found.is_error()
                && let Some(d) = args.get(2)
            {
                return d.clone();
            }
            return found;
        }
        "merge" => {
            let mut out = BTreeMap::new();
            for a in &args {
                match &a.kind {
                    Kind::Map(m) => out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone()))),
                    Kind::Null => {}
                    Kind::Unknown(_) => return a.clone(),
                    _ => return Val::error("merge() takes maps or objects", at),
                }
            }
            return Val::map(out, at);
        }
        "tostring" | "tonumber" | "tobool" | "tolist" | "toset" | "tomap" | "sensitive"
        | "nonsensitive" => {
            let Some(v) = args.into_iter().next() else {
                return Val::error(format!("{name}() needs an argument"), at);
            };
            return match name {
                "tostring" => match &v.kind {
                    Kind::Null => v,
                    _ => match v.to_text() {
                        Ok(t) => Val::text(t, v.at.clone()),
                        Err(h) => h,
                    },
                },
                "tonumber" => match &v.kind {
                    Kind::Null => v,
                    _ => match v.to_number() {
                        Ok(n) => Val::new(Kind::Number(n), v.at.clone()),
                        Err(h) => h,
                    },
                },
                "tobool" => match v.to_bool() {
                    Ok(b) => Val::new(Kind::Bool(b), v.at.clone()),
                    Err(h) => h,
                },
                "toset" => match &v.kind {
                    Kind::List(items) => Val::list(distinct(items), v.at.clone()),
                    _ => v,
                },
                _ => v,
            };
        }
        _ => {}
    }
    if let Some(h) = args.iter().find(|a| matches!(a.kind, Kind::Unknown(_))) {
        return h.clone();
    }
    let s = |i: usize| -> Result<Arc<Text>, Val> {
        args.get(i)
            .ok_or_else(|| Val::error(format!("{name}() needs more arguments"), at.clone()))?
            .to_text()
    };
    let n = |i: usize| -> Result<f64, Val> {
        args.get(i)
            .ok_or_else(|| Val::error(format!("{name}() needs more arguments"), at.clone()))?
            .to_number()
    };
    let list = |i: usize| -> Result<Vec<Val>, Val> {
        match args.get(i).map(|a| &a.kind) {
            Some(Kind::List(items)) => Ok(items.to_vec()),
            _ => Err(Val::error(format!("{name}() expects a list"), at.clone())),
        }
    };
    let r: Result<Val, Val> = (|| match name {
        "file" => {
            let path = s(0)?;
            let f = ev.read_file(&path.s, &at)?;
            let mut t = Text::default();
            t.push_str(&f.text, Some(Location::new(&f, 0..f.text.len())));
            Ok(Val::text(t, at.clone()))
        }
        "templatefile" => {
            if ev.in_templatefile.get() {
                return Err(Val::error(
                    "templatefile() cannot be called from inside a template that templatefile() renders (Terraform refuses it too)",
                    at.clone(),
                ));
            }
            let path = s(0)?;
            let f = ev.read_file(&path.s, &at)?;
            let vars = match args.get(1).map(|a| &a.kind) {
                Some(Kind::Map(m)) => BTreeMap::clone(m),
                None => BTreeMap::new(),
                _ => {
                    return Err(Val::error(
                        "templatefile() vars must be an object",
                        at.clone(),
                    ));
                }
            };
            let tpl = ev.file_template(&f).map_err(|(msg, off)| {
                Val::error(
                    format!("template {} does not parse: {msg}", f.display),
                    Some(Location::char_at(&f, off)),
                )
            })?;
            ev.in_templatefile.set(true);
            let v = ev.eval_template(&tpl, &Src::file(&f), &Scope::template(vars), (false, false));
            ev.in_templatefile.set(false);
            Ok(v.with_at(at.clone()))
        }
        "jsondecode" => {
            let t = s(0)?;
            if let Err(reason) = crate::budget::syntax_fits(&t.s) {
                return Err(Val::unknown(format!("jsondecode(): {reason}"), at.clone()));
            }
            match json::parse(&t.s) {
                Ok(node) => Ok(json_to_val(&node, &t)),
                Err(e) => Err(Val::error(
                    format!("jsondecode(): invalid JSON: {}", e.message),
                    t.locate(crate::source::char_at(&t.s, e.offset))
                        .or(at.clone()),
                )),
            }
        }
        "concat" => {
            let mut out = Vec::new();
            for i in 0..args.len() {
                out.extend(list(i)?);
            }
            Ok(Val::list(out, at.clone()))
        }
        "flatten" => {
            fn flat(v: &Val, out: &mut Vec<Val>) {
                match &v.kind {
                    Kind::List(items) => items.iter().for_each(|i| flat(i, out)),
                    _ => out.push(v.clone()),
                }
            }
            let mut out = Vec::new();
            list(0)?.iter().for_each(|i| flat(i, &mut out));
            Ok(Val::list(out, at.clone()))
        }
        "element" => {
            let items = list(0)?;
            if items.is_empty() {
                return Err(Val::error("element() of an empty list", at.clone()));
            }
            let i = whole(name, "index", n(1)?, MAX_INDEX, &at)?;
            Ok(items[(i % items.len() as u64) as usize].clone())
        }
        "length" => Ok(Val::new(
            Kind::Number(match &args.first().map(|a| &a.kind) {
                Some(Kind::List(l)) => l.len() as f64,
                Some(Kind::Map(m)) => m.len() as f64,
                Some(Kind::Str(t)) => t.s.chars().count() as f64,
                _ => {
                    return Err(Val::error(
                        "length() expects a collection or string",
                        at.clone(),
                    ));
                }
            }),
            at.clone(),
        )),
        "keys" | "values" => match args.first().map(|a| &a.kind) {
            Some(Kind::Map(m)) => Ok(Val::list(
                if name == "keys" {
                    m.keys().map(|k| Val::str(k.clone(), None)).collect()
                } else {
                    m.values().cloned().collect()
                },
                at.clone(),
            )),
            _ => Err(Val::error(format!("{name}() expects a map"), at.clone())),
        },
        "join" => {
            let sep = s(0)?;
            let mut out = Text::default();
            let mut first = true;
            for i in 1..args.len() {
                for item in list(i)? {
                    if !first {
                        out.push_text(&sep);
                    }
                    first = false;
                    out.push_text(&*item.to_text()?);
                }
            }
            Ok(Val::text(out, at.clone()))
        }
        "split" => {
            let sep = s(0)?.s.clone();
            let t = s(1)?;
            if sep.is_empty() {
                return Err(Val::error("split() with an empty separator", at.clone()));
            }
            let mut parts = Vec::new();
            let mut start = 0;
            for (i, _) in t.s.match_indices(&sep) {
                parts.push(text_val(slice_text(&t, start..i)));
                start = i + sep.len();
            }
            parts.push(text_val(slice_text(&t, start..t.s.len())));
            Ok(Val::list(parts, at.clone()))
        }
        "format" => format(&s(0)?.s, &args[1..], at.clone()),
        "formatlist" => {
            // Lists are iterated together (all the same length), other
            // arguments repeat; with no list, one element.
            let spec = s(0)?;
            let mut n = None;
            for a in &args[1..] {
                if let Kind::List(l) = &a.kind {
                    if n.is_some_and(|n| n != l.len()) {
                        return Err(Val::error(
                            "formatlist(): the list arguments must all have the same length",
                            at.clone(),
                        ));
                    }
                    n = Some(l.len());
                }
            }
            let mut out = Vec::new();
            for i in 0..n.unwrap_or(1) {
                let row: Vec<Val> = args[1..]
                    .iter()
                    .map(|a| match &a.kind {
                        Kind::List(l) => l[i].clone(),
                        _ => a.clone(),
                    })
                    .collect();
                if let Some(h) = row.iter().find(|a| matches!(a.kind, Kind::Unknown(_))) {
                    out.push(h.clone());
                    continue;
                }
                out.push(format(&spec.s, &row, None)?);
            }
            Ok(Val::list(out, at.clone()))
        }
        "replace" => {
            let t = s(0)?;
            let from = s(1)?.s.clone();
            let to = s(2)?.s.clone();
            if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                // RE2 syntax; `$1` and `${name}` in the replacement, as Go's
                // ReplaceAllString.
                let re = super::stdlib::compile(&from[1..from.len() - 1])
                    .map_err(|why| Val::error(format!("replace(): {why}"), at.clone()))?;
                super::stdlib::charge_match(ev, &re, &t.s, &at)?;
                // Built match by match, the size checked as it grows: a
                // `$1` repeats a group's text, so the result can outgrow
                // the input many times over.
                let mut out = String::new();
                let mut last = 0;
                for c in re.captures_iter(&t.s) {
                    let m = c.get(0).map_or(0..0, |m| m.range());
                    out.push_str(&t.s[last..m.start]);
                    c.expand(&to, &mut out);
                    last = m.end;
                    ev.fits(out.len() as u64, &at)?;
                }
                out.push_str(&t.s[last..]);
                ev.fits(out.len() as u64, &at)?;
                return Ok(map_text(&t, |_| out.clone(), at.clone()));
            }
            let matches = if from.is_empty() {
                t.s.chars().count() as u64 + 1
            } else {
                t.s.matches(from.as_str()).count() as u64
            };
            ev.fits(t.s.len() as u64 + matches * to.len() as u64, &at)?;
            Ok(map_text(&t, |x| x.replace(&from, &to), at.clone()))
        }
        "lower" => Ok(map_text(&*s(0)?, |x| x.to_lowercase(), at.clone())),
        "upper" => Ok(map_text(&*s(0)?, |x| x.to_uppercase(), at.clone())),
        "title" => Ok(map_text(
            &*s(0)?,
            |x| {
                let mut out = String::new();
                let mut up = true;
                for c in x.chars() {
                    out.extend(if up {
                        c.to_uppercase().collect::<Vec<_>>()
                    } else {
                        vec![c]
                    });
                    up = !c.is_alphanumeric();
                }
                out
            },
            at.clone(),
        )),
        "trimspace" | "chomp" | "trim" | "trimprefix" | "trimsuffix" => {
            let t = s(0)?;
            let (a, b) = match name {
                "trimspace" => {
                    let l = t.s.len() - t.s.trim_start().len();
                    (l, t.s.trim_end().len().max(l))
                }
                "chomp" => (0, t.s.trim_end_matches(['\n', '\r']).len()),
                "trimprefix" => {
                    let p = s(1)?.s.clone();
                    (if t.s.starts_with(&p) { p.len() } else { 0 }, t.s.len())
                }
                "trimsuffix" => {
                    let p = s(1)?.s.clone();
                    (
                        0,
                        if t.s.ends_with(&p) {
                            t.s.len() - p.len()
                        } else {
                            t.s.len()
                        },
                    )
                }
                _ => {
                    let cut = s(1)?.s.clone();
                    let l = t.s.len() - t.s.trim_start_matches(|c| cut.contains(c)).len();
                    (l, t.s.trim_end_matches(|c| cut.contains(c)).len().max(l))
                }
            };
            Ok(text_val(slice_text(&t, a..b)))
        }
        "substr" => {
            let t = s(0)?;
            let chars: Vec<(usize, char)> = t.s.char_indices().collect();
            let total = chars.len() as i64;
            let signed = |i: usize, what: &str| -> Result<i64, Val> {
                crate::budget::signed(n(i)?, MAX_INDEX)
                    .map_err(|why| Val::error(format!("substr(): the {what} {why}"), at.clone()))
            };
            // A negative offset counts from the end, one past the end is an
            // empty string; a negative length means the rest.
            let mut off = signed(1, "offset")?;
            if off < 0 {
                off += total;
            }
            if off < 0 {
                return Err(Val::error(
                    "substr(): the offset is before the start of the string",
                    at.clone(),
                ));
            }
            let off = off.min(total);
            let len = signed(2, "length")?;
            let end = if len < 0 {
                total
            } else {
                (off + len).min(total)
            };
            let byte = |i: i64| chars.get(i as usize).map(|c| c.0).unwrap_or(t.s.len());
            Ok(text_val(slice_text(&t, byte(off)..byte(end))))
        }
        "startswith" => Ok(Val::new(
            Kind::Bool(s(0)?.s.starts_with(&s(1)?.s)),
            at.clone(),
        )),
        "endswith" => Ok(Val::new(
            Kind::Bool(s(0)?.s.ends_with(&s(1)?.s)),
            at.clone(),
        )),
        "contains" => {
            let items = list(0)?;
            let v = &args[1];
            Ok(Val::new(
                Kind::Bool(items.iter().any(|i| values_equal(i, v))),
                at.clone(),
            ))
        }
        "distinct" => Ok(Val::list(distinct(&list(0)?), at.clone())),
        "compact" => Ok(Val::list(
            list(0)?
                .into_iter()
                .filter(|v| {
                    !matches!(&v.kind, Kind::Null)
                        && !matches!(&v.kind, Kind::Str(t) if t.s.is_empty())
                })
                .collect(),
            at.clone(),
        )),
        "reverse" => {
            let mut l = list(0)?;
            l.reverse();
            Ok(Val::list(l, at.clone()))
        }
        "sort" => {
            let mut l: Vec<(String, Val)> = list(0)?
                .into_iter()
                .map(|v| v.to_text().map(|t| (t.s.clone(), v)))
                .collect::<Result<_, _>>()?;
            l.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(Val::list(l.into_iter().map(|x| x.1).collect(), at.clone()))
        }
        "one" => {
            let l = list(0)?;
            match l.len() {
                0 => Ok(Val::new(Kind::Null, at.clone())),
                1 => Ok(l[0].clone()),
                _ => Err(Val::error(
                    "one() of a list with more than one element",
                    at.clone(),
                )),
            }
        }
        "coalescelist" => Ok(args
            .iter()
            .find(|a| matches!(&a.kind, Kind::List(l) if !l.is_empty()))
            .cloned()
            .unwrap_or_else(|| Val::list(Vec::new(), at.clone()))),
        "zipmap" => {
            let ks = list(0)?;
            let vs = list(1)?;
            let mut m = BTreeMap::new();
            for (k, v) in ks.iter().zip(vs) {
                m.insert(k.to_text()?.s.clone(), v);
            }
            Ok(Val::map(m, at.clone()))
        }
        "range" => {
            let (start, end, step) = match args.len() {
                1 => (0.0, n(0)?, 1.0),
                2 => (n(0)?, n(1)?, 1.0),
                _ => (n(0)?, n(1)?, n(2)?),
            };
            if step == 0.0 {
                return Err(Val::error("range() with a step of 0", at.clone()));
            }
            // Count the elements first: adding the step one at a time may
            // never reach the end (1e16 + 1 == 1e16 in floating point).
            let count = ((end - start) / step).ceil().max(0.0);
            let count = whole(name, "number of elements", count, MAX_RANGE, &at)?;
            let out = (0..count)
                .map(|i| Val::new(Kind::Number(start + i as f64 * step), None))
                .collect();
            Ok(Val::list(out, at.clone()))
        }
        "max" | "min" | "abs" | "ceil" | "floor" | "sum" => {
            if args.is_empty() {
                return Err(Val::error(
                    format!("{name}() needs an argument"),
                    at.clone(),
                ));
            }
            let nums: Vec<f64> = if name == "sum" {
                list(0)?
                    .iter()
                    .map(|v| v.to_number())
                    .collect::<Result<_, _>>()?
            } else {
                (0..args.len()).map(n).collect::<Result<_, _>>()?
            };
            let x = match name {
                "max" => nums.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
                "min" => nums.iter().cloned().fold(f64::INFINITY, f64::min),
                "abs" => nums.first().copied().unwrap_or(0.0).abs(),
                "ceil" => nums.first().copied().unwrap_or(0.0).ceil(),
                "floor" => nums.first().copied().unwrap_or(0.0).floor(),
                _ => nums.iter().sum(),
            };
            // A single literal keeps its location, e.g. max(var.a, 30).
            Ok(Val::new(Kind::Number(x), at.clone()))
        }
        "basename" | "dirname" | "abspath" | "pathexpand" => {
            let t = s(0)?.s.clone();
            let p = std::path::Path::new(&t);
            let r = match name {
                "basename" => p
                    .file_name()
                    .map(|x| x.to_string_lossy().to_string())
                    .unwrap_or_default(),
                "dirname" => p
                    .parent()
                    .map(|x| x.to_string_lossy().to_string())
                    .unwrap_or_default(),
                _ => t.clone(),
            };
            Ok(Val::str(r, None))
        }
        "fileexists" => {
            let path = s(0)?;
            Ok(Val::new(
                Kind::Bool(ev.read_file(&path.s, &at).is_ok()),
                at.clone(),
            ))
        }
        "indent" => {
            let k = whole(name, "number of spaces", n(0)?, MAX_INDEX, &at)? as usize;
            let t = s(1)?;
            // Check the size before making the string.
            let out = t.s.matches('\n').count() as u64 * k as u64 + t.s.len() as u64;
            ev.fits(out, &at)?;
            Ok(map_text(
                &t,
                |x| x.replace('\n', &format!("\n{}", " ".repeat(k))),
                at.clone(),
            ))
        }
        other => super::stdlib::call(ev, other, &args, &at).unwrap_or_else(|| {
            Err(Val::unknown(
                format!("function {other}() is not supported by keepalign"),
                at.clone(),
            ))
        }),
    })();
    r.unwrap_or_else(|e| e)
}

/// Indexes, offsets and spaces beyond this are not whole numbers an
/// evaluation can use (Terraform converts them to machine integers too).
pub(super) const MAX_INDEX: u64 = 1 << 53;
/// `range()` makes at most this many elements.
pub(super) const MAX_RANGE: u64 = 10_000;
/// `format("%.Nf")`: more digits than a float has are zeros.
const MAX_PRECISION: usize = 1_000;

pub(super) fn text_val(t: Text) -> Val {
    let at = t.locate(0..t.s.len());
    Val::text(t, at)
}

/// The first of each group of equal values (`values_equal`), in one pass:
/// comparing every pair would be quadratic in a `toset` of a large list.
pub(super) fn distinct(items: &[Val]) -> Vec<Val> {
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<Val> = Vec::new();
    for i in items {
        let mut k = String::new();
        // A value with an unknown part equals nothing, not even itself.
        if !equality_key(i, &mut k) || seen.insert(k) {
            out.push(i.clone());
        }
    }
    out
}

/// A string equal for exactly the values `values_equal` finds equal;
/// `false` when the value has an unknown part.
fn equality_key(v: &Val, out: &mut String) -> bool {
    use std::fmt::Write;
    match &v.kind {
        Kind::Null => out.push('n'),
        Kind::Bool(b) => out.push(if *b { 't' } else { 'f' }),
        // -0 equals 0; NaN equals nothing.
        Kind::Number(n) if n.is_nan() => return false,
        Kind::Number(n) => {
            let _ = write!(out, "#{};", (n + 0.0).to_bits());
        }
        Kind::Str(t) => {
            let _ = write!(out, "s{}:{}", t.s.len(), t.s);
        }
        Kind::List(items) => {
            let _ = write!(out, "[{};", items.len());
            for i in items.iter() {
                if !equality_key(i, out) {
                    return false;
                }
            }
        }
        Kind::Map(m) => {
            let _ = write!(out, "{{{};", m.len());
            for (k, i) in m.iter() {
                let _ = write!(out, "{}:{}", k.len(), k);
                if !equality_key(i, out) {
                    return false;
                }
            }
        }
        Kind::Unknown(_) => return false,
    }
    true
}

/// Apply a string transformation, keeping the source map when the length
/// does not change (`lower("ALB")`), else pointing at the whole input.
fn map_text(t: &Text, f: impl Fn(&str) -> String, at: Option<Location>) -> Val {
    let out = f(&t.s);
    if out == t.s {
        return Val::text(t.clone(), at);
    }
    let mut r = Text::default();
    let whole = t.locate(0..t.s.len());
    if out.len() == t.s.len() && !t.has_holes() {
        r.s = out;
        r.segs = t
            .segs
            .iter()
            .map(|s| Seg {
                exact: false,
                ..s.clone()
            })
            .collect();
    } else {
        r.push_str(&out, whole.clone());
        r.holes = t.holes.clone();
    }
    Val::text(r, at.or(whole))
}

fn format(spec: &str, args: &[Val], at: Option<Location>) -> Result<Val, Val> {
    let mut out = Text::default();
    let mut chars = spec.char_indices().peekable();
    let mut next = 0;
    let mut lit_start = 0;
    while let Some((i, c)) = chars.next() {
        if c != '%' {
            continue;
        }
        out.push_str(&spec[lit_start..i], None);
        let mut verb_end = i + 1;
        let mut precision = None;
        // %[flags][width][.precision]verb
        while let Some(&(j, d)) = chars.peek() {
            if d.is_ascii_digit() || d == '.' || d == '-' || d == '+' || d == '#' || d == ' ' {
                chars.next();
                verb_end = j + 1;
            } else {
                break;
            }
        }
        let mods = &spec[i + 1..verb_end];
        if let Some(p) = mods.split('.').nth(1) {
            precision = match p.parse::<usize>() {
                Ok(p) if p <= MAX_PRECISION => Some(p),
                Ok(_) | Err(_) if p.is_empty() => None,
                _ => {
                    return Err(Val::error(
                        format!("format(): the precision {p} is larger than {MAX_PRECISION}"),
                        at,
                    ));
                }
            };
        }
        let Some((j, verb)) = chars.next() else { break };
        lit_start = j + verb.len_utf8();
        if verb == '%' {
            out.push_str("%", None);
            continue;
        }
        let Some(arg) = args.get(next) else {
            return Err(Val::error("format() has too few arguments", at));
        };
        next += 1;
        match verb {
            'd' => {
                let n = arg.to_number()?;
                if !n.is_finite() {
                    return Err(Val::error("format(): %d of a number out of range", at));
                }
                // `{:.0}` writes every digit of a large number; `as i64` would saturate.
                out.push_str(&format!("{:.0}", n.trunc() + 0.0), arg.at.clone());
            }
            'f' | 'g' | 'e' => {
                let n = arg.to_number()?;
                let s = match precision {
                    Some(p) => format!("{n:.p$}"),
                    None if verb == 'f' => format!("{n:.6}"),
                    None => fmt_secs(n),
                };
                out.push_str(&s, arg.at.clone());
            }
            'q' => {
                let t = arg.to_text()?;
                out.push_str(
                    &serde_json::to_string(&t.s).unwrap_or_default(),
                    arg.at.clone(),
                );
            }
            't' => out.push_str(&arg.to_bool()?.to_string(), arg.at.clone()),
            _ => {
                let t = match &arg.kind {
                    Kind::List(_) | Kind::Map(_) => {
                        let mut t = Text::default();
                        json_encode(arg, &mut t);
                        Arc::new(t)
                    }
                    _ => arg.to_text()?,
                };
                out.push_text(&t);
            }
        }
    }
    out.push_str(&spec[lit_start.min(spec.len())..], None);
    Ok(Val::text(out, at))
}
