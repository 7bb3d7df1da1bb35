//! `keepalign services`: every chain with each value and where it came from.

use super::escape_terminal;
use crate::linker::Chain;
use crate::model::{Provenance, Seconds, Setting, fmt_secs};
use crate::servers::KeepAlive;
use serde_json::Value;

/// One chain as the service document's object (see [`crate::document`]).
pub fn chain_json(c: &Chain<'_>) -> Value {
    crate::document::service(c)
}

pub fn render_json(chains: &[Chain<'_>]) -> String {
    let v = crate::document::build(chains);
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    super::json_safe(s)
}

/// A server's keep-alive with how it is known.
fn keep_alive(k: &KeepAlive) -> String {
    match k {
        KeepAlive::Timeout(t) => secs(t),
        KeepAlive::ClosesEveryConnection { why } => format!("none: {why}"),
        KeepAlive::NoLimit { why, at: Some(at) } => format!("no limit: {why}  ({at})"),
        KeepAlive::NoLimit { why, at: None } => format!("no limit: {why}"),
    }
}

/// An unknown text setting's reason.
fn text_setting(s: &Setting<String>) -> String {
    match s {
        Setting::Unresolved(u) => format!("unknown  ({})", u.reason),
        Setting::Known { value, .. } => value.clone(),
    }
}

fn secs(s: &Setting<Seconds>) -> String {
    match s {
        Setting::Known {
            value,
            provenance: Provenance::Explicit(at),
        } => format!("{} s  ({at})", fmt_secs(*value)),
        Setting::Known {
            value,
            provenance: Provenance::Default { source, .. },
        } => format!("{} s  ({source})", fmt_secs(*value)),
        Setting::Known {
            value,
            provenance: Provenance::Declared(at),
        } => format!(
            "{} s  ({})",
            fmt_secs(*value),
            crate::rules::declared_in(at)
        ),
        Setting::Unresolved(u) => format!("unknown  ({})", u.reason),
    }
}

/// One line of the `services` text: the input in it (addresses, names,
/// paths, reasons) is escaped with the whole line, so it can neither break
/// the line nor make it a workflow command.
macro_rules! emit {
    ($out:expr, $($arg:tt)*) => {{
        $out.push_str(&escape_terminal(&format!($($arg)*)));
        $out.push('\n');
    }};
}

/// A readable block per chain: each value with where it came from, from
/// the CloudFront origins in front of its load balancer to its server.
pub fn render_text(
    chains: &[Chain<'_>],
    environments: &[crate::beanstalk::Environment<'_>],
) -> String {
    let mut out = String::new();
    if chains.is_empty() && environments.is_empty() {
        out.push_str("no load-balanced ECS services found\n");
        return out;
    }
    for e in environments {
        emit!(out, "{}  ({})", e.env.id.address, e.env.at);
        let kind = match e.lb_kind.value() {
            Some(k) => k.short_name().to_string(),
            None => "unknown".to_string(),
        };
        let lb = match e.load_balanced.value() {
            Some(true) => format!("{kind}, idle timeout {}", secs(&e.idle_timeout)),
            Some(false) => "none (single instance or worker)".to_string(),
            None => "unknown".to_string(),
        };
        emit!(out, "  load balancer   {lb}");
        match (e.no_proxy_platform, e.proxy.value()) {
            (Some(why), _) => emit!(out, "  proxy           none: {why}"),
            (None, Some(p)) if p == "nginx" => {
                emit!(out, "  proxy           nginx");
                emit!(out, "    keep-alive    {}", secs(&e.keepalive));
            }
            (None, Some(p)) => emit!(out, "  proxy           {p}"),
            (None, None) => emit!(out, "  proxy           {}", text_setting(&e.proxy)),
        }
        out.push('\n');
    }
    for c in chains {
        emit!(out, "{}  ({})", c.service.id.address, c.service.at);
        for (origin, alias) in &c.cloudfront {
            let via = alias
                .map(|a| format!(" via {}", a.id.address))
                .unwrap_or_default();
            emit!(
                out,
                "  cloudfront      {}{via}  ({})",
                origin.name(),
                origin.at
            );
            emit!(out, "    keep-alive    {}", secs(&origin.keepalive_timeout));
            emit!(out, "    read timeout  {}", secs(&origin.read_timeout));
            if let Some(t) = &origin.response_completion_timeout {
                emit!(out, "    completion timeout {}", secs(t));
            }
        }
        match &c.load_balancer {
            Ok(lb) => {
                let kind = lb
                    .kind
                    .value()
                    .map(|k| k.short_name())
                    .unwrap_or("load balancer");
                emit!(out, "  load balancer   {} ({kind})", lb.id.address);
                emit!(out, "    idle timeout  {}", secs(&lb.idle_timeout));
                if let Some(d) = &lb.connection_draining {
                    let on = match d.value() {
                        Some(true) => "on",
                        Some(false) => "off",
                        None => "unknown",
                    };
                    emit!(out, "    draining      {on}");
                }
                if let Some(t) = &lb.connection_draining_timeout {
                    emit!(out, "    draining timeout {}", secs(t));
                }
                if let Some(t) = &lb.client_keep_alive {
                    emit!(out, "    client keep-alive {}", secs(t));
                }
            }
            Err(u) => {
                emit!(out, "  load balancer   unknown  ({})", u.reason);
            }
        }
        if let Some(l) = c.listener {
            let via = c
                .listener_rule
                .map(|r| format!(" → {}", r.id.address))
                .unwrap_or_default();
            emit!(out, "  listener        {}{via}", l.id.address);
            let nlb = matches!(&c.load_balancer, Ok(lb) if lb.kind.value() == Some(&crate::model::LbKind::Network));
            match (nlb, l.protocol.as_deref(), &l.tcp_idle_timeout) {
                (true, Some("TLS"), _) => {
                    emit!(
                        out,
                        "    tcp idle timeout  350 s  (fixed for TLS listeners)"
                    )
                }
                (true, Some("TCP" | "TCP_UDP"), Some(t)) => {
                    emit!(out, "    tcp idle timeout  {}", secs(t))
                }
                (true, Some("TCP" | "TCP_UDP"), None) => {
                    emit!(
                        out,
                        "    tcp idle timeout  350 s  (AWS default NLB TCP idle timeout)"
                    )
                }
                _ => {}
            }
        }
        match &c.target_group {
            Some(Ok(tg)) => {
                emit!(out, "  target group    {}", tg.id.address);
                emit!(
                    out,
                    "    deregistration delay  {}",
                    secs(&tg.deregistration_delay)
                );
                emit!(
                    out,
                    "    health check  interval {}, timeout {}",
                    secs(&tg.health_check_interval),
                    secs(&tg.health_check_timeout)
                );
            }
            Some(Err(u)) => {
                emit!(out, "  target group    unknown  ({})", u.reason);
            }
            None => {}
        }
        match &c.container {
            Ok(ct) => {
                emit!(out, "  container       {}  ({})", ct.name, ct.at);
                // Unset in the definition: say when the container
                // instances' agent setting gives it.
                let note = match c.stop_timeout_agent {
                    Some(a) if ct.stop_timeout.is_default() && !c.stop_timeout.is_default() => {
                        format!(
                            "  ECS_CONTAINER_STOP_TIMEOUT set by {} (stopTimeout not set)",
                            a.id.address
                        )
                    }
                    _ => String::new(),
                };
                emit!(out, "    stopTimeout   {}{note}", secs(&c.stop_timeout));
            }
            Err(u) => {
                emit!(out, "  container       unknown  ({})", u.reason);
            }
        }
        match &c.server {
            Ok(s) => {
                let link = c.image.as_ref();
                let description = link
                    .and_then(|l| s.description.strip_suffix(&format!(" ({})", l.text)))
                    .unwrap_or(&s.description);
                match &s.identified_at {
                    Some(at) => emit!(out, "  server          {description}  ({at})"),
                    None => emit!(out, "  server          {description}"),
                }
                if let Some(l) = link {
                    emit!(out, "    link          {}", l.text);
                    if let Some(at) = &l.started_at {
                        emit!(out, "    started by    {at}");
                    }
                }
                emit!(out, "    keep-alive    {}", keep_alive(&s.keep_alive));
                if let Some(g) = &s.graceful_timeout {
                    emit!(out, "    graceful      {}", secs(g));
                }
                if let Some(r) = &s.request_timeout {
                    emit!(out, "    request timeout {}", secs(r));
                }
                for (container, app) in &c.behind_proxy {
                    emit!(
                        out,
                        "  behind it       {} in container {}  (second hop, not compared with the load balancer)",
                        app.description,
                        container.name
                    );
                    emit!(out, "    keep-alive    {}", keep_alive(&app.keep_alive));
                }
            }
            Err(u) => {
                emit!(out, "  server          unknown  ({})", u.reason);
            }
        }
        out.push('\n');
    }
    out
}
