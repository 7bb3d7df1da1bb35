use super::{Checker, Diagnostic, bracketed, describe, related};
use crate::linker::Route;
use crate::model::TgFamily;

declare_rule! {
    /// ## What it checks
    ///
    /// The target group's health check `timeout` must be below its `interval`
    /// (for a Network Load Balancer's target group, not above it).
    ///
    /// An unset value takes AWS's default, which depends on the target group:
    /// interval 30 s and timeout 5 s for an ALB's; timeout 6 s (HTTP health
    /// check) or 10 s (TCP or HTTPS) for an NLB's; interval 10 s and timeout
    /// 5 s for GENEVE; interval 35 s and timeout 30 s for lambda targets.
    ///
    /// ## Why it matters
    ///
    /// AWS rejects a health check whose timeout is not smaller than its
    /// interval (an NLB's: larger than its interval), so `terraform apply`
    /// (or the stack update) fails. Catch it
    /// before the pipeline gets there.
    ///
    /// ## Example
    ///
    /// ```hcl
    /// health_check {
    ///   interval = 5
    ///   timeout  = 10
    /// }
    /// ```
    ///
    /// ## Fix
    ///
    /// Make `timeout` smaller than `interval` (for example interval 30, timeout 5).
    pub struct Hc401 {
        id: "HC401",
        name: "health-check-timeout-not-below-interval",
        severity: Error,
        summary: "target group health check timeout is not below its interval",
    }
}

pub fn check(route: &Route<'_>, c: &mut Checker) {
    let Some(tg) = route.target_group.filter(|_| route.first_for_target_group) else {
        return;
    };
    // Both are asked for, so that each unknown one is reported (UN001).
    let interval = c.need(
        route,
        META.id,
        "the health check interval",
        &tg.health_check_interval,
    );
    let timeout = c.need(
        route,
        META.id,
        "the health check timeout",
        &tg.health_check_timeout,
    );
    let (Some(interval), Some(timeout)) = (interval, timeout) else {
        return;
    };
    if timeout < interval {
        return;
    }
    // A Network Load Balancer accepts a timeout equal to the interval
    // (ELBv2 CreateTargetGroup; the AWS Load Balancer Controller uses 10/10).
    if timeout == interval {
        match c.need(route, META.id, "the target group's protocol", &tg.family) {
            Some(TgFamily::Network) | None => return,
            Some(_) => {}
        }
    }
    let nlb = tg.family.value() == Some(&TgFamily::Network);
    let message = format!(
        "health check timeout {} is {} the interval {} of target group {}: AWS rejects this health check when it is applied",
        bracketed(&tg.health_check_timeout, timeout),
        if nlb { "above" } else { "not below" },
        bracketed(&tg.health_check_interval, interval),
        tg.id.address
    );
    let fix = if nlb {
        "make the health check timeout at most the interval (an NLB accepts them equal)"
    } else {
        "make the health check timeout smaller than the interval"
    };
    let primary = tg
        .health_check_timeout
        .location()
        .cloned()
        .unwrap_or(tg.at.clone());
    let rel = related(
        &tg.health_check_interval,
        &tg.at,
        format!(
            "health check interval {}",
            describe(&tg.health_check_interval)
        ),
    );
    c.report(
        &META,
        route,
        Diagnostic {
            message,
            fix: Some(fix.into()),
            location: Some(primary),
            label: format!(
                "health check timeout {}",
                describe(&tg.health_check_timeout)
            ),
            related: vec![rel],
            suggestion: None,
        },
    );
}
