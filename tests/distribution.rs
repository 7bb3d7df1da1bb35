//! The packaging files say what the docs say: the pre-commit hook, the
//! licence, the release profile and the wheel configuration.

use saphyr::{LoadableYamlNode, Yaml};

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn pre_commit_hook_scans_the_whole_tree() {
    let text = read(".pre-commit-hooks.yaml");
    let docs = Yaml::load_from_str(&text).unwrap();
    let hooks = docs[0].as_vec().expect("a list of hooks");
    assert_eq!(hooks.len(), 1);
    let hook = &hooks[0];
    let get = |k: &str| {
        hook.as_mapping_get(k)
            .unwrap_or_else(|| panic!("hook has no {k}"))
    };
    assert_eq!(get("id").as_str(), Some("keepalign"));
    assert_eq!(get("language").as_str(), Some("rust"));
    assert_eq!(get("entry").as_str(), Some("keepalign"));
    // Cross-file analysis: never a file list, never several processes.
    assert_eq!(get("pass_filenames").as_bool(), Some(false));
    assert_eq!(get("require_serial").as_bool(), Some(true));
    let args: Vec<&str> = get("args")
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert_eq!(args, ["--allow-empty"]);
    let files = get("files").as_str().unwrap();
    assert!(files.ends_with(")$"), "{files}");
    for ext in ["tf", "tfvars", "ya?ml", "json", "template", "tpl"] {
        assert!(
            files.contains(&format!("|{ext}|"))
                || files.contains(&format!("({ext}|"))
                || files.contains(&format!("|{ext})")),
            "{files} lacks {ext}"
        );
    }
}

#[test]
fn the_hook_command_passes_where_there_is_nothing_to_check() {
    // What pre-commit runs in a repository whose changed YAML is not
    // CloudFormation: keepalign --allow-empty, from the repository root.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mkdocs.yml"), "site_name: docs\n").unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_keepalign"))
        .arg("--allow-empty")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_keepalign"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "without --allow-empty: nothing checked"
    );
}

#[test]
fn licence_is_apache_2() {
    let cargo = read("Cargo.toml");
    assert!(cargo.contains("license = \"Apache-2.0\""));
    let licence = read("LICENSE");
    assert!(
        licence.contains("Apache License\n                           Version 2.0, January 2004")
    );
    assert!(licence.contains("TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION"));
    assert!(licence.contains("END OF TERMS AND CONDITIONS"));
    assert!(licence.contains("APPENDIX: How to apply the Apache License to your work."));
    assert!(licence.lines().count() > 190, "the full text");
}

#[test]
fn release_binary_has_no_debug_info_and_profiling_has() {
    let cargo = read("Cargo.toml");
    let section = |name: &str| -> String {
        let start = cargo
            .find(&format!("[{name}]\n"))
            .unwrap_or_else(|| panic!("[{name}]"));
        let rest = &cargo[start + name.len() + 3..];
        rest[..rest.find("\n[").unwrap_or(rest.len())].to_string()
    };
    assert!(section("profile.release").contains("debug = false"));
    let profiling = section("profile.profiling");
    assert!(profiling.contains("inherits = \"release\""));
    assert!(profiling.contains("debug = 1"));
}

#[test]
fn wheel_ships_the_binary() {
    let py = read("pyproject.toml");
    assert!(py.contains("build-backend = \"maturin\""));
    assert!(py.contains("bindings = \"bin\""));
    assert!(py.contains("name = \"keepalign\""));
    assert!(
        py.contains("dynamic = [\"version\"]"),
        "the version is Cargo.toml's"
    );
}
