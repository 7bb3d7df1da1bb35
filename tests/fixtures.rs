//! Every fixture in testdata/terraform gives exactly the findings its README
//! lists (rule, service, file:line), and the full reports are snapshotted so
//! a reviewer sees what users see.

mod common;
use common::*;
use keepalign::terraform::{CommandLineInput, Inputs};

/// (fixture, expected `RULE service file:line`, in report order)
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "blue-green-codedeploy",
        &["DR201 aws_ecs_service.payments main.tf:43"],
    ),
    (
        "blue-green-alternate-target-group",
        &["DR201 aws_ecs_service.checkout main.tf:64"],
    ),
    ("coverage-count-zero", &["UN003 - main.tf:55"]),
    (
        "coverage-module-not-downloaded",
        &["DR201 - main.tf:17", "UN003 - main.tf:32"],
    ),
    (
        "bad-binary",
        &[
            "KA101 aws_ecs_service.thumbs ecs.tf:14",
            "PA001 - tfplan.tf:1",
        ],
    ),
    (
        "bad-file-outside",
        &[
            "UN001 aws_ecs_service.app ecs.tf:10",
            "UN001 aws_ecs_service.admin ecs.tf:19",
        ],
    ),
    (
        "bad-duplicate-addresses",
        &[
            "KA101 aws_ecs_service.billing ecs.tf:33",
            "PA001 - lb_migration.tf:3",
            "PA001 - lb_migration.tf:9",
            "PA001 - lb_migration.tf:12",
        ],
    ),
    (
        "bad-malformed-hcl",
        &[
            "PA001 - broken.tf:32",
            "KA101 aws_ecs_service.status ecs.tf:14",
        ],
    ),
    (
        "bad-non-utf8",
        &[
            "PA001 - banner.tf:1",
            "KA101 aws_ecs_service.boutique ecs.tf:14",
        ],
    ),
    (
        "bad-unterminated-heredoc",
        &[
            "KA101 aws_ecs_service.events ecs.tf:14",
            "PA001 - iam.tf:19",
        ],
    ),
    (
        "example-gunicorn-alb",
        &["KA101 aws_ecs_service.api ecs.tf:17"],
    ),
    (
        "ec2-agent-stop-timeout",
        &["DR203 aws_ecs_service.billing instances.tf:21"],
    ),
    (
        "ec2-no-agent-config",
        &["UN001 aws_ecs_service.ledger ecs.tf:9"],
    ),
    ("seed-apache-alb-120", &[]),
    (
        "seed-classic-elb-gunicorn-2s",
        &[
            "UN001 aws_ecs_service.web ecs.tf:7",
            "KA101 aws_ecs_service.web ecs.tf:15",
        ],
    ),
    (
        "seed-classic-elb-gunicorn-65s",
        &["UN001 aws_ecs_service.web ecs.tf:7"],
    ),
    (
        "seed-dereg-30-idle-120",
        &["DR201 aws_ecs_service.this lb.tf:16"],
    ),
    (
        "shape-remote-state-listener",
        &["UN001 aws_ecs_service.search main.tf:40"],
    ),
    (
        "shape-unknown-count",
        &["KA101 aws_ecs_service.app main.tf:47"],
    ),
    (
        "modules-tf011-legacy",
        &["KA101 module.web.aws_ecs_service.web web.json.tpl:9"],
    ),
    (
        "modules-two-instances",
        &["KA101 module.web.aws_ecs_service.this main.tf:37"],
    ),
    (
        "modules-file-paths",
        &[
            "KA101 module.api.aws_ecs_service.api containers.json:6",
            "KA101 module.web.aws_ecs_service.web task.json.tpl:6",
        ],
    ),
    (
        "modules-for-each",
        &["KA101 module.svc[\"search\"].aws_ecs_service.this[0] main.tf:12"],
    ),
    (
        "image-dockerfile-uvicorn",
        &["KA101 aws_ecs_service.orders Dockerfile:17"],
    ),
    ("image-node-keepalive-65000", &[]),
    (
        "image-node-keepalive-variable",
        &["UN001 aws_ecs_service.ledger server.js:10"],
    ),
    (
        "image-node-npm-start",
        &["KA101 aws_ecs_service.notify package.json:7"],
    ),
    (
        "image-rails-puma5",
        &["KA101 aws_ecs_service.storefront Gemfile.lock:11"],
    ),
    ("image-rails-puma-config", &[]),
    (
        "image-procfile",
        &["KA101 aws_ecs_service.pantry Procfile:2"],
    ),
    (
        "image-entrypoint-script",
        &["KA101 aws_ecs_service.ledger start.sh:10"],
    ),
    (
        "image-link-compose",
        &["KA101 aws_ecs_service.shop Dockerfile:11"],
    ),
    (
        "image-link-workflow",
        &["KA101 aws_ecs_service.payments api.Dockerfile:14"],
    ),
    (
        "image-link-conflict",
        &["UN002 aws_ecs_service.reports main.tf:38"],
    ),
    (
        "image-link-ecr-repository",
        &["KA101 aws_ecs_service.shop Dockerfile:17"],
    ),
    ("image-gunicorn-conf-py", &[]),
    (
        "image-gunicorn-conf-env",
        &["KA101 aws_ecs_service.billing main.tf:45"],
    ),
    (
        "image-python-uvicorn-run",
        &["KA101 aws_ecs_service.search main.py:14"],
    ),
    ("image-httpd-conf", &[]),
    ("image-nginx-conf-65", &[]),
    ("image-nginx-server-block", &[]),
    (
        "image-nginx-low-keepalive",
        &["KA101 aws_ecs_service.gateway gateway.conf:6"],
    ),
    (
        "image-nginx-proxy-read-timeout",
        &["RQ301 aws_ecs_service.reports nginx.conf:30"],
    ),
    (
        "modules-initialised-ecs-root",
        &[
            "DR201 module.api.aws_ecs_service.this[0] main.tf:28",
            "KA101 module.api.aws_ecs_service.this[0] main.tf:47",
        ],
    ),
    (
        "modules-optional-attributes",
        &["KA101 module.orders.aws_ecs_service.this[0] variables.tf:18"],
    ),
    (
        "modules-for-each-container-definitions",
        &[
            "DR201 - main.tf:11",
            "KA101 module.service.aws_ecs_service.this main.tf:62",
        ],
    ),
    (
        "modules-registry",
        &["DR201 aws_ecs_service.billing main.tf:17"],
    ),
    (
        "modules-not-initialised",
        &[
            "UN003 - main.tf:1",
            "UN001 aws_ecs_service.billing main.tf:48",
        ],
    ),
    (
        "shape-data-source-read-back",
        &["KA101 aws_ecs_service.reports ecs.tf:12"],
    ),
    (
        "shape-service-without-task-definition",
        &["UN001 aws_ecs_service.api main.tf:32"],
    ),
    (
        "shape-unknowns-per-container",
        &["UN001 aws_ecs_service.web main.tf:66"],
    ),
    (
        "server-bash-apache2",
        &["UN002 aws_ecs_service.payments ecs.tf:14"],
    ),
    ("server-daphne", &["KA101 aws_ecs_service.chat ecs.tf:14"]),
    (
        "server-env-from-secrets",
        &[
            "UN001 aws_ecs_service.api main.tf:64",
            "UN001 aws_ecs_service.reports main.tf:81",
            "UN001 aws_ecs_service.reports main.tf:81",
        ],
    ),
    (
        "server-gunicorn-cmd-args",
        &["KA101 aws_ecs_service.quotes ecs.tf:16"],
    ),
    (
        "server-gunicorn-gthread",
        &["KA101 aws_ecs_service.api ecs.tf:15"],
    ),
    ("server-gunicorn-gthread-timeout", &[]),
    (
        "server-gunicorn-asgi",
        &["KA101 aws_ecs_service.catalog ecs.tf:15"],
    ),
    (
        "server-gunicorn-sync",
        &["RQ301 aws_ecs_service.web ecs.tf:14"],
    ),
    (
        "server-hypercorn",
        &[
            "DR203 aws_ecs_service.gateway ecs.tf:14",
            "KA101 aws_ecs_service.gateway ecs.tf:15",
        ],
    ),
    ("server-next", &[]),
    ("server-fastify", &[]),
    (
        "server-rails-thruster",
        &[
            "KA101 aws_ecs_service.rails ecs.tf:15",
            "RQ301 aws_ecs_service.rails ecs.tf:15",
        ],
    ),
    ("server-nginx-sidecar", &[]),
    (
        "server-private-nginx-image",
        &["UN002 aws_ecs_service.payments variables.tf:39"],
    ),
    ("server-node", &["KA101 aws_ecs_service.bff ecs.tf:14"]),
    ("server-puma", &["UN001 aws_ecs_service.rails ecs.tf:15"]),
    ("server-puma-env", &["KA101 aws_ecs_service.web ecs.tf:18"]),
    (
        "server-python-m-gunicorn",
        &["KA101 aws_ecs_service.tickets ecs.tf:15"],
    ),
    (
        "server-unknown",
        &["UN002 aws_ecs_service.payments ecs.tf:14"],
    ),
    (
        "nlb-tcp-idle-timeout",
        &[
            "NL601 aws_ecs_service.ledger ledger.tf:17",
            "NL601 aws_ecs_service.east main.tf:17",
        ],
    ),
    (
        "nlb-ec2-conntrack",
        &["NL602 aws_ecs_service.bridge main.tf:34"],
    ),
    (
        "beanstalk-ebextensions",
        &["EB701 aws_elastic_beanstalk_environment.billing main.tf:8"],
    ),
    (
        "beanstalk-nginx",
        &["EB701 aws_elastic_beanstalk_environment.web main.tf:10"],
    ),
    (
        "cloudfront-alb",
        &[
            "CF502 - reports.tf:71",
            "CF501 - store.tf:61",
            "CF503 - store.tf:70",
        ],
    ),
    (
        "server-quarkus",
        &[
            "KA101 aws_ecs_service.catalog main.tf:58",
            "NL601 aws_ecs_service.stream main.tf:121",
        ],
    ),
    (
        "server-spring-boot",
        &["KA101 aws_ecs_service.orders orders.tf:47"],
    ),
    ("server-uvicorn", &["KA101 aws_ecs_service.app ecs.tf:14"]),
    (
        "server-varnish-kestrel",
        &[
            "KA101 aws_ecs_service.cache main.tf:53",
            "KA101 aws_ecs_service.reports main.tf:123",
        ],
    ),
    (
        "server-proxies",
        &[
            "KA101 aws_ecs_service.gateway haproxy.cfg:12",
            "KA101 aws_ecs_service.docs Caddyfile:6",
        ],
    ),
    (
        "server-java-tomcat-jetty",
        &[
            "KA101 aws_ecs_service.legacy main.tf:112",
            "KA101 aws_ecs_service.orders main.tf:254",
        ],
    ),
    ("server-uvicorn-env", &[]),
    (
        "server-uwsgi-bun-deno",
        &[
            "KA101 aws_ecs_service.edge main.tf:178",
            "UN001 aws_ecs_service.realtime main.tf:239",
            "KA101 aws_ecs_service.api Dockerfile:8",
        ],
    ),
    (
        "server-waitress",
        &["KA101 aws_ecs_service.portal ecs.tf:18"],
    ),
    ("server-wrappers", &["KA101 aws_ecs_service.api ecs.tf:19"]),
    (
        "shape-count",
        &["KA101 aws_ecs_service.app[1] variables.tf:19"],
    ),
    (
        "shape-dynamic-blocks",
        &["KA101 aws_ecs_service.billing main.tf:65"],
    ),
    (
        "shape-data-source-lb",
        &["UN001 aws_ecs_service.loyalty service.tf:15"],
    ),
    (
        "shape-environments-same-names",
        &["KA101 aws_ecs_service.web main.tf:42"],
    ),
    (
        "shape-for-each",
        &["KA101 aws_ecs_service.svc[\"green\"] variables.tf:25"],
    ),
    (
        "shape-hcl-parser-leniency",
        &[
            "KA101 aws_ecs_service.api ecs.tf:17",
            "DR201 aws_ecs_service.api locals.tf:24",
        ],
    ),
    (
        "shape-heredoc",
        &["KA101 aws_ecs_service.api variables.tf:35"],
    ),
    (
        "shape-listener-rules",
        &["KA101 aws_ecs_service.checkout_green ecs.tf:79"],
    ),
    (
        "shape-locals-functions",
        &["KA101 aws_ecs_service.this locals.tf:18"],
    ),
    (
        "shape-template-file",
        &["KA101 aws_ecs_service.main variables.tf:32"],
    ),
    (
        "shape-templatefile",
        &["KA101 aws_ecs_service.orders main.tf:24"],
    ),
    (
        "shape-tf-json",
        &["KA101 aws_ecs_service.app ecs.tf.json:10"],
    ),
    ("shape-tf011", &["KA101 aws_ecs_service.main task.json:9"]),
    (
        "shape-tfvars",
        &["KA101 aws_ecs_service.app terraform.tfvars:15"],
    ),
    (
        "trap-classic-no-draining",
        &[
            "UN001 aws_ecs_service.forum ecs.tf:7",
            "DR202 aws_ecs_service.forum main.tf:14",
        ],
    ),
    (
        "trap-health-check",
        &["HC401 aws_ecs_service.auth alb.tf:20"],
    ),
    ("trap-nlb", &[]),
    (
        "trap-health-check-nlb",
        &["HC401 aws_ecs_service.admin nlb.tf:27"],
    ),
    (
        "trap-classic-elb-tcp",
        &["UN001 aws_ecs_service.web ecs.tf:7"],
    ),
    (
        "server-classic-elb-sync-draining",
        &[
            "UN001 aws_ecs_service.web ecs.tf:7",
            "RQ301 aws_ecs_service.web ecs.tf:12",
            "DR201 aws_ecs_service.web elb.tf:24",
        ],
    ),
    (
        "trap-stop-timeout",
        &["DR203 aws_ecs_service.exports ecs.tf:14"],
    ),
    (
        "trap-string-dereg",
        &["DR201 aws_ecs_service.shipping alb.tf:17"],
    ),
    (
        "workspace-selected",
        &["KA101 aws_ecs_service.reports main.tf:51"],
    ),
];

#[test]
fn every_fixture_gives_the_findings_its_readme_lists() {
    let mut failures = Vec::new();
    for (name, expected) in EXPECTED {
        let got = summary(&run(fixture(name)).findings);
        if got != *expected {
            failures.push(format!(
                "{name}:\n  expected {expected:?}\n  got      {got:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_fixture_directory_has_an_expectation() {
    for entry in std::fs::read_dir("testdata/terraform").unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            let name = entry.file_name().to_string_lossy().to_string();
            assert!(
                name == "shape-var-file" || EXPECTED.iter().any(|(n, _)| *n == name),
                "fixture {name} has no expectation in tests/fixtures.rs"
            );
        }
    }
}

#[test]
fn human_reports() {
    for (name, _) in EXPECTED {
        insta::assert_snapshot!(format!("human-{name}"), run(fixture(name)).human);
    }
}

#[test]
fn json_reports() {
    for name in [
        "example-gunicorn-alb",
        "seed-classic-elb-gunicorn-2s",
        "shape-data-source-lb",
        "server-hypercorn",
        "bad-non-utf8",
    ] {
        insta::assert_snapshot!(format!("json-{name}"), run(fixture(name)).json);
    }
}

#[test]
fn services_tables() {
    for name in [
        "shape-listener-rules",
        "shape-count",
        "server-gunicorn-sync",
        "trap-classic-no-draining",
        "trap-health-check-nlb",
        "ec2-agent-stop-timeout",
        "server-nginx-sidecar",
        "cloudfront-alb",
        "beanstalk-nginx",
        "nlb-tcp-idle-timeout",
    ] {
        insta::assert_snapshot!(format!("services-{name}"), run(fixture(name)).services);
    }
}

fn var_file_run(var_files: &[&str], vars: &[(&str, &str)]) -> Vec<String> {
    let inputs = Inputs {
        command_line: var_files
            .iter()
            .map(|f| CommandLineInput::VarFile(fixture("shape-var-file").join(f)))
            .chain(
                vars.iter()
                    .map(|(k, v)| CommandLineInput::Var(k.to_string(), v.to_string())),
            )
            .collect(),
        ..Default::default()
    };
    summary(&run_with(&[fixture("shape-var-file")], inputs).findings)
}

#[test]
fn var_file_supplies_values_and_the_rest_stays_unresolved() {
    assert_eq!(
        var_file_run(&["env/prod.tfvars"], &[]),
        [
            "KA101 aws_ecs_service.ledger prod.tfvars:12",
            "UN001 aws_ecs_service.ledger lb.tf:15"
        ]
    );
}

#[test]
fn var_overrides_var_file() {
    assert_eq!(
        var_file_run(&["env/prod.tfvars"], &[("deregistration_delay", "300")]),
        ["KA101 aws_ecs_service.ledger prod.tfvars:12"]
    );
}

#[test]
fn without_inputs_nothing_falls_back_to_aws_defaults() {
    let got = var_file_run(&[], &[]);
    assert!(got.iter().all(|f| f.starts_with("UN001")), "{got:?}");
    assert!(
        got.contains(&"UN001 aws_ecs_service.ledger lb.tf:6".to_string()),
        "{got:?}"
    );
    assert!(
        got.contains(&"UN001 aws_ecs_service.ledger lb.tf:15".to_string()),
        "{got:?}"
    );
}

#[test]
fn staging_var_file_aligns_keep_alive() {
    assert_eq!(
        var_file_run(&["env/staging.tfvars"], &[]),
        ["UN001 aws_ecs_service.ledger lb.tf:15"]
    );
}

#[test]
fn output_is_deterministic() {
    let a = run("testdata/terraform").json;
    let b = run("testdata/terraform").json;
    assert_eq!(a, b);
}

#[test]
fn unknown_health_check_settings_are_reported_not_skipped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        r#"variable "health_check_timeout" {}
resource "aws_lb" "web" {
  idle_timeout = 30
}
resource "aws_lb_target_group" "web" {
  deregistration_delay = 60
  health_check {
    interval = 10
    timeout  = var.health_check_timeout
  }
}
resource "aws_lb_listener" "web" {
  load_balancer_arn = aws_lb.web.arn
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}
resource "aws_ecs_task_definition" "web" {
  container_definitions = jsonencode([{ name = "web", image = "nginx:1.27" }])
}
resource "aws_ecs_service" "web" {
  task_definition = aws_ecs_task_definition.web.arn
  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "web"
    container_port   = 80
  }
}
"#,
    )
    .unwrap();
    let r = run(dir.path());
    assert_eq!(
        summary(&r.findings),
        ["UN001 aws_ecs_service.web main.tf:9"],
        "{}",
        r.human
    );
    assert!(
        r.findings[0]
            .message
            .starts_with("the health check timeout is unknown, so HC401"),
        "{}",
        r.findings[0].message
    );
}

/// The variable a zero `count` reads, given on the command line, makes the
/// service checkable: the note's advice works.
#[test]
fn a_service_enabled_by_a_variable_is_checked_once_it_is_given() {
    let inputs = Inputs {
        command_line: vec![keepalign::terraform::CommandLineInput::Var(
            "enable_preview_api".into(),
            "true".into(),
        )],
        ..Inputs::default()
    };
    let r = run_with(&[fixture("coverage-count-zero")], inputs);
    assert_eq!(
        summary(&r.findings),
        ["KA101 aws_ecs_service.api[0] main.tf:49"],
        "{}",
        r.human
    );
}

/// A Classic ELB with an HTTP listener and a TCP listener: the one that
/// reaches the container port decides whether connections are reused; when
/// none does, the premise is reported unknown, never assumed.
#[test]
fn classic_elb_listener_on_the_container_port_decides_reuse() {
    let tf = |port: u32| {
        format!(
            r#"resource "aws_elb" "web" {{
  name = "web"
  listener {{
    lb_port           = 80
    lb_protocol       = "HTTP"
    instance_port     = 8000
    instance_protocol = "HTTP"
  }}
  listener {{
    lb_port           = 9000
    lb_protocol       = "TCP"
    instance_port     = 9000
    instance_protocol = "TCP"
  }}
}}
resource "aws_ecs_task_definition" "web" {{
  container_definitions = jsonencode([{{
    name    = "web"
    image   = "web:1"
    command = ["gunicorn", "-k", "gevent", "app:app"]
  }}])
}}
resource "aws_ecs_service" "web" {{
  task_definition = aws_ecs_task_definition.web.arn
  load_balancer {{
    elb_name       = aws_elb.web.name
    container_name = "web"
    container_port = {port}
  }}
}}
"#
        )
    };
    let mut got = Vec::new();
    for port in [8000, 9000, 7000] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.tf"), tf(port)).unwrap();
        let r = run(dir.path());
        got.push(
            r.findings
                .iter()
                .map(|f| f.rule.id.to_string())
                .collect::<Vec<_>>(),
        );
        if port == 7000 {
            assert!(
                r.findings
                    .iter()
                    .any(|f| f.message.contains("none has instance port 7000")),
                "{}",
                r.human
            );
        }
    }
    assert_eq!(
        got,
        [
            vec!["DR202".to_string(), "KA101".to_string()],
            vec!["DR202".to_string()],
            vec!["DR202".to_string(), "UN001".to_string()],
        ]
    );
}

fn workspace_run(workspace: Option<&str>) -> Vec<String> {
    let inputs = Inputs {
        workspace: workspace.map(|w| keepalign::terraform::GivenWorkspace {
            name: w.to_string(),
            from: "--workspace".to_string(),
        }),
        ..Default::default()
    };
    summary(&run_with(&[fixture("workspace-selected")], inputs).findings)
}

#[test]
fn terraform_workspace_comes_from_the_selected_workspace_file() {
    // `.terraform/environment` says prod: the 300 s idle timeout applies.
    assert_eq!(
        workspace_run(None),
        ["KA101 aws_ecs_service.reports main.tf:51"]
    );
    // --workspace wins over the file.
    assert_eq!(workspace_run(Some("default")), Vec::<String>::new());
    // A workspace the map has no entry for leaves the idle timeout unknown,
    // never the AWS default.
    assert_eq!(
        workspace_run(Some("qa")),
        ["UN001 aws_ecs_service.reports main.tf:16"]
    );
}

/// A listener reference that a `try(…, "")` fallback turned into an empty
/// string is said to be empty, not a listener named `""` that is missing.
#[test]
fn an_empty_reference_is_said_to_be_empty_not_a_missing_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        r#"variable "listener" {
  default = null
}
resource "aws_lb_listener_rule" "api" {
  listener_arn = try(var.listener.arn, "")
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}
resource "aws_lb_target_group" "api" {}
resource "aws_ecs_task_definition" "api" {
  container_definitions = jsonencode([{ name = "api", image = "api:1", command = ["gunicorn", "app:app"] }])
}
resource "aws_ecs_service" "api" {
  task_definition = aws_ecs_task_definition.api.arn
  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
    container_name   = "api"
    container_port   = 8000
  }
}
"#,
    )
    .unwrap();
    let r = run(dir.path());
    let un: Vec<_> = r.findings.iter().filter(|f| f.rule.id == "UN001").collect();
    assert_eq!(un.len(), 1, "{}", r.human);
    assert!(
        un[0].message.contains("the listener is an empty string"),
        "{}",
        un[0].message
    );
    assert!(!un[0].message.contains("\"\" names"), "{}", un[0].message);
}

/// The servers keepalign recognises are listed once per report, however
/// many UN002 notes it has, and not inside each note.
#[test]
fn recognised_servers_are_listed_once_per_report() {
    let dir = tempfile::tempdir().unwrap();
    for copy in ["one", "two"] {
        let to = dir.path().join(copy);
        std::fs::create_dir(&to).unwrap();
        for entry in std::fs::read_dir(fixture("server-unknown")).unwrap() {
            let p = entry.unwrap().path();
            if p.is_file() {
                std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
            }
        }
    }
    let human = run(dir.path()).human;
    assert_eq!(human.matches("[UN002]").count(), 2, "{human}");
    assert_eq!(human.matches("keepalign recognises").count(), 1, "{human}");
    assert!(human.contains("Thruster, gunicorn"), "{human}");
}

/// A service a module creates only when asked: its caller passing
/// `create = false` decided, and nothing is left unchecked; left to a
/// default of false (read through a local), it is a UN003 note.
#[test]
fn a_service_its_module_caller_switches_off_is_not_unchecked() {
    let dir = tempfile::tempdir().unwrap();
    let module = r#"
variable "create" {
  type    = bool
  default = true
}
variable "create_service" {
  type    = bool
  default = false
}
locals {
  create_service = var.create && var.create_service
}
resource "aws_ecs_service" "this" {
  count = local.create_service ? 1 : 0
  name  = "svc"
  load_balancer {
    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef"
    container_name   = "web"
    container_port   = 8000
  }
}
"#;
    std::fs::create_dir(dir.path().join("service")).unwrap();
    std::fs::write(dir.path().join("service/main.tf"), module).unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "module \"disabled\" {\n  source = \"./service\"\n  create = false\n}\nmodule \"left_to_default\" {\n  source = \"./service\"\n}\n",
    )
    .unwrap();
    let r = run(dir.path());
    let got = summary(&r.findings);
    assert_eq!(got, ["UN003 - main.tf:13"], "{}", r.human);
    assert!(
        r.human
            .contains("module.left_to_default.aws_ecs_service.this was not checked")
            && r.human.contains("var.create, var.create_service"),
        "{}",
        r.human
    );
}

/// An image that two Dockerfiles could build is followed to neither: the
/// note names both.
#[test]
fn an_image_two_dockerfiles_could_build_is_not_linked() {
    let dir = tempfile::tempdir().unwrap();
    let from = fixture("image-dockerfile-uvicorn");
    std::fs::create_dir_all(dir.path().join("infra")).unwrap();
    std::fs::copy(from.join("infra/main.tf"), dir.path().join("infra/main.tf")).unwrap();
    for copy in ["blue", "green"] {
        let d = dir.path().join(copy).join("orders-api");
        std::fs::create_dir_all(&d).unwrap();
        std::fs::copy(
            from.join("services/orders-api/Dockerfile"),
            d.join("Dockerfile"),
        )
        .unwrap();
    }
    let r = run(dir.path());
    assert_eq!(
        summary(&r.findings),
        ["UN002 aws_ecs_service.orders main.tf:38"],
        "{}",
        r.human
    );
    assert!(
        r.human.contains("could be built by any of")
            && r.human.contains("blue/orders-api/Dockerfile")
            && r.human.contains("green/orders-api/Dockerfile"),
        "{}",
        r.human
    );
}

/// A finding on a value the image gives names the link it rests on, for
/// every rule: here DR203 on a graceful timeout in the Dockerfile's CMD.
#[test]
fn findings_on_values_from_the_image_name_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let from = fixture("image-dockerfile-uvicorn");
    std::fs::create_dir_all(dir.path().join("infra")).unwrap();
    std::fs::copy(from.join("infra/main.tf"), dir.path().join("infra/main.tf")).unwrap();
    let d = dir.path().join("services/orders-api");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(
        d.join("Dockerfile"),
        "FROM python:3.12-slim\nCMD [\"gunicorn\", \"-k\", \"gevent\", \"--keep-alive\", \"75\", \"--graceful-timeout\", \"60\", \"orders:app\"]\n",
    )
    .unwrap();
    let r = run(dir.path());
    assert_eq!(
        summary(&r.findings),
        ["DR203 aws_ecs_service.orders main.tf:37"],
        "{}",
        r.human
    );
    assert!(
        r.findings[0].message.contains(
            "gunicorn (image `123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-api:2.1.0` built by"
        ),
        "{}",
        r.findings[0].message
    );
}

/// Puma's default keep-alive follows the version `Gemfile.lock` pins: 20 s
/// before 7.0, 65 s from it; a lock file without Puma leaves it unknown.
#[test]
fn the_puma_version_in_the_image_decides_its_default() {
    let lock = std::fs::read_to_string(
        fixture("image-rails-puma5").join("services/storefront/Gemfile.lock"),
    )
    .unwrap();
    for (version, expected, text) in [
        ("7.0.4", &[][..], "keep-alive    65 s"),
        (
            "6.6.0",
            &["KA101 aws_ecs_service.storefront Gemfile.lock:11"][..],
            "keep-alive    20 s",
        ),
    ] {
        let dir = fixture_with(
            "image-rails-puma5",
            &[(
                "services/storefront/Gemfile.lock",
                &lock.replace("puma (5.6.9)", &format!("puma ({version})")),
            )],
        );
        let r = run(dir.path());
        assert_eq!(summary(&r.findings), expected, "{}", r.human);
        assert!(r.services.contains(text), "{}", r.services);
    }
    let dir = fixture_with(
        "image-rails-puma5",
        &[(
            "services/storefront/Gemfile.lock",
            &lock.replace("    puma (5.6.9)\n      nio4r (~> 2.0)\n", ""),
        )],
    );
    let r = run(dir.path());
    assert_eq!(
        summary(&r.findings),
        ["UN001 aws_ecs_service.storefront Dockerfile:21"],
        "{}",
        r.human
    );
}

/// The task definition's `workingDirectory` replaces the image's WORKDIR:
/// the `./gunicorn.conf.py` gunicorn loads is the one there.
#[test]
fn the_task_working_directory_replaces_the_image_workdir() {
    let tf =
        std::fs::read_to_string(fixture("image-gunicorn-conf-py").join("infra/main.tf")).unwrap();
    for (dir, expected) in [
        ("/srv/catalog", &[][..]),
        // No config file there: gunicorn's defaults (sync workers, 30 s timeout).
        ("/tmp", &["RQ301 aws_ecs_service.catalog Dockerfile:9"][..]),
    ] {
        let moved = tf.replace(
            "portMappings = [{ containerPort = 8000 }]",
            &format!(
                "portMappings = [{{ containerPort = 8000 }}]\n      workingDirectory = \"{dir}\""
            ),
        );
        assert_ne!(moved, tf);
        let d = fixture_with("image-gunicorn-conf-py", &[("infra/main.tf", &moved)]);
        let r = run(d.path());
        assert_eq!(summary(&r.findings), expected, "{dir}: {}", r.human);
    }
}

/// The image's ENV is the container's environment under the task
/// definition's, also when the task definition gives the command.
#[test]
fn the_image_env_applies_when_the_task_gives_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let from = fixture("image-dockerfile-uvicorn");
    std::fs::create_dir_all(dir.path().join("infra")).unwrap();
    let tf = std::fs::read_to_string(from.join("infra/main.tf"))
        .unwrap()
        .replace(
            "portMappings = [{ containerPort = 8000 }]",
            "portMappings = [{ containerPort = 8000 }]\n      command      = [\"uvicorn\", \"orders.main:app\", \"--port\", \"8000\"]",
        );
    std::fs::write(dir.path().join("infra/main.tf"), tf).unwrap();
    let d = dir.path().join("services/orders-api");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(
        d.join("Dockerfile"),
        "FROM python:3.12-slim\nENV UVICORN_TIMEOUT_KEEP_ALIVE=75\nCMD [\"python\"]\n",
    )
    .unwrap();
    let r = run(dir.path());
    assert_eq!(summary(&r.findings), Vec::<String>::new(), "{}", r.human);
    assert!(
        r.services.contains("keep-alive    75 s") && r.services.contains("Dockerfile:2"),
        "{}",
        r.services
    );
}

/// Through a Dockerfile, a server whose keep-alive the image may set where
/// keepalign does not read (Node.js code the build context does not hold)
/// is unknown, not its default: an error built on the default could be
/// false. A `gunicorn.conf.py` in the build context is read: its value counts.
#[test]
fn a_keep_alive_the_image_may_set_elsewhere_is_unknown_not_the_default() {
    /// (Dockerfile, a file beside it, expected findings, text in the report)
    type Case<'a> = (&'a str, Option<(&'a str, &'a str)>, &'a [&'a str], &'a str);
    let cases: [Case; 2] = [
        (
            "FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"server.js\"]\n",
            None,
            &["UN001 aws_ecs_service.orders Dockerfile:4"],
            "no COPY of the Dockerfile brings /app/server.js from the build context",
        ),
        (
            "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"gunicorn\", \"-k\", \"gevent\", \"orders:app\"]\n",
            Some(("gunicorn.conf.py", "keepalive = 75\n")),
            &[],
            "",
        ),
    ];
    for (dockerfile, extra, expected, expect) in cases {
        let dir = tempfile::tempdir().unwrap();
        let from = fixture("image-dockerfile-uvicorn");
        std::fs::create_dir_all(dir.path().join("infra")).unwrap();
        std::fs::copy(from.join("infra/main.tf"), dir.path().join("infra/main.tf")).unwrap();
        let app = dir.path().join("services/orders-api");
        std::fs::create_dir_all(&app).unwrap();
        std::fs::write(app.join("Dockerfile"), dockerfile).unwrap();
        if let Some((name, text)) = extra {
            std::fs::write(app.join(name), text).unwrap();
        }
        let r = run(dir.path());
        assert_eq!(summary(&r.findings), expected, "{}", r.human);
        assert!(r.human.contains(expect), "{}", r.human);
    }
}

/// A Node.js keep-alive set in the app's code is read from the image: the
/// value and where it is written (the entry file, which requires the
/// Express app), so no finding is a checked result, not a skipped one.
#[test]
fn a_node_keep_alive_set_in_code_is_read_from_the_image() {
    let r = run(fixture("image-node-keepalive-65000"));
    assert!(r.findings.is_empty(), "{}", r.human);
    assert!(
        r.services
            .contains("keep-alive    65 s  (testdata/terraform/image-node-keepalive-65000/services/catalog-api/server.js:11:27)"),
        "{}",
        r.services
    );
}

/// A fixture copied to a temporary directory, with some files replaced.
fn fixture_with(name: &str, replace: &[(&str, &str)]) -> tempfile::TempDir {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &to.join(e.file_name()));
            } else {
                std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&fixture(name), dir.path());
    for (path, text) in replace {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// nginx's keepalive_timeout is read from the configuration the image's
/// Dockerfile copies; without one, from the official base image's stock
/// nginx.conf; from another base image, it is unknown.
#[test]
fn nginx_reads_its_configuration_from_the_image() {
    let conf = std::fs::read_to_string(
        fixture("image-nginx-conf-65").join("services/edge-nginx/nginx.conf"),
    )
    .unwrap();
    let dir = fixture_with(
        "image-nginx-conf-65",
        &[(
            "services/edge-nginx/nginx.conf",
            &conf.replace("keepalive_timeout 65;", "keepalive_timeout 60;"),
        )],
    );
    let r = run(dir.path());
    assert_eq!(
        summary(&r.findings),
        ["KA101 aws_ecs_service.edge nginx.conf:17"],
        "{}",
        r.human
    );

    let main = std::fs::read_to_string(fixture("image-nginx-server-block").join("infra/main.tf"))
        .unwrap()
        .replace(
            "load_balancer_type = \"application\"",
            "load_balancer_type = \"application\"\n  idle_timeout       = 65",
        );
    let dir = fixture_with("image-nginx-server-block", &[("infra/main.tf", &main)]);
    let r = run(dir.path());
    assert_eq!(
        summary(&r.findings),
        ["KA101 aws_ecs_service.storefront Dockerfile:6"],
        "{}",
        r.human
    );
    assert!(
        r.human.contains(
            "keepalive_timeout 65 in the stock /etc/nginx/nginx.conf of the official nginx image"
        ),
        "{}",
        r.human
    );

    // A base image keepalign does not know: its nginx.conf is unknown.
    let dir = fixture_with(
        "image-nginx-server-block",
        &[(
            "services/storefront/Dockerfile",
            "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y nginx\nCOPY default.conf /etc/nginx/conf.d/default.conf\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n",
        )],
    );
    let r = run(dir.path());
    assert_eq!(
        summary(&r.findings),
        ["UN001 aws_ecs_service.storefront Dockerfile:1"],
        "{}",
        r.human
    );
    assert!(
        r.human
            .contains("so it is the base image `debian:bookworm-slim`'s"),
        "{}",
        r.human
    );

    // The official image renders /etc/nginx/templates/*.template into
    // conf.d when it starts: a template is read as that conf.d file.
    for (ka, expect) in [
        (
            "10s",
            "KA101 aws_ecs_service.storefront default.conf.template:3",
        ),
        (
            "${NGINX_KEEPALIVE}",
            "UN001 aws_ecs_service.storefront default.conf.template:3",
        ),
    ] {
        let template = format!("server {{\n    listen 80;\n    keepalive_timeout {ka};\n}}\n");
        let dir = fixture_with(
            "image-nginx-server-block",
            &[
                (
                    "services/storefront/Dockerfile",
                    "FROM nginx:1.27\nCOPY default.conf.template /etc/nginx/templates/\n",
                ),
                ("services/storefront/default.conf.template", &template),
            ],
        );
        let r = run(dir.path());
        assert_eq!(summary(&r.findings), [expect], "{}", r.human);
    }
}

/// Apache httpd's KeepAlive, KeepAliveTimeout and Timeout are read from the
/// configuration the image's Dockerfile copies, through its includes; the
/// official image's own httpd.conf sets none of them, and Debian's
/// apache2.conf (php:*-apache) includes sites-enabled.
#[test]
fn httpd_reads_its_configuration_from_the_image() {
    let timeouts = "KeepAlive On\nKeepAliveTimeout 5\n\nTimeout 30\n";
    let dir = fixture_with(
        "image-httpd-conf",
        &[("services/docs-site/conf.d/timeouts.conf", timeouts)],
    );
    let r = run(dir.path());
    assert_eq!(
        summary(&r.findings),
        [
            "KA101 aws_ecs_service.docs timeouts.conf:2",
            "RQ301 aws_ecs_service.docs timeouts.conf:4"
        ],
        "{}",
        r.human
    );

    let dir = fixture_with(
        "image-httpd-conf",
        &[(
            "services/docs-site/conf.d/timeouts.conf",
            "KeepAlive Off\nKeepAliveTimeout 75\n",
        )],
    );
    let r = run(dir.path());
    assert_eq!(summary(&r.findings), [] as [&str; 0], "{}", r.human);

    // Without a copied httpd.conf, the official image's applies: it does
    // not include conf.d, so the built-in 5 s stands.
    let dir = fixture_with(
        "image-httpd-conf",
        &[(
            "services/docs-site/Dockerfile",
            "FROM httpd:2.4\nCOPY conf.d/ /usr/local/apache2/conf.d/\n",
        )],
    );
    let r = run(dir.path());
    assert_eq!(
        summary(&r.findings),
        ["KA101 aws_ecs_service.docs Dockerfile:1"],
        "{}",
        r.human
    );
    assert!(r.human.contains("include/httpd.h"), "{}", r.human);

    // Debian's apache2.conf (php:*-apache) includes sites-enabled: the
    // virtual host on the container port sets the keep-alive.
    let dir = fixture_with(
        "image-httpd-conf",
        &[
            (
                "services/docs-site/Dockerfile",
                "FROM php:8.3-apache\nCOPY site.conf /etc/apache2/sites-enabled/000-default.conf\n",
            ),
            (
                "services/docs-site/site.conf",
                "<VirtualHost *:8080>\n    KeepAliveTimeout 90\n</VirtualHost>\n<VirtualHost *:80>\n    KeepAliveTimeout 20\n</VirtualHost>\n",
            ),
        ],
    );
    let r = run(dir.path());
    assert_eq!(
        summary(&r.findings),
        ["KA101 aws_ecs_service.docs site.conf:5"],
        "{}",
        r.human
    );
}

/// A repository's only Dockerfile builds an ECR image whose name matches
/// no directory only when the scan defines that ECR repository: otherwise
/// any image from a private registry (a mirrored sidecar) would be linked
/// to the app's Dockerfile.
#[test]
fn the_only_dockerfile_builds_only_an_ecr_repository_defined_here() {
    let from = fixture("image-nginx-proxy-read-timeout");
    let read = |p: &str| std::fs::read_to_string(from.join(p)).unwrap();
    let main = read("infra/main.tf");
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in [
        ("infra/main.tf", main.clone()),
        ("docker/Dockerfile", read("reports-proxy/Dockerfile")),
        ("docker/nginx.conf", read("reports-proxy/nginx.conf")),
    ] {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let r = run(dir.path());
    assert_eq!(
        summary(&r.findings),
        ["UN002 aws_ecs_service.reports main.tf:41"],
        "{}",
        r.human
    );

    std::fs::write(
        dir.path().join("infra/main.tf"),
        format!(
            "{main}\nresource \"aws_ecr_repository\" \"proxy\" {{\n  name = \"reports-proxy\"\n}}\n"
        ),
    )
    .unwrap();
    let r = run(dir.path());
    assert_eq!(
        summary(&r.findings),
        ["RQ301 aws_ecs_service.reports nginx.conf:30"],
        "{}",
        r.human
    );
    assert!(
        r.human.contains(
            "the repository's only Dockerfile, for the ECR repository `reports-proxy` defined here"
        ),
        "{}",
        r.human
    );
}

/// A server that never closes an idle connection is above any idle
/// timeout: KA101 passes behind an ALB, NL601 fires behind an NLB.
#[test]
fn a_server_without_an_idle_limit_passes_an_alb_and_fails_an_nlb() {
    let tf = |lb_type: &str, protocol: &str| {
        format!(
            r#"
resource "aws_lb" "main" {{
  load_balancer_type = "{lb_type}"
}}
resource "aws_lb_target_group" "app" {{
  port     = 8080
  protocol = "{protocol}"
}}
resource "aws_lb_listener" "main" {{
  load_balancer_arn = aws_lb.main.arn
  protocol          = "{protocol}"
  port              = 80
  default_action {{
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }}
}}
resource "aws_ecs_task_definition" "app" {{
  family = "app"
  container_definitions = jsonencode([{{
    name    = "app"
    image   = "example/orders:1.0"
    command = ["java", "-jar", "app.jar", "--server.tomcat.keep-alive-timeout=-1"]
  }}])
}}
resource "aws_ecs_service" "app" {{
  task_definition = aws_ecs_task_definition.app.arn
  load_balancer {{
    target_group_arn = aws_lb_target_group.app.arn
    container_name   = "app"
    container_port   = 8080
  }}
}}
"#
        )
    };
    let scan = |text: String| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.tf"), text).unwrap();
        summary(&run(dir.path()).findings)
            .into_iter()
            .filter(|f| !f.starts_with("DR2"))
            .collect::<Vec<_>>()
    };
    assert_eq!(scan(tf("application", "HTTP")), Vec::<String>::new());
    assert_eq!(
        scan(tf("network", "TCP")),
        ["NL601 aws_ecs_service.app main.tf:23"]
    );
}
