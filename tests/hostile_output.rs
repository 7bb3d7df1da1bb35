//! Input is hostile: in a pull request anyone can name a container, a file
//! or write a source line that, printed raw, would run as a GitHub Actions
//! workflow command (`::error …` starting a line, `##[error]` anywhere in
//! one) or drive the terminal (escape sequences, BEL). The human and
//! `services` reports and standard error show such text escaped, and no
//! report on standard output holds a command but the `github` format's own.
//! And a syntax error at a non-ASCII character never panics the report:
//! every other finding is still there.

use std::path::Path;
use std::process::{Command, Output};

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/testdata/terraform/example-gunicorn-alb"
);
const CFN_EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/testdata/cloudformation/seed-classic-elb-gunicorn-2s-yaml/service.yaml"
);

/// A CloudFormation logical ID, which starts the service's line in
/// `services`: the runner trims leading whitespace before looking for `::`,
/// and takes `##[` anywhere in a line for a legacy command.
const LOGICAL_ID: &str = "  ::error file=x,line=1::Injected ##[error]Legacy";
const LOGICAL_ID_SHOWN: &str = r"  \u{3a}:error file=x,line=1::Injected ##\u{5b}error]Legacy";

/// A container name as HCL escapes spell it, and as the reports show it.
const HOSTILE: &str = r"app\u001b]0;PWNED\u0007\n::error file=ecs.tf,line=1::Injected";
const HOSTILE_SHOWN: &str = r"app\u{1b}]0;PWNED\u{7}\n::error file=ecs.tf,line=1::Injected";

/// A file name with a newline, a workflow command and an escape sequence.
const FILE: &str = "alb\n::error file=alb.tf,line=1::Injected\u{1b}[2J.tf";
const FILE_SHOWN: &str = r"alb\n::error file=alb.tf,line=1::Injected\u{1b}[2J.tf";

fn keepalign(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keepalign"))
        .args(args)
        .arg("--isolated")
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("KEEPALIGN_CONFIG")
        .output()
        .expect("binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The example service in `dir`, each file passed through `edit(name, text)`.
fn example(dir: &Path, edit: impl Fn(&str, String) -> String) {
    std::fs::create_dir_all(dir).unwrap();
    for entry in std::fs::read_dir(EXAMPLE).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if name.ends_with(".tf") {
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(dir.join(&name), edit(&name, text)).unwrap();
        }
    }
}

/// Every route at once, in a temporary directory:
/// - `svc/`: the example with the hostile container name, and its `alb.tf`
///   renamed to `FILE`, with a raw ESC, BEL and `::warning::` on the line
///   echoed under the KA101 finding;
/// - `odd/`: the same name, and a server command with escapes, which no
///   server matches (UN002 quotes both);
/// - `broken.tf`: a syntax error on a line that starts with ESC and
///   `::warning`;
/// - `cfn/service.yaml`: a service whose logical ID is `LOGICAL_ID`.
fn hostile_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let name = |text: String| {
        text.replace("name      = \"api\"", &format!("name      = \"{HOSTILE}\""))
            .replace(
                "container_name   = \"api\"",
                &format!("container_name   = \"{HOSTILE}\""),
            )
    };
    example(&dir.path().join("svc"), |file, text| match file {
        "ecs.tf" => name(text),
        "alb.tf" => text.replace(
            "idle_timeout       = 60\n",
            "idle_timeout       = 60 # \u{1b}]0;PWNED\u{7} ::warning::Injected ##[error]Legacy\n",
        ),
        _ => text,
    });
    let svc = dir.path().join("svc");
    std::fs::rename(svc.join("alb.tf"), svc.join(FILE)).unwrap();
    example(&dir.path().join("odd"), |file, text| {
        match file {
        "ecs.tf" => name(text).replace(
            r#"command   = ["gunicorn", "-k", "gevent", "--workers", "4", "--bind", "0.0.0.0:8000", "app.wsgi:application"]"#,
            r#"command   = ["srv\u001b[2J\u0007", "\n::warning file=ecs.tf::Injected"]"#,
        ),
        _ => text,
    }
    });
    let cfn = std::fs::read_to_string(CFN_EXAMPLE).unwrap();
    std::fs::create_dir(dir.path().join("cfn")).unwrap();
    std::fs::write(
        dir.path().join("cfn/service.yaml"),
        cfn.replace("\n  Service:\n", &format!("\n  \"{LOGICAL_ID}\":\n")),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("broken.tf"),
        "\u{1b}[2J::warning file=x,line=1::Injected = {\n",
    )
    .unwrap();
    dir
}

/// Nothing from input drives the terminal or the CI log: no control
/// character but line feeds, no bidi override, no line the runner takes for
/// a workflow command (`::` after leading whitespace, `##[` anywhere).
/// With `colour`, the only escapes are our own colour codes (`ESC [` digits
/// and `;`, then `m`), which are removed before the other checks.
/// Returns the output without our colour codes.
fn assert_safe(what: &str, output: &str, colour: bool) -> String {
    let mut plain = String::new();
    let mut rest = output;
    while let Some(i) = rest.find('\u{1b}') {
        plain.push_str(&rest[..i]);
        let params = rest[i + 1..]
            .strip_prefix('[')
            .unwrap_or_else(|| panic!("{what}: a raw escape that is not a colour code:\n{output}"));
        let n = params
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(params.len());
        rest = params[n..]
            .strip_prefix('m')
            .unwrap_or_else(|| panic!("{what}: a raw escape that is not a colour code:\n{output}"));
        assert!(
            colour,
            "{what}: an escape without --color always:\n{output}"
        );
    }
    plain.push_str(rest);
    for line in plain.split('\n') {
        assert!(
            !line.trim_start().starts_with("::") && !line.contains("##["),
            "{what}: a line is a workflow command: {line:?}\n{output}"
        );
        let bidi = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        assert!(
            !line.chars().any(|c| c.is_control() || bidi(c)),
            "{what}: a raw control character in {line:?}\n{output}"
        );
    }
    plain
}

#[test]
fn the_human_report_escapes_messages_file_names_and_echoed_source() {
    let dir = hostile_tree();
    let o = keepalign(dir.path(), &["check", ".", "--color", "never"]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}{}", text(&o.stderr));
    assert_safe("human report", &out, false);
    assert_safe("standard error", &text(&o.stderr), false);
    // The findings are all there, with the hostile text visible.
    for shown in [
        "[KA101]",
        "[PA001]",
        "[UN002]",
        // Messages: the container name and the server command.
        HOSTILE_SHOWN,
        r"srv\u{1b}[2J\u{7} '\n::warning file=ecs.tf::Injected'",
        // A label's file name.
        &format!("svc/{FILE_SHOWN}:27:24"),
        // Echoed source: each control character one visible character.
        "= 60 # ␛]0;PWNED␇ ::warning::Injected ##\u{fffd}error]Legacy",
        // A note naming the service: `::` mid-line is no command.
        r"Note: service:   ::error file=x,line=1::Injected ##\u{5b}error]Legacy",
        " │ ␛[2J::warning file=x,line=1::Injected = {",
    ] {
        assert!(out.contains(shown), "{shown:?} not in\n{out}");
    }
    insta::assert_snapshot!("hostile-human", out);
}

#[test]
fn with_colour_the_only_escapes_are_our_colour_codes() {
    let dir = hostile_tree();
    let o = keepalign(dir.path(), &["check", ".", "--color", "always"]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("\u{1b}["), "not coloured:\n{out}");
    let plain = assert_safe("coloured human report", &out, true);
    assert!(plain.contains(HOSTILE_SHOWN), "{plain}");
    assert!(
        plain.contains("= 60 # ␛]0;PWNED␇ ::warning::Injected ##\u{fffd}error]Legacy"),
        "{plain}"
    );
    assert!(
        plain.contains(&format!("svc/{FILE_SHOWN}:27:24")),
        "{plain}"
    );
}

#[test]
fn services_escapes_names_paths_and_commands() {
    let dir = hostile_tree();
    let o = keepalign(dir.path(), &["services", "."]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}{}", text(&o.stderr));
    assert_safe("services", &out, false);
    for shown in [
        HOSTILE_SHOWN,
        &format!("\n{LOGICAL_ID_SHOWN}  (cfn/service.yaml:"),
        &format!("(svc/{FILE_SHOWN}:27:24)"),
        r"srv\u{1b}[2J\u{7} '\n::warning file=ecs.tf::Injected'",
    ] {
        assert!(out.contains(shown), "{shown:?} not in\n{out}");
    }
    insta::assert_snapshot!("hostile-services", out);
}

#[test]
fn machine_formats_on_standard_output_hold_no_command_but_ours() {
    let dir = hostile_tree();
    for format in ["json", "sarif", "rdjson", "rdjsonl", "markdown", "github"] {
        let o = keepalign(dir.path(), &["check", ".", "--format", format]);
        let out = text(&o.stdout);
        assert_eq!(o.status.code(), Some(1), "{format}: {}", text(&o.stderr));
        for line in out.lines() {
            let ours = format == "github"
                && ["::error file=", "::warning file=", "::notice file="]
                    .iter()
                    .any(|p| line.starts_with(p));
            assert!(
                ours || !(line.trim_start().starts_with("::") || line.contains("##[")),
                "{format}: a line is a workflow command: {line:?}"
            );
            assert!(!line.contains("##["), "{format}: {line:?}");
            assert!(!line.chars().any(char::is_control), "{format}: {line:?}");
        }
    }
}

#[test]
fn standard_error_escapes_paths_and_values_from_the_command_line() {
    let dir = hostile_tree();
    // No `=`: it also goes into `--var NAME=VALUE`.
    let evil = "x\n::error::Injected\u{1b}]0;PWNED\u{7}";
    let shown = r"x\n::error::Injected\u{1b}]0;PWNED\u{7}";
    let empty = dir.path().join(format!("empty-{evil}"));
    std::fs::create_dir(&empty).unwrap();
    let notes = format!("notes-{evil}.txt");
    std::fs::write(dir.path().join(&notes), "not IaC\n").unwrap();
    let var = format!("{evil}=1");
    let runs: [&[&str]; 6] = [
        // A path that does not exist: an error.
        &["check", &format!("missing-{evil}")],
        // A --var-file that does not exist: an error.
        &["check", ".", "--var-file", evil],
        // A directory with nothing to check: "nothing checked … under PATH".
        &["check", &format!("empty-{evil}")],
        &["services", &format!("empty-{evil}")],
        // A file given by name that is not IaC.
        &["check", &notes, "svc"],
        // A --var no root declares: a warning.
        &["check", "svc", "--var", &var],
    ];
    // A bad option value, which the argument parser quotes (it drops the
    // escape sequence itself, not the line break).
    let o = keepalign(dir.path(), &["check", ".", "--format", evil]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert_safe("a usage error", &err, false);
    assert!(err.contains(r"\u{3a}:error::Injected"), "{err}");
    for args in runs {
        let o = keepalign(dir.path(), args);
        let err = text(&o.stderr);
        assert_ne!(o.status.code(), Some(101), "{args:?}: {err}");
        assert_safe(&format!("standard error of {args:?}"), &err, false);
        assert_safe(&format!("output of {args:?}"), &text(&o.stdout), false);
        assert!(err.contains(shown), "{args:?}: {shown:?} not in\n{err}");
    }
}

/// A file with a syntax error at a non-ASCII character, beside a valid
/// service: (what, path, content).
const AT_NON_ASCII: &[(&str, &str, &str)] = &[
    (
        "a .tf with typographic quotes",
        "main.tf",
        "resource \"aws_lb\" \"x\" {\n  name = “web”\n}\n",
    ),
    (
        "tfvars with typographic quotes",
        "good/terraform.tfvars",
        "x = “a”\n",
    ),
    (
        "a .tf.json with a euro sign",
        "main.tf.json",
        "{\n  \"resource\": {\n    \"aws_lb\": {\"x\": {\"name\": €}}\n  }\n}\n",
    ),
    (
        "a JSON template with a euro sign",
        "template.json",
        "{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Resources\": {\n    \"Lb\": {\"Type\": \"AWS::ElasticLoadBalancingV2::LoadBalancer\", \"Properties\": {\"Name\": €}}\n  }\n}\n",
    ),
    (
        "a YAML template with a misplaced non-ASCII key",
        "template.yaml",
        "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Lb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      a: b\n     Äname: 1\n",
    ),
    (
        "a YAML template with a duplicated non-ASCII key",
        "template.yaml",
        "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Lb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      Äname: 1\n      Äname: 2\n",
    ),
];

#[test]
fn a_syntax_error_at_a_non_ascii_character_loses_no_finding() {
    for (what, path, content) in AT_NON_ASCII {
        let dir = tempfile::tempdir().unwrap();
        example(&dir.path().join("good"), |_, text| text);
        std::fs::write(dir.path().join(path), content).unwrap();
        for format in [
            "human", "json", "sarif", "github", "markdown", "rdjson", "rdjsonl",
        ] {
            let o = keepalign(
                dir.path(),
                &["check", ".", "--format", format, "--color", "never"],
            );
            let (out, err) = (text(&o.stdout), text(&o.stderr));
            assert_eq!(o.status.code(), Some(1), "{what}, {format}:\n{out}{err}");
            for rule in ["KA101", "PA001"] {
                assert!(out.contains(rule), "{what}, {format}: no {rule} in\n{out}");
            }
        }
        let o = keepalign(dir.path(), &["services", "."]);
        assert_eq!(o.status.code(), Some(0), "{what}: {}", text(&o.stderr));
    }
}

#[test]
fn the_snippet_of_a_syntax_error_at_a_non_ascii_character_marks_that_character() {
    let dir = tempfile::tempdir().unwrap();
    let (_, path, content) = AT_NON_ASCII[0];
    std::fs::write(dir.path().join(path), content).unwrap();
    let o = keepalign(dir.path(), &["check", ".", "--color", "never"]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}{}", text(&o.stderr));
    insta::assert_snapshot!("non-ascii-syntax-error-human", out);
}
