//! CloudFormation loader: YAML and JSON templates (including `cdk synth`
//! output) into the same model as Terraform. All templates of a scan are
//! loaded together so `Fn::ImportValue` can follow `Export`s between them.

mod dynamic;
mod eval;
mod nested;
mod reindent;
mod resources;
mod suppress;
pub mod tree;

use crate::input::{Problem, ReadError, Within};
use crate::model::{InputError, Model, ResourceId};
use crate::source::{Location, SourceFile};
use crate::value::Val;
use eval::{Evaluator, Export};
use resources::Resource;
use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tree::{Node, NodeKind};

/// CloudFormation inputs of a template: from the configuration file's
/// `[[root]]` entry, then from the command line, which wins.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    /// `--parameter KEY=VALUE`, in order.
    pub parameters: Vec<(String, String)>,
    /// `--parameters-file FILE`, in order.
    pub parameter_files: Vec<PathBuf>,
    /// `parameters-files` of the template's `[[root]]` entry, read before
    /// the command line's.
    pub config_parameter_files: Vec<PathBuf>,
    /// `parameters` of the template's `[[root]]` entry: key, value, and
    /// where the value is written.
    pub config_parameters: Vec<(String, String, Location)>,
}

/// Files that may be templates, by name. Content decides (`is_template`).
/// By the name's bytes, so a name that is not UTF-8 is still read.
pub fn is_candidate(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.as_encoded_bytes())
        .unwrap_or(b"");
    [".yaml", ".yml", ".template", ".json"]
        .iter()
        .any(|e| name.ends_with(e.as_bytes()))
        && !name.ends_with(b".tf.json")
        && !name.ends_with(b".tfvars.json")
}

/// Whether the file at `path` is a template keepalign reads (for paths
/// given by name, to say plainly when one is not).
pub fn is_template_file(path: &Path) -> bool {
    is_candidate(path)
        && crate::input::read_source(path, Within::Named)
            .is_ok_and(|f| looks_like_template(&f.text))
}

/// How much of an oversized candidate is read to tell whether it is a
/// template: `AWSTemplateFormatVersion` and `Resources` come first.
const PREFIX: u64 = 1024 * 1024;

/// Whether a candidate file that could not be read as text is reported
/// (PA001) rather than skipped as a non-template asset. A link leading out
/// of the repository, a FIFO or device, or a file that cannot be opened is
/// always reported: nothing shows what it holds. A file that is not UTF-8
/// text, or too large, is reported when what can be read of it looks like
/// a template (the first MiB, for a file over the cap); binary `.json`
/// assets do not, and are skipped. A directory named like a template is
/// not a file at all.
fn unreadable_is_reported(path: &Path, within: Within<'_>, e: &ReadError) -> bool {
    match &e.problem {
        Problem::Outside | Problem::NotRegular | Problem::Io => true,
        Problem::Directory => false,
        Problem::TooLarge => crate::input::read_prefix(path, within, PREFIX)
            .is_ok_and(|b| looks_like_template(&String::from_utf8_lossy(&b))),
        Problem::NotText(bytes) => looks_like_template(&String::from_utf8_lossy(bytes)),
    }
}

struct Template {
    file: Arc<SourceFile>,
    /// Its syntax tree: kept from the first pass for a template whose
    /// stacks nest others, and for others while the kept trees fit
    /// `KEPT_TREES`; else parsed again when it is evaluated.
    root: OnceCell<Node>,
}

/// The syntax trees, in `budget::syntax_cost`, that the first pass over
/// the templates keeps for their evaluation. A tree takes about eight
/// times its text (the estimate says forty): a monorepo of thousands of
/// templates would hold them all at once, so past this each is parsed
/// again when it is evaluated. 64 MiB estimated is about 1.5 MB of YAML,
/// a few hundred templates, all kept; 20,000 services' templates keep
/// 12 MB of trees instead of 84.
const KEPT_TREES: u64 = 64 * 1024 * 1024;

impl Template {
    /// The template's tree, parsed again and kept if it was not.
    fn root(&self) -> &Node {
        self.root.get_or_init(|| self.parse_again())
    }

    /// The template's tree for one use: the kept one, or one parsed for
    /// this use and dropped after it.
    fn tree(&self) -> Cow<'_, Node> {
        match self.root.get() {
            Some(root) => Cow::Borrowed(root),
            None => Cow::Owned(self.parse_again()),
        }
    }

    /// The text parsed in the first pass, so it parses again; a failure
    /// cannot happen, and would read as a template with no resources.
    fn parse_again(&self) -> Node {
        tree::parse(&self.file)
            .unwrap_or_else(|_| Node::new(NodeKind::Null, Location::new(&self.file, 0..0)))
    }
}

/// Whether a template has a nested stack (`AWS::CloudFormation::Stack`).
fn nests_stacks(root: &Node) -> bool {
    root.get("Resources")
        .map(Node::entries)
        .unwrap_or(&[])
        .iter()
        .any(|(_, _, node)| node.get("Type").and_then(Node::as_str) == Some(nested::STACK))
}

/// Load every template among `files`; files that are not templates are
/// skipped. `inputs` gives each template its parameters; `repo_root` the
/// repository it and its configured parameter files must stay inside.
pub fn load(
    files: &[PathBuf],
    inputs: &dyn Fn(&Path) -> Inputs,
    repo_root: &dyn Fn(&Path) -> PathBuf,
    scan: &crate::budget::Scan,
) -> Model {
    load_keeping(files, inputs, repo_root, scan, KEPT_TREES)
}

/// `load`, keeping trees up to `kept_trees` from the first pass.
fn load_keeping(
    files: &[PathBuf],
    inputs: &dyn Fn(&Path) -> Inputs,
    repo_root: &dyn Fn(&Path) -> PathBuf,
    scan: &crate::budget::Scan,
    kept_trees: u64,
) -> Model {
    let mut model = Model::default();
    let mut templates = Vec::new();
    let mut givens = Vec::new();
    let mut scanned = nested::Scanned {
        paths: Vec::new(),
        roots: Vec::new(),
    };
    // Exports first, so every template can import from every other.
    let mut exports = Vec::new();
    let mut syntax_left = crate::budget::MAX_SYNTAX;
    let mut kept_left = kept_trees;
    // The templates that nest stacks, whose trees are always kept.
    let mut parents = Vec::new();
    for path in files {
        let root = repo_root(path);
        let within = Within::Repository(&root);
        let file = match crate::input::read_source(path, within) {
            Ok(f) => f,
            Err(e) => {
                if unreadable_is_reported(path, within, &e) {
                    model.input_errors.push(InputError {
                        file: crate::source::display_path(path),
                        message: e.message,
                        at: None,
                        line_col: e.line_col.or(Some((1, 1))),
                    });
                }
                continue;
            }
        };
        if !looks_like_template(&file.text) {
            continue;
        }
        model.files += 1;
        let admitted = crate::budget::take_syntax(&file.text, &mut syntax_left, "CloudFormation");
        if let Err(message) = admitted {
            model.input_errors.push(InputError {
                file: file.display.clone(),
                message,
                at: None,
                line_col: Some((1, 1)),
            });
            continue;
        }
        let tree = match tree::parse(&file) {
            Ok(tree) => tree,
            Err(e) => {
                model.input_errors.push(InputError {
                    file: file.display.clone(),
                    message: e.message,
                    at: Some(Location::char_at(&file, e.offset)),
                    line_col: None,
                });
                continue;
            }
        };
        match template_check(&tree) {
            Check::Template => {}
            Check::NotTemplate => {
                model.files -= 1;
                continue;
            }
            Check::Broken(message, at) => {
                model.input_errors.push(InputError {
                    file: file.display.clone(),
                    message,
                    at: Some(at),
                    line_col: None,
                });
                continue;
            }
        }
        let given = match parameters(&inputs(&file.path), &root) {
            Ok(g) => g,
            Err(e) => {
                // A broken parameters file given for every template is reported once.
                if !model
                    .input_errors
                    .iter()
                    .any(|x| x.file == e.file && x.message == e.message)
                {
                    model.input_errors.push(e);
                }
                HashMap::new()
            }
        };
        let mut declared: Vec<String> = tree
            .get("Parameters")
            .map(Node::entries)
            .unwrap_or(&[])
            .iter()
            .map(|(k, _, _)| k.clone())
            .collect();
        declared.sort();
        let canonical = crate::input::canonical_or_same(&file.path);
        scanned.paths.push(canonical.clone());
        scanned.roots.push(crate::input::canonical_or_same(&root));
        model.roots.push(crate::model::LoadedRoot {
            path: canonical,
            inputs: declared,
        });
        // Each pass over each template counts against the scan's budget, in order.
        let slot = scan.reserve(1);
        let mut ev = Evaluator::new(&tree, &given, &[]);
        ev.meter = scan.meter(slot);
        for (_, _, output) in tree.get("Outputs").map(Node::entries).unwrap_or(&[]) {
            let (Some(name), Some(value)) = (
                output.get("Export").and_then(|e| e.get("Name")),
                output.get("Value"),
            ) else {
                continue;
            };
            let Ok(name) = ev.eval(name).to_text() else {
                continue;
            };
            exports.push(Export {
                name: Arc::unwrap_or_clone(name),
                value: eval::in_scope(ev.eval(value), &file.display),
                file: file.display.clone(),
            });
        }
        model.input_errors.extend(ev.meter.report(&file.display));
        scan.finish(slot, &ev.meter);
        drop(ev);
        // A template that nests stacks is read again to find their
        // templates once every template is known.
        let cost = crate::budget::syntax_cost(&file.text);
        let kept = OnceCell::new();
        if nests_stacks(&tree) {
            parents.push(templates.len());
            let _ = kept.set(tree);
        } else if cost <= kept_left {
            kept_left -= cost;
            let _ = kept.set(tree);
        }
        templates.push(Template { file, root: kept });
        givens.push(given);
    }
    if templates.is_empty() {
        return model;
    }
    // Which scanned template each nested stack deploys.
    let mut targets = HashMap::new();
    for i in parents {
        let (t, given) = (&templates[i], &givens[i]);
        let tree = t.root();
        let slot = scan.reserve(1);
        let mut ev = Evaluator::new(tree, given, &[]);
        ev.meter = scan.meter(slot);
        for (id, _, node) in tree.get("Resources").map(Node::entries).unwrap_or(&[]) {
            // Whatever its Condition: a template nested here is never
            // deployed standalone, even when this stack is not created.
            if node.get("Type").and_then(Node::as_str) != Some(nested::STACK) {
                continue;
            }
            let target = nested::find_target(&scanned, i, id, node, &ev);
            targets.insert((i, id.clone()), target);
        }
        model.input_errors.extend(ev.meter.report(&t.file.display));
        scan.finish(slot, &ev.meter);
    }
    let nest = nested::Nest::new(&templates, &exports, &targets);
    // Top-level stacks first, each followed by the stacks it nests; then
    // any template left (nested only by templates that are themselves
    // nested in a cycle) on its own.
    let mut done = vec![false; templates.len()];
    let tops: Vec<usize> = (0..templates.len())
        .filter(|&i| nest.nestings[i] == 0)
        .chain(0..templates.len())
        .collect();
    for i in tops {
        // A nested template is read on its own only when no stack that
        // nests it was read (they nest each other in a cycle).
        if done[i] || nest.parents[i].iter().any(|&p| done[p]) {
            continue;
        }
        let mut pending = vec![nest.root(i, givens[i].clone())];
        while let Some(inst) = pending.pop() {
            done[inst.template] = true;
            let mut children = evaluate(&nest, &inst, scan, &mut model);
            children.reverse();
            pending.extend(children);
        }
    }
    model
}

/// Read one stack's resources into `model`; returns the stacks it nests.
fn evaluate(
    nest: &nested::Nest<'_>,
    inst: &Arc<nested::Instance>,
    scan: &crate::budget::Scan,
    model: &mut Model,
) -> Vec<Arc<nested::Instance>> {
    let t = &nest.templates[inst.template];
    // A template no stack nests is evaluated once: a tree parsed again
    // for it is dropped after.
    let tree = if nest.nestings[inst.template] == 0 {
        t.tree()
    } else {
        Cow::Borrowed(t.root())
    };
    let slot = scan.reserve(1);
    let mut ev = nest.evaluator(inst, &tree);
    ev.meter = scan.meter(slot);
    read_resources(&tree, &ev, &inst.scope, model);
    let mut children = Vec::new();
    for (id, key_at, node) in tree.get("Resources").map(Node::entries).unwrap_or(&[]) {
        if node.get("Type").and_then(Node::as_str) != Some(nested::STACK)
            || node
                .get("Condition")
                .and_then(Node::as_str)
                .is_some_and(|c| ev.condition_holds(c) == Some(false))
        {
            continue;
        }
        match nest.child(&ev, inst, id, node, key_at) {
            Ok(child) => children.push(child),
            Err(missing) if missing.report => model.not_checked.push(crate::model::NotChecked {
                scope: inst.scope.clone(),
                what: format!("{id} ({})", nested::STACK),
                why: missing.why,
                fix: missing.fix,
                at: Some(key_at.clone()),
            }),
            Err(_) => {}
        }
    }
    model.input_errors.extend(ev.meter.report(&inst.scope));
    scan.finish(slot, &ev.meter);
    children
}

fn looks_like_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion")
        || (text.contains("Resources") && text.contains("AWS::"))
}

enum Check {
    Template,
    NotTemplate,
    Broken(String, Location),
}

/// A template has `AWSTemplateFormatVersion`, or `Resources` whose entries
/// have an `AWS::` `Type`.
fn template_check(root: &Node) -> Check {
    let versioned = root.get("AWSTemplateFormatVersion").is_some();
    match root.get("Resources") {
        Some(r) => match &r.kind {
            NodeKind::Map(entries) => {
                let aws = entries.iter().any(|(_, _, v)| {
                    v.get("Type")
                        .and_then(Node::as_str)
                        .is_some_and(|t| t.starts_with("AWS::"))
                });
                if versioned || aws {
                    Check::Template
                } else {
                    Check::NotTemplate
                }
            }
            _ if versioned => Check::Broken(
                "Resources must be a mapping of logical IDs to resources".into(),
                r.at.clone(),
            ),
            _ => Check::NotTemplate,
        },
        None if versioned => Check::Template,
        None => Check::NotTemplate,
    }
}

/// Why a resource of a type keepalign does not model may carry a
/// load-balanced service, and what to do: a custom resource given a load
/// balancer, target group or task definition (a service made by a Lambda),
/// or a serverless application (a nested stack from the Serverless
/// Application Repository, whose template is not in the scan).
fn unmodelled_service(rtype: &str, props: Option<&Node>) -> Option<(String, String)> {
    const SERVICE_PROPERTIES: &[&str] = &[
        "LoadBalancers",
        "LoadBalancerArn",
        "TargetGroupArn",
        "TargetGroupArns",
        "TaskDefinition",
        "ContainerDefinitions",
    ];
    if rtype.starts_with("Custom::") || rtype == "AWS::CloudFormation::CustomResource" {
        let given: Vec<&str> = props
            .map(Node::entries)
            .unwrap_or(&[])
            .iter()
            .map(|(k, _, _)| k.as_str())
            .filter(|k| SERVICE_PROPERTIES.contains(k))
            .collect();
        if given.is_empty() {
            return None;
        }
        return Some((
            format!(
                "it is a custom resource given {}, so it may create a load-balanced service that only its provider's code describes",
                given.join(" and ")
            ),
            "keepalign cannot see what a custom resource's code creates: write the service as AWS::ECS::Service to have it checked".into(),
        ));
    }
    if rtype == "AWS::Serverless::Application" {
        return Some((
            "it is a serverless application, whose template is not in the scan".into(),
            "scan the application's template too (its source is in the Serverless Application Repository or the application's repository)".into(),
        ));
    }
    None
}

/// Read the template's resources into `model`, as evaluated by `ev`, in
/// `scope` (the template's file, or which nesting of it this is).
fn read_resources(root: &Node, ev: &Evaluator<'_>, scope: &str, model: &mut Model) {
    // One scope string for every resource of the template.
    let shared_scope: Arc<str> = scope.into();
    for (logical_id, key_at, node) in root.get("Resources").map(Node::entries).unwrap_or(&[]) {
        let Some(rtype) = node.get("Type").and_then(Node::as_str) else {
            continue;
        };
        // A resource whose Condition is false is not created.
        if let Some(cond) = node.get("Condition").and_then(Node::as_str)
            && ev.condition_holds(cond) == Some(false)
        {
            continue;
        }
        let ignore = suppress::metadata_ignores(node.get("Metadata"));
        model
            .suppressions
            .extend(ignore.iter().map(|i| crate::suppress::Site {
                ignore: i.clone(),
                on: crate::suppress::Target::Resource {
                    address: logical_id.clone(),
                    modelled: suppress::MODELLED.contains(&rtype),
                },
            }));
        let r = Resource {
            ev,
            id: ResourceId {
                scope: shared_scope.clone(),
                address: logical_id.clone(),
            },
            props: node.get("Properties"),
            metadata: node.get("Metadata"),
            at: key_at.clone(),
            ignore,
        };
        match rtype {
            "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
                model.load_balancers.push(resources::load_balancer_v2(&r))
            }
            "AWS::ElasticLoadBalancing::LoadBalancer" => model
                .load_balancers
                .push(resources::classic_load_balancer(&r)),
            "AWS::ElasticLoadBalancingV2::Listener" => {
                model.listeners.push(resources::listener(&r))
            }
            "AWS::ElasticLoadBalancingV2::ListenerRule" => {
                model.listener_rules.push(resources::listener_rule(&r))
            }
            "AWS::ElasticLoadBalancingV2::TargetGroup" => {
                model.target_groups.push(resources::target_group(&r))
            }
            "AWS::ECS::Service" => model.services.push(resources::service(&r)),
            "AWS::ECS::TaskDefinition" => {
                model.task_definitions.push(resources::task_definition(&r))
            }
            "AWS::CodeDeploy::DeploymentGroup" => model
                .deployment_groups
                .push(resources::deployment_group(&r)),
            "AWS::ECR::Repository" => {
                if let Some(name) = r.known_string("RepositoryName") {
                    model.ecr_repositories.push((logical_id.to_string(), name));
                }
            }
            "AWS::CloudFront::Distribution" => {
                model.edge_origins.extend(resources::edge_origins(&r))
            }
            "AWS::Route53::RecordSet" => model.dns_aliases.extend(resources::dns_alias(&r)),
            "AWS::CloudFront::VpcOrigin" => model.dns_aliases.extend(resources::vpc_origin(&r)),
            "AWS::ElasticBeanstalk::Environment" => model
                .beanstalk
                .environments
                .push(resources::beanstalk_environment(&r)),
            "AWS::ElasticBeanstalk::ConfigurationTemplate" => model
                .beanstalk
                .templates
                .push(resources::beanstalk_template(&r)),
            other if resources::read_ec2(other, &r, &mut model.ec2) => {}
            other => {
                if let Some((why, fix)) = unmodelled_service(other, node.get("Properties")) {
                    model.not_checked.push(crate::model::NotChecked {
                        scope: scope.to_string(),
                        what: format!("{logical_id} ({other})"),
                        why,
                        fix,
                        at: Some(key_at.clone()),
                    });
                }
            }
        }
    }
}

/// The configuration's `parameters-files` and `parameters`, then
/// `--parameters-file` and `--parameter K=V` (parameters files: the AWS
/// CLI's `[{"ParameterKey", "ParameterValue"}]`, CodePipeline's
/// `{"Parameters": {...}}`, or `Key=Value` lines), later ones winning.
/// The configuration file's parameter files are repository content, read
/// inside `root`; `--parameters-file`s are named by the user.
fn parameters(inputs: &Inputs, root: &Path) -> Result<HashMap<String, Val>, InputError> {
    let mut out = HashMap::new();
    parameter_files(
        &inputs.config_parameter_files,
        Within::Repository(root),
        &mut out,
    )?;
    for (k, v, at) in &inputs.config_parameters {
        out.insert(k.clone(), Val::str(v.clone(), Some(at.clone())));
    }
    parameter_files(&inputs.parameter_files, Within::Named, &mut out)?;
    for (k, v) in &inputs.parameters {
        let file = SourceFile::new(
            PathBuf::from(format!("--parameter {k}")),
            format!("{k}={v}"),
        );
        let at = Location::new(&file, k.len() + 1..file.text.len());
        out.insert(k.clone(), Val::str(v.clone(), Some(at)));
    }
    Ok(out)
}

fn parameter_files(
    files: &[PathBuf],
    within: Within<'_>,
    out: &mut HashMap<String, Val>,
) -> Result<(), InputError> {
    for path in files {
        let file = crate::input::read_source(path, within).map_err(|e| InputError {
            file: crate::source::display_path(path),
            message: e.message,
            at: None,
            line_col: e.line_col.or(Some((1, 1))),
        })?;
        let bad = |message: String, at: Location| InputError {
            file: file.display.clone(),
            message,
            at: Some(at),
            line_col: None,
        };
        if file.text.trim_start().starts_with(['[', '{']) {
            let root = tree::parse(&file)
                .map_err(|e| bad(e.message, Location::char_at(&file, e.offset)))?;
            let ev_root = Node::new(NodeKind::Map(Vec::new()), root.at.clone());
            let no_params = HashMap::new();
            let ev = Evaluator::new(&ev_root, &no_params, &[]);
            match &root.kind {
                NodeKind::Seq(items) => {
                    for item in items {
                        let (Some(k), Some(v)) = (
                            item.get("ParameterKey").and_then(Node::as_str),
                            item.get("ParameterValue"),
                        ) else {
                            return Err(bad(
                                "expected ParameterKey and ParameterValue".into(),
                                item.at.clone(),
                            ));
                        };
                        out.insert(k.to_string(), ev.eval(v));
                    }
                }
                NodeKind::Map(_) => {
                    for (k, _, v) in root.get("Parameters").map(Node::entries).unwrap_or(&[]) {
                        out.insert(k.clone(), ev.eval(v));
                    }
                }
                _ => return Err(bad("expected a list of parameters".into(), root.at.clone())),
            }
        } else {
            let mut offset = 0;
            for line in file.text.split_inclusive('\n') {
                let content = line.trim_end();
                if let Some((k, v)) = content.split_once('=')
                    && !content.trim_start().starts_with('#')
                {
                    let start = offset + k.len() + 1;
                    out.insert(
                        k.trim().to_string(),
                        Val::str(v.trim(), Some(Location::new(&file, start..start + v.len()))),
                    );
                }
                offset += line.len();
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
