use super::{
    Checker, Diagnostic, describe, idle_phrase, idle_timeout_related, number_suggestion, predicate,
};
use crate::linker::Route;
use crate::model::{LbKind, fmt_secs};

declare_rule! {
    /// ## What it checks
    ///
    /// The target group's deregistration delay must not be shorter than the
    /// load balancer's idle timeout. For a Classic ELB with connection draining
    /// on, the draining timeout must not be shorter than its idle timeout.
    ///
    /// ## Why it matters
    ///
    /// During a deployment ECS deregisters the old task and waits for the
    /// deregistration delay before stopping it. A request still running when the
    /// delay ends is cut off and the client gets a **502** (from a Classic ELB,
    /// a **504**). Requests may run as
    /// long as the idle timeout allows, so a shorter delay cuts legitimate ones.
    ///
    /// Not checked for Network Load Balancers, nor for Classic ELB TCP/SSL
    /// listeners: only HTTP/HTTPS listeners reuse back-end connections.
    ///
    /// ## Example
    ///
    /// ```hcl
    /// resource "aws_lb" "main" { idle_timeout = 120 }
    /// resource "aws_lb_target_group" "app" { deregistration_delay = 30 }
    /// ```
    ///
    /// ## Fix
    ///
    /// Set `deregistration_delay` to at least the idle timeout (here 120), or
    /// lower the idle timeout.
    pub struct Dr201 {
        id: "DR201",
        name: "deregistration-delay-below-idle-timeout",
        severity: Warning,
        summary: "target group deregistration delay (or Classic ELB draining timeout) is below the LB idle timeout",
    }
}

pub fn check(route: &Route<'_>, c: &mut Checker) {
    let Some((lb, kind)) = c.load_balancer(route, "DR201") else {
        return;
    };
    if !c.reuses_connections(route, "DR201", lb, kind) {
        return;
    }
    let (delay, delay_name) = match (kind, route.target_group) {
        (LbKind::Classic, _) => {
            // Only with draining on; DR202 covers draining off.
            if lb
                .connection_draining
                .as_ref()
                .and_then(|d| d.value().copied())
                != Some(true)
            {
                return;
            }
            match &lb.connection_draining_timeout {
                Some(t) => (t, "the connection draining timeout"),
                None => return,
            }
        }
        (_, Some(tg)) => (&tg.deregistration_delay, "the deregistration delay"),
        _ => return,
    };
    let what_idle = format!("the {} idle timeout", kind.short_name());
    let idle = c.need(route, "DR201", &what_idle, &lb.idle_timeout);
    let (Some(idle), Some(d)) = (idle, c.need(route, "DR201", delay_name, delay)) else {
        return;
    };
    if d >= idle {
        return;
    }
    let lb_name = kind.short_name();
    let message = format!(
        "{delay_name} {}, which is below the {lb_name} idle timeout of {}: during deployments, requests still running when draining ends are cut off and answered {}",
        predicate(delay, d),
        idle_phrase(&lb.idle_timeout, idle),
        kind.reset_status(),
    );
    let fix = format!(
        "raise {delay_name} to at least {} s (the idle timeout), or lower the {lb_name} idle timeout",
        fmt_secs(idle)
    );
    let primary = delay
        .location()
        .or(route.at())
        .cloned()
        .unwrap_or(lb.at.clone());
    let rel = idle_timeout_related(lb, kind);
    c.report(
        &META,
        route,
        Diagnostic {
            message,
            fix: Some(fix),
            location: Some(primary),
            label: format!(
                "{} {}",
                delay_name.trim_start_matches("the "),
                describe(delay)
            ),
            related: vec![rel],
            suggestion: number_suggestion(delay, idle),
        },
    );
}
