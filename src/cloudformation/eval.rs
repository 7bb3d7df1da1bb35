//! CloudFormation intrinsic functions, evaluated partially: parameters
//! (defaults or given values), mappings, conditions and string functions are
//! computed with provenance; `Ref`/`Fn::GetAtt` to resources become links;
//! pseudo parameters and unmatched imports are unknown with a reason.

use super::tree::{Node, NodeKind};
use crate::source::Location;
use crate::value::{Hole, Kind, RefTarget, Text, Val, slice_text};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use super::nested::{Instance, Nest, Parent};

const MAX_DEPTH: usize = 64;

/// An `Export` of another template in the scan.
#[derive(Clone)]
pub struct Export {
    /// The export name, possibly with unknown parts (`${AWS::StackName}-Arn`).
    pub name: Text,
    pub value: Val,
    /// The template that exports it, as displayed.
    pub file: String,
}

pub struct Evaluator<'a> {
    root: &'a Node,
    /// Parameter values given on the command line or in a parameters file.
    given: &'a HashMap<String, Val>,
    exports: &'a [Export],
    conditions: RefCell<HashMap<String, Val>>,
    in_progress: RefCell<HashSet<String>>,
    /// Parameter values, evaluated once: a default may refer to others,
    /// and re-evaluating them on every `Ref` is exponential.
    parameters: RefCell<HashMap<String, Val>>,
    depth: Cell<usize>,
    pub meter: crate::budget::Meter,
    /// The scan's nested stacks and which stack this evaluation is: set
    /// when the template's own Stack resources are followed.
    pub nested: Option<(&'a Nest<'a>, Arc<Instance>)>,
}

impl<'a> Evaluator<'a> {
    pub fn new(root: &'a Node, given: &'a HashMap<String, Val>, exports: &'a [Export]) -> Self {
        Evaluator {
            root,
            given,
            exports,
            conditions: RefCell::default(),
            in_progress: RefCell::default(),
            parameters: RefCell::default(),
            depth: Cell::new(0),
            meter: crate::budget::Meter::default(),
            nested: None,
        }
    }

    /// The template this evaluates.
    pub fn root(&self) -> &'a Node {
        self.root
    }

    fn section(&self, name: &str) -> Option<&'a Node> {
        self.root.get(name)
    }

    fn is_resource(&self, id: &str) -> bool {
        self.section("Resources").and_then(|r| r.get(id)).is_some()
    }

    /// The stack that nests this one, when evaluated as a nested stack.
    fn parent(&self) -> Option<&Parent> {
        self.nested.as_ref().and_then(|(_, i)| i.parent.as_ref())
    }

    /// `Fn::GetAtt res.attr` (or `${res.attr}`): a nested stack's output is
    /// its child template's value; any other attribute is a link.
    fn get_att(&self, res: &str, attr: &str, at: Option<Location>) -> Val {
        if let Some(output) = attr.strip_prefix("Outputs.")
            && self
                .section("Resources")
                .and_then(|r| r.get(res))
                .and_then(|r| r.get("Type"))
                .and_then(Node::as_str)
                == Some(super::nested::STACK)
        {
            return match &self.nested {
                Some((nest, _)) => nest.output(self, res, output, at),
                None => Val::unknown(
                    format!(
                        "{res}.{attr} is an output of nested stack {res}, known only after the stack is created"
                    ),
                    at,
                ),
            };
        }
        Val::reference(
            res.to_string(),
            attr.to_string(),
            format!("{res}.{attr} is known only after the stack is created"),
            at,
        )
    }

    pub fn eval(&self, n: &Node) -> Val {
        let d = self.depth.get();
        if d > MAX_DEPTH {
            return Val::unknown(
                format!(
                    "not evaluated: intrinsic functions (through parameters and conditions) nest more than {MAX_DEPTH} deep, keepalign's evaluation depth limit"
                ),
                Some(n.at.clone()),
            );
        }
        if let Err(limit) = self.meter.charge(1, 0, || Some(n.at.clone())) {
            return self.meter.cut(limit, Some(n.at.clone()));
        }
        self.depth.set(d + 1);
        let v = self.eval_inner(n);
        self.depth.set(d);
        match self
            .meter
            .charge(0, crate::budget::added_size(&v), || Some(n.at.clone()))
        {
            Ok(()) => v,
            Err(limit) => self.meter.cut(limit, Some(n.at.clone())),
        }
    }

    fn eval_inner(&self, n: &Node) -> Val {
        let at = Some(n.at.clone());
        if let Some((f, arg)) = n.intrinsic() {
            return self.call(f, arg, n);
        }
        match &n.kind {
            NodeKind::Null => Val::new(Kind::Null, at),
            NodeKind::Bool(b) => Val::new(Kind::Bool(*b), at),
            NodeKind::Number(x) => Val::new(Kind::Number(*x), at),
            NodeKind::Str(s, loc) => string_val(s, loc),
            NodeKind::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let v = self.eval(item);
                    // The rest would each be the same unknown.
                    if let Some(limit) = self.meter.spent() {
                        return self.meter.cut(limit, at);
                    }
                    // `!Ref AWS::NoValue` removes a list element.
                    if !is_no_value(&v) {
                        out.push(v);
                    }
                }
                Val::list(out, at)
            }
            NodeKind::Map(m) => {
                let mut out = BTreeMap::new();
                for (k, _, v) in m {
                    let v = self.eval(v);
                    if let Some(limit) = self.meter.spent() {
                        return self.meter.cut(limit, at);
                    }
                    if !is_no_value(&v) {
                        out.insert(k.clone(), v);
                    }
                }
                Val::map(out, at)
            }
        }
    }

    fn call(&self, f: &str, arg: &Node, whole: &Node) -> Val {
        let at = Some(whole.at.clone());
        let list = |n: &Node| -> Option<Vec<Node>> {
            match &n.kind {
                NodeKind::Seq(items) => Some(items.clone()),
                _ => None,
            }
        };
        let wrong = |what: &str| Val::error(format!("{f} expects {what}"), at.clone());
        match f {
            "Ref" => match arg.as_str() {
                Some(name) => self.reference(name, at),
                None => wrong("the name of a parameter or resource"),
            },
            "Fn::GetAtt" => {
                let (res, attr) = match (&arg.kind, list(arg)) {
                    (NodeKind::Str(s, _), _) => match s.split_once('.') {
                        Some((r, a)) => (r.to_string(), a.to_string()),
                        None => return wrong("\"Resource.Attribute\""),
                    },
                    (_, Some(items)) if items.len() == 2 => {
                        let attr = self.eval(&items[1]);
                        match (items[0].as_str(), attr.as_known_str()) {
                            (Some(r), Some(a)) => (r.to_string(), a.to_string()),
                            _ => return wrong("[Resource, Attribute]"),
                        }
                    }
                    _ => return wrong("[Resource, Attribute]"),
                };
                if !self.is_resource(&res) {
                    return Val::error(
                        format!("Fn::GetAtt: {res} is not a resource of this template"),
                        at,
                    );
                }
                self.get_att(&res, &attr, at)
            }
            "Fn::Sub" => match (&arg.kind, list(arg)) {
                (NodeKind::Str(..), _) => self.sub(arg, &BTreeMap::new(), at),
                (_, Some(items)) if items.len() == 2 => {
                    let vars = match self.eval(&items[1]).kind {
                        Kind::Map(m) => m,
                        _ => return wrong("[String, {Variables}]"),
                    };
                    self.sub(&items[0], &vars, at)
                }
                _ => wrong("a string or [String, {Variables}]"),
            },
            "Fn::Join" => {
                let Some(items) = list(arg).filter(|i| i.len() == 2) else {
                    return wrong("[Delimiter, [Values]]");
                };
                let delim = match self.eval(&items[0]).to_text() {
                    Ok(t) => t,
                    Err(h) => return h,
                };
                let values = self.eval(&items[1]);
                let Kind::List(values) = values.kind else {
                    return if values.hole().is_some() {
                        values
                    } else {
                        wrong("a list to join")
                    };
                };
                let mut out = Text::default();
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        out.push_text(&delim);
                    }
                    match v.to_text() {
                        Ok(t) => out.push_text(&t),
                        Err(h) => match h.kind {
                            Kind::Unknown(hole) => out.push_hole(hole),
                            _ => return h,
                        },
                    }
                }
                Val::text(out, at)
            }
            "Fn::Select" => {
                let Some(items) = list(arg).filter(|i| i.len() == 2) else {
                    return wrong("[Index, [Values]]");
                };
                let index = self.eval(&items[0]);
                let values = self.eval(&items[1]);
                crate::terraform::eval::index(&values, &index, at)
            }
            "Fn::Split" => {
                let Some(items) = list(arg).filter(|i| i.len() == 2) else {
                    return wrong("[Delimiter, String]");
                };
                let (delim, s) = match (
                    self.eval(&items[0]).to_text(),
                    self.eval(&items[1]).to_text(),
                ) {
                    (Ok(d), Ok(s)) => (d.s.clone(), s),
                    (Err(h), _) | (_, Err(h)) => return h,
                };
                if delim.is_empty() {
                    return wrong("a non-empty delimiter");
                }
                let mut parts = Vec::new();
                let mut start = 0;
                for (i, _) in s.s.match_indices(&delim) {
                    parts.push(text_val(slice_text(&s, start..i)));
                    start = i + delim.len();
                }
                parts.push(text_val(slice_text(&s, start..s.s.len())));
                Val::list(parts, at)
            }
            "Fn::FindInMap" => {
                let Some(items) = list(arg).filter(|i| i.len() >= 3) else {
                    return wrong("[MapName, TopLevelKey, SecondLevelKey]");
                };
                let keys: Vec<Val> = items[..3].iter().map(|k| self.eval(k)).collect();
                if let Some(h) = keys.iter().find(|k| k.hole().is_some()) {
                    return h.clone();
                }
                let names: Vec<String> = match keys
                    .iter()
                    .map(|k| k.to_text().map(|t| t.s.clone()))
                    .collect()
                {
                    Ok(n) => n,
                    Err(h) => return h,
                };
                match self
                    .section("Mappings")
                    .and_then(|m| m.get(&names[0]))
                    .and_then(|m| m.get(&names[1]))
                    .and_then(|m| m.get(&names[2]))
                {
                    Some(v) => self.eval(v),
                    None => Val::error(
                        format!(
                            "Fn::FindInMap: Mappings has no {}.{}.{}",
                            names[0], names[1], names[2]
                        ),
                        at,
                    ),
                }
            }
            "Fn::If" => {
                let Some(items) = list(arg).filter(|i| i.len() == 3) else {
                    return wrong("[Condition, ValueIfTrue, ValueIfFalse]");
                };
                let Some(cond) = items[0].as_str() else {
                    return wrong("a condition name");
                };
                match self.condition(cond, at.clone()).to_bool() {
                    Ok(true) => self.eval(&items[1]),
                    Ok(false) => self.eval(&items[2]),
                    Err(h) => h,
                }
            }
            "Condition" => match arg.as_str() {
                Some(name) => self.condition(name, at),
                None => wrong("a condition name"),
            },
            "Fn::Equals" => {
                let Some(items) = list(arg).filter(|i| i.len() == 2) else {
                    return wrong("[Value1, Value2]");
                };
                let (a, b) = (self.eval(&items[0]), self.eval(&items[1]));
                if let Some(h) = a.hole().or(b.hole()) {
                    return Val::new(Kind::Unknown(h.clone()), at);
                }
                // CloudFormation compares as strings: "60" equals 60.
                let (sa, sb) = (
                    a.to_text().map(|t| t.s.clone()),
                    b.to_text().map(|t| t.s.clone()),
                );
                let same = match (sa, sb) {
                    (Ok(x), Ok(y)) => x == y,
                    _ => crate::terraform::eval::values_equal(&a, &b),
                };
                Val::new(Kind::Bool(same), at)
            }
            "Fn::Not" | "Fn::And" | "Fn::Or" => {
                let Some(items) = list(arg) else {
                    return wrong("a list of conditions");
                };
                let mut values = Vec::new();
                for i in &items {
                    match self.eval(i).to_bool() {
                        Ok(b) => values.push(b),
                        Err(h) => return h,
                    }
                }
                let r = match f {
                    "Fn::Not" => values.first().is_some_and(|b| !b),
                    "Fn::And" => values.iter().all(|b| *b),
                    _ => values.iter().any(|b| *b),
                };
                Val::new(Kind::Bool(r), at)
            }
            "Fn::Base64" => match self.eval(arg).to_text() {
                Ok(t) if !t.has_holes() => Val::str(base64(t.s.as_bytes()), at),
                Ok(t) => match t.first_hole() {
                    Some(h) => Val::new(Kind::Unknown(h.clone()), at),
                    None => Val::unknown("a string with an unknown part", at),
                },
                Err(h) => h,
            },
            "Fn::ImportValue" => self.import(arg, at),
            other => Val::unknown(format!("{other} is not evaluated by keepalign"), at),
        }
    }

    fn reference(&self, name: &str, at: Option<Location>) -> Val {
        if let Some(parent) = self.parent()
            && let Some(v) = self.nested_ssm_parameter(name, parent)
        {
            return v;
        }
        if let Some(v) = self.given.get(name) {
            // A list parameter is given as one comma-separated string.
            let list = self
                .section("Parameters")
                .and_then(|p| p.get(name))
                .and_then(|p| p.get("Type"))
                .and_then(Node::as_str)
                .is_some_and(|t| t.starts_with("CommaDelimitedList") || t.starts_with("List<"));
            return if list {
                split_list(v.clone())
            } else {
                v.clone()
            };
        }
        if name.starts_with("AWS::") {
            if name == "AWS::NoValue" {
                return Val::new(Kind::Null, at).with_no_value();
            }
            if let Some(parent) = self.parent()
                && matches!(name, "AWS::StackName" | "AWS::StackId")
            {
                return Val::unknown_word(
                    format!(
                        "{name} of the stack {} nests ({}) is chosen by CloudFormation when it is deployed",
                        parent.stack,
                        parent.place()
                    ),
                    at,
                );
            }
            // Region, account, partition, URL suffix, stack name and ID:
            // never more than one word.
            return Val::unknown_word(
                format!(
                    "{name} is known only when the stack is deployed (pass it with --parameter {name}=VALUE)"
                ),
                at,
            );
        }
        if let Some(p) = self.section("Parameters").and_then(|p| p.get(name)) {
            if let Some(v) = self.parameters.borrow().get(name) {
                return v.clone();
            }
            let key = format!("Parameters.{name}");
            if !self.in_progress.borrow_mut().insert(key.clone()) {
                return Val::error(format!("parameter {name} refers to itself"), at);
            }
            let v = self.parameter(name, p, at);
            self.in_progress.borrow_mut().remove(&key);
            self.parameters
                .borrow_mut()
                .insert(name.to_string(), v.clone());
            return v;
        }
        if self.is_resource(name) {
            return Val::reference(
                name.to_string(),
                "Ref".to_string(),
                format!("Ref {name} is known only after the stack is created"),
                at,
            );
        }
        Val::error(
            format!("Ref {name}: no parameter or resource of that name"),
            at,
        )
    }

    /// A parameter's default, as the parameter's type reads it.
    fn parameter(&self, name: &str, p: &Node, at: Option<Location>) -> Val {
        // The Default of an SSM parameter type is the SSM parameter's
        // name; CloudFormation reads the value from SSM at deploy time.
        if let Some(t) = p.get("Type").and_then(|t| t.as_str())
            && t.starts_with("AWS::SSM::Parameter::Value<")
        {
            return Val::unknown(
                format!(
                    "parameter {name} is read from SSM Parameter Store when the stack is deployed ({t}); pass its value with --parameter {name}=VALUE"
                ),
                p.get("Default").map(|d| d.at.clone()).or(at),
            );
        }
        match p.get("Default") {
            Some(d) => {
                let v = self.eval(d);
                match p.get("Type").and_then(|t| t.as_str()) {
                    Some(t) if t.starts_with("CommaDelimitedList") || t.starts_with("List<") => {
                        split_list(v)
                    }
                    _ => v,
                }
            }
            // A nested stack's parameters come from its parent only.
            None => match self.parent() {
                Some(parent) => Val::unknown(
                    format!(
                        "parameter {name} has no Default and {} in {} does not pass it to this nested stack ({}); add {name} to that stack's Parameters",
                        parent.stack,
                        parent.scope,
                        parent.place()
                    ),
                    at,
                ),
                None => Val::unknown(
                    format!(
                        "parameter {name} has no Default and no value was given (pass --parameter {name}=VALUE or --parameters-file)"
                    ),
                    at,
                ),
            },
        }
    }

    /// A nested stack's SSM-typed parameter: what the parent passes is the
    /// SSM parameter's name, and the value is read at deploy time.
    fn nested_ssm_parameter(&self, name: &str, parent: &Parent) -> Option<Val> {
        let p = self.section("Parameters")?.get(name)?;
        let t = p.get("Type").and_then(|t| t.as_str())?;
        if !t.starts_with("AWS::SSM::Parameter::Value<") {
            return None;
        }
        let (ssm_name, at) = match self.given.get(name) {
            Some(v) => (
                v.as_known_str()
                    .map(|s| format!(" {s}"))
                    .unwrap_or_default(),
                v.at.clone(),
            ),
            None => (String::new(), p.get("Default").map(|d| d.at.clone())),
        };
        Some(Val::unknown(
            format!(
                "parameter {name} is read from SSM Parameter Store{ssm_name} when the stack is deployed ({t}; {} in {} nests this stack at {}), which keepalign does not read: declare the setting in keepalign.toml ([[service]])",
                parent.stack,
                parent.scope,
                parent.place()
            ),
            at.or_else(|| Some(p.at.clone())),
        ))
    }

    fn condition(&self, name: &str, at: Option<Location>) -> Val {
        if let Some(v) = self.conditions.borrow().get(name) {
            return v.clone();
        }
        let Some(expr) = self.section("Conditions").and_then(|c| c.get(name)) else {
            return Val::error(format!("condition {name} is not defined in Conditions"), at);
        };
        if !self.in_progress.borrow_mut().insert(name.to_string()) {
            return Val::error(format!("condition {name} refers to itself"), at);
        }
        let v = self.eval(expr);
        self.in_progress.borrow_mut().remove(name);
        self.conditions
            .borrow_mut()
            .insert(name.to_string(), v.clone());
        v
    }

    /// Whether a resource with `Condition: name` is created: `None` when unknown.
    pub fn condition_holds(&self, name: &str) -> Option<bool> {
        self.condition(name, None).to_bool().ok()
    }

    /// `Fn::Sub`: `${Param}`, `${Resource}`, `${Resource.Attr}`, `${AWS::Region}`,
    /// `${!Literal}`, and the variables of the two-argument form.
    fn sub(&self, template: &Node, vars: &BTreeMap<String, Val>, at: Option<Location>) -> Val {
        let NodeKind::Str(s, loc) = &template.kind else {
            return Val::error("Fn::Sub expects a string", at);
        };
        let source = literal_text(s, loc);
        let mut out = Text::default();
        let mut pos = 0;
        while let Some(rel) = s[pos..].find("${") {
            let start = pos + rel;
            out.push_text(&slice_text(&source, pos..start));
            let Some(close) = s[start..].find('}') else {
                pos = start;
                break;
            };
            let end = start + close;
            let name = &s[start + 2..end];
            let part_at = source.locate(start..end + 1).or(at.clone());
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str(&format!("${{{literal}}}"), None);
            } else {
                let v = match vars.get(name) {
                    Some(v) => v.clone(),
                    None => match name.split_once('.') {
                        Some((res, attr))
                            if !name.starts_with("AWS::") && self.is_resource(res) =>
                        {
                            self.get_att(res, attr, part_at.clone())
                        }
                        _ => self.reference(name, part_at.clone()),
                    },
                };
                match v.to_text() {
                    Ok(t) => out.push_text(&t),
                    Err(h) => match h.kind {
                        Kind::Unknown(hole) => out.push_hole(hole),
                        _ => out.push_hole(Arc::new(Hole {
                            word: false,
                            reason: format!("${{{name}}} is not a string"),
                            reference: None,
                            error: true,
                            at: part_at,
                        })),
                    },
                }
            }
            pos = end + 1;
        }
        out.push_text(&slice_text(&source, pos..s.len()));
        // After substitution: a reference's name may come from a parameter.
        super::dynamic::unresolved(out, at)
    }

    fn import(&self, arg: &Node, at: Option<Location>) -> Val {
        let name = self.eval(arg);
        let Ok(wanted) = name.to_text() else {
            return name;
        };
        // Exact name first; else one export whose fixed text is the same
        // (stack names are often unknown: `${AWS::StackName}-AlbArn`).
        let exact = self
            .exports
            .iter()
            .find(|e| !e.name.has_holes() && !wanted.has_holes() && e.name.s == wanted.s);
        let fixed = |t: &Text| fixed_parts(t);
        let similar: Vec<&Export> = self
            .exports
            .iter()
            .filter(|e| {
                fixed(&e.name) == fixed(&wanted) && !fixed(&wanted).iter().all(|p| p.is_empty())
            })
            .collect();
        // An export named with unknown parts (`${AWS::StackName}-Arn`) is a
        // pattern a fully known import name may match.
        let matching: Vec<&Export> = if wanted.has_holes() {
            Vec::new()
        } else {
            self.exports
                .iter()
                .filter(|e| e.name.has_holes() && matches_pattern(&fixed(&e.name), &wanted.s))
                .collect()
        };
        let unique = |v: &[&'a Export]| if v.len() == 1 { Some(v[0]) } else { None };
        let found = exact
            .or_else(|| unique(&similar))
            .or_else(|| unique(&matching));
        let several = if similar.len() > 1 {
            &similar
        } else {
            &matching
        };
        match found {
            Some(e) => e.value.clone(),
            // Twins (a YAML and a JSON copy, one template per environment):
            // which one is deployed here depends on the stack's name.
            None if several.len() > 1 => Val::unknown(
                format!(
                    "Fn::ImportValue {} matches several Exports of the scanned templates ({}); pass --parameter AWS::StackName=NAME (the exporting stack's name) or scan only the template that is deployed",
                    display_text(&wanted),
                    several
                        .iter()
                        .map(|e| format!("{} in {}", display_text(&e.name), e.file))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                at,
            ),
            None => Val::unknown(
                format!(
                    "Fn::ImportValue {} matches no Export of the scanned templates; scan the template that exports it",
                    display_text(&wanted)
                ),
                at,
            ),
        }
    }
}

/// A Val that stands for `AWS::NoValue`: the property is removed.
trait NoValue {
    fn with_no_value(self) -> Val;
}

impl NoValue for Val {
    fn with_no_value(self) -> Val {
        Val::new(
            Kind::Unknown(Arc::new(Hole {
                word: false,
                reason: NO_VALUE.to_string(),
                reference: None,
                error: false,
                at: self.at.clone(),
            })),
            self.at,
        )
    }
}

const NO_VALUE: &str = "AWS::NoValue";

pub fn is_no_value(v: &Val) -> bool {
    v.hole().is_some_and(|h| is_no_value_hole(h))
}

pub fn is_no_value_hole(h: &Hole) -> bool {
    h.reason == NO_VALUE
}

/// A literal string; dynamic references in it are unknown parts.
fn string_val(s: &str, loc: &Location) -> Val {
    super::dynamic::unresolved(literal_text(s, loc), Some(loc.clone()))
}

fn literal_text(s: &str, loc: &Location) -> Text {
    let mut t = Text::default();
    t.push_literal(s, Some(loc.clone()));
    t
}

fn text_val(t: Text) -> Val {
    let at = t.locate(0..t.s.len());
    Val::text(t, at)
}

fn split_list(v: Val) -> Val {
    match &v.kind {
        Kind::Str(t) if !t.has_holes() => {
            let mut parts = Vec::new();
            let mut start = 0;
            for (i, _) in t.s.match_indices(',') {
                parts.push(text_val(slice_text(t, start..i)));
                start = i + 1;
            }
            parts.push(text_val(slice_text(t, start..t.s.len())));
            Val::list(parts, v.at.clone())
        }
        _ => v,
    }
}

/// Whether `name` is `parts` joined by anything: the first part a prefix,
/// the last a suffix, the middle ones in order.
fn matches_pattern(parts: &[String], name: &str) -> bool {
    let [first, middle @ .., last] = parts else {
        return false;
    };
    if parts.iter().all(|p| p.is_empty()) || !name.starts_with(first.as_str()) {
        return false;
    }
    let mut rest = &name[first.len()..];
    for m in middle {
        match rest.find(m.as_str()) {
            Some(i) => rest = &rest[i + m.len()..],
            None => return false,
        }
    }
    rest.ends_with(last.as_str())
}

/// The literal parts of a text between its holes.
fn fixed_parts(t: &Text) -> Vec<String> {
    let mut parts = Vec::new();
    let mut inside = false;
    let mut cur = String::new();
    for c in t.s.chars() {
        if c == crate::json::HOLE {
            if !inside {
                parts.push(std::mem::take(&mut cur));
            }
            inside = !inside;
        } else if !inside {
            cur.push(c);
        }
    }
    parts.push(cur);
    parts
}

fn display_text(t: &Text) -> String {
    crate::model::Word::new(t.s.clone(), None).display()
}

fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Give a reference found in another template's export that template's scope.
pub fn in_scope(v: Val, scope: &str) -> Val {
    match &v.kind {
        Kind::Unknown(h) if h.reference.as_ref().is_some_and(|r| r.scope.is_none()) => {
            let mut hole = (**h).clone();
            if let Some(r) = &mut hole.reference {
                *r = RefTarget {
                    scope: Some(scope.to_string()),
                    ..r.clone()
                };
            }
            Val::new(Kind::Unknown(Arc::new(hole)), v.at.clone())
        }
        _ => v,
    }
}

#[cfg(test)]
mod tests {
    use super::base64;

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"#!/bin/bash\n"), "IyEvYmluL2Jhc2gK");
    }
}
