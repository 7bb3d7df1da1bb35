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
use crate::value::{Hole, Kind, Val};
use std::cell::{Cell, RefCell};
use std::sync::Arc;

/// Evaluation steps per root (an expression, a template part, a function
/// argument element). The largest roots measured take under 1% of this.
pub const MAX_WORK: u64 = 5_000_000;
/// Bytes of values built per root (strings, and 64 per collection element).
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;
/// Resource and module instances per root, however made: `count`,
/// `for_each`, or module calls.
pub const MAX_INSTANCES: usize = 10_000;
/// Evaluation steps per scan: ten roots that use up their whole budget.
pub const SCAN_WORK: u64 = 10 * MAX_WORK;
/// A collection element counts as this many bytes of value size.
pub const ELEMENT_BYTES: u64 = 64;

/// Memory a parsed file is estimated to take per syntax element. Parsers
/// that keep spans (hcl-edit, saphyr, the spanned JSON parser) make a node
/// of every token, so a syntax tree's size follows its number of elements,
/// not its bytes. Measured per element (commas, line ends, `=`, `:`,
/// brackets, quotes): 160 bytes in an HCL list of numbers, 340 in a body of
/// attributes, 390 in a file of small blocks; 135 in a JSON template, 210
/// in a YAML one. The estimate takes the largest, rounded up.
pub const BYTES_PER_ELEMENT: u64 = 384;

/// A document whose syntax tree is estimated larger than this is reported,
/// not parsed: 1.4 million elements, a hundred times the largest
/// hand-written Terraform file measured (CloudFormation accepts templates
/// of 1 MB, ECS task definitions of 64 KiB).
pub const MAX_FILE_SYNTAX: u64 = 512 * 1024 * 1024;

/// The syntax trees one scan holds at once, as estimated by
/// `syntax_cost`: for Terraform the module directories some `source`
/// names (kept while roots are evaluated) and the roots in progress
/// (`Held`), for CloudFormation every template while exports are resolved
/// across them. The two are loaded one after the other, each within this.
/// The 2,000-service benchmark's Terraform (6 MB) is estimated at
/// 300 MiB, all of it at once before roots were streamed.
pub const MAX_SYNTAX: u64 = 2 * 1024 * 1024 * 1024;

/// The memory parsing `text` is estimated to take (see `BYTES_PER_ELEMENT`),
/// counted before parsing, so that a file that would take gigabytes is
/// never parsed.
pub fn syntax_cost(text: &str) -> u64 {
    // A table rather than eight comparisons per byte: every byte of every
    // file read passes here.
    const ELEMENT: [bool; 256] = {
        let mut table = [false; 256];
        let mut i = 0;
        let marks = b",\n=:{[(\"";
        while i < marks.len() {
            table[marks[i] as usize] = true;
            i += 1;
        }
        table
    };
    let elements = text
        .bytes()
        .map(|b| u64::from(ELEMENT[b as usize]))
        .sum::<u64>();
    text.len() as u64 + elements * BYTES_PER_ELEMENT
}

/// `Err` with the reason when `text` is too large a syntax tree for one
/// document (a file, or JSON inside a string: container definitions,
/// `jsondecode`).
pub fn syntax_fits(text: &str) -> Result<(), String> {
    fits_one_document(syntax_cost(text))
}

fn fits_one_document(cost: u64) -> Result<(), String> {
    if cost <= MAX_FILE_SYNTAX {
        return Ok(());
    }
    Err(format!(
        "not parsed: its syntax tree would take about {} MiB of memory, more than the {} MiB keepalign parses in one document (see Limits in the README)",
        mib(cost),
        mib(MAX_FILE_SYNTAX)
    ))
}

/// Take `text`'s syntax cost from what is `left` of the scan's; `Err` with
/// the reason when it is too large for one document (`syntax_fits`) or
/// does not fit in what is left.
pub fn take_syntax(text: &str, left: &mut u64, kind: &str) -> Result<(), String> {
    let cost = syntax_cost(text);
    fits_one_document(cost)?;
    if cost > *left {
        return Err(format!(
            "not parsed: this scan already holds the {} MiB of {kind} syntax trees it parses at most (see Limits in the README); scan fewer directories at once",
            mib(MAX_SYNTAX)
        ));
    }
    *left -= cost;
    Ok(())
}

/// `n` bytes as MiB, rounded up: a limit's message never says "0 MiB".
fn mib(n: u64) -> u64 {
    n.div_ceil(1024 * 1024)
}

/// Which budget ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    Work,
    /// What the roots before this one left of the scan's steps.
    ScanWork,
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
            Limit::ScanWork => format!(
                "not evaluated: keepalign's evaluation budget of {} steps per scan is used up",
                group(SCAN_WORK)
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
pub struct Meter {
    /// The steps this root may take: `MAX_WORK`, or less when the scan's
    /// budget is nearly spent (`Scan::allowance`).
    work_limit: u64,
    work: Cell<u64>,
    bytes: Cell<u64>,
    instances: Cell<usize>,
    /// The first budget that ran out, and where.
    spent: RefCell<Option<(Limit, Option<Location>)>>,
    /// Where the instance cap cut a `count`, `for_each` or module call.
    cuts: RefCell<Vec<(String, Option<Location>)>>,
    /// The unknown of each spent budget, shared by every value it cut: the
    /// millions of elements left in a huge list must not each carry a copy.
    holes: RefCell<Vec<(Limit, Arc<Hole>)>>,
}

impl Default for Meter {
    fn default() -> Meter {
        Meter::with_allowance(MAX_WORK)
    }
}

impl Meter {
    pub fn with_allowance(work_limit: u64) -> Meter {
        Meter {
            work_limit: work_limit.min(MAX_WORK),
            work: Cell::default(),
            bytes: Cell::default(),
            instances: Cell::default(),
            spent: RefCell::default(),
            cuts: RefCell::default(),
            holes: RefCell::default(),
        }
    }

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
        let limit = if w > self.work_limit && self.work_limit < MAX_WORK {
            Limit::ScanWork
        } else if w > self.work_limit {
            Limit::Work
        } else if b > MAX_BYTES {
            Limit::Bytes
        } else {
            return Ok(());
        };
        *self.spent.borrow_mut() = Some((limit, at()));
        Err(limit)
    }

    /// The budget that ran out, once one has.
    pub fn spent(&self) -> Option<Limit> {
        self.spent.borrow().as_ref().map(|(limit, _)| *limit)
    }

    /// The value cut off by `limit` at `at`: unknown, naming the budget.
    pub fn cut(&self, limit: Limit, at: Option<Location>) -> Val {
        let mut holes = self.holes.borrow_mut();
        let hole = match holes.iter().find(|(l, _)| *l == limit) {
            Some((_, hole)) => hole.clone(),
            None => {
                let hole = Arc::new(Hole {
                    word: false,
                    reason: limit.reason(),
                    reference: None,
                    error: false,
                    at: at.clone(),
                });
                holes.push((limit, hole.clone()));
                hole
            }
        };
        Val::new(Kind::Unknown(hole), at)
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

/// The value size a value holds at its top level: its string's bytes and
/// source map, or its elements (each element's own contents are counted
/// when that element is made).
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

/// The value size an evaluation result adds: `size` when it was just made,
/// nothing when it is shared with a value that already exists (a reference
/// to a local, a variable or a module output is not a copy).
pub fn added_size(v: &crate::value::Val) -> u64 {
    use crate::value::Kind;
    use std::sync::Arc;
    let shared = match &v.kind {
        Kind::Str(t) => Arc::strong_count(t) > 1,
        Kind::List(items) => Arc::strong_count(items) > 1,
        Kind::Map(m) => Arc::strong_count(m) > 1,
        _ => true,
    };
    if shared { 0 } else { size(v) }
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

/// The scan's budget of steps, shared by its roots in a fixed order so that
/// which root it cuts does not depend on which thread ran first: root `i`
/// gets what roots `0..i` left, and waits for them only when that could
/// be less than a whole root's budget.
pub struct Scan {
    /// Steps each root used; `None` while it runs.
    used: std::sync::Mutex<Vec<Option<u64>>>,
    done: std::sync::Condvar,
}

impl Default for Scan {
    fn default() -> Scan {
        Scan {
            used: std::sync::Mutex::new(Vec::new()),
            done: std::sync::Condvar::new(),
        }
    }
}

impl Scan {
    /// Places for `n` more roots, in the order they count; the first index.
    pub fn reserve(&self, n: usize) -> usize {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        used.extend(std::iter::repeat_n(None, n));
        used.len() - n
    }

    /// The meter of root `i`.
    pub fn meter(&self, i: usize) -> Meter {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            // A root still running may use its whole budget.
            let (mut spent, mut settled) = (0u64, true);
            for u in used.iter().take(i) {
                spent = spent.saturating_add(u.unwrap_or(MAX_WORK));
                settled &= u.is_some();
            }
            let left = SCAN_WORK.saturating_sub(spent);
            if left >= MAX_WORK || settled {
                return Meter::with_allowance(left);
            }
            // Roots are taken in order, so those before this one are running.
            used = self.done.wait(used).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Root `i` is done, having used `meter`.
    pub fn finish(&self, i: usize, meter: &Meter) {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(u) = used.get_mut(i) {
            *u = Some(meter.work().min(meter.work_limit));
        }
        self.done.notify_all();
    }
}

/// The part of the syntax-tree budget that roots share while they are
/// evaluated: a root parses its files once their estimated cost fits in
/// what the roots in progress leave, and gives it back when it is dropped.
/// Admission waits rather than refuses, so which files are parsed does not
/// depend on timing; only a root that could never fit loses files, and
/// that is decided before it waits (`capacity`).
pub struct Held {
    capacity: u64,
    left: std::sync::Mutex<u64>,
    freed: std::sync::Condvar,
}

/// A root's share of `Held`, given back on drop.
pub struct Hold<'h> {
    held: &'h Held,
    cost: u64,
}

impl Held {
    pub fn new(capacity: u64) -> Held {
        Held {
            capacity,
            left: std::sync::Mutex::new(capacity),
            freed: std::sync::Condvar::new(),
        }
    }

    /// What one root may hold at most: all of it.
    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    /// Wait until `cost` (at most the capacity) fits, and take it. A root
    /// holding a share never waits, so every wait ends.
    pub fn hold(&self, cost: u64) -> Hold<'_> {
        let cost = cost.min(self.capacity);
        let mut left = self.left.lock().unwrap_or_else(|e| e.into_inner());
        while *left < cost {
            left = self.freed.wait(left).unwrap_or_else(|e| e.into_inner());
        }
        *left -= cost;
        Hold { held: self, cost }
    }
}

impl Drop for Hold<'_> {
    fn drop(&mut self) {
        let mut left = self.held.left.lock().unwrap_or_else(|e| e.into_inner());
        *left += self.cost;
        self.held.freed.notify_all();
    }
}
