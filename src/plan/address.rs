//! Terraform addresses and references as the plan writes them:
//! `module.svc["a"].aws_ecs_service.this[0]`, `aws_lb_target_group.api.arn`,
//! `var.listener_arn`, `module.alb.listener_arn`.

use std::fmt;

/// An instance key: `[0]` for `count`, `["a"]` for `for_each`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Int(i64),
    Str(String),
}

impl Key {
    /// The key as the plan's `index` field writes it (a number or a string).
    pub fn from_json(node: &crate::json::JsonNode) -> Option<Key> {
        match &node.kind {
            crate::json::JsonKind::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => {
                Some(Key::Int(*n as i64))
            }
            crate::json::JsonKind::String { value, .. } => Some(Key::Str(value.clone())),
            _ => None,
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Int(i) => write!(f, "[{i}]"),
            // The same quoting as the Terraform loader's instance addresses.
            Key::Str(s) => write!(
                f,
                "[{}]",
                serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
            ),
        }
    }
}

/// One step of a traversal: a name with an optional static index.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Step {
    pub name: String,
    pub key: Option<Key>,
}

/// Split `a.b[0].c["x.y"]` into steps. `None` for anything else (splats,
/// dynamic indexes, stray characters): such a reference is not followed.
pub fn parse_steps(s: &str) -> Option<Vec<Step>> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    loop {
        let start = i;
        while i < b.len() && b[i] != b'.' && b[i] != b'[' {
            i += 1;
        }
        if i == start {
            return None;
        }
        let name = s[start..i].to_string();
        let mut key = None;
        if i < b.len() && b[i] == b'[' {
            i += 1;
            if b.get(i) == Some(&b'"') {
                let q = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if i >= b.len() {
                    return None;
                }
                i += 1;
                let decoded: String = serde_json::from_str(&s[q..i]).ok()?;
                key = Some(Key::Str(decoded));
            } else {
                let d = i;
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'-') {
                    i += 1;
                }
                key = Some(Key::Int(s[d..i].parse().ok()?));
            }
            if b.get(i) != Some(&b']') {
                return None;
            }
            i += 1;
        }
        out.push(Step { name, key });
        if i == b.len() {
            return Some(out);
        }
        if b[i] != b'.' {
            return None;
        }
        i += 1;
    }
}

/// A module instance path, outermost first: `module.a["k"].module.b`.
pub type ModulePath = Vec<Step>;

/// `module.a["k"].module.b.` (with the trailing dot), or "" for the root.
pub fn module_prefix(path: &[Step]) -> String {
    let mut out = String::new();
    for s in path {
        out.push_str("module.");
        out.push_str(&s.name);
        if let Some(k) = &s.key {
            out.push_str(&k.to_string());
        }
        out.push('.');
    }
    out
}

/// The module names of a path, without instance keys: how the plan's
/// `configuration` nests `module_calls`.
pub fn module_names(path: &[Step]) -> Vec<String> {
    path.iter().map(|s| s.name.clone()).collect()
}

/// A resource instance address.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Address {
    pub module: ModulePath,
    pub data: bool,
    pub rtype: String,
    pub name: String,
    pub key: Option<Key>,
}

impl Address {
    pub fn parse(s: &str) -> Option<Address> {
        let steps = parse_steps(s)?;
        let mut i = 0;
        let mut module = Vec::new();
        while steps
            .get(i)
            .is_some_and(|s| s.name == "module" && s.key.is_none())
        {
            module.push(steps.get(i + 1)?.clone());
            i += 2;
        }
        let data = steps
            .get(i)
            .is_some_and(|s| s.name == "data" && s.key.is_none());
        if data {
            i += 1;
        }
        let (t, n) = (steps.get(i)?, steps.get(i + 1)?);
        if t.key.is_some() || steps.len() != i + 2 {
            return None;
        }
        Some(Address {
            module,
            data,
            rtype: t.name.clone(),
            name: n.name.clone(),
            key: n.key.clone(),
        })
    }

    /// `type.name` (with `data.` for data sources), without module or key.
    pub fn resource(&self) -> String {
        let d = if self.data { "data." } else { "" };
        format!("{d}{}.{}", self.rtype, self.name)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&module_prefix(&self.module))?;
        f.write_str(&self.resource())?;
        if let Some(k) = &self.key {
            write!(f, "{k}")?;
        }
        Ok(())
    }
}

/// What a `references` entry of a configuration expression names.
#[derive(Clone, Debug, PartialEq)]
pub enum Ref {
    Var(String),
    ModuleOutput {
        call: String,
        key: Option<Key>,
        output: String,
    },
    Resource {
        data: bool,
        rtype: String,
        name: String,
        key: Option<Key>,
    },
    /// `count.index`, `each.key`, `local.x`, `path.module`, a bare module: not followed.
    Other,
}

impl Ref {
    pub fn parse(s: &str) -> Ref {
        let Some(steps) = parse_steps(s) else {
            return Ref::Other;
        };
        let name = |i: usize| steps.get(i).map(|s| s.name.as_str());
        match name(0) {
            Some("var") if steps.len() >= 2 => Ref::Var(steps[1].name.clone()),
            Some("module") if steps.len() >= 3 => Ref::ModuleOutput {
                call: steps[1].name.clone(),
                key: steps[1].key.clone(),
                output: steps[2].name.clone(),
            },
            Some("data") if steps.len() >= 3 => Ref::Resource {
                data: true,
                rtype: steps[1].name.clone(),
                name: steps[2].name.clone(),
                key: steps[2].key.clone(),
            },
            Some(
                "module" | "data" | "var" | "count" | "each" | "local" | "path" | "terraform"
                | "self",
            ) => Ref::Other,
            Some(_) if steps.len() >= 2 && steps[0].key.is_none() => Ref::Resource {
                data: false,
                rtype: steps[0].name.clone(),
                name: steps[1].name.clone(),
                key: steps[1].key.clone(),
            },
            _ => Ref::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_round_trip() {
        for s in [
            "aws_lb.main",
            "aws_lb_target_group.app[1]",
            "module.svc[\"a\"].aws_ecs_service.this[0]",
            "module.a.module.b[2].data.aws_lb.x",
            "aws_ecs_service.svc[\"with.dot\"]",
        ] {
            assert_eq!(Address::parse(s).unwrap().to_string(), s);
        }
        assert!(Address::parse("aws_lb").is_none());
        assert!(Address::parse("aws_lb.x.arn").is_none());
        assert!(Address::parse("aws_lb.x[").is_none());
        assert!(Address::parse("").is_none());
    }

    #[test]
    fn references() {
        assert_eq!(
            Ref::parse("aws_lb_target_group.svc[\"blue\"].arn"),
            Ref::Resource {
                data: false,
                rtype: "aws_lb_target_group".into(),
                name: "svc".into(),
                key: Some(Key::Str("blue".into()))
            }
        );
        assert_eq!(
            Ref::parse("var.listener_arn"),
            Ref::Var("listener_arn".into())
        );
        assert_eq!(
            Ref::parse("module.alb.listener_arn"),
            Ref::ModuleOutput {
                call: "alb".into(),
                key: None,
                output: "listener_arn".into()
            }
        );
        assert_eq!(Ref::parse("module.alb"), Ref::Other);
        assert_eq!(Ref::parse("count.index"), Ref::Other);
        assert_eq!(Ref::parse("each.value.tg"), Ref::Other);
        assert_eq!(Ref::parse("local.x"), Ref::Other);
        assert_eq!(Ref::parse("aws_lb.x[*]"), Ref::Other);
    }
}
