//! Inputs that once crashed, hung or misled keepalign, replayed on every
//! `cargo test`: each file under `fuzz/regressions/<target>/` goes through
//! the same entry point as the fuzz target of that name (see `fuzz/`), so a
//! regression is caught on stable CI without a fuzzer. Inputs too large to
//! keep in the repository are generated here, and run in a child process
//! with a generous deadline: the point is that the work is bounded, not how
//! fast one machine does it.

mod common;
use common::*;
use keepalign::fuzzing;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_keepalign");

/// Far above what the fixed code needs (well under a second for each), far
/// below what the unfixed one took (minutes, or gigabytes until killed).
const DEADLINE: Duration = Duration::from_secs(120);

#[test]
fn every_saved_input_replays_without_panic() {
    let root = Path::new("fuzz/regressions");
    let mut replayed = 0;
    for target in fuzzing::TARGETS {
        for input in fuzzing::saved_inputs(&root.join(target)) {
            let data = std::fs::read(&input).unwrap();
            if let Err(e) = fuzzing::run(target, &data) {
                panic!("{}: {e}", input.display());
            }
            replayed += 1;
        }
    }
    // Every directory there is a target's (a misspelt one would be skipped),
    // but `open/`: findings not fixed yet, replayed by ignored tests.
    for dir in std::fs::read_dir(root).unwrap().flatten() {
        let name = dir.file_name().to_string_lossy().to_string();
        if dir.path().is_dir() && name != "open" {
            assert!(
                fuzzing::TARGETS.contains(&name.as_str()),
                "no target {name}"
            );
        }
    }
    assert!(replayed >= 3, "only {replayed} saved inputs replayed");
}

/// Run `keepalign ARGS`, killing it after `DEADLINE`; its JSON report.
fn keepalign_json(args: &[&str]) -> serde_json::Value {
    let mut child = Command::new(BIN)
        .args(args)
        .args(["--format", "json", "--fail-on", "never"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("keepalign {args:?} still running after {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    serde_json::from_slice(&out.stdout).expect("a JSON report")
}

fn findings_of(report: &serde_json::Value, rule: &str) -> Vec<serde_json::Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .cloned()
        .collect()
}

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn saved(target: &str, name: &str) -> String {
    let path: PathBuf = ["fuzz", "regressions", target, name].iter().collect();
    std::fs::read_to_string(path).unwrap()
}

/// `? [*a0, *a0, ...] : v`, seven levels: saphyr's alias budget counts a
/// mapping key as one node whatever it holds, so this expanded to billions
/// of nodes (6.9 GB, over 30 s). Now refused where the budget runs out.
#[test]
fn alias_bomb_through_complex_keys_is_pa001_at_the_alias() {
    let template = saved("cloudformation_yaml", "alias-bomb-complex-keys.yaml");
    let dir = dir_with(&[("template.yaml", &template)]);
    let report = keepalign_json(&["check", dir.path().to_str().unwrap()]);
    let pa = findings_of(&report, "PA001");
    assert_eq!(pa.len(), 1, "{report:#}");
    assert!(
        pa[0]["message"].as_str().unwrap().contains("alias"),
        "{report:#}"
    );
    // The first alias past the budget: `*a4` on line 18, column 8.
    assert_eq!(pa[0]["location"]["line"], 18, "{report:#}");
    assert_eq!(pa[0]["location"]["column"], 8, "{report:#}");
}

/// 300,000 keys in one object, the last a duplicate: the strict parser
/// compared each key with every earlier one (over 60 s).
#[test]
fn template_with_300k_keys_is_read_in_bounded_time() {
    let mut text = String::from(
        "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\"}}, \"Metadata\": {",
    );
    for i in 0..300_000 {
        text.push_str(&format!("\"k{i}\": {i},"));
    }
    text.push_str("\"k7\": 0}}");
    let dir = dir_with(&[("template.json", &text)]);
    let report = keepalign_json(&["check", dir.path().to_str().unwrap()]);
    let pa = findings_of(&report, "PA001");
    assert_eq!(pa.len(), 1, "{:?}", report["findings"]);
    assert!(
        pa[0]["message"]
            .as_str()
            .unwrap()
            .contains("duplicate key \"k7\""),
        "{:?}",
        pa[0]
    );
}

/// One resource address of 200,000 `module.a["x"]` steps: the resolver
/// rebuilt the module prefix at every depth (quadratic; 10,000 steps took
/// 4 s and 730 MB). Now an address nesting more than 64 modules is
/// reported and skipped.
#[test]
fn plan_address_of_200k_module_steps_is_reported_in_bounded_time() {
    let deep = "module.a[\\\"x\\\"].".repeat(200_000);
    let plan = format!(
        r#"{{"format_version": "1.2", "planned_values": {{"root_module": {{}}}},
 "resource_changes": [
  {{"address": "{deep}aws_ecs_service.s", "mode": "managed", "type": "aws_ecs_service", "name": "s",
    "change": {{"actions": ["create"], "after": {{"name": "s"}}}}}},
  {{"address": "aws_lb.main", "mode": "managed", "type": "aws_lb", "name": "main",
    "change": {{"actions": ["create"], "after": {{"idle_timeout": 60}}}}}}
 ]}}"#
    );
    let dir = dir_with(&[("plan.json", &plan)]);
    let path = dir.path().join("plan.json");
    let report = keepalign_json(&["check", path.to_str().unwrap()]);
    let pa = findings_of(&report, "PA001");
    assert_eq!(pa.len(), 1, "{:?}", report["findings"]);
    let message = pa[0]["message"].as_str().unwrap();
    assert!(message.contains("deeper than 64"), "{message}");
    assert_eq!(pa[0]["location"]["line"], 3, "{:?}", pa[0]);
}

/// The same address at 64 steps is still read: the bound is on depth, not
/// on modules as such.
#[test]
fn plan_address_at_the_depth_bound_is_read() {
    let deep = "module.a[\\\"x\\\"].".repeat(64);
    let plan = format!(
        r#"{{"format_version": "1.2", "planned_values": {{"root_module": {{}}}},
 "resource_changes": [
  {{"address": "{deep}aws_ecs_service.s", "mode": "managed", "type": "aws_ecs_service", "name": "s",
    "change": {{"actions": ["create"], "after": {{"name": "s"}}}}}}
 ]}}"#
    );
    let dir = dir_with(&[("plan.json", &plan)]);
    let path = dir.path().join("plan.json");
    let report = keepalign_json(&["check", path.to_str().unwrap()]);
    assert!(findings_of(&report, "PA001").is_empty(), "{report:#}");
}

/// A `.tf.json` template string whose escapes (`\"`, `\u00e9`) come before
/// the value: the value's location was its offset in the decoded string
/// added to the string's start in the file, so it drifted left by what each
/// escape saved.
#[test]
fn location_inside_a_tf_json_string_maps_through_escapes() {
    let fixture = Path::new("testdata/terraform/shape-tf-json");
    let read = |n: &str| std::fs::read_to_string(fixture.join(n)).unwrap();
    let ecs = saved("terraform", "tf-json-escapes.tf.json");
    let dir = dir_with(&[
        ("main.tf.json", &read("main.tf.json")),
        ("alb.tf.json", &read("alb.tf.json")),
        ("ecs.tf.json", &ecs),
    ]);
    let r = run(dir.path());
    let ka: Vec<_> = r.findings.iter().filter(|f| f.rule.id == "KA101").collect();
    assert_eq!(ka.len(), 1, "{}", r.human);
    let p = ka[0].position();
    // `10` after `--keep-alive`, inside the jsonencode(...) of line 10.
    assert_eq!((p.line, p.column), (10, 209), "{}", r.human);
    let line = ecs.lines().nth(9).unwrap();
    assert_eq!(&line[p.column - 1..p.column + 1], "10");
}

/// The escapes inside an escaped JSON document (container definitions as a
/// string, no template): `\"` before every key.
#[test]
fn location_inside_escaped_container_definitions_is_exact() {
    let r = run(fixture("shape-tf-json"));
    let ka: Vec<_> = r.findings.iter().filter(|f| f.rule.id == "KA101").collect();
    assert_eq!(ka.len(), 1, "{}", r.human);
    let p = ka[0].position();
    assert_eq!((p.line, p.column), (10, 167), "{}", r.human);
}

/// A Terraform file over 16 MiB is a PA001, not parsed: at about 35 bytes
/// of memory per byte parsed, the 64 MiB any file may have took 2.85 GB.
#[test]
fn terraform_file_over_the_parse_cap_is_pa001() {
    let line = "# padding: nothing to parse here, only to make the file large\n";
    let big = line.repeat(17 * 1024 * 1024 / line.len());
    let dir = dir_with(&[("big.tf", &big)]);
    let r = run(dir.path());
    let pa: Vec<_> = r.findings.iter().filter(|f| f.rule.id == "PA001").collect();
    assert_eq!(pa.len(), 1, "{}", r.human);
    assert!(pa[0].message.contains("16 MiB"), "{}", pa[0].message);
}

/// Every module stays parsed during a scan, so the syntax trees one scan
/// holds are bounded too: past 2 GiB (as estimated before parsing, from the
/// number of syntax elements), the remaining files are reported. Blank
/// lines count as elements in the estimate but cost little to parse, so the
/// test itself stays small.
#[test]
fn terraform_parsed_per_scan_is_bounded() {
    let big = "\n".repeat(1_300_000);
    let names = ["a.tf", "b.tf", "c.tf", "d.tf", "e.tf"];
    let files: Vec<(&str, &str)> = names.iter().map(|n| (*n, big.as_str())).collect();
    let dir = dir_with(&files);
    let r = run(dir.path());
    let pa: Vec<_> = r.findings.iter().filter(|f| f.rule.id == "PA001").collect();
    // Four files (477 MiB estimated each) fit in 2 GiB; the fifth, in
    // discovery order, does not.
    assert_eq!(pa.len(), 1, "{}", r.human);
    assert!(pa[0].position().file.ends_with("e.tf"), "{}", r.human);
    assert!(pa[0].message.contains("2048 MiB"), "{}", pa[0].message);
}

/// 30,000 resources, each listener rule a `Ref` to its target group:
/// every `Ref` scanned the whole `Resources` mapping (in a debug build,
/// 60,000 resources took 37 s and 120,000 took 108 s; now 30,000 take well
/// under a second). Larger templates are over the syntax-tree limit of one
/// document (CloudFormation itself takes 500 resources).
#[test]
fn template_with_30k_resources_and_refs_is_read_in_bounded_time() {
    let mut text = String::from("{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {");
    for i in 0..15_000 {
        text.push_str(&format!(
            "\"TG{i}\": {{\"Type\": \"AWS::ElasticLoadBalancingV2::TargetGroup\", \"Properties\": {{\"Port\": 80}}}}, \
             \"R{i}\": {{\"Type\": \"AWS::ElasticLoadBalancingV2::ListenerRule\", \"Properties\": {{\"ListenerArn\": {{\"Ref\": \"L\"}}, \
             \"Actions\": [{{\"Type\": \"forward\", \"TargetGroupArn\": {{\"Ref\": \"TG{i}\"}}}}]}}}}, "
        ));
    }
    text.push_str(
        "\"LB\": {\"Type\": \"AWS::ElasticLoadBalancingV2::LoadBalancer\", \"Properties\": {}}, \
         \"L\": {\"Type\": \"AWS::ElasticLoadBalancingV2::Listener\", \"Properties\": {\"LoadBalancerArn\": {\"Ref\": \"LB\"}}}}}",
    );
    let dir = dir_with(&[("template.json", &text)]);
    let report = keepalign_json(&["check", dir.path().to_str().unwrap()]);
    assert!(
        findings_of(&report, "PA001").is_empty(),
        "{:?}",
        report["findings"]
    );
}

/// `- - - - … v`: 20,000 block sequences on one line (40 KB) overflowed the
/// stack building and reading the tree. YAML is now held to the JSON
/// parser's nesting bound, checked before anything recurses.
#[test]
fn deeply_nested_yaml_is_pa001_not_a_stack_overflow() {
    let template = saved("cloudformation_yaml", "deep-block-sequences.yaml");
    let dir = dir_with(&[("template.yaml", &template)]);
    let report = keepalign_json(&["check", dir.path().to_str().unwrap()]);
    let pa = findings_of(&report, "PA001");
    assert_eq!(pa.len(), 1, "{report:#}");
    assert!(
        pa[0]["message"].as_str().unwrap().contains("nested deeper"),
        "{report:#}"
    );
}
