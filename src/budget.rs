//! Evaluation budgets. Input is hostile (keepalign runs on pull requests), and
//! a few lines of Terraform or CloudFormation can ask for unbounded work:
//! strings doubled through locals, nested `for` over large ranges, modules
//! fanned out with `count`, templates that render themselves. Each root
//! (a Terraform root with its modules, a CloudFormation template) gets a
//! budget of work steps, of value size and of instances. Work is counted in
//! steps, not time, so a report does not depend on the machine's speed.
//!
//! When a budget runs out, every value that still needed evaluating is
//! unknown with a reason naming the budget, the rest of the scan goes on,
//! and the root gets a PA001 finding saying where it ran out.

use crate::source::Location;
use std::cell::{Cell, RefCell};

/// Evaluation steps per root (an expression, a template part, a function
/// argument element). The largest roots measured take under 1% of this.
pub const MAX_WORK: u64 = 5_000_000;
/// Bytes of values built per root (strings, and 64 per collection element).
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;
/// Resource and module instances per root, however made: `count`,
/// `for_each`, or module calls.
pub const MAX_INSTANCES: usize = 10_000;
/// A collection element counts as this many bytes of value size.
pub const ELEMENT_BYTES: u64 = 64;

/// Which budget ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    Work,
    Bytes,
}

impl Limit {
    /// The reason every value cut off by this budget carries.
    pub fn reason(self) -> String {
        match self {
            Limit::Work => format!(
                "not evaluated: keepalign's evaluation budget of {} steps per root or template is used up",
                group(MAX_WORK)
            ),
            Limit::Bytes => format!(
                "not evaluated: keepalign's value-size budget of {} MiB per root or template is used up",
                MAX_BYTES / 1024 / 1024
            ),
        }
    }
}

/// The reason for instances beyond the cap.
pub fn instance_reason() -> String {
    format!(
        "more than {} resource and module instances in this root (keepalign's instance cap)",
        group(MAX_INSTANCES as u64)
    )
}

/// `20000000` as `20,000,000`.
pub fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The budget of one root, shared by its module instances (one thread).
#[derive(Default)]
pub struct Meter {
    work: Cell<u64>,
    bytes: Cell<u64>,
    instances: Cell<usize>,
    /// The first budget that ran out, and where.
    spent: RefCell<Option<(Limit, Option<Location>)>>,
    /// Where the instance cap cut a `count`, `for_each` or module call.
    cuts: RefCell<Vec<(String, Option<Location>)>>,
}

impl Meter {
    /// Count `work` steps and `bytes` of new values; `Err` once a budget is
    /// spent (and for ever after: the root stops evaluating).
    pub fn charge(
        &self,
        work: u64,
        bytes: u64,
        at: impl FnOnce() -> Option<Location>,
    ) -> Result<(), Limit> {
        if let Some((limit, _)) = &*self.spent.borrow() {
            return Err(*limit);
        }
        let w = self.work.get().saturating_add(work);
        let b = self.bytes.get().saturating_add(bytes);
        self.work.set(w);
        self.bytes.set(b);
        let limit = if w > MAX_WORK {
            Limit::Work
        } else if b > MAX_BYTES {
            Limit::Bytes
        } else {
            return Ok(());
        };
        *self.spent.borrow_mut() = Some((limit, at()));
        Err(limit)
    }

    /// Whether `bytes` more of value size would still fit: checked before
    /// building a large string, so that it is never built.
    pub fn fits(&self, bytes: u64, at: impl FnOnce() -> Option<Location>) -> Result<(), Limit> {
        if self.bytes.get().saturating_add(bytes) > MAX_BYTES {
            return self.charge(0, bytes, at);
        }
        self.charge(0, 0, at)
    }

    /// Take `n` instances; `false` (and the cut remembered) when that would
    /// pass the cap.
    pub fn take_instances(&self, n: usize, what: &str, at: &Option<Location>) -> bool {
        let used = self.instances.get();
        if used.saturating_add(n) > MAX_INSTANCES {
            let mut cuts = self.cuts.borrow_mut();
            if !cuts.iter().any(|(_, a)| a == at) {
                cuts.push((what.to_string(), at.clone()));
            }
            return false;
        }
        self.instances.set(used + n);
        true
    }

    /// How many more instances the cap allows.
    pub fn room(&self) -> usize {
        MAX_INSTANCES.saturating_sub(self.instances.get())
    }

    pub fn work(&self) -> u64 {
        self.work.get()
    }

    pub fn bytes(&self) -> u64 {
        self.bytes.get()
    }

    /// What ran out in this root, as PA001 findings: the first budget spent,
    /// and each place the instance cap cut.
    pub fn report(&self, root: &str) -> Vec<crate::model::InputError> {
        let mut out = Vec::new();
        if let Some((limit, at)) = &*self.spent.borrow() {
            out.push(input_error(
                root,
                format!(
                    "{root}: evaluation stopped here: {}; the values still needed are unknown (see Limits in the README)",
                    limit.reason().trim_start_matches("not evaluated: ")
                ),
                at,
            ));
        }
        // A cap hit inside thousands of module instances is one place.
        for (what, at) in self.cuts.borrow().iter().take(20) {
            let module = what
                .rsplit_once('.')
                .is_some_and(|(before, _)| before.ends_with("module"));
            let then = if module {
                "its resources are not analysed"
            } else {
                "it is analysed once, its instance key unknown"
            };
            out.push(input_error(
                root,
                format!(
                    "{root}: {what} was not expanded: {}; {then}",
                    instance_reason()
                ),
                at,
            ));
        }
        out
    }
}

fn input_error(root: &str, message: String, at: &Option<Location>) -> crate::model::InputError {
    crate::model::InputError {
        file: at
            .as_ref()
            .map(|a| a.file.display.clone())
            .unwrap_or_else(|| root.to_string()),
        message,
        at: at.clone(),
        line_col: None,
    }
}

/// The value size a value adds when it is made or copied: its string's
/// bytes and source map, or its elements.
pub fn size(v: &crate::value::Val) -> u64 {
    use crate::value::Kind;
    match &v.kind {
        // Each piece of the source map and each unknown part is kept too.
        Kind::Str(t) => t.s.len() as u64 + (t.segs.len() + t.holes.len()) as u64 * ELEMENT_BYTES,
        Kind::List(items) => items.len() as u64 * ELEMENT_BYTES,
        Kind::Map(m) => m.len() as u64 * ELEMENT_BYTES,
        _ => 0,
    }
}

/// A number argument as a whole number in `0..=max`: `Err` says why not
/// (Terraform stops with an error for these too).
pub fn whole(x: f64, max: u64) -> Result<u64, String> {
    if !x.is_finite() {
        return Err(format!("{x} is not a finite number"));
    }
    if x.fract() != 0.0 {
        return Err(format!("{x} is not a whole number"));
    }
    if x < 0.0 {
        return Err(format!("{x} is negative"));
    }
    if x > max as f64 {
        return Err(format!("{x} is larger than {}", group(max)));
    }
    Ok(x as u64)
}

/// A number argument as a whole number in `-max..=max`.
pub fn signed(x: f64, max: u64) -> Result<i64, String> {
    if x < 0.0 {
        whole(-x, max).map(|n| -(n as i64))
    } else {
        whole(x, max).map(|n| n as i64)
    }
}
