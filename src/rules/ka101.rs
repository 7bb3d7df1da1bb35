use super::{
    Checker, Diagnostic, describe, idle_phrase, idle_timeout_related, number_suggestion, predicate,
};
use crate::linker::Chain;
use crate::model::fmt_secs;
use crate::servers::KeepAlive;

declare_rule! {
    /// ## What it checks
    ///
    /// The keep-alive idle timeout of the server in the targeted container must
    /// be strictly greater than the load balancer's idle timeout (ALB
    /// `idle_timeout`, Classic ELB `idle_timeout`).
    ///
    /// ## Why it matters
    ///
    /// The load balancer keeps idle connections to targets open and reuses them.
    /// If the server closes an idle connection first, a request the load
    /// balancer sends on it at that moment fails: an ALB answers **502 Bad
    /// Gateway**, a Classic ELB **504 Gateway Timeout**. It happens now and then,
    /// under normal traffic, and nothing in either log says why. Equal timeouts
    /// are still a race. AWS: "configure the idle timeout of your application to
    /// be larger than the idle timeout configured for the load balancer".
    ///
    /// Not checked for Network Load Balancers (they do not reuse connections),
    /// nor for Classic ELB TCP/SSL listeners (one back-end connection per
    /// client connection; only HTTP/HTTPS listeners reuse them), nor for servers that close every connection after the response (gunicorn
    /// `sync` worker with one thread, Unicorn).
    ///
    /// ## Example
    ///
    /// ```hcl
    /// resource "aws_lb" "main" {
    ///   idle_timeout = 60
    /// }
    /// # container command: ["gunicorn", "-k", "gevent", "app:app"]   # keep-alive 2 s
    /// ```
    ///
    /// ## Fix
    ///
    /// Raise the server's keep-alive above the idle timeout (`--keep-alive 65`
    /// for gunicorn, `--timeout-keep-alive 65` for uvicorn), or lower the load
    /// balancer's idle timeout below the server's keep-alive.
    pub struct Ka101 {
        id: "KA101",
        name: "keepalive-not-above-idle-timeout",
        severity: Error,
        summary: "the targeted server's keep-alive idle timeout is not above the LB idle timeout",
    }
}

pub fn check(chain: &Chain<'_>, c: &mut Checker) {
    let Some((lb, kind)) = c.load_balancer(chain, "KA101") else {
        return;
    };
    if !c.reuses_connections(chain, "KA101", lb, kind) {
        return;
    }
    let Ok(server) = &chain.server else {
        return; // UN002 reports it
    };
    let KeepAlive::Timeout(ka_setting) = &server.keep_alive else {
        return;
    };
    let what_idle = format!("the {} idle timeout", kind.short_name());
    let idle = c.need(chain, "KA101", &what_idle, &lb.idle_timeout);
    let what_ka = format!("{} keep-alive timeout", server.server);
    // Report every unknown input, not only the first.
    let (Some(idle), Some(ka)) = (idle, c.need(chain, "KA101", &what_ka, ka_setting)) else {
        return;
    };
    if ka > idle {
        return;
    }
    let lb_name = kind.short_name();
    let ka_phrase = predicate(ka_setting, ka);
    let idle_phrase = idle_phrase(&lb.idle_timeout, idle);
    let relation = if ka == idle { "equal to" } else { "below" };
    let message = format!(
        "{} keep-alive {ka_phrase}, which is {relation} the {lb_name} idle timeout of {idle_phrase}: the {lb_name} will reuse connections that {} has closed and answer {}",
        server.description,
        server.server,
        kind.reset_status(),
    );
    let target = (idle + 5.0).max(65.0);
    let raise = format!("set {}", server.keep_alive_fix_text(target));
    // Lowering the idle timeout is only sensible advice for a keep-alive of some length.
    let fix = if ka >= 10.0 {
        format!(
            "{raise}, or lower the {lb_name} idle timeout below {} s",
            fmt_secs(ka)
        )
    } else {
        raise
    };
    let primary = ka_setting
        .location()
        .cloned()
        .or_else(|| server.identified_at.clone());
    let rel = idle_timeout_related(lb, kind);
    c.report(
        &META,
        chain,
        Diagnostic {
            message,
            fix: Some(fix),
            location: primary,
            label: format!("{} keep-alive {}", server.server, describe(ka_setting)),
            related: vec![rel],
            suggestion: number_suggestion(ka_setting, target),
        },
    );
}
