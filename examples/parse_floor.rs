//! The parse-only floor of a scan: read and parse every Terraform, YAML and
//! JSON file under a tree with the crates keepalign parses them with
//! (hcl-edit, saphyr, serde_json), on as many threads as keepalign uses,
//! and nothing else. keepalign's CPU time divided by this one's says how
//! much of a scan is more than parsing (`bench/scale.sh`).
//!
//!     cargo run --release --example parse_floor -- DIR [PLAN.json]

use std::path::{Path, PathBuf};

fn kind(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_str()?;
    if name.ends_with(".tf") {
        Some("hcl")
    } else if name.ends_with(".json") {
        Some("json")
    } else if name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".template") {
        Some("yaml")
    } else {
        None
    }
}

/// Parse one file; `true` when it parsed.
fn parse(path: &Path, kind: &str) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    match kind {
        "hcl" => hcl_edit::parser::parse_body(&text).is_ok(),
        "json" => serde_json::from_str::<serde_json::Value>(&text).is_ok(),
        _ => {
            use saphyr::LoadableYamlNode;
            saphyr::MarkedYaml::load_from_str(&text).is_ok()
        }
    }
}

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if args.is_empty() {
        eprintln!("usage: parse_floor DIR|FILE ...");
        std::process::exit(2);
    }
    let mut files = Vec::new();
    for root in &args {
        for entry in walkdir::WalkDir::new(root)
            .into_iter()
            .filter_entry(|e| !matches!(e.file_name().to_str(), Some(".git" | ".terraform")))
            .flatten()
        {
            if entry.file_type().is_file()
                && let Some(k) = kind(entry.path())
            {
                files.push((entry.path().to_path_buf(), k));
            }
        }
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let parsed = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((path, kind)) = files.get(i) else {
                        break;
                    };
                    if parse(path, kind) {
                        parsed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            });
        }
    });
    println!(
        "parsed {} of {} files on {threads} threads",
        parsed.into_inner(),
        files.len()
    );
}
