//! The document as Guard reads it, and the part of it a policy can reach.
//!
//! Guard copies every value a query steps through (`services[*]` copies
//! each service, `.server` its server, and so on, once per clause), so the
//! cost of a policy grows with the size of what it walks. Each policy file
//! gets the document without `location` values (keepalign maps a failing
//! value back to its source line itself) and, when every query in the
//! file names its keys, with only the keys it names.

use cloudformation_guard_lang::exprs::{
    AccessQuery, Conjunctions, GuardClause, QueryPart, RuleClause, RulesFile, WhenGuardClause,
};
use cloudformation_guard_lang::path_value::{Location, MapValue, Path, PathAwareValue};
use std::collections::HashSet;

/// Keys whose contents are data, not document structure: kept whole.
const DATA: &[&str] = &["tags"];
/// What a literal or a message leaves in a policy's code.
const BLANK: char = '"';
/// Keys that locate values in the IaC: never part of what policies read.
const LOCATIONS: &[&str] = &["location", "started_at"];

/// A key as Guard may match it: Guard retries a missing key in camel,
/// Pascal, snake, kebab, title and train case, which differ from one
/// another only in case and separators.
pub fn folded(word: &str) -> String {
    word.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The keys a policy's queries can reach, folded: the identifiers outside
/// comments, literals and `<< >>` messages, and the strings written as
/// keys (`tags["team"]`). `None` when a query may reach a key it does not
/// name (see [`names_every_key`]).
pub fn reachable_keys(text: &str) -> Option<HashSet<String>> {
    let (code, literals) = scan(text);
    if !names_every_key(&code) {
        return None;
    }
    let code_words = identifiers(&code);
    if code_words.iter().any(|w| w == "keys") {
        return None;
    }
    let mut words: HashSet<String> = code_words.iter().map(|w| folded(w)).collect();
    for literal in literals.split('\n') {
        words.insert(folded(literal));
        words.extend(identifiers(literal).iter().map(|w| folded(w)));
    }
    Some(words)
}

/// A policy's code with comments dropped and literals and messages
/// blanked, and the strings written as keys (one per line).
fn scan(text: &str) -> (String, String) {
    enum State {
        Code,
        Comment,
        Quoted {
            quote: char,
            escaped: bool,
            key: bool,
        },
        Message,
    }
    // The code with literals blanked, and the strings written as keys.
    let mut code = String::with_capacity(text.len());
    let mut literals = String::new();
    let mut state = State::Code;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        state = match state {
            State::Code => match ch {
                '#' => State::Comment,
                // Strings and regular expressions (`/…/`, Guard has no
                // division).
                '"' | '\'' | '/' => {
                    let key = ch != '/' && code.trim_end().ends_with(['[', '.']);
                    code.push(BLANK);
                    State::Quoted {
                        quote: ch,
                        escaped: false,
                        key,
                    }
                }
                '<' if chars.peek() == Some(&'<') => {
                    chars.next();
                    code.push(BLANK);
                    State::Message
                }
                _ => {
                    code.push(ch);
                    State::Code
                }
            },
            State::Comment if ch == '\n' => {
                code.push('\n');
                State::Code
            }
            State::Comment => State::Comment,
            State::Quoted {
                quote,
                escaped,
                key,
            } => {
                if !escaped && ch == quote {
                    literals.push('\n');
                    State::Code
                } else {
                    if key {
                        literals.push(ch);
                    }
                    State::Quoted {
                        quote,
                        escaped: !escaped && ch == '\\',
                        key,
                    }
                }
            }
            State::Message if ch == '>' && chars.peek() == Some(&'>') => {
                chars.next();
                State::Code
            }
            State::Message => State::Message,
        };
    }
    (code, literals)
}

fn identifiers(s: &str) -> Vec<String> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether every query of a policy (its code, literals blanked) names the
/// keys it steps through. Guard reaches keys no
/// query names with `*` (all values of a map), `[name]` (all values, the
/// key captured), a filter on a map (`part[ value > 5 ]` tests each of
/// its values), `[keys == …]`, and a key taken from a variable. Brackets
/// are safe on `services`, the one list of maps (a filter there tests each
/// service), and as an index or a list of literals.
fn names_every_key(code: &str) -> bool {
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.contains(".%") {
        return false;
    }
    // The identifier a bracket follows, and whether it is the list of
    // services (not a variable of that name).
    let on_services = |bracket: usize| {
        let before = code[..bracket].trim_end();
        let start = before
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(0, |p| p + 1);
        &before[start..] == "services" && !before[..start].ends_with('%')
    };
    for (i, _) in code.match_indices('[') {
        let inside = &code[i + 1..];
        let inside = inside[..inside.find([']', '[']).unwrap_or(inside.len())].trim();
        let literal = inside.chars().all(|c| {
            c.is_ascii_digit() || c.is_whitespace() || matches!(c, ',' | '-' | '.' | BLANK)
        });
        if !(literal || on_services(i)) {
            return false;
        }
    }
    // `*` only as `services[*]`.
    code.match_indices('*').all(|(i, _)| {
        let open = code[..i].trim_end();
        let close = code[i + 1..].trim_start();
        open.ends_with('[') && close.starts_with(']') && on_services(open.len() - 1)
    })
}

/// Whether a policy finds the same failures over the services in parts as
/// over the whole document: every rule is made of `services[*] { … }`
/// blocks, each about one service, with no variable, condition or rule
/// reference outside them (a rule's status, a `some`, a count or an index
/// would see only a part).
pub fn per_service(rules: &RulesFile<'_>) -> bool {
    let every_service = |q: &AccessQuery<'_>| {
        q.match_all
            && matches!(
                q.query.as_slice(),
                [QueryPart::Key(k), QueryPart::AllIndices(None)] if k == "services"
            )
    };
    rules.assignments.is_empty()
        && rules.parameterized_rules.is_empty()
        && rules.guard_rules.iter().all(|r| {
            r.conditions.is_none()
                && r.block.assignments.is_empty()
                && r.block.conjunctions.iter().flatten().all(|c| {
                    matches!(c, RuleClause::Clause(GuardClause::BlockClause(b))
                        if every_service(&b.query) && !names_a_rule(&b.block.conjunctions))
                })
        })
}

/// Whether clauses refer to a rule (its status is the whole document's).
fn names_a_rule(clauses: &Conjunctions<GuardClause<'_>>) -> bool {
    clauses.iter().flatten().any(|c| match c {
        GuardClause::Clause(_) => false,
        GuardClause::NamedRule(_) | GuardClause::ParameterizedNamedRule(_) => true,
        GuardClause::BlockClause(b) => names_a_rule(&b.block.conjunctions),
        GuardClause::WhenBlock(conditions, block) => {
            conditions
                .iter()
                .flatten()
                .any(|w| !matches!(w, WhenGuardClause::Clause(_)))
                || names_a_rule(&block.conjunctions)
        }
    })
}

/// The document `{"version", "services"}` as Guard reads it, over
/// `services` (the document's services from index `first` on, each keeping
/// its path in the whole document), with only the keys in `keep`.
pub fn guard_document(
    services: &[serde_json::Value],
    first: usize,
    keep: Option<&HashSet<String>>,
) -> PathAwareValue {
    let mut keys = Keys {
        keep,
        seen: fnv::FnvHashMap::default(),
    };
    let list = services
        .iter()
        .enumerate()
        .map(|(i, s)| convert(s, format!("/services/{}", first + i), &mut keys, false))
        .collect();
    let mut entries = vec![(
        "services".to_string(),
        PathAwareValue::List((at("/services".into()), list)),
    )];
    if keys.wanted("version") {
        entries.insert(
            0,
            (
                "version".to_string(),
                PathAwareValue::Int((at("/version".into()), crate::document::VERSION as i64)),
            ),
        );
    }
    let names = if keep.is_none() {
        entries
            .iter()
            .map(|(k, _)| PathAwareValue::String((at(format!("/{k}")), k.clone())))
            .collect()
    } else {
        Vec::new()
    };
    PathAwareValue::Map((
        at(String::new()),
        MapValue {
            keys: names,
            values: entries.into_iter().collect(),
        },
    ))
}

/// Which keys are kept, remembered per key (a document repeats a few
/// dozen keys thousands of times).
struct Keys<'a> {
    keep: Option<&'a HashSet<String>>,
    seen: fnv::FnvHashMap<&'a str, bool>,
}

impl<'a> Keys<'a> {
    fn wanted(&mut self, key: &'a str) -> bool {
        if LOCATIONS.contains(&key) {
            return false;
        }
        let Some(keep) = self.keep else { return true };
        *self
            .seen
            .entry(key)
            .or_insert_with(|| key == "services" || keep.contains(&folded(key)))
    }
}

/// `path/key`: a value's pointer (every value of the document has one).
fn child(path: &str, key: &str) -> String {
    let mut sub = String::with_capacity(path.len() + 1 + key.len());
    sub.push_str(path);
    sub.push('/');
    sub.push_str(key);
    sub
}

fn at(path: String) -> Path {
    Path(path, Location::default())
}

fn convert<'a>(
    value: &'a serde_json::Value,
    path: String,
    keys: &mut Keys<'a>,
    data: bool,
) -> PathAwareValue {
    use serde_json::Value;
    match value {
        Value::Null => PathAwareValue::Null(at(path)),
        Value::Bool(b) => PathAwareValue::Bool((at(path), *b)),
        Value::String(s) => PathAwareValue::String((at(path), s.clone())),
        // As Guard converts JSON numbers: integers (u64 wrapping as Guard
        // does), else floats.
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => PathAwareValue::Int((at(path), i)),
            (None, Some(u)) => PathAwareValue::Int((at(path), u as i64)),
            _ => PathAwareValue::Float((at(path), n.as_f64().unwrap_or(f64::NAN))),
        },
        Value::Array(items) => {
            let items = items
                .iter()
                .enumerate()
                .map(|(i, v)| convert(v, format!("{path}/{i}"), keys, data))
                .collect();
            PathAwareValue::List((at(path), items))
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> =
                map.iter().filter(|(k, _)| data || keys.wanted(k)).collect();
            // A map keeps at least one key, so that `empty` and `is_struct`
            // read as they would on the whole map.
            if entries.is_empty()
                && let Some(first) = map
                    .iter()
                    .find(|(k, _)| data || !LOCATIONS.contains(&k.as_str()))
            {
                entries.push(first);
            }
            // Guard reads a map's key list only where a query reaches keys
            // it does not name; with a key set, no query does, and the list
            // (a value per key, copied at every step) is left empty.
            let listed = keys.keep.is_none();
            let mut names = Vec::with_capacity(if listed { entries.len() } else { 0 });
            let mut values = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                let sub = child(&path, k);
                if listed {
                    names.push(PathAwareValue::String((at(sub.clone()), k.clone())));
                }
                let inner_data = data || DATA.contains(&k.as_str());
                values.push((k.clone(), convert(v, sub, keys, inner_data)));
            }
            let (keys, values) = (names, values.into_iter().collect());
            PathAwareValue::Map((at(path), MapValue { keys, values }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn words(text: &str) -> Vec<String> {
        let mut w: Vec<String> = reachable_keys(text).unwrap().into_iter().collect();
        w.sort();
        w
    }

    #[test]
    fn reachable_keys_skip_comments_and_messages_and_fold_case() {
        let w = words(
            "# load_balancer is not read\nrule r {\n  services[*].Server.KeepAlive.value >= 5 << the margin, in seconds >>\n  services[*].tags[\"a-b c\"] != \"default\" # tail\n}\n",
        );
        for expected in ["server", "keepalive", "value", "tags", "abc", "a", "b", "c"] {
            assert!(w.contains(&expected.to_string()), "{expected} in {w:?}");
        }
        // Comments, messages and compared values name no key.
        for absent in ["loadbalancer", "margin", "seconds", "tail", "default"] {
            assert!(!w.contains(&absent.to_string()), "{absent} in {w:?}");
        }
    }

    #[test]
    fn reachable_keys_give_up_on_queries_that_name_no_key() {
        assert!(reachable_keys("rule r { services[*].server.* !empty }").is_none());
        assert!(reachable_keys("rule r { services[*].tags[ keys == /team/ ] !empty }").is_none());
        assert!(reachable_keys("let k = 'server'\nrule r { services[*][%k] !empty }").is_none());
        assert!(reachable_keys("let k = 'server'\nrule r { services[*].%k !empty }").is_none());
        assert!(reachable_keys("rule r { services[*].load_balancer[ k ] !empty }").is_none());
        assert!(
            reachable_keys("rule r { services[*].load_balancer[ value > 5 ] !empty }").is_none()
        );
        assert!(reachable_keys("rule r { %s[ x == 1 ] !empty }").is_none());
        // Filters on the list of services, indices and lists of literals
        // name their keys.
        assert!(
            reachable_keys(
                "rule r { services[ launch_type == 'FARGATE' ][0].tags['team'] IN ['a', 'b'] or services[*].x IN [1, 2] }"
            )
            .is_some()
        );
        // A `*` in a regular expression or a message is no query.
        assert!(reachable_keys("rule r { services[*].name == /.*api/ << any * >> }").is_some());
        // `#` inside a string or a regular expression starts no comment.
        let w = words(
            "rule r { services[*].a == \"#\" or services[*].b == /#/ or services[*].c == 1 }",
        );
        assert!(w.contains(&"c".to_string()), "{w:?}");
    }

    #[test]
    fn guard_document_matches_guards_own_conversion_without_locations() {
        let doc = json!({
            "version": 1,
            "services": [{
                "location": {"file": "a.tf", "line": 3},
                "server": {"keep_alive": {"value": 5, "source": "explicit", "location": null}},
                "ratio": 1.5,
                "big": u64::MAX,
                "tags": {"location": "eu", "Team": null},
                "on": true,
            }],
        });
        let mine = guard_document(doc["services"].as_array().unwrap(), 0, None);
        let mut expected = doc.clone();
        expected["services"][0]
            .as_object_mut()
            .unwrap()
            .shift_remove("location");
        expected["services"][0]["server"]["keep_alive"]
            .as_object_mut()
            .unwrap()
            .shift_remove("location");
        let guard = PathAwareValue::try_from(expected).unwrap();
        // Same values and the same path on every value.
        assert_eq!(format!("{mine:?}"), format!("{guard:?}"));
    }

    #[test]
    fn guard_document_keeps_only_reachable_keys_and_never_empties_a_map() {
        let doc = json!({
            "version": 1,
            "services": [{
                "server": {"keep_alive": {"value": 5, "source": "explicit"}, "name": "gunicorn"},
                "target_group": {"address": "aws_lb_target_group.app"},
                "tags": {"Team": "a"},
            }],
        });
        let keep = reachable_keys(
            "rule r { services[*] { server.keep_alive.value >= 5\n target_group !empty\n tags exists } }",
        )
        .unwrap();
        let v = guard_document(doc["services"].as_array().unwrap(), 0, Some(&keep));
        let json = serde_json::to_value(&v).unwrap()["value"].clone();
        assert_eq!(
            json,
            json!({"services": [{
                "server": {"keep_alive": {"value": 5}},
                "target_group": {"address": "aws_lb_target_group.app"},
                "tags": {"Team": "a"},
            }]})
        );
    }
}
