//! docs/rules/ID.md and docs/rules/README.md are generated from the catalog
//! (each rule's doc comment beside its code). This test renders them and
//! fails when the files on disk differ, so the pages that SARIF `helpUri`
//! and `keepalign rules --format json` link to are never stale.
//!
//! To rewrite them: `KEEPALIGN_UPDATE_DOCS=1 cargo test --test rule_docs`.

use keepalign::finding::RuleMeta;
use keepalign::rules::CATALOG;
use std::collections::BTreeMap;
use std::path::Path;

const DIR: &str = "docs/rules";

fn page(rule: &RuleMeta) -> String {
    format!(
        "<!-- Generated from the rule's doc comment in src/rules/. \
         Edit it there, then run: KEEPALIGN_UPDATE_DOCS=1 cargo test --test rule_docs -->\n\
         # {id}: {name}\n\
         \n\
         | ID | name | default severity |\n\
         |---|---|---|\n\
         | `{id}` | `{name}` | {severity} |\n\
         \n\
         Fires when {summary}.\n\
         \n\
         {doc}\n\
         \n\
         ---\n\
         \n\
         `keepalign explain {id}` shows the same text in a terminal. [All rules](README.md)\n",
        id = rule.id,
        name = rule.name,
        severity = rule.severity.as_str(),
        summary = rule.summary,
        doc = rule.documentation(),
    )
}

fn index() -> String {
    let mut s = String::from(
        "<!-- Generated from the rule catalog (src/rules/mod.rs). \
         Run: KEEPALIGN_UPDATE_DOCS=1 cargo test --test rule_docs -->\n\
         # Rules\n\
         \n\
         Every finding names one of these rules. The severity is the default; \
         `--fail-on` decides which severities fail the run.\n\
         \n\
         | ID | name | default severity | fires when |\n\
         |---|---|---|---|\n",
    );
    for r in CATALOG {
        s.push_str(&format!(
            "| [{id}]({id}.md) | `{name}` | {sev} | {summary} |\n",
            id = r.id,
            name = r.name,
            sev = r.severity.as_str(),
            summary = r.summary.replace('|', "\\|"),
        ));
    }
    s
}

/// Every generated file by name.
fn rendered() -> BTreeMap<String, String> {
    let mut files: BTreeMap<String, String> = CATALOG
        .iter()
        .map(|r| (format!("{}.md", r.id), page(r)))
        .collect();
    files.insert("README.md".into(), index());
    files
}

#[test]
fn rule_pages_are_current() {
    let dir = Path::new(DIR);
    let want = rendered();
    let update = std::env::var_os("KEEPALIGN_UPDATE_DOCS").is_some_and(|v| v == "1");
    let on_disk: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".md"))
                .collect()
        })
        .unwrap_or_default();
    if update {
        std::fs::create_dir_all(dir).unwrap();
        for name in on_disk.iter().filter(|n| !want.contains_key(*n)) {
            std::fs::remove_file(dir.join(name)).unwrap();
        }
        for (name, text) in &want {
            std::fs::write(dir.join(name), text).unwrap();
        }
        eprintln!("rewrote {} files in {DIR}", want.len());
        return;
    }
    let mut problems = Vec::new();
    for (name, text) in &want {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(disk) if &disk == text => {}
            Ok(_) => problems.push(format!("{DIR}/{name} is out of date")),
            Err(_) => problems.push(format!("{DIR}/{name} is missing")),
        }
    }
    for name in on_disk.iter().filter(|n| !want.contains_key(*n)) {
        problems.push(format!("{DIR}/{name} documents no rule in the catalog"));
    }
    assert!(
        problems.is_empty(),
        "{}\nregenerate with: KEEPALIGN_UPDATE_DOCS=1 cargo test --test rule_docs",
        problems.join("\n")
    );
}

#[test]
fn every_help_uri_names_a_generated_page() {
    let want = rendered();
    for r in CATALOG {
        let uri = r.help_uri().expect("a built-in rule has a page");
        let file = uri.rsplit('/').next().unwrap();
        assert!(uri.ends_with(&format!("/blob/main/{DIR}/{file}")), "{uri}");
        assert!(want.contains_key(file), "{uri} has no page");
    }
}

#[test]
fn pages_keep_the_doc_comment_and_the_title() {
    let ka = CATALOG.iter().find(|r| r.id == "KA101").unwrap();
    let p = page(ka);
    assert!(p.contains("# KA101: keepalive-not-above-idle-timeout\n"));
    assert!(p.contains("| `KA101` | `keepalive-not-above-idle-timeout` | error |"));
    // The doc comment, unindented, with its code fence intact.
    assert!(p.contains("\n## Why it matters\n"));
    assert!(p.contains("\n```hcl\nresource \"aws_lb\" \"main\" {\n"));
    assert!(index().contains("| [KA101](KA101.md) |"));
}
