//! Evaluating the policies over the service document, and each failing
//! clause as a finding.

use super::scope::FailuresOnly;
use super::{Policies, PolicyFile, input, quietly};
use crate::document::{Place, Places};
use crate::finding::{Finding, Related, RuleMeta};
use crate::linker::Chain;
use crate::rules::{Checker, Diagnostic};
use cloudformation_guard_lang::eval::eval_rules_file;
use cloudformation_guard_lang::eval_context::{
    BinaryCheck, ClauseReport, GuardClauseReport, UnaryCheck, ValueComparisons, cmp_str,
    root_scope, simplified_json_from_root,
};
use cloudformation_guard_lang::path_value::PathAwareValue;
use std::rc::Rc;

/// One failing clause, owned (Guard's report borrows its evaluation).
struct Failure {
    rule: String,
    /// Pointer into the document of the value the clause failed on.
    from: Option<String>,
    /// That value when it is a scalar (to tell a value of the document
    /// from one computed from it, which Guard gives its input's path).
    from_scalar: Option<serde_json::Value>,
    shown: String,
    /// The value it was compared with: its pointer when it is in the
    /// document, and how it reads.
    to: Option<(Option<String>, String)>,
    to_scalar: Option<serde_json::Value>,
    comparison: Option<&'static str>,
    message: Option<String>,
    /// What Guard could not reach below `from` (the rest of the query,
    /// a key missing on the way).
    unresolved: Option<String>,
}

/// A failing clause, ready to report: the service (an index into the
/// chains) or none for the document as a whole, with its rule.
type Reported = (Option<usize>, &'static RuleMeta, Diagnostic);

/// What evaluating one policy file gave: its failures, or a finding that
/// says why it could not be evaluated.
type Evaluated = Result<Vec<Reported>, Box<Finding>>;

/// Services per part for a policy that is about one service at a time:
/// parts spread over the cores, and Guard copies less at each step.
const PART: usize = 16;

/// The findings of every policy over `chains`, reported like built-in ones
/// (suppressions on the chain's resources apply).
///
/// The document is built once, in parallel. A policy whose rules are each
/// about one service at a time (`input::per_service`) is evaluated over
/// parts of `PART` services, which find the same failures; any other
/// over the whole document at once, so that it may count or compare
/// services. Parts and policies are evaluated on every core (Guard's
/// values are not shared between threads: each converts what it reads).
pub fn check(
    policies: &Policies,
    chains: &[Chain<'_>],
    today: crate::suppress::Date,
    disabled: &[&str],
) -> Vec<Finding> {
    let mut checker = Checker::with_disabled(today, disabled);
    if policies.files.is_empty() || chains.is_empty() {
        return Vec::new();
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (services, places) = document(policies, chains, cores);
    // What to evaluate: a policy file over a range of services.
    let mut units: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
    for (i, file) in policies.files.iter().enumerate() {
        if file.per_service {
            units.extend(
                (0..services.len())
                    .step_by(PART)
                    .map(|start| (i, start..(start + PART).min(services.len()))),
            );
        } else {
            units.push((i, 0..services.len()));
        }
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = cores.clamp(1, units.len());
    let mut evaluated: Vec<(usize, usize, Evaluated)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (services, places, units, next) = (&services, &places, &units, &next);
                s.spawn(move || {
                    let mut out = Vec::new();
                    loop {
                        let u = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((file, range)) = units.get(u) else {
                            break;
                        };
                        let file_policy = &policies.files[*file];
                        let result = evaluate_part(file_policy, services, range.clone(), places);
                        out.push((*file, range.start, result));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    // A panic in keepalign's own code above is a bug: it stops the run
    // (never a policy that silently found nothing). Guard's panics are
    // caught where it runs and become findings.
    // In the order the policies were given, then the services.
    evaluated.sort_by_key(|(file, start, _)| (*file, *start));
    let mut extra = Vec::new();
    let mut failed_files = std::collections::BTreeSet::new();
    for (file, _, result) in evaluated {
        let reported = match result {
            Ok(r) => r,
            // Once per policy, however many parts it fails on.
            Err(error) => {
                if failed_files.insert(file) {
                    extra.push(*error);
                }
                continue;
            }
        };
        for (index, meta, d) in reported {
            if checker.is_disabled(meta.id) {
                continue;
            }
            match index.and_then(|i| chains.get(i)) {
                Some(chain) => checker.report(meta, chain, d),
                None => {
                    // About the document as a whole (`services !empty`):
                    // located at the rule.
                    let rule_at = policies
                        .files
                        .iter()
                        .flat_map(|f| &f.rules_meta)
                        .find(|(m, _)| m.id == meta.id)
                        .map(|(_, at)| at.clone());
                    extra.push(Finding {
                        location: rule_at,
                        label: d.label,
                        ..Finding::new(meta, d.message)
                    });
                }
            }
        }
    }
    let mut out = checker.finish();
    out.extend(extra);
    out
}

/// The services of the document the policies read (the keys they can
/// reach, no locations) and the places of their values, built in `cores`
/// parallel parts.
fn document(
    policies: &Policies,
    chains: &[Chain<'_>],
    cores: usize,
) -> (Vec<serde_json::Value>, Places) {
    let reachable = |key: &str| {
        policies
            .reachable
            .as_ref()
            .is_none_or(|keys| keys.contains(&input::folded(key)))
    };
    let part = chains.len().div_ceil(cores.max(1)).max(1);
    let parts: Vec<(Vec<serde_json::Value>, Places)> = std::thread::scope(|s| {
        let handles: Vec<_> = chains
            .chunks(part)
            .map(|mine| {
                let reachable = &reachable;
                s.spawn(move || {
                    let mut places = Places::default();
                    let mut wanted = crate::document::Wanted::new(reachable);
                    let services = mine
                        .iter()
                        .enumerate()
                        .map(|(i, c)| {
                            crate::document::policy_service(c, &mut places, i, Some(&mut wanted))
                        })
                        .collect();
                    (services, places)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut services = Vec::with_capacity(chains.len());
    let mut places = Places::default();
    for (s, p) in parts {
        services.extend(s);
        places.append(p);
    }
    (services, places)
}

/// Evaluate one policy file over the document's services in `range` (all
/// of them, or a part for a policy about one service at a time).
fn evaluate_part(
    file: &PolicyFile,
    services: &[serde_json::Value],
    range: std::ops::Range<usize>,
    places: &Places,
) -> Evaluated {
    let root = Rc::new(input::guard_document(
        &services[range.clone()],
        range.start,
        file.reachable.as_ref(),
    ));
    let failures = match quietly(|| evaluate(file, root, range.len())) {
        Ok(Ok(f)) => f,
        Ok(Err(e)) => return Err(Box::new(evaluation_error(file, &e))),
        Err(panic) => return Err(Box::new(evaluation_error(file, &panic))),
    };
    let mut reported = Vec::new();
    for mut f in failures {
        let Some((meta, _)) = file.rules_meta.iter().find(|(m, _)| m.id == f.rule) else {
            continue;
        };
        if f.from
            .as_deref()
            .is_some_and(|p| computed(services, p, f.from_scalar.as_ref()))
        {
            f.from = None;
        }
        if let Some((pointer, _)) = &mut f.to
            && pointer
                .as_deref()
                .is_some_and(|p| computed(services, p, f.to_scalar.as_ref()))
        {
            *pointer = None;
        }
        let index = f
            .from
            .as_deref()
            .and_then(crate::document::in_service)
            .map(|(index, _)| index);
        let place = f.from.as_deref().and_then(|p| places.find(p));
        let d = diagnostic(meta, &f, place, places);
        reported.push((index, *meta, d));
    }
    Ok(reported)
}

/// The field a pointer names, relative to its service:
/// `server.keep_alive.value`.
fn field(pointer: &str) -> String {
    let rest = match crate::document::in_service(pointer) {
        Some((_, inner)) if !inner.is_empty() => inner,
        _ => pointer,
    };
    rest.trim_start_matches('/').replace('/', ".")
}

fn diagnostic(meta: &RuleMeta, f: &Failure, place: Option<&Place>, places: &Places) -> Diagnostic {
    let mut what = f.from.as_deref().map(field).unwrap_or_default();
    if let Some(rest) = &f.unresolved {
        let rest = rest.trim_start_matches('.');
        if !rest.is_empty() {
            what = if what.is_empty() {
                rest.to_string()
            } else {
                format!("{what}.{rest}")
            };
        }
    }
    let value = if f.unresolved.is_some() {
        format!("`{what}` is missing")
    } else if what.is_empty() {
        format!("the value is {}", f.shown)
    } else {
        format!("`{what}` is {}", f.shown)
    };
    let expected = match (f.comparison.map(operator), &f.to) {
        (Some(cmp), Some((_, to))) => format!(", expected {cmp} {to}"),
        (Some(cmp), None) => format!(", expected {cmp}"),
        _ => String::new(),
    };
    let head = match &f.message {
        Some(m) => m.clone(),
        None => format!("policy rule {} is not satisfied", meta.id),
    };
    let message = format!("{head}: {value}{expected}");
    let mut related: Vec<Related> = place.map(|p| p.related.clone()).unwrap_or_default();
    if let Some((Some(pointer), to)) = &f.to
        && let Some(p) = places.find(pointer)
        && place.is_none_or(|own| own.at != p.at)
    {
        related.push(Related {
            location: p.at.clone(),
            message: format!("{} {to}", field(pointer)),
        });
    }
    Diagnostic {
        message,
        fix: None,
        location: place.map(|p| p.at.clone()),
        label: match (&f.unresolved, what.is_empty()) {
            (Some(_), _) => format!("no {what}"),
            (None, true) => f.shown.clone(),
            (None, false) => format!("{what} {}", f.shown),
        },
        related,
        suggestion: None,
    }
}

/// Guard's name of a comparison as users write it.
fn operator(guard: &str) -> String {
    match guard {
        "EQUALS" | "EQUAL" => "==".into(),
        "NOT EQUALS" | "NOT EQUAL" => "!=".into(),
        "GREATER THAN" => ">".into(),
        "GREATER THAN EQUAL" => ">=".into(),
        "LESS THAN" => "<".into(),
        "LESS THAN EQUAL" => "<=".into(),
        "NOT GREATER THAN" => "<=".into(),
        "NOT GREATER THAN EQUAL" => "<".into(),
        "NOT LESS THAN" => ">=".into(),
        "NOT LESS THAN EQUAL" => ">".into(),
        other => other.to_lowercase(),
    }
}

/// An error while evaluating a policy: a finding of PA001 on the policy.
fn evaluation_error(file: &PolicyFile, why: &str) -> Finding {
    let message = format!(
        "policy {} could not be evaluated: {}",
        file.source.display,
        crate::report::escape_terminal(&why.chars().take(300).collect::<String>())
    );
    Finding {
        location: Some(crate::source::Location::new(&file.source, 0..0)),
        ..Finding::new(&crate::rules::pa001::META, message)
    }
}

/// Evaluate one policy file over the document: its failing clauses.
fn evaluate(
    file: &PolicyFile,
    root: Rc<PathAwareValue>,
    services: usize,
) -> Result<Vec<Failure>, String> {
    let mut scope = FailuresOnly::new(root_scope(&file.rules, root), services);
    eval_rules_file(&file.rules, &mut scope, None).map_err(|e| e.to_string())?;
    let Some(record) = scope.record() else {
        return Ok(Vec::new());
    };
    let report = simplified_json_from_root(&record).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for clause in &report.not_compliant {
        collect(clause, None, None, &mut out);
    }
    Ok(out)
}

fn path_of(v: &PathAwareValue) -> Option<String> {
    let p = &v.self_path().0;
    p.starts_with('/').then(|| p.clone())
}

/// A scalar value as JSON; `None` for collections.
fn scalar(v: &PathAwareValue) -> Option<serde_json::Value> {
    Some(match v {
        PathAwareValue::Null(_) => serde_json::Value::Null,
        PathAwareValue::String((_, s)) => serde_json::json!(s),
        PathAwareValue::Bool((_, b)) => serde_json::json!(b),
        PathAwareValue::Int((_, i)) => serde_json::json!(i),
        PathAwareValue::Float((_, f)) => serde_json::json!(f),
        _ => return None,
    })
}

/// Whether a failing value at `pointer` was computed from the document
/// (`count(services[*])` carries the path of its input) rather than read
/// from it: the document holds something else there.
fn computed(
    services: &[serde_json::Value],
    pointer: &str,
    value: Option<&serde_json::Value>,
) -> bool {
    let Some(value) = value else { return false };
    let Some(at) = crate::document::in_service(pointer)
        .and_then(|(index, inner)| services.get(index)?.pointer(inner))
    else {
        // A key Guard does not escape (`/` in a tag): trust the path.
        return false;
    };
    match (at.as_f64(), value.as_f64()) {
        (Some(a), Some(b)) => a != b,
        _ => at != value,
    }
}

/// How a value reads in a message: scalars as written, collections by
/// size.
fn shown(v: &PathAwareValue) -> String {
    match v {
        PathAwareValue::Null(_) => "null".into(),
        PathAwareValue::String((_, s)) | PathAwareValue::Regex((_, s)) => {
            format!("\"{}\"", s.chars().take(80).collect::<String>())
        }
        PathAwareValue::Bool((_, b)) => b.to_string(),
        PathAwareValue::Int((_, i)) => i.to_string(),
        PathAwareValue::Float((_, f)) => crate::model::fmt_secs(*f),
        PathAwareValue::Char((_, c)) => format!("'{c}'"),
        PathAwareValue::List((_, l)) => format!("a list of {}", l.len()),
        PathAwareValue::Map((_, m)) => format!("a map of {} keys", m.values.len()),
        PathAwareValue::RangeInt(_)
        | PathAwareValue::RangeFloat(_)
        | PathAwareValue::RangeChar(_) => "a range".into(),
    }
}

/// Walk a rule's report down to the clauses that failed.
fn collect(
    clause: &ClauseReport<'_>,
    rule: Option<&str>,
    message: Option<&str>,
    out: &mut Vec<Failure>,
) {
    let custom = |m: &Option<String>| {
        m.as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_string)
    };
    match clause {
        ClauseReport::Rule(r) => {
            let own = custom(&r.messages.custom_message);
            let message = own.as_deref().or(message);
            for c in &r.checks {
                collect(c, Some(rule.unwrap_or(r.name)), message, out);
            }
        }
        ClauseReport::Disjunctions(d) => {
            for c in &d.checks {
                collect(c, rule, message, out);
            }
        }
        ClauseReport::Block(b) => {
            let Some(rule) = rule else { return };
            out.push(Failure {
                rule: rule.to_string(),
                from: b.unresolved.as_ref().and_then(|u| path_of(&u.traversed_to)),
                from_scalar: None,
                to_scalar: None,
                shown: b
                    .unresolved
                    .as_ref()
                    .map_or_else(String::new, |u| shown(&u.traversed_to)),
                to: None,
                comparison: None,
                message: custom(&b.messages.custom_message).or(message.map(str::to_string)),
                unresolved: b.unresolved.as_ref().map(|u| u.remaining_query.clone()),
            });
        }
        ClauseReport::Clause(c) => {
            let Some(rule) = rule else { return };
            let (messages, comparison, unresolved) = match c {
                GuardClauseReport::Unary(u) => (
                    &u.messages,
                    match &u.check {
                        UnaryCheck::Resolved(r) => Some(cmp_str(r.comparison)),
                        UnaryCheck::UnResolved(r) => Some(cmp_str(r.comparison)),
                        _ => None,
                    },
                    match &u.check {
                        UnaryCheck::UnResolved(r) => Some(r.value.remaining_query.clone()),
                        _ => None,
                    },
                ),
                GuardClauseReport::Binary(b) => (
                    &b.messages,
                    Some(match &b.check {
                        BinaryCheck::Resolved(r) => cmp_str(r.comparison),
                        BinaryCheck::InResolved(r) => cmp_str(r.comparison),
                        BinaryCheck::UnResolved(r) => cmp_str(r.comparison),
                    }),
                    match &b.check {
                        BinaryCheck::UnResolved(r) => Some(r.value.remaining_query.clone()),
                        _ => None,
                    },
                ),
            };
            let from = c.value_from();
            let to_scalar = match c {
                GuardClauseReport::Binary(b) => match &b.check {
                    BinaryCheck::InResolved(_) => None,
                    _ => c.value_to().as_deref().and_then(scalar),
                },
                GuardClauseReport::Unary(_) => None,
            };
            let to = match c {
                GuardClauseReport::Binary(b) => match &b.check {
                    BinaryCheck::InResolved(r) => Some((
                        None,
                        format!(
                            "[{}]",
                            r.to.iter().map(|v| shown(v)).collect::<Vec<_>>().join(", ")
                        ),
                    )),
                    _ => c.value_to().map(|v| (path_of(&v), shown(&v))),
                },
                GuardClauseReport::Unary(_) => None,
            };
            out.push(Failure {
                rule: rule.to_string(),
                from: from.as_deref().and_then(path_of),
                from_scalar: from.as_deref().and_then(scalar),
                shown: from.as_deref().map(shown).unwrap_or_default(),
                to,
                to_scalar,
                comparison,
                message: custom(&messages.custom_message).or(message.map(str::to_string)),
                unresolved,
            });
        }
    }
}
