//! Elastic Beanstalk application bundles in the scanned tree: the option
//! settings of `.ebextensions/*.config` (YAML or JSON, `option_settings`
//! as a map of namespaces or as a list of `namespace` / `option_name` /
//! `value`) and the `.platform/nginx/nginx.conf` that replaces the
//! platform's nginx configuration. Every file is read through the confined
//! reader; one that cannot be read is a parse error (PA001) and makes what
//! it could set unknown, never a default.

use crate::cloudformation::tree::{Node, NodeKind};
use crate::model::{BeanstalkBundle, InputError, OptionSetting, Setting};
use crate::source::{Location, SourceFile, display_path};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The bundles of `files` (found by discovery), each read inside the
/// repository `root_for` gives; and the files that could not be read.
pub fn load(
    files: &[PathBuf],
    root_for: &dyn Fn(&Path) -> PathBuf,
) -> (Vec<BeanstalkBundle>, Vec<InputError>) {
    let mut by_dir: BTreeMap<&Path, Vec<&PathBuf>> = BTreeMap::new();
    for f in files {
        if let Some(dir) = crate::discover::bundle_dir(f) {
            by_dir.entry(dir).or_default().push(f);
        }
    }
    let mut errors = Vec::new();
    let bundles = by_dir
        .into_iter()
        .map(|(dir, files)| {
            let root = root_for(dir);
            let mut bundle = BeanstalkBundle {
                dir: display_path(dir),
                nginx: None,
                settings: Vec::new(),
            };
            // Sorted by discovery: `.ebextensions` files in name order, the
            // order Beanstalk applies them.
            for path in files {
                let read = crate::input::read_source(path, crate::input::Within::Repository(&root));
                let file = match read {
                    Ok(f) => f,
                    Err(e) => {
                        let why =
                            format!("{} could not be read ({})", display_path(path), e.message);
                        unreadable(&mut bundle, path, &why);
                        errors.push(crate::terraform::read_error(path, e));
                        continue;
                    }
                };
                if crate::discover::is_platform_nginx(path) {
                    bundle.nginx = Some(crate::servers::nginx::platform::platform_keepalive(
                        file, &root,
                    ));
                    continue;
                }
                match option_settings(&file) {
                    Ok(settings) => bundle.settings.extend(settings),
                    Err((message, at)) => {
                        let why = format!("{}: {message}", file.display);
                        unreadable(&mut bundle, path, &why);
                        errors.push(InputError {
                            file: file.display.clone(),
                            message,
                            at: Some(at),
                            line_col: None,
                        });
                    }
                }
            }
            bundle
        })
        .collect();
    (bundles, errors)
}

/// A file of the bundle that could not be read: what it may set is
/// unknown (a nginx.conf still replaces the platform's).
fn unreadable(bundle: &mut BeanstalkBundle, path: &Path, why: &str) {
    let reason = format!("{why}, so what it sets is unknown");
    if crate::discover::is_platform_nginx(path) {
        bundle.nginx = Some(Setting::unresolved(reason, None));
    } else {
        bundle.settings.push(OptionSetting {
            namespace: None,
            name: None,
            value: Setting::unresolved(reason, None),
            at: None,
        });
    }
}

/// The `option_settings` of one `.ebextensions` file.
fn option_settings(file: &Arc<SourceFile>) -> Result<Vec<OptionSetting>, (String, Location)> {
    let start = Location::new(file, 0..0);
    crate::budget::syntax_fits(&file.text).map_err(|e| (e, start.clone()))?;
    let doc = crate::cloudformation::tree::parse(file).map_err(|e| {
        (
            e.message,
            Location::new(
                file,
                e.offset.min(file.text.len())..e.offset.min(file.text.len()),
            ),
        )
    })?;
    let Some(options) = doc.get("option_settings") else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    match &options.kind {
        // namespace: {Option: value}
        NodeKind::Map(namespaces) => {
            for (namespace, _, options) in namespaces {
                for (name, _, value) in options.entries() {
                    out.push(setting(Some(namespace.clone()), Some(name.clone()), value));
                }
            }
        }
        // - namespace: …  option_name: …  value: …
        NodeKind::Seq(items) => {
            for item in items {
                let word = |key: &str| item.get(key).and_then(scalar);
                match item.get("value") {
                    Some(value) => out.push(setting(word("namespace"), word("option_name"), value)),
                    None => out.push(OptionSetting {
                        namespace: word("namespace"),
                        name: word("option_name"),
                        value: Setting::unresolved(
                            "the option setting has no value",
                            Some(item.at.clone()),
                        ),
                        at: Some(item.at.clone()),
                    }),
                }
            }
        }
        _ => {
            return Err((
                "option_settings is neither a map of namespaces nor a list of settings".into(),
                options.at.clone(),
            ));
        }
    }
    Ok(out)
}

/// A scalar as the text Beanstalk reads: strings, numbers, booleans.
fn scalar(n: &Node) -> Option<String> {
    match &n.kind {
        NodeKind::Str(s, _) => Some(s.clone()),
        NodeKind::Number(x) => Some(crate::model::fmt_secs(*x)),
        NodeKind::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn setting(namespace: Option<String>, name: Option<String>, value: &Node) -> OptionSetting {
    let at = match &value.kind {
        NodeKind::Str(_, at) => at.clone(),
        _ => value.at.clone(),
    };
    OptionSetting {
        namespace,
        name,
        value: match scalar(value) {
            Some(s) => Setting::explicit(s, at.clone()),
            None => Setting::unresolved(
                "the option's value is not a string or a number (an intrinsic function?)",
                Some(at.clone()),
            ),
        },
        at: Some(at),
    }
}
