//! Terraform plans (`terraform show -json`): every fixture in testdata/plan
//! gives the findings its README lists; the same infrastructure as HCL and as
//! a plan gives the same findings; the `plan` command's contract (standard
//! input, `--config-dir`, exit codes); and broken plans never panic.

mod common;
use common::*;
use keepalign::engine;
use keepalign::linker;
use keepalign::plan;
use keepalign::report::{self, Summary};
use keepalign::source::SourceFile;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn plan_file(name: &str) -> PathBuf {
    Path::new("testdata/plan").join(name).join("plan.json")
}

/// The `plan` command's pipeline, on a plan's text.
fn run_source(source: std::sync::Arc<SourceFile>, config_dir: Option<&Path>) -> Run {
    let model = plan::read(source, config_dir).expect("a readable plan");
    let chains = linker::link(&model);
    let findings = engine::check(&model, &chains);
    let mut summary = Summary::new(&findings, model.files, chains.len());
    summary.environments = model.beanstalk.environments.len();
    Run {
        human: report::human::render(&findings, &summary, false),
        json: report::json::render(&findings, &chains, &summary),
        services: report::services::render_text(
            &chains,
            &keepalign::beanstalk::environments(&model),
        ),
        findings,
    }
}

/// `keepalign plan testdata/plan/NAME/plan.json [--config-dir DIR]`, with the
/// default configuration directory when none is given.
fn run_plan(name: &str, config_dir: Option<&Path>) -> Run {
    let path = plan_file(name);
    let source = keepalign::input::read_source(&path, keepalign::input::Within::Named)
        .ok()
        .expect("plan file");
    let default = plan::default_config_dir(Some(&path));
    run_source(source, config_dir.or(default.as_deref()))
}

/// The Terraform fixture an `equivalence-*` plan was made from.
fn equivalent(name: &str) -> Option<PathBuf> {
    name.strip_prefix("equivalence-").map(fixture)
}

fn run_fixture(name: &str) -> Run {
    run_plan(name, equivalent(name).as_deref())
}

/// (fixture, expected `RULE service file:line`, in report order). The
/// equivalence plans expect exactly their Terraform fixture's findings.
const EXPECTED: &[(&str, &[&str])] = &[
    ("new-stack", &["KA101 aws_ecs_service.web ecs.tf:14"]),
    ("update-existing", &["KA101 aws_ecs_service.api ecs.tf:18"]),
    (
        "modules-nested",
        &["KA101 module.svc[\"reports\"].aws_ecs_service.this[0] plan.json:1603"],
    ),
    (
        "deleted-service",
        &["KA101 aws_ecs_service.web plan.json:815"],
    ),
    (
        "format-0.1",
        &[
            "UN001 aws_ecs_service.web[0] plan.json:251",
            "KA101 aws_ecs_service.web[0] plan.json:251",
            "DR202 aws_ecs_service.web[0] plan.json:275",
        ],
    ),
    (
        "no-config",
        &[
            "DR201 aws_ecs_service.reports plan.json:576",
            "HC401 aws_ecs_service.reports plan.json:585",
        ],
    ),
    (
        "unknown-and-sensitive",
        &[
            "UN001 aws_ecs_service.accounts plan.json:896",
            "UN001 aws_ecs_service.media plan.json:947",
        ],
    ),
    (
        "equivalence-example-gunicorn-alb",
        &["KA101 aws_ecs_service.api ecs.tf:17"],
    ),
    (
        "equivalence-seed-dereg-30-idle-120",
        &["DR201 aws_ecs_service.this lb.tf:16"],
    ),
    (
        "equivalence-shape-count",
        &["KA101 aws_ecs_service.app[1] variables.tf:19"],
    ),
    (
        "equivalence-shape-for-each",
        &["KA101 aws_ecs_service.svc[\"green\"] variables.tf:25"],
    ),
    (
        "equivalence-modules-two-instances",
        &["KA101 module.web.aws_ecs_service.this main.tf:37"],
    ),
    (
        "equivalence-shape-dynamic-blocks",
        &["KA101 aws_ecs_service.billing main.tf:65"],
    ),
    (
        "equivalence-modules-for-each",
        &["KA101 module.svc[\"search\"].aws_ecs_service.this[0] main.tf:12"],
    ),
];

#[test]
fn every_plan_fixture_gives_the_findings_its_readme_lists() {
    let mut failures = Vec::new();
    for (name, expected) in EXPECTED {
        let got = summary(&run_fixture(name).findings);
        if got != *expected {
            failures.push(format!(
                "{name}:\n  expected {expected:?}\n  got      {got:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_plan_fixture_directory_has_an_expectation() {
    for entry in std::fs::read_dir("testdata/plan").unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            let name = entry.file_name().to_string_lossy().to_string();
            assert!(
                EXPECTED.iter().any(|(n, _)| *n == name),
                "fixture {name} has no expectation in tests/plan.rs"
            );
        }
    }
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).expect("a JSON report")
}

/// The same infrastructure as HCL and as a plan: the same findings (rules,
/// services, messages, fixes, every location) and the same chains (every
/// value and its provenance), the plan read with the HCL's directory as its
/// configuration. Only the scope's name differs (the plan file vs the
/// directory).
#[test]
fn the_same_infrastructure_as_hcl_and_as_a_plan_gives_the_same_findings() {
    let mut compared = 0;
    for (name, _) in EXPECTED {
        let Some(dir) = equivalent(name) else {
            continue;
        };
        let hcl = run(&dir);
        let from_plan = run_plan(name, Some(&dir));
        assert_eq!(
            summary(&from_plan.findings),
            summary(&hcl.findings),
            "{name}"
        );
        let (p, h) = (json(&from_plan.json), json(&hcl.json));
        let scope = plan_file(name).display().to_string();
        // The plan file and the HCL directory are the two scopes.
        let normalise = |v: &serde_json::Value, key: &str, from: &str| {
            let mut v = v[key].clone();
            for s in v.as_array_mut().into_iter().flatten() {
                if s["scope"] == from {
                    s["scope"] = "SCOPE".into();
                }
            }
            v
        };
        let hcl_scope = dir.display().to_string();
        assert_eq!(
            normalise(&p, "findings", &scope),
            normalise(&h, "findings", &hcl_scope),
            "{name}: findings differ"
        );
        assert_eq!(
            normalise(&p, "services", &scope),
            normalise(&h, "services", &hcl_scope),
            "{name}: chains differ"
        );
        compared += 1;
    }
    assert_eq!(compared, 7);
}

/// Without the configuration the plan alone says the same things; only the
/// locations differ (they point into the plan).
#[test]
fn a_plan_alone_gives_the_same_findings_pointing_into_the_plan() {
    let what = |r: &Run| -> Vec<(String, String, String, Option<String>, usize)> {
        r.findings
            .iter()
            .map(|f| {
                (
                    f.rule.id.to_string(),
                    f.service.clone().unwrap_or_default(),
                    f.message.clone(),
                    f.fix.clone(),
                    f.related.len(),
                )
            })
            .collect()
    };
    for (name, _) in EXPECTED {
        let Some(dir) = equivalent(name) else {
            continue;
        };
        let alone = run_plan(name, None);
        if *name == "equivalence-shape-dynamic-blocks" {
            // `dynamic` blocks are not in a plan's configuration: without the
            // directory, the attachments' target groups are unknown, and say why.
            assert_eq!(
                summary(&alone.findings),
                ["UN001 aws_ecs_service.billing plan.json:508"]
            );
            assert!(alone.human.contains("dynamic block"), "{}", alone.human);
            assert!(alone.human.contains("--config-dir"), "{}", alone.human);
            continue;
        }
        assert_eq!(what(&alone), what(&run(&dir)), "{name}");
        for f in &alone.findings {
            assert!(f.position().file.ends_with("plan.json"), "{name}: {f:?}");
        }
    }
}

#[test]
fn human_reports() {
    for name in [
        "new-stack",
        "update-existing",
        "modules-nested",
        "deleted-service",
        "format-0.1",
        "no-config",
        "unknown-and-sensitive",
    ] {
        insta::assert_snapshot!(format!("plan-human-{name}"), run_fixture(name).human);
    }
}

#[test]
fn json_report_and_services() {
    insta::assert_snapshot!("plan-json-new-stack", run_fixture("new-stack").json);
    insta::assert_snapshot!(
        "plan-services-modules-nested",
        run_fixture("modules-nested").services
    );
}

#[test]
fn a_deleted_service_is_not_checked_and_a_replaced_one_is() {
    let r = run_fixture("deleted-service");
    assert!(!r.services.contains("legacy"), "{}", r.services);
    assert!(r.services.contains("aws_ecs_service.web"), "{}", r.services);
}

#[test]
fn sensitive_values_are_not_read_or_shown() {
    let r = run_fixture("unknown-and-sensitive");
    for out in [&r.human, &r.json, &r.services] {
        assert!(!out.contains("correct-horse"), "{out}");
    }
    assert!(r.human.contains("sensitive in the plan"), "{}", r.human);
    assert!(r.human.contains("known only after apply"), "{}", r.human);
}

#[test]
fn resources_in_modules_link_through_outputs_variables_and_instances() {
    let r = run_fixture("modules-nested");
    let v = json(&r.json);
    let chains = v["services"].as_array().unwrap();
    let chain = |svc: &str| {
        chains
            .iter()
            .find(|c| c["service"] == svc)
            .unwrap_or_else(|| panic!("{svc} in {}", r.services))
    };
    let reports = chain("module.svc[\"reports\"].aws_ecs_service.this[0]");
    assert_eq!(
        reports["target_group"]["address"],
        "module.svc[\"reports\"].aws_lb_target_group.this[0]"
    );
    assert_eq!(
        reports["listener_rule"],
        "module.svc[\"reports\"].aws_lb_listener_rule.this[0]"
    );
    assert_eq!(reports["listener"], "module.alb.aws_lb_listener.https");
    assert_eq!(
        reports["load_balancer"]["address"],
        "module.alb.aws_lb.this"
    );
    assert_eq!(
        reports["task_definition"],
        "module.svc[\"reports\"].module.task.aws_ecs_task_definition.this"
    );
    // The root rule reaches billing's target group through an output of
    // that one module instance.
    let billing = chain("module.svc[\"billing\"].aws_ecs_service.this[0]");
    assert_eq!(
        billing["target_group"]["address"],
        "module.svc[\"billing\"].aws_lb_target_group.this[0]"
    );
}

// ---------------------------------------------------------------- the CLI

fn keepalign_in(dir: Option<&Path>, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_keepalign"));
    cmd.args(args)
        .env_remove("NO_COLOR")
        .env_remove("KEEPALIGN_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let mut child = cmd.spawn().expect("binary runs");
    {
        let mut input = child.stdin.take().unwrap();
        // A closed pipe (the binary exited first) is not this test's failure.
        let _ = input.write_all(stdin.unwrap_or_default());
    }
    child.wait_with_output().unwrap()
}

fn keepalign(args: &[&str]) -> Output {
    keepalign_in(None, args, None)
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn abs(p: &str) -> PathBuf {
    std::env::current_dir().unwrap().join(p)
}

/// The plan as Terraform writes it: one line.
fn minified(name: &str) -> Vec<u8> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(plan_file(name)).unwrap()).unwrap();
    serde_json::to_vec(&v).unwrap()
}

#[test]
fn plan_file_with_findings_exits_1_and_points_into_the_tf_beside_it() {
    let o = keepalign(&["plan", "testdata/plan/new-stack/plan.json"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let s = out(&o);
    assert!(s.contains("[KA101]"), "{s}");
    assert!(s.contains("testdata/plan/new-stack/ecs.tf:14:10"), "{s}");
    assert!(s.contains("testdata/plan/new-stack/alb.tf:5:24"), "{s}");
}

#[test]
fn plan_fail_on_thresholds_and_exit_0() {
    // Notes only: passes by default, fails with --fail-on note.
    let notes = "testdata/plan/unknown-and-sensitive/plan.json";
    assert_eq!(keepalign(&["plan", notes]).status.code(), Some(0));
    assert_eq!(
        keepalign(&["plan", notes, "--fail-on", "note"])
            .status
            .code(),
        Some(1)
    );
    let ka = "testdata/plan/new-stack/plan.json";
    assert_eq!(
        keepalign(&["plan", ka, "--fail-on", "never"]).status.code(),
        Some(0)
    );
}

#[test]
fn plan_from_standard_input() {
    // One line, as `terraform show -json tfplan | keepalign plan -` gives it,
    // run where there are no .tf files: locations in <stdin>.
    let empty = tempfile::tempdir().unwrap();
    let o = keepalign_in(
        Some(empty.path()),
        &["plan", "-", "--format", "json"],
        Some(&minified("no-config")),
    );
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let v = json(&out(&o));
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["DR201", "HC401"]);
    assert_eq!(v["findings"][0]["location"]["file"], "<stdin>");
    assert_eq!(v["findings"][0]["location"]["line"], 1);
    assert_eq!(v["summary"]["files"], 1);
}

#[test]
fn plan_from_standard_input_in_the_configuration_directory() {
    // `cd infra && terraform show -json tfplan | keepalign plan -`.
    let o = keepalign_in(
        Some(&abs("testdata/plan/new-stack")),
        &["plan", "-"],
        Some(&minified("new-stack")),
    );
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(out(&o).contains("ecs.tf:14:10"), "{}", out(&o));
}

#[test]
fn config_dir_points_findings_into_that_directory() {
    let o = keepalign(&[
        "plan",
        "testdata/plan/equivalence-shape-count/plan.json",
        "--config-dir",
        "testdata/terraform/shape-count",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let v = json(&out(&o));
    assert_eq!(
        v["findings"][0]["location"]["file"],
        "testdata/terraform/shape-count/variables.tf"
    );
    assert_eq!(v["findings"][0]["location"]["line"], 19);
    // Without it, the same finding in the plan.
    let o = keepalign(&[
        "plan",
        "testdata/plan/equivalence-shape-count/plan.json",
        "--format",
        "json",
    ]);
    let v = json(&out(&o));
    assert_eq!(
        v["findings"][0]["location"]["file"],
        "testdata/plan/equivalence-shape-count/plan.json"
    );
}

#[test]
fn plan_report_to_an_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let o = keepalign(&[
        "plan",
        "testdata/plan/update-existing/plan.json",
        "--format",
        "json",
        "--output",
        report.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let v = json(&std::fs::read_to_string(&report).unwrap());
    assert_eq!(v["findings"][0]["service"], "aws_ecs_service.api");
    assert_eq!(v["findings"][0]["location"]["line"], 18);
}

#[test]
fn a_plan_that_cannot_be_read_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    let full = std::fs::read(plan_file("no-config")).unwrap();
    let cases: Vec<(String, &str)> = vec![
        ("no/such/plan.json".to_string(), "no/such/plan.json"),
        (
            write("broken.json", b"{\"format_version\": "),
            "invalid JSON",
        ),
        (
            write("truncated.json", &full[..full.len() / 2]),
            "invalid JSON",
        ),
        (write("empty.json", b""), "invalid JSON"),
        (write("object.json", b"{\"a\": 1}"), "not a Terraform plan"),
        (write("array.json", b"[]"), "not a Terraform plan"),
        (
            write(
                "state.json",
                br#"{"format_version": "1.0", "terraform_version": "1.5.7", "values": {}}"#,
            ),
            "not a Terraform plan",
        ),
        (
            write(
                "template.json",
                br#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}"#,
            ),
            "not a Terraform plan",
        ),
        (
            write(
                "future.json",
                br#"{"format_version": "2.0", "planned_values": {}}"#,
            ),
            "format_version \"2.0\" is not supported",
        ),
        (write("binary.json", b"{\x00}"), "binary"),
        (write("latin1.json", b"{\"a\": \"\xe9\"}"), "UTF-8"),
    ];
    for (path, why) in &cases {
        let o = keepalign(&["plan", path]);
        assert_eq!(o.status.code(), Some(2), "{path}: {}", out(&o));
        let e = err(&o);
        assert!(e.contains(why), "{path}: {e}");
        assert!(
            e.contains(Path::new(path).file_name().unwrap().to_str().unwrap()),
            "{e}"
        );
    }
    // The same from standard input.
    for input in [&b"not json"[..], &full[..100], b"{}", b"\xff\xfe"] {
        let o = keepalign_in(None, &["plan", "-"], Some(input));
        assert_eq!(o.status.code(), Some(2), "{}", out(&o));
        assert!(
            err(&o).contains("<stdin>") || err(&o).contains("standard input"),
            "{}",
            err(&o)
        );
    }
}

#[test]
fn plan_bad_arguments_exit_2() {
    let o = keepalign(&[
        "plan",
        "testdata/plan/new-stack/plan.json",
        "--config-dir",
        "no/such/dir",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("no/such/dir"), "{}", err(&o));
    assert_eq!(keepalign(&["plan"]).status.code(), Some(2));
    assert_eq!(
        keepalign(&["plan", "testdata/plan/new-stack/plan.json", "--var", "a=b"])
            .status
            .code(),
        Some(2)
    );
}

// ---------------------------------------------------------------- the library

#[test]
fn is_plan_recognises_plans_only() {
    for name in ["new-stack", "format-0.1", "no-config"] {
        assert!(plan::is_plan(
            &std::fs::read_to_string(plan_file(name)).unwrap()
        ));
    }
    if let Some(dir) = reference_dir("terraform-plan") {
        for reference in [
            "120_basic",
            "basic",
            "deep_module",
            "has_changes",
            "has_checks",
            "moved_block",
        ] {
            let p = dir.join(format!("{reference}.plan.json"));
            let text =
                std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            assert!(plan::is_plan(&text), "{}", p.display());
        }
    }
    for text in [
        "",
        "{",
        "[]",
        "{\"format_version\": \"1.0\", \"values\": {}}",
        "{\"AWSTemplateFormatVersion\": \"2010-09-09\"}",
        "{\"format_version\": 1, \"planned_values\": {}}",
        "{\"format_version\": \"1.2\", \"planned_values\": {}",
    ] {
        assert!(!plan::is_plan(text), "{text}");
    }
}

#[test]
fn default_config_dir_is_the_plan_directory_when_it_holds_tf_files() {
    assert_eq!(
        plan::default_config_dir(Some(&plan_file("new-stack"))),
        Some(PathBuf::from("testdata/plan/new-stack"))
    );
    assert_eq!(
        plan::default_config_dir(Some(&plan_file("no-config"))),
        None
    );
}

#[test]
fn load_if_plan_is_for_check_file() {
    let m = plan::load_if_plan(&plan_file("new-stack")).expect("a plan");
    assert_eq!(m.services.len(), 1);
    // Its .tf files beside it: locations there.
    assert!(
        m.load_balancers[0].at.file.display.ends_with("alb.tf"),
        "{}",
        m.load_balancers[0].at
    );
    assert!(plan::load_if_plan(Path::new("testdata/plan/new-stack/alb.tf")).is_none());
    assert!(plan::load_if_plan(Path::new("no/such/plan.json")).is_none());
}

fn source(text: impl Into<String>) -> std::sync::Arc<SourceFile> {
    SourceFile::new(PathBuf::from("plan.json"), text.into())
}

#[test]
fn a_broken_plan_in_a_scan_is_pa001() {
    let m = plan::load(source("{\"format_version\": \"1.2\", "), None);
    assert_eq!(m.input_errors.len(), 1);
    assert!(m.input_errors[0].message.contains("invalid JSON"));
    assert!(m.input_errors[0].at.is_some());
    let m = plan::load(source("{\"a\": 1}"), None);
    assert!(m.input_errors[0].message.contains("not a Terraform plan"));
}

/// Deep nesting is bounded by the JSON parser; inside values and inside the
/// container definitions string it is bounded too.
#[test]
fn deep_nesting_is_an_error_or_unresolved_never_a_crash() {
    let deep = format!(
        "{{\"format_version\": \"1.2\", \"planned_values\": {}}}",
        "[".repeat(100_000)
    );
    assert!(plan::read(source(deep), None).is_err());
    let cd = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
    // 150 levels inside a value: within the parser's bound, read as a value.
    let nested = format!("{}{}", "[".repeat(150), "]".repeat(150));
    let text = format!(
        r#"{{"format_version": "1.2", "planned_values": {{"root_module": {{"resources": [{{
            "address": "aws_ecs_task_definition.x", "mode": "managed",
            "type": "aws_ecs_task_definition", "name": "x",
            "values": {{"container_definitions": "{cd}", "family": "x", "nested": {nested}}}
        }}]}}}}}}"#
    );
    let m = plan::read(source(text.to_string()), None).unwrap();
    let td = &m.task_definitions[0];
    let e = td.containers.as_ref().unwrap_err();
    assert!(e.reason.contains("not valid JSON"), "{}", e.reason);
}

#[test]
fn huge_values_are_read() {
    let long = "x".repeat(8 * 1024 * 1024);
    let escaped = "\\\"".repeat(200_000);
    let cd = serde_json::to_string(&serde_json::json!([{
        "name": "app", "image": long, "command": ["gunicorn", escaped, "app:app"]
    }]))
    .unwrap();
    let mut resources = vec![serde_json::json!({
        "address": "aws_ecs_task_definition.x", "mode": "managed",
        "type": "aws_ecs_task_definition", "name": "x",
        "values": {"container_definitions": cd, "family": "x"}
    })];
    // Many resources: linking stays linear.
    for i in 0..5_000 {
        resources.push(serde_json::json!({
            "address": format!("aws_lb_target_group.t[{i}]"), "mode": "managed",
            "type": "aws_lb_target_group", "name": "t", "index": i,
            "values": {"name": format!("t{i}"), "deregistration_delay": "300"}
        }));
    }
    let text = serde_json::json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": resources}}
    });
    let m = plan::read(source(text.to_string()), None).unwrap();
    assert_eq!(m.target_groups.len(), 5_000);
    let cs = m.task_definitions[0].containers.as_ref().unwrap();
    assert_eq!(cs[0].image.value().map(String::len), Some(long.len()));
}

/// Every value of a plan replaced in turn by something of the wrong shape:
/// reading goes on, no panic.
#[test]
fn wrong_shapes_anywhere_never_panic() {
    let original: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(plan_file("modules-nested")).unwrap())
            .unwrap();
    let mut paths = Vec::new();
    fn walk(v: &serde_json::Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    path.push(k.clone());
                    out.push(path.clone());
                    walk(x, path, out);
                    path.pop();
                }
            }
            serde_json::Value::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    path.push(i.to_string());
                    out.push(path.clone());
                    walk(x, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    walk(&original, &mut Vec::new(), &mut paths);
    let junk = [
        serde_json::json!(null),
        serde_json::json!(7),
        serde_json::json!("module.x[\"y\"].aws_lb.z[0]"),
        serde_json::json!({"references": ["var.x", "module.svc.x", "aws_lb.this[9]"]}),
    ];
    // Every 7th path keeps the test quick; the shapes repeat across resources.
    for (n, path) in paths.iter().enumerate().filter(|(n, _)| n % 7 == 0) {
        let mut v = original.clone();
        let mut slot = &mut v;
        for k in path {
            slot = match slot {
                serde_json::Value::Object(m) => m.get_mut(k).unwrap(),
                serde_json::Value::Array(a) => &mut a[k.parse::<usize>().unwrap()],
                _ => unreachable!(),
            };
        }
        *slot = junk[n % junk.len()].clone();
        let m = plan::read(source(v.to_string()), None);
        if let Ok(m) = m {
            let chains = linker::link(&m);
            let _ = engine::check(&m, &chains);
        }
    }
}

#[test]
fn truncated_plans_never_panic() {
    let full = std::fs::read_to_string(plan_file("format-0.1")).unwrap();
    for end in (0..full.len()).step_by(53) {
        if full.is_char_boundary(end) {
            assert!(plan::read(source(&full[..end]), None).is_err());
        }
    }
}

/// A module whose output feeds its own variable, and module outputs of many
/// instances at every level: resolution stays bounded.
#[test]
fn reference_cycles_and_fan_out_are_bounded() {
    let mut calls = serde_json::json!({});
    // Ten levels of a module called with ten instances, each passing its
    // output to the next: without a budget, 10^10 paths.
    let mut module = serde_json::json!({
        "outputs": {"out": {"expression": {"references": ["var.x", "module.m.out", "module.m"]}}},
        "resources": [{"address": "aws_ecs_service.s", "mode": "managed",
                       "type": "aws_ecs_service", "name": "s",
                       "expressions": {"task_definition": {"references": ["var.x"]},
                                       "load_balancer": [{"target_group_arn":
                                           {"references": ["module.m.out", "var.x"]}}]}}]
    });
    for _ in 0..10 {
        module = serde_json::json!({
            "outputs": {"out": {"expression": {"references": ["module.m.out", "var.x"]}}},
            "module_calls": {"m": {"source": "./m", "expressions":
                {"x": {"references": ["module.m.out", "var.x"]}}, "module": module}}
        });
    }
    calls["m"] = serde_json::json!({"source": "./m", "expressions": {"x": {"references": ["module.m.out"]}}, "module": module});
    let mut resources = Vec::new();
    let mut prefix = String::new();
    for level in 0..11 {
        for k in 0..10 {
            resources.push(serde_json::json!({
                "address": format!("{prefix}module.m[{k}].aws_ecs_service.s"),
                "mode": "managed", "type": "aws_ecs_service", "name": "s",
                "values": {"load_balancer": [{"container_name": "app", "container_port": 80}]}
            }));
        }
        let _ = level;
        prefix.push_str("module.m[0].");
    }
    let text = serde_json::json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": resources}},
        "configuration": {"root_module": {"module_calls": calls}}
    });
    let start = std::time::Instant::now();
    let m = plan::read(source(text.to_string()), None).unwrap();
    assert_eq!(m.services.len(), 110);
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
}

/// A listener forwarding to two target groups by weight (blue/green): the
/// `target_group` blocks are a set, each linked through its own `arn`
/// reference, so both services are reached.
#[test]
fn weighted_forward_blocks_link_each_target_group() {
    let tg = |name: &str| {
        serde_json::json!({"address": format!("aws_lb_target_group.{name}"), "mode": "managed",
            "type": "aws_lb_target_group", "name": name,
            "change": {"actions": ["create"], "before": null,
                "after": {"name": format!("web-{name}"), "deregistration_delay": "300"},
                "after_unknown": {"arn": true, "id": true}}})
    };
    let svc = |name: &str| {
        serde_json::json!({"address": format!("aws_ecs_service.{name}"), "mode": "managed",
            "type": "aws_ecs_service", "name": name,
            "change": {"actions": ["create"], "before": null,
                "after": {"load_balancer": [{"container_name": "app", "container_port": 8000,
                                             "elb_name": null}]},
                "after_unknown": {"load_balancer": [{"target_group_arn": true}],
                                  "task_definition": true}}})
    };
    let svc_cfg = |name: &str| {
        serde_json::json!({"address": format!("aws_ecs_service.{name}"), "mode": "managed",
            "type": "aws_ecs_service", "name": name, "expressions": {
                "load_balancer": [{"container_name": {"constant_value": "app"},
                    "container_port": {"constant_value": 8000},
                    "target_group_arn": {"references": [
                        format!("aws_lb_target_group.{name}.arn"),
                        format!("aws_lb_target_group.{name}")]}}],
                "task_definition": {"references": ["aws_ecs_task_definition.app.arn",
                                                   "aws_ecs_task_definition.app"]}}})
    };
    let text = serde_json::json!({
        "format_version": "1.2",
        "terraform_version": "1.5.7",
        "planned_values": {"root_module": {}},
        "resource_changes": [
            {"address": "aws_lb.web", "mode": "managed", "type": "aws_lb", "name": "web",
             "change": {"actions": ["create"], "before": null,
                        "after": {"name": "web", "idle_timeout": 60, "load_balancer_type": "application"},
                        "after_unknown": {"arn": true}}},
            {"address": "aws_lb_listener.https", "mode": "managed", "type": "aws_lb_listener",
             "name": "https",
             "change": {"actions": ["create"], "before": null,
                "after": {"default_action": [{"type": "forward", "target_group_arn": null,
                    "forward": [{"target_group": [{"weight": 20}, {"weight": 80}]}]}]},
                "after_unknown": {"load_balancer_arn": true, "default_action": [{"forward": [
                    {"target_group": [{"arn": true}, {"arn": true}]}]}]}}},
            tg("blue"), tg("green"), svc("blue"), svc("green"),
            {"address": "aws_ecs_task_definition.app", "mode": "managed",
             "type": "aws_ecs_task_definition", "name": "app",
             "change": {"actions": ["create"], "before": null,
                "after": {"family": "app", "container_definitions":
                    "[{\"name\":\"app\",\"command\":[\"uvicorn\",\"a:app\"]}]"},
                "after_unknown": {"arn": true}}}
        ],
        "configuration": {"root_module": {"resources": [
            {"address": "aws_lb_listener.https", "mode": "managed", "type": "aws_lb_listener",
             "name": "https", "expressions": {
                "load_balancer_arn": {"references": ["aws_lb.web.arn", "aws_lb.web"]},
                "default_action": [{"type": {"constant_value": "forward"}, "forward": [{
                    "target_group": [
                        {"arn": {"references": ["aws_lb_target_group.blue.arn",
                                                "aws_lb_target_group.blue"]},
                         "weight": {"constant_value": 80}},
                        {"arn": {"references": ["aws_lb_target_group.green.arn",
                                                "aws_lb_target_group.green"]},
                         "weight": {"constant_value": 20}}]}]}]}},
            svc_cfg("blue"), svc_cfg("green")
        ]}}
    });
    let m = plan::read(source(text.to_string()), None).unwrap();
    let chains = linker::link(&m);
    assert_eq!(chains.len(), 2);
    for c in &chains {
        let lb = c.load_balancer.as_ref().map(|lb| lb.id.address.as_str());
        assert_eq!(lb, Ok("aws_lb.web"), "{}", c.service_name());
        assert_eq!(
            c.listener.map(|l| l.id.address.as_str()),
            Some("aws_lb_listener.https")
        );
    }
    // uvicorn's default 5 s: one KA101 per service.
    let findings = engine::check(&m, &chains);
    assert_eq!(
        summary(&findings)
            .iter()
            .filter(|s| s.starts_with("KA101"))
            .count(),
        2
    );
}

#[test]
fn check_reads_a_plan_given_by_name_but_not_one_found_in_a_directory() {
    let o = keepalign(&[
        "check",
        "testdata/plan/new-stack/plan.json",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let v = json(&out(&o));
    assert_eq!(v["findings"].as_array().unwrap().len(), 1, "{}", out(&o));
    assert_eq!(v["findings"][0]["rule"], "KA101");
    assert!(
        v["findings"][0]["location"]["file"]
            .as_str()
            .unwrap()
            .ends_with("ecs.tf")
    );
    // The directory holds the .tf files and the plan made from them: one finding, not two.
    let o = keepalign(&["check", "testdata/plan/new-stack", "--format", "json"]);
    let v = json(&out(&o));
    assert_eq!(v["findings"].as_array().unwrap().len(), 1, "{}", out(&o));
}

/// A plan holds launch template user data as base64: the agent's
/// ECS_CONTAINER_STOP_TIMEOUT is read from it for an EC2 service; a launch
/// configuration's user_data is only a hash there, so it is unresolved.
#[test]
fn a_plan_gives_the_agent_stop_timeout_of_a_launch_template() {
    let resource = |rtype: &str, name: &str, values: &str| {
        format!(
            r#"{{"address": "{rtype}.{name}", "mode": "managed", "type": "{rtype}", "name": "{name}", "values": {values}}}"#
        )
    };
    let cd = r#"[{\"command\":[\"gunicorn\",\"-k\",\"gevent\",\"--keep-alive\",\"75\",\"--graceful-timeout\",\"25\",\"app:app\"],\"image\":\"web:1\",\"name\":\"web\"}]"#;
    let plan = |placement: &str, rest: &[String]| {
        let mut resources = vec![
            resource(
                "aws_lb",
                "web",
                r#"{"name": "web", "load_balancer_type": "application", "idle_timeout": 60}"#,
            ),
            resource(
                "aws_lb_target_group",
                "web",
                r#"{"name": "web", "protocol": "HTTP", "target_type": "instance"}"#,
            ),
            resource(
                "aws_lb_listener",
                "web",
                r#"{"load_balancer_arn": "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/web/1", "default_action": [{"type": "forward", "target_group_arn": "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/web/1"}]}"#,
            ),
            resource(
                "aws_ecs_task_definition",
                "web",
                &format!(r#"{{"family": "web", "container_definitions": "{cd}"}}"#),
            ),
            resource(
                "aws_ecs_service",
                "web",
                &format!(
                    r#"{{"name": "web", "cluster": "arn:aws:ecs:eu-west-1:1:cluster/shop", {placement}, "task_definition": "web", "load_balancer": [{{"target_group_arn": "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/web/1", "container_name": "web", "container_port": 8000}}]}}"#
                ),
            ),
            resource("aws_ecs_cluster", "shop", r#"{"name": "shop"}"#),
        ];
        resources.extend(rest.iter().cloned());
        format!(
            r#"{{"format_version": "1.2", "planned_values": {{"root_module": {{"resources": [{}]}}}}}}"#,
            resources.join(",\n")
        )
    };
    // "ECS_CLUSTER=shop\nECS_CONTAINER_STOP_TIMEOUT=10s\n", located at the
    // launch template (line 7): base64 has no lines of its own.
    let lt = resource(
        "aws_launch_template",
        "ecs",
        r#"{"name": "ecs", "user_data": "RUNTX0NMVVNURVI9c2hvcApFQ1NfQ09OVEFJTkVSX1NUT1BfVElNRU9VVD0xMHMK"}"#,
    );
    let r = run_source(source(plan(r#""launch_type": "EC2""#, &[lt])), None);
    assert_eq!(
        summary(&r.findings),
        ["DR203 aws_ecs_service.web plan.json:7"]
    );
    assert!(
        r.findings[0]
            .message
            .contains("ECS_CONTAINER_STOP_TIMEOUT of 10 s")
    );

    // Capacity provider -> Auto Scaling group -> launch configuration,
    // whose user_data the plan keeps only as a SHA-1.
    let rest = [
        resource(
            "aws_ecs_capacity_provider",
            "asg",
            r#"{"name": "asg", "auto_scaling_group_provider": [{"auto_scaling_group_arn": "arn:aws:autoscaling:eu-west-1:1:autoScalingGroup:0:autoScalingGroupName/ecs"}]}"#,
        ),
        resource(
            "aws_autoscaling_group",
            "ecs",
            r#"{"name": "ecs", "launch_configuration": "ecs"}"#,
        ),
        resource(
            "aws_launch_configuration",
            "ecs",
            r#"{"name": "ecs", "user_data": "0beec7b5ea3f0fdbc95d0dd47f3c5bc275da8a33"}"#,
        ),
    ];
    let r = run_source(
        source(plan(
            r#""capacity_provider_strategy": [{"capacity_provider": "asg", "weight": 1}]"#,
            &rest,
        )),
        None,
    );
    assert_eq!(
        summary(&r.findings),
        ["UN001 aws_ecs_service.web plan.json:9"]
    );
    assert!(
        r.findings[0].message.contains("only a hash in the plan"),
        "{}",
        r.findings[0].message
    );
}
