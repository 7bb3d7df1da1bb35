use crate::finding::{Finding, Suppression};
use crate::model::Unresolved;
use crate::source::Location;

declare_rule! {
    /// ## What it checks
    ///
    /// A value another rule needs could not be resolved from the input: a
    /// variable with no default and no value, a load balancer from a `data`
    /// source or another stack, a module output, a server setting that depends
    /// on an unknown version. keepalign never guesses a default for these.
    ///
    /// ## Why it matters
    ///
    /// An unresolved value means a check could not run. The message names the
    /// value, why it is unknown, and how to supply it.
    ///
    /// ## Example
    ///
    /// ```hcl
    /// data "aws_lb" "shared" { name = "platform-alb" }
    /// resource "aws_lb_listener" "https" { load_balancer_arn = data.aws_lb.shared.arn }
    /// ```
    ///
    /// ## Fix
    ///
    /// Supply the value: a `terraform.tfvars` entry, `--var NAME=VALUE` or
    /// `--var-file` for variables; scan the directory that defines a load
    /// balancer managed elsewhere; write server settings where the task
    /// definition shows them.
    pub struct Un001 {
        id: "UN001",
        name: "unresolved-setting",
        severity: Note,
        summary: "a value a rule needs is unresolved",
    }
}

/// One unknown value of one service, with every check that needed it.
pub struct Pending {
    /// The service, on a chain; `None` on a route.
    pub service: Option<String>,
    pub scope: String,
    /// What the finding is about (the chain's or the route's identity).
    pub identity: Vec<String>,
    pub what: String,
    pub needed_by: Vec<String>,
    pub unresolved: Unresolved,
    pub fallback: Option<Location>,
    /// Checks that needed it but are suppressed on the chain.
    pub silenced: Vec<String>,
    /// A suppression of UN001 itself.
    pub suppression: Option<Suppression>,
    /// The suppression of the first silenced check.
    pub silenced_by: Option<Suppression>,
}

pub fn finding(mut p: Pending) -> Finding {
    // Only checks that are not suppressed make it count; when every check
    // that needed the value is suppressed, so is this note.
    let mut suppression = p.suppression.take();
    if p.needed_by.is_empty() {
        p.needed_by = std::mem::take(&mut p.silenced);
        suppression = suppression.or(p.silenced_by.take());
    }
    let checks = match p.needed_by.as_slice() {
        [one] => format!("{one} could not be checked"),
        many => format!("{} could not be checked", join_and(many)),
    };
    let u = p.unresolved;
    Finding {
        identity: match &p.service {
            Some(service) => vec![p.scope.clone(), service.clone(), p.what.clone()],
            None => p.identity.iter().cloned().chain([p.what.clone()]).collect(),
        },
        service: p.service,
        scope: Some(p.scope),
        // Variables can be supplied on the command line; other reasons say how themselves.
        fix: u
            .reason
            .contains("var.")
            .then(|| "supply the value in terraform.tfvars or with --var / --var-file".to_string()),
        location: u.at.clone().or(p.fallback),
        label: format!("{} is unknown", p.what),
        suppression,
        ..Finding::new(
            &META,
            format!("{} is unknown, so {checks}: {}", p.what, u.reason),
        )
    }
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
