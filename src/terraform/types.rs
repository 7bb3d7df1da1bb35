//! Variable type constraints (`type = object({ ... })`) and what converting
//! a value to them does: Terraform 1.3+ fills a missing or null attribute
//! declared `optional(T, default)` with its default (or null), recursively,
//! and keeps only the attributes an object type declares. Every
//! terraform-aws-modules module relies on this, so a `merge()` of module
//! defaults with a variable sees the same attributes Terraform does.
//!
//! A type expression keepalign cannot read is no constraint at all: the
//! value is used as given, never made into an error here.

use super::eval::{Evaluator, Scope, Src};
use super::syntax::ExprRef;
use crate::json::JsonKind;
use crate::source::Location;
use crate::value::{Kind, Val};
use hcl_edit::Span;
use hcl_edit::expr::{Expression, ObjectKey};
use std::collections::BTreeMap;

/// Type expressions nest at most this deep; a deeper one is not read (the
/// value is used unconverted). Values nest at most 64 deep anyway, and
/// the HCL parser refuses expressions nested more than 64 deep.
pub const MAX_TYPE_DEPTH: usize = 32;

#[derive(Clone, Debug)]
pub enum Type {
    Any,
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(BTreeMap<String, Attr>),
    Tuple(Vec<Type>),
}

/// An attribute of an object type.
#[derive(Clone, Debug)]
pub struct Attr {
    pub ty: Type,
    /// Declared `optional(...)`: missing or null becomes `default`.
    pub optional: bool,
    /// The default of `optional(T, default)`, evaluated where it is written
    /// (so that a value filled from it points at the literal); `None`
    /// means null.
    pub default: Option<Val>,
    /// Where `optional(...)` is written: the null a missing attribute with
    /// no default becomes points there.
    pub at: Option<Location>,
}

/// The type a variable declares, read from its `type` expression; `None`
/// when there is none or it is not one keepalign reads.
pub fn declared(ev: &Evaluator<'_>, e: ExprRef<'_>) -> Option<Type> {
    match e {
        ExprRef::Hcl(expr, f) => parse(ev, expr, &Src::file(f), 0),
        // In `.tf.json` the type is a string holding the expression.
        ExprRef::Json(node, f) => match &node.kind {
            JsonKind::String { value, raw } => {
                let expr = hcl_edit::parser::parse_expr(value).ok()?;
                let src = super::eval::json_string_src(value, raw, f);
                parse(ev, &expr, &src, 0)
            }
            _ => None,
        },
    }
}

fn parse(ev: &Evaluator<'_>, e: &Expression, src: &Src, depth: usize) -> Option<Type> {
    if depth > MAX_TYPE_DEPTH {
        return None;
    }
    let keyword = |name: &str| match name {
        "string" => Some(Type::String),
        "number" => Some(Type::Number),
        "bool" => Some(Type::Bool),
        "any" => Some(Type::Any),
        // Terraform 0.11 spellings: `list`, `map` of anything.
        "list" => Some(Type::List(Box::new(Type::Any))),
        "set" => Some(Type::Set(Box::new(Type::Any))),
        "map" => Some(Type::Map(Box::new(Type::Any))),
        _ => None,
    };
    match e {
        Expression::Variable(v) => keyword(v.as_str()),
        // `type = "string"` (Terraform 0.11, still accepted).
        Expression::String(s) => keyword(s.value().as_str()),
        Expression::Parenthesis(p) => parse(ev, p.inner(), src, depth + 1),
        Expression::FuncCall(call) => {
            if !call.name.namespace.is_empty() {
                return None;
            }
            let args: Vec<&Expression> = call.args.iter().collect();
            let inner = |i: usize| {
                args.get(i)
                    .and_then(|a| parse(ev, a, src, depth + 1))
                    .map(Box::new)
            };
            match (call.name.name.as_str(), args.len()) {
                ("list", 1) => Some(Type::List(inner(0)?)),
                ("set", 1) => Some(Type::Set(inner(0)?)),
                ("map", 1) => Some(Type::Map(inner(0)?)),
                // Only meaningful on an object attribute; elsewhere
                // Terraform refuses it, and the inner type is the best guess.
                ("optional", 1 | 2) => Some(*inner(0)?),
                ("object", 1) => {
                    let Expression::Object(obj) = args[0] else {
                        return None;
                    };
                    let mut attrs = BTreeMap::new();
                    for (k, v) in obj.iter() {
                        let name = match k {
                            ObjectKey::Ident(id) => id.as_str().to_string(),
                            ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                            ObjectKey::Expression(_) => return None,
                        };
                        attrs.insert(name, attribute(ev, v.expr(), src, depth + 1)?);
                    }
                    Some(Type::Object(attrs))
                }
                ("tuple", 1) => {
                    let Expression::Array(items) = args[0] else {
                        return None;
                    };
                    let mut tys = Vec::with_capacity(items.len());
                    for item in items.iter() {
                        tys.push(parse(ev, item, src, depth + 1)?);
                    }
                    Some(Type::Tuple(tys))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// An object attribute's type: `T`, `optional(T)` or `optional(T, default)`.
fn attribute(ev: &Evaluator<'_>, e: &Expression, src: &Src, depth: usize) -> Option<Attr> {
    if let Expression::FuncCall(call) = e
        && call.name.namespace.is_empty()
        && call.name.name.as_str() == "optional"
    {
        let args: Vec<&Expression> = call.args.iter().collect();
        let ty = parse(ev, args.first()?, src, depth + 1)?;
        let default = match args.as_slice() {
            [_] => None,
            // A constant expression: nothing in scope.
            [_, d] => Some(ev.eval(d, src, &Scope::default())),
            _ => return None,
        };
        return Some(Attr {
            ty,
            optional: true,
            default,
            at: src.loc(e.span()),
        });
    }
    Some(Attr {
        ty: parse(ev, e, src, depth)?,
        optional: false,
        default: None,
        at: None,
    })
}

/// `v` converted to `ty` as Terraform converts a variable's value: object
/// attributes declared optional filled in, undeclared ones dropped,
/// numbers and bools given for strings (and numeric strings for numbers)
/// converted. What cannot be converted is kept as it is; unknown stays
/// unknown. Recursion follows the type, so it is bounded by
/// `MAX_TYPE_DEPTH`; work is charged per element.
pub fn convert(ev: &Evaluator<'_>, v: Val, ty: &Type) -> Val {
    if matches!(ty, Type::Any) {
        return v;
    }
    if let Err(cut) = ev.charge(1, 0, &v.at) {
        return cut;
    }
    match (&v.kind, ty) {
        (Kind::Unknown(_) | Kind::Null, _) => v,
        (Kind::Number(_) | Kind::Bool(_), Type::String) => match v.to_text() {
            Ok(t) => Val::text(t, v.at.clone()),
            Err(_) => v,
        },
        (Kind::Str(t), Type::Number) if !t.has_holes() => match t.s.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Val::new(Kind::Number(n), v.at.clone()),
            _ => v,
        },
        (Kind::Str(t), Type::Bool) if !t.has_holes() => match t.s.as_str() {
            "true" => Val::new(Kind::Bool(true), v.at.clone()),
            "false" => Val::new(Kind::Bool(false), v.at.clone()),
            _ => v,
        },
        (Kind::List(items), Type::List(el)) => {
            let items = items.iter().map(|i| convert(ev, i.clone(), el)).collect();
            Val::list(items, v.at.clone())
        }
        (Kind::List(items), Type::Set(el)) => {
            let items = items.iter().map(|i| convert(ev, i.clone(), el)).collect();
            Val::list(as_set(items), v.at.clone())
        }
        (Kind::List(items), Type::Tuple(tys)) if items.len() == tys.len() => {
            let items = items
                .iter()
                .zip(tys)
                .map(|(i, t)| convert(ev, i.clone(), t))
                .collect();
            Val::list(items, v.at.clone())
        }
        (Kind::Map(m), Type::Map(el)) => {
            let m = m
                .iter()
                .map(|(k, x)| (k.clone(), convert(ev, x.clone(), el)))
                .collect();
            Val::map(m, v.at.clone())
        }
        (Kind::Map(m), Type::Object(attrs)) => {
            let mut out = BTreeMap::new();
            for (name, attr) in attrs {
                let given = m.get(name).filter(|x| !x.is_null());
                let x = match (given, attr.optional) {
                    (Some(x), _) => convert(ev, x.clone(), &attr.ty),
                    // The default is converted too: its own optional
                    // attributes are filled in.
                    (None, true) => match &attr.default {
                        Some(d) => convert(ev, d.clone(), &attr.ty),
                        // The caller's own null when it wrote one.
                        None => match m.get(name) {
                            Some(x) => x.clone(),
                            None => Val::new(Kind::Null, attr.at.clone()),
                        },
                    },
                    // Required and missing: Terraform refuses the value;
                    // reading the attribute says it is missing.
                    (None, false) => match m.get(name) {
                        Some(x) => x.clone(),
                        None => continue,
                    },
                };
                out.insert(name.clone(), x);
            }
            Val::map(out, v.at.clone())
        }
        _ => v,
    }
}

/// A set's elements as Terraform orders them: known strings or numbers
/// sorted, duplicates gone (the first one written is kept, with its
/// location). Anything else (unknowns, objects) is left in the order given.
fn as_set(mut items: Vec<Val>) -> Vec<Val> {
    if items.iter().all(|i| i.as_known_str().is_some()) {
        items.sort_by(|a, b| a.as_known_str().cmp(&b.as_known_str()));
        items.dedup_by(|a, b| a.as_known_str() == b.as_known_str());
    } else if items.iter().all(|i| matches!(i.kind, Kind::Number(_))) {
        let n = |v: &Val| match v.kind {
            Kind::Number(n) => n,
            _ => 0.0,
        };
        items.sort_by(|a, b| n(a).total_cmp(&n(b)));
        items.dedup_by(|a, b| n(a) == n(b));
    }
    items
}
