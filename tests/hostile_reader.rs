//! Hostile files in a scanned repository: links that leave it, FIFOs,
//! devices, text that is not UTF-8, oversized files. The binary runs as a
//! child process with a time limit, so a read that blocks or never ends
//! fails the test instead of hanging the suite, and every output format is
//! checked for what must never be echoed.
#![cfg(unix)]

use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_keepalign");
/// What the files outside the repository hold; no output may show it.
const SECRET: &str = "SECRETMARKER";
const LIMIT: Duration = Duration::from_secs(30);

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// Run keepalign in `cwd`; killed after `LIMIT`, which fails the test.
fn keepalign<S: AsRef<OsStr>>(cwd: &Path, args: &[S]) -> Out {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .env_remove("KEEPALIGN_CONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn keepalign");
    // Drain the pipes on threads so a large report cannot block the child.
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("stdout")));
    let err = drain(Box::new(child.stderr.take().expect("stderr")));
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "keepalign {:?} did not finish in {LIMIT:?}",
                args_text(args)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Out {
        code: status.code().unwrap_or(-1),
        stdout: out.join().expect("stdout thread"),
        stderr: err.join().expect("stderr thread"),
    }
}

fn args_text<S: AsRef<OsStr>>(args: &[S]) -> Vec<String> {
    args.iter()
        .map(|a| a.as_ref().to_string_lossy().into_owned())
        .collect()
}

/// A scratch directory holding `repo/` (a git work tree with one load
/// balancer) and `outside/secret`, a file the repository must not reach.
struct Scratch {
    _dir: tempfile::TempDir,
    top: PathBuf,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().expect("tempdir");
        let top = dir.path().canonicalize().expect("canonical");
        std::fs::create_dir_all(top.join("repo/.git")).expect("mkdir");
        std::fs::create_dir_all(top.join("outside")).expect("mkdir");
        std::fs::write(
            top.join("repo/main.tf"),
            "resource \"aws_lb\" \"main\" {\n  idle_timeout = 60\n}\n",
        )
        .expect("write");
        // Would parse as nothing useful in any language, so a read would
        // show it in a PA001 snippet; a template and a plan too.
        std::fs::write(
            top.join("outside/secret"),
            format!("AWSTemplateFormatVersion: {SECRET}\nResources: {SECRET} {{{{{{\n"),
        )
        .expect("write");
        Scratch { _dir: dir, top }
    }

    fn repo(&self) -> PathBuf {
        self.top.join("repo")
    }

    fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> PathBuf {
        let p = self.repo().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
        p
    }

    fn link(&self, rel: &str, target: &Path) {
        let p = self.repo().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::os::unix::fs::symlink(target, p).expect("symlink");
    }

    fn fifo(&self, rel: &str) {
        let p = self.repo().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        let ok = Command::new("mkfifo")
            .arg(&p)
            .status()
            .expect("mkfifo")
            .success();
        assert!(ok, "mkfifo {}", p.display());
    }

    fn secret(&self) -> PathBuf {
        self.top.join("outside/secret")
    }
}

/// The JSON report's findings of `rule`, as (file, line, message).
fn findings(out: &Out, rule: &str) -> Vec<(String, u64, String)> {
    let v: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON report: {e}\n{}", out.all()));
    v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            (
                f["location"]["file"].as_str().unwrap_or("").to_string(),
                f["location"]["line"].as_u64().unwrap_or(0),
                f["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The PA001 findings of a scan of `repo` naming `file` (by its end).
fn pa001_for(cwd: &Path, extra: &[&str], file: &str) -> Vec<String> {
    let mut args = vec!["check", "repo", "--format", "json"];
    args.extend(extra);
    let out = keepalign(cwd, &args);
    findings(&out, "PA001")
        .into_iter()
        .filter(|(f, line, _)| f.ends_with(file) && *line >= 1)
        .map(|(_, _, m)| m)
        .collect()
}

/// Every output format and the services view of a scan of `repo`.
fn every_output(cwd: &Path, extra: &[&str]) -> String {
    let mut all = String::new();
    for format in [
        "human", "json", "sarif", "github", "markdown", "rdjson", "rdjsonl",
    ] {
        let mut args = vec!["check", "repo", "--format", format];
        args.extend(extra);
        all.push_str(&keepalign(cwd, &args).all());
    }
    let mut args = vec!["services", "repo"];
    args.extend(extra);
    all.push_str(&keepalign(cwd, &args).all());
    all
}

#[test]
fn a_link_leaving_the_repository_is_reported_by_name_and_never_read() {
    for rel in [
        "passwd.tf",
        "passwd.tf.json",
        "terraform.tfvars",
        "prod.auto.tfvars",
        "stack.yaml",
        "stack.json",
        ".terraform/modules/modules.json",
    ] {
        let s = Scratch::new();
        s.link(rel, &s.secret());
        let all = every_output(&s.top, &[]);
        assert!(
            !all.contains(SECRET),
            "{rel}: outside content shown:\n{all}"
        );
        let pa = pa001_for(&s.top, &[], rel);
        assert!(
            pa.iter().any(|m| m.contains("outside the repository")),
            "{rel}: no PA001 naming the link: {pa:?}"
        );
    }
}

/// The repository with an ECS chain whose container definitions come from
/// `file("defs.txt")`.
fn with_file_function(s: &Scratch) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/terraform/bad-file-outside");
    for name in ["ecs.tf", "main.tf", "variables.tf"] {
        let text = std::fs::read_to_string(fixture.join(name)).expect("fixture");
        s.write(name, text.replace("../../../../../etc/passwd", "defs.txt"));
    }
}

#[test]
fn a_file_function_target_linked_out_of_the_repository_is_not_read() {
    let s = Scratch::new();
    with_file_function(&s);
    s.link("defs.txt", &s.secret());
    let all = every_output(&s.top, &[]);
    assert!(!all.contains(SECRET), "outside content shown:\n{all}");
    let out = keepalign(&s.top, &["services", "repo"]);
    assert!(
        out.stdout.contains("outside the repository"),
        "{}",
        out.all()
    );
}

#[test]
fn a_var_file_planted_as_a_link_inside_the_repository_is_not_read() {
    let s = Scratch::new();
    s.link("env/prod.tfvars", &s.secret());
    let all = every_output(&s.top, &["--var-file", "repo/env/prod.tfvars"]);
    assert!(!all.contains(SECRET), "outside content shown:\n{all}");
    let pa = pa001_for(
        &s.top,
        &["--var-file", "repo/env/prod.tfvars"],
        "prod.tfvars",
    );
    assert!(
        pa.iter().any(|m| m.contains("outside the repository")),
        "{pa:?}"
    );
}

#[test]
fn a_var_file_outside_any_repository_is_read_as_named() {
    let s = Scratch::new();
    std::fs::write(s.top.join("outside/vars.tfvars"), "timeout = 30\n").expect("write");
    let out = keepalign(
        &s.top,
        &[
            "check",
            "repo",
            "--format",
            "json",
            "--var-file",
            "outside/vars.tfvars",
        ],
    );
    assert!(findings(&out, "PA001").is_empty(), "{}", out.all());
}

#[test]
fn fifos_are_refused_without_blocking() {
    for rel in [
        "fifo.tf",
        "terraform.tfvars",
        "x.auto.tfvars",
        "stack.yaml",
        ".terraform/modules/modules.json",
    ] {
        let s = Scratch::new();
        s.fifo(rel);
        let pa = pa001_for(&s.top, &[], rel);
        assert!(
            pa.iter().any(|m| m.contains("named pipe")),
            "{rel}: no PA001 naming the FIFO: {pa:?}"
        );
    }
}

#[test]
fn a_file_function_reading_a_fifo_does_not_hang() {
    let s = Scratch::new();
    with_file_function(&s);
    s.fifo("defs.txt");
    let out = keepalign(&s.top, &["services", "repo"]);
    assert!(out.stdout.contains("named pipe"), "{}", out.all());
}

#[test]
fn a_plan_given_by_name_that_is_a_fifo_does_not_hang() {
    let s = Scratch::new();
    s.fifo("plan.json");
    let out = keepalign(&s.top, &["plan", "repo/plan.json"]);
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(out.stderr.contains("named pipe"), "{}", out.all());
    let out = keepalign(&s.top, &["check", "repo/plan.json", "--format", "json"]);
    assert!(
        findings(&out, "PA001")
            .iter()
            .any(|(f, _, m)| f.ends_with("plan.json") && m.contains("named pipe")),
        "{}",
        out.all()
    );
}

#[test]
fn a_configuration_file_that_is_a_fifo_is_named_as_such_without_blocking() {
    let s = Scratch::new();
    s.write("repo/main.tf", "");
    s.fifo("keepalign.toml");
    let out = keepalign(
        &s.top,
        &["check", "repo", "--config", "repo/keepalign.toml"],
    );
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stderr.contains("not a regular file"),
        "not \"no such file\": {}",
        out.all()
    );
}

#[test]
fn an_oversized_plan_given_by_name_says_it_is_too_large_not_binary() {
    let s = Scratch::new();
    let pad = "x".repeat(65 * 1024 * 1024);
    s.write(
        "plan.json",
        format!("{{\"format_version\": \"1.2\", \"planned_values\": {{}}, \"pad\": \"{pad}\"}}"),
    );
    let out = keepalign(&s.top, &["check", "repo/plan.json"]);
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stderr.contains("larger than the 64 MiB"),
        "{}",
        out.all()
    );
    assert!(!out.stderr.contains("binary"), "{}", out.all());
}

#[test]
fn a_device_is_refused_not_read_until_memory_runs_out() {
    // Inside the repository a link to /dev/zero leaves it; named on the
    // command line outside any repository, the device itself is refused.
    let s = Scratch::new();
    s.link("zero.tf", Path::new("/dev/zero"));
    s.link("zero.auto.tfvars", Path::new("/dev/zero"));
    s.link(".terraform/modules/modules.json", Path::new("/dev/zero"));
    for rel in ["zero.tf", "zero.auto.tfvars", "modules.json"] {
        let pa = pa001_for(&s.top, &[], rel);
        assert!(
            pa.iter().any(|m| m.contains("outside the repository")),
            "{rel}: {pa:?}"
        );
    }
    std::os::unix::fs::symlink("/dev/zero", s.top.join("outside/zero.tfvars")).expect("symlink");
    let out = keepalign(
        &s.top,
        &["check", "repo", "--var-file", "outside/zero.tfvars"],
    );
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(out.stderr.contains("not a regular file"), "{}", out.all());
}

const TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Lb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      Name: caf\u{e9}\n";

#[test]
fn a_template_that_is_not_utf8_text_is_pa001_not_dropped() {
    let latin1: Vec<u8> = TEMPLATE
        .replace('\u{e9}', "\u{1}")
        .bytes()
        .map(|b| if b == 1 { 0xe9 } else { b })
        .collect();
    let with_nul = TEMPLATE.replace('\u{e9}', "\0");
    for (name, bytes) in [
        ("latin1.yaml", latin1),
        ("nul.template", with_nul.into_bytes()),
    ] {
        let s = Scratch::new();
        s.write(name, bytes);
        let out = keepalign(&s.top, &["check", "repo", "--format", "json"]);
        let pa = findings(&out, "PA001");
        assert!(
            pa.iter()
                .any(|(f, line, _)| f.ends_with(name) && *line == 6),
            "{name}: {}",
            out.all()
        );
    }
}

#[test]
fn an_oversized_template_is_pa001_and_an_oversized_asset_is_not() {
    let s = Scratch::new();
    let big = s.write("big.yaml", TEMPLATE.replace('\u{e9}', "e"));
    let asset = s.write("asset.json", b"\x89PNG\0\0\0binary");
    for p in [&big, &asset] {
        // Sparse: the test does not write 64 MiB.
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(p)
            .expect("open");
        f.set_len(keepalign::input::MAX_FILE_SIZE + 1)
            .expect("set_len");
    }
    let out = keepalign(&s.top, &["check", "repo", "--format", "json"]);
    let pa = findings(&out, "PA001");
    assert!(
        pa.iter()
            .any(|(f, _, m)| f.ends_with("big.yaml") && m.contains("larger than")),
        "{}",
        out.all()
    );
    assert!(
        !pa.iter().any(|(f, _, _)| f.ends_with("asset.json")),
        "{}",
        out.all()
    );
}

#[test]
fn a_binary_json_asset_is_not_reported() {
    let s = Scratch::new();
    s.write("logo.json", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe");
    let out = keepalign(&s.top, &["check", "repo", "--format", "json"]);
    assert!(findings(&out, "PA001").is_empty(), "{}", out.all());
}

#[test]
fn a_terraform_file_whose_name_is_not_utf8_is_pa001() {
    use std::os::unix::ffi::OsStrExt;
    let s = Scratch::new();
    let name = OsStr::from_bytes(b"caf\xe9.tf");
    std::fs::write(s.repo().join(name), "resource \"aws_lb\" \"y\" {}\n").expect("write");
    let out = keepalign(&s.top, &["check", "repo", "--format", "json"]);
    let pa = findings(&out, "PA001");
    assert!(
        pa.iter()
            .any(|(f, line, m)| f.ends_with(".tf") && *line == 1 && m.contains("not valid UTF-8")),
        "{}",
        out.all()
    );
}

#[test]
fn check_on_a_truncated_plan_is_pa001_not_a_clean_run() {
    let s = Scratch::new();
    let plan = "{\"format_version\":\"1.2\",\"planned_values\":{\"root_module\":{\"resources\":[";
    s.write("plan.json", plan);
    let out = keepalign(&s.top, &["check", "repo/plan.json", "--format", "json"]);
    assert_ne!(out.code, 0, "{}", out.all());
    assert!(
        findings(&out, "PA001")
            .iter()
            .any(|(f, _, _)| f.ends_with("plan.json")),
        "{}",
        out.all()
    );
    let out = keepalign(&s.top, &["plan", "repo/plan.json"]);
    assert_eq!(out.code, 2, "{}", out.all());
}

#[test]
fn a_read_error_names_the_file_in_human_and_json_reports() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.repo().join("dir.auto.tfvars")).expect("mkdir");
    let human = keepalign(&s.top, &["check", "repo"]);
    assert!(
        human.stdout.contains("repo/dir.auto.tfvars:1:1"),
        "{}",
        human.all()
    );
    assert!(!human.stdout.contains(":0:0"), "{}", human.all());
    let pa = pa001_for(&s.top, &[], "dir.auto.tfvars");
    assert!(pa.iter().any(|m| m.contains("directory")), "{pa:?}");
}

#[test]
fn a_scanned_directory_planted_as_a_link_out_of_the_repository_is_not_walked() {
    let s = Scratch::new();
    std::fs::write(
        s.top.join("outside/secret.tf"),
        format!("{SECRET} {{{{{{\n"),
    )
    .expect("write");
    s.link("infra", &s.top.join("outside"));
    let out = keepalign(&s.top, &["check", "repo/infra", "--format", "json"]);
    assert!(!out.all().contains(SECRET), "{}", out.all());
    assert!(
        findings(&out, "PA001")
            .iter()
            .any(|(f, _, m)| f.ends_with("infra") && m.contains("outside the repository")),
        "{}",
        out.all()
    );
    // So is a var file reached through a linked directory.
    let out = keepalign(
        &s.top,
        &[
            "check",
            "repo",
            "--format",
            "json",
            "--var-file",
            "repo/infra/secret",
        ],
    );
    assert!(!out.all().contains(SECRET), "{}", out.all());
    assert!(
        out.all().contains("outside the repository"),
        "{}",
        out.all()
    );
}

#[test]
fn a_configuration_file_planted_as_a_link_is_not_read() {
    let s = Scratch::new();
    s.link("keepalign.toml", &s.secret());
    let out = keepalign(&s.top.join("repo"), &["check", "."]);
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(!out.all().contains(SECRET), "{}", out.all());
    assert!(
        out.stderr.contains("outside the repository"),
        "{}",
        out.all()
    );
}

#[test]
fn a_plan_baseline_or_config_dir_planted_as_a_link_is_not_read() {
    let s = Scratch::new();
    s.link("plan.json", &s.secret());
    s.link("baseline.json", &s.secret());
    s.link("tf", &s.top.join("outside"));
    for args in [
        &["plan", "repo/plan.json"][..],
        &["check", "repo", "--baseline", "repo/baseline.json"],
        &["plan", "-", "--config-dir", "repo/tf"],
    ] {
        let out = keepalign(&s.top, args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.all());
        assert!(!out.all().contains(SECRET), "{args:?}: {}", out.all());
        assert!(
            out.stderr.contains("outside the repository"),
            "{args:?}: {}",
            out.all()
        );
    }
}

#[test]
fn var_files_written_in_the_configuration_stay_inside_the_repository() {
    // The configuration file is repository content too: a pull request can
    // point its var-files anywhere, as written or through a link.
    let s = Scratch::new();
    s.link("linked.tfvars", &s.secret());
    s.write(
        "keepalign.toml",
        "[[root]]\npath = \".\"\nvar-files = [\"../outside/secret\", \"linked.tfvars\"]\n",
    );
    let out = keepalign(&s.top.join("repo"), &["check", ".", "--format", "json"]);
    assert!(!out.all().contains(SECRET), "{}", out.all());
    let pa = findings(&out, "PA001");
    for (file, why) in [
        ("outside/secret", "leads outside the repository"),
        (
            "linked.tfvars",
            "symbolic link that points outside the repository",
        ),
    ] {
        assert!(
            pa.iter()
                .any(|(f, _, m)| f.ends_with(file) && m.contains(why)),
            "{file}: {}",
            out.all()
        );
    }
}

#[test]
fn reports_and_baselines_are_never_written_through_a_planted_link_or_into_a_fifo() {
    let s = Scratch::new();
    let before = std::fs::read_to_string(s.secret()).expect("secret");
    // A pull request plants the report's file name as a link to a file of
    // the machine running keepalign.
    s.link("keepalign.sarif", &s.secret());
    for args in [
        vec!["check", ".", "--report", "sarif=keepalign.sarif"],
        vec!["check", ".", "--output", "keepalign.sarif"],
        vec!["check", ".", "--create-baseline", "keepalign.sarif"],
    ] {
        let out = keepalign(&s.repo(), &args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.all());
        assert!(
            out.stderr.contains("symbolic link"),
            "{args:?}: {}",
            out.stderr
        );
        assert_eq!(
            std::fs::read_to_string(s.secret()).expect("secret"),
            before,
            "{args:?} wrote through the link"
        );
    }
    // A FIFO with no reader is refused, not waited on.
    s.fifo("report.json");
    let out = keepalign(&s.repo(), &["check", ".", "--output", "report.json"]);
    assert_eq!(out.code, 2, "{}", out.all());
    // A plain file is still written.
    let out = keepalign(&s.repo(), &["check", ".", "--output", "plain.txt"]);
    assert_ne!(out.code, 2, "{}", out.all());
    assert!(s.repo().join("plain.txt").is_file());
}
