//! Elastic Beanstalk environments as rules read them: the option settings
//! that decide whether the environment has a load balancer, which one, its
//! idle timeout and the proxy in front of the application, resolved the
//! way Beanstalk applies them (the environment's own settings, then its
//! saved configuration's, then the `.ebextensions` of the application
//! bundle in the scan, then the documented defaults). With several bundles
//! in the scan, which one an environment runs is not in the IaC: what a
//! bundle sets is then unknown, with the reason.

pub mod bundle;

use crate::linker::Index;
use crate::model::*;

/// The nginx configuration Beanstalk's Amazon Linux 2 and 2023 platforms
/// install sets `keepalive_timeout 60;` in its port-80 `server` block.
pub const PLATFORM_NGINX_KEEPALIVE: Seconds = 60.0;

/// An environment and what its settings say.
pub struct Environment<'m> {
    pub env: &'m BeanstalkEnvironment,
    /// The saved configuration it starts from, when it is in the scan.
    pub template: Option<&'m BeanstalkTemplate>,
    /// `aws:elasticbeanstalk:environment` `EnvironmentType` is
    /// `LoadBalanced` (the default) and the tier is a web server.
    pub load_balanced: Setting<bool>,
    /// `LoadBalancerType`: `classic` by default.
    pub lb_kind: Setting<LbKind>,
    /// `aws:elbv2:loadbalancer` `IdleTimeout` or `aws:elb:policies`
    /// `ConnectionSettingIdleTimeout` (60 s by default).
    pub idle_timeout: Setting<Seconds>,
    /// `aws:elasticbeanstalk:environment:proxy` `ProxyServer`, lower case.
    pub proxy: Setting<String>,
    /// The platform's nginx keep-alive, or the one of the bundle's
    /// `.platform/nginx/nginx.conf`.
    pub keepalive: Setting<Seconds>,
    /// Why the platform has no nginx proxy to check (Windows, the ECS
    /// multicontainer Docker platform), when it has none.
    pub no_proxy_platform: Option<&'static str>,
}

/// An environment's settings: its own, then its saved configuration's,
/// then those of the application bundle it runs (`.ebextensions`), the
/// order in which Beanstalk lets one override the next.
struct Options<'m> {
    env: &'m BeanstalkEnvironment,
    template: Option<&'m BeanstalkTemplate>,
    bundles: &'m [BeanstalkBundle],
}

impl Options<'_> {
    /// The option, from the environment's settings, then from its saved
    /// configuration's; `None` when neither sets it.
    fn option(&self, namespace: &str, name: &str) -> Option<Setting<String>> {
        let from = |settings: &[OptionSetting]| -> Option<Setting<String>> {
            let mut unknown_key: Option<&OptionSetting> = None;
            for s in settings.iter().rev() {
                match (&s.namespace, &s.name) {
                    (Some(ns), Some(n)) if ns == namespace && n == name => {
                        return Some(s.value.clone());
                    }
                    (Some(_), Some(_)) => {}
                    _ => {
                        unknown_key.get_or_insert(s);
                    }
                }
            }
            unknown_key.map(|s| {
                let at = s.at.clone().or_else(|| s.value.location().cloned());
                match &s.value {
                    // An unreadable file says why it is unknown.
                    Setting::Unresolved(u) if s.at.is_none() => Setting::Unresolved(u.clone()),
                    _ => Setting::unresolved(
                        format!(
                            "an option setting whose namespace or name is not known before \
                             deployment may set {namespace} {name}"
                        ),
                        at,
                    ),
                }
            })
        };
        from(&self.env.settings)
            .or_else(|| self.template.and_then(|t| from(&t.settings)))
            .or_else(|| match self.bundles {
                [] => None,
                [one] => from(&one.settings),
                several => {
                    let setting = several.iter().find_map(|b| from(&b.settings))?;
                    Some(Setting::unresolved(
                        format!(
                            "{} in the .ebextensions of one of {} application bundles ({}), and \
                             keepalign cannot tell which one this environment runs",
                            match &setting {
                                Setting::Known { .. } => format!("{namespace} {name} is set"),
                                Setting::Unresolved(_) => format!("{namespace} {name} may be set"),
                            },
                            several.len(),
                            bundle_dirs(several)
                        ),
                        setting.location().cloned(),
                    ))
                }
            })
    }
}

/// Every Beanstalk environment of the model, resolved.
pub fn environments(model: &Model) -> Vec<Environment<'_>> {
    let templates = Index::new(&model.beanstalk.templates, |t| &t.id, |t| t.name.as_deref());
    let bundles = model.beanstalk.bundles.as_slice();
    model
        .beanstalk
        .environments
        .iter()
        .map(|env| {
            let template = env
                .template
                .as_ref()
                .and_then(|l| {
                    templates
                        .resolve(&env.id.scope, l, "saved configuration")
                        .ok()
                })
                .map(|found| found[0]);
            let o = Options {
                env,
                template,
                bundles,
            };
            let platform = env
                .platform
                .as_deref()
                .or(template.and_then(|t| t.platform.as_deref()))
                .unwrap_or("");
            let lb_kind = lb_kind(&o);
            Environment {
                env,
                template,
                load_balanced: load_balanced(&o),
                idle_timeout: idle_timeout(&o, &lb_kind),
                lb_kind,
                proxy: match o.option("aws:elasticbeanstalk:environment:proxy", "ProxyServer") {
                    Some(s) => s.map(|p| p.trim().to_ascii_lowercase()),
                    None => Setting::default(
                        "nginx".to_string(),
                        "Elastic Beanstalk default ProxyServer (nginx) on Amazon Linux 2 and \
                         2023 platforms",
                        Some(env.at.clone()),
                    ),
                },
                keepalive: keepalive(env, bundles),
                no_proxy_platform: no_proxy(platform),
            }
        })
        .collect()
}

/// Platforms without the nginx proxy: Windows Server (IIS) and the ECS
/// based multicontainer Docker platform (no proxy unless a container is one).
fn no_proxy(platform: &str) -> Option<&'static str> {
    let p = platform.to_ascii_lowercase();
    if p.contains("windows") || p.contains("iis") {
        Some("a Windows Server platform (IIS, no nginx proxy)")
    } else if p.contains("(ecs)") || p.contains("ecs running") || p.contains("multi-container") {
        Some("the ECS multicontainer Docker platform (no nginx proxy)")
    } else {
        None
    }
}

fn load_balanced(e: &Options<'_>) -> Setting<bool> {
    if e.env
        .tier
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("worker"))
    {
        return Setting::explicit(false, e.env.at.clone());
    }
    match e.option("aws:elasticbeanstalk:environment", "EnvironmentType") {
        Some(s) => match s {
            Setting::Known { value, provenance } => Setting::Known {
                value: !value.eq_ignore_ascii_case("SingleInstance"),
                provenance,
            },
            Setting::Unresolved(u) => Setting::Unresolved(u),
        },
        None => Setting::default(
            true,
            "Elastic Beanstalk default EnvironmentType (LoadBalanced)",
            Some(e.env.at.clone()),
        ),
    }
}

fn lb_kind(e: &Options<'_>) -> Setting<LbKind> {
    match e.option("aws:elasticbeanstalk:environment", "LoadBalancerType") {
        Some(Setting::Known { value, provenance }) => {
            let kind = match value.trim().to_ascii_lowercase().as_str() {
                "classic" => LbKind::Classic,
                "application" => LbKind::Application,
                "network" => LbKind::Network,
                other => {
                    let at = match &provenance {
                        Provenance::Explicit(at) => Some(at.clone()),
                        _ => None,
                    };
                    return Setting::unresolved(
                        format!(
                            "LoadBalancerType is \"{other}\", not classic, application or network"
                        ),
                        at,
                    );
                }
            };
            Setting::Known {
                value: kind,
                provenance,
            }
        }
        Some(Setting::Unresolved(u)) => Setting::Unresolved(u),
        None => Setting::default(
            LbKind::Classic,
            "Elastic Beanstalk default LoadBalancerType (classic)",
            Some(e.env.at.clone()),
        ),
    }
}

fn idle_timeout(e: &Options<'_>, kind: &Setting<LbKind>) -> Setting<Seconds> {
    let (namespace, name) = match kind.value() {
        Some(LbKind::Classic) => ("aws:elb:policies", "ConnectionSettingIdleTimeout"),
        _ => ("aws:elbv2:loadbalancer", "IdleTimeout"),
    };
    match e.option(namespace, name) {
        Some(Setting::Known {
            value,
            provenance: Provenance::Explicit(at),
        }) => match value.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Setting::explicit(n, at),
            _ => Setting::unresolved(format!("{name} is \"{value}\", not a number"), Some(at)),
        },
        Some(Setting::Known { value, provenance }) => match value.trim().parse::<f64>() {
            Ok(n) => Setting::Known {
                value: n,
                provenance,
            },
            _ => Setting::unresolved(format!("{name} is \"{value}\", not a number"), None),
        },
        Some(Setting::Unresolved(u)) => Setting::Unresolved(u),
        None => Setting::default(
            60.0,
            format!("AWS default for {namespace} {name}"),
            Some(e.env.at.clone()),
        ),
    }
}

/// The platform's 60 s, or the `.platform/nginx/nginx.conf` of the
/// application bundle when the scan holds exactly one bundle.
fn keepalive(env: &BeanstalkEnvironment, bundles: &[BeanstalkBundle]) -> Setting<Seconds> {
    let default = || {
        Setting::default(
            PLATFORM_NGINX_KEEPALIVE,
            "Elastic Beanstalk's nginx.conf on Amazon Linux 2 and 2023 platforms sets \
             keepalive_timeout 60 (no .platform/nginx/nginx.conf in the scan)",
            Some(env.at.clone()),
        )
    };
    match bundles {
        [one] => one.nginx.clone().unwrap_or_else(default),
        several if several.iter().any(|b| b.nginx.is_some()) => Setting::unresolved(
            format!(
                "the scan holds {} application bundles ({}), some with a \
                 .platform/nginx/nginx.conf, and keepalign cannot tell which one this \
                 environment runs",
                several.len(),
                bundle_dirs(several)
            ),
            Some(env.at.clone()),
        ),
        _ => default(),
    }
}

/// The bundles' directories, for messages.
fn bundle_dirs(bundles: &[BeanstalkBundle]) -> String {
    bundles
        .iter()
        .map(|b| b.dir.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
