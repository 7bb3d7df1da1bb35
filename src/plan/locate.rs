//! Locations in the `.tf` source for a plan's findings.
//!
//! Two passes. While reading, each resource and attribute points at its
//! block and attribute in the configuration directory (found by type and
//! name, following module calls to their directories). Then the same
//! directory is loaded as HCL, and wherever the HCL evaluates to the value
//! the plan has, the plan's setting takes the HCL's location: that one
//! follows variables, locals and `jsonencode` to the literal that wrote the
//! value (a keep-alive inside container definitions, a variable default).
//! The values stay the plan's; only where to point changes.

use super::address::{Address, module_names};
use super::config::Config;
use super::document::Document;
use crate::model::*;
use crate::source::{Location, SourceFile};
use crate::terraform::modules::{MAX_NESTING, init_modules, is_local_source};
use crate::terraform::syntax::{BodyRef, ParsedFile};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The parsed `.tf` files of the configuration directory and of the module
/// directories the plan's resources live in, and the HCL model of it all.
pub struct TfFiles {
    /// Module names (`["svc"]`) → index into `dirs`.
    module_dirs: Vec<(Vec<String>, usize)>,
    dirs: Vec<Vec<ParsedFile>>,
    pub hcl: Model,
}

/// `.tf` / `.tf.json` files of a directory, sorted.
pub fn tf_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && crate::terraform::is_terraform_file(p))
        .collect();
    files.sort();
    files
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

impl TfFiles {
    pub fn read(root: &Path, config: &Config<'_>, doc: &Document) -> TfFiles {
        let repo = crate::discover::repository_root(root);
        let mut paths: BTreeSet<Vec<String>> = BTreeSet::new();
        paths.insert(Vec::new());
        for e in &doc.entries {
            let names = module_names(&e.addr.module);
            for d in 1..=names.len().min(MAX_NESTING) {
                paths.insert(names[..d].to_vec());
            }
        }
        let mut out = TfFiles {
            module_dirs: Vec::new(),
            dirs: Vec::new(),
            hcl: Model::default(),
        };
        let mut by_dir: HashMap<PathBuf, usize> = HashMap::new();
        let mut dir_of: HashMap<Vec<String>, PathBuf> = HashMap::new();
        // Its errors are the HCL loader's to report; here only locations.
        let (downloaded, _) = init_modules(root, &repo);
        // Shorter paths first (BTreeSet order), so a parent is placed first.
        for names in paths {
            let dir = match names.split_last() {
                None => root.to_path_buf(),
                Some((name, parent)) => {
                    let Some(parent_dir) = dir_of.get(parent).cloned() else {
                        continue;
                    };
                    let source = config
                        .call(parent, name)
                        .and_then(|c| c.get("source"))
                        .and_then(|s| s.as_str().map(str::to_string))
                        .or_else(|| out.call_source(by_dir.get(&canonical(&parent_dir)), name));
                    match source {
                        Some(s) if is_local_source(&parent_dir, &s) => parent_dir.join(s),
                        // Registry and git modules, once `terraform init` ran.
                        _ => match downloaded.get(&names.join(".")) {
                            Some(d) => d.clone(),
                            None => continue,
                        },
                    }
                }
            };
            let c = canonical(&dir);
            // Module sources stay inside the repository, as in the HCL loader.
            if !names.is_empty() && !c.starts_with(&repo) {
                continue;
            }
            let i = match by_dir.get(&c) {
                Some(i) => *i,
                None => {
                    let parsed = tf_files(&dir)
                        .iter()
                        .filter_map(|f| {
                            crate::terraform::parse_file(f, crate::input::Within::Repository(&repo))
                                .ok()
                        })
                        .collect();
                    out.dirs.push(parsed);
                    by_dir.insert(c, out.dirs.len() - 1);
                    out.dirs.len() - 1
                }
            };
            dir_of.insert(names.clone(), dir);
            out.module_dirs.push((names, i));
        }
        // The HCL of the same configuration, for the relocation pass; its
        // own parse errors are not the plan's concern.
        out.hcl = crate::terraform::load_module(
            root,
            &tf_files(root),
            &crate::terraform::Inputs::default(),
            &repo,
        );
        out
    }

    /// The suppressions written in the configuration's files, once per file.
    pub fn suppression_sites(&self) -> Vec<crate::suppress::Site> {
        self.dirs
            .iter()
            .flatten()
            .flat_map(|f| {
                crate::terraform::comments::sites(
                    &f.directives,
                    &f.source,
                    &f.top_blocks(),
                    &crate::terraform::readers::is_modelled,
                )
            })
            .collect()
    }

    /// The `source` of `module "name"` in an already parsed directory.
    fn call_source(&self, dir: Option<&usize>, name: &str) -> Option<String> {
        let files = self.dirs.get(*dir?)?;
        files.iter().flat_map(|f| f.top_blocks()).find_map(|b| {
            (b.kind == "module" && b.labels.first() == Some(&name))
                .then(|| crate::terraform::modules::call_source(b.body))
                .flatten()
        })
    }

    pub fn index(&self) -> TfIndex<'_> {
        let mut blocks = HashMap::new();
        for (names, i) in &self.module_dirs {
            for f in &self.dirs[*i] {
                for b in f.top_blocks() {
                    if let ("resource", [t, n]) = (b.kind, b.labels.as_slice()) {
                        let ignore =
                            crate::terraform::comments::for_block(&f.directives, &f.source, &b);
                        blocks
                            .entry((names.clone(), t.to_string(), n.to_string()))
                            .or_insert((b.body, b.at, ignore));
                    }
                }
            }
        }
        TfIndex { blocks }
    }
}

/// A resource block: its body, header and the suppressions written on it.
pub type TfBlock<'a> = (BodyRef<'a>, Location, Vec<crate::suppress::Ignore>);

pub struct TfIndex<'a> {
    blocks: HashMap<(Vec<String>, String, String), TfBlock<'a>>,
}

impl<'a> TfIndex<'a> {
    /// The `resource "type" "name"` block in the module at `names`: its body,
    /// header and suppressions.
    pub fn block(&self, names: &[String], rtype: &str, name: &str) -> Option<&TfBlock<'a>> {
        self.blocks
            .get(&(names.to_vec(), rtype.to_string(), name.to_string()))
    }
}

/// Give the plan's settings the HCL's locations where the values agree, and
/// point what is still inside the plan's `container_definitions` string at
/// the attribute in the `.tf` file.
pub fn relocate(
    model: &mut Model,
    hcl: &Model,
    plan: &Arc<SourceFile>,
    cd_at: &HashMap<String, Location>,
) {
    let in_plan = |l: &Location| Arc::ptr_eq(&l.file, plan);
    let addresses: BTreeSet<String> = all_addresses(model);
    let exists = |l: &Link| match &l.target {
        Ok(Reference::Resource { address, .. }) => addresses.contains(address),
        _ => false,
    };
    let link = |p: &mut Link, h: &Link| {
        // The plan could not follow it (a `dynamic` block, a local); the HCL did.
        if p.target.is_err() && h.target.is_ok() && exists(h) {
            p.target = h.target.clone();
        }
        if p.at.as_ref().is_none_or(in_plan) && h.at.is_some() {
            p.at = h.at.clone();
        }
    };
    let links = |p: &mut Vec<Link>, h: &Vec<Link>| {
        if p.len() == h.len() {
            for (a, b) in p.iter_mut().zip(h) {
                link(a, b);
            }
        }
    };

    let lbs: HashMap<&str, &LoadBalancer> = hcl
        .load_balancers
        .iter()
        .map(|x| (x.id.address.as_str(), x))
        .collect();
    for p in &mut model.load_balancers {
        let Some(h) = lbs.get(p.id.address.as_str()) else {
            continue;
        };
        p.at = h.at.clone();
        setting(&mut p.kind, &h.kind, &in_plan);
        setting(&mut p.idle_timeout, &h.idle_timeout, &in_plan);
        if let (Some(a), Some(b)) = (&mut p.connection_draining, &h.connection_draining) {
            setting(a, b, &in_plan);
        }
        if let (Some(a), Some(b)) = (
            &mut p.connection_draining_timeout,
            &h.connection_draining_timeout,
        ) {
            setting(a, b, &in_plan);
        }
    }
    let ls: HashMap<&str, &Listener> = hcl
        .listeners
        .iter()
        .map(|x| (x.id.address.as_str(), x))
        .collect();
    for p in &mut model.listeners {
        let Some(h) = ls.get(p.id.address.as_str()) else {
            continue;
        };
        p.at = h.at.clone();
        link(&mut p.load_balancer, &h.load_balancer);
        links(&mut p.target_groups, &h.target_groups);
    }
    let rs: HashMap<&str, &ListenerRule> = hcl
        .listener_rules
        .iter()
        .map(|x| (x.id.address.as_str(), x))
        .collect();
    for p in &mut model.listener_rules {
        let Some(h) = rs.get(p.id.address.as_str()) else {
            continue;
        };
        p.at = h.at.clone();
        link(&mut p.listener, &h.listener);
        links(&mut p.target_groups, &h.target_groups);
    }
    let tgs: HashMap<&str, &TargetGroup> = hcl
        .target_groups
        .iter()
        .map(|x| (x.id.address.as_str(), x))
        .collect();
    for p in &mut model.target_groups {
        let Some(h) = tgs.get(p.id.address.as_str()) else {
            continue;
        };
        p.at = h.at.clone();
        setting(
            &mut p.deregistration_delay,
            &h.deregistration_delay,
            &in_plan,
        );
        setting(
            &mut p.health_check_interval,
            &h.health_check_interval,
            &in_plan,
        );
        setting(
            &mut p.health_check_timeout,
            &h.health_check_timeout,
            &in_plan,
        );
    }
    let ss: HashMap<&str, &Service> = hcl
        .services
        .iter()
        .map(|x| (x.id.address.as_str(), x))
        .collect();
    for p in &mut model.services {
        let Some(h) = ss.get(p.id.address.as_str()) else {
            continue;
        };
        p.at = h.at.clone();
        link(&mut p.task_definition, &h.task_definition);
        let same_len = p.attachments.len() == h.attachments.len();
        for (i, a) in p.attachments.iter_mut().enumerate() {
            // By container name when it says which, else by position.
            let named: Vec<&Attachment> = h
                .attachments
                .iter()
                .filter(|b| {
                    a.container_name.value().is_some()
                        && b.container_name.value() == a.container_name.value()
                })
                .collect();
            let Some(b) = (match named.as_slice() {
                [one] => Some(*one),
                _ if same_len => h.attachments.get(i),
                _ => None,
            }) else {
                continue;
            };
            a.at = b.at.clone();
            setting(&mut a.container_name, &b.container_name, &in_plan);
            if let (Some(x), Some(y)) = (&mut a.container_port, &b.container_port) {
                setting(x, y, &in_plan);
            }
            match (&mut a.target, &b.target) {
                (AttachmentTarget::TargetGroup(x), AttachmentTarget::TargetGroup(y))
                | (AttachmentTarget::ClassicElb(x), AttachmentTarget::ClassicElb(y)) => link(x, y),
                _ => {}
            }
        }
    }
    let tds: HashMap<&str, &TaskDefinition> = hcl
        .task_definitions
        .iter()
        .map(|x| (x.id.address.as_str(), x))
        .collect();
    for p in &mut model.task_definitions {
        if let Some(h) = tds.get(p.id.address.as_str()) {
            p.at = h.at.clone();
            match (&mut p.containers, &h.containers) {
                (Ok(pcs), Ok(hcs)) => {
                    for c in pcs.iter_mut() {
                        if let Some(hc) = hcs.iter().find(|x| x.name == c.name) {
                            container(c, hc, &in_plan);
                        }
                    }
                }
                (Err(u), Ok(_)) | (Err(u), Err(_)) if u.at.as_ref().is_some_and(in_plan) => {
                    if let Some(l) = cd_at.get(&p.id.address) {
                        u.at = Some(l.clone());
                    }
                }
                _ => {}
            }
        }
        // What the HCL could not match still points inside the plan's JSON
        // string: the `container_definitions` attribute is the better place.
        if let (Some(to), Ok(cs)) = (cd_at.get(&p.id.address), &mut p.containers) {
            for c in cs {
                retarget_container(c, &in_plan, to);
            }
        }
    }
}

fn all_addresses(m: &Model) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    out.extend(m.load_balancers.iter().map(|x| x.id.address.clone()));
    out.extend(m.listeners.iter().map(|x| x.id.address.clone()));
    out.extend(m.listener_rules.iter().map(|x| x.id.address.clone()));
    out.extend(m.target_groups.iter().map(|x| x.id.address.clone()));
    out.extend(m.services.iter().map(|x| x.id.address.clone()));
    out.extend(m.task_definitions.iter().map(|x| x.id.address.clone()));
    // Links to a resource as a whole (`x` for `x[0]`, `x[1]`).
    let bases: Vec<String> = out
        .iter()
        .filter_map(|a| Address::parse(a))
        .filter(|a| a.key.is_some())
        .map(|mut a| {
            a.key = None;
            a.to_string()
        })
        .collect();
    out.extend(bases);
    out
}

/// The plan's setting takes the HCL's location when both say the same.
fn setting<T: PartialEq>(p: &mut Setting<T>, h: &Setting<T>, in_plan: &impl Fn(&Location) -> bool) {
    match (p, h) {
        (
            Setting::Known {
                value,
                provenance: Provenance::Explicit(at),
            },
            Setting::Known {
                value: hv,
                provenance: Provenance::Explicit(hat),
            },
        ) if value == hv => *at = hat.clone(),
        (
            Setting::Known {
                value,
                provenance: Provenance::Default { source, applies_at },
            },
            Setting::Known {
                value: hv,
                provenance:
                    Provenance::Default {
                        source: hs,
                        applies_at: hat,
                    },
            },
        ) if value == hv && source == hs && hat.is_some() => *applies_at = hat.clone(),
        // Unknown in the plan: point where the HCL writes it, if the plan
        // could not say.
        (Setting::Unresolved(u), h) if u.at.as_ref().is_none_or(in_plan) => {
            if let Some(l) = h.location() {
                u.at = Some(l.clone());
            }
        }
        _ => {}
    }
}

fn words(p: &mut Option<Setting<Vec<Word>>>, h: &Option<Setting<Vec<Word>>>) {
    let (
        Some(Setting::Known {
            value: pw,
            provenance: Provenance::Explicit(at),
        }),
        Some(Setting::Known {
            value: hw,
            provenance: Provenance::Explicit(hat),
        }),
    ) = (p, h)
    else {
        return;
    };
    *at = hat.clone();
    if pw.len() != hw.len() {
        return;
    }
    for (a, b) in pw.iter_mut().zip(hw) {
        if a.text == b.text && b.unknown.is_none() {
            a.at = b.at.clone();
            a.map = b.map.clone();
        } else if b.at.is_some() {
            // Written there, but evaluated differently: the whole word.
            a.at = b.at.clone();
            a.map = None;
        }
    }
}

fn container(p: &mut Container, h: &Container, in_plan: &impl Fn(&Location) -> bool) {
    p.at = h.at.clone();
    setting(&mut p.image, &h.image, in_plan);
    words(&mut p.entry_point, &h.entry_point);
    words(&mut p.command, &h.command);
    setting(&mut p.stop_timeout, &h.stop_timeout, in_plan);
    for e in &mut p.environment {
        if let Some(he) = h.environment.iter().find(|x| x.name == e.name) {
            setting(&mut e.value, &he.value, in_plan);
        }
    }
    for s in &mut p.system_controls {
        if let Some(hs) = h
            .system_controls
            .iter()
            .find(|x| x.namespace == s.namespace)
        {
            setting(&mut s.value, &hs.value, in_plan);
        }
    }
}

fn retarget<T>(s: &mut Setting<T>, in_plan: &impl Fn(&Location) -> bool, to: &Location) {
    match s {
        Setting::Known {
            provenance: Provenance::Explicit(at),
            ..
        } if in_plan(at) => *at = to.clone(),
        Setting::Known {
            provenance:
                Provenance::Default {
                    applies_at: Some(at),
                    ..
                },
            ..
        } if in_plan(at) => *at = to.clone(),
        Setting::Unresolved(u) if u.at.as_ref().is_some_and(in_plan) => u.at = Some(to.clone()),
        _ => {}
    }
}

fn retarget_words(
    s: &mut Option<Setting<Vec<Word>>>,
    in_plan: &impl Fn(&Location) -> bool,
    to: &Location,
) {
    let Some(s) = s else { return };
    retarget(s, in_plan, to);
    if let Setting::Known { value, .. } = s {
        for w in value {
            if w.at.as_ref().is_some_and(in_plan) {
                w.at = Some(to.clone());
                w.map = None;
            }
            if let Some(u) = &mut w.unknown
                && u.at.as_ref().is_some_and(in_plan)
            {
                u.at = Some(to.clone());
            }
        }
    }
}

fn retarget_container(c: &mut Container, in_plan: &impl Fn(&Location) -> bool, to: &Location) {
    if in_plan(&c.at) {
        c.at = to.clone();
    }
    retarget(&mut c.image, in_plan, to);
    retarget_words(&mut c.entry_point, in_plan, to);
    retarget_words(&mut c.command, in_plan, to);
    retarget(&mut c.stop_timeout, in_plan, to);
    for e in &mut c.environment {
        retarget(&mut e.value, in_plan, to);
    }
    for s in &mut c.system_controls {
        retarget(&mut s.value, in_plan, to);
    }
}
