use super::Checker;
use crate::finding::Finding;
use crate::linker::Chain;
use crate::model::Unresolved;

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

pub fn report(c: &mut Checker, chain: &Chain<'_>, needed_by: &str, what: &str, u: &Unresolved) {
    let message = format!(
        "{what} is unknown, so {needed_by} could not be checked: {}",
        u.reason
    );
    // One note per unknown value, however many rules needed it.
    if c.findings.iter().any(|f| {
        f.rule.id == META.id
            && f.service.as_deref() == Some(chain.service_name())
            && f.message.ends_with(&u.reason)
            && f.message.starts_with(what)
    }) {
        return;
    }
    c.findings.push(Finding {
        rule: &META,
        service: Some(chain.service_name().to_string()),
        message,
        // Variables can be supplied on the command line; other reasons say how themselves.
        fix: u
            .reason
            .contains("var.")
            .then(|| "supply the value in terraform.tfvars or with --var / --var-file".to_string()),
        location: u.at.clone().or_else(|| Some(chain.attachment.at.clone())),
        label: format!("{what} is unknown"),
        raw_location: None,
        related: Vec::new(),
    });
}
