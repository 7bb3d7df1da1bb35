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
    shown: String,
    /// The value it was compared with: its pointer when it is in the
    /// document, and how it reads.
    to: Option<(Option<String>, String)>,
    comparison: Option<&'static str>,
    message: Option<String>,
    /// What Guard could not reach below `from` (the rest of the query,
    /// a key missing on the way).
    unresolved: Option<String>,
}

/// Services per batch: Guard records every clause it evaluates, so the
/// document is evaluated in batches whose records stay small, each batch
/// on its own thread (Guard's values are not shared between threads).
const BATCH: usize = 16;

/// A failing clause, ready to report: the service (an index into the
/// chains) or none for the document as a whole, with its rule.
type Reported = (Option<usize>, &'static RuleMeta, Diagnostic);

/// The findings of every policy over `chains`, reported like built-in ones
/// (suppressions on the chain's resources apply).
///
/// Each policy sees the services in batches of [`BATCH`]: a rule about one
/// service at a time (all the shipped ones) is unaffected; a rule that
/// counts or compares the services of the whole document sees a batch.
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
    let batches: Vec<(usize, &[Chain<'_>])> = chains
        .chunks(BATCH)
        .enumerate()
        .map(|(i, c)| (i * BATCH, c))
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, batches.len());
    let per_thread = batches.len().div_ceil(threads);
    let results: Vec<(Vec<Reported>, Vec<Finding>)> = std::thread::scope(|s| {
        let handles: Vec<_> = batches
            .chunks(per_thread)
            .map(|mine| {
                s.spawn(move || {
                    let mut reported = Vec::new();
                    let mut errors = Vec::new();
                    for (offset, batch) in mine {
                        evaluate_batch(policies, *offset, batch, &mut reported, &mut errors);
                    }
                    (reported, errors)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut extra = Vec::new();
    for (reported, errors) in results {
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
        extra.extend(errors);
    }
    let mut out = checker.finish();
    out.extend(extra);
    out
}

/// Evaluate every policy over one batch of services (the chains from
/// `offset` on).
fn evaluate_batch(
    policies: &Policies,
    offset: usize,
    batch: &[Chain<'_>],
    reported: &mut Vec<Reported>,
    errors: &mut Vec<Finding>,
) {
    // Where each value came from, by pointer into this batch's document.
    let mut places = Places::default();
    let reachable = |key: &str| {
        policies
            .reachable
            .as_ref()
            .is_none_or(|keys| keys.contains(&input::folded(key)))
    };
    let mut wanted = crate::document::Wanted::new(&reachable);
    let services: Vec<serde_json::Value> = batch
        .iter()
        .enumerate()
        .map(|(i, c)| crate::document::policy_service(c, &mut places, i, Some(&mut wanted)))
        .collect();
    let document = serde_json::json!({
        "version": crate::document::VERSION,
        "services": services,
    });
    for file in &policies.files {
        let root = Rc::new(input::guard_value(&document, file.reachable.as_ref()));
        let failures = match quietly(|| evaluate(file, root)) {
            Ok(Ok(f)) => f,
            Ok(Err(e)) => {
                errors.push(evaluation_error(file, &e));
                continue;
            }
            Err(panic) => {
                errors.push(evaluation_error(file, &panic));
                continue;
            }
        };
        for f in failures {
            let Some((meta, _)) = file.rules_meta.iter().find(|(m, _)| m.id == f.rule) else {
                continue;
            };
            let local = f.from.as_deref().and_then(service_index);
            let place = f.from.as_deref().and_then(|p| places.find(p));
            let d = diagnostic(meta, &f, place, &places);
            reported.push((local.map(|i| i + offset), meta, d));
        }
    }
}

/// `/services/N/…` → N.
fn service_index(pointer: &str) -> Option<usize> {
    pointer
        .strip_prefix("/services/")?
        .split('/')
        .next()?
        .parse()
        .ok()
}

/// The field a pointer names, relative to its service:
/// `server.keep_alive.value`.
fn field(pointer: &str) -> String {
    let rest = pointer
        .strip_prefix("/services/")
        .and_then(|r| r.split_once('/').map(|(_, f)| f))
        .unwrap_or(pointer.trim_start_matches('/'));
    rest.replace('/', ".")
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
fn evaluate(file: &PolicyFile, root: Rc<PathAwareValue>) -> Result<Vec<Failure>, String> {
    let mut scope = FailuresOnly::new(root_scope(&file.rules, root));
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
                shown: from.as_deref().map(shown).unwrap_or_default(),
                to,
                comparison,
                message: custom(&messages.custom_message).or(message.map(str::to_string)),
                unresolved,
            });
        }
    }
}
