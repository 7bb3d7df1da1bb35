//! Policies (CloudFormation Guard rules over the service document), run
//! through the binary as users run them: the shipped packs on passing and
//! failing fixtures, a user's policy directory failing on a Terraform and a
//! CloudFormation value, configuration, and policies that cannot be used.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn keepalign_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keepalign"))
        .current_dir(dir)
        .args(args)
        .env_remove("KEEPALIGN_CONFIG")
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// `rule severity file:line` of each finding of a JSON report.
fn findings(out: &Output) -> Vec<String> {
    let r: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["location"]["file"].as_str().unwrap_or("-");
            let file = file.rsplit('/').next().unwrap();
            format!(
                "{} {} {file}:{}",
                f["rule"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["location"]["line"]
            )
        })
        .collect()
}

const PACKS: &[&str] = &[
    "--policy",
    "builtin:explicit",
    "--policy",
    "builtin:margin",
    "--policy",
    "builtin:fargate",
];

fn check(path: &str, extra: &[&str]) -> Output {
    let mut args = vec!["check", path, "--format", "json"];
    args.extend_from_slice(extra);
    keepalign_in(&root(), &args)
}

#[test]
fn shipped_packs_pass_on_aligned_timeouts() {
    let out = check("testdata/policy/aligned", PACKS);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(findings(&out), Vec::<String>::new());
}

#[test]
fn shipped_packs_fail_on_defaults_at_the_lines_to_change() {
    let out = check("testdata/terraform/example-gunicorn-alb", PACKS);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        findings(&out),
        [
            // The target group sets no deregistration_delay: its block.
            "explicit_deregistration_delay warning alb.tf:30",
            "fargate_deregistration_delay warning alb.tf:30",
            // gunicorn's default keep-alive applies at its command.
            "KA101 error ecs.tf:17",
            "explicit_keep_alive warning ecs.tf:17",
            "keep_alive_margin warning ecs.tf:17",
        ]
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let margin = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "keep_alive_margin")
        .unwrap();
    assert_eq!(
        margin["message"],
        "keep the server's keep-alive at least 5 s above the load balancer's idle timeout: \
         `keep_alive_margin` is -58, expected >= 5"
    );
    // The value it was computed from is related.
    assert_eq!(margin["related"][0]["line"], 27);
    assert_eq!(
        margin["related"][0]["message"],
        "load balancer idle timeout 60 s"
    );
}

#[test]
fn fargate_pack_rejects_a_stop_timeout_above_120() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("testdata/policy/aligned/main.tf")).unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        text.replace("stopTimeout  = 60", "stopTimeout  = 300"),
    )
    .unwrap();
    let out = keepalign_in(
        dir.path(),
        &[
            "check",
            ".",
            "--format",
            "json",
            "--policy",
            "builtin:fargate",
        ],
    );
    assert_eq!(findings(&out), ["fargate_stop_timeout error main.tf:45"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_user_policy_directory_fails_on_terraform_and_cloudformation_values() {
    let policy = ["--policy", "testdata/policy/team-policies"];
    let out = check("testdata/terraform/example-gunicorn-alb", &policy);
    assert_eq!(
        findings(&out),
        [
            "public_idle_timeout_at_least_120 error alb.tf:27",
            "KA101 error ecs.tf:17",
            "service_has_team_tag warning ecs.tf:62",
        ]
    );
    let out = check(
        "testdata/cloudformation/blue-green-alternate-target-group-yaml",
        &policy,
    );
    let got = findings(&out);
    assert!(
        got.contains(&"public_idle_timeout_at_least_120 error checkout.yaml:25".to_string()),
        "{got:?}"
    );
    // The tagged, aligned service passes the ownership rule.
    let out = check("testdata/policy/aligned", &policy);
    assert_eq!(
        findings(&out),
        ["public_idle_timeout_at_least_120 error main.tf:8"]
    );
}

#[test]
fn policy_findings_obey_the_configuration_like_built_in_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let text = std::fs::read_to_string(root().join("testdata/policy/aligned/main.tf")).unwrap();
    std::fs::write(dir.path().join("main.tf"), text).unwrap();
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    std::fs::copy(
        root().join("testdata/policy/team-policies/timeouts.guard"),
        dir.path().join("policies/timeouts.guard"),
    )
    .unwrap();
    let config = |body: &str| std::fs::write(dir.path().join("keepalign.toml"), body).unwrap();
    config("policies = [\"policies\"]\n");
    let out = keepalign_in(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(
        findings(&out),
        ["public_idle_timeout_at_least_120 error main.tf:8"]
    );
    assert_eq!(out.status.code(), Some(1));
    config("policies = [\"policies\"]\n[severity]\npublic_idle_timeout_at_least_120 = \"note\"\n");
    let out = keepalign_in(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(
        findings(&out),
        ["public_idle_timeout_at_least_120 note main.tf:8"]
    );
    assert_eq!(out.status.code(), Some(0));
    config("policies = [\"policies\"]\nignore = [\"public_idle_timeout_at_least_120\"]\n");
    let out = keepalign_in(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(findings(&out), Vec::<String>::new());
    // A name no policy defines is still an error, at its line.
    config("policies = [\"policies\"]\nignore = [\"no_such_rule\"]\n");
    let out = keepalign_in(dir.path(), &["check", "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("keepalign.toml:2: ignore: unknown rule \"no_such_rule\""),
        "{err}"
    );
    // A policy path in the configuration stays inside the repository.
    config("policies = [\"../elsewhere.guard\"]\n");
    let out = keepalign_in(dir.path(), &["check", "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("outside the repository"), "{err}");
    config("policies = [\"builtin:nope\"]\n");
    let out = keepalign_in(dir.path(), &["check", "."]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("keepalign.toml:1: policies: no shipped pack \"builtin:nope\""),
        "{err}"
    );
}

#[test]
fn policies_that_cannot_be_used_are_exit_2_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    let cases = [
        (
            write(
                "syntax.guard",
                "rule ok {\n  services[*] {\n    keep_alive_margin >= \n  }\n}\n",
            ),
            "syntax.guard:",
            "does not parse as CloudFormation Guard",
        ),
        (
            write("builtin_name.guard", "rule KA101 {\n  services !empty\n}\n"),
            "builtin_name.guard:1:",
            "has the name of the built-in rule KA101",
        ),
        (
            write(
                "deep.guard",
                &format!(
                    "rule deep {{ x == {}1{} }}\n",
                    "[".repeat(200),
                    "]".repeat(200)
                ),
            ),
            "deep.guard:1:",
            "nests brackets",
        ),
        (
            write(
                "severity.guard",
                "# severity: fatal\nrule s {\n  services !empty\n}\n",
            ),
            "severity.guard:2:",
            "expected error, warning or note",
        ),
    ];
    for (path, at, why) in cases {
        let out = keepalign_in(
            &root(),
            &["check", "testdata/policy/aligned", "--policy", &path],
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{path}: {err}");
        assert!(err.contains(at) && err.contains(why), "{path}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let out = keepalign_in(
        &root(),
        &[
            "check",
            "testdata/policy/aligned",
            "--policy",
            "builtin:nope",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let empty = tempfile::tempdir().unwrap();
    let out = keepalign_in(
        &root(),
        &[
            "check",
            "testdata/policy/aligned",
            "--policy",
            &empty.path().to_string_lossy(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no .guard file"));
}

/// What users see: the human report and SARIF of a policy finding.
#[test]
fn policy_finding_reports() {
    let args = |format: &'static str| {
        vec![
            "check",
            "testdata/terraform/example-gunicorn-alb",
            "--policy",
            "testdata/policy/team-policies/timeouts.guard",
            "--select",
            "public_idle_timeout_at_least_120",
            "--format",
            format,
        ]
    };
    let human = keepalign_in(&root(), &args("human"));
    insta::assert_snapshot!("policy-human", String::from_utf8_lossy(&human.stdout));
    let sarif = keepalign_in(&root(), &args("sarif"));
    let mut v: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    // The version changes with every release.
    v["runs"][0]["tool"]["driver"]["version"] = Value::Null;
    insta::assert_json_snapshot!("policy-sarif", v);
}

#[test]
fn rules_and_explain_show_policy_rules_beside_the_built_in_ones() {
    let dir = root();
    let out = keepalign_in(&dir, &["rules", "--policy", "builtin:margin"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("KA101"), "{text}");
    assert!(
        text.lines().any(|l| l
            == "keep_alive_margin  warning  The server keeps idle connections at least 5 s longer than the load balancer.  (policy builtin:margin)"),
        "{text}"
    );
    let out = keepalign_in(
        &dir,
        &["rules", "--format", "json", "--policy", "builtin:fargate"],
    );
    let rules: Value = serde_json::from_slice(&out.stdout).unwrap();
    let policy: Vec<&str> = rules["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["policy"] == "builtin:fargate")
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        policy,
        ["fargate_stop_timeout", "fargate_deregistration_delay"]
    );

    let out = keepalign_in(
        &dir,
        &["explain", "keep_alive_margin", "--policy", "builtin:margin"],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(
            "# keep_alive_margin (warning, policy builtin:margin)\n\nThe server keeps"
        ),
        "{text}"
    );
    // Without the policy, the rule is unknown.
    let out = keepalign_in(&dir, &["explain", "keep_alive_margin", "--isolated"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn explain_escapes_what_a_policy_file_says() {
    let tmp = tempfile::tempdir().unwrap();
    let tmp = tmp.path();
    std::fs::write(
        tmp.join("p.guard"),
        "# Rings the bell \u{7} and clears \u{1b}[2J the screen.\nrule loud { services !empty }\n",
    )
    .unwrap();
    for args in [
        &["rules", "--policy", "p.guard"][..],
        &["explain", "loud", "--policy", "p.guard"],
    ] {
        let out = keepalign_in(tmp, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("loud"), "{text}");
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
    }
}

#[test]
fn a_rule_over_all_services_sees_the_whole_document_and_one_about_each_sees_each() {
    let dir = root().join("testdata/policy/twenty-services");
    let out = keepalign_in(
        &dir,
        &[
            "check",
            ".",
            "--format",
            "json",
            "--policy",
            "size.guard",
            "--policy",
            "builtin:margin",
            "--isolated",
        ],
    );
    let found = findings(&out);
    // Counted over all twenty services (parts of 16 would pass), and
    // located at the rule: the count is no value of any one service.
    assert_eq!(
        found
            .iter()
            .filter(|f| f.starts_with("at_most_17_services"))
            .collect::<Vec<_>>(),
        ["at_most_17_services warning size.guard:6"]
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let count = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "at_most_17_services")
        .unwrap();
    assert_eq!(
        count["message"],
        "split the repository: the value is 20, expected <= 17"
    );
    // One margin finding per service, each on its own service.
    let margins: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "keep_alive_margin")
        .collect();
    assert_eq!(margins.len(), 20);
    assert!(
        margins.iter().all(|f| f["location"]["line"] == 40),
        "{margins:?}"
    );
}

#[test]
fn a_policy_that_multiplies_the_work_is_stopped_by_its_budget() {
    let tmp = tempfile::tempdir().unwrap();
    let policy = tmp.path().join("quartic.guard");
    // Every service, for every service, four deep: 20^4 clause evaluations.
    std::fs::write(
        &policy,
        "let all = services[*]\nrule quartic {\n    %all[*] { %all[*] { %all[*] { %all[*] { server exists } } } }\n}\n",
    )
    .unwrap();
    let dir = root().join("testdata/policy/twenty-services");
    let out = keepalign_in(
        &dir,
        &[
            "check",
            ".",
            "--format",
            "json",
            "--isolated",
            "--policy",
            policy.to_str().unwrap(),
        ],
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let stopped: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "PA001")
        .collect();
    assert_eq!(stopped.len(), 1, "{:?}", report["findings"]);
    let message = stopped[0]["message"].as_str().unwrap();
    assert!(
        message.contains("quartic.guard could not be evaluated"),
        "{message}"
    );
    assert!(message.contains("budget"), "{message}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_policy_sees_the_cloudfront_origins_in_front_of_a_service() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("cloudfront.guard");
    std::fs::write(
        &policy,
        "# CloudFront keeps origin connections at most 30 s.\n\
         rule cloudfront_keepalive_short {\n    services[*] {\n        cloudfront[*] {\n            \
         keepalive_timeout.value <= 30\n        }\n    }\n}\n",
    )
    .unwrap();
    let out = check(
        "testdata/terraform/cloudfront-alb",
        &["--policy", policy.to_str().unwrap()],
    );
    let got: Vec<String> = findings(&out)
        .into_iter()
        .filter(|f| f.starts_with("cloudfront_keepalive_short"))
        .collect();
    // The store origin's 60 s, at the line that writes it; the reports
    // origin's 5 s default passes.
    assert_eq!(got, ["cloudfront_keepalive_short warning store.tf:61"]);
}
