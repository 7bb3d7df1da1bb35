//! The AWS provider's resources into the model, once for every Terraform
//! input: a loader (HCL configuration, or a plan) answers questions about a
//! resource through `Source`, and these readers turn the answers into model
//! settings with the same attributes, AWS defaults and wording, so HCL and a
//! plan of it give the same findings.

use crate::agent::UserData;
use crate::convert::{lb_kind, to_seconds, unresolved_from};
use crate::model::*;
use crate::source::Location;
use crate::value::Val;

/// What a link attribute points at, so a loader can check the type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    LoadBalancer,
    Listener,
    TargetGroup,
    ClassicElb,
    TaskDefinition,
    Cluster,
    CapacityProvider,
    AutoScalingGroup,
    LaunchTemplate,
    LaunchConfiguration,
    Service,
    /// A CloudFront origin's or alias record's domain name: a load
    /// balancer's DNS name, or a DNS record's.
    DnsName,
    BeanstalkTemplate,
}

impl Target {
    pub fn resource_types(self) -> &'static [&'static str] {
        match self {
            Target::LoadBalancer => &["aws_lb", "aws_alb"],
            Target::Listener => &["aws_lb_listener", "aws_alb_listener"],
            Target::TargetGroup => &["aws_lb_target_group", "aws_alb_target_group"],
            Target::ClassicElb => &["aws_elb"],
            Target::TaskDefinition => &["aws_ecs_task_definition"],
            Target::Cluster => &["aws_ecs_cluster"],
            Target::CapacityProvider => &["aws_ecs_capacity_provider"],
            Target::AutoScalingGroup => &["aws_autoscaling_group"],
            Target::LaunchTemplate => &["aws_launch_template"],
            Target::LaunchConfiguration => &["aws_launch_configuration"],
            Target::Service => &["aws_ecs_service"],
            Target::DnsName => &[
                "aws_lb",
                "aws_alb",
                "aws_elb",
                "aws_route53_record",
                "aws_cloudfront_vpc_origin",
            ],
            Target::BeanstalkTemplate => &["aws_elastic_beanstalk_configuration_template"],
        }
    }

    pub fn what(self) -> &'static str {
        match self {
            Target::LoadBalancer => "load balancer",
            Target::Listener => "listener",
            Target::TargetGroup => "target group",
            Target::ClassicElb => "Classic ELB",
            Target::TaskDefinition => "task definition",
            Target::Cluster => "cluster",
            Target::CapacityProvider => "capacity provider",
            Target::AutoScalingGroup => "Auto Scaling group",
            Target::LaunchTemplate => "launch template",
            Target::LaunchConfiguration => "launch configuration",
            Target::Service => "ECS service",
            Target::DnsName => "load balancer or DNS record",
            Target::BeanstalkTemplate => "saved configuration",
        }
    }
}

/// One resource instance as a loader sees it.
pub trait Source {
    type Block: Clone;

    fn id(&self) -> &ResourceId;
    /// The resource block, where defaults apply.
    fn at(&self) -> &Location;
    /// Suppressions written on the resource (none by default: a plan has
    /// no comments).
    fn ignore(&self) -> Vec<crate::suppress::Ignore> {
        Vec::new()
    }
    fn root(&self) -> Self::Block;
    /// Nested blocks named `name` (written out or generated).
    fn blocks(&self, parent: &Self::Block, name: &str) -> Vec<Self::Block>;
    /// `name` as configured; `None` when not set, so the AWS default applies.
    /// `is_default` lets a loader whose values include defaults (a plan)
    /// tell them apart.
    fn value(&self, b: &Self::Block, name: &str, is_default: &dyn Fn(&Val) -> bool) -> Option<Val>;
    /// Where `name` is written, or failing that where the block is.
    fn location(&self, b: &Self::Block, name: &str) -> Location;
    /// The first of `names` that is set, located.
    fn first_location(&self, b: &Self::Block, names: &[&str]) -> Option<Location>;
    /// Whether an attribute that chooses a variant (`elb_name` or
    /// `target_group_arn`) is set.
    fn is_set(&self, b: &Self::Block, name: &str) -> bool;
    fn link(&self, b: &Self::Block, name: &str, label: &str, target: Target) -> Link;
    fn known_string(&self, name: &str) -> Option<String>;
    fn container_definitions(&self) -> Result<Vec<Container>, Unresolved>;
    /// The user data in attribute `name` of the resource: base64 text
    /// (`user_data` of a launch template, `user_data_base64`) or the text
    /// itself (`user_data` of a launch configuration).
    fn user_data(&self, name: &str, base64: bool) -> UserData {
        let root = self.root();
        let at = self.location(&root, name);
        let v = self.value(&root, name, &never_default);
        // A plan keeps only the SHA-1 of a launch configuration's user_data.
        let hashed = v
            .as_ref()
            .and_then(|v| v.as_known_str())
            .is_some_and(|s| !base64 && s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit()));
        if hashed {
            return UserData::Unknown(Unresolved::new(
                format!(
                    "{name} is only a hash in the plan; scan the Terraform configuration instead"
                ),
                Some(at),
            ));
        }
        if base64 {
            UserData::from_base64_val(v, name, &at)
        } else {
            UserData::from_text_val(v, name, &at)
        }
    }
}

/// The shorter of two timeouts; an unknown one wins (it may be shorter).
pub fn shorter(a: Setting<Seconds>, b: Setting<Seconds>) -> Setting<Seconds> {
    match (a.value(), b.value()) {
        (Some(x), Some(y)) if y < x => b,
        (Some(_), Some(_)) => a,
        (None, _) => a,
        (_, None) => b,
    }
}

fn never_default(_: &Val) -> bool {
    false
}

fn seconds<S: Source>(
    r: &S,
    b: &S::Block,
    name: &str,
    default: Option<(f64, &str)>,
) -> Setting<Seconds> {
    seconds_at(r, b, name, default, r.at())
}

/// `seconds`, with an unset value's default applying at `unset_at` (a
/// nested block's owner rather than the resource).
fn seconds_at<S: Source>(
    r: &S,
    b: &S::Block,
    name: &str,
    default: Option<(f64, &str)>,
    unset_at: &Location,
) -> Setting<Seconds> {
    let d = default.map(|d| d.0);
    let v = r.value(b, name, &|v| d.is_some() && v.to_number().ok() == d);
    let at = r
        .first_location(b, &[name])
        .unwrap_or_else(|| unset_at.clone());
    to_seconds(v, Some(at), name, default, unset_at)
}

pub fn load_balancer<S: Source>(r: &S, classic: bool) -> LoadBalancer {
    let b = &r.root();
    let at = r.at().clone();
    let kind = if classic {
        Setting::explicit(LbKind::Classic, at.clone())
    } else {
        let v = r.value(b, "load_balancer_type", &|v| {
            v.as_known_str() == Some("application")
        });
        lb_kind(
            v,
            "load_balancer_type",
            Some(r.location(b, "load_balancer_type")),
            &at,
        )
    };
    let idle_default = match kind.value() {
        Some(LbKind::Classic) => (60.0, "AWS default for Classic ELB idle_timeout"),
        // NLBs have no idle_timeout attribute; their TCP idle timeout is a
        // listener setting (350 s unless changed).
        Some(LbKind::Network) => (350.0, "AWS default for NLB TCP idle timeout"),
        Some(LbKind::Gateway) => (350.0, "AWS default for Gateway Load Balancer idle timeout"),
        _ => (60.0, "AWS default for ALB idle_timeout"),
    };
    let (draining, draining_timeout) = if classic {
        let on = match r.value(b, "connection_draining", &|v| v.to_bool() == Ok(false)) {
            None => Setting::default(
                false,
                "AWS default for connection_draining",
                Some(at.clone()),
            ),
            Some(v) => match v.to_bool() {
                Ok(x) => Setting::explicit(x, v.at.clone().unwrap_or(at.clone())),
                Err(h) => unresolved_from(
                    &h,
                    "connection_draining",
                    Some(r.location(b, "connection_draining")),
                ),
            },
        };
        let timeout = seconds(
            r,
            b,
            "connection_draining_timeout",
            Some((300.0, "AWS default for connection_draining_timeout")),
        );
        (Some(on), Some(timeout))
    } else {
        (None, None)
    };
    let client_keep_alive = (kind.value() == Some(&LbKind::Application)).then(|| {
        seconds(
            r,
            b,
            "client_keep_alive",
            Some((3600.0, "AWS default for client_keep_alive")),
        )
    });
    // The back-end protocol decides reuse; the front-end one is at the
    // same layer (AWS requires it), so it stands in when the other is unset.
    let classic_listeners = classic.then(|| {
        r.blocks(b, "listener")
            .iter()
            .map(|l| {
                let protocol = r
                    .value(l, "instance_protocol", &never_default)
                    .or_else(|| r.value(l, "lb_protocol", &never_default));
                ClassicListener {
                    instance_port: r
                        .value(l, "instance_port", &never_default)
                        .and_then(|v| v.to_number().ok()),
                    http: crate::convert::classic_http(
                        protocol,
                        "instance_protocol",
                        &r.location(l, "instance_protocol"),
                    ),
                }
            })
            .collect()
    });
    let internal = match r.value(b, "internal", &|v| v.to_bool() == Ok(false)) {
        None => Setting::default(
            false,
            "AWS default for internal (internet-facing)",
            Some(at.clone()),
        ),
        Some(v) => match v.to_bool() {
            Ok(x) => Setting::explicit(x, v.at.clone().unwrap_or(r.location(b, "internal"))),
            Err(h) => unresolved_from(&h, "internal", Some(r.location(b, "internal"))),
        },
    };
    LoadBalancer {
        id: r.id().clone(),
        ignore: r.ignore(),
        internal,
        name: r.known_string("name"),
        classic_listeners,
        idle_timeout: seconds(r, b, "idle_timeout", Some(idle_default)),
        kind,
        connection_draining: draining,
        connection_draining_timeout: draining_timeout,
        client_keep_alive,
        at,
    }
}

/// Target groups an action forwards to: `target_group_arn` or weighted
/// `forward { target_group { arn } }` blocks.
fn forward_targets<S: Source>(r: &S, action: &S::Block) -> Vec<Link> {
    let mut out = Vec::new();
    if r.is_set(action, "target_group_arn") {
        out.push(r.link(
            action,
            "target_group_arn",
            "target_group_arn",
            Target::TargetGroup,
        ));
    }
    for fwd in r.blocks(action, "forward") {
        for tg in r.blocks(&fwd, "target_group") {
            out.push(r.link(&tg, "arn", "forward target_group arn", Target::TargetGroup));
        }
    }
    out
}

pub fn listener<S: Source>(r: &S) -> Listener {
    let root = r.root();
    Listener {
        id: r.id().clone(),
        ignore: r.ignore(),
        load_balancer: r.link(
            &root,
            "load_balancer_arn",
            "load_balancer_arn",
            Target::LoadBalancer,
        ),
        target_groups: r
            .blocks(&root, "default_action")
            .iter()
            .flat_map(|a| forward_targets(r, a))
            .collect(),
        protocol: r
            .value(&root, "protocol", &never_default)
            .and_then(|v| v.as_known_str().map(str::to_ascii_uppercase)),
        tcp_idle_timeout: r
            .value(&root, "tcp_idle_timeout_seconds", &never_default)
            .is_some()
            .then(|| seconds(r, &root, "tcp_idle_timeout_seconds", None)),
        at: r.at().clone(),
    }
}

pub fn listener_rule<S: Source>(r: &S) -> ListenerRule {
    let root = r.root();
    ListenerRule {
        id: r.id().clone(),
        ignore: r.ignore(),
        listener: r.link(&root, "listener_arn", "listener_arn", Target::Listener),
        target_groups: r
            .blocks(&root, "action")
            .iter()
            .flat_map(|a| forward_targets(r, a))
            .collect(),
        at: r.at().clone(),
    }
}

pub fn target_group<S: Source>(r: &S) -> TargetGroup {
    let root = r.root();
    let at = r.at().clone();
    let family = crate::convert::tg_family(
        r.value(&root, "protocol", &never_default).as_ref(),
        r.value(&root, "target_type", &never_default).as_ref(),
        &at,
    );
    let hc = r.blocks(&root, "health_check").into_iter().next();
    // The provider's health_check protocol defaults to HTTP.
    let hc_protocol = hc
        .as_ref()
        .and_then(|b| r.value(b, "protocol", &never_default))
        .map(|v| v.as_known_str().map(str::to_string));
    let (interval, timeout) = match (family.value(), hc_protocol) {
        // What the defaults are is unknown: an unset value is unknown too.
        (None, _) | (_, Some(None)) => {
            let why = match &family {
                Setting::Unresolved(u) => u.reason.clone(),
                _ => "the health check protocol is not known".to_string(),
            };
            let unknown = |name: &str| -> Setting<Seconds> {
                Setting::unresolved(
                    format!(
                        "the AWS default health check {name} depends on the target group's protocol, target type and health check protocol, and {why}"
                    ),
                    Some(at.clone()),
                )
            };
            let value = |name: &str, default: Setting<Seconds>| match &hc {
                Some(b) if r.value(b, name, &never_default).is_some() => seconds(r, b, name, None),
                _ => default,
            };
            (
                value("interval", unknown("interval")),
                value("timeout", unknown("timeout")),
            )
        }
        (Some(f), hp) => {
            let hp = hp.flatten().unwrap_or_else(|| "HTTP".to_string());
            let (i, t, qualifier) = crate::convert::health_check_defaults(*f, &hp);
            let isrc = format!("AWS default for health check interval{qualifier}");
            let tsrc = format!("AWS default for health check timeout{qualifier}");
            match &hc {
                Some(b) => (
                    seconds(r, b, "interval", Some((i, &isrc))),
                    seconds(r, b, "timeout", Some((t, &tsrc))),
                ),
                None => (
                    Setting::default(i, isrc, Some(at.clone())),
                    Setting::default(t, tsrc, Some(at.clone())),
                ),
            }
        }
    };
    TargetGroup {
        id: r.id().clone(),
        ignore: r.ignore(),
        name: r.known_string("name"),
        family,
        deregistration_delay: seconds(
            r,
            &root,
            "deregistration_delay",
            Some((300.0, "AWS default for deregistration_delay")),
        ),
        health_check_interval: interval,
        health_check_timeout: timeout,
        at,
    }
}

pub fn service<S: Source>(r: &S) -> Service {
    let root = r.root();
    let mut attachments: Vec<Attachment> = r
        .blocks(&root, "load_balancer")
        .iter()
        .flat_map(|lb| {
            let at = r
                .first_location(lb, &["target_group_arn", "elb_name", "container_name"])
                .unwrap_or_else(|| r.location(lb, "container_name"));
            let target = if r.is_set(lb, "elb_name") && !r.is_set(lb, "target_group_arn") {
                AttachmentTarget::ClassicElb(r.link(lb, "elb_name", "elb_name", Target::ClassicElb))
            } else {
                AttachmentTarget::TargetGroup(r.link(
                    lb,
                    "target_group_arn",
                    "target_group_arn",
                    Target::TargetGroup,
                ))
            };
            let container_name = match r.value(lb, "container_name", &never_default) {
                None => Setting::unresolved("container_name is not set", Some(at.clone())),
                Some(v) => match v.as_known_str() {
                    Some(s) => Setting::explicit(s.to_string(), v.at.clone().unwrap_or(at.clone())),
                    None => unresolved_from(
                        &v,
                        "container_name",
                        Some(r.location(lb, "container_name")),
                    ),
                },
            };
            let container_port = r.value(lb, "container_port", &never_default).map(|v| {
                to_seconds(
                    Some(v),
                    Some(r.location(lb, "container_port")),
                    "container_port",
                    None,
                    &at,
                )
            });
            // ECS blue/green: the alternate target group receives the same
            // container during a deployment, so it is checked too.
            let primary = match &target {
                AttachmentTarget::TargetGroup(l) => Some(l.clone()),
                AttachmentTarget::ClassicElb(_) => None,
            };
            let alternate = r
                .blocks(lb, "advanced_configuration")
                .iter()
                .filter(|a| r.is_set(a, "alternate_target_group_arn"))
                .map(|a| Attachment {
                    alternate_of: primary.clone(),
                    target: AttachmentTarget::TargetGroup(r.link(
                        a,
                        "alternate_target_group_arn",
                        "alternate_target_group_arn",
                        Target::TargetGroup,
                    )),
                    container_name: container_name.clone(),
                    container_port: container_port.clone(),
                    at: r.location(a, "alternate_target_group_arn"),
                })
                .collect::<Vec<_>>();
            std::iter::once(Attachment {
                target,
                container_name,
                container_port,
                alternate_of: None,
                at,
            })
            .chain(alternate)
            .collect::<Vec<_>>()
        })
        .collect();
    // Kept for the whole scan: a flattened collect starts at room for four.
    attachments.shrink_to_fit();
    let launch_type =
        r.value(&root, "launch_type", &never_default)
            .map(|v| match v.as_known_str() {
                Some(s) => Setting::explicit(
                    s.to_string(),
                    v.at.clone()
                        .unwrap_or_else(|| r.location(&root, "launch_type")),
                ),
                None => unresolved_from(&v, "launch_type", Some(r.location(&root, "launch_type"))),
            });
    let capacity_providers = r
        .blocks(&root, "capacity_provider_strategy")
        .iter()
        .map(|b| {
            r.link(
                b,
                "capacity_provider",
                "capacity_provider",
                Target::CapacityProvider,
            )
        })
        .collect();
    let cluster = r
        .is_set(&root, "cluster")
        .then(|| r.link(&root, "cluster", "cluster", Target::Cluster));
    let tags = r
        .value(&root, "tags", &never_default)
        .map(|v| crate::convert::tags(&v))
        .unwrap_or_default();
    Service {
        id: r.id().clone(),
        ignore: r.ignore(),
        tags,
        placement: Placement {
            launch_type,
            capacity_providers,
            cluster,
        },
        task_definition: r.link(
            &root,
            "task_definition",
            "task_definition",
            Target::TaskDefinition,
        ),
        attachments,
        at: r.at().clone(),
    }
}

pub fn task_definition<S: Source>(r: &S) -> TaskDefinition {
    TaskDefinition {
        id: r.id().clone(),
        ignore: r.ignore(),
        family: r.known_string("family"),
        containers: r.container_definitions(),
        requires_compatibilities: compatibilities(r),
        network_mode: r
            .known_string("network_mode")
            .map(|m| m.to_ascii_lowercase()),
        at: r.at().clone(),
    }
}

/// `requires_compatibilities` when every entry is known.
fn compatibilities<S: Source>(r: &S) -> Option<(Vec<String>, Location)> {
    let root = r.root();
    let v = r.value(&root, "requires_compatibilities", &never_default)?;
    let items = v.elements()?;
    let names = items
        .iter()
        .map(|i| i.as_known_str().map(str::to_string))
        .collect::<Option<Vec<_>>>()?;
    Some((names, r.location(&root, "requires_compatibilities")))
}

/// Providers of the `default_capacity_provider_strategy` blocks.
fn default_strategy<S: Source>(r: &S) -> Vec<Link> {
    r.blocks(&r.root(), "default_capacity_provider_strategy")
        .iter()
        .map(|b| {
            r.link(
                b,
                "capacity_provider",
                "capacity_provider",
                Target::CapacityProvider,
            )
        })
        .collect()
}

fn read_ec2<S: Source>(rtype: &str, r: &S, ec2: &mut Ec2Model) {
    let root = r.root();
    let own = |attribute: &str| Link {
        target: Ok(Reference::Resource {
            address: r.id().address.clone(),
            attribute: attribute.to_string(),
            scope: None,
        }),
        at: Some(r.at().clone()),
    };
    match rtype {
        "aws_ecs_cluster" => {
            ec2.clusters.push(Cluster {
                id: r.id().clone(),
                name: r.known_string("name"),
                at: r.at().clone(),
            });
            // Provider versions before 5 set the strategy on the cluster.
            let providers = default_strategy(r);
            if !providers.is_empty() {
                ec2.cluster_strategies.push(ClusterStrategy {
                    id: r.id().clone(),
                    cluster: own("name"),
                    capacity_providers: providers,
                    at: r.at().clone(),
                });
            }
        }
        "aws_ecs_cluster_capacity_providers" => ec2.cluster_strategies.push(ClusterStrategy {
            id: r.id().clone(),
            cluster: r.link(&root, "cluster_name", "cluster_name", Target::Cluster),
            capacity_providers: default_strategy(r),
            at: r.at().clone(),
        }),
        "aws_ecs_capacity_provider" => ec2.capacity_providers.push(CapacityProvider {
            id: r.id().clone(),
            name: r.known_string("name"),
            auto_scaling_group: r
                .blocks(&root, "auto_scaling_group_provider")
                .first()
                .map(|b| {
                    r.link(
                        b,
                        "auto_scaling_group_arn",
                        "auto_scaling_group_arn",
                        Target::AutoScalingGroup,
                    )
                }),
            at: r.at().clone(),
        }),
        "aws_autoscaling_group" => {
            let mut launches = Vec::new();
            let template = |b: &S::Block, launches: &mut Vec<Link>| {
                for name in ["id", "name", "launch_template_id", "launch_template_name"] {
                    if r.is_set(b, name) {
                        launches.push(r.link(b, name, name, Target::LaunchTemplate));
                    }
                }
            };
            for b in r.blocks(&root, "launch_template") {
                template(&b, &mut launches);
            }
            for p in r.blocks(&root, "mixed_instances_policy") {
                for lt in r.blocks(&p, "launch_template") {
                    for spec in r.blocks(&lt, "launch_template_specification") {
                        template(&spec, &mut launches);
                    }
                }
            }
            if r.is_set(&root, "launch_configuration") {
                launches.push(r.link(
                    &root,
                    "launch_configuration",
                    "launch_configuration",
                    Target::LaunchConfiguration,
                ));
            }
            ec2.auto_scaling_groups.push(AutoScalingGroup {
                id: r.id().clone(),
                name: r.known_string("name"),
                launches,
                at: r.at().clone(),
            });
        }
        "aws_launch_template" | "aws_launch_configuration" => {
            let template = rtype == "aws_launch_template";
            let (user_data, attr) = if template {
                (r.user_data("user_data", true), "user_data")
            } else if r.is_set(&root, "user_data_base64") {
                (r.user_data("user_data_base64", true), "user_data_base64")
            } else {
                (r.user_data("user_data", false), "user_data")
            };
            let at = r.is_set(&root, attr).then(|| r.location(&root, attr));
            let mut config = crate::agent::agent_config(
                r.id().clone(),
                if template {
                    "launch template"
                } else {
                    "launch configuration"
                },
                r.known_string("name"),
                user_data,
                at,
                r.at().clone(),
            );
            if template {
                config.tcp_established_timeout = r
                    .blocks(&root, "network_interfaces")
                    .iter()
                    .flat_map(|n| r.blocks(n, "connection_tracking_specification"))
                    .filter(|c| r.is_set(c, "tcp_established_timeout"))
                    .map(|c| seconds(r, &c, "tcp_established_timeout", None))
                    .reduce(shorter);
            }
            ec2.agent_configs.push(config);
        }
        _ => {}
    }
}

/// Read one resource instance into `model`, if keepalign models its type.
pub fn read<S: Source>(rtype: &str, r: &S, model: &mut Model) {
    match rtype {
        "aws_lb" | "aws_alb" => model.load_balancers.push(load_balancer(r, false)),
        "aws_elb" => model.load_balancers.push(load_balancer(r, true)),
        "aws_lb_listener" | "aws_alb_listener" => model.listeners.push(listener(r)),
        "aws_lb_listener_rule" | "aws_alb_listener_rule" => {
            model.listener_rules.push(listener_rule(r))
        }
        "aws_lb_target_group" | "aws_alb_target_group" => model.target_groups.push(target_group(r)),
        "aws_ecs_service" => model.services.push(service(r)),
        "aws_ecs_task_definition" => model.task_definitions.push(task_definition(r)),
        "aws_codedeploy_deployment_group" => model.deployment_groups.push(deployment_group(r)),
        "aws_ecr_repository" => {
            if let Some(name) = r.known_string("name") {
                model.ecr_repositories.push((r.id().address.clone(), name));
            }
        }
        "aws_cloudfront_distribution" => model.edge_origins.extend(edge_origins(r)),
        "aws_route53_record" => model.dns_aliases.extend(dns_alias(r)),
        "aws_cloudfront_vpc_origin" => {
            let root = r.root();
            if let Some(endpoint) = r
                .blocks(&root, "vpc_origin_endpoint_config")
                .into_iter()
                .next()
            {
                model.dns_aliases.push(DnsAlias {
                    id: r.id().clone(),
                    name: None,
                    target: r.link(
                        &endpoint,
                        "arn",
                        "vpc_origin_endpoint_config arn",
                        Target::LoadBalancer,
                    ),
                    at: r.at().clone(),
                });
            }
        }
        "aws_elastic_beanstalk_environment" => {
            let root = r.root();
            let template = r.is_set(&root, "template_name").then(|| {
                r.link(
                    &root,
                    "template_name",
                    "template_name",
                    Target::BeanstalkTemplate,
                )
            });
            model.beanstalk.environments.push(BeanstalkEnvironment {
                id: r.id().clone(),
                tier: r.known_string("tier"),
                platform: r
                    .known_string("solution_stack_name")
                    .or_else(|| r.known_string("platform_arn")),
                settings: option_settings(r),
                template,
                at: r.at().clone(),
                ignore: r.ignore(),
            });
        }
        "aws_elastic_beanstalk_configuration_template" => {
            model.beanstalk.templates.push(BeanstalkTemplate {
                id: r.id().clone(),
                name: r.known_string("name"),
                platform: r.known_string("solution_stack_name"),
                settings: option_settings(r),
                at: r.at().clone(),
            })
        }
        _ => read_ec2(rtype, r, &mut model.ec2),
    }
}

/// A distribution's custom origins (`origin` blocks with a
/// `custom_origin_config`; S3 and VPC origins are not load balancers
/// reached by DNS name).
fn edge_origins<S: Source>(r: &S) -> Vec<EdgeOrigin> {
    let root = r.root();
    let mut out = Vec::new();
    for origin in r.blocks(&root, "origin") {
        // A custom origin names its host; a VPC origin (an internal load
        // balancer) names an aws_cloudfront_vpc_origin. Both keep idle
        // connections and wait for responses the same way.
        let (custom, domain) = match (
            r.blocks(&origin, "custom_origin_config").into_iter().next(),
            r.blocks(&origin, "vpc_origin_config").into_iter().next(),
        ) {
            (Some(c), _) => {
                let domain = r.link(
                    &origin,
                    "domain_name",
                    "origin domain_name",
                    Target::DnsName,
                );
                (c, domain)
            }
            (None, Some(v)) => {
                let domain = r.link(&v, "vpc_origin_id", "vpc_origin_id", Target::DnsName);
                (v, domain)
            }
            (None, None) => continue,
        };
        // A value left unset applies at the origin.
        let origin_at = r
            .first_location(&origin, &["domain_name", "origin_id"])
            .unwrap_or_else(|| r.at().clone());
        let timeout = |b: &S::Block, name: &str, default: Option<(f64, &str)>| {
            seconds_at(r, b, name, default, &origin_at)
        };
        // A plan records an unset response_completion_timeout as 0.
        let completion = r
            .value(&origin, "response_completion_timeout", &|v| {
                v.to_number().ok() == Some(0.0)
            })
            .is_some()
            .then(|| timeout(&origin, "response_completion_timeout", None));
        out.push(EdgeOrigin {
            id: r.id().clone(),
            origin_id: r
                .value(&origin, "origin_id", &never_default)
                .and_then(|v| v.as_known_str().map(str::to_string)),
            domain,
            keepalive_timeout: timeout(
                &custom,
                "origin_keepalive_timeout",
                Some((5.0, "CloudFront default origin_keepalive_timeout")),
            ),
            read_timeout: timeout(
                &custom,
                "origin_read_timeout",
                Some((30.0, "CloudFront default origin_read_timeout")),
            ),
            response_completion_timeout: completion,
            connection_attempts: timeout(
                &origin,
                "connection_attempts",
                Some((3.0, "CloudFront default connection_attempts")),
            ),
            at: origin_at.clone(),
            ignore: r.ignore(),
        });
    }
    out
}

/// The `setting` blocks of a Beanstalk environment or saved configuration.
fn option_settings<S: Source>(r: &S) -> Vec<OptionSetting> {
    let root = r.root();
    r.blocks(&root, "setting")
        .iter()
        .map(|b| {
            let word = |name: &str| {
                r.value(b, name, &never_default)
                    .and_then(|v| v.as_known_str().map(str::to_string))
            };
            let at = r.location(b, "value");
            let value = match r.value(b, "value", &never_default) {
                None => Setting::unresolved("the setting has no value", Some(at.clone())),
                Some(v) => match v.as_known_str() {
                    Some(s) => Setting::explicit(s.to_string(), v.at.clone().unwrap_or(at.clone())),
                    None => match v.to_number() {
                        Ok(n) => Setting::explicit(fmt_secs(n), v.at.clone().unwrap_or(at.clone())),
                        Err(h) => unresolved_from(&h, "setting value", Some(at.clone())),
                    },
                },
            };
            OptionSetting {
                namespace: word("namespace"),
                name: word("name"),
                value,
                at: Some(at),
            }
        })
        .collect()
}

/// An alias record (`alias { name = aws_lb.web.dns_name }`): a domain name
/// CloudFront may use to reach a load balancer.
fn dns_alias<S: Source>(r: &S) -> Option<DnsAlias> {
    let root = r.root();
    let alias = r.blocks(&root, "alias").into_iter().next()?;
    Some(DnsAlias {
        id: r.id().clone(),
        name: r
            .known_string("fqdn")
            .or_else(|| r.known_string("name"))
            .map(|n| crate::convert::dns_name(&n)),
        target: r.link(&alias, "name", "alias name", Target::DnsName),
        at: r.at().clone(),
    })
}

/// A CodeDeploy deployment group: the ECS services it deploys and the
/// target groups of its blue/green pairs.
fn deployment_group<S: Source>(r: &S) -> DeploymentGroup {
    let root = r.root();
    let services = r
        .blocks(&root, "ecs_service")
        .iter()
        .map(|b| r.link(b, "service_name", "service_name", Target::Service))
        .collect();
    let mut target_groups = Vec::new();
    for info in r.blocks(&root, "load_balancer_info") {
        for pair in r.blocks(&info, "target_group_pair_info") {
            for tg in r.blocks(&pair, "target_group") {
                target_groups.push(r.link(&tg, "name", "target_group name", Target::TargetGroup));
            }
        }
    }
    DeploymentGroup {
        id: r.id().clone(),
        services,
        target_groups,
        at: r.at().clone(),
    }
}

/// Whether resources of this type are part of the chains keepalign checks.
pub fn is_modelled(rtype: &str) -> bool {
    matches!(
        rtype,
        "aws_lb"
            | "aws_alb"
            | "aws_elb"
            | "aws_lb_listener"
            | "aws_alb_listener"
            | "aws_lb_listener_rule"
            | "aws_alb_listener_rule"
            | "aws_lb_target_group"
            | "aws_alb_target_group"
            | "aws_ecs_service"
            | "aws_ecs_task_definition"
            | "aws_cloudfront_distribution"
            | "aws_elastic_beanstalk_environment"
    )
}

/// Whether keepalign reads resources of this type: those of the chains,
/// and those that say where EC2-launch-type tasks run (suppressions on
/// these apply to nothing: they are in no chain).
pub fn is_read(rtype: &str) -> bool {
    is_modelled(rtype)
        || matches!(
            rtype,
            "aws_ecs_cluster"
                | "aws_ecs_cluster_capacity_providers"
                | "aws_ecs_capacity_provider"
                | "aws_autoscaling_group"
                | "aws_launch_template"
                | "aws_launch_configuration"
                | "aws_codedeploy_deployment_group"
                | "aws_ecr_repository"
                | "aws_route53_record"
                | "aws_cloudfront_vpc_origin"
                | "aws_elastic_beanstalk_configuration_template"
        )
}
