//! The service document (`keepalign services --format json`, the JSON
//! report's `services`, the input of policies) against its published
//! schema, `docs/service-document.schema.json`, on every fixture
//! repository: every key on every service, every value of the type and
//! provenance the schema documents.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("docs/service-document.schema.json"))
        .expect("the schema is in the repository");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .expect("the schema compiles")
}

fn errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// The document of one fixture, as `keepalign services --format json`
/// prints it.
fn services(dir: &Path) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_keepalign"))
        .current_dir(root())
        .args(["services", "--format", "json"])
        .arg(dir)
        .env_remove("KEEPALIGN_CONFIG")
        .output()
        .expect("the binary runs");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: not JSON ({e}): {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Every fixture repository: the directories one level under each
/// `testdata/<kind>/`.
fn fixtures() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for kind in [
        "terraform",
        "cloudformation",
        "policy",
        "config",
        "suppress",
    ] {
        let Ok(entries) = std::fs::read_dir(root().join("testdata").join(kind)) else {
            continue;
        };
        for e in entries.flatten() {
            if e.path().is_dir() {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

/// Each setting object in a service (an object with `source` and `value`).
fn settings<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(m) => {
            if m.contains_key("value") && m.contains_key("source") {
                out.push(v);
            }
            m.values().for_each(|v| settings(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| settings(v, out)),
        _ => {}
    }
}

#[test]
fn every_fixture_document_matches_the_schema() {
    let validator = validator();
    let mut count = 0;
    let mut sources = BTreeSet::new();
    let (mut classic, mut unknown_part, mut image) = (false, false, false);
    for dir in fixtures() {
        let doc = services(&dir);
        let problems = errors(&validator, &doc);
        assert!(
            problems.is_empty(),
            "{}: the document does not match its schema:\n{}",
            dir.display(),
            problems.join("\n")
        );
        for s in doc["services"].as_array().into_iter().flatten() {
            count += 1;
            classic |= s["target_group"].is_null();
            image |= !s["server"]["image"].is_null();
            unknown_part |= ["load_balancer", "container", "server"]
                .iter()
                .any(|p| s[p]["source"] == "unresolved");
            let mut found = Vec::new();
            settings(s, &mut found);
            sources.extend(
                found
                    .iter()
                    .filter_map(|s| s["source"].as_str().map(str::to_string)),
            );
        }
    }
    // The fixtures reach every branch the schema describes, so the check
    // above covers each of them.
    assert!(count >= 50, "only {count} services in the fixtures");
    assert_eq!(
        sources.into_iter().collect::<Vec<_>>(),
        [
            "declared",
            "default",
            "explicit",
            "no limit",
            "not applicable",
            "unresolved"
        ]
    );
    assert!(classic, "no Classic ELB chain");
    assert!(unknown_part, "no chain with a part that was not found");
    assert!(image, "no server found in an image");
}

#[test]
fn the_schema_check_can_fail() {
    let validator = validator();
    let doc = services(&root().join("testdata/terraform/example-gunicorn-alb"));
    assert!(errors(&validator, &doc).is_empty());
    let broken = |edit: &dyn Fn(&mut Value)| {
        let mut d = doc.clone();
        edit(&mut d);
        errors(&validator, &d)
    };
    // A key missing from a service.
    assert!(
        !broken(&|d| {
            d["services"][0]
                .as_object_mut()
                .unwrap()
                .shift_remove("keep_alive_margin");
        })
        .is_empty()
    );
    // A provenance the schema does not know.
    assert!(
        !broken(
            &|d| d["services"][0]["load_balancer"]["idle_timeout"]["source"] = "guessed".into()
        )
        .is_empty()
    );
    // An unresolved setting with a value.
    assert!(
        !broken(&|d| {
            let s = &mut d["services"][0]["server"]["keep_alive"];
            s["source"] = "unresolved".into();
            s["reason"] = "no reason".into();
            s["value"] = 5.into();
        })
        .is_empty()
    );
    // A key the schema does not document.
    assert!(!broken(&|d| d["services"][0]["surprise"] = true.into()).is_empty());
}

#[test]
fn the_json_report_embeds_the_same_services() {
    let dir = root().join("testdata/terraform/example-gunicorn-alb");
    let out = Command::new(env!("CARGO_BIN_EXE_keepalign"))
        .current_dir(root())
        .args(["check", "--format", "json"])
        .arg(&dir)
        .env_remove("KEEPALIGN_CONFIG")
        .output()
        .expect("the binary runs");
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(report["services"], services(&dir)["services"]);
}
