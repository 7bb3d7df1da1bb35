//! Peak memory is bounded relative to the input: a parser that keeps spans
//! makes a node of every token, so a file of `1,1,1,…` takes far more memory
//! than its bytes. Every document is costed from its number of syntax
//! elements before it is parsed; one that would take more than keepalign
//! parses at once is reported, never parsed, and the rest of the scan goes
//! on. The documents here are a few MB of text, costed at gigabytes.

mod common;
use common::*;
use std::path::Path;

/// More syntax elements than one document may have (1.4 million at the
/// estimate's 384 bytes each), as a JSON or HCL list of numbers.
fn dense_list() -> String {
    format!("[{}1]", "1,".repeat(1_500_000))
}

/// The one PA001 of the scan of `dir`, which still checked the example.
fn only_parse_error(dir: &Path) -> keepalign::finding::Finding {
    let r = run(dir);
    assert!(
        r.findings.iter().any(|f| f.rule.id == "KA101"),
        "the valid service is still checked: {}",
        r.human
    );
    let mut pa: Vec<_> = r
        .findings
        .into_iter()
        .filter(|f| f.rule.id == "PA001")
        .collect();
    assert_eq!(pa.len(), 1, "{}", r.human);
    pa.remove(0)
}

#[test]
fn a_terraform_file_of_millions_of_list_elements_is_pa001_not_parsed() {
    // 3 MB, under the 16 MiB a file may have; parsed, it took 290 MB, and a
    // 16 MiB one 1.3 GB.
    let tf = format!("locals {{\n  x = {}\n}}\n", dense_list());
    let dir = repo_beside_example(&[("dense.tf", tf)]);
    let pa = only_parse_error(dir.path());
    assert!(pa.position().file.ends_with("dense.tf"), "{pa:?}");
    assert!(pa.message.contains("syntax tree"), "{}", pa.message);
    assert!(pa.message.contains("512 MiB"), "{}", pa.message);
}

#[test]
fn a_cloudformation_template_of_millions_of_elements_is_pa001_not_parsed() {
    // A 64 MiB template like it took 4.5 GB; CloudFormation itself accepts
    // templates of at most 1 MB.
    let template = format!(
        "{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {{\"LB\": {{\"Type\": \"AWS::ElasticLoadBalancingV2::LoadBalancer\", \"Properties\": {{\"Tags\": {}}}}}}}}}",
        dense_list()
    );
    let dir = repo_beside_example(&[("template.json", template)]);
    let pa = only_parse_error(dir.path());
    assert!(pa.position().file.ends_with("template.json"), "{pa:?}");
    assert!(pa.message.contains("syntax tree"), "{}", pa.message);
}

#[test]
fn jsondecode_of_millions_of_elements_is_unknown_not_parsed() {
    let example = fixture("example-gunicorn-alb");
    let mut files = vec![("dense.json", dense_list())];
    for name in ["alb.tf", "ecs.tf", "main.tf", "outputs.tf", "variables.tf"] {
        let text = std::fs::read_to_string(example.join(name)).unwrap();
        files.push((
            name,
            text.replace(
                "idle_timeout       = 60",
                "idle_timeout = length(jsondecode(file(\"${path.module}/dense.json\")))",
            ),
        ));
    }
    let dir = repo_beside_example(&files);
    let r = run(dir.path());
    let un: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule.id == "UN001" && f.message.contains("jsondecode(): not parsed"))
        .collect();
    assert_eq!(un.len(), 1, "{}", r.human);
}

#[test]
fn container_definitions_of_millions_of_elements_in_a_plan_are_unknown_not_parsed() {
    let path = Path::new("testdata/plan/equivalence-example-gunicorn-alb/plan.json");
    let mut plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    // A million containers (6 MB): a 60 MB plan like it took 1.6 GB.
    let dense = format!("[{}{{}}]", "{},".repeat(1_000_000));
    let mut replaced = 0;
    replace_container_definitions(&mut plan, &dense, &mut replaced);
    assert!(replaced > 0);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.json");
    std::fs::write(&file, plan.to_string()).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_keepalign"))
        .args(["plan", "--format", "json", "--fail-on", "never"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let un: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["rule"] == "UN001"
                && f["message"]
                    .as_str()
                    .unwrap()
                    .contains("container_definitions not parsed: its syntax tree")
        })
        .collect();
    assert_eq!(un.len(), 1, "{report:#}");
}

fn replace_container_definitions(v: &mut serde_json::Value, with: &str, n: &mut usize) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m.iter_mut() {
                if k == "container_definitions" && v.is_string() {
                    *v = serde_json::Value::String(with.to_string());
                    *n += 1;
                } else {
                    replace_container_definitions(v, with, n);
                }
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                replace_container_definitions(v, with, n);
            }
        }
        _ => {}
    }
}
