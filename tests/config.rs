//! `keepalign.toml`: each fixture in testdata/config gives what its README
//! lists when run through the binary (the configuration is read by the
//! command line), errors are exit status 2 naming file and line, and the
//! file is found where docs/configuration.md says.

use std::process::{Command, Output};

fn keepalign_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_keepalign"));
    cmd.args(args)
        .env_remove("NO_COLOR")
        .env_remove("KEEPALIGN_CONFIG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("binary runs")
}

fn keepalign(args: &[&str]) -> Output {
    keepalign_env(args, &[])
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `RULE severity service file:line` of each finding in a JSON report.
fn findings(args: &[&str]) -> (Option<i32>, Vec<String>) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let o = keepalign(&all);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|_| panic!("no JSON: {}{}", stdout(&o), stderr(&o)));
    let list = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["location"]["file"].as_str().unwrap_or("-");
            format!(
                "{} {} {} {}:{}",
                f["rule"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["service"].as_str().unwrap_or("-"),
                file.rsplit('/').next().unwrap(),
                f["location"]["line"]
            )
        })
        .collect();
    (o.status.code(), list)
}

const D: &str = "testdata/config";

fn fixture(name: &str) -> String {
    format!("{D}/{name}")
}

#[test]
fn monorepo_roots_take_their_own_var_files() {
    let (code, got) = findings(&[&fixture("monorepo")]);
    assert_eq!(code, Some(1));
    assert_eq!(
        got,
        [
            "KA101 error module.web.aws_ecs_service.this prod.tfvars:3",
            "DR201 warning module.web.aws_ecs_service.this keepalign.toml:12",
        ]
    );
}

#[test]
fn without_the_configuration_the_roots_have_no_inputs() {
    let (code, got) = findings(&["--isolated", &fixture("monorepo")]);
    assert_eq!(code, Some(0));
    assert_eq!(got.len(), 6, "{got:?}");
    assert!(got.iter().all(|f| f.starts_with("UN001 note")), "{got:?}");
}

#[test]
fn command_line_vars_apply_to_every_root_and_win() {
    // keep_alive=130 is above both idle timeouts; the staging drain stays.
    let (code, got) = findings(&["--var", "keep_alive=130", &fixture("monorepo")]);
    assert_eq!(code, Some(1));
    assert_eq!(
        got,
        ["DR201 warning module.web.aws_ecs_service.this keepalign.toml:12"]
    );
    // A --var-file wins over the root's own vars too.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("drain.tfvars");
    std::fs::write(&f, "deregistration_delay = 130\n").unwrap();
    let (_, got) = findings(&["--var-file", f.to_str().unwrap(), &fixture("monorepo")]);
    assert_eq!(
        got,
        ["KA101 error module.web.aws_ecs_service.this prod.tfvars:3"]
    );
}

#[test]
fn templates_take_their_own_parameters() {
    let (code, got) = findings(&[&fixture("cloudformation-stacks")]);
    assert_eq!(code, Some(1));
    assert_eq!(got, ["KA101 error Service keepalign.toml:12"]);
    // The command line wins over both templates' own parameters.
    let (_, got) = findings(&[
        "--parameter",
        "KeepAlive=90",
        &fixture("cloudformation-stacks"),
    ]);
    assert!(got.is_empty(), "{got:?}");
    let (_, got) = findings(&["--isolated", &fixture("cloudformation-stacks")]);
    assert_eq!(
        got,
        [
            "KA101 error Service orders-canary.yaml:25",
            "UN001 note Service orders-canary.yaml:87",
            "KA101 error Service orders.yaml:25",
            "UN001 note Service orders.yaml:87",
        ]
    );
}

#[test]
fn a_sub_path_scan_finds_the_configuration_above_it() {
    let (code, got) = findings(&[&fixture("monorepo/envs/prod")]);
    assert_eq!(code, Some(1));
    assert_eq!(
        got,
        ["KA101 error module.web.aws_ecs_service.this prod.tfvars:3"]
    );
}

#[test]
fn a_var_no_root_declares_is_a_warning() {
    let o = keepalign(&["--var", "keep_alvie=130", &fixture("monorepo")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "keepalign: warning: --var keep_alvie: no scanned Terraform root declares a variable of that name, so it sets nothing"
        ),
        "{}",
        stderr(&o)
    );
    let o = keepalign(&["--var", "keep_alive=130", &fixture("monorepo")]);
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}

#[test]
fn declared_keep_alive_points_at_the_configuration() {
    let (code, got) = findings(&[&fixture("node-declared")]);
    assert_eq!(code, Some(1));
    assert_eq!(
        got,
        [
            "KA101 error aws_ecs_service.web keepalign.toml:7",
            "KA101 error aws_ecs_service.admin keepalign.toml:13",
        ]
    );
    let o = keepalign(&["--format", "json", &fixture("node-declared")]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let fixes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fix"].as_str().unwrap())
        .collect();
    // A kind keepalign knows keeps its fix text; another name gets generic text.
    assert!(
        fixes[0].starts_with("set server.keepAliveTimeout = 125000"),
        "{fixes:?}"
    );
    assert_eq!(
        fixes[1],
        "set the keep-alive timeout of go to 125 s, or lower the ALB idle timeout below 90 s"
    );
}

#[test]
fn a_declared_image_build_is_followed_to_its_target_stage() {
    let (code, got) = findings(&[&fixture("image-declared")]);
    assert_eq!(code, Some(1));
    // The `runtime` stage's CMD, not the last (`debug`) stage's.
    assert_eq!(got, ["KA101 error aws_ecs_service.billing web.df:9"]);
    let o = keepalign(&["--format", "json", &fixture("image-declared")]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let message = v["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("build/containers/web.df, declared in ")
            && message.contains("keepalign.toml:3"),
        "{message}"
    );
    // Without the configuration nothing links the image to its build, and
    // the note says how to.
    let (_, got) = findings(&["--isolated", &fixture("image-declared")]);
    assert_eq!(got, ["UN002 note aws_ecs_service.billing main.tf:38"]);
}

#[test]
fn image_entries_are_checked() {
    for (toml, message) in [
        (
            "[[image]]\nmatch = \"*/web:*\"\ndockerfile = \"nowhere/Dockerfile\"\n",
            "keepalign.toml:3: dockerfile: \"nowhere/Dockerfile\" is not a file",
        ),
        (
            "[[image]]\nmatch = \"\"\ndockerfile = \"Dockerfile\"\n",
            "keepalign.toml:2: match is empty",
        ),
        (
            "[[image]]\nmatch = \"*/web:*\"\ndockerfile = \"Dockerfile\"\ncontext = \"Dockerfile\"\n",
            "keepalign.toml:4: context: \"Dockerfile\" is not a directory",
        ),
        (
            "[[image]]\nmatch = \"*/web:*\"\ndockerfile = \"Dockerfile\"\nstage = \"prod\"\n",
            "unknown key \"stage\"",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Dockerfile"), "FROM python:3.12\n").unwrap();
        std::fs::write(dir.path().join("keepalign.toml"), toml).unwrap();
        let o = keepalign(&[dir.path().to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{toml}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(message), "{toml}: {err}");
    }
}

#[test]
fn without_declarations_node_defaults_and_the_go_server_is_unknown() {
    let (_, got) = findings(&["--isolated", &fixture("node-declared")]);
    assert_eq!(
        got,
        [
            "KA101 error aws_ecs_service.web services.tf:32",
            "UN002 note aws_ecs_service.admin services.tf:49",
        ]
    );
}

#[test]
fn services_show_declared_values() {
    let o = keepalign(&["services", &fixture("node-declared")]);
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!("services-node-declared", stdout(&o));
    let o = keepalign(&["services", "--format", "json", &fixture("data-source-lb")]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let lb = &v["services"][0]["load_balancer"];
    assert_eq!(lb["idle_timeout"]["source"], "declared");
    assert_eq!(lb["idle_timeout"]["value"], 120);
    assert_eq!(lb["idle_timeout"]["location"]["line"], 7);
    assert_eq!(lb["type"]["source"], "declared");
    assert_eq!(lb["address"], "declared for aws_ecs_service.loyalty");
    let o = keepalign(&["services", "--format", "json", &fixture("node-declared")]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ka = &v["services"][1]["server"]["keep_alive"];
    assert_eq!(ka["source"], "declared");
    assert_eq!(
        ka["location"]["file"],
        "testdata/config/node-declared/keepalign.toml"
    );
    assert_eq!(v["services"][1]["server"]["name"], "go");
}

#[test]
fn a_load_balancer_from_a_data_source_gets_the_declared_idle_timeout() {
    let (code, got) = findings(&[&fixture("data-source-lb")]);
    assert_eq!(code, Some(1));
    assert_eq!(
        got,
        [
            "DR201 warning aws_ecs_service.loyalty service.tf:7",
            "KA101 error aws_ecs_service.loyalty service.tf:38",
        ]
    );
    let (_, got) = findings(&["--isolated", &fixture("data-source-lb")]);
    assert_eq!(got, ["UN001 note aws_ecs_service.loyalty service.tf:15"]);
}

#[test]
fn select_ignore_and_severity() {
    let (code, got) = findings(&[&fixture("rules")]);
    assert_eq!(code, Some(0), "DR203 is a note now");
    assert_eq!(got, ["DR203 note aws_ecs_service.gateway ecs.tf:14"]);
    // --select wins over the file's ignore.
    let (code, got) = findings(&["--select", "KA101", &fixture("rules")]);
    assert_eq!(code, Some(1));
    assert_eq!(got, ["KA101 error aws_ecs_service.gateway ecs.tf:15"]);
    let (code, got) = findings(&["--ignore", "dr203", &fixture("rules")]);
    assert_eq!((code, got.len()), (Some(0), 0));
    // --fail-on wins over the file's.
    let (code, _) = findings(&["--fail-on", "note", &fixture("rules")]);
    assert_eq!(code, Some(1));
    let o = keepalign(&["--select", "KA101,NOPE", &fixture("rules")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--select: unknown rule \"NOPE\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_disabled_rule_leaves_no_unresolved_note_behind() {
    // KA101 and DR201 both need the unknown idle timeout; with both off,
    // nothing is reported about it.
    let (_, got) = findings(&[
        "--isolated",
        "--ignore",
        "KA101,DR201",
        &fixture("data-source-lb"),
    ]);
    assert!(got.is_empty(), "{got:?}");
    let (_, got) = findings(&[
        "--isolated",
        "--ignore",
        "KA101",
        &fixture("data-source-lb"),
    ]);
    assert_eq!(got, ["UN001 note aws_ecs_service.loyalty service.tf:15"]);
}

#[test]
fn config_flag_replaces_the_nearest_file() {
    let only = fixture("rules/only-keep-alive.toml");
    let (code, got) = findings(&["--config", &only, &fixture("rules")]);
    assert_eq!(code, Some(1));
    assert_eq!(got, ["KA101 error aws_ecs_service.gateway ecs.tf:15"]);
    let o = keepalign(&["--config", "no/such.toml", &fixture("rules")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--config no/such.toml: no such file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn excluded_paths_are_not_read() {
    let (code, got) = findings(&[&fixture("exclude")]);
    assert_eq!((code, got.len()), (Some(0), 0), "{got:?}");
    let (_, got) = findings(&["--isolated", &fixture("exclude")]);
    assert_eq!(
        got,
        [
            "KA101 error aws_ecs_service.api ecs.tf:17",
            "PA001 error - stack.tf:3",
        ]
    );
    // --exclude is relative to the current directory.
    let (_, got) = findings(&[
        "--isolated",
        "--exclude",
        "testdata/config/exclude/legacy",
        &fixture("exclude"),
    ]);
    assert_eq!(got, ["PA001 error - stack.tf:3"]);
    // A glob that matches nothing is fine (a scan of a sub-path would
    // otherwise fail).
    let (code, _) = findings(&["--exclude", "no/such/**", &fixture("exclude/live")]);
    assert_eq!(code, Some(0));
}

#[test]
fn discovery_order() {
    let app = fixture("discovery/nested/app");
    // The nearest file, two directories up: fail-on = "never".
    assert_eq!(keepalign(&[&app]).status.code(), Some(0));
    // --isolated: no configuration, the KA101 fails the run.
    assert_eq!(keepalign(&["--isolated", &app]).status.code(), Some(1));
    // .keepalign.toml is found too: it ignores KA101.
    let (code, got) = findings(&[&fixture("discovery-dot/app")]);
    assert_eq!((code, got.len()), (Some(0), 0));
    // KEEPALIGN_CONFIG wins over the nearest file ...
    let only = fixture("rules/only-keep-alive.toml");
    let o = keepalign_env(&[&app], &[("KEEPALIGN_CONFIG", &only)]);
    assert_eq!(o.status.code(), Some(1));
    // ... --config wins over KEEPALIGN_CONFIG ...
    let o = keepalign_env(
        &["--config", &fixture("discovery/keepalign.toml"), &app],
        &[("KEEPALIGN_CONFIG", &only)],
    );
    assert_eq!(o.status.code(), Some(0));
    // ... and --isolated over both.
    let o = keepalign_env(&["--isolated", &app], &[("KEEPALIGN_CONFIG", &only)]);
    assert_eq!(o.status.code(), Some(1));
    let o = keepalign_env(&[&app], &[("KEEPALIGN_CONFIG", "no/such.toml")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("KEEPALIGN_CONFIG=no/such.toml: no such file"));
    // --config and --isolated contradict each other.
    let o = keepalign(&["--isolated", "--config", &only, &app]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn configuration_errors_exit_2_naming_file_and_line() {
    let cases = [
        (
            "unknown-key",
            "keepalign.toml:3: unknown key \"fail_on\"; did you mean \"fail-on\"?",
        ),
        (
            "bad-value",
            "keepalign.toml:4: graceful-timeout is -5; expected a number of seconds, 0 or more",
        ),
        (
            "unknown-rule",
            "keepalign.toml:4: ignore: unknown rule \"KA102\"; rules are KA101, ",
        ),
        (
            "service-matches-nothing",
            "keepalign.toml:2: [[service]] match = \"aws_ecs_service.wbe\" matches no service; did you mean \"aws_ecs_service.web\"?",
        ),
        (
            "root-matches-nothing",
            "keepalign.toml:2: [[root]] path \"docs\" is not a Terraform root in this scan",
        ),
        (
            "root-unknown-variable",
            "keepalign.toml:3: vars: \".\" declares no variable \"idle_timout\"; did you mean \"idle_timeout\"?",
        ),
    ];
    for (case, message) in cases {
        let dir = fixture(&format!("errors/{case}"));
        for command in ["check", "services"] {
            let o = keepalign(&[command, &dir]);
            assert_eq!(o.status.code(), Some(2), "{case} {command}: {}", stdout(&o));
            let expected = format!("keepalign: {dir}/{message}");
            assert!(
                stderr(&o).starts_with(&expected),
                "{case}:\n{}\nexpected {expected}",
                stderr(&o)
            );
            assert!(o.stdout.is_empty(), "{case}: a report despite the error");
        }
    }
}

#[test]
fn human_reports() {
    for name in ["monorepo", "node-declared", "data-source-lb", "rules"] {
        let o = keepalign(&["--color", "never", &fixture(name)]);
        insta::assert_snapshot!(format!("human-{name}"), stdout(&o));
    }
}

#[test]
fn a_root_that_does_not_parse_is_a_finding_not_a_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join(".git")).unwrap();
    std::fs::create_dir_all(d.join("stacks")).unwrap();
    std::fs::write(
        d.join("stacks/a.yaml"),
        "AWSTemplateFormatVersion: \"2010-09-09\"\nResources: [\n",
    )
    .unwrap();
    std::fs::write(
        d.join("keepalign.toml"),
        "[[root]]\npath = \"stacks/a.yaml\"\nparameters = { KeepAlive = 75 }\n",
    )
    .unwrap();
    let o = keepalign(&[d.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("[PA001]"), "{}", stdout(&o));
}

#[test]
fn an_unreadable_configuration_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("keepalign.toml");
    std::fs::write(&f, b"fail-on = \"\xff\"\n").unwrap();
    let o = keepalign(&["--config", f.to_str().unwrap(), &fixture("rules")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not valid UTF-8"), "{}", stderr(&o));
    std::fs::write(&f, "[[service]\nmatch = \"x\"\n").unwrap();
    let o = keepalign(&["--config", f.to_str().unwrap(), &fixture("rules")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("keepalign.toml:1: "), "{}", stderr(&o));
}

#[test]
fn a_suppression_of_a_disabled_rule_is_not_unused() {
    let (_, got) = findings(&["--isolated", "testdata/suppress/unused"]);
    assert_eq!(
        got,
        [
            "SU004 note - alb.tf:8",
            "SU004 note - main.tf:28",
            "UN001 note aws_ecs_service.reports reports.tf:5",
        ]
    );
    // DR201 off: its suppression is not "unused", and the unknown idle
    // timeout only DR201 still needed is not reported.
    let (_, got) = findings(&[
        "--isolated",
        "--ignore",
        "DR201",
        "testdata/suppress/unused",
    ]);
    assert_eq!(got, ["SU004 note - main.tf:28"]);
}

#[test]
fn a_scope_limits_a_declaration_to_one_root() {
    let scoped = fixture("monorepo/scoped.toml");
    let (code, got) = findings(&["--config", &scoped, &fixture("monorepo")]);
    assert_eq!(code, Some(1));
    // prod's keep-alive is declared 130: no KA101 there; staging unchanged.
    assert_eq!(
        got,
        ["DR201 warning module.web.aws_ecs_service.this scoped.toml:11"]
    );
    let typo = fixture("monorepo/scope-typo.toml");
    let o = keepalign(&["--config", &typo, &fixture("monorepo")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("scope-typo.toml:4: [[service]] match = \"module.web.aws_ecs_service.*\" with its scope matches no service"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn other_formats_point_at_the_declaration() {
    let o = keepalign(&["--format", "markdown", &fixture("data-source-lb")]);
    assert!(
        stdout(&o).contains(
            "| LB idle timeout | 120 s | declared in testdata/config/data-source-lb/keepalign.toml:7 |"
        ),
        "{}",
        stdout(&o)
    );
    let o = keepalign(&["--format", "sarif", &fixture("node-declared")]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let uris: Vec<&str> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        uris,
        [
            "testdata/config/node-declared/keepalign.toml",
            "testdata/config/node-declared/keepalign.toml"
        ]
    );
}
