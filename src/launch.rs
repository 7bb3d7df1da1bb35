//! Which launch type runs each ECS service, and so what a container's unset
//! `stopTimeout` falls back to: 30 s on Fargate; on EC2 the ECS agent's
//! `ECS_CONTAINER_STOP_TIMEOUT`, read from the user data of the launch
//! template (or launch configuration) that starts the cluster's instances.
//!
//! The launch type comes from, in order: a task definition that is only
//! `FARGATE`-compatible; the service's `launch_type`; its capacity provider
//! strategy; else the cluster's default capacity provider strategy, or EC2
//! when the cluster has none. The agent settings are those of launch
//! templates whose `ECS_CLUSTER` names the service's cluster, and of those
//! behind its capacity providers' Auto Scaling groups. Every lookup goes
//! through an index: linear in the number of resources.

use crate::agent::AGENT_DEFAULT_STOP_TIMEOUT;
use crate::linker::{Index, name_from_arn};
use crate::model::*;
use crate::source::Location;
use std::collections::HashMap;

/// The ECS default stopTimeout (Fargate, and the source name existing
/// reports use).
pub const ECS_DEFAULT: &str = "ECS default stopTimeout";

/// A service's launch type, with how it is known (for messages).
#[derive(Clone, Debug)]
pub struct Launch<'m> {
    pub launch_type: Result<LaunchType, Unresolved>,
    /// "launch_type = \"EC2\"", "capacity provider aws_ecs_capacity_provider.ec2", ...
    pub why: String,
    /// The EC2 capacity providers in the scan that run it.
    providers: Vec<&'m CapacityProvider>,
}

/// What an unset stopTimeout is, and the agent settings it comes from
/// when they are the container instances'.
#[derive(Clone, Debug)]
pub struct Fallback<'m> {
    pub setting: Setting<Seconds>,
    pub agent: Option<&'m AgentConfig>,
}

pub struct Resolver<'m> {
    clusters: Index<'m, Cluster>,
    /// Default strategies by the cluster they are for.
    strategies: HashMap<&'m ResourceId, Vec<&'m ClusterStrategy>>,
    providers: Index<'m, CapacityProvider>,
    asgs: Index<'m, AutoScalingGroup>,
    configs: Index<'m, AgentConfig>,
    /// Agent settings by the cluster their `ECS_CLUSTER` names: a cluster
    /// in the scan, or a cluster name.
    by_cluster: HashMap<&'m ResourceId, Vec<&'m AgentConfig>>,
    by_cluster_name: HashMap<&'m str, Vec<&'m AgentConfig>>,
    /// Per scope, the first launch template whose user data could not be
    /// read at all (so its `ECS_CLUSTER` is unknown too).
    unreadable: HashMap<&'m str, &'m AgentConfig>,
}

impl<'m> Resolver<'m> {
    pub fn new(model: &'m Model) -> Resolver<'m> {
        let ec2 = &model.ec2;
        let clusters = Index::new(&ec2.clusters, |x| &x.id, |x| x.name.as_deref());
        let mut strategies: HashMap<&ResourceId, Vec<&ClusterStrategy>> = HashMap::new();
        for s in &ec2.cluster_strategies {
            if let Ok(found) = clusters.resolve(&s.id.scope, &s.cluster, "cluster") {
                for c in found {
                    strategies.entry(&c.id).or_default().push(s);
                }
            }
        }
        let mut by_cluster: HashMap<&ResourceId, Vec<&AgentConfig>> = HashMap::new();
        let mut by_cluster_name: HashMap<&str, Vec<&AgentConfig>> = HashMap::new();
        let mut unreadable: HashMap<&str, &AgentConfig> = HashMap::new();
        for cfg in &ec2.agent_configs {
            if cfg.cluster.is_none() && cfg.stop_timeout.is_err() {
                unreadable.entry(&cfg.id.scope).or_insert(cfg);
            }
            let Some(link) = &cfg.cluster else { continue };
            if let Ok(Reference::Literal(s)) = &link.target {
                by_cluster_name
                    .entry(name_from_arn(s))
                    .or_default()
                    .push(cfg);
            }
            if let Ok(found) = clusters.resolve(&cfg.id.scope, link, "cluster") {
                for c in found {
                    by_cluster.entry(&c.id).or_default().push(cfg);
                }
            }
        }
        Resolver {
            clusters,
            strategies,
            providers: Index::new(&ec2.capacity_providers, |x| &x.id, |x| x.name.as_deref()),
            asgs: Index::new(&ec2.auto_scaling_groups, |x| &x.id, |x| x.name.as_deref()),
            configs: Index::new(&ec2.agent_configs, |x| &x.id, |x| x.name.as_deref()),
            by_cluster,
            by_cluster_name,
            unreadable,
        }
    }

    /// The launch type of `service`, whose task definition is `td`.
    pub fn launch(&self, service: &'m Service, td: Option<&TaskDefinition>) -> Launch<'m> {
        let known = |t: LaunchType, why: String| Launch {
            launch_type: Ok(t),
            why,
            providers: Vec::new(),
        };
        if let Some((compat, _)) = td.and_then(|t| t.requires_compatibilities.as_ref())
            && !compat.is_empty()
            && compat.iter().all(|c| c == "FARGATE")
        {
            return known(
                LaunchType::Fargate,
                "its task definition requires FARGATE".to_string(),
            );
        }
        let p = &service.placement;
        let scope = service.id.scope.as_ref();
        match &p.launch_type {
            Some(Setting::Known { value, .. }) => {
                // Written: nothing to explain.
                let why = String::new();
                return match value.as_str() {
                    "FARGATE" => known(LaunchType::Fargate, why),
                    "EC2" => known(LaunchType::Ec2, why),
                    "EXTERNAL" => known(LaunchType::External, why),
                    other => Launch {
                        launch_type: Err(Unresolved::new(
                            format!("the launch type \"{other}\" is not one keepalign knows"),
                            p.launch_type.as_ref().and_then(|l| l.location().cloned()),
                        )),
                        why,
                        providers: Vec::new(),
                    },
                };
            }
            Some(Setting::Unresolved(u)) => {
                return Launch {
                    launch_type: Err(u.clone()),
                    why: String::new(),
                    providers: Vec::new(),
                };
            }
            None => {}
        }
        if !p.capacity_providers.is_empty() {
            return self.classify(
                scope,
                &p.capacity_providers,
                "the service's capacity provider",
            );
        }
        // Neither: the cluster's default capacity provider strategy, or EC2.
        let cluster = match &p.cluster {
            Some(link) => self.clusters.resolve(scope, link, "cluster"),
            None => self.clusters.resolve(
                scope,
                &Link {
                    target: Ok(Reference::Literal("default".to_string())),
                    at: None,
                },
                "cluster",
            ),
        };
        let cluster_name = || match p.cluster.as_ref().map(|l| &l.target) {
            None => "the default cluster".to_string(),
            Some(Ok(Reference::Literal(s))) => format!("the cluster \"{}\"", name_from_arn(s)),
            Some(Ok(Reference::Resource { address, .. })) => address.clone(),
            Some(Err(_)) => "its cluster".to_string(),
        };
        match cluster {
            Ok(found) => {
                let strategies: Vec<&Link> = found
                    .iter()
                    .filter_map(|c| self.strategies.get(&c.id))
                    .flatten()
                    .flat_map(|s| &s.capacity_providers)
                    .collect();
                if strategies.is_empty() {
                    return known(
                        LaunchType::Ec2,
                        format!(
                            "the service sets no launch type or capacity provider strategy, and {} has no default one",
                            found[0].id.address
                        ),
                    );
                }
                let scope = found[0].id.scope.as_ref();
                let links: Vec<Link> = strategies.into_iter().cloned().collect();
                self.classify(scope, &links, "the cluster's default capacity provider")
            }
            Err(_) => Launch {
                launch_type: Err(Unresolved::new(
                    format!(
                        "the service sets no launch type or capacity provider strategy, so the default capacity provider strategy of {} decides, and it is not in the scanned files",
                        cluster_name()
                    ),
                    p.cluster.as_ref().and_then(|l| l.at.clone()),
                )),
                why: String::new(),
                providers: Vec::new(),
            },
        }
    }

    /// The launch type a capacity provider strategy gives. AWS does not mix
    /// Fargate and Auto Scaling group providers in one strategy, so any
    /// provider that is known decides.
    fn classify(&self, scope: &str, links: &[Link], what: &str) -> Launch<'m> {
        let mut first_unknown = None;
        let mut ec2 = None;
        let mut providers = Vec::new();
        for link in links {
            match &link.target {
                Ok(Reference::Literal(s)) if matches!(s.as_str(), "FARGATE" | "FARGATE_SPOT") => {
                    return Launch {
                        launch_type: Ok(LaunchType::Fargate),
                        why: format!("{what} {s}"),
                        providers: Vec::new(),
                    };
                }
                _ => {}
            }
            match self.providers.resolve(scope, link, "capacity provider") {
                Ok(found) => {
                    for p in found {
                        if p.auto_scaling_group.is_some() {
                            ec2.get_or_insert_with(|| {
                                format!("{what} {} runs on an Auto Scaling group", p.id.address)
                            });
                            providers.push(p);
                        } else {
                            first_unknown.get_or_insert_with(|| {
                                Unresolved::new(
                                    format!(
                                        "{} has no Auto Scaling group provider (ECS Managed Instances?), so keepalign does not know where its tasks run",
                                        p.id.address
                                    ),
                                    Some(p.at.clone()),
                                )
                            });
                        }
                    }
                }
                // Providers other than Fargate's run on Auto Scaling groups.
                Err(_) if matches!(&link.target, Ok(Reference::Literal(_))) => {
                    if let Ok(Reference::Literal(s)) = &link.target {
                        ec2.get_or_insert_with(|| {
                            format!("{what} \"{s}\" is not FARGATE or FARGATE_SPOT")
                        });
                    }
                }
                Err(u) => {
                    first_unknown.get_or_insert(u);
                }
            }
        }
        match (ec2, first_unknown) {
            (Some(why), _) => Launch {
                launch_type: Ok(LaunchType::Ec2),
                why,
                providers,
            },
            (None, u) => Launch {
                launch_type: Err(u.unwrap_or_else(|| {
                    Unresolved::new("the capacity provider strategy is empty", None)
                })),
                why: String::new(),
                providers,
            },
        }
    }

    /// The launch templates (and launch configurations) of the EC2
    /// instances `service` runs on: none unless it runs on EC2.
    pub fn instance_configs(
        &self,
        service: &'m Service,
        launch: &Launch<'m>,
    ) -> Vec<&'m AgentConfig> {
        match launch.launch_type {
            Ok(LaunchType::Ec2) => self.agent_configs(service, launch),
            _ => Vec::new(),
        }
    }

    /// The ECS agent settings of the instances `service` runs on.
    fn agent_configs(&self, service: &'m Service, launch: &Launch<'m>) -> Vec<&'m AgentConfig> {
        let mut out: Vec<&AgentConfig> = Vec::new();
        let push = |c: &'m AgentConfig, out: &mut Vec<&'m AgentConfig>| {
            if !out.iter().any(|o| std::ptr::eq(*o, c)) {
                out.push(c);
            }
        };
        for p in &launch.providers {
            let Some(asg_link) = &p.auto_scaling_group else {
                continue;
            };
            let Ok(asgs) = self
                .asgs
                .resolve(&p.id.scope, asg_link, "Auto Scaling group")
            else {
                continue;
            };
            for asg in asgs {
                for l in &asg.launches {
                    if let Ok(found) = self.configs.resolve(&asg.id.scope, l, "launch template") {
                        for c in found {
                            push(c, &mut out);
                        }
                    }
                }
            }
        }
        let scope = service.id.scope.as_ref();
        let (clusters, name) = match &service.placement.cluster {
            None => (Vec::new(), Some("default")),
            Some(link) => (
                self.clusters
                    .resolve(scope, link, "cluster")
                    .unwrap_or_default(),
                match &link.target {
                    Ok(Reference::Literal(s)) => Some(name_from_arn(s)),
                    _ => None,
                },
            ),
        };
        let names = clusters
            .iter()
            .filter_map(|c| c.name.as_deref())
            .chain(name);
        for c in clusters.iter().filter_map(|c| self.by_cluster.get(&c.id)) {
            for cfg in c {
                push(cfg, &mut out);
            }
        }
        for n in names {
            for cfg in self.by_cluster_name.get(n).into_iter().flatten() {
                push(cfg, &mut out);
            }
        }
        out
    }

    /// What an unset `stopTimeout` is for the containers of `service`. A
    /// location left `None` is the container's, filled in by the caller.
    pub fn unset_stop_timeout(
        &self,
        service: &'m Service,
        td: Option<&TaskDefinition>,
    ) -> Fallback<'m> {
        let launch = self.launch(service, td);
        let setting = match &launch.launch_type {
            Ok(LaunchType::Fargate) => Setting::default(30.0, ECS_DEFAULT, None),
            // Honest and quiet: 30 s is both the Fargate value and the
            // agent's default, so it is right unless the instances' agent
            // is tuned; the source says it is assumed.
            Err(_) => Setting::default(
                30.0,
                format!(
                    "{ECS_DEFAULT} (assumed: the launch type is not known, and on EC2 the container instances' ECS_CONTAINER_STOP_TIMEOUT applies)"
                ),
                None,
            ),
            Ok(LaunchType::External) => Setting::unresolved(
                format!(
                    "stopTimeout is not set, so on the EXTERNAL launch type{} ECS_CONTAINER_STOP_TIMEOUT in /etc/ecs/ecs.config of the external instances applies, which keepalign cannot see; set stopTimeout in the container definition",
                    parenthesised(&launch.why)
                ),
                None,
            ),
            Ok(LaunchType::Ec2) => return self.ec2_stop_timeout(service, &launch),
        };
        Fallback {
            setting,
            agent: None,
        }
    }

    fn ec2_stop_timeout(&self, service: &'m Service, launch: &Launch<'m>) -> Fallback<'m> {
        let configs = self.agent_configs(service, launch);
        let prefix = format!(
            "stopTimeout is not set, so on the EC2 launch type{} the container instances' ECS_CONTAINER_STOP_TIMEOUT applies",
            parenthesised(&launch.why)
        );
        let one = |c: &AgentConfig| -> Setting<Seconds> {
            match &c.stop_timeout {
                Ok(Some(Setting::Unresolved(u))) => Setting::Unresolved(Unresolved::new(
                    format!("{prefix}, and {}", u.reason),
                    u.at.clone(),
                )),
                Ok(Some(s)) => s.clone(),
                Ok(None) => Setting::default(
                    AGENT_DEFAULT_STOP_TIMEOUT,
                    format!(
                        "ECS agent default (ECS_CONTAINER_STOP_TIMEOUT is not set by {} {})",
                        c.kind, c.id.address
                    ),
                    None,
                ),
                Err(u) => Setting::Unresolved(Unresolved::new(
                    format!(
                        "{prefix}, and {}; set stopTimeout in the container definition",
                        u.reason
                    ),
                    u.at.clone(),
                )),
            }
        };
        let setting = match configs.as_slice() {
            [] => match self.unreadable.get(service.id.scope.as_ref()) {
                Some(c) => {
                    let why = c.stop_timeout.as_ref().err();
                    Setting::unresolved(
                        format!(
                            "{prefix}; {} {} may start them, and {}; set stopTimeout in the container definition",
                            c.kind,
                            c.id.address,
                            why.map(|u| u.reason.as_str())
                                .unwrap_or("its user data is unknown")
                        ),
                        why.and_then(|u| u.at.clone()),
                    )
                }
                None => Setting::unresolved(
                    format!(
                        "{prefix}, and their user data is not in the scanned files; set stopTimeout in the container definition (or scan the launch template that starts the instances)"
                    ),
                    None,
                ),
            },
            [c] => {
                return Fallback {
                    setting: one(c),
                    agent: Some(c),
                };
            }
            [c, rest @ ..] => {
                let first = one(c);
                let same = rest.iter().all(|r| {
                    let s = one(r);
                    s.value().is_some() && s.value() == first.value()
                });
                if same {
                    return Fallback {
                        setting: first,
                        agent: Some(c),
                    };
                } else {
                    let names: Vec<&str> = configs.iter().map(|c| c.id.address.as_str()).collect();
                    Setting::unresolved(
                        format!(
                            "{prefix}, and the instances may start from {} with different ECS agent settings; set stopTimeout in the container definition",
                            names.join(", ")
                        ),
                        None,
                    )
                }
            }
        };
        Fallback {
            setting,
            agent: None,
        }
    }
}

/// " (why)", or nothing when there is nothing to explain.
fn parenthesised(why: &str) -> String {
    if why.is_empty() {
        String::new()
    } else {
        format!(" ({why})")
    }
}

/// `s` with its missing location set to `at` (where the container is).
pub fn located(s: Setting<Seconds>, at: &Location) -> Setting<Seconds> {
    match s {
        Setting::Known {
            value,
            provenance:
                Provenance::Default {
                    source,
                    applies_at: None,
                },
        } => Setting::default(value, source, Some(at.clone())),
        Setting::Unresolved(Unresolved { reason, at: None }) => {
            Setting::unresolved(reason, Some(at.clone()))
        }
        s => s,
    }
}
