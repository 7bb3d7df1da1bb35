//! The report formats for CI and code review (sarif, github, markdown,
//! rdjson, rdjsonl), run through the binary as users run them, snapshotted,
//! and checked against what their consumers require: the SARIF schema,
//! GitHub's annotation limits and escaping, the step-summary size limit,
//! reviewdog's suggestions.

mod common;
use keepalign::finding::{Suppression, SuppressionKind};
use keepalign::report::{self, Format, Scan, Summary};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FORMATS: &[&str] = &["sarif", "github", "markdown", "rdjson", "rdjsonl"];

fn keepalign(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keepalign"))
        .current_dir(dir)
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("KEEPALIGN_CONFIG")
        .output()
        .expect("the binary runs")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// stdout of `keepalign --format FORMAT ARGS...` run from the crate root.
fn stdout(format: &str, args: &[&str]) -> String {
    let mut all = vec!["--format", format];
    all.extend_from_slice(args);
    let out = keepalign(&root(), &all);
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "keepalign {all:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

const FIXTURES: &[(&str, &[&str])] = &[
    (
        "example-gunicorn-alb",
        &["testdata/terraform/example-gunicorn-alb"],
    ),
    (
        "trap-stop-timeout",
        &["testdata/terraform/trap-stop-timeout"],
    ),
    (
        "cfn-import-value",
        &[
            "testdata/cloudformation/import-value/network.yaml",
            "testdata/cloudformation/import-value/service.yaml",
        ],
    ),
];

#[test]
fn reports_of_fixtures() {
    for (name, paths) in FIXTURES {
        for format in FORMATS {
            insta::assert_snapshot!(format!("{format}-{name}"), stdout(format, paths));
        }
    }
}

// ---------------------------------------------------------------- SARIF

fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("testdata/sarif/keepalign-sarif.schema.json"))
        .expect("the SARIF schema of the tests");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

fn assert_valid_sarif(what: &str, sarif: &Value) {
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: invalid SARIF:\n{}",
        errors.join("\n")
    );
}

#[test]
fn the_schema_check_can_fail() {
    let sarif: Value = serde_json::from_str(&stdout(
        "sarif",
        &["testdata/terraform/example-gunicorn-alb"],
    ))
    .unwrap();
    let validator = sarif_validator();
    assert!(validator.is_valid(&sarif));
    let mut fatal = sarif.clone();
    fatal["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&fatal));
    // A property SARIF does not define (custom data goes in `properties`).
    let mut invented = sarif.clone();
    invented["runs"][0]["results"][0]["severity"] = "high".into();
    assert!(!validator.is_valid(&invented));
    // A region's lines are 1-based.
    let mut zero = sarif;
    zero["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!validator.is_valid(&zero));
}

#[test]
fn sarif_of_fixtures_is_valid() {
    for paths in [
        &["testdata/terraform/example-gunicorn-alb"][..],
        &["testdata/terraform/trap-stop-timeout"],
        &["testdata/terraform/bad-non-utf8"],
        &["testdata/terraform/bad-binary"],
        &["testdata/terraform/shape-listener-rules"],
        &["testdata/cloudformation"],
        &["testdata/terraform"],
        &["testdata/suppress"],
        &[
            "testdata/terraform/example-gunicorn-alb",
            "--policy",
            "testdata/policy/team-policies",
        ],
    ] {
        let sarif: Value = serde_json::from_str(&stdout("sarif", paths)).unwrap();
        assert_valid_sarif(&paths.join(" "), &sarif);
        let run = &sarif["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        for r in run["results"].as_array().unwrap() {
            let index = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], r["ruleId"]);
            assert!(r["partialFingerprints"]["keepalign/v1"].is_string());
            assert_eq!(r["locations"].as_array().unwrap().len(), 1, "{r}");
        }
        for rule in rules {
            assert!(
                rule["fullDescription"]["text"]
                    .as_str()
                    .unwrap()
                    .chars()
                    .count()
                    <= 1024
            );
            assert!(rule["properties"].get("security-severity").is_none());
        }
    }
}

#[test]
fn sarif_of_suppression_fixtures_marks_them_in_source() {
    for paths in [
        &["testdata/suppress"][..],
        &["testdata/cloudformation/suppressed"],
    ] {
        let sarif: Value = serde_json::from_str(&stdout("sarif", paths)).unwrap();
        assert_valid_sarif(&paths.join(" "), &sarif);
        let suppressed: Vec<&Value> = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r.get("suppressions"))
            .collect();
        assert!(!suppressed.is_empty(), "{paths:?}");
        for s in suppressed {
            assert_eq!(s[0]["kind"], "inSource");
            assert_eq!(s[0]["status"], "accepted");
        }
    }
}

#[test]
fn sarif_of_an_empty_scan_is_valid_and_says_nothing_was_checked() {
    let dir = tempfile::tempdir().unwrap();
    let out = keepalign(dir.path(), &["--format", "sarif", "--allow-empty", "."]);
    assert_eq!(out.status.code(), Some(0));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif("empty scan", &sarif);
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let note = invocation["toolExecutionNotifications"][0]["message"]["text"]
        .as_str()
        .unwrap();
    assert!(note.starts_with("nothing checked: "), "{note}");
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn suppressed_findings_stay_in_sarif_marked_as_suppressed() {
    let mut findings = common::run("testdata/terraform/server-hypercorn").findings;
    assert_eq!(findings.len(), 2);
    let at = findings[0].location.clone();
    findings[0].suppression = Some(Suppression {
        kind: SuppressionKind::InSource,
        justification: Some("drained by the [sidecar], see ops#12".into()),
        location: at,
        baseline: false,
    });
    findings[1].suppression = Some(Suppression {
        kind: SuppressionKind::External,
        justification: None,
        location: None,
        baseline: true,
    });
    let summary = Summary::new(&findings, 4, 1);
    let scan = Scan {
        findings: &findings,
        chains: &[],
        summary: &summary,
        full_report: None,
    };
    let sarif = report::sarif::log(&scan);
    assert_valid_sarif("suppressed findings", &sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let s0 = &results[0]["suppressions"][0];
    assert_eq!(s0["kind"], "inSource");
    assert_eq!(s0["status"], "accepted");
    assert_eq!(s0["justification"], "drained by the [sidecar], see ops#12");
    assert!(s0["location"]["physicalLocation"]["region"]["startLine"].is_u64());
    let s1 = &results[1]["suppressions"][0];
    assert_eq!(s1["kind"], "external");
    assert_eq!(results[1]["baselineState"], "unchanged");
    // The other formats leave them out.
    for format in [Format::Github, Format::Rdjsonl] {
        let text = report::render(format, &scan, false);
        assert!(!text.contains("DR203") && !text.contains("KA101"), "{text}");
    }
    let md = report::render(Format::Markdown, &scan, false);
    assert!(md.contains("| 0 | 1 | 1 |"), "{md}");
    assert!(
        md.starts_with("## ✅ keepalign: no new findings in 1 service chain (2 silenced)"),
        "{md}"
    );
}

/// Copy a fixture into a fresh directory.
fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("testdata/terraform").join(name)).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    dir
}

fn results(dir: &Path) -> Vec<(String, u64)> {
    let out = keepalign(dir, &["--format", "sarif", "."]);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["partialFingerprints"]["keepalign/v1"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
            )
        })
        .collect()
}

#[test]
fn partial_fingerprints_survive_unrelated_edits_above() {
    let dir = copy_fixture("example-gunicorn-alb");
    let before = results(dir.path());
    assert_eq!(before.len(), 1);
    for file in ["ecs.tf", "alb.tf"] {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("# owned by the platform team\n\n\n{text}")).unwrap();
    }
    let after = results(dir.path());
    assert_eq!(after[0].1, before[0].1 + 3, "the finding moved down");
    assert_eq!(after[0].0, before[0].0, "but its fingerprint did not");

    // A changed value is the same problem, still tracked as one alert.
    let alb = dir.path().join("alb.tf");
    let text = std::fs::read_to_string(&alb).unwrap();
    assert!(text.contains("idle_timeout       = 60"));
    std::fs::write(
        &alb,
        text.replace("idle_timeout       = 60", "idle_timeout       = 50"),
    )
    .unwrap();
    let changed = results(dir.path());
    assert_eq!(changed[0].0, before[0].0);
}

// ---------------------------------------------------------------- github

/// A service whose container name and file name are hostile: a `%`, CR/LF
/// followed by a workflow command, an escape sequence, `,` and `:`.
const HOSTILE_NAME: &str = r#"app%25\r\n::error file=x.tf::pwned\u001b]0;title\u0007"#;

fn hostile_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let tf = format!(
        r#"resource "aws_lb" "web" {{
  idle_timeout = 60
}}
resource "aws_lb_target_group" "web" {{}}
resource "aws_lb_listener" "web" {{
  load_balancer_arn = aws_lb.web.arn
  default_action {{
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }}
}}
resource "aws_ecs_task_definition" "web" {{
  container_definitions = jsonencode([{{
    name        = "{HOSTILE_NAME}"
    image       = "python:3.12"
    stopTimeout = 10
    command     = ["gunicorn", "-k", "gevent", "app:app"]
  }}])
}}
resource "aws_ecs_service" "web" {{
  task_definition = aws_ecs_task_definition.web.arn
  load_balancer {{
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "{HOSTILE_NAME}"
    container_port   = 8000
  }}
}}
"#
    );
    std::fs::write(dir.path().join("ecs,prod:1.tf"), tf).unwrap();
    dir
}

#[test]
fn github_commands_cannot_be_injected_from_input() {
    let dir = hostile_fixture();
    let out = keepalign(dir.path(), &["--format", "github", "."]);
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 3, "{text}");
    assert!(
        text.contains("pwned"),
        "the hostile name reached a message: {text}"
    );
    for line in &lines {
        assert!(
            !line.chars().any(|c| c.is_control()),
            "raw control character in {line:?}"
        );
        if let Some(command) = line.strip_prefix("::") {
            assert!(
                line.starts_with("::error file=ecs%2Cprod%3A1.tf,line=")
                    || line.starts_with("::warning file=ecs%2Cprod%3A1.tf,line="),
                "unexpected command {line:?}"
            );
            // Each property is one of ours: a value cannot end the list early.
            let (_, props) = command.split_once("::").unwrap().0.split_once(' ').unwrap();
            for prop in props.split(',') {
                let key = prop.split_once('=').unwrap().0;
                assert!(
                    ["file", "line", "endLine", "col", "endColumn", "title"].contains(&key),
                    "{prop} in {line}"
                );
            }
        }
    }
    // The name's `%25`, CR and LF are encoded, so GitHub decodes them back
    // into text instead of ending the command.
    assert!(
        text.contains("app%2525%0D%0A::error file=x.tf::pwned\\u{1b}]0;title\\u{7}"),
        "{text}"
    );
    let last = lines.last().unwrap();
    assert!(!last.starts_with("::"), "{last}");
}

/// `n_errors` services with a KA101 error and `n_notes` with an unknown
/// server (UN002 note), all behind one ALB.
fn many_services(n_errors: usize, n_notes: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut tf = String::from(
        r#"resource "aws_lb" "web" {
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
"#,
    );
    for i in 0..n_errors + n_notes {
        let command = if i < n_errors {
            r#"command = ["gunicorn", "-k", "gevent", "app:app"]"#
        } else {
            ""
        };
        let image = if i < n_errors {
            "python:3.12"
        } else {
            "corp/app:1"
        };
        tf.push_str(&format!(
            r#"resource "aws_ecs_task_definition" "s{i}" {{
  container_definitions = jsonencode([{{
    name  = "app"
    image = "{image}"
    {command}
  }}])
}}
resource "aws_ecs_service" "s{i}" {{
  task_definition = aws_ecs_task_definition.s{i}.arn
  load_balancer {{
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "app"
    container_port   = 8000
  }}
}}
"#
        ));
    }
    std::fs::write(dir.path().join("main.tf"), tf).unwrap();
    dir
}

fn count_prefix(text: &str, prefix: &str) -> usize {
    text.lines().filter(|l| l.starts_with(prefix)).count()
}

#[test]
fn github_shows_ten_per_level_and_says_what_it_left_out() {
    let dir = many_services(12, 11);
    let out = keepalign(dir.path(), &["--format", "github", "."]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(count_prefix(&text, "::error "), 10, "{text}");
    // Nine notes: the closing notice is the tenth.
    assert_eq!(count_prefix(&text, "::notice file="), 9, "{text}");
    let notices: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("::notice title=keepalign::"))
        .collect();
    assert_eq!(notices.len(), 1, "{text}");
    assert!(
        notices[0].contains("2 errors, 2 notes not shown")
            && notices[0].contains("run keepalign locally"),
        "{}",
        notices[0]
    );
    // Errors come first, then notes; the plain summary line last.
    let lines: Vec<&str> = text.lines().collect();
    let first_note = lines
        .iter()
        .position(|l| l.starts_with("::notice file="))
        .unwrap();
    let last_error = lines
        .iter()
        .rposition(|l| l.starts_with("::error "))
        .unwrap();
    assert!(last_error < first_note);
    assert_eq!(
        text.lines().last().unwrap(),
        "12 errors, 11 notes in 23 service chains (1 file)"
    );

    // With a full report written beside it, the notice points there.
    let out = keepalign(
        dir.path(),
        &[
            "--format",
            "github",
            "--report",
            "sarif=keepalign.sarif",
            ".",
        ],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("the full report is in keepalign.sarif (sarif report)"),
        "{text}"
    );
}

#[test]
fn github_without_overflow_has_no_closing_notice() {
    let dir = many_services(10, 10);
    let out = keepalign(dir.path(), &["--format", "github", "."]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(count_prefix(&text, "::error "), 10);
    assert_eq!(count_prefix(&text, "::notice file="), 10);
    assert_eq!(count_prefix(&text, "::notice title="), 0);
}

#[test]
fn every_format_says_when_nothing_was_checked() {
    let dir = tempfile::tempdir().unwrap();
    for format in FORMATS {
        let out = keepalign(dir.path(), &["--format", format, "."]);
        assert_eq!(out.status.code(), Some(2));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("nothing checked: "), "{format}: {text}");
    }
    let out = keepalign(dir.path(), &["--format", "github", "."]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("::warning::nothing checked: "), "{text}");
}

// ---------------------------------------------------------------- markdown

#[test]
fn markdown_escapes_input() {
    let dir = hostile_fixture();
    let out = keepalign(dir.path(), &["--format", "markdown", "."]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text}");
    assert!(text.contains("ecs,prod\\:1.tf"), "{text}");
    // Table rows stay rows: every `|` from input is escaped.
    for line in text.lines().filter(|l| l.starts_with("| ")) {
        let unescaped = line.matches('|').count() - line.matches("\\|").count();
        assert_eq!(unescaped, 4, "{line}");
    }
}

#[test]
fn markdown_stays_under_one_mebibyte() {
    let dir = many_services(1200, 0);
    let out = keepalign(
        dir.path(),
        &["--format", "markdown", "--report", "json=full.json", "."],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.len() <= 1024 * 1024, "{} bytes", text.len());
    assert!(
        text.len() > 1000 * 1024,
        "it uses the room: {} bytes",
        text.len()
    );
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with("**Truncated** to stay under 1024 KiB: ")
            && last.contains(" of 1200 service chains")
            && last.ends_with("The full report is in full.json (json report)."),
        "{last}"
    );
    // Every finding made it; only chain tables were cut.
    assert_eq!(text.matches("#### ❌ KA101").count(), 1200);
}

#[test]
fn markdown_truncation_respects_a_small_limit() {
    let dir = many_services(30, 0);
    let r = common::run(dir.path());
    let chains_summary = Summary::new(&r.findings, 1, 30);
    let model = keepalign::engine::load(&[dir.path().to_path_buf()], &Default::default()).unwrap();
    let chains = keepalign::linker::link(&model);
    let scan = Scan {
        findings: &r.findings,
        chains: &chains,
        summary: &chains_summary,
        full_report: None,
    };
    let text = report::markdown::render_limited(&scan, 16 * 1024);
    assert!(text.len() <= 16 * 1024, "{}", text.len());
    let last = text.lines().last().unwrap();
    assert!(
        last.contains("not shown") && last.contains("--report"),
        "{last}"
    );
    let whole = report::markdown::render(&scan);
    assert!(!whole.contains("Truncated"));
}

// ---------------------------------------------------------------- rdjson

fn rdjson(paths: &[&str]) -> Vec<Value> {
    let doc: Value = serde_json::from_str(&stdout("rdjson", paths)).unwrap();
    assert_eq!(doc["source"]["name"], "keepalign");
    doc["diagnostics"].as_array().unwrap().clone()
}

#[test]
fn rdjson_suggests_only_a_written_number() {
    // stopTimeout = 30 written in ecs.tf: replace exactly "30" with "60".
    let d = rdjson(&["testdata/terraform/trap-stop-timeout"]);
    assert_eq!(d.len(), 1);
    let s = &d[0]["suggestions"][0];
    assert_eq!(s["text"], "60");
    let (line, start, end) = (
        s["range"]["start"]["line"].as_u64().unwrap() as usize,
        s["range"]["start"]["column"].as_u64().unwrap() as usize,
        s["range"]["end"]["column"].as_u64().unwrap() as usize,
    );
    let source = std::fs::read_to_string("testdata/terraform/trap-stop-timeout/ecs.tf").unwrap();
    let text = source.lines().nth(line - 1).unwrap();
    assert_eq!(&text[start - 1..end - 1], "30");
    assert_eq!(d[0]["location"]["range"], s["range"]);

    // "--keep-alive", "2" in the command: replace "2" with "65".
    let d = rdjson(&["testdata/terraform/seed-classic-elb-gunicorn-2s"]);
    let suggested: Vec<&Value> = d.iter().filter_map(|x| x.get("suggestions")).collect();
    assert_eq!(suggested.len(), 1);
    assert_eq!(suggested[0][0]["text"], "65");

    for (paths, why) in [
        (
            "testdata/terraform/example-gunicorn-alb",
            "a default: nothing written",
        ),
        ("testdata/terraform/trap-string-dereg", "\"30\" is quoted"),
        (
            "testdata/cloudformation/parameters",
            "a parameter's Default may feed other resources",
        ),
        (
            "testdata/terraform/shape-count",
            "a variable default may feed other resources",
        ),
        (
            "testdata/terraform/shape-tfvars",
            "a tfvars value may feed other resources",
        ),
        (
            "testdata/terraform/server-node",
            "milliseconds are not the seconds value",
        ),
        (
            "testdata/terraform/ec2-agent-stop-timeout",
            "ECS_CONTAINER_STOP_TIMEOUT=10s is a Go duration, not seconds",
        ),
    ] {
        let d = rdjson(&[paths]);
        assert!(!d.is_empty(), "{paths}");
        for diagnostic in &d {
            assert!(diagnostic.get("suggestions").is_none(), "{paths}: {why}");
        }
    }
}

#[test]
fn rdjsonl_is_one_self_contained_diagnostic_per_line() {
    let text = stdout("rdjsonl", &["testdata/cloudformation"]);
    let doc = rdjson(&["testdata/cloudformation"]);
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), doc.len());
    for (line, d) in lines.iter().zip(&doc) {
        assert_eq!(line["source"]["name"], "keepalign");
        assert_eq!(line["message"], d["message"]);
        assert!(["ERROR", "WARNING", "INFO"].contains(&line["severity"].as_str().unwrap()));
    }
}

// ---------------------------------------------------------------- CLI

#[test]
fn services_rejects_the_finding_formats() {
    for format in FORMATS {
        let out = keepalign(
            &root(),
            &[
                "services",
                "--format",
                format,
                "testdata/terraform/trap-nlb",
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{format}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!(
                "services prints --format human or json, not {format}"
            )),
            "{err}"
        );
    }
}

#[test]
fn one_scan_writes_every_format_as_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["--format".to_string(), "human".to_string()];
    for f in FORMATS {
        args.push("--report".into());
        args.push(format!(
            "{f}={}",
            dir.path().join(format!("out.{f}")).display()
        ));
    }
    args.push("testdata/terraform/example-gunicorn-alb".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = keepalign(&root(), &args);
    assert_eq!(out.status.code(), Some(1));
    for f in FORMATS {
        let text = std::fs::read_to_string(dir.path().join(format!("out.{f}"))).unwrap();
        assert!(text.contains("KA101"), "{f}: {text}");
    }
}
