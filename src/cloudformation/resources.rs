//! CloudFormation resources into the model. Readers only read evaluated
//! values; AWS defaults are applied here, with their names.

use super::eval::Evaluator;
use super::tree::Node;
use crate::convert::{to_link, to_seconds, unresolved_from, unresolved_reason};
use crate::model::*;
use crate::source::Location;
use crate::value::{Kind, Val};
use std::sync::Arc;

/// One resource of a template, by logical ID.
pub struct Resource<'e, 'a> {
    pub ev: &'e Evaluator<'a>,
    pub id: ResourceId,
    pub props: Option<&'a Node>,
    /// The resource's `Metadata` (cfn-init's `AWS::CloudFormation::Init`).
    pub metadata: Option<&'a Node>,
    /// The logical ID in the template, where defaults apply.
    pub at: Location,
    pub ignore: Vec<crate::suppress::Ignore>,
}

impl Resource<'_, '_> {
    fn prop(&self, name: &str) -> Option<Val> {
        let v = self.ev.eval(self.props?.get(name)?);
        (!super::eval::is_no_value(&v)).then_some(v)
    }

    fn prop_at(&self, name: &str) -> Option<Location> {
        self.props?.get(name).map(|n| n.at.clone())
    }

    pub(super) fn known_string(&self, name: &str) -> Option<String> {
        self.prop(name)
            .and_then(|v| v.as_known_str().map(str::to_string))
    }

    fn seconds(&self, name: &str, default: Option<(f64, &str)>) -> Setting<Seconds> {
        to_seconds(self.prop(name), self.prop_at(name), name, default, &self.at)
    }
}

/// A field of an evaluated map.
fn field<'v>(v: &'v Val, name: &str) -> Option<&'v Val> {
    match &v.kind {
        Kind::Map(m) => m
            .get(name)
            .filter(|v| !v.is_null() && !super::eval::is_no_value(v)),
        _ => None,
    }
}

/// A field of a map that may itself be unknown (`!If` on a condition that
/// depends on an unknown parameter): then the field is unknown too, never
/// absent, so no AWS default stands in for it.
fn field_or_unknown(v: Option<&Val>, name: &str) -> Option<Val> {
    match v {
        Some(
            v @ Val {
                kind: Kind::Unknown(_),
                ..
            },
        ) => Some(v.clone()),
        Some(v) => field(v, name).cloned(),
        None => None,
    }
}

/// The items of a list. A list that is unknown as a whole (`!If` on an
/// unknown condition) is one unknown item, so that readers report it rather
/// than treat the list as empty.
fn items(v: Option<Val>) -> Vec<Val> {
    match v {
        Some(Val {
            kind: Kind::List(items),
            ..
        }) => Arc::unwrap_or_clone(items),
        Some(
            v @ Val {
                kind: Kind::Unknown(_),
                ..
            },
        ) => vec![v],
        _ => Vec::new(),
    }
}

/// `[{Key: "idle_timeout.timeout_seconds", Value: "120"}]` lookups; the last
/// entry with the key wins, as in AWS. `None` when the key is surely absent;
/// an unknown value when the list, or an entry after the last match, is
/// unknown (it may set the key).
fn attribute(list: Option<&Val>, key: &str) -> Option<Val> {
    let items = match list.map(|l| &l.kind) {
        None => return None,
        Some(Kind::List(items)) => items,
        Some(Kind::Unknown(_)) => return list.cloned(),
        Some(_) => {
            return Some(Val::unknown(
                "the attributes are not a list of Key/Value pairs",
                list.and_then(|l| l.at.clone()),
            ));
        }
    };
    for a in items.iter().rev() {
        if matches!(a.kind, Kind::Unknown(_)) {
            return Some(a.clone());
        }
        match field(a, "Key") {
            Some(k) if k.as_known_str() == Some(key) => return field(a, "Value").cloned(),
            Some(k) if k.as_known_str().is_none() => {
                return Some(Val::unknown(
                    "an attribute's Key is not known before deployment",
                    k.at.clone(),
                ));
            }
            _ => {}
        }
    }
    None
}

fn seconds_of(v: Option<Val>, name: &str, default: (f64, &str), at: &Location) -> Setting<Seconds> {
    let attr_at = v.as_ref().and_then(|v| v.at.clone());
    to_seconds(v, attr_at, name, Some(default), at)
}

/// `Scheme: internal` (the default is `internet-facing`).
fn scheme(r: &Resource<'_, '_>) -> Setting<bool> {
    match r.prop("Scheme") {
        None => Setting::default(
            false,
            "AWS default for Scheme (internet-facing)",
            Some(r.at.clone()),
        ),
        Some(v) => match v.as_known_str() {
            Some(s) => Setting::explicit(
                s.eq_ignore_ascii_case("internal"),
                v.at.clone()
                    .or_else(|| r.prop_at("Scheme"))
                    .unwrap_or(r.at.clone()),
            ),
            None => unresolved_from(&v, "Scheme", r.prop_at("Scheme")),
        },
    }
}

pub fn load_balancer_v2(r: &Resource<'_, '_>) -> LoadBalancer {
    let kind = crate::convert::lb_kind(r.prop("Type"), "Type", r.prop_at("Type"), &r.at);
    let attrs = r.prop("LoadBalancerAttributes");
    let default = match kind.value() {
        Some(LbKind::Network) => (350.0, "AWS default NLB TCP idle timeout"),
        Some(LbKind::Gateway) => (350.0, "AWS default Gateway Load Balancer idle timeout"),
        _ => (60.0, "AWS default for ALB idle_timeout.timeout_seconds"),
    };
    let client_keep_alive = (kind.value() == Some(&LbKind::Application)).then(|| {
        seconds_of(
            attribute(attrs.as_ref(), "client_keep_alive.seconds"),
            "client_keep_alive.seconds",
            (3600.0, "AWS default for client_keep_alive.seconds"),
            &r.at,
        )
    });
    LoadBalancer {
        id: r.id.clone(),
        ignore: r.ignore.clone(),
        internal: scheme(r),
        kind,
        name: r.known_string("Name"),
        idle_timeout: seconds_of(
            attribute(attrs.as_ref(), "idle_timeout.timeout_seconds"),
            "idle_timeout.timeout_seconds",
            default,
            &r.at,
        ),
        connection_draining: None,
        connection_draining_timeout: None,
        client_keep_alive,
        classic_listeners: None,
        at: r.at.clone(),
    }
}

pub fn classic_load_balancer(r: &Resource<'_, '_>) -> LoadBalancer {
    let idle = field_or_unknown(r.prop("ConnectionSettings").as_ref(), "IdleTimeout");
    let policy = r.prop("ConnectionDrainingPolicy");
    let enabled = field_or_unknown(policy.as_ref(), "Enabled");
    let draining = match enabled {
        None => Setting::default(
            false,
            "AWS default for ConnectionDrainingPolicy (off)",
            Some(r.at.clone()),
        ),
        Some(v) => match v.to_bool() {
            Ok(b) => Setting::explicit(b, v.at.clone().unwrap_or(r.at.clone())),
            Err(h) => unresolved_from(&h, "ConnectionDrainingPolicy.Enabled", v.at.clone()),
        },
    };
    let timeout = field_or_unknown(policy.as_ref(), "Timeout");
    // InstanceProtocol is optional and must be at the layer of Protocol,
    // so Protocol stands in for it.
    let listeners = items(r.prop("Listeners"))
        .into_iter()
        .map(|l| {
            let at = l.at.clone().unwrap_or(r.at.clone());
            let protocol = field_or_unknown(Some(&l), "InstanceProtocol")
                .or_else(|| field_or_unknown(Some(&l), "Protocol"));
            ClassicListener {
                instance_port: field(&l, "InstancePort").and_then(|v| v.to_number().ok()),
                http: crate::convert::classic_http(protocol, "Listeners InstanceProtocol", &at),
            }
        })
        .collect();
    LoadBalancer {
        internal: scheme(r),
        classic_listeners: Some(listeners),
        id: r.id.clone(),
        ignore: r.ignore.clone(),
        kind: Setting::explicit(LbKind::Classic, r.at.clone()),
        name: r.known_string("LoadBalancerName"),
        idle_timeout: seconds_of(
            idle,
            "ConnectionSettings.IdleTimeout",
            (60.0, "AWS default for Classic ELB IdleTimeout"),
            &r.at,
        ),
        connection_draining: Some(draining),
        connection_draining_timeout: Some(seconds_of(
            timeout,
            "ConnectionDrainingPolicy.Timeout",
            (300.0, "AWS default for ConnectionDrainingPolicy.Timeout"),
            &r.at,
        )),
        client_keep_alive: None,
        at: r.at.clone(),
    }
}

/// Target groups an action forwards to: `TargetGroupArn` or weighted
/// `ForwardConfig.TargetGroups`.
fn forward_targets(actions: Vec<Val>) -> Vec<Link> {
    let mut out = Vec::new();
    for a in actions {
        if let Some(t) = field(&a, "TargetGroupArn") {
            out.push(to_link(Some(t.clone()), t.at.clone(), "TargetGroupArn"));
        }
        if let Some(fc) = field(&a, "ForwardConfig") {
            for tg in items(field(fc, "TargetGroups").cloned()) {
                if let Some(t) = field(&tg, "TargetGroupArn") {
                    out.push(to_link(
                        Some(t.clone()),
                        t.at.clone(),
                        "ForwardConfig TargetGroupArn",
                    ));
                }
            }
        }
    }
    out
}

pub fn listener(r: &Resource<'_, '_>) -> Listener {
    Listener {
        id: r.id.clone(),
        ignore: r.ignore.clone(),
        load_balancer: to_link(
            r.prop("LoadBalancerArn"),
            r.prop_at("LoadBalancerArn").or_else(|| Some(r.at.clone())),
            "LoadBalancerArn",
        ),
        target_groups: forward_targets(items(r.prop("DefaultActions"))),
        protocol: r.known_string("Protocol").map(|p| p.to_ascii_uppercase()),
        tcp_idle_timeout: attribute(
            r.prop("ListenerAttributes").as_ref(),
            "tcp.idle_timeout.seconds",
        )
        .map(|v| {
            let at = v.at.clone();
            to_seconds(Some(v), at, "tcp.idle_timeout.seconds", None, &r.at)
        }),
        at: r.at.clone(),
    }
}

pub fn listener_rule(r: &Resource<'_, '_>) -> ListenerRule {
    ListenerRule {
        id: r.id.clone(),
        ignore: r.ignore.clone(),
        listener: to_link(
            r.prop("ListenerArn"),
            r.prop_at("ListenerArn").or_else(|| Some(r.at.clone())),
            "ListenerArn",
        ),
        target_groups: forward_targets(items(r.prop("Actions"))),
        at: r.at.clone(),
    }
}

pub fn target_group(r: &Resource<'_, '_>) -> TargetGroup {
    let attrs = r.prop("TargetGroupAttributes");
    let family = crate::convert::tg_family(
        r.prop("Protocol").as_ref(),
        r.prop("TargetType").as_ref(),
        &r.at,
    );
    // CloudFormation leaves HealthCheckProtocol to AWS: TCP on an NLB.
    let hc_protocol = match r.prop("HealthCheckProtocol") {
        None => Some("TCP".to_string()),
        Some(v) => v.as_known_str().map(str::to_string),
    };
    let (interval, timeout) = match (family.value(), hc_protocol) {
        (Some(f), Some(hp)) => {
            let (i, t, qualifier) = crate::convert::health_check_defaults(*f, &hp);
            (
                r.seconds(
                    "HealthCheckIntervalSeconds",
                    Some((
                        i,
                        &format!("AWS default for HealthCheckIntervalSeconds{qualifier}"),
                    )),
                ),
                r.seconds(
                    "HealthCheckTimeoutSeconds",
                    Some((
                        t,
                        &format!("AWS default for HealthCheckTimeoutSeconds{qualifier}"),
                    )),
                ),
            )
        }
        // What the defaults are is unknown: an unset value is unknown too.
        (f, _) => {
            let why = match (&family, f) {
                (Setting::Unresolved(u), _) => u.reason.clone(),
                _ => "HealthCheckProtocol is not known".to_string(),
            };
            let value = |name: &str| match r.prop(name) {
                Some(_) => r.seconds(name, None),
                None => Setting::unresolved(
                    format!(
                        "the AWS default for {name} depends on the target group's Protocol, TargetType and HealthCheckProtocol, and {why}"
                    ),
                    Some(r.at.clone()),
                ),
            };
            (
                value("HealthCheckIntervalSeconds"),
                value("HealthCheckTimeoutSeconds"),
            )
        }
    };
    TargetGroup {
        id: r.id.clone(),
        ignore: r.ignore.clone(),
        name: r.known_string("Name"),
        deregistration_delay: seconds_of(
            attribute(attrs.as_ref(), "deregistration_delay.timeout_seconds"),
            "deregistration_delay.timeout_seconds",
            (
                300.0,
                "AWS default for deregistration_delay.timeout_seconds",
            ),
            &r.at,
        ),
        family,
        health_check_interval: interval,
        health_check_timeout: timeout,
        at: r.at.clone(),
    }
}

pub fn service(r: &Resource<'_, '_>) -> Service {
    // An unknown attachment (or list of them) stands for what it may hold,
    // so the service is reported as unknown rather than not load-balanced.
    let mut attachments: Vec<Attachment> = items(r.prop("LoadBalancers"))
        .into_iter()
        .flat_map(|lb| {
            let at = lb.at.clone().unwrap_or(r.at.clone());
            if let Kind::Unknown(_) = lb.kind {
                let why = unresolved_reason(&lb, "LoadBalancers", Some(at.clone()));
                return vec![Attachment {
                    target: AttachmentTarget::TargetGroup(Link {
                        target: Err(why.clone()),
                        at: Some(at.clone()),
                    }),
                    container_name: Setting::Unresolved(why),
                    container_port: None,
                    alternate_of: None,
                    at,
                }];
            }
            let target = match (field(&lb, "TargetGroupArn"), field(&lb, "LoadBalancerName")) {
                (None, Some(name)) => AttachmentTarget::ClassicElb(to_link(
                    Some(name.clone()),
                    name.at.clone(),
                    "LoadBalancerName",
                )),
                (tg, _) => AttachmentTarget::TargetGroup(to_link(
                    tg.cloned(),
                    tg.and_then(|t| t.at.clone()).or(Some(at.clone())),
                    "TargetGroupArn",
                )),
            };
            let container_name = match field(&lb, "ContainerName") {
                None => Setting::unresolved("ContainerName is not set", Some(at.clone())),
                Some(v) => match v.as_known_str() {
                    Some(s) => Setting::explicit(s.to_string(), v.at.clone().unwrap_or(at.clone())),
                    None => unresolved_from(v, "ContainerName", v.at.clone()),
                },
            };
            let container_port = field(&lb, "ContainerPort")
                .map(|v| to_seconds(Some(v.clone()), v.at.clone(), "ContainerPort", None, &at));
            // ECS blue/green: the alternate target group receives the same
            // container during a deployment, so it is checked too.
            let primary = match &target {
                AttachmentTarget::TargetGroup(l) => Some(l.clone()),
                AttachmentTarget::ClassicElb(_) => None,
            };
            let alternate = field(&lb, "AdvancedConfiguration")
                .and_then(|a| field(a, "AlternateTargetGroupArn"))
                .map(|tg| Attachment {
                    alternate_of: primary.clone(),
                    target: AttachmentTarget::TargetGroup(to_link(
                        Some(tg.clone()),
                        tg.at.clone().or(Some(at.clone())),
                        "AlternateTargetGroupArn",
                    )),
                    container_name: container_name.clone(),
                    container_port: container_port.clone(),
                    at: tg.at.clone().unwrap_or(at.clone()),
                });
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
    let tags = items(r.prop("Tags"))
        .iter()
        .filter_map(|t| {
            let key = field(t, "Key")?.as_known_str()?.to_string();
            let value = field(t, "Value")
                .and_then(|v| v.as_known_str())
                .map(str::to_string);
            Some((key, value))
        })
        .collect();
    Service {
        id: r.id.clone(),
        ignore: r.ignore.clone(),
        tags,
        placement: placement(r),
        task_definition: to_link(
            r.prop("TaskDefinition"),
            r.prop_at("TaskDefinition").or_else(|| Some(r.at.clone())),
            "TaskDefinition",
        ),
        attachments,
        at: r.at.clone(),
    }
}

pub fn task_definition(r: &Resource<'_, '_>) -> TaskDefinition {
    let containers = match r.prop("ContainerDefinitions") {
        None => Err(Unresolved::new(
            "ContainerDefinitions is not set",
            Some(r.at.clone()),
        )),
        Some(v) => crate::containers::read(
            &v,
            r.prop_at("ContainerDefinitions").unwrap_or(r.at.clone()),
        ),
    };
    TaskDefinition {
        id: r.id.clone(),
        ignore: r.ignore.clone(),
        family: r.known_string("Family"),
        network_mode: r
            .known_string("NetworkMode")
            .map(|m| m.to_ascii_lowercase()),
        containers,
        requires_compatibilities: r.prop("RequiresCompatibilities").and_then(|v| {
            let names = v
                .elements()?
                .iter()
                .map(|i| i.as_known_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()?;
            Some((names, r.prop_at("RequiresCompatibilities")?))
        }),
        at: r.at.clone(),
    }
}

// ----- EC2 launch type ---------------------------------------------------

fn placement(r: &Resource<'_, '_>) -> Placement {
    let launch_type = r.prop("LaunchType").map(|v| match v.as_known_str() {
        Some(s) => Setting::explicit(s.to_string(), v.at.clone().unwrap_or_else(|| r.at.clone())),
        None => unresolved_from(&v, "LaunchType", r.prop_at("LaunchType")),
    });
    Placement {
        launch_type,
        capacity_providers: strategy(r.prop("CapacityProviderStrategy")),
        cluster: r
            .prop("Cluster")
            .map(|v| to_link(Some(v), r.prop_at("Cluster"), "Cluster")),
    }
}

/// The capacity providers of a strategy list.
fn strategy(v: Option<Val>) -> Vec<Link> {
    items(v)
        .into_iter()
        .map(|item| {
            let at = item.at.clone();
            match &item.kind {
                Kind::Unknown(_) => to_link(Some(item), at, "CapacityProviderStrategy"),
                _ => {
                    let p = field(&item, "CapacityProvider").cloned();
                    let p_at = p.as_ref().and_then(|p| p.at.clone()).or(at);
                    to_link(p, p_at, "CapacityProvider")
                }
            }
        })
        .collect()
}

/// The user data of a launch template or launch configuration: the text
/// inside `Fn::Base64` when it is written so, else base64 to decode.
fn user_data(r: &Resource<'_, '_>, node: Option<&Node>) -> crate::agent::UserData {
    use crate::agent::UserData;
    let Some(node) = node else {
        return UserData::Absent;
    };
    let v = match node.intrinsic() {
        Some(("Fn::Base64", arg)) => {
            return UserData::from_text_val(Some(r.ev.eval(arg)), "UserData", &node.at);
        }
        _ => r.ev.eval(node),
    };
    if super::eval::is_no_value(&v) {
        return UserData::Absent;
    }
    UserData::from_base64_val(Some(v), "UserData", &node.at)
}

/// A CodeDeploy deployment group: the ECS services it deploys and the
/// target groups of its blue/green pairs.
pub fn deployment_group(r: &Resource<'_, '_>) -> crate::model::DeploymentGroup {
    let services = items(r.prop("ECSServices"))
        .iter()
        .filter_map(|s| field(s, "ServiceName"))
        .map(|n| to_link(Some(n.clone()), n.at.clone(), "ServiceName"))
        .collect();
    let target_groups = r
        .prop("LoadBalancerInfo")
        .and_then(|info| field(&info, "TargetGroupPairInfoList").cloned())
        .map(|pairs| items(Some(pairs)))
        .unwrap_or_default()
        .iter()
        .flat_map(|pair| items(field(pair, "TargetGroups").cloned()))
        .filter_map(|tg| field(&tg, "Name").cloned())
        .map(|n| {
            let at = n.at.clone();
            to_link(Some(n), at, "TargetGroups Name")
        })
        .collect();
    crate::model::DeploymentGroup {
        id: r.id.clone(),
        services,
        target_groups,
        at: r.at.clone(),
    }
}

/// What a launch template's or launch configuration's user data, and the
/// cfn-init metadata it runs, tell the ECS agent.
fn agent_config(
    r: &Resource<'_, '_>,
    kind: &'static str,
    name_property: &str,
    user_data_node: Option<&Node>,
) -> crate::model::AgentConfig {
    let config = crate::agent::agent_config(
        r.id.clone(),
        kind,
        r.known_string(name_property),
        user_data(r, user_data_node),
        user_data_node.map(|n| n.at.clone()),
        r.at.clone(),
    );
    crate::agent::with_cfn_init(config, cfn_init_texts(r))
}

/// The texts cfn-init writes or runs for this resource, from its
/// `AWS::CloudFormation::Init` metadata: the content of
/// `/etc/ecs/ecs.config` and every command (`echo ECS_CLUSTER=… >>
/// /etc/ecs/ecs.config`). AWS's ECS reference templates configure the
/// agent there, with user data that only runs cfn-init.
fn cfn_init_texts(r: &Resource<'_, '_>) -> Vec<Val> {
    let Some(init) = r.metadata.and_then(|m| m.get("AWS::CloudFormation::Init")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, _, config) in init.entries() {
        if name == "configSets" {
            continue;
        }
        if let Some(files) = config.get("files") {
            for (path, _, file) in files.entries() {
                if path == "/etc/ecs/ecs.config"
                    && let Some(content) = file.get("content")
                {
                    out.push(r.ev.eval(content));
                }
            }
        }
        if let Some(commands) = config.get("commands") {
            for (_, _, command) in commands.entries() {
                if let Some(c) = command.get("command") {
                    out.push(r.ev.eval(c));
                }
            }
        }
    }
    out
}

/// Resources that tell where EC2-launch-type tasks run. Returns whether
/// `rtype` is one of them.
pub fn read_ec2(rtype: &str, r: &Resource<'_, '_>, ec2: &mut Ec2Model) -> bool {
    let own = || Link {
        target: Ok(Reference::Resource {
            address: r.id.address.clone(),
            attribute: "Ref".to_string(),
            scope: None,
        }),
        at: Some(r.at.clone()),
    };
    match rtype {
        "AWS::ECS::Cluster" => {
            ec2.clusters.push(Cluster {
                id: r.id.clone(),
                name: r.known_string("ClusterName"),
                at: r.at.clone(),
            });
            let providers = strategy(r.prop("DefaultCapacityProviderStrategy"));
            if !providers.is_empty() {
                ec2.cluster_strategies.push(ClusterStrategy {
                    id: r.id.clone(),
                    cluster: own(),
                    capacity_providers: providers,
                    at: r.at.clone(),
                });
            }
        }
        "AWS::ECS::ClusterCapacityProviderAssociations" => {
            ec2.cluster_strategies.push(ClusterStrategy {
                id: r.id.clone(),
                cluster: to_link(r.prop("Cluster"), r.prop_at("Cluster"), "Cluster"),
                capacity_providers: strategy(r.prop("DefaultCapacityProviderStrategy")),
                at: r.at.clone(),
            })
        }
        "AWS::ECS::CapacityProvider" => {
            let asg = r.prop("AutoScalingGroupProvider");
            ec2.capacity_providers.push(CapacityProvider {
                id: r.id.clone(),
                name: r.known_string("Name"),
                auto_scaling_group: asg.as_ref().map(|p| {
                    let arn = field_or_unknown(Some(p), "AutoScalingGroupArn");
                    let at = arn.as_ref().and_then(|a| a.at.clone()).or(p.at.clone());
                    to_link(arn, at, "AutoScalingGroupArn")
                }),
                at: r.at.clone(),
            })
        }
        "AWS::AutoScaling::AutoScalingGroup" => {
            let mut launches = Vec::new();
            let template = |spec: Option<&Val>, launches: &mut Vec<Link>| {
                for name in ["LaunchTemplateId", "LaunchTemplateName"] {
                    if let Some(v) = spec.and_then(|s| field(s, name)) {
                        launches.push(to_link(Some(v.clone()), v.at.clone(), name));
                    }
                }
            };
            template(r.prop("LaunchTemplate").as_ref(), &mut launches);
            let mixed = r.prop("MixedInstancesPolicy");
            let spec = mixed
                .as_ref()
                .and_then(|m| field(m, "LaunchTemplate"))
                .and_then(|l| field(l, "LaunchTemplateSpecification"));
            template(spec, &mut launches);
            if let Some(v) = r.prop("LaunchConfigurationName") {
                launches.push(to_link(
                    Some(v),
                    r.prop_at("LaunchConfigurationName"),
                    "LaunchConfigurationName",
                ));
            }
            ec2.auto_scaling_groups.push(AutoScalingGroup {
                id: r.id.clone(),
                name: r.known_string("AutoScalingGroupName"),
                launches,
                at: r.at.clone(),
            })
        }
        "AWS::EC2::LaunchTemplate" => {
            let node = r
                .props
                .and_then(|p| p.get("LaunchTemplateData"))
                .and_then(|d| d.get("UserData"));
            let mut config = agent_config(r, "launch template", "LaunchTemplateName", node);
            let data = r.prop("LaunchTemplateData");
            config.tcp_established_timeout =
                items(field_or_unknown(data.as_ref(), "NetworkInterfaces"))
                    .iter()
                    .filter_map(|n| {
                        let tracking =
                            field_or_unknown(Some(n), "ConnectionTrackingSpecification")?;
                        let v = field_or_unknown(Some(&tracking), "TcpEstablishedTimeout")?;
                        let at = v.at.clone();
                        Some(to_seconds(
                            Some(v),
                            at,
                            "TcpEstablishedTimeout",
                            None,
                            &r.at,
                        ))
                    })
                    .reduce(crate::terraform::readers::shorter);
            ec2.agent_configs.push(config)
        }
        "AWS::AutoScaling::LaunchConfiguration" => {
            let node = r.props.and_then(|p| p.get("UserData"));
            ec2.agent_configs.push(agent_config(
                r,
                "launch configuration",
                "LaunchConfigurationName",
                node,
            ))
        }
        _ => return false,
    }
    true
}

/// A distribution's custom origins (`DistributionConfig.Origins` items with
/// a `CustomOriginConfig`).
pub fn edge_origins(r: &Resource<'_, '_>) -> Vec<EdgeOrigin> {
    let config = r.prop("DistributionConfig");
    let origins = items(field_or_unknown(config.as_ref(), "Origins"));
    let mut out = Vec::new();
    for origin in origins {
        let at = origin.at.clone().unwrap_or(r.at.clone());
        // A custom origin names its host; a VPC origin (an internal load
        // balancer) names an AWS::CloudFront::VpcOrigin. An origin unknown
        // as a whole may be anything: nothing to check.
        let (custom, domain_key) = match (
            field(&origin, "CustomOriginConfig"),
            field(&origin, "VpcOriginConfig"),
        ) {
            (Some(c), _) => (c, None),
            (None, Some(v)) => (v, Some("VpcOriginId")),
            (None, None) => continue,
        };
        // Unset values apply at the origin's domain name (a map's own span
        // would cover every line of it).
        let at = field(&origin, "DomainName")
            .and_then(|d| d.at.clone())
            .unwrap_or(at);
        out.push(EdgeOrigin {
            id: r.id.clone(),
            origin_id: field(&origin, "Id").and_then(|v| v.as_known_str().map(str::to_string)),
            domain: {
                let (d, what) = match domain_key {
                    Some(key) => (field(custom, key), "VpcOriginId"),
                    None => (field(&origin, "DomainName"), "origin DomainName"),
                };
                let d_at = d.and_then(|d| d.at.clone()).or(Some(at.clone()));
                to_link(d.cloned(), d_at, what)
            },
            keepalive_timeout: seconds_of(
                field(custom, "OriginKeepaliveTimeout").cloned(),
                "OriginKeepaliveTimeout",
                (5.0, "CloudFront default OriginKeepaliveTimeout"),
                &at,
            ),
            read_timeout: seconds_of(
                field(custom, "OriginReadTimeout").cloned(),
                "OriginReadTimeout",
                (30.0, "CloudFront default OriginReadTimeout"),
                &at,
            ),
            response_completion_timeout: field(&origin, "ResponseCompletionTimeout").map(|v| {
                to_seconds(
                    Some(v.clone()),
                    v.at.clone(),
                    "ResponseCompletionTimeout",
                    None,
                    &at,
                )
            }),
            connection_attempts: seconds_of(
                field(&origin, "ConnectionAttempts").cloned(),
                "ConnectionAttempts",
                (3.0, "CloudFront default ConnectionAttempts"),
                &at,
            ),
            at,
            ignore: r.ignore.clone(),
        });
    }
    out
}

/// A CloudFront VPC origin: the load balancer its endpoint ARN names.
pub fn vpc_origin(r: &Resource<'_, '_>) -> Option<DnsAlias> {
    let arn = field(&r.prop("VpcOriginEndpointConfig")?, "Arn")?.clone();
    let at = arn.at.clone().or(Some(r.at.clone()));
    Some(DnsAlias {
        id: r.id.clone(),
        name: None,
        target: to_link(Some(arn), at, "VpcOriginEndpointConfig Arn"),
        at: r.at.clone(),
    })
}

/// A record set aliasing a name (`AliasTarget.DNSName`) to a load balancer.
pub fn dns_alias(r: &Resource<'_, '_>) -> Option<DnsAlias> {
    let target = field(&r.prop("AliasTarget")?, "DNSName")?.clone();
    let target_at = target.at.clone().or(Some(r.at.clone()));
    Some(DnsAlias {
        id: r.id.clone(),
        name: r.known_string("Name").map(|n| crate::convert::dns_name(&n)),
        target: to_link(Some(target), target_at, "AliasTarget DNSName"),
        at: r.at.clone(),
    })
}

/// `OptionSettings` of a Beanstalk environment or configuration template.
fn option_settings(r: &Resource<'_, '_>) -> Vec<OptionSetting> {
    items(r.prop("OptionSettings"))
        .into_iter()
        .map(|o| {
            let at = o.at.clone().unwrap_or(r.at.clone());
            if let Kind::Unknown(_) = o.kind {
                return OptionSetting {
                    namespace: None,
                    name: None,
                    value: Setting::Unresolved(unresolved_reason(
                        &o,
                        "OptionSettings",
                        Some(at.clone()),
                    )),
                    at: Some(at),
                };
            }
            let word =
                |name: &str| field(&o, name).and_then(|v| v.as_known_str().map(str::to_string));
            let value = match field(&o, "Value") {
                None => Setting::unresolved("the option setting has no Value", Some(at.clone())),
                Some(v) => {
                    let v_at = v.at.clone().unwrap_or(at.clone());
                    match v.as_known_str() {
                        Some(s) => Setting::explicit(s.to_string(), v_at),
                        None => match v.to_number() {
                            Ok(n) => Setting::explicit(fmt_secs(n), v_at),
                            Err(h) => unresolved_from(&h, "OptionSettings Value", Some(v_at)),
                        },
                    }
                }
            };
            let at = field(&o, "Value").and_then(|v| v.at.clone()).unwrap_or(at);
            OptionSetting {
                namespace: word("Namespace"),
                name: word("OptionName"),
                value,
                at: Some(at),
            }
        })
        .collect()
}

pub fn beanstalk_environment(r: &Resource<'_, '_>) -> BeanstalkEnvironment {
    let tier = r.prop("Tier");
    BeanstalkEnvironment {
        id: r.id.clone(),
        tier: tier
            .as_ref()
            .and_then(|t| field(t, "Name"))
            .and_then(|v| v.as_known_str().map(str::to_string)),
        platform: r
            .known_string("SolutionStackName")
            .or_else(|| r.known_string("PlatformArn")),
        settings: option_settings(r),
        template: r.prop("TemplateName").map(|t| {
            let at = t.at.clone().or(Some(r.at.clone()));
            to_link(Some(t), at, "TemplateName")
        }),
        at: r.at.clone(),
        ignore: r.ignore.clone(),
    }
}

pub fn beanstalk_template(r: &Resource<'_, '_>) -> BeanstalkTemplate {
    BeanstalkTemplate {
        id: r.id.clone(),
        name: None,
        platform: r.known_string("SolutionStackName"),
        settings: option_settings(r),
        at: r.at.clone(),
    }
}
