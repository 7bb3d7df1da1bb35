use super::{Checker, Diagnostic, describe, idle_phrase, idle_timeout_related, predicate};
use crate::linker::Chain;
use crate::model::fmt_secs;
use crate::servers::RequestTimeoutEnd;

declare_rule! {
    /// ## What it checks
    ///
    /// The server's request timeout (gunicorn `--timeout` for the `sync`
    /// worker, default 30; Apache `Timeout`, default 60; Thruster's
    /// `HTTP_WRITE_TIMEOUT`, default 30; nginx's `proxy_read_timeout`, or
    /// `fastcgi_`/`uwsgi_`/`scgi_`/`grpc_read_timeout`, default 60, where it
    /// passes requests to the application) against the load balancer's idle
    /// timeout.
    ///
    /// gunicorn's `gthread` worker (also what `sync` with `--threads` above 1
    /// becomes) keeps notifying the arbiter while its threads work, so its
    /// `--timeout` kills no slow request; async workers are not silent either.
    ///
    /// ## Why it matters
    ///
    /// The load balancer waits up to its idle timeout for a response. If the
    /// server kills the request earlier (gunicorn restarts a silent worker), the
    /// load balancer sees the connection close and answers **502** instead of
    /// the **504** you might expect (a Classic ELB answers **504** either way),
    /// for requests that could have finished. nginx in front of the
    /// application stops waiting for it and answers **504** itself.
    /// Often intended, so this is a note.
    ///
    /// Not checked for Network Load Balancers, nor for Classic ELB TCP/SSL
    /// listeners: only HTTP/HTTPS listeners reuse back-end connections.
    ///
    /// ## Example
    ///
    /// ```hcl
    /// resource "aws_lb" "main" { idle_timeout = 120 }
    /// # ["gunicorn", "--workers", "4", "app:app"]   # sync worker, --timeout 30
    /// ```
    ///
    /// ## Fix
    ///
    /// If long requests are expected, raise the server timeout to at least the
    /// idle timeout (`--timeout 120`); otherwise lower the idle timeout.
    pub struct Rq301 {
        id: "RQ301",
        name: "request-timeout-below-idle-timeout",
        severity: Note,
        summary: "the server kills requests before the LB idle timeout would",
    }
}

pub fn check(chain: &Chain<'_>, c: &mut Checker) {
    let Ok(server) = &chain.server else {
        return;
    };
    let Some(timeout) = &server.request_timeout else {
        return;
    };
    let Some((lb, kind)) = c.load_balancer(chain, "RQ301") else {
        return;
    };
    if !c.reuses_connections(chain, "RQ301", lb, kind) {
        return;
    }
    let setting = match server.request_timeout_end {
        RequestTimeoutEnd::Killed => "request timeout",
        RequestTimeoutEnd::UpstreamGivesUp { directive } => directive,
    };
    let t = c.need(
        chain,
        "RQ301",
        &format!("{} {setting}", server.server),
        timeout,
    );
    let what_idle = format!("the {} idle timeout", kind.short_name());
    let (Some(t), Some(idle)) = (t, c.need(chain, "RQ301", &what_idle, &lb.idle_timeout)) else {
        return;
    };
    if t >= idle {
        return;
    }
    let lb_name = kind.short_name();
    let (outcome, fix) = match server.request_timeout_end {
        RequestTimeoutEnd::Killed => (
            format!(
                "requests running longer are killed by the server and answered {}",
                kind.reset_status()
            ),
            format!(
                "raise the {} request timeout to at least {} s if long requests are expected, or lower the {lb_name} idle timeout",
                server.server,
                fmt_secs(idle)
            ),
        ),
        RequestTimeoutEnd::UpstreamGivesUp { directive } => (
            format!(
                "{} stops waiting for an application that answers later and returns 504",
                server.server
            ),
            format!(
                "raise {directive} to at least {}s where {} passes requests to the application if long requests are expected, or lower the {lb_name} idle timeout",
                fmt_secs(idle),
                server.server
            ),
        ),
    };
    let message = format!(
        "{} {setting} {}, which is below the {lb_name} idle timeout of {}: {outcome}",
        chain.server_named(server),
        predicate(timeout, t),
        idle_phrase(&lb.idle_timeout, idle),
    );
    let primary = timeout
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
            label: format!("{} {setting} {}", server.server, describe(timeout)),
            related: vec![rel],
            suggestion: None,
        },
    );
}
