//! One view over native HCL and Terraform JSON syntax (`.tf.json`), so the
//! evaluator and resource readers do not care which one a file used.

use crate::json::{JsonKind, JsonNode};
use crate::source::{Location, SourceFile};
use hcl_edit::Span;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Body, Structure};
use std::sync::Arc;

pub enum Syntax {
    Hcl(Body),
    Json(JsonNode),
}

pub struct ParsedFile {
    pub source: Arc<SourceFile>,
    pub syntax: Syntax,
    /// `# keepalign:ignore` comments (HCL only: JSON has none).
    pub directives: Vec<super::comments::Directive>,
}

/// A block body in either syntax.
#[derive(Clone, Copy)]
pub enum BodyRef<'a> {
    Hcl(&'a Body, &'a Arc<SourceFile>),
    Json(&'a JsonNode, &'a Arc<SourceFile>),
}

/// An expression in either syntax.
#[derive(Clone, Copy)]
pub enum ExprRef<'a> {
    Hcl(&'a Expression, &'a Arc<SourceFile>),
    Json(&'a JsonNode, &'a Arc<SourceFile>),
}

impl<'a> ExprRef<'a> {
    pub fn location(&self) -> Option<Location> {
        match self {
            ExprRef::Hcl(e, f) => e.span().map(|s| Location::new(f, s)),
            ExprRef::Json(n, f) => Some(Location::new(f, n.span.clone())),
        }
    }
}

impl<'a> BodyRef<'a> {
    pub fn file(&self) -> &'a Arc<SourceFile> {
        match self {
            BodyRef::Hcl(_, f) | BodyRef::Json(_, f) => f,
        }
    }

    pub fn attr(&self, name: &str) -> Option<ExprRef<'a>> {
        match *self {
            BodyRef::Hcl(body, f) => body.get_attribute(name).map(|a| ExprRef::Hcl(&a.value, f)),
            BodyRef::Json(node, f) => node.get(name).map(|n| ExprRef::Json(n, f)),
        }
    }

    /// Nested blocks named `name` (`load_balancer`, `health_check`, ...).
    pub fn blocks(&self, name: &str) -> Vec<BodyRef<'a>> {
        match *self {
            BodyRef::Hcl(body, f) => body
                .blocks()
                .filter(|b| b.ident.as_str() == name)
                .map(|b| BodyRef::Hcl(&b.body, f))
                .collect(),
            BodyRef::Json(node, f) => match node.get(name).map(|n| &n.kind) {
                Some(JsonKind::Array(items)) => items
                    .iter()
                    .filter(|i| matches!(i.kind, JsonKind::Object(_)))
                    .map(|i| BodyRef::Json(i, f))
                    .collect(),
                Some(JsonKind::Object(_)) => vec![BodyRef::Json(node.get(name).unwrap(), f)],
                _ => Vec::new(),
            },
        }
    }

    /// `dynamic "LABEL" { ... }` blocks: (label, body).
    pub fn dynamic_blocks(&self) -> Vec<(&'a str, BodyRef<'a>)> {
        match *self {
            BodyRef::Hcl(body, f) => body
                .blocks()
                .filter(|b| b.ident.as_str() == "dynamic")
                .filter_map(|b| Some((b.labels.first()?.as_str(), BodyRef::Hcl(&b.body, f))))
                .collect(),
            BodyRef::Json(node, f) => match node.get("dynamic").map(|n| &n.kind) {
                Some(JsonKind::Object(members)) => members
                    .iter()
                    .flat_map(|m| match &m.value.kind {
                        JsonKind::Array(items) => items
                            .iter()
                            .map(|i| (m.key.as_str(), BodyRef::Json(i, f)))
                            .collect(),
                        _ => vec![(m.key.as_str(), BodyRef::Json(&m.value, f))],
                    })
                    .collect(),
                _ => Vec::new(),
            },
        }
    }

    /// The attributes of this body, in order (used for `locals` and tfvars).
    pub fn attributes(&self) -> Vec<(&'a str, ExprRef<'a>, Option<Location>)> {
        match *self {
            BodyRef::Hcl(body, f) => body
                .attributes()
                .map(|a| {
                    (
                        a.key.as_str(),
                        ExprRef::Hcl(&a.value, f),
                        a.key.span().map(|s| Location::new(f, s)),
                    )
                })
                .collect(),
            BodyRef::Json(node, f) => match &node.kind {
                JsonKind::Object(members) => members
                    .iter()
                    .filter(|m| m.key != "//")
                    .map(|m| {
                        (
                            m.key.as_str(),
                            ExprRef::Json(&m.value, f),
                            Some(Location::new(f, m.key_span.clone())),
                        )
                    })
                    .collect(),
                _ => Vec::new(),
            },
        }
    }
}

/// A top-level block such as `resource "aws_lb" "main" { ... }`.
pub struct TopBlock<'a> {
    pub kind: &'a str,
    pub labels: Vec<&'a str>,
    pub body: BodyRef<'a>,
    /// The block header (`resource "aws_lb" "main"`), where findings about
    /// defaults of the whole resource point.
    pub at: Location,
    /// From the header to the closing brace: suppressions inside apply.
    pub extent: std::ops::Range<usize>,
}

impl ParsedFile {
    pub fn top_blocks(&self) -> Vec<TopBlock<'_>> {
        let f = &self.source;
        match &self.syntax {
            Syntax::Hcl(body) => body
                .iter()
                .filter_map(|s| match s {
                    Structure::Block(b) => Some(b),
                    Structure::Attribute(_) => None,
                })
                .map(|b| {
                    let start = b.ident.span().map(|s| s.start).unwrap_or(0);
                    let end = b
                        .labels
                        .last()
                        .and_then(|l| l.span())
                        .map(|s| s.end)
                        .or(b.ident.span().map(|s| s.end))
                        .unwrap_or(start);
                    TopBlock {
                        kind: b.ident.as_str(),
                        labels: b.labels.iter().map(|l| l.as_str()).collect(),
                        body: BodyRef::Hcl(&b.body, f),
                        at: Location::new(f, start..end),
                        extent: start..b.span().map_or(end, |s| s.end.max(end)),
                    }
                })
                .collect(),
            Syntax::Json(root) => json_top_blocks(root, f),
        }
    }
}

/// Terraform JSON: `{"resource": {"aws_lb": {"main": {...}}}}`; each level may
/// also be an array of objects.
fn json_top_blocks<'a>(root: &'a JsonNode, f: &'a Arc<SourceFile>) -> Vec<TopBlock<'a>> {
    fn objects(n: &JsonNode) -> Vec<&JsonNode> {
        match &n.kind {
            JsonKind::Object(_) => vec![n],
            JsonKind::Array(items) => items.iter().flat_map(objects).collect(),
            _ => Vec::new(),
        }
    }
    fn members(n: &JsonNode) -> Vec<(&str, &crate::json::JsonMember)> {
        objects(n)
            .into_iter()
            .flat_map(|o| match &o.kind {
                JsonKind::Object(ms) => ms.iter().map(|m| (m.key.as_str(), m)).collect(),
                _ => Vec::new(),
            })
            .filter(|(k, _)| *k != "//")
            .collect()
    }
    let mut out = Vec::new();
    for (kind, m) in members(root) {
        let depth = match kind {
            "resource" | "data" => 2,
            "variable" | "module" | "output" | "provider" => 1,
            "locals" | "terraform" => 0,
            _ => continue,
        };
        let mut frontier: Vec<(Vec<&str>, &JsonNode, std::ops::Range<usize>)> =
            vec![(Vec::new(), &m.value, m.key_span.clone())];
        for _ in 0..depth {
            let mut next = Vec::new();
            for (labels, node, _) in frontier {
                for (k, member) in members(node) {
                    let mut l = labels.clone();
                    l.push(k);
                    next.push((l, &member.value, member.key_span.clone()));
                }
            }
            frontier = next;
        }
        for (labels, node, span) in frontier {
            for body in objects(node) {
                out.push(TopBlock {
                    kind,
                    labels: labels.clone(),
                    body: BodyRef::Json(body, f),
                    at: Location::new(f, span.clone()),
                    extent: span.start..body.span.end.max(span.end),
                });
            }
        }
    }
    out
}
