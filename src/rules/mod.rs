//! The rule catalog. One rule, one file; each rule's documentation is the
//! doc comment beside its code, and `keepalign explain` prints it.
//!
//! Rules never evaluate IaC: they compare values the loaders and the linker
//! resolved, and emit findings that point at both ends.

use crate::beanstalk::Environment;
use crate::edge::Edge;
use crate::finding::{Finding, Related, RuleMeta, Suggestion};
use crate::linker::{Chain, Route};
use crate::model::{LbKind, LoadBalancer};
use crate::model::{Provenance, Seconds, Setting, Unresolved, fmt_secs};
use crate::source::Location;

/// Declare a rule: its doc comment becomes `RuleMeta::doc`.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            id: $id:literal,
            name: $rname:literal,
            severity: $sev:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $name;

        pub static META: $crate::finding::RuleMeta = $crate::finding::RuleMeta {
            id: $id,
            name: $rname,
            severity: $crate::finding::Severity::$sev,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
            policy: None,
        };
    };
}

pub mod cf501;
pub mod cf502;
pub mod cf503;
pub mod dr201;
pub mod dr202;
pub mod dr203;
pub mod eb701;
pub mod hc401;
pub mod ka101;
pub mod nl601;
pub mod nl602;
pub mod pa001;
pub mod rq301;
pub mod su001;
pub mod su002;
pub mod su003;
pub mod su004;
pub mod su005;
pub mod un001;
pub mod un002;
pub mod un003;

/// Lines a report prints once, after its findings, for the rules that
/// fired: what every one of their findings would otherwise repeat.
pub fn report_notes(findings: &[&Finding]) -> Vec<String> {
    let fired = |meta: &RuleMeta| {
        findings
            .iter()
            .any(|f| !f.is_suppressed() && f.rule.id == meta.id)
    };
    let mut notes = Vec::new();
    if fired(&un002::META) {
        notes.push(un002::report_note());
    }
    notes
}

/// Every rule, in catalog order.
pub static CATALOG: &[&RuleMeta] = &[
    &ka101::META,
    &dr201::META,
    &dr202::META,
    &dr203::META,
    &rq301::META,
    &hc401::META,
    &nl601::META,
    &nl602::META,
    &cf501::META,
    &cf502::META,
    &cf503::META,
    &eb701::META,
    &un001::META,
    &un002::META,
    &un003::META,
    &pa001::META,
    &su001::META,
    &su002::META,
    &su003::META,
    &su004::META,
    &su005::META,
];

/// A rule by ID (`KA101`, any case) or by the name findings print
/// (`keepalive-not-above-idle-timeout`).
pub fn find(id_or_name: &str) -> Option<&'static RuleMeta> {
    CATALOG
        .iter()
        .copied()
        .find(|r| r.id.eq_ignore_ascii_case(id_or_name) || r.name.eq_ignore_ascii_case(id_or_name))
}

/// A rule's catalog entry as JSON (`rules --format json`, `explain --format json`).
pub fn rule_json(r: &RuleMeta) -> serde_json::Value {
    serde_json::json!({
        "id": r.id,
        "name": r.name,
        "severity": r.severity.as_str(),
        "summary": r.summary,
        "tags": r.tags(),
        "help_uri": r.help_uri(),
        "documentation": r.documentation(),
        "policy": r.policy,
    })
}

/// Rules that read service chains.
type ChainRule = fn(&Chain<'_>, &mut Checker);

static CHAIN_RULES: &[(&RuleMeta, ChainRule)] = &[
    (&ka101::META, ka101::check),
    (&dr203::META, dr203::check),
    (&rq301::META, rq301::check),
    (&nl601::META, nl601::check),
    (&nl602::META, nl602::check),
    (&un002::META, un002::check),
];

/// Rules that read routes: the load balancer and target group alone, with
/// or without a service behind them.
type RouteRule = fn(&Route<'_>, &mut Checker);

static ROUTE_RULES: &[(&RuleMeta, RouteRule)] = &[
    (&dr201::META, dr201::check),
    (&dr202::META, dr202::check),
    (&hc401::META, hc401::check),
];

/// Rules that read a CloudFront origin in front of a load balancer, with
/// the service chains behind it.
type EdgeRule = fn(&Edge<'_>, &[Chain<'_>], &mut Checker);

static EDGE_RULES: &[(&RuleMeta, EdgeRule)] = &[
    (&cf501::META, cf501::check),
    (&cf502::META, cf502::check),
    (&cf503::META, cf503::check),
];

/// Rules that read an Elastic Beanstalk environment.
type EnvironmentRule = fn(&Environment<'_>, &mut Checker);

static ENVIRONMENT_RULES: &[(&RuleMeta, EnvironmentRule)] = &[(&eb701::META, eb701::check)];

/// What the rules run on, besides the service chains.
pub struct Subjects<'a, 'm> {
    pub routes: &'a [Route<'m>],
    pub edges: &'a [Edge<'m>],
    pub environments: &'a [Environment<'m>],
}

/// Run every rule but the `disabled` ones (IDs, from the configuration) on
/// the service chains, the routes, the edges and the Beanstalk
/// environments: a disabled rule does not run, and values only it needs
/// are not reported unresolved (UN001).
pub fn check_without(
    chains: &[Chain<'_>],
    subjects: &Subjects<'_, '_>,
    today: crate::suppress::Date,
    disabled: &[&str],
) -> Vec<Finding> {
    let Subjects {
        routes,
        edges,
        environments,
    } = subjects;
    let mut checker = Checker::new(today);
    checker.disabled = disabled.iter().map(|d| d.to_string()).collect();
    for chain in chains {
        for (meta, rule) in CHAIN_RULES {
            if !checker.is_disabled(meta.id) {
                rule(chain, &mut checker);
            }
        }
    }
    for route in routes.iter() {
        for (meta, rule) in ROUTE_RULES {
            if !checker.is_disabled(meta.id) {
                rule(route, &mut checker);
            }
        }
    }
    for edge in edges.iter() {
        for (meta, rule) in EDGE_RULES {
            if !checker.is_disabled(meta.id) {
                rule(edge, chains, &mut checker);
            }
        }
    }
    for environment in environments.iter() {
        for (meta, rule) in ENVIRONMENT_RULES {
            if !checker.is_disabled(meta.id) {
                rule(environment, &mut checker);
            }
        }
    }
    checker.finish()
}

/// What a finding is about: a service chain, or a route (a load balancer
/// and target group, with or without a service).
pub trait Subject {
    fn scope(&self) -> &str;
    /// The ECS service, for a chain.
    fn service(&self) -> Option<&str>;
    /// What a finding on it is about, without lines or values.
    fn identity(&self) -> Vec<String>;
    /// Where a finding with no location of its own points.
    fn fallback(&self) -> Option<Location>;
    /// The in-source suppression of `rule` on it, today.
    fn suppression(
        &self,
        rule: &str,
        today: crate::suppress::Date,
    ) -> Option<crate::finding::Suppression>;
    /// The container port traffic is sent to, when known (a Classic ELB's
    /// listeners are told apart by their instance port).
    fn container_port(&self) -> Option<f64>;
    /// Its load balancer, or why that is unknown; `None` when there is
    /// none to check and nothing to say (a target group no listener in the
    /// scan forwards to: the services behind it say so).
    fn load_balancer(&self) -> Option<Result<&LoadBalancer, &Unresolved>>;
}

impl Subject for Chain<'_> {
    fn scope(&self) -> &str {
        &self.service.id.scope
    }
    fn service(&self) -> Option<&str> {
        Some(self.service_name())
    }
    fn identity(&self) -> Vec<String> {
        Chain::identity(self)
    }
    fn fallback(&self) -> Option<Location> {
        Some(self.attachment.at.clone())
    }
    fn container_port(&self) -> Option<f64> {
        self.attachment
            .container_port
            .as_ref()
            .and_then(|p| p.value().copied())
    }
    fn suppression(
        &self,
        rule: &str,
        today: crate::suppress::Date,
    ) -> Option<crate::finding::Suppression> {
        crate::suppress::for_chain(self, rule, today)
    }
    fn load_balancer(&self) -> Option<Result<&LoadBalancer, &Unresolved>> {
        Some(self.load_balancer.as_ref().map(|lb| *lb).map_err(|u| &**u))
    }
}

impl Subject for Route<'_> {
    /// The one service's scope when the finding names it (a target group
    /// in one template, the service in another: an import or a nested
    /// stack), so that the service and its scope agree.
    fn scope(&self) -> &str {
        match self.services.as_slice() {
            [one] => &one.id.scope,
            _ => Route::scope(self),
        }
    }
    /// The one service behind the route, when there is exactly one: the
    /// finding is then about that service as much as about its target group.
    fn service(&self) -> Option<&str> {
        match self.services.as_slice() {
            [one] => Some(one.id.address.as_str()),
            _ => None,
        }
    }
    fn identity(&self) -> Vec<String> {
        Route::identity(self)
    }
    fn fallback(&self) -> Option<Location> {
        self.at().cloned()
    }
    /// The port of the one service behind it attached to this load balancer.
    fn container_port(&self) -> Option<f64> {
        let [service] = self.services.as_slice() else {
            return None;
        };
        let ports: Vec<f64> = service
            .attachments
            .iter()
            .filter(|a| {
                matches!(
                    (&a.target, self.target_group),
                    (crate::model::AttachmentTarget::TargetGroup(_), Some(_))
                        | (crate::model::AttachmentTarget::ClassicElb(_), None)
                )
            })
            .filter_map(|a| a.container_port.as_ref().and_then(|p| p.value().copied()))
            .collect();
        match ports.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }
    fn suppression(
        &self,
        rule: &str,
        today: crate::suppress::Date,
    ) -> Option<crate::finding::Suppression> {
        crate::suppress::for_route(self, rule, today)
    }
    fn load_balancer(&self) -> Option<Result<&LoadBalancer, &Unresolved>> {
        match (self.load_balancer, &self.load_balancer_unknown) {
            (Some(lb), _) => Some(Ok(lb)),
            (None, Some(u)) => Some(Err(u)),
            (None, None) => None,
        }
    }
}

impl Subject for Edge<'_> {
    fn scope(&self) -> &str {
        &self.origin.id.scope
    }
    /// An origin is not one service's: its findings name the distribution.
    fn service(&self) -> Option<&str> {
        None
    }
    fn identity(&self) -> Vec<String> {
        vec![
            self.origin.id.scope.to_string(),
            self.origin.id.address.clone(),
            self.origin.origin_id.clone().unwrap_or_default(),
            match &self.load_balancer {
                Some(Ok(lb)) => lb.id.address.clone(),
                _ => String::new(),
            },
        ]
    }
    fn fallback(&self) -> Option<Location> {
        Some(self.origin.at.clone())
    }
    fn suppression(
        &self,
        rule: &str,
        today: crate::suppress::Date,
    ) -> Option<crate::finding::Suppression> {
        crate::suppress::for_edge(self, rule, today)
    }
    fn container_port(&self) -> Option<f64> {
        None
    }
    fn load_balancer(&self) -> Option<Result<&LoadBalancer, &Unresolved>> {
        self.load_balancer.as_ref().map(|r| r.as_ref().copied())
    }
}

impl Subject for Environment<'_> {
    fn scope(&self) -> &str {
        &self.env.id.scope
    }
    fn service(&self) -> Option<&str> {
        Some(&self.env.id.address)
    }
    fn identity(&self) -> Vec<String> {
        vec![self.env.id.scope.to_string(), self.env.id.address.clone()]
    }
    fn fallback(&self) -> Option<Location> {
        Some(self.env.at.clone())
    }
    fn suppression(
        &self,
        rule: &str,
        today: crate::suppress::Date,
    ) -> Option<crate::finding::Suppression> {
        crate::suppress::among(&self.env.ignore, rule, today)
    }
    fn container_port(&self) -> Option<f64> {
        None
    }
    /// A Beanstalk environment's load balancer is not a resource of the
    /// scan: its settings are the environment's.
    fn load_balancer(&self) -> Option<Result<&LoadBalancer, &Unresolved>> {
        None
    }
}

/// What a rule says about one chain.
pub struct Diagnostic {
    pub message: String,
    pub fix: Option<String>,
    /// The value to change, or where a default applies.
    pub location: Option<Location>,
    /// What the location shows.
    pub label: String,
    pub related: Vec<Related>,
    /// The fix as a replacement of one written value (see `number_suggestion`).
    pub suggestion: Option<Suggestion>,
}

/// Collects findings; rules report unresolved inputs through it (UN001).
/// Findings a suppression silences are kept, marked (reports count them).
pub struct Checker {
    pub findings: Vec<Finding>,
    /// The date `until=` suppressions are compared with.
    pub today: crate::suppress::Date,
    /// Unknown values by (service, what, reason): UN001 is emitted once per
    /// value, naming every check that needed it.
    unresolved: std::collections::BTreeMap<(String, String, String, String), un001::Pending>,
    /// Rule IDs the configuration turned off.
    disabled: Vec<String>,
}

impl Checker {
    /// A checker for which the rules `disabled` report nothing.
    pub fn with_disabled(today: crate::suppress::Date, disabled: &[&str]) -> Checker {
        let mut c = Checker::new(today);
        c.disabled = disabled.iter().map(|d| d.to_string()).collect();
        c
    }

    pub fn new(today: crate::suppress::Date) -> Checker {
        Checker {
            findings: Vec::new(),
            today,
            unresolved: Default::default(),
            disabled: Vec::new(),
        }
    }

    pub fn is_disabled(&self, rule: &str) -> bool {
        self.disabled.iter().any(|d| d.eq_ignore_ascii_case(rule))
    }

    pub fn report(&mut self, rule: &'static RuleMeta, on: &dyn Subject, d: Diagnostic) {
        if self.is_disabled(rule.id) {
            return;
        }
        let suppression = on.suppression(rule.id, self.today);
        self.findings.push(Finding {
            service: on.service().map(str::to_string),
            scope: Some(on.scope().to_string()),
            fix: d.fix,
            location: d.location.or_else(|| on.fallback()),
            label: d.label,
            related: d.related,
            suggestion: d.suggestion,
            identity: on.identity(),
            suppression,
            ..Finding::new(rule, d.message)
        });
    }

    /// A value `rule` needs is unresolved: UN001, naming the value and why.
    /// Silenced like the rule that needed the value: a suppression of UN001,
    /// or of every check that needed it.
    pub fn unresolved(&mut self, on: &dyn Subject, needed_by: &str, what: &str, u: &Unresolved) {
        if self.is_disabled(un001::META.id) || self.is_disabled(needed_by) {
            return;
        }
        let own = on.suppression(un001::META.id, self.today);
        let by_rule = on.suppression(needed_by, self.today);
        // A route has no service: its notes are keyed by what it is about.
        let key = (
            on.scope().to_string(),
            on.service()
                .map(str::to_string)
                .unwrap_or_else(|| on.identity().join(" ")),
            what.to_string(),
            u.reason.clone(),
        );
        let pending = self
            .unresolved
            .entry(key)
            .or_insert_with(|| un001::Pending {
                service: on.service().map(str::to_string),
                scope: on.scope().to_string(),
                identity: on.identity(),
                what: what.to_string(),
                needed_by: Vec::new(),
                unresolved: u.clone(),
                fallback: on.fallback(),
                silenced: Vec::new(),
                suppression: None,
                silenced_by: None,
            });
        if pending.suppression.is_none() {
            pending.suppression = own;
        }
        let list = match by_rule {
            Some(s) => {
                pending.silenced_by.get_or_insert(s);
                &mut pending.silenced
            }
            None => &mut pending.needed_by,
        };
        if !list.iter().any(|n| n == needed_by) {
            list.push(needed_by.to_string());
        }
    }

    pub fn finish(mut self) -> Vec<Finding> {
        self.findings
            .extend(self.unresolved.into_values().map(un001::finding));
        self.findings
    }

    /// The chain's load balancer and its type, or report why they are
    /// unknown (UN001) and return `None`.
    pub fn load_balancer<'c>(
        &mut self,
        on: &'c dyn Subject,
        needed_by: &str,
    ) -> Option<(&'c LoadBalancer, LbKind)> {
        match on.load_balancer()? {
            Ok(lb) => {
                let kind = self.need(on, needed_by, "the load balancer type", &lb.kind)?;
                Some((lb, kind))
            }
            Err(u) => {
                self.unresolved(on, needed_by, "the load balancer", u);
                None
            }
        }
    }

    /// Whether the load balancer reuses idle back-end connections, the
    /// premise of KA101, DR201 and RQ301: an ALB does, an NLB does not, a
    /// Classic ELB only through HTTP/HTTPS listeners (TCP/SSL pair one
    /// client connection with one back-end connection). When a Classic ELB's
    /// listeners cannot tell, it is reported (UN001) and `false` returned:
    /// a rule never fires on a premise it cannot check.
    pub fn reuses_connections(
        &mut self,
        chain: &dyn Subject,
        needed_by: &str,
        lb: &crate::model::LoadBalancer,
        kind: crate::model::LbKind,
    ) -> bool {
        if !kind.reuses_connections() {
            return false;
        }
        let Some(listeners) = &lb.classic_listeners else {
            return true;
        };
        let port = chain.container_port();
        // The listeners that reach the container's port, when that picks any.
        let on_port: Vec<_> = listeners
            .iter()
            .filter(|l| port.is_some() && l.instance_port == port)
            .collect();
        let by_port = !on_port.is_empty();
        let picked: Vec<_> = if by_port {
            on_port
        } else {
            listeners.iter().collect()
        };
        let what = "the Classic ELB listener protocol";
        let mut http = Vec::new();
        for l in &picked {
            match self.need(chain, needed_by, what, &l.http) {
                Some(h) => http.push(h),
                None => return false,
            }
        }
        if http.is_empty() {
            let u = Unresolved::new(
                "keepalign found no listener of this Classic ELB, so whether it reuses \
                 connections to targets (HTTP/HTTPS listeners do, TCP/SSL do not) is unknown",
                Some(lb.at.clone()),
            );
            self.unresolved(chain, needed_by, what, &u);
            return false;
        }
        if http.iter().all(|h| *h) {
            return true;
        }
        if http.iter().any(|h| *h) {
            let u = Unresolved::new(
                format!(
                    "the Classic ELB has both HTTP/HTTPS listeners (which reuse connections to \
                     targets) and TCP/SSL listeners (which do not), and {}, so keepalign cannot \
                     tell which carries this service",
                    match port {
                        Some(p) if by_port =>
                            format!("both kinds forward to instance port {}", fmt_secs(p)),
                        Some(p) => format!("none has instance port {}", fmt_secs(p)),
                        None => "the container port is not known".to_string(),
                    }
                ),
                Some(lb.at.clone()),
            );
            self.unresolved(chain, needed_by, what, &u);
        }
        false
    }

    /// The value of a setting, or report it as unresolved and return `None`.
    pub fn need<T: Clone>(
        &mut self,
        chain: &dyn Subject,
        needed_by: &str,
        what: &str,
        s: &Setting<T>,
    ) -> Option<T> {
        match s {
            Setting::Known { value, .. } => Some(value.clone()),
            Setting::Unresolved(u) => {
                self.unresolved(chain, needed_by, what, u);
                None
            }
        }
    }
}

/// "60 s" with how it is known: "(AWS default)" or nothing when written.
pub fn describe(s: &Setting<Seconds>) -> String {
    match s {
        Setting::Known {
            value,
            provenance: Provenance::Explicit(_),
        } => format!("{} s", fmt_secs(*value)),
        Setting::Known {
            value,
            provenance: Provenance::Default { source, .. },
        } => format!("{} s, {source}", fmt_secs(*value)),
        Setting::Known {
            value,
            provenance: Provenance::Declared(at),
        } => format!("{} s, {}", fmt_secs(*value), declared_in(at)),
        Setting::Unresolved(u) => format!("unknown ({})", u.reason),
    }
}

/// A setting as the predicate of a message, its provenance in brackets:
/// "is 30 s", "defaults to 2 s (no --keep-alive flag)" (a server default
/// named "gunicorn default (no --keep-alive flag)" keeps only the reason),
/// "defaults to 300 s (AWS default for deregistration_delay)", "is 45 s
/// (declared in keepalign.toml:7)".
pub fn predicate(s: &Setting<Seconds>, value: Seconds) -> String {
    match s {
        Setting::Known {
            provenance: Provenance::Default { source, .. },
            ..
        } => match source.split_once(" (") {
            Some((_, why)) => format!("defaults to {} s ({why}", fmt_secs(value)),
            None => format!("defaults to {} s ({source})", fmt_secs(value)),
        },
        _ => format!("is {} s{}", fmt_secs(value), declared_note(s)),
    }
}

/// "5 s", "10 s (AWS default for health check timeout)", "8 s (declared in
/// keepalign.toml:7)": a value in a message, its provenance in brackets.
pub fn bracketed(s: &Setting<Seconds>, value: Seconds) -> String {
    match s {
        Setting::Known {
            provenance: Provenance::Default { source, .. },
            ..
        } => format!("{} s ({source})", fmt_secs(value)),
        _ => format!("{} s{}", fmt_secs(value), declared_note(s)),
    }
}

/// The load balancer's idle timeout in a message: "60 s (the AWS
/// default)", "120 s", "120 s (declared in keepalign.toml:7)".
pub fn idle_phrase(idle: &Setting<Seconds>, value: Seconds) -> String {
    if idle.is_default() {
        format!("{} s (the AWS default)", fmt_secs(value))
    } else {
        format!("{} s{}", fmt_secs(value), declared_note(idle))
    }
}

/// "declared in keepalign.toml:12": where the configuration states a value.
pub fn declared_in(at: &Location) -> String {
    format!("declared in {}:{}", at.file.display, at.start().0)
}

/// " (declared in keepalign.toml:12)" for a declared setting, else nothing:
/// messages say when a value is not from the IaC.
pub fn declared_note<T>(s: &Setting<T>) -> String {
    match s {
        Setting::Known {
            provenance: Provenance::Declared(at),
            ..
        } => format!(" ({})", declared_in(at)),
        _ => String::new(),
    }
}

/// The load balancer's idle timeout as a related location.
pub fn idle_timeout_related(
    lb: &crate::model::LoadBalancer,
    kind: crate::model::LbKind,
) -> Related {
    related(
        &lb.idle_timeout,
        &lb.at,
        format!(
            "{} idle timeout {}",
            kind.short_name(),
            describe(&lb.idle_timeout)
        ),
    )
}

/// A related location for a setting: where it is written, or where its default applies.
pub fn related(s: &Setting<Seconds>, fallback: &Location, message: String) -> Related {
    Related {
        location: s.location().cloned().unwrap_or_else(|| fallback.clone()),
        message,
    }
}

/// Replace a setting written as a bare number with `new`, or `None`.
///
/// Only when the text at the setting's location is exactly the number the
/// setting holds (digits only: no quotes, no units, no milliseconds for a
/// value in seconds), `new` is a whole number, and the number is written
/// where the setting is used: a Terraform `variable` default, a `.tfvars`
/// value or a CloudFormation parameter's `Default` may feed other
/// resources, so changing it is a decision, not a suggestion.
pub fn number_suggestion(s: &Setting<Seconds>, new: Seconds) -> Option<Suggestion> {
    let Setting::Known {
        value,
        provenance: Provenance::Explicit(at),
    } = s
    else {
        return None;
    };
    let old = at.snippet();
    let digits = !old.is_empty() && old.len() <= 9 && old.bytes().all(|b| b.is_ascii_digit());
    if !digits || old.parse::<f64>().ok() != Some(*value) {
        return None;
    }
    if new.fract() != 0.0 || !(0.0..1e9).contains(&new) || new == *value || is_input_value(at) {
        return None;
    }
    Some(Suggestion {
        location: at.clone(),
        text: fmt_secs(new),
    })
}

/// Whether `at` is inside a variable's or parameter's value rather than
/// where the setting is used.
fn is_input_value(at: &Location) -> bool {
    let file = &at.file.display;
    if file.ends_with(".tfvars") || file.ends_with(".tfvars.json") {
        return true;
    }
    let before = at.file.text.get(..at.span.start).unwrap_or("");
    let line = before.rsplit('\n').next().unwrap_or("").trim_start();
    let line = line.trim_start_matches(['"', '\'']);
    // CloudFormation `Default: 5`, `"Default": 5`, `"ParameterValue": "5"`.
    if line.starts_with("Default") || line.starts_with("ParameterValue") {
        return true;
    }
    // Terraform: the enclosing top-level block is the last line before the
    // value that starts in column one with a word (`variable "x" {`).
    file.ends_with(".tf")
        && before
            .lines()
            .rev()
            .find(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
            .is_some_and(|header| header.starts_with("variable"))
}
