//! The IaC-agnostic model every loader produces and every rule reads.
//!
//! Loaders (Terraform HCL today; CloudFormation and plan JSON next) turn files
//! into these plain structs. Nothing here knows about HCL or YAML: a value is
//! either known, with where it came from, or unresolved, with why.

use crate::source::Location;
use std::fmt;

/// Where a known value came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Provenance {
    /// Written in the input at this location.
    Explicit(Location),
    /// Not written anywhere: a documented default applies. `source` names it
    /// ("AWS default", "gunicorn default"); `applies_at` is where it takes
    /// effect (the resource, the container's command), if known.
    Default {
        source: String,
        applies_at: Option<Location>,
    },
    /// Not visible in the IaC; stated in the configuration file
    /// (`keepalign.toml`) at this location. Used like a written value.
    Declared(Location),
}

/// Why a value the analysis needs is not knowable from the input.
#[derive(Clone, Debug, PartialEq)]
pub struct Unresolved {
    /// What is missing and how to supply it.
    pub reason: String,
    /// Where the unknowable expression is written, if anywhere.
    pub at: Option<Location>,
}

impl Unresolved {
    pub fn new(reason: impl Into<String>, at: Option<Location>) -> Unresolved {
        Unresolved {
            reason: reason.into(),
            at,
        }
    }
}

/// A setting with its provenance. A rule never treats `Unresolved` as a default.
#[derive(Clone, Debug, PartialEq)]
pub enum Setting<T> {
    Known { value: T, provenance: Provenance },
    Unresolved(Unresolved),
}

impl<T> Setting<T> {
    pub fn explicit(value: T, at: Location) -> Self {
        Setting::Known {
            value,
            provenance: Provenance::Explicit(at),
        }
    }

    pub fn default(value: T, source: impl Into<String>, applies_at: Option<Location>) -> Self {
        Setting::Known {
            value,
            provenance: Provenance::Default {
                source: source.into(),
                applies_at,
            },
        }
    }

    pub fn declared(value: T, at: Location) -> Self {
        Setting::Known {
            value,
            provenance: Provenance::Declared(at),
        }
    }

    pub fn unresolved(reason: impl Into<String>, at: Option<Location>) -> Self {
        Setting::Unresolved(Unresolved::new(reason, at))
    }

    pub fn value(&self) -> Option<&T> {
        match self {
            Setting::Known { value, .. } => Some(value),
            Setting::Unresolved(_) => None,
        }
    }

    pub fn is_default(&self) -> bool {
        matches!(
            self,
            Setting::Known {
                provenance: Provenance::Default { .. },
                ..
            }
        )
    }

    /// The place to point at: where it is written, where the default
    /// applies, or where the unresolvable expression is.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Setting::Known {
                provenance: Provenance::Explicit(at),
                ..
            } => Some(at),
            Setting::Known {
                provenance: Provenance::Default { applies_at, .. },
                ..
            } => applies_at.as_ref(),
            Setting::Known {
                provenance: Provenance::Declared(at),
                ..
            } => Some(at),
            Setting::Unresolved(u) => u.at.as_ref(),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Setting<U> {
        match self {
            Setting::Known { value, provenance } => Setting::Known {
                value: f(value),
                provenance,
            },
            Setting::Unresolved(u) => Setting::Unresolved(u),
        }
    }
}

/// Seconds, possibly fractional (Node and Next.js settings are milliseconds).
pub type Seconds = f64;

/// Format seconds without a trailing `.0`.
pub fn fmt_secs(s: Seconds) -> String {
    if s.fract() == 0.0 && s.abs() < 1e15 {
        format!("{}", s as i64)
    } else {
        format!("{}", (s * 1000.0).round() / 1000.0)
    }
}

/// Identity of a resource: its scope (the Terraform module directory or the
/// template file) and its address within it (`aws_ecs_service.web[0]`, a
/// CloudFormation logical ID).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceId {
    pub scope: std::sync::Arc<str>,
    pub address: String,
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.address)
    }
}

/// What a link attribute (`target_group_arn`, `load_balancer_arn`, ...) points at.
#[derive(Clone, Debug, PartialEq)]
pub enum Reference {
    /// Another resource in the same scope, by address (`aws_lb.main`), with
    /// the attribute used (`arn`, `id`, `name`).
    Resource {
        address: String,
        attribute: String,
        /// Set when the resource is in another scope (an imported export).
        scope: Option<String>,
    },
    /// A literal name or ARN, matched against resources' names and ARNs.
    Literal(String),
}

/// A link from one resource to another, as written.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub target: Result<Reference, Unresolved>,
    pub at: Option<Location>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LbKind {
    Application,
    Network,
    Gateway,
    Classic,
}

impl LbKind {
    /// The name users know it by, e.g. in messages.
    pub fn short_name(self) -> &'static str {
        match self {
            LbKind::Application => "ALB",
            LbKind::Network => "NLB",
            LbKind::Gateway => "Gateway Load Balancer",
            LbKind::Classic => "Classic ELB",
        }
    }

    /// The status code a client sees when the target closes a reused connection.
    pub fn reset_status(self) -> &'static str {
        match self {
            LbKind::Classic => "504",
            _ => "502",
        }
    }

    /// Whether the LB keeps idle connections to targets and reuses them, the
    /// premise of the idle-timeout rules.
    pub fn reuses_connections(self) -> bool {
        matches!(self, LbKind::Application | LbKind::Classic)
    }
}

#[derive(Clone, Debug)]
pub struct LoadBalancer {
    pub id: ResourceId,
    pub kind: Setting<LbKind>,
    /// The `name` attribute, used to match literal names and ARNs.
    pub name: Option<String>,
    pub idle_timeout: Setting<Seconds>,
    /// Classic ELB only: whether connection draining is on, and its timeout.
    pub connection_draining: Option<Setting<bool>>,
    pub connection_draining_timeout: Option<Setting<Seconds>>,
    /// ALB only: how long the ALB keeps client connections (client side; no
    /// rule compares it, `services` shows it).
    pub client_keep_alive: Option<Setting<Seconds>>,
    /// Whether it is internal (`internal`, `Scheme: internal`) rather than
    /// internet-facing, the AWS default.
    pub internal: Setting<bool>,
    /// Classic ELB only: its listeners' back ends, which decide whether it
    /// reuses connections to targets. `None` for other types, and for a
    /// Classic ELB declared in the configuration (its listeners unseen).
    pub classic_listeners: Option<Vec<ClassicListener>>,
    pub at: Location,
    /// Suppressions for chains through this resource (a Terraform
    /// `# keepalign:ignore` comment, CloudFormation `Metadata.keepalign`).
    pub ignore: Vec<crate::suppress::Ignore>,
}

/// One listener of a Classic ELB, as far as connection reuse goes.
#[derive(Clone, Debug)]
pub struct ClassicListener {
    /// The back-end (instance) port, when known.
    pub instance_port: Option<f64>,
    /// Whether the back-end protocol is HTTP or HTTPS, the only ones a
    /// Classic ELB reuses back-end connections for (TCP and SSL listeners
    /// pair one client connection with one back-end connection).
    pub http: Setting<bool>,
}

#[derive(Clone, Debug)]
pub struct Listener {
    pub id: ResourceId,
    pub load_balancer: Link,
    /// Target groups the default action forwards to (plain or weighted).
    pub target_groups: Vec<Link>,
    /// `TCP`, `TLS`, `HTTP`, ... in upper case, when written and known.
    pub protocol: Option<String>,
    /// NLB TCP listeners: the idle timeout of a flow, when the listener
    /// sets it (`tcp_idle_timeout_seconds`, `tcp.idle_timeout.seconds`);
    /// `None` leaves AWS's 350 s.
    pub tcp_idle_timeout: Option<Setting<Seconds>>,
    pub at: Location,
    /// Suppressions for chains through this resource (a Terraform
    /// `# keepalign:ignore` comment, CloudFormation `Metadata.keepalign`).
    pub ignore: Vec<crate::suppress::Ignore>,
}

#[derive(Clone, Debug)]
pub struct ListenerRule {
    pub id: ResourceId,
    pub listener: Link,
    pub target_groups: Vec<Link>,
    pub at: Location,
    /// Suppressions for chains through this resource (a Terraform
    /// `# keepalign:ignore` comment, CloudFormation `Metadata.keepalign`).
    pub ignore: Vec<crate::suppress::Ignore>,
}

/// What a target group's protocol and target type say about the load
/// balancer it serves, which decides its health-check defaults and limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TgFamily {
    /// HTTP/HTTPS: an Application Load Balancer.
    Application,
    /// TCP/TLS/UDP/TCP_UDP: a Network Load Balancer, which accepts a health
    /// check timeout equal to its interval.
    Network,
    /// GENEVE: a Gateway Load Balancer.
    Gateway,
    /// `target_type = "lambda"`.
    Lambda,
}

#[derive(Clone, Debug)]
pub struct TargetGroup {
    pub id: ResourceId,
    pub name: Option<String>,
    pub family: Setting<TgFamily>,
    pub deregistration_delay: Setting<Seconds>,
    pub health_check_interval: Setting<Seconds>,
    pub health_check_timeout: Setting<Seconds>,
    pub at: Location,
    /// Suppressions for chains through this resource (a Terraform
    /// `# keepalign:ignore` comment, CloudFormation `Metadata.keepalign`).
    pub ignore: Vec<crate::suppress::Ignore>,
}

#[derive(Clone, Debug)]
pub enum AttachmentTarget {
    TargetGroup(Link),
    ClassicElb(Link),
}

/// One `load_balancer` block of an ECS service.
#[derive(Clone, Debug)]
pub struct Attachment {
    pub target: AttachmentTarget,
    pub container_name: Setting<String>,
    pub container_port: Option<Setting<f64>>,
    /// For the alternate target group of an ECS blue/green deployment: the
    /// primary one, whose load balancer it is reached through when no
    /// listener in the code forwards to it (ECS moves the listener rule).
    pub alternate_of: Option<Link>,
    pub at: Location,
}

#[derive(Clone, Debug)]
pub struct Service {
    pub id: ResourceId,
    pub task_definition: Link,
    pub attachments: Vec<Attachment>,
    /// Where its tasks run (launch type, capacity providers, cluster).
    pub placement: Placement,
    /// Its tags (`tags`, `Tags`), by key; `None` for a value keepalign
    /// cannot know. Provider-wide `default_tags` are not included.
    pub tags: std::collections::BTreeMap<String, Option<String>>,
    pub at: Location,
    /// Suppressions for chains through this resource (a Terraform
    /// `# keepalign:ignore` comment, CloudFormation `Metadata.keepalign`).
    pub ignore: Vec<crate::suppress::Ignore>,
}

/// A string with where it was written. When `at` covers exactly `text` (no
/// quotes or escapes in between), parts of it can be located precisely.
#[derive(Clone, Debug, PartialEq)]
pub struct Word {
    pub text: String,
    pub at: Option<Location>,
    /// Set when part of the word is not knowable (a variable with no value):
    /// the text then holds `crate::json::HOLE` markers where it is unknown.
    pub unknown: Option<Box<Unresolved>>,
    /// Where each part of the text was written, when it was assembled from
    /// several places (a `!Sub` script, a template): lets `locate` point at
    /// the parameter a `${KeepAlive}` came from.
    pub map: Option<std::sync::Arc<crate::value::Text>>,
}

impl Word {
    pub fn new(text: impl Into<String>, at: Option<Location>) -> Word {
        Word {
            text: text.into(),
            at,
            unknown: None,
            map: None,
        }
    }

    /// The text with unknown parts shown as `…`, for messages.
    pub fn display(&self) -> String {
        let mut out = String::new();
        let mut inside = false;
        for c in self.text.chars() {
            if c == crate::json::HOLE {
                if !inside {
                    out.push('…');
                }
                inside = !inside;
            } else if !inside {
                out.push(c);
            }
        }
        out
    }

    /// The location of `range` within this word: exact when the source text
    /// is the word itself, otherwise the whole word.
    pub fn locate(&self, range: std::ops::Range<usize>) -> Option<Location> {
        if let Some(found) = self.map.as_ref().and_then(|m| m.locate(range.clone())) {
            return Some(found);
        }
        let at = self.at.as_ref()?;
        if at.snippet() == self.text && range.end <= self.text.len() {
            Some(Location::new(
                &at.file,
                at.span.start + range.start..at.span.start + range.end,
            ))
        } else {
            Some(at.clone())
        }
    }

    pub fn sub(&self, range: std::ops::Range<usize>) -> Word {
        let text = self.text[range.clone()].to_string();
        let unknown = self
            .unknown
            .clone()
            .filter(|_| text.contains(crate::json::HOLE));
        Word {
            text,
            at: self.locate(range.clone()),
            unknown,
            map: self
                .map
                .as_ref()
                .map(|m| std::sync::Arc::new(crate::value::slice_text(m, range))),
        }
    }
}

#[derive(Clone, Debug)]
pub struct EnvVar {
    pub name: String,
    pub value: Setting<String>,
}

#[derive(Clone, Debug)]
pub struct SystemControl {
    pub namespace: String,
    pub value: Setting<String>,
}

#[derive(Clone, Debug)]
pub struct Container {
    pub name: String,
    pub image: Setting<String>,
    /// For each unknown part of a partly unknown image reference, in
    /// order, the resource attribute it is when it is one (address and
    /// attribute: `aws_ecr_repository.web` `repository_url`, `Repo` `Ref`).
    pub image_references: Vec<Option<(String, String)>>,
    /// When part of the image reference is unknown (a registry known only
    /// at deploy time: `${AWS::URLSuffix}`, an account ID), the reference
    /// with each unknown part as `*`: enough to match a build definition
    /// by repository name and tag.
    pub image_pattern: Option<String>,
    /// `None` when not set: the image's own ENTRYPOINT / CMD apply.
    pub entry_point: Option<Setting<Vec<Word>>>,
    pub command: Option<Setting<Vec<Word>>>,
    pub environment: Vec<EnvVar>,
    /// `environmentFiles` (S3 objects): they may set any variable that
    /// `environment` does not.
    pub environment_files: Vec<Word>,
    pub stop_timeout: Setting<Seconds>,
    pub system_controls: Vec<SystemControl>,
    /// `workingDirectory`: replaces the image's WORKDIR when set.
    pub working_directory: Option<Setting<String>>,
    pub at: Location,
}

#[derive(Clone, Debug)]
pub struct TaskDefinition {
    pub id: ResourceId,
    pub family: Option<String>,
    pub containers: Result<Vec<Container>, Unresolved>,
    /// `requires_compatibilities` / `RequiresCompatibilities` when known,
    /// with where it is written.
    pub requires_compatibilities: Option<(Vec<String>, Location)>,
    /// `network_mode` / `NetworkMode` in lower case, when known (unset:
    /// `bridge` on EC2, `awsvpc` on Fargate).
    pub network_mode: Option<String>,
    pub at: Location,
    /// Suppressions for chains through this resource (a Terraform
    /// `# keepalign:ignore` comment, CloudFormation `Metadata.keepalign`).
    pub ignore: Vec<crate::suppress::Ignore>,
}

/// A file that could not be read or parsed (PA001).
#[derive(Clone, Debug)]
pub struct InputError {
    pub file: String,
    pub message: String,
    pub at: Option<Location>,
    /// 1-based line/column when there is no loaded source to point into.
    pub line_col: Option<(usize, usize)>,
}

/// Something that may be a load-balanced service but was not checked (UN003):
/// a module keepalign cannot read, a service with no instances under the
/// current variables, a resource type keepalign does not model.
#[derive(Clone, Debug)]
pub struct NotChecked {
    /// The root directory or template it belongs to.
    pub scope: String,
    /// What was not checked: `module.svc`, `aws_ecs_service.api`.
    pub what: String,
    /// Why, in a sentence fragment: "it comes from … which is not downloaded".
    pub why: String,
    /// How to make keepalign check it.
    pub fix: String,
    pub at: Option<Location>,
}

/// A Terraform root directory or CloudFormation template the scan loaded,
/// with the inputs it declares (variables, parameters): lets the
/// configuration's `[[root]]` entries and `--var` be checked against what
/// the scan found.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedRoot {
    /// Canonical path of the root directory or template file.
    pub path: std::path::PathBuf,
    /// Names of the declared variables or parameters, sorted.
    pub inputs: Vec<String>,
}

/// Everything the loaders found in the scanned paths.
#[derive(Default, Debug)]
pub struct Model {
    pub load_balancers: Vec<LoadBalancer>,
    pub listeners: Vec<Listener>,
    pub listener_rules: Vec<ListenerRule>,
    pub target_groups: Vec<TargetGroup>,
    pub services: Vec<Service>,
    pub task_definitions: Vec<TaskDefinition>,
    pub input_errors: Vec<InputError>,
    /// How many input files were read.
    pub files: usize,
    /// Paths given by name that keepalign did not read, with why
    /// ("tfplan is a binary Terraform plan; ...").
    pub not_read: Vec<String>,
    /// Every suppression written in the inputs, once each, with what it is
    /// on: the SU notes account for each.
    pub suppressions: Vec<crate::suppress::Site>,
    /// Terraform roots and CloudFormation templates loaded.
    pub roots: Vec<LoadedRoot>,
    /// What may be a load-balanced service but could not be checked.
    pub not_checked: Vec<NotChecked>,
    /// Where EC2-launch-type services run: clusters, their default
    /// capacity provider strategies, capacity providers, Auto Scaling
    /// groups and the ECS agent settings of launch templates.
    pub ec2: Ec2Model,
    /// CodeDeploy blue/green deployment groups of ECS services.
    pub deployment_groups: Vec<DeploymentGroup>,
    /// The Dockerfiles in the scan: where images without a command in the
    /// task definition get their server.
    pub builds: crate::images::Builds,
    /// ECR repositories (`aws_ecr_repository`): address and name, so an
    /// image given as `${aws_ecr_repository.web.repository_url}:tag` is
    /// known to be `…/web`.
    pub ecr_repositories: Vec<(String, String)>,
    /// CloudFront custom origins: the hop in front of a load balancer.
    pub edge_origins: Vec<EdgeOrigin>,
    /// DNS alias records (`aws_route53_record` `alias`,
    /// `AWS::Route53::RecordSet` `AliasTarget`): how an origin's domain
    /// name reaches a load balancer.
    pub dns_aliases: Vec<DnsAlias>,
    /// Elastic Beanstalk environments and saved configurations.
    pub beanstalk: BeanstalkModel,
}

/// Elastic Beanstalk in the scan: environments, the saved configurations
/// they start from, and the application bundles in the tree (their
/// `.ebextensions` option settings and `.platform/nginx/nginx.conf`).
#[derive(Clone, Debug, Default)]
pub struct BeanstalkModel {
    pub environments: Vec<BeanstalkEnvironment>,
    pub templates: Vec<BeanstalkTemplate>,
    pub bundles: Vec<BeanstalkBundle>,
}

/// One option setting (`setting` block, `OptionSettings` item).
#[derive(Clone, Debug)]
pub struct OptionSetting {
    /// `None` when not known before deployment: it may set any option.
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub value: Setting<String>,
    /// Where it is written; `None` for a file that could not be read.
    pub at: Option<Location>,
}

/// `aws_elastic_beanstalk_environment`, `AWS::ElasticBeanstalk::Environment`.
#[derive(Clone, Debug)]
pub struct BeanstalkEnvironment {
    pub id: ResourceId,
    /// `tier` / `Tier.Name`: `WebServer` (the default) or `Worker`.
    pub tier: Option<String>,
    /// `solution_stack_name` or `platform_arn` (`SolutionStackName`,
    /// `PlatformArn`), when known.
    pub platform: Option<String>,
    pub settings: Vec<OptionSetting>,
    /// `template_name` / `TemplateName`: the saved configuration it starts
    /// from, whose settings apply where its own do not.
    pub template: Option<Link>,
    pub at: Location,
    pub ignore: Vec<crate::suppress::Ignore>,
}

/// `aws_elastic_beanstalk_configuration_template`,
/// `AWS::ElasticBeanstalk::ConfigurationTemplate`.
#[derive(Clone, Debug)]
pub struct BeanstalkTemplate {
    pub id: ResourceId,
    pub name: Option<String>,
    pub platform: Option<String>,
    pub settings: Vec<OptionSetting>,
    pub at: Location,
}

/// An application bundle in the scanned tree: a directory holding
/// `.ebextensions/*.config` or `.platform/nginx/nginx.conf`.
#[derive(Clone, Debug)]
pub struct BeanstalkBundle {
    /// The bundle's directory, as shown in reports.
    pub dir: String,
    /// The keep-alive of the port-80 server of its
    /// `.platform/nginx/nginx.conf` (which replaces the platform's), or why
    /// it is unknown; `None` when it has none.
    pub nginx: Option<Setting<Seconds>>,
    /// The `option_settings` of its `.ebextensions/*.config` files, in the
    /// order Beanstalk applies them (file name order; later ones win).
    pub settings: Vec<OptionSetting>,
}

/// A custom origin of a CloudFront distribution (`origin` with
/// `custom_origin_config`, `Origins` with `CustomOriginConfig`): CloudFront
/// keeps idle connections to it and reuses them, as an ALB does to targets.
#[derive(Clone, Debug)]
pub struct EdgeOrigin {
    /// The distribution.
    pub id: ResourceId,
    /// `origin_id` / `Id`, when known.
    pub origin_id: Option<String>,
    /// `domain_name` / `DomainName`: a load balancer's DNS name, a DNS
    /// record, or a literal host name.
    pub domain: Link,
    /// `origin_keepalive_timeout` / `OriginKeepaliveTimeout` (5 s default).
    pub keepalive_timeout: Setting<Seconds>,
    /// `origin_read_timeout` / `OriginReadTimeout` (30 s default).
    pub read_timeout: Setting<Seconds>,
    /// `response_completion_timeout` / `ResponseCompletionTimeout`, when
    /// set (unset: no limit).
    pub response_completion_timeout: Option<Setting<Seconds>>,
    /// `connection_attempts` / `ConnectionAttempts` (3 by default).
    pub connection_attempts: Setting<Seconds>,
    /// The origin's block or list item.
    pub at: Location,
    /// The distribution's suppressions.
    pub ignore: Vec<crate::suppress::Ignore>,
}

impl EdgeOrigin {
    /// The origin as users know it: `aws_cloudfront_distribution.cdn`
    /// origin `"api"`.
    pub fn name(&self) -> String {
        match &self.origin_id {
            Some(id) => format!("{} origin \"{id}\"", self.id.address),
            None => self.id.address.clone(),
        }
    }
}

/// A DNS record that aliases a name to another resource's DNS name, or a
/// CloudFront VPC origin (`aws_cloudfront_vpc_origin`,
/// `AWS::CloudFront::VpcOrigin`) that stands for a load balancer by ARN.
#[derive(Clone, Debug)]
pub struct DnsAlias {
    pub id: ResourceId,
    /// The record's name, lower case without the trailing dot, when known.
    pub name: Option<String>,
    /// What it aliases (`alias.name`, `AliasTarget.DNSName`, the VPC
    /// origin's endpoint ARN).
    pub target: Link,
    pub at: Location,
}

/// A CodeDeploy deployment group that shifts an ECS service between a pair
/// of target groups (`aws_codedeploy_deployment_group`,
/// `AWS::CodeDeploy::DeploymentGroup`).
#[derive(Clone, Debug)]
pub struct DeploymentGroup {
    pub id: ResourceId,
    /// The services it deploys (`ecs_service.service_name`).
    pub services: Vec<Link>,
    /// The target groups of its pairs (`target_group.name`).
    pub target_groups: Vec<Link>,
    pub at: Location,
}

/// `more` after `all`; taken whole when `all` is empty, so a scan's
/// model is not copied again each time it joins an empty one.
fn append<T>(all: &mut Vec<T>, mut more: Vec<T>) {
    if all.is_empty() {
        std::mem::swap(all, &mut more);
    } else {
        all.append(&mut more);
    }
}

impl Model {
    pub fn extend(&mut self, other: Model) {
        append(&mut self.load_balancers, other.load_balancers);
        append(&mut self.listeners, other.listeners);
        append(&mut self.listener_rules, other.listener_rules);
        append(&mut self.target_groups, other.target_groups);
        append(&mut self.services, other.services);
        append(&mut self.task_definitions, other.task_definitions);
        append(&mut self.input_errors, other.input_errors);
        self.files += other.files;
        append(&mut self.not_read, other.not_read);
        append(&mut self.suppressions, other.suppressions);
        append(&mut self.roots, other.roots);
        append(&mut self.not_checked, other.not_checked);
        self.ec2.extend(other.ec2);
        append(&mut self.deployment_groups, other.deployment_groups);
        self.builds.extend(other.builds);
        append(&mut self.ecr_repositories, other.ecr_repositories);
        append(&mut self.edge_origins, other.edge_origins);
        append(&mut self.dns_aliases, other.dns_aliases);
        append(
            &mut self.beanstalk.environments,
            other.beanstalk.environments,
        );
        append(&mut self.beanstalk.templates, other.beanstalk.templates);
        append(&mut self.beanstalk.bundles, other.beanstalk.bundles);
    }
}

// ----- EC2 launch type: where an unset stopTimeout comes from -------------

/// How ECS runs a service's tasks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LaunchType {
    Fargate,
    Ec2,
    External,
}

/// What a service says about where its tasks run, as written.
#[derive(Clone, Debug, Default)]
pub struct Placement {
    /// `launch_type` / `LaunchType`, when set.
    pub launch_type: Option<Setting<String>>,
    /// The capacity providers of its `capacity_provider_strategy` /
    /// `CapacityProviderStrategy` (names or references), with where each
    /// is written.
    pub capacity_providers: Vec<Link>,
    /// `cluster` / `Cluster`; `None` when not set (the `default` cluster).
    pub cluster: Option<Link>,
}

/// An ECS cluster (`aws_ecs_cluster`, `AWS::ECS::Cluster`).
#[derive(Clone, Debug)]
pub struct Cluster {
    pub id: ResourceId,
    pub name: Option<String>,
    pub at: Location,
}

/// A cluster's default capacity provider strategy: written on the cluster
/// itself or by `aws_ecs_cluster_capacity_providers` /
/// `AWS::ECS::ClusterCapacityProviderAssociations`.
#[derive(Clone, Debug)]
pub struct ClusterStrategy {
    /// The resource that writes it.
    pub id: ResourceId,
    pub cluster: Link,
    pub capacity_providers: Vec<Link>,
    pub at: Location,
}

/// An `aws_ecs_capacity_provider` / `AWS::ECS::CapacityProvider`.
#[derive(Clone, Debug)]
pub struct CapacityProvider {
    pub id: ResourceId,
    pub name: Option<String>,
    /// `auto_scaling_group_arn`; `None` for a provider without an Auto
    /// Scaling group (ECS Managed Instances).
    pub auto_scaling_group: Option<Link>,
    pub at: Location,
}

/// An `aws_autoscaling_group` / `AWS::AutoScaling::AutoScalingGroup`.
#[derive(Clone, Debug)]
pub struct AutoScalingGroup {
    pub id: ResourceId,
    pub name: Option<String>,
    /// The launch templates and launch configuration it launches from.
    pub launches: Vec<Link>,
    pub at: Location,
}

/// The ECS agent settings a launch template or launch configuration writes
/// in its user data.
#[derive(Clone, Debug)]
pub struct AgentConfig {
    pub id: ResourceId,
    /// "launch template" or "launch configuration", for messages.
    pub kind: &'static str,
    pub name: Option<String>,
    /// `ECS_CONTAINER_STOP_TIMEOUT` as the agent reads it: `Ok(None)` when
    /// the user data is known and does not set it; `Err` when the user
    /// data cannot be read or has unknown parts that may set it.
    pub stop_timeout: Result<Option<Setting<Seconds>>, Unresolved>,
    /// `ECS_CLUSTER`, the cluster its instances join, when set.
    pub cluster: Option<Link>,
    /// The user data attribute, or the resource when there is none.
    pub user_data_at: Location,
    /// Launch templates: the shortest `tcp_established_timeout` of the
    /// network interfaces' connection tracking, when one sets it (EC2
    /// keeps an established flow 432,000 s otherwise).
    pub tcp_established_timeout: Option<Setting<Seconds>>,
    pub at: Location,
}

#[derive(Clone, Debug, Default)]
pub struct Ec2Model {
    pub clusters: Vec<Cluster>,
    pub cluster_strategies: Vec<ClusterStrategy>,
    pub capacity_providers: Vec<CapacityProvider>,
    pub auto_scaling_groups: Vec<AutoScalingGroup>,
    pub agent_configs: Vec<AgentConfig>,
}

impl Ec2Model {
    pub fn extend(&mut self, other: Ec2Model) {
        append(&mut self.clusters, other.clusters);
        append(&mut self.cluster_strategies, other.cluster_strategies);
        append(&mut self.capacity_providers, other.capacity_providers);
        append(&mut self.auto_scaling_groups, other.auto_scaling_groups);
        append(&mut self.agent_configs, other.agent_configs);
    }
}
