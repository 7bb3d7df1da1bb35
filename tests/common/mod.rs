//! Shared helpers: run the library pipeline on a path the way the CLI does.
#![allow(dead_code)]

use keepalign::engine::{self, Options};
use keepalign::finding::Finding;
use keepalign::linker;
use keepalign::report::{self, Summary};
use keepalign::terraform::Inputs;
use std::path::{Path, PathBuf};

pub struct Run {
    pub findings: Vec<Finding>,
    pub human: String,
    pub json: String,
    pub services: String,
}

pub fn run_with(paths: &[PathBuf], inputs: Inputs) -> Run {
    let opts = Options {
        terraform: inputs,
        ..Options::default()
    };
    let model = engine::load(paths, &opts).expect("paths exist");
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

pub fn run(path: impl AsRef<Path>) -> Run {
    run_with(&[path.as_ref().to_path_buf()], Inputs::default())
}

/// `RULE service file:line` for each finding, the compact form tests assert
/// on; ` (suppressed)` or ` (baselined)` after a finding that does not count.
pub fn summary(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            let p = f.position();
            let file = p.file.rsplit('/').next().unwrap_or(&p.file).to_string();
            let silenced = match &f.suppression {
                Some(s) if s.baseline => " (baselined)",
                Some(_) => " (suppressed)",
                None => "",
            };
            format!(
                "{} {} {}:{}{silenced}",
                f.rule.id,
                f.service.as_deref().unwrap_or("-"),
                file,
                p.line
            )
        })
        .collect()
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new("testdata/terraform").join(name)
}

/// Say something `cargo test` always shows: libtest captures `eprintln!`
/// for passing tests, but not writes to the standard error handle itself.
pub fn visible_warning(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "warning: {message}");
}

/// A directory of the reference data that sits beside the repository
/// (`../shared/reference/NAME`), which is not part of it. When it is absent
/// the tests that need it say so on every `cargo test`; in CI (`CI` set)
/// they fail instead, unless `KEEPALIGN_SKIP_REFERENCE=1` says the skip is
/// meant.
pub fn reference_dir(name: &str) -> Option<PathBuf> {
    let dir = Path::new("../shared/reference").join(name);
    if dir.is_dir() {
        return Some(dir);
    }
    let meant = std::env::var_os("KEEPALIGN_SKIP_REFERENCE").is_some_and(|v| v == "1");
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
    let message = format!(
        "reference data {} is absent: the tests that read it did not run (set KEEPALIGN_SKIP_REFERENCE=1 to skip them on purpose)",
        dir.display()
    );
    assert!(!ci || meant, "{message}");
    if !meant {
        visible_warning(&message);
    }
    None
}

/// A temporary repository: the example service (a KA101) in `ok/`, and
/// `files` in `bad/`: a scan of it shows that hostile or oversized input
/// beside a valid service leaves the valid one checked.
pub fn repo_beside_example(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ok = dir.path().join("ok");
    std::fs::create_dir(&ok).unwrap();
    for entry in std::fs::read_dir(fixture("example-gunicorn-alb")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "tf") {
            std::fs::copy(&p, ok.join(p.file_name().unwrap())).unwrap();
        }
    }
    for (name, text) in files {
        let p = dir.path().join("bad").join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}
