//! The GitHub Action (action.yml) run the way the runner runs a composite
//! action: each `run:` step with `bash --noprofile --norc -eo pipefail FILE`
//! in the workspace, its `env:` with the expressions substituted from the
//! inputs (or their defaults), `GITHUB_OUTPUT` fresh for every step, and the
//! action's outputs read back from the steps. The binary under test stands
//! in for the install step (`id: install`); steps that `uses:` another
//! action are skipped.
//!
//! Formats and options that land on other branches (sarif, github,
//! markdown, baselines) are detected from `keepalign --help`: where one is
//! missing its assertions are skipped with a line on standard error saying
//! so, and the action is run without it.

mod common;

use saphyr::{LoadableYamlNode, Yaml};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_keepalign");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const FINDING: &str = "testdata/terraform/example-gunicorn-alb";
const CLEAN: &str = "testdata/terraform/seed-apache-alb-120";

// ------------------------------------------------------------ action.yml

struct Step {
    id: Option<String>,
    uses: Option<String>,
    run: Option<String>,
    shell: Option<String>,
    condition: Option<String>,
    env: Vec<(String, String)>,
}

struct Action {
    /// Input name and default.
    inputs: Vec<(String, String)>,
    /// Output name and its `value:` expression.
    outputs: Vec<(String, String)>,
    steps: Vec<Step>,
}

fn scalar(y: &Yaml) -> Option<String> {
    if let Some(s) = y.as_str() {
        return Some(s.to_string());
    }
    if let Some(b) = y.as_bool() {
        return Some(b.to_string());
    }
    y.as_integer().map(|i| i.to_string())
}

fn map_entries<'a>(y: Option<&'a Yaml<'a>>) -> Vec<(String, &'a Yaml<'a>)> {
    let Some(Yaml::Mapping(m)) = y else {
        return Vec::new();
    };
    m.iter()
        .map(|(k, v)| (scalar(k).expect("string key"), v))
        .collect()
}

fn action_text() -> String {
    std::fs::read_to_string(Path::new(ROOT).join("action.yml")).unwrap()
}

fn load_action() -> Action {
    let text = action_text();
    let docs = Yaml::load_from_str(&text).expect("action.yml is YAML");
    let doc = &docs[0];
    let inputs = map_entries(doc.as_mapping_get("inputs"))
        .into_iter()
        .map(|(name, spec)| {
            let default = spec
                .as_mapping_get("default")
                .and_then(scalar)
                .unwrap_or_default();
            (name, default)
        })
        .collect();
    let outputs = map_entries(doc.as_mapping_get("outputs"))
        .into_iter()
        .map(|(name, spec)| {
            let value = spec
                .as_mapping_get("value")
                .and_then(scalar)
                .expect("output value");
            (name, value)
        })
        .collect();
    let runs = doc.as_mapping_get("runs").expect("runs");
    assert_eq!(
        runs.as_mapping_get("using").and_then(scalar).as_deref(),
        Some("composite")
    );
    let steps = runs
        .as_mapping_get("steps")
        .and_then(|s| s.as_vec())
        .expect("steps")
        .iter()
        .map(|s| {
            let get = |k: &str| s.as_mapping_get(k).and_then(scalar);
            Step {
                id: get("id"),
                uses: get("uses"),
                run: get("run"),
                shell: get("shell"),
                condition: get("if"),
                env: map_entries(s.as_mapping_get("env"))
                    .into_iter()
                    .map(|(k, v)| (k, scalar(v).unwrap_or_default()))
                    .collect(),
            }
        })
        .collect();
    Action {
        inputs,
        outputs,
        steps,
    }
}

/// `${{ … }}` expressions in `text`, trimmed.
fn expressions(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        let after = &rest[start + 3..];
        let end = after.find("}}").expect("closed expression");
        out.push(after[..end].trim().to_string());
        rest = &after[end + 2..];
    }
    out
}

/// Substitute the expressions the harness understands; any other is a
/// harness gap, and fails the test rather than passing silently.
fn substitute(
    text: &str,
    inputs: &HashMap<String, String>,
    steps: &HashMap<String, HashMap<String, String>>,
) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 3..];
        let end = after.find("}}").unwrap();
        let expr = after[..end].trim();
        let value = if let Some(name) = expr.strip_prefix("inputs.") {
            inputs
                .get(name)
                .unwrap_or_else(|| panic!("undeclared input {name}"))
                .clone()
        } else if expr == "github.action_path" {
            ROOT.to_string()
        } else if let Some(path) = expr.strip_prefix("steps.") {
            let (id, output) = path.split_once(".outputs.").expect("steps.ID.outputs.NAME");
            steps
                .get(id)
                .and_then(|o| o.get(output))
                .cloned()
                .unwrap_or_default()
        } else {
            panic!("the harness cannot evaluate ${{{{ {expr} }}}}")
        };
        out.push_str(&value);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// `GITHUB_OUTPUT`'s two forms: `name=value` and `name<<DELIM … DELIM`.
fn parse_outputs(text: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delim)) = line.split_once("<<") {
            let mut value = Vec::new();
            for l in lines.by_ref() {
                if l == delim {
                    break;
                }
                value.push(l);
            }
            out.insert(name.to_string(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            out.insert(name.to_string(), value.to_string());
        }
    }
    out
}

// ------------------------------------------------------------ the runner

struct Env<'a> {
    workspace: &'a Path,
    /// Everything the run may write lives under here.
    scratch: &'a Path,
    event: &'a str,
    base_ref: &'a str,
}

struct ActionRun {
    /// The failing step's exit status, or 0.
    status: i32,
    stdout: String,
    stderr: String,
    outputs: HashMap<String, String>,
    summary: String,
}

fn run_action(env: &Env, given: &[(&str, &str)]) -> ActionRun {
    let action = load_action();
    let mut inputs: HashMap<String, String> = action.inputs.iter().cloned().collect();
    for (k, v) in given {
        assert!(inputs.contains_key(*k), "the action has no input {k}");
        inputs.insert(k.to_string(), v.to_string());
    }
    let runner = env.scratch.join("runner");
    let temp = runner.join("temp");
    let home = runner.join("home");
    std::fs::create_dir_all(&temp).unwrap();
    std::fs::create_dir_all(&home).unwrap();
    let summary_file = runner.join("step_summary.md");
    std::fs::write(&summary_file, "").unwrap();
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut step_outputs: HashMap<String, HashMap<String, String>> = HashMap::new();
    let (mut stdout, mut stderr, mut status) = (String::new(), String::new(), 0);
    for (n, step) in action.steps.iter().enumerate() {
        if step.uses.is_some() || step.id.as_deref() == Some("install") {
            continue;
        }
        assert!(
            step.condition.is_none(),
            "the harness does not evaluate `if:` on run steps"
        );
        assert_eq!(step.shell.as_deref(), Some("bash"), "run steps use bash");
        let script = runner.join(format!("step{n}.sh"));
        std::fs::write(&script, step.run.as_deref().expect("run")).unwrap();
        let output_file = runner.join(format!("output{n}"));
        std::fs::write(&output_file, "").unwrap();
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script)
            .current_dir(env.workspace)
            .env_clear()
            .env("PATH", &path)
            .env("HOME", &home)
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_ACTION_PATH", ROOT)
            .env("GITHUB_WORKSPACE", env.workspace)
            .env("GITHUB_STEP_SUMMARY", &summary_file)
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_ENV", runner.join("env"))
            .env("GITHUB_PATH", runner.join("path"))
            .env("GITHUB_EVENT_NAME", env.event)
            .env("GITHUB_BASE_REF", env.base_ref)
            .env("RUNNER_TEMP", &temp)
            .env("RUNNER_TOOL_CACHE", runner.join("tool-cache"))
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64");
        for (k, v) in &step.env {
            cmd.env(k, substitute(v, &inputs, &step_outputs));
        }
        let o = cmd.output().expect("bash runs");
        stdout.push_str(&String::from_utf8_lossy(&o.stdout));
        stderr.push_str(&String::from_utf8_lossy(&o.stderr));
        let outs = parse_outputs(&std::fs::read_to_string(&output_file).unwrap());
        if let Some(id) = &step.id {
            step_outputs.insert(id.clone(), outs);
        }
        if !o.status.success() {
            status = o.status.code().unwrap_or(-1);
            break;
        }
    }
    let outputs = action
        .outputs
        .iter()
        .map(|(name, expr)| (name.clone(), substitute(expr, &inputs, &step_outputs)))
        .collect();
    ActionRun {
        status,
        stdout,
        stderr,
        outputs,
        summary: std::fs::read_to_string(&summary_file).unwrap(),
    }
}

// ------------------------------------------------------------ features

fn help() -> &'static str {
    static HELP: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HELP.get_or_init(|| {
        let o = Command::new(BIN).arg("--help").output().unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    })
}

/// Whether this build of keepalign has `--format NAME`.
fn has_format(name: &str) -> bool {
    help().lines().any(|l| {
        let l = l.trim();
        l.starts_with(&format!("- {name}:"))
            || l == format!("- {name}")
            || (l.starts_with("[possible values:") && l.split([' ', ',', ']']).any(|w| w == name))
    })
}

fn has_baselines() -> bool {
    help().contains("--create-baseline") && help().contains("--baseline")
}

/// Note a skipped assertion where every `cargo test` shows it.
fn skip(what: &str, needs: &str) {
    common::visible_warning(&format!(
        "action test skipped (needs {needs}, not in this build): {what}"
    ));
}

/// The inputs that turn off outputs this build cannot write.
fn feature_inputs() -> Vec<(&'static str, &'static str)> {
    let mut v = Vec::new();
    if !has_format("github") {
        v.push(("annotations", "false"));
    }
    if !has_format("markdown") {
        v.push(("summary", "false"));
    }
    v
}

// ------------------------------------------------------------ fixtures

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// A workspace with `infra/app` holding `fixture`.
fn workspace(scratch: &Path, fixture: &str) -> PathBuf {
    let ws = scratch.join("ws");
    copy_dir(&Path::new(ROOT).join(fixture), &ws.join("infra/app"));
    ws
}

fn files_named(dir: &Path, name: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for e in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        if e.file_name() == name {
            found.push(e.path().to_path_buf());
        }
    }
    found
}

fn push_env<'a>(ws: &'a Path, scratch: &'a Path) -> Env<'a> {
    Env {
        workspace: ws,
        scratch,
        event: "push",
        base_ref: "",
    }
}

// ------------------------------------------------------------ the tests

#[test]
fn no_expression_is_pasted_into_a_script() {
    let action = load_action();
    for step in &action.steps {
        if let Some(run) = &step.run {
            assert!(
                !run.contains("${{"),
                "a run: script contains an expression; pass it through env: instead:\n{run}"
            );
        }
    }
    // Every expression names a declared input, the action path or a step output.
    let declared: Vec<&str> = action.inputs.iter().map(|(n, _)| n.as_str()).collect();
    let ids: Vec<&str> = action
        .steps
        .iter()
        .filter_map(|s| s.id.as_deref())
        .collect();
    for expr in expressions(&action_text()) {
        if let Some(input) = expr.strip_prefix("inputs.") {
            assert!(declared.contains(&input), "undeclared input {input}");
        } else if let Some(path) = expr.strip_prefix("steps.") {
            let id = path.split('.').next().unwrap();
            assert!(ids.contains(&id), "no step {id}");
        } else {
            panic!("unexpected expression ${{{{ {expr} }}}}");
        }
    }
    // Every input reaches a script.
    for name in declared {
        assert!(
            action_text().contains(&format!("${{{{ inputs.{name} }}}}")),
            "input {name} is never used"
        );
    }
    for out in ["findings", "errors", "sarif-file", "exit-code"] {
        assert!(action.outputs.iter().any(|(n, _)| n == out), "output {out}");
    }
    // Other actions are pinned to a full commit.
    for uses in action.steps.iter().filter_map(|s| s.uses.as_deref()) {
        let (_, rev) = uses.split_once('@').expect("a version");
        assert!(
            rev.len() == 40 && rev.chars().all(|c| c.is_ascii_hexdigit()),
            "{uses}"
        );
    }
}

/// Run action/install.sh with a stand-in `cargo` that records its
/// arguments and installs a fake binary reporting `reports` as its version.
fn install(
    scratch: &Path,
    root: &Path,
    version_input: &str,
    reports: &str,
) -> (i32, String, String) {
    let fake = scratch.join("fake-bin");
    std::fs::create_dir_all(&fake).unwrap();
    let cargo = fake.join("cargo");
    std::fs::write(
        &cargo,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"{log}\"\n\
             while [ \"$1\" != --root ]; do shift; done\n\
             mkdir -p \"$2/bin\"\n\
             printf '#!/bin/sh\\necho \"keepalign {reports}\"\\n' > \"$2/bin/keepalign\"\n\
             chmod +x \"$2/bin/keepalign\"\n",
            log = scratch.join("cargo.log").display()
        ),
    )
    .unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(&cargo)
        .status()
        .unwrap();
    let github_path = scratch.join("github_path");
    std::fs::write(&github_path, "").unwrap();
    let o = Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(Path::new(ROOT).join("action/install.sh"))
        .env_clear()
        .env("PATH", format!("{}:/usr/bin:/bin", fake.display()))
        .env("GITHUB_ACTION_PATH", ROOT)
        .env("GITHUB_PATH", &github_path)
        .env("KEEPALIGN_ROOT", root)
        .env("KEEPALIGN_VERSION", "0.1.0")
        .env("INPUT_VERSION", version_input)
        .output()
        .unwrap();
    let log = std::fs::read_to_string(scratch.join("cargo.log")).unwrap_or_default();
    std::fs::remove_file(scratch.join("cargo.log")).ok();
    assert_eq!(
        std::fs::read_to_string(&github_path).unwrap(),
        format!("{}/bin\n", root.display()),
        "the install directory is added to PATH"
    );
    (
        o.status.code().unwrap_or(-1),
        log,
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn the_install_step_builds_once_per_runner() {
    let action = load_action();
    let step = action
        .steps
        .iter()
        .find(|s| s.id.as_deref() == Some("install"))
        .expect("an install step");
    assert!(step.run.as_deref().unwrap().contains("action/install.sh"));
    assert!(
        action.steps.iter().any(|s| s
            .uses
            .as_deref()
            .is_some_and(|u| u.starts_with("actions/cache@"))),
        "the install directory is cached"
    );
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path().join("tool-cache/keepalign/0.1.0");
    // Nothing there: cargo installs the action's own source, locked.
    let (status, log, _) = install(scratch.path(), &root, "", "0.1.0");
    assert_eq!(status, 0);
    assert_eq!(
        log,
        format!("install --locked --root {} --path {ROOT}\n", root.display())
    );
    // There, with the right version (a cache hit, or a second use in the job): no build.
    let (status, log, stdout) = install(scratch.path(), &root, "", "0.1.0");
    assert_eq!(status, 0);
    assert_eq!(log, "");
    assert!(stdout.contains("already installed"));
    // A stale binary (another version) is rebuilt.
    std::fs::write(
        root.join("bin/keepalign"),
        "#!/bin/sh\necho \"keepalign 0.0.9\"\n",
    )
    .unwrap();
    let (status, log, _) = install(scratch.path(), &root, "", "0.1.0");
    assert_eq!(status, 0);
    assert!(log.starts_with("install --locked"), "{log}");
    // A version input installs that release from crates.io.
    let other = scratch.path().join("tool-cache/keepalign/0.2.0");
    let (status, log, _) = install(scratch.path(), &other, "0.2.0", "0.2.0");
    assert_eq!(status, 0);
    assert_eq!(
        log,
        format!(
            "install --locked --root {} --version 0.2.0 keepalign\n",
            other.display()
        )
    );
}

#[test]
fn prepare_keys_the_cache_by_version_and_lockfile() {
    let scratch = tempfile::tempdir().unwrap();
    let ws = scratch.path().join("ws");
    std::fs::create_dir_all(&ws).unwrap();
    // The prepare step is the first: read its GITHUB_OUTPUT.
    let mut inputs = feature_inputs();
    inputs.push(("allow-empty", "true"));
    let r = run_action(&push_env(&ws, scratch.path()), &inputs);
    assert_eq!(r.status, 0, "{}{}", r.stdout, r.stderr);
    let out = std::fs::read_to_string(scratch.path().join("runner/output0")).unwrap();
    let prep = parse_outputs(&out);
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(prep["version"], version);
    assert!(
        prep["key"].starts_with(&format!("keepalign-Linux-X64-{version}-source-")),
        "{}",
        prep["key"]
    );
    assert!(prep["root"].contains(&format!("keepalign/{version}-source-")));
    // A bad version input stops before any install.
    let r = run_action(
        &push_env(&ws, scratch.path()),
        &[("version", "1.0; touch pwned")],
    );
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("version must be a release number"));
    assert!(files_named(scratch.path(), "pwned").is_empty());
}

#[test]
fn a_finding_fails_the_step_and_sets_the_outputs() {
    let scratch = tempfile::tempdir().unwrap();
    let ws = workspace(scratch.path(), FINDING);
    let mut inputs = feature_inputs();
    inputs.push(("path", "infra"));
    let r = run_action(&push_env(&ws, scratch.path()), &inputs);
    assert_eq!(r.status, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.outputs["exit-code"], "1");
    assert_eq!(r.outputs["findings"], "1");
    assert_eq!(r.outputs["errors"], "1");
    assert_eq!(r.outputs["sarif-file"], "");
    // The human report is in the log, inside stop-commands: file contents
    // it quotes cannot issue workflow commands.
    let stop = r.stdout.find("::stop-commands::").expect("stop-commands");
    let token = r.stdout[stop + 17..].lines().next().unwrap().to_string();
    assert_eq!(token.len(), 32, "a random token");
    let resume = r.stdout.find(&format!("::{token}::")).expect("resumed");
    let report = &r.stdout[stop..resume];
    assert!(report.contains("[KA101]"), "{report}");
    assert!(report.contains("infra/app/ecs.tf"), "{report}");

    if has_format("github") {
        let after = &r.stdout[resume..];
        assert!(
            after
                .lines()
                .any(|l| l.starts_with("::error ") && l.contains("file=infra/app/ecs.tf")),
            "annotations after the report:\n{after}"
        );
    } else {
        skip(
            "annotations (::error file=infra/app/ecs.tf) on stdout",
            "--format github",
        );
    }
    if has_format("markdown") {
        assert!(
            r.summary.contains("KA101") || r.summary.contains("keepalive-not-above-idle-timeout"),
            "{}",
            r.summary
        );
        // Markdown escapes the underscores.
        let unescaped = r.summary.replace('\\', "");
        assert!(unescaped.contains("aws_ecs_service.api"), "{}", r.summary);
    } else {
        skip(
            "the job summary names KA101 and the service",
            "--format markdown",
        );
        assert_eq!(r.summary, "", "summary: false writes nothing");
    }
}

#[test]
fn sarif_file_for_code_scanning() {
    if !has_format("sarif") {
        skip(
            "format-sarif writes SARIF 2.1.0 and sets sarif-file",
            "--format sarif",
        );
        return;
    }
    let scratch = tempfile::tempdir().unwrap();
    let ws = workspace(scratch.path(), FINDING);
    let mut inputs = feature_inputs();
    inputs.extend([
        ("path", "infra"),
        ("format-sarif", "reports/keepalign.sarif"),
    ]);
    let r = run_action(&push_env(&ws, scratch.path()), &inputs);
    assert_eq!(r.status, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.outputs["sarif-file"], "reports/keepalign.sarif");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ws.join("reports/keepalign.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "KA101");
}

#[test]
fn a_clean_tree_passes() {
    let scratch = tempfile::tempdir().unwrap();
    let ws = workspace(scratch.path(), CLEAN);
    let r = run_action(&push_env(&ws, scratch.path()), &feature_inputs());
    assert_eq!(r.status, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.outputs["exit-code"], "0");
    assert_eq!(r.outputs["findings"], "0");
    assert_eq!(r.outputs["errors"], "0");
    assert!(
        r.stdout.contains("no findings in 1 service chain"),
        "{}",
        r.stdout
    );
}

#[test]
fn nothing_to_check_fails_unless_allow_empty() {
    let scratch = tempfile::tempdir().unwrap();
    let ws = scratch.path().join("ws");
    std::fs::create_dir_all(ws.join("docs")).unwrap();
    std::fs::write(ws.join("docs/readme.yml"), "title: not infrastructure\n").unwrap();
    let mut inputs = feature_inputs();
    let r = run_action(&push_env(&ws, scratch.path()), &inputs);
    assert_eq!(r.status, 2, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.outputs["exit-code"], "2");
    assert_eq!(r.outputs["findings"], "0");
    assert!(
        r.stdout
            .contains("no Terraform, CloudFormation or plan file"),
        "{}",
        r.stdout
    );
    inputs.push(("allow-empty", "true"));
    let r = run_action(&push_env(&ws, scratch.path()), &inputs);
    assert_eq!(r.status, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.outputs["exit-code"], "0");
}

#[test]
fn fail_on_and_args_reach_keepalign_as_words() {
    let scratch = tempfile::tempdir().unwrap();
    let ws = workspace(scratch.path(), FINDING);
    let mut inputs = feature_inputs();
    inputs.push(("fail-on", "never"));
    let r = run_action(&push_env(&ws, scratch.path()), &inputs);
    assert_eq!(r.status, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.outputs["findings"], "1");

    // Several arguments over several lines, split into separate words (as
    // one word, keepalign would reject them with exit status 2).
    std::fs::write(ws.join("infra/app/fix.tfvars"), "").unwrap();
    let mut inputs = feature_inputs();
    inputs.push((
        "args",
        "--fail-on   error\n  --var-file infra/app/fix.tfvars",
    ));
    let r = run_action(&push_env(&ws, scratch.path()), &inputs);
    assert_eq!(r.status, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.outputs["errors"], "1");
    // An unknown fail-on value is keepalign's usage error, not a shell error.
    let mut inputs = feature_inputs();
    inputs.push(("fail-on", "sometimes"));
    let r = run_action(&push_env(&ws, scratch.path()), &inputs);
    assert_eq!(r.status, 2);
    assert!(
        r.stdout.contains("invalid value 'sometimes'"),
        "{}",
        r.stdout
    );
}

#[test]
fn hostile_inputs_are_never_executed() {
    let scratch = tempfile::tempdir().unwrap();
    let ws = workspace(scratch.path(), FINDING);
    let hostile = [
        "\"; touch pwned #",
        "'; touch pwned #",
        "$(touch pwned)",
        "`touch pwned`",
        "infra; touch pwned",
        "infra\n--format json; touch pwned",
        "*",
    ];
    for h in hostile {
        for input in ["path", "args", "config", "fail-on", "format-sarif"] {
            let mut inputs = feature_inputs();
            inputs.push((input, h));
            let r = run_action(&push_env(&ws, scratch.path()), &inputs);
            let pwned = files_named(scratch.path(), "pwned");
            assert!(
                pwned.is_empty(),
                "{input} = {h:?} created {pwned:?}\n{}{}",
                r.stdout,
                r.stderr
            );
            assert!(!Path::new(ROOT).join("pwned").exists());
            // Whatever keepalign made of it, the outputs are its own.
            assert!(
                ["0", "1", "2"].contains(&r.outputs["exit-code"].as_str()),
                "{input} = {h:?}: exit-code {:?}\n{}",
                r.outputs["exit-code"],
                r.stderr
            );
        }
    }
    // The shell's words are the path: a path named like an option is a path.
    let mut inputs = feature_inputs();
    inputs.push(("path", "--version"));
    let r = run_action(&push_env(&ws, scratch.path()), &inputs);
    assert_eq!(r.status, 2);
    assert!(
        r.stdout.contains("./--version: no such file"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_value_with_a_newline_cannot_add_outputs() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("out");
    let o = Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c"])
        .arg("source \"$1/action/lib.sh\"; set_output sarif-file \"$2\"; set_output exit-code 1")
        .args(["bash", ROOT, "x.sarif\nexit-code=0\nfindings=0"])
        .env("GITHUB_OUTPUT", &out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let outputs = parse_outputs(&std::fs::read_to_string(&out).unwrap());
    assert_eq!(outputs.len(), 2, "{outputs:?}");
    assert_eq!(outputs["sarif-file"], "x.sarif\nexit-code=0\nfindings=0");
    assert_eq!(outputs["exit-code"], "1");
}

#[test]
fn boolean_inputs_are_checked() {
    let scratch = tempfile::tempdir().unwrap();
    let ws = workspace(scratch.path(), CLEAN);
    let r = run_action(
        &push_env(&ws, scratch.path()),
        &[("only-new", "yes please")],
    );
    assert_eq!(r.status, 2);
    assert!(
        r.stderr.contains("input only-new must be true or false"),
        "{}",
        r.stderr
    );
}

// ------------------------------------------------------------ only-new

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A repository whose `main` has one misaligned service (infra/a) and whose
/// `feature` branch adds a second (infra/b).
fn pull_request_repo(scratch: &Path) -> PathBuf {
    let ws = scratch.join("ws");
    copy_dir(&Path::new(ROOT).join(FINDING), &ws.join("infra/a"));
    git(&ws, &["init", "-q"]);
    git(&ws, &["add", "."]);
    git(&ws, &["commit", "-q", "-m", "base"]);
    git(&ws, &["checkout", "-q", "-b", "feature"]);
    copy_dir(&Path::new(ROOT).join(FINDING), &ws.join("infra/b"));
    git(&ws, &["add", "."]);
    git(&ws, &["commit", "-q", "-m", "head"]);
    ws
}

fn worktrees(ws: &Path) -> usize {
    let o = Command::new("git")
        .args(["worktree", "list", "--porcelain"])
        .current_dir(ws)
        .output()
        .unwrap();
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| l.starts_with("worktree "))
        .count()
}

#[test]
fn only_new_outside_a_pull_request_reports_everything() {
    let scratch = tempfile::tempdir().unwrap();
    let ws = pull_request_repo(scratch.path());
    let mut inputs = feature_inputs();
    inputs.extend([("path", "infra"), ("only-new", "true")]);
    let r = run_action(&push_env(&ws, scratch.path()), &inputs);
    assert_eq!(r.status, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.outputs["findings"], "2");
    assert!(r.stdout.contains("only-new: not a pull request (push)"));
}

#[test]
fn only_new_on_a_pull_request_reports_what_the_base_lacks() {
    let scratch = tempfile::tempdir().unwrap();
    let ws = pull_request_repo(scratch.path());
    let mut inputs = feature_inputs();
    inputs.extend([("path", "infra"), ("only-new", "true")]);
    let env = Env {
        workspace: &ws,
        scratch: scratch.path(),
        event: "pull_request",
        base_ref: "main",
    };
    let r = run_action(&env, &inputs);
    assert_eq!(worktrees(&ws), 1, "the base worktree is removed");
    assert!(
        r.stdout.contains("only-new: scanning the base commit"),
        "{}",
        r.stdout
    );
    if has_baselines() {
        assert_eq!(r.status, 1, "{}{}", r.stdout, r.stderr);
        assert_eq!(r.outputs["findings"], "1", "only infra/b is new");
        assert_eq!(r.outputs["errors"], "1");
        if has_format("github") {
            let annotations: Vec<&str> = r
                .stdout
                .lines()
                .filter(|l| l.starts_with("::error ") || l.starts_with("::warning "))
                .collect();
            assert!(
                annotations
                    .iter()
                    .any(|l| l.contains("file=infra/b/ecs.tf")),
                "{annotations:?}"
            );
            assert!(
                !annotations.iter().any(|l| l.contains("file=infra/a/")),
                "the base's finding is not annotated: {annotations:?}"
            );
        }
        if has_format("markdown") {
            assert!(
                r.summary.contains("not in the base commit"),
                "{}",
                r.summary
            );
        }
    } else {
        skip(
            "only-new reports only infra/b's finding (baseline of the base commit)",
            "--baseline and --create-baseline",
        );
        // Without baselines the base scan fails, and the action says so and
        // reports every finding rather than hiding any.
        assert_eq!(r.status, 1, "{}{}", r.stdout, r.stderr);
        assert_eq!(r.outputs["findings"], "2");
        assert!(
            r.stderr
                .contains("::warning::only-new: scanning the base commit failed"),
            "{}",
            r.stderr
        );
    }

    // A path the pull request adds is not in the base: all of it is new.
    let mut inputs = feature_inputs();
    inputs.extend([("path", "infra/b"), ("only-new", "true")]);
    let r = run_action(&env, &inputs);
    assert_eq!(r.status, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.outputs["findings"], "1");
    assert!(r.stdout.contains("has none of the paths"), "{}", r.stdout);
    assert_eq!(worktrees(&ws), 1);

    // A base branch name that is not a branch name is refused, not run.
    let env = Env {
        base_ref: "main; touch pwned",
        ..env
    };
    let r = run_action(&env, &inputs);
    assert!(r.stderr.contains("not a valid branch name"), "{}", r.stderr);
    assert!(files_named(scratch.path(), "pwned").is_empty());
}

#[test]
fn outputs_list_is_what_the_docs_promise() {
    let action = load_action();
    let names: BTreeMap<&str, &str> = action
        .outputs
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(names["findings"], "${{ steps.scan.outputs.findings }}");
    let docs = std::fs::read_to_string(Path::new(ROOT).join("docs/github-action.md")).unwrap();
    for (name, _) in &action.inputs {
        assert!(
            docs.contains(&format!("`{name}`")),
            "docs/github-action.md documents input {name}"
        );
    }
    for name in names.keys() {
        assert!(
            docs.contains(&format!("`{name}`")),
            "docs/github-action.md documents output {name}"
        );
    }
}
