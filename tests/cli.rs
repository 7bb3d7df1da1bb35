//! The binary's contract from PRODUCT.md: subcommands, exit codes, --output,
//! --fail-on, --var, and errors that say what to do.

use std::process::{Command, Output};

fn keepalign(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keepalign"))
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("KEEPALIGN_CONFIG")
        .output()
        .expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const EXAMPLE: &str = "testdata/terraform/example-gunicorn-alb";

#[test]
fn findings_at_or_above_fail_on_exit_1() {
    let o = keepalign(&["check", EXAMPLE]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("[KA101]"));
    // Not a terminal: no colour.
    assert!(!stdout(&o).contains('\u{1b}'));
}

#[test]
fn no_subcommand_means_check() {
    let o = keepalign(&[EXAMPLE]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("[KA101]"));
}

#[test]
fn fail_on_never_and_note_thresholds() {
    assert_eq!(
        keepalign(&["check", EXAMPLE, "--fail-on", "never"])
            .status
            .code(),
        Some(0)
    );
    // Only a note: passes at the default threshold, fails with --fail-on note.
    let puma = "testdata/terraform/server-puma";
    assert_eq!(keepalign(&["check", puma]).status.code(), Some(0));
    assert_eq!(
        keepalign(&["check", puma, "--fail-on", "note"])
            .status
            .code(),
        Some(1)
    );
    // A warning (DR201) fails by default but not with --fail-on error.
    let dr = "testdata/terraform/seed-dereg-30-idle-120";
    assert_eq!(keepalign(&["check", dr]).status.code(), Some(1));
    assert_eq!(
        keepalign(&["check", dr, "--fail-on", "error"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn clean_repository_exits_0() {
    let o = keepalign(&["check", "testdata/terraform/seed-apache-alb-120"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("no findings"), "{}", stdout(&o));
}

#[test]
fn missing_path_exits_2_with_a_message() {
    let o = keepalign(&["check", "no/such/dir"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no/such/dir: no such file or directory"));
}

#[test]
fn bad_arguments_exit_2() {
    assert_eq!(
        keepalign(&["check", EXAMPLE, "--var", "novalue"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        keepalign(&["check", EXAMPLE, "--format", "yaml"])
            .status
            .code(),
        Some(2)
    );
    let o = keepalign(&["check", EXAMPLE, "--var-file", "missing.tfvars"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.tfvars"));
}

#[test]
fn json_to_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let o = keepalign(&[
        "check",
        EXAMPLE,
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["findings"][0]["rule"], "KA101");
    assert_eq!(v["findings"][0]["location"]["line"], 17);
    assert_eq!(v["findings"][0]["related"][0]["line"], 27);
    assert_eq!(v["summary"]["errors"], 1);
    assert_eq!(v["services"][0]["service"], "aws_ecs_service.api");
}

#[test]
fn unwritable_output_exits_2() {
    let o = keepalign(&["check", EXAMPLE, "--output", "/nonexistent-dir/report.txt"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn var_on_the_command_line_changes_the_result() {
    let d = "testdata/terraform/shape-var-file";
    let o = keepalign(&[
        "check",
        d,
        "--var-file",
        "testdata/terraform/shape-var-file/env/staging.tfvars",
        "--var",
        "deregistration_delay=300",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

/// A variable with no value names the tfvars files beside the root that set
/// it, which Terraform reads only with `-var-file`; one given on the
/// command line is not suggested again.
#[test]
fn unset_variable_names_the_var_files_that_set_it() {
    let d = "testdata/terraform/shape-var-file";
    let env = "testdata/terraform/shape-var-file/env";
    let out = stdout(&keepalign(&["check", d, "--format", "json"]));
    assert!(
        out.contains(&format!(
            "var.keep_alive_timeout has no default and no value was given; {env}/prod.tfvars and \
             {env}/staging.tfvars set it, which Terraform reads only when named (pass --var-file \
             {env}/prod.tfvars, or --var keep_alive_timeout=VALUE)"
        )),
        "{out}"
    );
    // No file sets the deregistration delay: the usual advice.
    assert!(
        out.contains("var.deregistration_delay has no default and no value was given (set it in terraform.tfvars or pass --var deregistration_delay=VALUE)"),
        "{out}"
    );
    let out = stdout(&keepalign(&[
        "check",
        d,
        "--var-file",
        &format!("{env}/staging.tfvars"),
        "--var",
        "keep_alive_timeout=65",
        "--format",
        "json",
    ]));
    assert!(!out.contains("staging.tfvars set"), "{out}");
    assert!(!out.contains("prod.tfvars sets"), "{out}");
}

/// Terraform applies `-var` and `-var-file` in command-line order: the later
/// one wins, whichever kind it is.
#[test]
fn var_and_var_file_apply_in_command_line_order() {
    let d = "testdata/terraform/shape-var-file";
    let staging = "testdata/terraform/shape-var-file/env/staging.tfvars";
    let run = |args: &[&str]| {
        let o = keepalign(args);
        (o.status.code(), stdout(&o))
    };
    // staging.tfvars sets the idle timeout to 60, under the 65 s keep-alive.
    let (code, out) = run(&[
        "check",
        d,
        "--var",
        "deregistration_delay=300",
        "--var",
        "alb_idle_timeout=300",
        "--var-file",
        staging,
    ]);
    assert_eq!(code, Some(0), "the file given last wins: {out}");
    let (code, out) = run(&[
        "check",
        d,
        "--var",
        "deregistration_delay=300",
        "--var-file",
        staging,
        "--var",
        "alb_idle_timeout=300",
    ]);
    assert_eq!(code, Some(1), "the --var given last wins: {out}");
    assert!(out.contains("[KA101]"), "{out}");
    // Options written before the command keep their order too, and
    // `--var-file=FILE` counts where it is written.
    let file_last = format!("--var-file={staging}");
    let (code, out) = run(&[
        "--var",
        "alb_idle_timeout=300",
        "check",
        d,
        "--var",
        "deregistration_delay=300",
        &file_last,
    ]);
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn workspace_from_the_flag_else_tf_workspace_else_the_selected_one() {
    let d = "testdata/terraform/workspace-selected";
    let run = |args: &[&str], env: Option<&str>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_keepalign"));
        c.args(args)
            .env_remove("KEEPALIGN_CONFIG")
            .env_remove("TF_WORKSPACE");
        if let Some(w) = env {
            c.env("TF_WORKSPACE", w);
        }
        let o = c.output().expect("binary runs");
        (
            o.status.code(),
            stdout(&o),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    // .terraform/environment selects prod (300 s idle timeout).
    assert_eq!(run(&["check", d], None).0, Some(1));
    assert_eq!(run(&["check", d], Some("default")).0, Some(0));
    assert_eq!(
        run(&["check", d, "--workspace", "prod"], Some("default")).0,
        Some(1)
    );
    assert_eq!(
        run(&["services", d, "--workspace", "default"], None).0,
        Some(0)
    );
    let (code, _, err) = run(&["check", d, "--workspace", "a/b"], None);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("--workspace") && err.contains("not allowed"),
        "{err}"
    );
    let (code, _, err) = run(&["plan", "plan.json", "--workspace", "prod"], None);
    assert_eq!(code, Some(2));
    assert!(err.contains("--workspace"), "{err}");
}

#[test]
fn color_always_colours_and_never_does_not() {
    assert!(stdout(&keepalign(&["check", EXAMPLE, "--color", "always"])).contains('\u{1b}'));
    assert!(!stdout(&keepalign(&["check", EXAMPLE, "--color", "never"])).contains('\u{1b}'));
}

#[test]
fn explain_prints_the_rule_documentation() {
    let o = keepalign(&["explain", "ka101"]);
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    assert!(
        s.starts_with("# KA101 keepalive-not-above-idle-timeout (error)"),
        "{s}"
    );
    assert!(s.contains("## Why it matters") && s.contains("502"), "{s}");
    let o = keepalign(&["explain", "XX999"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("KA101"));
}

#[test]
fn every_rule_is_documented() {
    let o = keepalign(&["rules"]);
    let s = stdout(&o);
    for id in [
        "KA101", "DR201", "DR202", "DR203", "RQ301", "HC401", "UN001", "UN002", "PA001", "SU001",
        "SU002", "SU003", "SU004", "SU005",
    ] {
        assert!(s.contains(id), "{id} missing from `rules`");
        let doc = stdout(&keepalign(&["explain", id]));
        for section in [
            "## What it checks",
            "## Why it matters",
            "## Example",
            "## Fix",
        ] {
            assert!(doc.contains(section), "{id} lacks {section}");
        }
    }
}

#[test]
fn services_lists_chains_with_provenance() {
    let o = keepalign(&["services", EXAMPLE]);
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    assert!(s.contains("aws_ecs_service.api"), "{s}");
    assert!(
        s.contains("idle timeout  60 s  (testdata/terraform/example-gunicorn-alb/alb.tf:27:24)"),
        "{s}"
    );
    assert!(s.contains("keep-alive    2 s  (gunicorn default"), "{s}");
    let o = keepalign(&["services", EXAMPLE, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["services"][0]["server"]["keep_alive"]["source"],
        "default"
    );
    assert_eq!(
        v["services"][0]["load_balancer"]["idle_timeout"]["source"],
        "explicit"
    );
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn options_may_come_before_the_command() {
    let o = keepalign(&["--format", "json", "check", EXAMPLE]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["findings"][0]["rule"], "KA101");
    // And without a command at all.
    let o = keepalign(&["--fail-on=never", "--format", "json", EXAMPLE]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with('{'));
}

#[test]
fn a_misspelt_command_gets_did_you_mean() {
    let o = keepalign(&["chek", EXAMPLE]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean \"check\""),
        "{}",
        stderr(&o)
    );
    let o = keepalign(&["servics"]);
    assert!(
        stderr(&o).contains("did you mean \"services\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_scan_that_read_nothing_is_not_green() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "# not IaC\n").unwrap();
    let path = dir.path().to_str().unwrap();
    let o = keepalign(&["check", path]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("nothing checked"), "{}", stdout(&o));
    assert!(stderr(&o).contains("nothing checked"), "{}", stderr(&o));
    let o = keepalign(&["check", path, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["checked"], false);
    assert!(
        v["summary"]["nothing_checked"]
            .as_str()
            .unwrap()
            .contains("no Terraform, CloudFormation or plan file")
    );
    assert_eq!(
        keepalign(&["check", path, "--allow-empty"]).status.code(),
        Some(0)
    );
}

#[test]
fn a_file_that_is_not_iac_is_named_with_why() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("tfplan");
    // A binary plan is a zip archive.
    std::fs::write(&plan, b"PK\x03\x04\x14\x00\x00\x00\x08\x00").unwrap();
    let o = keepalign(&["check", plan.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("terraform show -json"),
        "{}",
        stderr(&o)
    );
    let vars = dir.path().join("prod.tfvars");
    std::fs::write(&vars, "x = 1\n").unwrap();
    let o = keepalign(&["check", vars.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--var-file"), "{}", stderr(&o));
}

#[test]
fn one_scan_writes_several_reports() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("k.json");
    let o = keepalign(&[
        "check",
        EXAMPLE,
        "--report",
        &format!("json={}", json.display()),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("[KA101]"));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["findings"][0]["rule"], "KA101");
    // Two reports on standard output cannot be told apart.
    let o = keepalign(&["check", EXAMPLE, "--report", "json=-"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("standard output"), "{}", stderr(&o));
    // `--output -` is standard output, so the extra report takes it.
    let o = keepalign(&["check", EXAMPLE, "--output", "-", "--format", "json"]);
    assert!(stdout(&o).starts_with('{'));
    let o = keepalign(&["check", EXAMPLE, "--report", "yaml=x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown report format"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn output_to_a_file_still_prints_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.txt");
    let o = keepalign(&["check", EXAMPLE, "--output", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    assert!(
        stderr(&o).contains("1 error in 1 service chain"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn rules_and_explain_as_json_and_by_name() {
    let o = keepalign(&["rules", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules = v["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "KA101"
        && r["name"] == "keepalive-not-above-idle-timeout"
        && r["severity"] == "error"
        && r["documentation"].as_str().unwrap().contains("## Fix")));
    let o = keepalign(&["explain", "deregistration-delay-below-idle-timeout"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("# DR201"));
    let o = keepalign(&["--format", "json", "explain", "DR201"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["id"], "DR201");
    assert!(
        v["help_uri"]
            .as_str()
            .unwrap()
            .ends_with("docs/rules/DR201.md")
    );
}

#[test]
fn services_takes_the_output_options() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s.json");
    let o = keepalign(&[
        "--format",
        "json",
        "services",
        EXAMPLE,
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["services"][0]["service"], "aws_ecs_service.api");
}

#[test]
fn repeated_options_before_and_after_the_command_all_count() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    let o = keepalign(&[
        "--report",
        &format!("json={}", a.display()),
        "check",
        "--report",
        &format!("json={}", b.display()),
        EXAMPLE,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(a.is_file() && b.is_file(), "both reports are written");
    // Variables too, in command-line order: the later value wins.
    let d = "testdata/terraform/shape-var-file";
    let vf = "testdata/terraform/shape-var-file/env/staging.tfvars";
    let o = keepalign(&[
        "--fail-on",
        "note",
        "--var-file",
        vf,
        "--var",
        "deregistration_delay=10",
        "check",
        d,
        "--var",
        "deregistration_delay=300",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}
