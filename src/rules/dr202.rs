use super::{Checker, Diagnostic};
use crate::linker::Route;
use crate::model::LbKind;

declare_rule! {
    /// ## What it checks
    ///
    /// An ECS service behind a Classic ELB whose connection draining is off
    /// (`connection_draining` defaults to `false`).
    ///
    /// ## Why it matters
    ///
    /// Without draining, the Classic ELB drops in-flight requests the moment ECS
    /// deregisters a task during a deployment or scale-in; clients see **504**s
    /// or reset connections on every deploy.
    ///
    /// ## Example
    ///
    /// ```hcl
    /// resource "aws_elb" "web" {
    ///   idle_timeout = 60
    ///   # connection_draining not set: off
    /// }
    /// ```
    ///
    /// ## Fix
    ///
    /// `connection_draining = true` and `connection_draining_timeout` at least
    /// the idle timeout.
    pub struct Dr202 {
        id: "DR202",
        name: "classic-elb-draining-disabled",
        severity: Warning,
        summary: "an ECS service sits behind a Classic ELB whose connection draining is off",
    }
}

pub fn check(route: &Route<'_>, c: &mut Checker) {
    // The rule is about services behind the load balancer (RULES.md).
    let Some(lb) = route.load_balancer.filter(|_| !route.services.is_empty()) else {
        return;
    };
    if lb.kind.value() != Some(&LbKind::Classic) {
        return;
    }
    let Some(draining) = &lb.connection_draining else {
        return;
    };
    let Some(on) = c.need(route, "DR202", "connection_draining", draining) else {
        return;
    };
    if on {
        return;
    }
    let how = if draining.is_default() {
        "is off (the AWS default)"
    } else {
        "is disabled"
    };
    let message = format!(
        "connection draining of Classic ELB {} {how}: in-flight requests are dropped whenever ECS deregisters a task",
        lb.id.address
    );
    let fix = "turn connection draining on (Terraform connection_draining, CloudFormation ConnectionDrainingPolicy) with a timeout of at least the idle timeout".to_string();
    let primary = draining.location().cloned().unwrap_or(lb.at.clone());
    c.report(
        &META,
        route,
        Diagnostic {
            message,
            fix: Some(fix),
            location: Some(primary),
            label: format!("connection draining {how}"),
            related: Vec::new(),
            suggestion: None,
        },
    );
}
