//! Builds one chain per (ECS service, `load_balancer` block, load balancer):
//! load balancer → listener (→ rule) → target group → service → the container
//! named in `container_name` → its server. Lookups are by index, so linking
//! is linear in the number of resources.

use crate::model::*;
use crate::servers::ServerProfile;
use smallvec::SmallVec;
use std::collections::HashMap;

pub struct Chain<'m> {
    pub service: &'m Service,
    pub attachment: &'m Attachment,
    /// The route the traffic takes to the target group, when known.
    pub listener: Option<&'m Listener>,
    pub listener_rule: Option<&'m ListenerRule>,
    pub load_balancer: Result<&'m LoadBalancer, Unknown>,
    /// `None` for Classic ELB attachments, which have no target group.
    pub target_group: Option<Result<&'m TargetGroup, Unknown>>,
    pub task_definition: Result<&'m TaskDefinition, Unknown>,
    pub container: Result<&'m Container, Unknown>,
    /// The container's stopTimeout: as written, or what an unset one falls
    /// back to on the service's launch type (see `crate::launch`).
    pub stop_timeout: Setting<Seconds>,
    /// The launch template (or launch configuration) whose ECS agent
    /// settings give `stop_timeout`, when the container does not set it.
    pub stop_timeout_agent: Option<&'m AgentConfig>,
    pub server: Result<ServerProfile, Unresolved>,
    /// How ECS runs the service's tasks, or why that is unknown.
    pub launch_type: Result<LaunchType, Unresolved>,
    /// How the container's image was followed to the Dockerfile that
    /// builds it, when it was.
    pub image: Option<crate::images::ImageLink>,
    /// On the EC2 launch type: the launch templates (and launch
    /// configurations) of the instances its tasks run on, as far as the
    /// scan shows them.
    pub instance_configs: Vec<&'m AgentConfig>,
    /// When the targeted container runs a proxy (nginx, Envoy, HAProxy,
    /// Traefik, Caddy, Varnish): the other containers of the task whose
    /// server keepalign identifies, the second hop behind the proxy. Shown
    /// by `services`; the rules check the proxy, which the load balancer
    /// talks to.
    pub behind_proxy: Vec<(&'m Container, ServerProfile)>,
    /// The CloudFront origins in front of its load balancer, with the DNS
    /// alias record each reaches it through (see `crate::edge`).
    pub cloudfront: Vec<(&'m EdgeOrigin, Option<&'m DnsAlias>)>,
}

/// Why a part of a chain is unknown: boxed, since most chains know every
/// part and a chain is kept for each service of the scan.
pub type Unknown = Box<Unresolved>;

/// Servers that pass requests on to another container of the task.
const PROXIES: &[&str] = &["nginx", "envoy", "haproxy", "traefik", "caddy", "varnish"];

/// The identified servers of the task's other containers, when `server`
/// is a proxy in `container`.
fn behind_proxy<'m>(
    model: &'m Model,
    td: Option<&'m TaskDefinition>,
    container: &'m Container,
    server: &Result<ServerProfile, Unresolved>,
) -> Vec<(&'m Container, ServerProfile)> {
    let proxy = matches!(server, Ok(s) if PROXIES.contains(&s.server));
    let Some(Ok(containers)) = td.map(|td| &td.containers).filter(|_| proxy) else {
        return Vec::new();
    };
    containers
        .iter()
        .filter(|c| !std::ptr::eq(*c, container))
        .filter_map(|c| Some((c, crate::images::identify(&model.builds, c, None).0.ok()?)))
        .filter(|(_, s)| !PROXIES.contains(&s.server))
        .collect()
}

impl Chain<'_> {
    /// The server's name for a message, with the image link it rests on
    /// when the server was found through one: "gunicorn (image `…` built by
    /// services/web/Dockerfile, matched by …)".
    pub fn server_named(&self, server: &ServerProfile) -> String {
        match &self.image {
            Some(link) => format!("{} ({})", server.server, link.text),
            None => server.server.to_string(),
        }
    }

    /// The service address users know (`aws_ecs_service.web[0]`).
    pub fn service_name(&self) -> &str {
        &self.service.id.address
    }

    /// What a finding on this chain is about, without lines or values:
    /// scope, service, container, load balancer and target group.
    pub fn identity(&self) -> Vec<String> {
        let address = |r: Result<&ResourceId, &Unresolved>| match r {
            Ok(id) => id.address.clone(),
            Err(_) => "?".to_string(),
        };
        vec![
            self.service.id.scope.to_string(),
            self.service.id.address.clone(),
            match &self.attachment.container_name {
                Setting::Known { value, .. } => value.clone(),
                Setting::Unresolved(_) => "?".to_string(),
            },
            address(
                self.load_balancer
                    .as_ref()
                    .map(|lb| &lb.id)
                    .map_err(|u| &**u),
            ),
            self.target_group
                .as_ref()
                .map(|tg| address(tg.as_ref().map(|t| &t.id).map_err(|u| &**u)))
                .unwrap_or_default(),
        ]
    }
}

/// A load balancer forwarding to a target group (through a listener, and
/// possibly a rule), or a Classic ELB: the load-balancer side of the
/// chains, whether or not an ECS service is linked behind it. Rules about
/// the load balancer and target group alone (DR201, DR202, HC401) read
/// these, once per load balancer and target group, however many services
/// share them.
pub struct Route<'m> {
    /// `None` for a target group no listener in the scan forwards to: only
    /// what concerns the target group alone (HC401) is checked on it.
    pub load_balancer: Option<&'m LoadBalancer>,
    /// Why the load balancer is unknown, when services behind a target
    /// group with no known load balancer say why (a data source, a module
    /// that is not downloaded).
    pub load_balancer_unknown: Option<Unresolved>,
    /// Whether this is the target group's first route: rules about the
    /// target group alone report once, there.
    pub first_for_target_group: bool,
    pub listener: Option<&'m Listener>,
    pub listener_rule: Option<&'m ListenerRule>,
    /// `None` for a Classic ELB, which has no target group.
    pub target_group: Option<&'m TargetGroup>,
    /// The ECS services attached behind it (their suppressions apply too).
    pub services: Vec<&'m Service>,
}

impl Route<'_> {
    /// The scope of the target group (or of the Classic ELB).
    pub fn scope(&self) -> &str {
        match (self.target_group, self.load_balancer) {
            (Some(tg), _) => &tg.id.scope,
            (None, Some(lb)) => &lb.id.scope,
            (None, None) => "",
        }
    }

    /// Scope, load balancer and target group, without lines or values.
    pub fn identity(&self) -> Vec<String> {
        vec![
            self.scope().to_string(),
            self.load_balancer
                .map(|lb| lb.id.address.clone())
                .unwrap_or_default(),
            self.target_group
                .map(|tg| tg.id.address.clone())
                .unwrap_or_default(),
        ]
    }

    /// Where a finding without a location of its own points.
    pub fn at(&self) -> Option<&crate::source::Location> {
        match (self.target_group, self.load_balancer) {
            (Some(tg), _) => Some(&tg.at),
            (None, lb) => lb.map(|lb| &lb.at),
        }
    }
}

/// Every route: each target group once per load balancer whose listeners
/// (or listener rules) forward to it, in the model's order, then those
/// only the service chains know (a load balancer the configuration
/// declares for a service), then each target group no load balancer is
/// known to forward to, and each Classic ELB. A listener whose load
/// balancer is unknown adds no route: nothing about it can be compared,
/// and the services behind it say why (UN001).
pub fn routes<'m>(model: &'m Model, chains: &[Chain<'m>]) -> Vec<Route<'m>> {
    let lbs = Index::new(&model.load_balancers, |x| &x.id, |x| x.name.as_deref());
    let listeners = Index::new(&model.listeners, |x| &x.id, |_| None);
    let tgs = Index::new(&model.target_groups, |x| &x.id, |x| x.name.as_deref());
    let forwarding = forwarding(model, &listeners, &tgs);
    // The services behind each target group and Classic ELB, as the chains
    // resolved them.
    let mut behind: HashMap<&ResourceId, Vec<&Service>> = HashMap::new();
    for chain in chains {
        let id = match (&chain.target_group, &chain.load_balancer) {
            (Some(Ok(tg)), _) => &tg.id,
            (None, Ok(lb)) => &lb.id,
            _ => continue,
        };
        let list = behind.entry(id).or_default();
        if !list.iter().any(|s| std::ptr::eq(*s, chain.service)) {
            list.push(chain.service);
        }
    }
    let mut out: Vec<Route<'m>> = Vec::new();
    for tg in &model.target_groups {
        for (listener, listener_rule, lb) in reaching(&forwarding, &lbs, &tg.id).routes {
            if let Ok(lb) = lb {
                out.push(Route {
                    load_balancer: Some(lb),
                    load_balancer_unknown: None,
                    first_for_target_group: false,
                    listener,
                    listener_rule,
                    target_group: Some(tg),
                    services: behind.get(&tg.id).cloned().unwrap_or_default(),
                });
            }
        }
    }
    let key = |lb: &ResourceId, tg: Option<&TargetGroup>| (lb.clone(), tg.map(|t| t.id.clone()));
    let mut known: std::collections::HashSet<_> = out
        .iter()
        .filter_map(|r| Some(key(&r.load_balancer?.id, r.target_group)))
        .collect();
    for lb in &model.load_balancers {
        if lb.kind.value() == Some(&LbKind::Classic) && known.insert(key(&lb.id, None)) {
            out.push(Route {
                load_balancer: Some(lb),
                load_balancer_unknown: None,
                first_for_target_group: false,
                listener: None,
                listener_rule: None,
                target_group: None,
                services: behind.get(&lb.id).cloned().unwrap_or_default(),
            });
        }
    }
    for chain in chains {
        let (Ok(lb), tg) = (&chain.load_balancer, &chain.target_group) else {
            continue;
        };
        let tg = match tg {
            Some(Ok(tg)) => Some(*tg),
            Some(Err(_)) => continue,
            None => None,
        };
        if known.insert(key(&lb.id, tg)) {
            out.push(Route {
                load_balancer: Some(lb),
                load_balancer_unknown: None,
                first_for_target_group: false,
                listener: chain.listener,
                listener_rule: chain.listener_rule,
                target_group: tg,
                services: vec![chain.service],
            });
        }
    }
    let reached: std::collections::HashSet<&ResourceId> = out
        .iter()
        .filter_map(|r| r.target_group.map(|t| &t.id))
        .collect();
    let unreached: Vec<&TargetGroup> = model
        .target_groups
        .iter()
        .filter(|tg| !reached.contains(&tg.id))
        .collect();
    for tg in unreached {
        let load_balancer_unknown =
            chains
                .iter()
                .find_map(|c| match (&c.load_balancer, &c.target_group) {
                    (Err(u), Some(Ok(t))) if t.id == tg.id => Some((**u).clone()),
                    _ => None,
                });
        out.push(Route {
            load_balancer: None,
            load_balancer_unknown,
            first_for_target_group: false,
            listener: None,
            listener_rule: None,
            target_group: Some(tg),
            services: behind.get(&tg.id).cloned().unwrap_or_default(),
        });
    }
    let mut seen = std::collections::HashSet::new();
    for r in &mut out {
        r.first_for_target_group = r.target_group.is_some_and(|t| seen.insert(&t.id));
    }
    out
}

/// Which listeners (and rules) forward to each target group. A rule whose
/// listener is unknown (another state, a data source) is still a route:
/// its load balancer is unknown, for that reason.
fn forwarding<'m>(
    model: &'m Model,
    listeners: &Index<'m, Listener>,
    tgs: &Index<'m, TargetGroup>,
) -> HashMap<&'m ResourceId, Forwards<'m>> {
    let mut routes: HashMap<&ResourceId, Forwards> =
        HashMap::with_capacity(model.target_groups.len());
    for l in &model.listeners {
        for t in &l.target_groups {
            if let Ok(found) = tgs.resolve(&l.id.scope, t, "target group") {
                for tg in found {
                    routes.entry(&tg.id).or_default().push((Ok(l), None));
                }
            }
        }
    }
    for r in &model.listener_rules {
        let ls: Vec<Result<&Listener, Unresolved>> =
            match listeners.resolve(&r.id.scope, &r.listener, "listener") {
                Ok(ls) => ls.into_iter().map(Ok).collect(),
                Err(u) => vec![Err(u)],
            };
        for t in &r.target_groups {
            if let Ok(found) = tgs.resolve(&r.id.scope, t, "target group") {
                for tg in found {
                    for l in &ls {
                        routes.entry(&tg.id).or_default().push((l.clone(), Some(r)));
                    }
                }
            }
        }
    }
    routes
}

/// The resources an address or a name stands for: almost always one,
/// kept inline (an index entry per resource of a large scan).
type Found<'m, T> = SmallVec<[&'m T; 1]>;

/// Resources of one kind, indexed by (scope, address) and by name.
pub(crate) struct Index<'m, T> {
    by_address: HashMap<(&'m str, &'m str), Found<'m, T>>,
    by_name: HashMap<&'m str, Found<'m, T>>,
    id: fn(&T) -> &ResourceId,
}

impl<'m, T> Index<'m, T> {
    pub(crate) fn new(
        items: &'m [T],
        id: fn(&T) -> &ResourceId,
        name: fn(&T) -> Option<&str>,
    ) -> Self {
        let mut by_address: HashMap<(&str, &str), Found<T>> = HashMap::with_capacity(items.len());
        // Listeners have no names: sized as names come.
        let mut by_name: HashMap<&str, Found<T>> = HashMap::new();
        for item in items {
            let rid = id(item);
            by_address
                .entry((&rid.scope, &rid.address))
                .or_default()
                .push(item);
            // `aws_lb_target_group.app[*]` and references without an index
            // reach every instance.
            if let Some(base) = without_instance_key(&rid.address) {
                by_address.entry((&rid.scope, base)).or_default().push(item);
            }
            if let Some(n) = name(item) {
                by_name.entry(n).or_default().push(item);
            }
        }
        Index {
            by_address,
            by_name,
            id,
        }
    }

    /// Resolve a link written in `scope`.
    pub(crate) fn resolve(
        &self,
        scope: &str,
        link: &Link,
        what: &str,
    ) -> Result<Vec<&'m T>, Unresolved> {
        match &link.target {
            Err(u) => Err(u.clone()),
            Ok(Reference::Resource {
                address,
                scope: other_scope,
                ..
            }) => {
                let scope = other_scope.as_deref().unwrap_or(scope);
                let addr = address.strip_suffix("[*]").unwrap_or(address);
                // `x[0]` of a resource whose count was unknown (analysed once, unindexed).
                let unindexed = without_instance_key(addr)
                    .and_then(|base| self.by_address.get(&(scope, base)))
                    .filter(|found| {
                        found
                            .iter()
                            .all(|r| without_instance_key(&(self.id)(r).address).is_none())
                    });
                match self.by_address.get(&(scope, addr)).or(unindexed) {
                    Some(found) => Ok(found.to_vec()),
                    None if address.starts_with("data.terraform_remote_state.") => {
                        Err(Unresolved::new(
                            format!(
                                "the {what} comes from {address}, the state of another Terraform configuration; scan that configuration too{}",
                                declare_hint(what)
                            ),
                            link.at.clone(),
                        ))
                    }
                    None if address.starts_with("data.") => Err(Unresolved::new(
                        format!(
                            "the {what} is {address}, a data source: its settings live in AWS, not in the scanned files; scan the Terraform that creates it too{}",
                            declare_hint(what)
                        ),
                        link.at.clone(),
                    )),
                    None if address.starts_with("module.") => Err(Unresolved::new(
                        format!(
                            "the {what} comes from {address}, which is not a {what} keepalign found in the module"
                        ),
                        link.at.clone(),
                    )),
                    None => Err(Unresolved::new(
                        format!("{address} is not a {what} keepalign found in {scope}"),
                        link.at.clone(),
                    )),
                }
            }
            // An empty string is no name: a `try(…, "")` or `coalesce`
            // fallback, or an attribute left empty.
            Ok(Reference::Literal(s)) if s.trim().is_empty() => Err(Unresolved::new(
                format!(
                    "the {what} is an empty string (a fallback such as try(…, \"\") took over?), so it names no {what}{}",
                    declare_hint(what)
                ),
                link.at.clone(),
            )),
            Ok(Reference::Literal(s)) => {
                let name = name_from_arn(s);
                match self.by_name.get(name) {
                    // Environments scanned together (envs/prod, envs/staging)
                    // often reuse names: a name defined beside the reference
                    // is the one it means.
                    Some(found) => {
                        let local: Vec<&T> = found
                            .iter()
                            .copied()
                            .filter(|r| *(self.id)(r).scope == *scope)
                            .collect();
                        Ok(if local.is_empty() {
                            found.to_vec()
                        } else {
                            local
                        })
                    }
                    None => Err(Unresolved::new(
                        format!(
                            "\"{s}\" names a {what} that is not defined in the scanned files (managed elsewhere?); pass the files that define it{}",
                            declare_hint(what)
                        ),
                        link.at.clone(),
                    )),
                }
            }
        }
    }
}

/// For a load balancer the scan does not contain: how to state what
/// keepalign needs from it instead.
fn declare_hint(what: &str) -> &'static str {
    if matches!(what, "load balancer" | "Classic ELB" | "listener") {
        ", or declare the load balancer's idle-timeout and load-balancer-type for the service in keepalign.toml ([[service]])"
    } else {
        ""
    }
}

/// `x[0]` → `x`, `module.m["a"].x[0]` → `module.m["a"].x`: only the
/// resource's own instance key, never a module instance's.
fn without_instance_key(address: &str) -> Option<&str> {
    if !address.ends_with(']') {
        return None;
    }
    let open = address.rfind('[')?;
    // `module.m["a"]` alone is a module instance, not a resource instance.
    let base = &address[..open];
    (base
        .rsplit('.')
        .next()
        .is_some_and(|last| !last.ends_with(']')))
    .then_some(base)
}

/// The resource name inside an ARN (`.../targetgroup/NAME/id`,
/// `.../loadbalancer/app/NAME/id`, `task-definition/FAMILY:REV`, `:cluster/NAME`,
/// `:capacity-provider/NAME`, `:autoScalingGroupName/NAME`), or the
/// string itself.
pub(crate) fn name_from_arn(s: &str) -> &str {
    for marker in [":cluster/", ":capacity-provider/", ":autoScalingGroupName/"] {
        if let Some(rest) = s.split(marker).nth(1) {
            return rest.split('/').next().unwrap_or(rest);
        }
    }
    if let Some(rest) = s.split("targetgroup/").nth(1) {
        return rest.split('/').next().unwrap_or(rest);
    }
    if let Some(rest) = s.split(":loadbalancer/").nth(1) {
        let parts: Vec<&str> = rest.split('/').collect();
        return match parts.as_slice() {
            ["app" | "net" | "gwy", name, ..] => name,
            [name, ..] => name,
            _ => rest,
        };
    }
    let s = s.split("task-definition/").nth(1).unwrap_or(s);
    // `family:revision`
    s.split(':').next().unwrap_or(s)
}

/// A way traffic reaches a target group: a listener, possibly through a rule.
type Forward<'m> = (Result<&'m Listener, Unresolved>, Option<&'m ListenerRule>);
/// The routes to a target group: almost always one.
type Forwards<'m> = SmallVec<[Forward<'m>; 1]>;

pub fn link<'m>(model: &'m Model) -> Vec<Chain<'m>> {
    let lbs = Index::new(&model.load_balancers, |x| &x.id, |x| x.name.as_deref());
    let listeners = Index::new(&model.listeners, |x| &x.id, |_| None);
    let tgs = Index::new(&model.target_groups, |x| &x.id, |x| x.name.as_deref());
    let tds = Index::new(&model.task_definitions, |x| &x.id, |x| x.family.as_deref());

    let routes = forwarding(model, &listeners, &tgs);
    let launch = crate::launch::Resolver::new(model);

    let mut reach: HashMap<&ResourceId, Reached> = HashMap::new();
    // A chain per attachment: most services have one, and a vector grown
    // by doubling to 20,000 chains copies them and holds the copy twice.
    let mut chains = Vec::with_capacity(model.services.len());
    for service in &model.services {
        let scope = service.id.scope.as_ref();
        let task_definition = tds
            .resolve(scope, &service.task_definition, "task definition")
            .map(|v| v[0]);
        let mut unset_stop_timeout = None;
        let service_launch = launch.launch(service, task_definition.as_ref().ok().copied());
        let instance_configs = launch.instance_configs(service, &service_launch);
        let launch_type = service_launch.launch_type;
        for attachment in &service.attachments {
            let container = match (&task_definition, &attachment.container_name) {
                (Err(u), _) => Err(u.clone()),
                (_, Setting::Unresolved(u)) => Err(u.clone()),
                (Ok(td), Setting::Known { value: name, .. }) => match &td.containers {
                    Err(u) => Err(u.clone()),
                    Ok(cs) => cs.iter().find(|c| &c.name == name).ok_or_else(|| {
                        Unresolved::new(
                            format!(
                                "the task definition {} has no container named \"{name}\"",
                                td.id.address
                            ),
                            attachment.container_name.location().cloned(),
                        )
                    }),
                },
            };
            let (server, image, behind) = match &container {
                Ok(c) => {
                    let port = attachment
                        .container_port
                        .as_ref()
                        .and_then(|p| p.value().copied())
                        .filter(|p| p.fract() == 0.0 && (1.0..=65535.0).contains(p))
                        .map(|p| p as u16);
                    let (server, image) = crate::images::identify(&model.builds, c, port);
                    let behind =
                        behind_proxy(model, task_definition.as_ref().ok().copied(), c, &server);
                    (server, image, behind)
                }
                Err(u) => (Err(u.clone()), None, Vec::new()),
            };
            let (stop_timeout, stop_timeout_agent) = match &container {
                Ok(c) if c.stop_timeout.is_default() => {
                    let unset = unset_stop_timeout.get_or_insert_with(|| {
                        launch.unset_stop_timeout(service, task_definition.as_ref().ok().copied())
                    });
                    (
                        crate::launch::located(unset.setting.clone(), &c.at),
                        unset.agent,
                    )
                }
                Ok(c) => (c.stop_timeout.clone(), None),
                Err(u) => (Setting::Unresolved(u.clone()), None),
            };
            let make =
                |listener,
                 listener_rule,
                 load_balancer: Result<&'m LoadBalancer, Unresolved>,
                 target_group: Option<Result<&'m TargetGroup, Unresolved>>| Chain {
                    service,
                    attachment,
                    listener,
                    listener_rule,
                    load_balancer: load_balancer.map_err(Box::new),
                    target_group: target_group.map(|tg| tg.map_err(Box::new)),
                    task_definition: task_definition.clone().map_err(Box::new),
                    container: container.clone().map_err(Box::new),
                    stop_timeout: stop_timeout.clone(),
                    stop_timeout_agent,
                    server: server.clone(),
                    launch_type: launch_type.clone(),
                    image: image.clone(),
                    instance_configs: instance_configs.clone(),
                    behind_proxy: behind.clone(),
                    cloudfront: Vec::new(),
                };
            match &attachment.target {
                AttachmentTarget::ClassicElb(l) => match lbs.resolve(scope, l, "Classic ELB") {
                    Ok(found) => {
                        for lb in found {
                            chains.push(make(None, None, Ok(lb), None));
                        }
                    }
                    Err(u) => chains.push(make(None, None, Err(u), None)),
                },
                AttachmentTarget::TargetGroup(l) => {
                    let tg = match tgs.resolve(scope, l, "target group") {
                        Ok(found) => found[0],
                        Err(u) => {
                            chains.push(make(None, None, Err(u.clone()), Some(Err(u))));
                            continue;
                        }
                    };
                    // The load balancers that reach a target group are
                    // worked out once, however many services share it.
                    let mut reached = reach
                        .entry(&tg.id)
                        .or_insert_with(|| reaching(&routes, &lbs, &tg.id));
                    // A blue/green alternate that no listener forwards to yet
                    // is reached through its primary's load balancer.
                    if reached.routes.is_empty()
                        && let Some(primary) = &attachment.alternate_of
                        && let Ok(found) = tgs.resolve(scope, primary, "target group")
                    {
                        let primary = found[0];
                        reached = reach
                            .entry(&primary.id)
                            .or_insert_with(|| reaching(&routes, &lbs, &primary.id));
                    }
                    for (listener, rule, lb) in &reached.routes {
                        chains.push(make(*listener, *rule, lb.clone(), Some(Ok(tg))));
                    }
                    if reached.cut > 0 {
                        let u = Unresolved::new(
                            format!(
                                "{} more load balancers forward to {}: keepalign checks the first {MAX_LBS_PER_TARGET_GROUP} (its cap on load balancers per target group)",
                                reached.cut, tg.id.address
                            ),
                            Some(tg.at.clone()),
                        );
                        chains.push(make(None, None, Err(u), Some(Ok(tg))));
                    }
                    if reached.routes.is_empty() {
                        let u = Unresolved::new(
                            format!(
                                "no listener in the scanned files forwards to {}, so its load balancer is unknown{}",
                                tg.id.address,
                                declare_hint("load balancer")
                            ),
                            Some(tg.at.clone()),
                        );
                        chains.push(make(None, None, Err(u), Some(Ok(tg))));
                    }
                }
            }
        }
    }
    let in_front: Vec<(usize, &EdgeOrigin, Option<&DnsAlias>)> = crate::edge::edges(model, &chains)
        .iter()
        .flat_map(|e| e.chains.iter().map(|&i| (i, e.origin, e.alias)))
        .collect();
    for (i, origin, alias) in in_front {
        if let Some(chain) = chains.get_mut(i) {
            chain.cloudfront.push((origin, alias));
        }
    }
    chains
}

/// A target group is checked behind at most this many load balancers (AWS
/// lets one load balancer use a target group). Past it, the chains would
/// multiply: services × load balancers.
pub const MAX_LBS_PER_TARGET_GROUP: usize = 10;

/// A listener (and rule) reaching a target group, and its load balancer.
type Reach<'m> = (
    Option<&'m Listener>,
    Option<&'m ListenerRule>,
    Result<&'m LoadBalancer, Unresolved>,
);

/// The routes to a target group, one per load balancer (or per reason it
/// is unknown), and how many load balancers were left out past the cap.
struct Reached<'m> {
    routes: SmallVec<[Reach<'m>; 1]>,
    cut: usize,
}

fn reaching<'m>(
    routes: &HashMap<&ResourceId, Forwards<'m>>,
    lbs: &Index<'m, LoadBalancer>,
    tg: &ResourceId,
) -> Reached<'m> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Reached {
        routes: SmallVec::new(),
        cut: 0,
    };
    for (listener, rule) in routes.get(tg).into_iter().flatten() {
        let lb = match listener {
            Ok(l) => lbs
                .resolve(&l.id.scope, &l.load_balancer, "load balancer")
                .map(|v| v[0]),
            Err(u) => Err(u.clone()),
        };
        let key = match &lb {
            Ok(lb) => Ok(&lb.id),
            Err(u) => Err(u.reason.clone()),
        };
        if !seen.insert(key) {
            continue;
        }
        if out.routes.len() >= MAX_LBS_PER_TARGET_GROUP {
            out.cut += 1;
            continue;
        }
        out.routes
            .push((listener.as_ref().ok().copied(), *rule, lb));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::without_instance_key;

    #[test]
    fn only_the_resource_instance_key_is_stripped() {
        assert_eq!(without_instance_key("aws_lb.x[0]"), Some("aws_lb.x"));
        assert_eq!(
            without_instance_key("module.m[\"a\"].aws_lb_target_group.tg[0]"),
            Some("module.m[\"a\"].aws_lb_target_group.tg")
        );
        assert_eq!(without_instance_key("module.m[\"a\"].aws_lb.x"), None);
        assert_eq!(without_instance_key("aws_lb.x"), None);
    }
}
