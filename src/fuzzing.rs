//! Entry points for the fuzz targets (`fuzz/`) and for the replay of their
//! saved inputs (`tests/fuzz_regressions.rs`): each takes bytes as a fuzzer
//! gives them and runs one kind of input through the library the way a scan
//! does, reports included. None of them may panic, whatever the bytes.
//!
//! The loaders of whole scans read files by path, so the targets that need
//! them write their input into a private scratch directory under the
//! system's temporary directory, removed afterwards; nothing else is written.
//! The others build their source in memory.

use crate::engine::{self, Options};
use crate::source::{Location, SourceFile};
use crate::value::Val;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The kinds of input there is a target for, as named under `fuzz/`.
pub const TARGETS: &[&str] = &[
    "terraform",
    "terraform_files",
    "cloudformation_yaml",
    "cloudformation_json",
    "plan",
    "server_command",
    "json",
    "config",
    "dockerfile",
    "build_definitions",
    "image",
];

/// Run the entry point of `target` on `data`. `Err` for an unknown target
/// or an invariant the input broke (the fuzz targets panic on it).
pub fn run(target: &str, data: &[u8]) -> Result<(), String> {
    match target {
        "terraform" => terraform(data),
        "terraform_files" => terraform_files(data),
        "cloudformation_yaml" => cloudformation_yaml(data),
        "cloudformation_json" => cloudformation_json(data),
        "plan" => plan(data),
        "server_command" => server_command(data),
        "json" => json(data)?,
        "config" => config(data),
        "dockerfile" => dockerfile(data),
        "build_definitions" => build_definitions(data),
        "image" => image(data),
        _ => return Err(format!("no fuzz target named {target:?}")),
    }
    Ok(())
}

/// A single `main.tf` (`main.tf.json` when it starts with `{`): loader,
/// evaluator, linker, rules, reports.
pub fn terraform(data: &[u8]) {
    let json = data.trim_ascii_start().starts_with(b"{");
    scan(&[(if json { "main.tf.json" } else { "main.tf" }, data)]);
}

/// A `main.tf`, a template (`app.tpl`, for `templatefile` and `file`) and a
/// `terraform.tfvars`, split at the first two NUL bytes of `data`.
pub fn terraform_files(data: &[u8]) {
    let mut parts = data.splitn(3, |b| *b == 0);
    let main = parts.next().unwrap_or_default();
    let template = parts.next().unwrap_or_default();
    let tfvars = parts.next().unwrap_or_default();
    scan(&[
        ("main.tf", main),
        ("app.tpl", template),
        ("terraform.tfvars", tfvars),
    ]);
}

/// A CloudFormation template in YAML.
pub fn cloudformation_yaml(data: &[u8]) {
    scan(&[("template.yaml", data)]);
}

/// A CloudFormation template in JSON.
pub fn cloudformation_json(data: &[u8]) {
    scan(&[("template.json", data)]);
}

/// The JSON of `terraform show -json`, read in memory without `.tf` files.
pub fn plan(data: &[u8]) {
    let Some(source) = source("plan.json", data) else {
        return;
    };
    if crate::plan::is_plan(&source.text) {
        check(&crate::plan::load(source, None));
    }
}

/// A container's command: each line of `data` is one word of `command`, and
/// the whole text is also given as the script of `sh -c`, so both the argv
/// readers and the shell-word splitter see it.
pub fn server_command(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let words: Vec<&str> = text.split('\n').collect();
    let defs = serde_json::json!([
        {"name": "argv", "image": "app", "command": words},
        {"name": "shell", "image": "app", "entryPoint": ["sh", "-c"], "command": [text]},
    ]);
    let json = defs.to_string();
    let file = SourceFile::new(PathBuf::from("container_definitions.json"), json.clone());
    let at = Location::new(&file, 0..json.len());
    let Ok(containers) = crate::containers::read(&Val::str(json, Some(at.clone())), at) else {
        return;
    };
    for c in &containers {
        let _ = crate::servers::identify(c);
    }
}

/// The files a server reads from an image built here, as a fixed service
/// chain whose container has no command sees them: after a first byte that
/// picks the file's name (modulo their number), a Dockerfile and the file's
/// text, split at the first NUL byte. The image is the repository's only
/// Dockerfile's (an ECR image), so every recogniser may read the file.
pub fn image(data: &[u8]) {
    const NAMES: &[&str] = &[
        "gunicorn.conf.py",
        "nginx.conf",
        "server.js",
        "package.json",
        "Procfile",
        "entrypoint.sh",
        "Gemfile.lock",
        "httpd.conf",
        ".dockerignore",
        "docker-compose.yml",
        "main.py",
        "puma.rb",
    ];
    const MAIN_TF: &str = r#"
resource "aws_lb" "web" {
  load_balancer_type = "application"
}
resource "aws_lb_target_group" "web" {
  port        = 8000
  protocol    = "HTTP"
  target_type = "ip"
}
resource "aws_lb_listener" "web" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}
resource "aws_ecs_task_definition" "web" {
  family = "web"
  container_definitions = jsonencode([{
    name         = "web"
    image        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1"
    portMappings = [{ containerPort = 8000 }]
  }])
}
resource "aws_ecs_service" "web" {
  task_definition = aws_ecs_task_definition.web.arn
  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "web"
    container_port   = 8000
  }
}
"#;
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(which) % NAMES.len()];
    let mut parts = rest.splitn(2, |b| *b == 0);
    let dockerfile = parts.next().unwrap_or_default();
    let text = parts.next().unwrap_or_default();
    scan(&[
        ("main.tf", MAIN_TF.as_bytes()),
        ("Dockerfile", dockerfile),
        (name, text),
    ]);
}

/// A file that says how images are built: a Compose file, a GitHub
/// Actions workflow or a CDK asset manifest (by the first byte's value
/// modulo 3), the rest its text; every definition read is matched against
/// a few image references.
pub fn build_definitions(data: &[u8]) {
    use crate::build_links::{Kind, read};
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let (kind, path) = match which % 3 {
        0 => (Kind::Compose, "docker-compose.yml"),
        1 => (Kind::Workflow, ".github/workflows/build.yml"),
        _ => (Kind::CdkAssets, "cdk.out/Stack.assets.json"),
    };
    let file = SourceFile::new(
        PathBuf::from(path),
        String::from_utf8_lossy(rest).into_owned(),
    );
    let Ok(specs) = read(kind, &file, Path::new(path)) else {
        return;
    };
    for spec in &specs {
        for image in [
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1",
            "web",
            "*/web:*",
            "",
        ] {
            let _ = spec.selector.matches(image);
        }
        let _ = crate::build_links::name_key(&spec.why);
    }
}

/// A Dockerfile: parsed, every stage's process worked out as Docker runs
/// it with and without a task command, and the server identified from it.
pub fn dockerfile(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    let file = SourceFile::new(PathBuf::from("Dockerfile"), text);
    let Ok(parsed) = crate::dockerfile::Dockerfile::parse(file.clone()) else {
        return;
    };
    let task_command = [crate::model::Word::new("--keep-alive".to_string(), None)];
    for stage in &parsed.stages {
        for argv in [
            crate::dockerfile::effective_argv(stage, None, None),
            crate::dockerfile::effective_argv(stage, None, Some(&task_command)),
        ] {
            for w in &argv {
                // Every located word lies inside the file.
                if let Some(at) = &w.at {
                    assert!(
                        at.span.end <= file.text.len(),
                        "word located outside the file"
                    );
                }
            }
            let json = serde_json::json!([{
                "name": "app",
                "image": "app",
                "entryPoint": argv.iter().map(|w| w.text.clone()).collect::<Vec<_>>(),
            }])
            .to_string();
            let f = SourceFile::new(PathBuf::from("container_definitions.json"), json.clone());
            let at = Location::new(&f, 0..json.len());
            if let Ok(containers) = crate::containers::read(&Val::str(json, Some(at.clone())), at) {
                for c in &containers {
                    let _ = crate::servers::identify(c);
                }
            }
        }
    }
}

/// The spanned JSON parser, lenient and strict. `Err` when they disagree
/// on a document strict mode accepts (it must read the same tree).
pub fn json(data: &[u8]) -> Result<(), String> {
    let Ok(text) = std::str::from_utf8(data) else {
        return Ok(());
    };
    let lenient = crate::json::parse(text);
    let strict = crate::json::parse_strict(text);
    match &strict {
        Ok(s) if lenient.as_ref() != Ok(s) => Err("strict and lenient parses differ".into()),
        _ => Ok(()),
    }
}

/// A `keepalign.toml`.
pub fn config(data: &[u8]) {
    let Some(file) = source("keepalign.toml", data) else {
        return;
    };
    let _ = crate::config::parse(file, PathBuf::from("."));
}

fn source(name: &str, data: &[u8]) -> Option<Arc<SourceFile>> {
    let text = std::str::from_utf8(data).ok()?;
    Some(SourceFile::new(PathBuf::from(name), text.to_string()))
}

/// Link, check and render, as a scan does after loading.
fn check(model: &crate::model::Model) {
    let chains = crate::linker::link(model);
    let findings = engine::check(model, &chains);
    let summary = crate::report::Summary::new(&findings, model.files, chains.len());
    let _ = crate::report::json::render(&findings, &chains, &summary);
    let _ = crate::report::human::render(&findings, &summary, false);
}

/// Write `files` into a fresh scratch directory and scan it.
fn scan(files: &[(&str, &[u8])]) {
    let Some(dir) = Scratch::new() else {
        return;
    };
    for (name, data) in files {
        if std::fs::write(dir.0.join(name), data).is_err() {
            return;
        }
    }
    if let Ok(model) = engine::load(std::slice::from_ref(&dir.0), &Options::default()) {
        check(&model);
    }
}

/// A directory of its own for one run, removed when dropped. Unique within
/// the process (tests run targets on several threads) and across processes.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Option<Scratch> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("keepalign-fuzz-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).ok()?;
        Some(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The saved inputs of a target under `dir` (`fuzz/regressions/<target>/`),
/// sorted, for the replay test.
pub fn saved_inputs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    out.sort();
    out
}
