use super::{Checker, Diagnostic, describe, idle_phrase, predicate, related};
use crate::beanstalk::Environment;
use crate::model::{LbKind, fmt_secs};

declare_rule! {
    /// ## What it checks
    ///
    /// An Elastic Beanstalk environment (`aws_elastic_beanstalk_environment`
    /// `setting` blocks, `AWS::ElasticBeanstalk::Environment`
    /// `OptionSettings`, and the saved configuration it starts from) that
    /// runs the platform's nginx proxy (`aws:elasticbeanstalk:environment:proxy`
    /// `ProxyServer`, nginx by default on Amazon Linux 2 and 2023) behind an
    /// Application Load Balancer or a Classic ELB: nginx's keep-alive must be
    /// above the load balancer's idle timeout (`aws:elbv2:loadbalancer`
    /// `IdleTimeout`, `aws:elb:policies` `ConnectionSettingIdleTimeout`, 60 s
    /// by default).
    ///
    /// ## Why it matters
    ///
    /// The nginx configuration the platform installs sets
    /// `keepalive_timeout 60` in its port-80 server: the same as the load
    /// balancer's default idle timeout, and below any higher one. nginx then
    /// closes idle connections the load balancer is about to reuse, and
    /// clients get an occasional 502 (504 from a Classic ELB), as in KA101.
    /// The application's own server behind nginx is not the load balancer's
    /// target and is not compared.
    ///
    /// A `.platform/nginx/nginx.conf` in the application bundle replaces the
    /// platform's file; when the scan holds one, its keep-alive is read
    /// instead. A file in `.platform/nginx/conf.d/` cannot raise it: it is
    /// included at the `http` level, and the platform's `server` block sets
    /// its own value. The bundle's `.ebextensions/*.config` option settings
    /// apply after the environment's own and its saved configuration's.
    /// When the scan holds several bundles, keepalign cannot tell which one
    /// an environment runs, and says so.
    /// Not checked for single-instance and worker environments, Network
    /// Load Balancers, `ProxyServer` `none` or `apache`, Windows platforms
    /// and the ECS multicontainer Docker platform.
    ///
    /// Sources: Elastic Beanstalk developer guide, "Extending Elastic
    /// Beanstalk Linux platforms" (reverse proxy configuration,
    /// `.platform/nginx/nginx.conf`) and "General options for all
    /// environments" (`EnvironmentType`, `LoadBalancerType` default
    /// `classic`, `ProxyServer`, `IdleTimeout`,
    /// `ConnectionSettingIdleTimeout`); the platform's
    /// `/etc/nginx/nginx.conf` on Amazon Linux 2 (`keepalive_timeout 60;`
    /// in `server { listen 80 default_server; … }`).
    ///
    /// ## Example
    ///
    /// ```hcl
    /// resource "aws_elastic_beanstalk_environment" "web" {
    ///   solution_stack_name = "64bit Amazon Linux 2023 v4.3.0 running Python 3.11"
    ///   setting {
    ///     namespace = "aws:elasticbeanstalk:environment"
    ///     name      = "LoadBalancerType"
    ///     value     = "application"
    ///   }
    ///   setting {
    ///     namespace = "aws:elbv2:loadbalancer"
    ///     name      = "IdleTimeout"
    ///     value     = "120"
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    ///
    /// Ship a `.platform/nginx/nginx.conf` (a copy of the platform's) whose
    /// port-80 server sets `keepalive_timeout` above the idle timeout, or
    /// lower the load balancer's idle timeout below 60 s.
    pub struct Eb701 {
        id: "EB701",
        name: "beanstalk-proxy-keepalive-not-above-idle",
        severity: Warning,
        summary: "Elastic Beanstalk's nginx proxy keeps idle connections no longer than the load balancer's idle timeout",
    }
}

pub fn check(e: &Environment<'_>, c: &mut Checker) {
    if e.no_proxy_platform.is_some() {
        return;
    }
    let Some(load_balanced) = c.need(e, "EB701", "the environment type", &e.load_balanced) else {
        return;
    };
    if !load_balanced {
        return;
    }
    let Some(kind) = c.need(e, "EB701", "the load balancer type", &e.lb_kind) else {
        return;
    };
    if !matches!(kind, LbKind::Application | LbKind::Classic) {
        return;
    }
    let Some(proxy) = c.need(e, "EB701", "the proxy server", &e.proxy) else {
        return;
    };
    if proxy != "nginx" {
        return;
    }
    let lb = kind.short_name();
    let idle = c.need(
        e,
        "EB701",
        &format!("the {lb} idle timeout"),
        &e.idle_timeout,
    );
    let keepalive = c.need(e, "EB701", "the nginx keep-alive timeout", &e.keepalive);
    let (Some(idle), Some(keepalive)) = (idle, keepalive) else {
        return;
    };
    if keepalive > idle {
        return;
    }
    let relation = if keepalive == idle {
        "equal to"
    } else {
        "below"
    };
    let message = format!(
        "{}: Elastic Beanstalk's nginx proxy keep-alive {}, which is {relation} the {lb} idle \
         timeout of {}: the {lb} reuses connections nginx has closed and answers {}",
        e.env.id.address,
        predicate(&e.keepalive, keepalive),
        idle_phrase(&e.idle_timeout, idle),
        kind.reset_status(),
    );
    let fix = if e.keepalive.is_default() {
        format!(
            "ship .platform/nginx/nginx.conf in the application bundle (a copy of the \
             platform's) whose port-80 server sets keepalive_timeout {} (a conf.d file cannot: \
             the server block sets its own), or lower the {lb} idle timeout below {} s",
            fmt_secs(idle + 5.0),
            fmt_secs(keepalive)
        )
    } else {
        format!(
            "raise keepalive_timeout to {} in the port-80 server of the bundle's \
             .platform/nginx/nginx.conf, or lower the {lb} idle timeout below {} s",
            fmt_secs(idle + 5.0),
            fmt_secs(keepalive)
        )
    };
    c.report(
        &META,
        e,
        Diagnostic {
            message,
            fix: Some(fix),
            location: e.keepalive.location().cloned().or(Some(e.env.at.clone())),
            label: format!("nginx keep-alive {}", describe(&e.keepalive)),
            related: vec![related(
                &e.idle_timeout,
                &e.env.at,
                format!("{lb} idle timeout {}", describe(&e.idle_timeout)),
            )],
            suggestion: None,
        },
    );
}
