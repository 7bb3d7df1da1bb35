//! Policies: CloudFormation Guard rules evaluated over the service
//! document ([`crate::document`]), with Guard's own parser and evaluator
//! (the `cloudformation-guard-lang` crate), in process.
//!
//! Each policy file is parsed once per run and the document built once;
//! each file sees it with only the keys it can reach (`input.rs`) and is
//! evaluated over all services (in parts when each of its rules is about
//! one service, `report.rs`). A clause that fails becomes a finding of the rule that holds it:
//! rule ID = the Guard rule's name, severity from a `# severity: LEVEL`
//! comment above the rule (else warning; the configuration's `severity`
//! table wins), message from the clause's `<< >>` message. It points at the
//! source line of the value the clause failed on, found from Guard's path
//! into the document (`/services/3/server/keep_alive/value`), with the
//! value it was compared with as a related location. Policy findings are
//! reported through the same checker as built-in ones: suppressions,
//! baselines, `--fail-on` and every format treat them alike.
//!
//! Guard's parser has panicked on bad input before: parsing and evaluation
//! run under `catch_unwind`, a panic becomes an error naming the policy,
//! and the nesting of a policy is bounded before Guard's recursive parser
//! sees it (a stack overflow cannot be caught).

mod builtin;
mod input;
mod report;
mod scope;

pub use builtin::BUILTIN;

use crate::finding::{RuleMeta, Severity};
use crate::input::Within;
use crate::source::{Location, SourceFile};
use cloudformation_guard_lang::exprs::RulesFile;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A policy file larger than this is not read.
pub const MAX_POLICY_SIZE: u64 = 1024 * 1024;
/// Brackets nest at most this deep in a policy (Guard's parser recurses).
pub const MAX_POLICY_DEPTH: usize = 48;
/// A directory of policies holds at most this many files.
pub const MAX_POLICY_FILES: usize = 1000;

/// Where a policy comes from.
#[derive(Clone, Debug)]
pub enum PolicyRef {
    /// `builtin:NAME`: a pack shipped in the binary.
    Builtin(String),
    /// A file or a directory of `.guard` files. `within` says where it may
    /// be read from: named on the command line, or written in the
    /// repository's configuration (then confined to the repository).
    Path { path: PathBuf, within: PathWithin },
}

#[derive(Clone, Debug)]
pub enum PathWithin {
    Named,
    Repository(PathBuf),
}

impl PolicyRef {
    /// `builtin:NAME` or a path, as written on the command line or in the
    /// configuration.
    pub fn parse(text: &str, base: &Path, within: PathWithin) -> PolicyRef {
        match text.strip_prefix("builtin:") {
            Some(name) => PolicyRef::Builtin(name.to_string()),
            None => PolicyRef::Path {
                path: base.join(text),
                within,
            },
        }
    }
}

/// One parsed policy file.
pub struct PolicyFile {
    pub source: Arc<SourceFile>,
    rules: RulesFile<'static>,
    /// Each rule's catalog entry and the line its `rule` keyword is on.
    pub rules_meta: Vec<(&'static RuleMeta, Location)>,
    /// The document keys the file's queries can reach (folded), or `None`
    /// when a query may reach any key: the file sees only these.
    reachable: Option<std::collections::HashSet<String>>,
    /// Whether its failures are the same over parts of the services as
    /// over all of them (every rule is about one service at a time).
    per_service: bool,
}

impl std::fmt::Debug for PolicyFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicyFile")
            .field("file", &self.source.display)
            .field("rules", &self.rules_meta.len())
            .finish()
    }
}

/// Every policy of a run, parsed.
#[derive(Debug, Default)]
pub struct Policies {
    pub files: Vec<PolicyFile>,
    /// The keys any file can reach (folded), or `None` when one may reach
    /// any key: the document is built with these alone.
    reachable: Option<std::collections::HashSet<String>>,
}

impl Policies {
    /// Read and parse every policy `refs` name. An unreadable or
    /// unparsable policy is an error naming its file and line (exit 2).
    pub fn load(refs: &[PolicyRef]) -> Result<Policies, String> {
        let mut files = Vec::new();
        for r in refs {
            match r {
                PolicyRef::Builtin(name) => {
                    let Some((_, text)) = BUILTIN.iter().find(|(n, _)| n == name) else {
                        let names: Vec<String> = BUILTIN
                            .iter()
                            .map(|(n, _)| format!("builtin:{n}"))
                            .collect();
                        return Err(format!(
                            "policy builtin:{name}: no such pack; the shipped packs are {}",
                            names.join(", ")
                        ));
                    };
                    let source = SourceFile::new(
                        PathBuf::from(format!("builtin:{name}")),
                        (*text).to_string(),
                    );
                    files.push(parse(source)?);
                }
                PolicyRef::Path { path, within } => {
                    for p in policy_paths(path)? {
                        let within = match within {
                            PathWithin::Named => Within::Named,
                            PathWithin::Repository(root) => Within::Repository(root),
                        };
                        let text =
                            crate::input::read_text(&p, within, MAX_POLICY_SIZE).map_err(|e| {
                                format!("policy {}: {}", crate::source::display_path(&p), e.message)
                            })?;
                        files.push(parse(SourceFile::new(p, text))?);
                    }
                }
            }
        }
        let reachable = files
            .iter()
            .try_fold(std::collections::HashSet::new(), |mut all, f| {
                all.extend(f.reachable.clone()?);
                Some(all)
            });
        let policies = Policies { files, reachable };
        policies.check_names()?;
        Ok(policies)
    }

    /// The rules the policies define, each once, in order.
    pub fn rules(&self) -> Vec<&'static RuleMeta> {
        let mut out: Vec<&'static RuleMeta> = Vec::new();
        for f in &self.files {
            for (m, _) in &f.rules_meta {
                if !out.iter().any(|o| o.id == m.id) {
                    out.push(m);
                }
            }
        }
        out
    }

    /// A policy rule may not take a built-in rule's ID or name: findings,
    /// suppressions and baselines would mix them up.
    fn check_names(&self) -> Result<(), String> {
        for f in &self.files {
            for (m, at) in &f.rules_meta {
                if let Some(b) = crate::rules::CATALOG
                    .iter()
                    .find(|b| b.id.eq_ignore_ascii_case(m.id) || b.name.eq_ignore_ascii_case(m.id))
                {
                    return Err(format!(
                        "{}:{}: policy rule {} has the name of the built-in rule {} ({}); rename it",
                        at.file.display,
                        at.start().0,
                        m.id,
                        b.id,
                        b.name
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The policy files at `path`: the file itself, or the `.guard` and
/// `.rules` files under the directory, sorted, without following links.
fn policy_paths(path: &Path) -> Result<Vec<PathBuf>, String> {
    let shown = crate::source::display_path(path);
    let meta = std::fs::metadata(path).map_err(|e| format!("policy {shown}: {e}"))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(path)
        .max_depth(8)
        .sort_by_file_name()
        .into_iter()
    {
        let entry = entry.map_err(|e| format!("policy {shown}: {e}"))?;
        let is_policy = entry
            .path()
            .extension()
            .is_some_and(|e| e == "guard" || e == "rules");
        if entry.file_type().is_file() && is_policy {
            out.push(entry.into_path());
            if out.len() > MAX_POLICY_FILES {
                return Err(format!(
                    "policy {shown}: more than {MAX_POLICY_FILES} policy files; name the \
                     directories that hold yours"
                ));
            }
        }
    }
    if out.is_empty() {
        return Err(format!(
            "policy {shown}: the directory holds no .guard file"
        ));
    }
    Ok(out)
}

/// How deeply brackets nest in a policy, outside strings and comments.
fn nesting(text: &str) -> (usize, usize) {
    let (mut depth, mut max, mut at) = (0usize, 0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut escaped = false;
    for (i, ch) in text.char_indices() {
        if comment {
            comment = ch != '\n';
            continue;
        }
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == q {
                quote = None;
            }
            continue;
        }
        match ch {
            '#' => comment = true,
            '"' | '\'' => quote = Some(ch),
            '{' | '[' | '(' => {
                depth += 1;
                if depth > max {
                    max = depth;
                    at = i;
                }
            }
            '}' | ']' | ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    (max, at)
}

/// Parse one policy: Guard's parser, bounded and under `catch_unwind`.
fn parse(source: Arc<SourceFile>) -> Result<PolicyFile, String> {
    let (depth, deepest) = nesting(&source.text);
    if depth > MAX_POLICY_DEPTH {
        let at = Location::new(&source, deepest..deepest + 1);
        return Err(format!(
            "{}:{}:{}: the policy nests brackets {depth} deep; keepalign reads at most \
             {MAX_POLICY_DEPTH}",
            source.display,
            at.start().0,
            at.start().1
        ));
    }
    // Guard's rules borrow the text and the file name for the whole run:
    // both live as long as the process (one copy per policy file).
    let text: &'static str = Box::leak(source.text.clone().into_boxed_str());
    let name: &'static str = Box::leak(source.display.clone().into_boxed_str());
    let parsed = quietly(|| {
        cloudformation_guard_lang::parser::rules_file(
            cloudformation_guard_lang::parser::Span::new_extra(text, name),
        )
    });
    let rules = match parsed {
        Ok(Ok(Some(r))) => r,
        Ok(Ok(None)) => RulesFile {
            assignments: Vec::new(),
            guard_rules: Vec::new(),
            parameterized_rules: Vec::new(),
        },
        Ok(Err(e)) => return Err(parse_error(&source, &e.to_string())),
        Err(panic) => {
            return Err(format!(
                "{}: Guard's parser failed on this policy ({panic}); simplify the rule it \
                 stops at, or report it with the policy",
                source.display
            ));
        }
    };
    let rules_meta = rules
        .guard_rules
        .iter()
        .map(|r| describe(&source, &r.rule_name))
        .collect::<Result<Vec<_>, String>>()?;
    let reachable = input::reachable_keys(&source.text);
    let per_service = input::per_service(&rules);
    Ok(PolicyFile {
        source,
        rules,
        rules_meta,
        reachable,
        per_service,
    })
}

/// Guard's parse error as `file:line:column: …`, without the rest of the
/// file Guard quotes.
fn parse_error(source: &SourceFile, message: &str) -> String {
    let number_after = |key: &str| -> Option<usize> {
        let rest = &message[message.find(key)? + key.len()..];
        rest.split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    };
    let line = number_after("at line ").unwrap_or(1);
    let column = number_after("at column ").unwrap_or(1);
    let context = message
        .find("when handling ")
        .map(|i| &message[i + "when handling ".len()..])
        .and_then(|rest| rest.split(", fragment").next())
        .filter(|c| !c.is_empty())
        .map(|c| {
            let c: String = c.chars().take(120).collect();
            format!(
                " (Guard was reading {})",
                crate::report::escape_terminal(&c)
            )
        })
        .unwrap_or_default();
    format!(
        "{}:{line}:{column}: the policy does not parse as CloudFormation Guard{context}",
        source.display
    )
}

/// Rule metas are interned: a run (or a test process) that loads the same
/// policy twice gets the same entry, and entries live as long as findings
/// that point at them.
static INTERNED: Mutex<Vec<&'static RuleMeta>> = Mutex::new(Vec::new());

fn intern(meta: RuleMeta) -> &'static RuleMeta {
    let mut all = INTERNED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(m) = all.iter().find(|m| {
        m.id == meta.id
            && m.severity == meta.severity
            && m.summary == meta.summary
            && m.doc == meta.doc
            && m.policy == meta.policy
    }) {
        return m;
    }
    let m: &'static RuleMeta = Box::leak(Box::new(meta));
    all.push(m);
    m
}

/// The catalog entry of rule `name` from the comments above it:
/// `# severity: LEVEL`, then its description.
fn describe(source: &Arc<SourceFile>, name: &str) -> Result<(&'static RuleMeta, Location), String> {
    let lines: Vec<&str> = source.text.lines().collect();
    let starts = |l: &str| {
        let t = l.trim_start();
        t.strip_prefix("rule")
            .filter(|rest| rest.starts_with(char::is_whitespace))
            .map(str::trim_start)
            .is_some_and(|rest| {
                rest.strip_prefix(name).is_some_and(|after| {
                    !after.starts_with(|c: char| c.is_alphanumeric() || c == '_')
                })
            })
    };
    let index = lines.iter().position(|l| starts(l)).unwrap_or(0);
    let offset: usize = source
        .text
        .split_inclusive('\n')
        .take(index)
        .map(str::len)
        .sum();
    let at = Location::new(
        source,
        offset..offset + lines.get(index).map_or(0, |l| l.len()),
    );
    let mut comments = Vec::new();
    for l in lines[..index].iter().rev() {
        match l.trim_start().strip_prefix('#') {
            Some(c) => comments.push(c.trim()),
            None => break,
        }
    }
    comments.reverse();
    let mut severity = Severity::Warning;
    let mut doc = Vec::new();
    for c in comments {
        match c.strip_prefix("severity:") {
            Some(level) => {
                severity = match level.trim() {
                    "error" => Severity::Error,
                    "warning" => Severity::Warning,
                    "note" => Severity::Note,
                    other => {
                        return Err(format!(
                            "{}:{}: the severity of policy rule {name} is \"{}\"; expected \
                             error, warning or note",
                            source.display,
                            index + 1,
                            crate::report::escape_terminal(other)
                        ));
                    }
                }
            }
            None => doc.push(c),
        }
    }
    // The first sentence of the first paragraph.
    let paragraph: Vec<&str> = doc
        .iter()
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty())
        .copied()
        .collect();
    let paragraph = paragraph.join(" ");
    let summary = match paragraph.find(". ") {
        Some(end) => paragraph[..=end].to_string(),
        None => paragraph,
    };
    let summary = if summary.is_empty() {
        format!("policy rule {name}")
    } else {
        summary
    };
    let doc = format!(
        "{}\n\nA policy rule, from `{}`.",
        doc.join("\n").trim(),
        source.display
    );
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let meta = RuleMeta {
        id: leak(name.to_string()),
        name: leak(name.to_string()),
        severity,
        summary: leak(summary),
        doc: leak(doc.trim().to_string()),
        policy: Some(leak(source.display.clone())),
    };
    Ok((intern(meta), at))
}

thread_local! {
    /// Set while Guard runs: its panics are caught and reported, so the
    /// panic hook stays silent for them.
    static IN_GUARD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

static HOOK: std::sync::Once = std::sync::Once::new();

/// Run `f` (Guard's code), turning a panic into an error message.
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_GUARD.with(|g| g.get()) {
                previous(info);
            }
        }));
    });
    IN_GUARD.with(|g| g.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    IN_GUARD.with(|g| g.set(false));
    result.map_err(|p| {
        let text = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into());
        crate::report::escape_terminal(&text.chars().take(200).collect::<String>())
    })
}

pub use report::check;

#[cfg(test)]
mod tests;
