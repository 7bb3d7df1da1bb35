//! Hostile input that asks for unbounded evaluation: each scan completes,
//! names the budget or cap that cut it, and still checks the valid service
//! beside it. The scans run the binary as a child with a generous timeout,
//! so a regression fails instead of hanging the test run.

mod common;
use common::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A scan of `dir` with `ok/` (a valid service with a KA101) beside the
/// hostile `bad/`: the JSON report, or a panic when it takes minutes.
fn scan(dir: &Path) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_keepalign"))
        .args(["check", "--format", "json", "--fail-on", "never"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    // Work is bounded by step counts, not time: this only guards a hang.
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(300) {
            let _ = child.kill();
            panic!("the scan of {} did not finish", dir.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    String::from_utf8(out.stdout).unwrap()
}

fn repo(files: &[(&str, String)]) -> tempfile::TempDir {
    repo_beside_example(files)
}

/// The scan finished, reported `needle`, and the valid service's KA101.
fn assert_cut(files: &[(&str, String)], needle: &str) {
    let dir = repo(files);
    let json = scan(dir.path());
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(|f| f["rule"] == "KA101"),
        "the valid service is still checked: {json}"
    );
    assert!(
        findings
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains(needle)),
        "{needle}: {json}"
    );
}

fn lb_needing(expr: &str) -> String {
    format!("resource \"aws_lb\" \"x\" {{\n  idle_timeout = {expr}\n}}\n")
}

#[test]
fn a_string_doubled_sixty_times_through_locals_stops_at_the_value_size_budget() {
    let mut tf = String::from("locals {\n  s0 = \"ab\"\n");
    for i in 1..=60 {
        tf.push_str(&format!(
            "  s{i} = \"${{local.s{}}}${{local.s{}}}\"\n",
            i - 1,
            i - 1
        ));
    }
    tf.push_str("}\n");
    tf.push_str(&lb_needing("length(local.s60)"));
    assert_cut(&[("main.tf", tf)], "value-size budget");
}

#[test]
fn a_list_doubled_sixty_times_through_locals_stops_at_the_value_size_budget() {
    let mut tf = String::from("locals {\n  s0 = [\"ab\"]\n");
    for i in 1..=60 {
        tf.push_str(&format!(
            "  s{i} = concat(local.s{}, local.s{})\n",
            i - 1,
            i - 1
        ));
    }
    tf.push_str("}\n");
    // Every local in order: each is cached, so evaluation stays shallow.
    let all: Vec<String> = (0..=60).map(|i| format!("local.s{i}")).collect();
    tf.push_str(&lb_needing(&format!("length(concat({}))", all.join(", "))));
    assert_cut(&[("main.tf", tf)], "budget");
}

#[test]
fn nested_for_over_ten_thousand_by_ten_thousand_stops_at_a_budget() {
    let tf =
        lb_needing("length(flatten([for a in range(10000) : [for b in range(10000) : a + b]]))");
    assert_cut(&[("main.tf", tf)], "budget");
}

#[test]
fn for_each_over_a_million_keys_is_cut_by_the_instance_cap() {
    let tf = "resource \"aws_lb\" \"x\" {\n  for_each = toset(flatten([for a in range(1000) : [for b in range(1000) : \"${a}-${b}\"]]))\n  name = each.key\n}\n";
    // Building the million keys may already spend the work or size budget.
    let dir = repo(&[("main.tf", tf.to_string())]);
    let json = scan(dir.path());
    assert!(json.contains("KA101"), "{json}");
    assert!(
        json.contains("instance cap") || json.contains("budget"),
        "{json}"
    );
}

#[test]
fn count_above_the_cap_is_reported_not_silently_truncated() {
    let tf = "resource \"aws_lb\" \"x\" {\n  count = 20000\n}\n".to_string();
    assert_cut(&[("main.tf", tf)], "instance cap");
}

#[test]
fn modules_with_count_ten_thousand_two_levels_deep_are_cut_by_the_instance_cap() {
    assert_cut(
        &[
            (
                "main.tf",
                "module \"a\" {\n  source = \"./m1\"\n  count = 10000\n}\n".into(),
            ),
            (
                "m1/main.tf",
                "module \"b\" {\n  source = \"../m2\"\n  count = 10000\n}\n".into(),
            ),
            ("m2/main.tf", "resource \"aws_lb\" \"x\" {}\n".into()),
        ],
        "instance cap",
    );
}

#[test]
fn a_twenty_deep_diamond_of_modules_is_cut_by_the_instance_cap() {
    let mut files = vec![(
        "main.tf".to_string(),
        "module \"d\" {\n  source = \"./d0\"\n}\n".to_string(),
    )];
    for i in 0..20 {
        files.push((
            format!("d{i}/main.tf"),
            format!(
                "module \"n\" {{\n  source = \"../d{}\"\n  for_each = toset([\"a\", \"b\"])\n}}\nresource \"aws_lb\" \"x\" {{}}\n",
                i + 1
            ),
        ));
    }
    files.push((
        "d20/main.tf".into(),
        "resource \"aws_lb\" \"x\" {}\n".into(),
    ));
    let files: Vec<(&str, String)> = files.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
    assert_cut(&files, "instance cap");
}

#[test]
fn templates_that_render_themselves_finish() {
    let dir = repo(&[
        (
            "self.tpl",
            "x${templatefile(\"self.tpl\", {})}${templatefile(\"self.tpl\", {})}".into(),
        ),
        (
            "main.tf",
            "data \"template_file\" \"x\" {\n  template = \"a${data.template_file.x.rendered}${data.template_file.x.rendered}\"\n}\nresource \"aws_lb\" \"x\" {\n  name = templatefile(\"self.tpl\", {})\n  idle_timeout = length(data.template_file.x.rendered)\n}\n".into(),
        ),
    ]);
    assert!(scan(dir.path()).contains("KA101"));
}

#[test]
fn cloudformation_join_and_sub_doubling_through_parameter_defaults_stop_at_the_budget() {
    for (name, double) in [
        ("join.yaml", "!Join ['', [!Ref P{p}, !Ref P{p}]]"),
        ("sub.yaml", "!Sub '${{P{p}}}${{P{p}}}'"),
    ] {
        let mut t = String::from(
            "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  P0:\n    Type: String\n    Default: ab\n",
        );
        for i in 1..=60 {
            let d = double
                .replace("{p}", &(i - 1).to_string())
                .replace("{{", "{")
                .replace("}}", "}");
            t.push_str(&format!("  P{i}:\n    Type: String\n    Default: {d}\n"));
        }
        t.push_str("Resources:\n  LB:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      Name: !Ref P60\n");
        assert_cut(&[(name, t)], "value-size budget");
    }
}

#[test]
fn three_hundred_load_balancers_on_one_target_group_are_cut_in_the_linker() {
    // The reported case is 3,000 × 3,000 × 3,000; a tenth shows the
    // multiplication: without the cap, 300 services × 300 load balancers.
    let n = 300;
    let mut tf = String::from(
        "resource \"aws_lb_target_group\" \"tg\" {}\nresource \"aws_ecs_task_definition\" \"td\" {\n  container_definitions = jsonencode([{ name = \"app\", command = [\"gunicorn\", \"--keep-alive\", \"75\", \"app:app\"] }])\n}\n",
    );
    for i in 0..n {
        tf.push_str(&format!(
            "resource \"aws_lb\" \"lb{i}\" {{}}\nresource \"aws_lb_listener\" \"l{i}\" {{\n  load_balancer_arn = aws_lb.lb{i}.arn\n  default_action {{\n    type = \"forward\"\n    target_group_arn = aws_lb_target_group.tg.arn\n  }}\n}}\nresource \"aws_ecs_service\" \"s{i}\" {{\n  task_definition = aws_ecs_task_definition.td.arn\n  load_balancer {{\n    target_group_arn = aws_lb_target_group.tg.arn\n    container_name = \"app\"\n    container_port = 80\n  }}\n}}\n"
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), tf).unwrap();
    let opts = keepalign::engine::Options::default();
    let model = keepalign::engine::load(&[dir.path().to_path_buf()], &opts).unwrap();
    let chains = keepalign::linker::link(&model);
    let cap = keepalign::linker::MAX_LBS_PER_TARGET_GROUP;
    assert_eq!(chains.len(), n * (cap + 1));
    let cut = chains
        .iter()
        .filter_map(|c| c.load_balancer.as_ref().err())
        .next()
        .expect("the cut is a chain with an unknown load balancer");
    assert!(
        cut.reason
            .contains("cap on load balancers per target group"),
        "{}",
        cut.reason
    );
}

#[test]
fn many_roots_that_each_use_up_their_budget_stop_at_the_scan_budget() {
    // Each root spends its whole budget of steps on small numbers; after
    // ten of them the scan's budget is spent and the rest are not evaluated.
    let sum = vec!["a"; 100].join(" + ");
    let body = vec![format!("({sum})"); 6].join(" + ");
    let tf = lb_needing(&format!("length([for a in range(10000) : {body}])"));
    let dir = tempfile::tempdir().unwrap();
    // The valid service comes first in path order, before the budget is spent.
    let ok = dir.path().join("a-ok");
    std::fs::create_dir(&ok).unwrap();
    for entry in std::fs::read_dir(fixture("example-gunicorn-alb")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "tf") {
            std::fs::copy(&p, ok.join(p.file_name().unwrap())).unwrap();
        }
    }
    for i in 0..12 {
        let d = dir.path().join(format!("bad{i:02}"));
        std::fs::create_dir(&d).unwrap();
        std::fs::write(d.join("main.tf"), &tf).unwrap();
    }
    let json = scan(dir.path());
    assert!(json.contains("KA101"), "{json}");
    assert!(json.contains("5,000,000 steps per root"), "{json}");
    assert!(json.contains("steps per scan"), "{json}");
    // Deterministic: the same roots are cut on every run.
    let cut = |j: &str| {
        let r: serde_json::Value = serde_json::from_str(j).unwrap();
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["message"].as_str().unwrap().contains("per scan"))
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(cut(&json), cut(&scan(dir.path())));
}

#[test]
fn a_value_nested_ten_thousand_deep_through_locals_does_not_overflow_the_stack() {
    // Each local wraps the one before; using them all in order keeps the
    // evaluation shallow while the value nests deeper (exit 134 before).
    let n = 10_000;
    let mut tf = String::from("locals {\n  l0 = []\n");
    for i in 1..n {
        tf.push_str(&format!("  l{i} = [local.l{}]\n", i - 1));
    }
    tf.push_str("}\n");
    let all: Vec<String> = (0..n).map(|i| format!("local.l{i}")).collect();
    tf.push_str(&lb_needing(&format!(
        "length(jsonencode([{}]))",
        all.join(", ")
    )));
    let dir = repo(&[("main.tf", tf)]);
    assert!(scan(dir.path()).contains("KA101"));
}

#[test]
fn a_large_value_used_thousands_of_times_is_shared_not_copied() {
    // The example service again, its idle timeout read through 2,000
    // references to a 10,000-element list: copied on every use, that is 20
    // million elements and the value-size budget runs out; shared, it is one
    // list and 2,000 pointers to it.
    let example = fixture("example-gunicorn-alb");
    let mut files = Vec::new();
    for name in ["alb.tf", "ecs.tf", "main.tf", "outputs.tf", "variables.tf"] {
        let text = std::fs::read_to_string(example.join(name)).unwrap();
        files.push((
            name,
            text.replace(
                "idle_timeout       = 60",
                "idle_timeout = length(local.copies[1999]) / 100",
            ),
        ));
    }
    files.push((
        "copies.tf",
        "locals {\n  big    = range(10000)\n  copies = [for i in range(2000) : local.big]\n}\n"
            .to_string(),
    ));
    let dir = repo(&files);
    let json = scan(dir.path());
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let ka101 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "KA101")
        .count();
    assert_eq!(ka101, 2, "both services are checked: {json}");
    assert!(!json.contains("budget"), "{json}");
}
