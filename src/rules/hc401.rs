use super::{Checker, Diagnostic, describe, related};
use crate::linker::Route;

declare_rule! {
    /// ## What it checks
    ///
    /// The target group's health check `timeout` must be below its `interval`.
    ///
    /// ## Why it matters
    ///
    /// AWS rejects a health check whose timeout is not smaller than its
    /// interval, so `terraform apply` (or the stack update) fails. Catch it
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
    let message = format!(
        "health check timeout {} is not below the interval {} of target group {}: AWS rejects this health check when it is applied",
        describe(&tg.health_check_timeout),
        describe(&tg.health_check_interval),
        tg.id.address
    );
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
            fix: Some("make the health check timeout smaller than the interval".into()),
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
