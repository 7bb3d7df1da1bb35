//! Suppressions and baselines: every fixture in testdata/suppress gives the
//! findings its README lists (suppressed ones marked), the human reports are
//! snapshotted, and the CLI's --baseline / --create-baseline round trip
//! reports only new findings.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sup(name: &str) -> PathBuf {
    Path::new("testdata/suppress").join(name)
}

const EXPECTED: &[(&str, &[&str])] = &[
    (
        "reason-on-service",
        &[
            "DR201 aws_ecs_service.app alb.tf:14",
            "KA101 aws_ecs_service.app ecs.tf:13 (suppressed)",
        ],
    ),
    (
        "above-lb",
        &[
            "DR201 aws_ecs_service.app alb.tf:17 (suppressed)",
            "KA101 aws_ecs_service.app ecs.tf:13 (suppressed)",
        ],
    ),
    (
        "inside-block",
        &[
            "DR201 aws_ecs_service.app alb.tf:14 (suppressed)",
            "KA101 aws_ecs_service.app ecs.tf:15 (suppressed)",
        ],
    ),
    (
        "all",
        &[
            "DR201 aws_ecs_service.app alb.tf:14 (suppressed)",
            "KA101 aws_ecs_service.app ecs.tf:13 (suppressed)",
        ],
    ),
    (
        "ignore-file",
        &[
            "KA101 aws_ecs_service.app ecs.tf:13",
            "KA101 aws_ecs_service.legacy legacy.tf:15 (suppressed)",
        ],
    ),
    (
        "without-reason",
        &[
            "KA101 aws_ecs_service.app ecs.tf:13 (suppressed)",
            "SU001 - ecs.tf:27",
        ],
    ),
    (
        "expired",
        &[
            "SU002 - alb.tf:8",
            "DR201 aws_ecs_service.app alb.tf:15",
            "KA101 aws_ecs_service.app ecs.tf:13 (suppressed)",
        ],
    ),
    (
        "unknown-id",
        &["KA101 aws_ecs_service.app ecs.tf:13", "SU003 - ecs.tf:27"],
    ),
    (
        "unused",
        &[
            "SU004 - alb.tf:8",
            "SU004 - main.tf:28",
            "UN001 aws_ecs_service.reports reports.tf:5",
        ],
    ),
    ("not-a-comment", &["KA101 aws_ecs_service.app ecs.tf:13"]),
];

#[test]
fn every_suppression_fixture_gives_the_findings_its_readme_lists() {
    let mut failures = Vec::new();
    for (name, expected) in EXPECTED {
        let got = summary(&run(sup(name)).findings);
        if got != *expected {
            failures.push(format!(
                "{name}:\n  expected {expected:?}\n  got      {got:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_suppression_fixture_has_an_expectation() {
    for entry in std::fs::read_dir("testdata/suppress").unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            let name = entry.file_name().to_string_lossy().to_string();
            assert!(
                EXPECTED.iter().any(|(n, _)| *n == name),
                "fixture {name} has no expectation in tests/suppress.rs"
            );
        }
    }
}

#[test]
fn human_reports() {
    for (name, _) in EXPECTED {
        insta::assert_snapshot!(format!("human-{name}"), run(sup(name)).human);
    }
}

#[test]
fn suppressed_findings_carry_the_reason_and_where_it_is_written() {
    let r = run(sup("reason-on-service"));
    let ka = r.findings.iter().find(|f| f.rule.id == "KA101").unwrap();
    let s = ka.suppression.as_ref().unwrap();
    assert_eq!(s.kind, keepalign::finding::SuppressionKind::InSource);
    assert!(!s.baseline);
    assert_eq!(
        s.justification.as_deref(),
        Some("CDN retries the 502s until the uvicorn move (SHOP-412)")
    );
    assert_eq!(s.location.as_ref().unwrap().start(), (29, 1));
    assert!(
        r.human
            .contains("1 warning in 1 service chain (3 files; 1 suppressed)")
    );
    assert!(!r.human.contains("[KA101]"), "{}", r.human);
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

const CHAIN: &str = r#"resource "aws_lb" "web" {
  idle_timeout = 60
}
resource "aws_lb_target_group" "web" {}
resource "aws_lb_listener" "web" {
  load_balancer_arn = aws_lb.web.arn
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}
resource "aws_ecs_task_definition" "web" {
  container_definitions = jsonencode([{ name = "web", image = "shop:1", command = ["uvicorn", "app:app", "--timeout-keep-alive", var.keep_alive] }])
}
resource "aws_ecs_service" "web" {
  task_definition = aws_ecs_task_definition.web.arn
  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "web"
    container_port   = 80
  }
}
"#;

#[test]
fn ignore_file_silences_findings_located_in_its_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.tf", CHAIN);
    let variables = "variable \"keep_alive\" {\n  default = \"30\"\n}\n";
    write(dir.path(), "variables.tf", variables);
    assert_eq!(
        summary(&run(dir.path()).findings),
        ["KA101 aws_ecs_service.web variables.tf:2"]
    );
    write(
        dir.path(),
        "variables.tf",
        &format!("// keepalign:ignore-file KA101 -- keep-alive is raised in SHOP-9\n{variables}"),
    );
    assert_eq!(
        summary(&run(dir.path()).findings),
        ["KA101 aws_ecs_service.web variables.tf:3 (suppressed)"]
    );
}

#[test]
fn an_ignore_file_that_silences_nothing_is_reported_only_when_every_chain_is_sure() {
    let dir = tempfile::tempdir().unwrap();
    let header = "# keepalign:ignore-file DR201 -- deploys are drained by hand\n";
    write(dir.path(), "main.tf", &format!("{header}{CHAIN}"));
    write(
        dir.path(),
        "variables.tf",
        "variable \"keep_alive\" { default = \"75\" }\n",
    );
    assert_eq!(summary(&run(dir.path()).findings), ["SU004 - main.tf:1"]);
    // An unknown keep-alive: KA101 could have been located in main.tf.
    write(dir.path(), "variables.tf", "variable \"keep_alive\" {}\n");
    let got = summary(&run(dir.path()).findings);
    assert!(got.iter().all(|f| !f.starts_with("SU004")), "{got:?}");
}

#[test]
fn a_redundant_suppression_is_not_called_unused() {
    let dir = tempfile::tempdir().unwrap();
    let main = CHAIN
        .replace(
            "resource \"aws_lb\" \"web\"",
            "# keepalign:ignore KA101 -- shared ALB exception (NET-3)\nresource \"aws_lb\" \"web\"",
        )
        .replace(
            "resource \"aws_ecs_service\"",
            "# keepalign:ignore KA101 -- service exception (WEB-2)\nresource \"aws_ecs_service\"",
        );
    write(dir.path(), "main.tf", &main);
    write(
        dir.path(),
        "variables.tf",
        "variable \"keep_alive\" { default = \"30\" }\n",
    );
    assert_eq!(
        summary(&run(dir.path()).findings),
        ["KA101 aws_ecs_service.web variables.tf:1 (suppressed)"]
    );
}

#[test]
fn an_ignore_file_after_the_first_block_or_a_malformed_one_silences_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        &format!(
            "{CHAIN}\n# keepalign:ignore-file KA101 -- too late\n\n# keepalign:ignore KA101 until=31/01/2027 -- bad date\nvariable \"keep_alive\" {{ default = \"30\" }}\n/* keepalign:ignore KA101 --\n   two lines */\n"
        ),
    );
    let got = summary(&run(dir.path()).findings);
    assert_eq!(
        got,
        [
            "SU005 - main.tf:24",
            "SU005 - main.tf:26",
            "KA101 aws_ecs_service.web main.tf:27",
            "SU005 - main.tf:28",
        ]
    );
}

#[test]
fn a_suppression_on_a_resource_of_a_module_applies_to_every_instance() {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("modules/web");
    std::fs::create_dir_all(&module).unwrap();
    write(
        &module,
        "main.tf",
        &CHAIN.replace(
            "resource \"aws_ecs_service\"",
            "# keepalign:ignore KA101 -- module-wide exception (WEB-1)\nresource \"aws_ecs_service\"",
        ),
    );
    write(&module, "variables.tf", "variable \"keep_alive\" {}\n");
    write(
        dir.path(),
        "main.tf",
        "module \"a\" {\n  source     = \"./modules/web\"\n  keep_alive = \"5\"\n}\nmodule \"b\" {\n  source     = \"./modules/web\"\n  keep_alive = \"30\"\n}\n",
    );
    let got = summary(&run(dir.path()).findings);
    assert_eq!(
        got,
        [
            "KA101 module.a.aws_ecs_service.web main.tf:3 (suppressed)",
            "KA101 module.b.aws_ecs_service.web main.tf:7 (suppressed)",
        ],
        "one comment, two instances, no SU004"
    );
}

#[test]
fn tf_json_comment_key_suppresses() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        &CHAIN.replace(
            "resource \"aws_ecs_service\" \"web\" {\n  task_definition = aws_ecs_task_definition.web.arn\n  load_balancer {\n    target_group_arn = aws_lb_target_group.web.arn\n    container_name   = \"web\"\n    container_port   = 80\n  }\n}\n",
            "",
        ),
    );
    write(
        dir.path(),
        "variables.tf",
        "variable \"keep_alive\" { default = \"30\" }\n",
    );
    write(
        dir.path(),
        "ecs.tf.json",
        r#"{
  "resource": {
    "aws_ecs_service": {
      "web": {
        "//": "keepalign:ignore KA101 -- generated by CDKTF; fixed upstream (GEN-4)",
        "task_definition": "${aws_ecs_task_definition.web.arn}",
        "load_balancer": [{"target_group_arn": "${aws_lb_target_group.web.arn}", "container_name": "web", "container_port": 80}]
      }
    }
  }
}
"#,
    );
    assert_eq!(
        summary(&run(dir.path()).findings),
        ["KA101 aws_ecs_service.web variables.tf:1 (suppressed)"]
    );
}

// ----- the CLI: exit status, baselines, today ------------------------------

fn keepalign(args: &[&str], today: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_keepalign"));
    c.args(args)
        .env_remove("NO_COLOR")
        .env_remove("KEEPALIGN_CONFIG");
    match today {
        Some(t) => c.env("KEEPALIGN_TODAY", t),
        None => c.env_remove("KEEPALIGN_TODAY"),
    };
    c.output().expect("binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn suppressed_findings_do_not_fail_the_run() {
    let o = keepalign(&["check", "testdata/suppress/above-lb"], None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert!(text(&o.stdout).contains("no findings in 1 service chain (3 files; 2 suppressed)"));
    // A KA101 the comment does not silence fails it.
    let o = keepalign(&["check", "testdata/suppress/unknown-id"], None);
    assert_eq!(o.status.code(), Some(1));
    // SU notes alone do not fail the default run, but do at --fail-on note.
    let o = keepalign(&["check", "testdata/suppress/without-reason"], None);
    assert_eq!(o.status.code(), Some(0));
    let o = keepalign(
        &[
            "check",
            "testdata/suppress/without-reason",
            "--fail-on",
            "note",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn keepalign_today_decides_expiry() {
    let dir = "testdata/suppress/expired";
    // The KA101 suppression runs until 2099-01-31, inclusive.
    let on_the_day = keepalign(&["check", dir, "--format", "json"], Some("2099-01-31"));
    let v: serde_json::Value = serde_json::from_slice(&on_the_day.stdout).unwrap();
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["SU002", "DR201"]);
    let after = keepalign(&["check", dir, "--format", "json"], Some("2099-02-01"));
    let v: serde_json::Value = serde_json::from_slice(&after.stdout).unwrap();
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["SU002", "DR201", "KA101", "SU002"]);
    let bad = keepalign(&["check", dir], Some("tomorrow"));
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("KEEPALIGN_TODAY"),
        "{}",
        text(&bad.stderr)
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn baseline_round_trip_reports_only_new_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_dir(Path::new("testdata/terraform/example-gunicorn-alb"), &repo);
    let repo_s = repo.to_str().unwrap();
    let base = tmp.path().join("keepalign-baseline.json");
    let base_s = base.to_str().unwrap();

    // Creating a baseline still reports (and fails) as usual.
    let o = keepalign(&["check", repo_s, "--create-baseline", base_s], None);
    assert_eq!(o.status.code(), Some(1));
    let written = std::fs::read_to_string(&base).unwrap();
    let v: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"], "keepalign");
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    assert_eq!(v["findings"][0]["rule"], "KA101");
    assert_eq!(v["findings"][0]["service"], "aws_ecs_service.api");
    assert!(!written.contains("\"line\""), "no line numbers: {written}");
    // Findings suppressed in the source are not in it.
    let sup = tmp.path().join("sup.json");
    keepalign(
        &[
            "check",
            "testdata/suppress/reason-on-service",
            "--create-baseline",
            sup.to_str().unwrap(),
        ],
        None,
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sup).unwrap()).unwrap();
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["DR201"]);
    // Deterministic: the same scan writes the same bytes.
    let again = tmp.path().join("again.json");
    keepalign(
        &[
            "check",
            repo_s,
            "--create-baseline",
            again.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(written, std::fs::read_to_string(&again).unwrap());

    // With the baseline: nothing new, exit 0, counted.
    let o = keepalign(&["check", repo_s, "--baseline", base_s], None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert!(
        text(&o.stdout).contains("no findings in 1 service chain (5 files; 1 in the baseline)"),
        "{}",
        text(&o.stdout)
    );

    // Unrelated lines above: fingerprints have no line numbers.
    let ecs = repo.join("ecs.tf");
    let original = std::fs::read_to_string(&ecs).unwrap();
    std::fs::write(
        &ecs,
        format!("# Owned by the catalog team.\n\nresource \"aws_ecr_repository\" \"api\" {{\n  name = \"catalog-api\"\n}}\n\n{original}"),
    )
    .unwrap();
    let o = keepalign(&["check", repo_s, "--baseline", base_s], None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));

    // A new misalignment: only it counts.
    let alb = repo.join("alb.tf");
    let lb = std::fs::read_to_string(&alb).unwrap().replace(
        "  name        = \"catalog-api\"\n  port",
        "  name                 = \"catalog-api\"\n  deregistration_delay = 10\n  port",
    );
    std::fs::write(&alb, lb).unwrap();
    let o = keepalign(
        &["check", repo_s, "--baseline", base_s, "--format", "json"],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["DR201"]);
    assert_eq!(v["summary"]["baselined"], 1);
}

#[test]
fn baselines_count_findings_with_the_same_fingerprint() {
    use keepalign::baseline;
    let r = run("testdata/terraform/example-gunicorn-alb");
    let mut twice = r.findings.clone();
    twice.extend(r.findings.iter().cloned());
    let entries: Vec<baseline::Entry> =
        serde_json::from_value(serde_json::from_str::<serde_json::Value>(&baseline::create(&r.findings)).unwrap()["findings"].clone())
            .unwrap();
    baseline::apply(&entries, &mut twice, "b.json");
    let baselined = twice
        .iter()
        .filter(|f| f.suppression.as_ref().is_some_and(|s| s.baseline))
        .count();
    assert_eq!(
        (twice.len(), baselined),
        (2, 1),
        "one in the baseline, one new"
    );
    let s = twice[0].suppression.as_ref().unwrap();
    assert_eq!(s.kind, keepalign::finding::SuppressionKind::External);
    assert_eq!(s.justification.as_deref(), Some("in baseline b.json"));
}

#[test]
fn a_missing_or_malformed_baseline_is_exit_2_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope.json");
    let o = keepalign(
        &[
            "check",
            "testdata/suppress/all",
            "--baseline",
            missing.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("nope.json"), "{}", text(&o.stderr));
    assert!(o.stdout.is_empty(), "no report before the error");

    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, "{\n  \"version\": 1,\n  \"tool\": \"keepalign\",\n  \"findings\": [\n    {\"rule\": \"KA101\"}\n  ]\n}\n").unwrap();
    let o = keepalign(
        &[
            "check",
            "testdata/suppress/all",
            "--baseline",
            bad.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert!(e.contains("bad.json:5:"), "{e}");
    assert!(e.contains("fingerprint"), "{e}");

    let v2 = tmp.path().join("v2.json");
    std::fs::write(
        &v2,
        r#"{"version": 2, "tool": "keepalign", "findings": []}"#,
    )
    .unwrap();
    let o = keepalign(
        &[
            "check",
            "testdata/suppress/all",
            "--baseline",
            v2.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("version 2"), "{}", text(&o.stderr));
}

#[test]
fn a_plan_read_with_its_configuration_honours_the_comments_there() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    copy_dir(
        Path::new("testdata/terraform/example-gunicorn-alb"),
        &config,
    );
    let ecs = config.join("ecs.tf");
    let edited = std::fs::read_to_string(&ecs).unwrap().replace(
        "resource \"aws_ecs_service\" \"api\" {",
        "# keepalign:ignore KA101 -- plan gate: the catalog moves to uvicorn (CAT-12)\nresource \"aws_ecs_service\" \"api\" {",
    );
    std::fs::write(&ecs, edited).unwrap();
    let plan = "testdata/plan/equivalence-example-gunicorn-alb/plan.json";
    let o = keepalign(
        &["plan", plan, "--config-dir", config.to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert!(
        text(&o.stdout).contains("1 suppressed"),
        "{}",
        text(&o.stdout)
    );
    // Without the configuration there are no comments to read.
    let o = keepalign(&["plan", plan], None);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn a_baseline_matches_from_another_directory_and_another_checkout() {
    // Two checkouts of one repository (as the Action's only-new mode makes:
    // the base in a worktree elsewhere), each a git work tree.
    let tmp = tempfile::tempdir().unwrap();
    let base_tree = tmp.path().join("base");
    let head_tree = tmp.path().join("work/head");
    for tree in [&base_tree, &head_tree] {
        copy_dir(
            Path::new("testdata/terraform/example-gunicorn-alb"),
            &tree.join("infra"),
        );
        std::fs::create_dir_all(tree.join(".git")).unwrap();
    }
    let baseline = tmp.path().join("b.json");
    // Made from the base's root directory...
    let o = Command::new(env!("CARGO_BIN_EXE_keepalign"))
        .args(["check", "infra", "--create-baseline"])
        .arg(&baseline)
        .current_dir(&base_tree)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    // ...it still matches the head scanned by an absolute path from elsewhere.
    let o = keepalign(
        &[
            "check",
            head_tree.join("infra").to_str().unwrap(),
            "--baseline",
            baseline.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert!(
        text(&o.stdout).contains("1 in the baseline"),
        "{}",
        text(&o.stdout)
    );
}
