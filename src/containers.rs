//! Container definitions into containers, for every loader. Terraform gives
//! JSON text with a source map (whatever shape produced it: jsonencode,
//! heredoc, file, templatefile, template_file); CloudFormation gives the
//! structure itself, with PascalCase keys. Either way each field points at
//! where it was written.

use crate::json;
use crate::model::*;
use crate::source::Location;
use crate::value::{Kind, Text, Val, json_to_val};
use std::sync::Arc;

pub fn read(v: &Val, attr_at: Location) -> Result<Vec<Container>, Unresolved> {
    let doc = match &v.kind {
        Kind::Str(text) => parse(text, &attr_at)?,
        Kind::Unknown(h) => {
            return Err(Unresolved::new(
                format!("container_definitions: {}", h.reason),
                h.at.clone().or(Some(attr_at)),
            ));
        }
        // Not valid Terraform, but harmless to accept.
        Kind::List(_) => v.clone(),
        _ => {
            return Err(Unresolved::new(
                "container_definitions is not a JSON string",
                Some(attr_at),
            ));
        }
    };
    let items = match &doc.kind {
        Kind::List(items) => items.clone(),
        Kind::Map(_) => std::sync::Arc::new(vec![doc.clone()]),
        Kind::Unknown(h) => {
            return Err(Unresolved::new(
                h.reason.clone(),
                h.at.clone().or(Some(attr_at)),
            ));
        }
        _ => {
            return Err(Unresolved::new(
                "container_definitions is not a JSON array",
                Some(attr_at),
            ));
        }
    };
    let mut containers: Vec<Container> = items
        .iter()
        .filter_map(|c| container(c, &attr_at))
        .collect();
    // A filtered collect starts at room for four; most tasks run one.
    containers.shrink_to_fit();
    Ok(containers)
}

fn parse(text: &Text, attr_at: &Location) -> Result<Val, Unresolved> {
    if let Err(reason) = crate::budget::syntax_fits(&text.s) {
        return Err(Unresolved::new(
            format!("container_definitions {reason}"),
            Some(attr_at.clone()),
        ));
    }
    match json::parse(&text.s) {
        Ok(node) => Ok(json_to_val(&node, text)),
        Err(e) => {
            // A hole in the middle of a token (e.g. an unknown number written
            // as `"stopTimeout": ${var.x}` in a heredoc) can break the JSON.
            if let Some(h) =
                text.hole_in(e.offset.saturating_sub(1)..text.s.len().min(e.offset + 16))
            {
                return Err(Unresolved::new(
                    format!(
                        "container_definitions could not be read because a value is unknown: {}",
                        h.reason
                    ),
                    h.at.clone().or(Some(attr_at.clone())),
                ));
            }
            Err(Unresolved::new(
                format!("container_definitions is not valid JSON: {}", e.message),
                text.locate(crate::source::char_at(&text.s, e.offset))
                    .or(Some(attr_at.clone())),
            ))
        }
    }
}

/// `name` as ECS JSON writes it (`stopTimeout`), as CloudFormation does
/// (`StopTimeout`), or in any other case (`stoptimeout`,
/// terraform-aws-modules/ecs writes `entrypoint`): the AWS provider
/// decodes `container_definitions` with Go's `encoding/json`, which matches
/// a key to a field case-insensitively and, key by key in document order,
/// lets a later match overwrite an earlier one. So among keys that differ
/// only in case the one written last wins; when their order is not known,
/// the exact spelling does.
fn field<'v>(c: &'v Val, name: &str) -> Option<&'v Val> {
    let Kind::Map(m) = &c.kind else { return None };
    let pascal: String = name[..1].to_uppercase() + &name[1..];
    let exact = m.get(name).or_else(|| m.get(&pascal));
    let mut matches = m.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name));
    let first = matches.next();
    let winner = match (first, matches.next()) {
        (None, _) => None,
        (Some((_, only)), None) => Some(only),
        (Some(a), Some(b)) => {
            let mut all = [a, b].into_iter().chain(matches).map(|(_, v)| v);
            let located: Option<Vec<&Location>> = all.clone().map(|v| v.at.as_ref()).collect();
            match located {
                Some(at) if at.windows(2).all(|w| Arc::ptr_eq(&w[0].file, &w[1].file)) => {
                    all.max_by_key(|v| v.at.as_ref().map(|l| l.span.start))
                }
                _ => exact.or_else(|| all.next_back()),
            }
        }
    };
    winner.filter(|v| !v.is_null())
}

/// A string's location: the exact characters when the source map knows them.
fn str_location(v: &Val) -> Option<Location> {
    match &v.kind {
        Kind::Str(t) => t.locate(0..t.s.len()).or(v.at.clone()),
        _ => v.at.clone(),
    }
}

/// Text with each unknown part (`\u{1}N\u{1}`) as `*`.
fn with_holes_as_stars(s: &str) -> String {
    let mut out = String::new();
    let mut parts = s.split(crate::json::HOLE);
    out.push_str(parts.next().unwrap_or(""));
    // Parts alternate: a hole's number, then text.
    while parts.next().is_some() {
        out.push('*');
        out.push_str(parts.next().unwrap_or(""));
    }
    out
}

fn string_setting(v: Option<&Val>, name: &str, fallback: &Location) -> Option<Setting<String>> {
    let v = v?;
    Some(match &v.kind {
        Kind::Str(t) if !t.has_holes() => {
            Setting::explicit(t.s.clone(), str_location(v).unwrap_or(fallback.clone()))
        }
        Kind::Str(t) => Setting::unresolved(
            format!(
                "{name}: {}",
                t.first_hole()
                    .map(|h| h.reason.as_str())
                    .unwrap_or("unknown")
            ),
            str_location(v),
        ),
        Kind::Number(_) | Kind::Bool(_) => match v.to_text() {
            Ok(t) => Setting::explicit(t.s.clone(), v.at.clone().unwrap_or(fallback.clone())),
            Err(_) => Setting::unresolved(format!("{name} is not a string"), v.at.clone()),
        },
        Kind::Unknown(h) => Setting::unresolved(
            format!("{name}: {}", h.reason),
            h.at.clone().or(v.at.clone()),
        ),
        _ => Setting::unresolved(format!("{name} is not a string"), v.at.clone()),
    })
}

fn words(v: Option<&Val>, name: &str, fallback: &Location) -> Option<Setting<Vec<Word>>> {
    let v = v?;
    let at = v.at.clone().unwrap_or(fallback.clone());
    Some(match &v.kind {
        Kind::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                // Keep a partly unknown word, so the rest of the command is
                // still understood and only the settings it holds are unknown.
                if let Some(w) = unknown_word(item) {
                    out.push(w);
                    continue;
                }
                if let Kind::Str(t) = &item.kind {
                    out.push(Word {
                        text: t.s.clone(),
                        at: str_location(item),
                        unknown: None,
                        // A text of one piece maps no better than `at`: not
                        // kept, so the container definition's tree is freed.
                        map: (!t.is_one_piece()).then(|| t.clone()),
                    });
                    continue;
                }
                match string_setting(Some(item), name, &at) {
                    Some(Setting::Known { value, provenance }) => {
                        let loc = match provenance {
                            Provenance::Explicit(l) => Some(l),
                            Provenance::Default { applies_at, .. } => applies_at,
                            Provenance::Declared(l) => Some(l),
                        };
                        out.push(Word::new(value, loc));
                    }
                    Some(Setting::Unresolved(u)) => return Some(Setting::Unresolved(u)),
                    None => {}
                }
            }
            Setting::explicit(out, at)
        }
        Kind::Unknown(h) => {
            Setting::unresolved(format!("{name}: {}", h.reason), h.at.clone().or(Some(at)))
        }
        // A plain string is not valid for ECS, which wants an array.
        _ => Setting::unresolved(format!("{name} is not a JSON array of strings"), Some(at)),
    })
}

/// The items of a list field (none when absent or not a list).
fn list(v: Option<&Val>) -> impl Iterator<Item = &Val> {
    let items = match v.map(|v| &v.kind) {
        Some(Kind::List(items)) => items.as_slice(),
        _ => &[],
    };
    items.iter()
}

/// Where a container is defined: its `name` when written in the
/// definition itself, else the start of the definition (a name from a
/// variable would point into a tfvars file or a `--var`, far from where
/// `stopTimeout` has to be added).
fn container_location(c: &Val, name_v: &Val, attr_at: &Location) -> Location {
    let name_at = str_location(name_v);
    match (&c.at, name_at) {
        (Some(def), Some(n))
            if Arc::ptr_eq(&n.file, &def.file) && def.span.contains(&n.span.start) =>
        {
            n
        }
        (Some(def), _) => Location::char_at(&def.file, def.span.start),
        (None, n) => n.unwrap_or(attr_at.clone()),
    }
}

fn container(c: &Val, attr_at: &Location) -> Option<Container> {
    let name_v = field(c, "name")?;
    let name = name_v.as_known_str()?.to_string();
    let at = container_location(c, name_v, attr_at);
    let image = string_setting(field(c, "image"), "image", &at)
        .unwrap_or_else(|| Setting::unresolved("the container has no image", Some(at.clone())));
    // A partly unknown image: its shape with each unknown part as `*`, and
    // what each unknown part refers to (an ECR repository's URL or name).
    let reference = |h: &crate::value::Hole| {
        h.reference
            .as_ref()
            .map(|r| (r.address.clone(), r.attribute.clone()))
    };
    let (image_pattern, image_references) = match field(c, "image").map(|v| &v.kind) {
        Some(Kind::Str(t)) if t.has_holes() => (
            Some(with_holes_as_stars(&t.s)),
            t.own_holes().map(|h| reference(h)).collect(),
        ),
        Some(Kind::Unknown(h)) => (Some("*".to_string()), vec![reference(h)]),
        _ => (None, Vec::new()),
    };
    let mut environment: Vec<EnvVar> = list(field(c, "environment"))
        .filter_map(|e| {
            let n = field(e, "name")?.as_known_str()?.to_string();
            let value = string_setting(field(e, "value"), &format!("environment {n}"), &at)
                .unwrap_or_else(|| Setting::explicit(String::new(), at.clone()));
            Some(EnvVar { name: n, value })
        })
        .collect();
    // Secrets become environment variables when the task starts; their
    // values live in Secrets Manager or SSM, never in the IaC.
    environment.extend(list(field(c, "secrets")).filter_map(|e| {
        let name_v = field(e, "name")?;
        let n = name_v.as_known_str()?.to_string();
        let from = field(e, "valueFrom")
            .map(|v| word_of(v).display())
            .unwrap_or_default();
        let value = Setting::unresolved(
            format!(
                "{n} comes from the secret `{from}`, read when the task starts; to check it, \
                 give the value in `environment` instead"
            ),
            str_location(name_v).or(e.at.clone()),
        );
        Some(EnvVar { name: n, value })
    }));
    // Kept in the model for the whole scan: no growth slack.
    environment.shrink_to_fit();
    let environment_files = list(field(c, "environmentFiles"))
        .map(|f| {
            let value = field(f, "value").unwrap_or(f);
            let mut w = word_of(value);
            w.at = w.at.or(f.at.clone());
            w
        })
        .collect();
    let system_controls = list(field(c, "systemControls"))
        .filter_map(|e| {
            let namespace = field(e, "namespace")?.as_known_str()?.to_string();
            let value = string_setting(field(e, "value"), &namespace, &at)?;
            Some(SystemControl { namespace, value })
        })
        .collect();
    let working_directory = string_setting(field(c, "workingDirectory"), "workingDirectory", &at);
    let stop_timeout = match field(c, "stopTimeout") {
        None => Setting::default(30.0, "ECS default stopTimeout", Some(at.clone())),
        Some(v) => match v.to_number() {
            Ok(n) => Setting::explicit(n, v.at.clone().unwrap_or(at.clone())),
            Err(h) => crate::convert::unresolved_from(&h, "stopTimeout", v.at.clone()),
        },
    };
    Some(Container {
        image_references,
        image_pattern,
        name,
        image,
        entry_point: words(field(c, "entryPoint"), "entryPoint", &at),
        command: words(field(c, "command"), "command", &at),
        environment,
        environment_files,
        stop_timeout,
        working_directory,
        system_controls,
        at,
    })
}

/// A string value as a word, unknown parts kept.
fn word_of(v: &Val) -> Word {
    unknown_word(v).unwrap_or_else(|| {
        let text = v.as_known_str().map(str::to_string).unwrap_or_default();
        Word::new(text, str_location(v))
    })
}

fn unknown_word(v: &Val) -> Option<Word> {
    let (text, hole) = match &v.kind {
        Kind::Str(t) => (t.s.clone(), t.first_hole()?.clone()),
        Kind::Unknown(h) => (format!("{0}0{0}", crate::json::HOLE), h.clone()),
        _ => return None,
    };
    Some(Word {
        text,
        map: match &v.kind {
            Kind::Str(t) => Some(t.clone()),
            _ => None,
        },
        at: str_location(v).or(hole.at.clone()),
        // The server names the setting; the reason says why it is unknown.
        unknown: Some(Box::new(Unresolved::new(
            hole.reason.clone(),
            hole.at.clone().or(v.at.clone()),
        ))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn containers(json: &str) -> Vec<Container> {
        let file = SourceFile::new("task.json".into(), json.to_string());
        let at = Location::new(&file, 0..json.len());
        read(&Val::str(json, Some(at.clone())), at).expect("container definitions")
    }

    fn words(s: &Option<Setting<Vec<crate::model::Word>>>) -> Vec<String> {
        match s {
            Some(Setting::Known { value, .. }) => value.iter().map(|w| w.text.clone()).collect(),
            other => panic!("not known: {other:?}"),
        }
    }

    #[test]
    fn keys_match_in_any_case_as_the_provider_decodes_them() {
        let c = &containers(
            r#"[{"name": "app", "image": "app:1", "entrypoint": ["gunicorn"], "COMMAND": ["app:app"], "stoptimeout": 90}]"#,
        )[0];
        assert_eq!(words(&c.entry_point), ["gunicorn"]);
        assert_eq!(words(&c.command), ["app:app"]);
        assert_eq!(c.stop_timeout.value(), Some(&90.0));
    }

    #[test]
    fn of_keys_that_differ_only_in_case_the_last_written_wins() {
        let c = &containers(
            r#"[{"name": "app", "image": "app:1", "stopTimeout": 30, "stoptimeout": 120, "entrypoint": ["a"], "entryPoint": ["b"]}]"#,
        )[0];
        assert_eq!(c.stop_timeout.value(), Some(&120.0));
        assert_eq!(words(&c.entry_point), ["b"]);
    }

    /// A word keeps its source map only when the map knows more than the
    /// word's location; either way a part of it is located the same.
    #[test]
    fn a_word_locates_its_parts_with_or_without_a_kept_map() {
        let json =
            r#"[{"name": "app", "image": "app:1", "command": ["--keep-alive=75", "a\u0062c"]}]"#;
        let c = &containers(json)[0];
        let Some(Setting::Known { value: command, .. }) = &c.command else {
            panic!("command not known: {:?}", c.command);
        };
        // One piece, written as is: no map, and "75" is found in the file.
        assert!(command[0].map.is_none());
        let at = command[0].locate(13..15).expect("located");
        assert_eq!(at.snippet(), "75");
        // Written with an escape: the whole word, as the map would say.
        assert!(command[1].map.is_none());
        assert_eq!(command[1].locate(1..2).unwrap().snippet(), r#"a\u0062c"#);
        // A map of several pieces is kept.
        let mut text = crate::value::Text::default();
        let file = SourceFile::new("t".into(), "ab".into());
        text.push_str("a", Some(Location::new(&file, 0..1)));
        text.push_str("b", Some(Location::new(&file, 1..2)));
        assert!(!text.is_one_piece());
        text.segs.truncate(1);
        assert!(!text.is_one_piece(), "a piece that covers part of the text");
    }
}
