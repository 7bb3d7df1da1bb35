//! Elastic Beanstalk environments (EB701): how settings resolve, and what
//! is said when they cannot.

mod common;
use common::{run, summary};
use std::path::Path;

const ENV: &str = r#"
resource "aws_elastic_beanstalk_environment" "web" {
  name                = "web"
  application         = "shop"
  solution_stack_name = "64bit Amazon Linux 2023 v4.3.2 running Python 3.11"
  setting {
    namespace = "aws:elasticbeanstalk:environment"
    name      = "LoadBalancerType"
    value     = "application"
  }
  setting {
    namespace = "aws:elbv2:loadbalancer"
    name      = "IdleTimeout"
    value     = var.idle
  }
  EXTRA
}
variable "idle" {
  default = 90
}
"#;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn scan(tf: &str, files: &[(&str, &str)]) -> (Vec<String>, String) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.tf", tf);
    for (rel, text) in files {
        write(dir.path(), rel, text);
    }
    let r = run(dir.path());
    (summary(&r.findings), r.human)
}

#[test]
fn the_platform_default_races_a_longer_idle_timeout() {
    let (got, human) = scan(&ENV.replace("EXTRA", ""), &[]);
    assert_eq!(
        got,
        ["EB701 aws_elastic_beanstalk_environment.web main.tf:2"]
    );
    assert!(human.contains("keepalive_timeout 95"), "{human}");
    let (got, _) = scan(
        &ENV.replace("EXTRA", "")
            .replace("default = 90", "default = 59"),
        &[],
    );
    assert_eq!(got, Vec::<String>::new());
}

#[test]
fn a_setting_whose_name_is_unknown_makes_the_value_unknown() {
    let extra = r#"setting {
    namespace = var.namespace
    name      = "IdleTimeout"
    value     = "30"
  }"#;
    let tf = format!(
        "{}\nvariable \"namespace\" {{}}\n",
        ENV.replace("EXTRA", extra)
    );
    let (got, human) = scan(&tf, &[]);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("UN001"), "{got:?}");
    assert!(human.contains("namespace or name is not known"), "{human}");
}

#[test]
fn the_bundles_nginx_conf_is_read_and_two_of_them_are_ambiguous() {
    let conf =
        "http {\n  server {\n    listen 80 default_server;\n    keepalive_timeout 120;\n  }\n}\n";
    let tf = ENV.replace("EXTRA", "");
    let (got, _) = scan(&tf, &[("app/.platform/nginx/nginx.conf", conf)]);
    assert_eq!(
        got,
        Vec::<String>::new(),
        "120 s is above the 90 s idle timeout"
    );
    let (got, human) = scan(
        &tf,
        &[
            ("app/.platform/nginx/nginx.conf", conf),
            ("admin/.platform/nginx/nginx.conf", conf),
        ],
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("UN001"), "{got:?}");
    assert!(
        human.contains("cannot tell which one this environment runs"),
        "{human}"
    );
}

#[test]
fn a_broken_or_escaping_nginx_conf_is_reported_not_trusted() {
    let tf = ENV.replace("EXTRA", "");
    let (got, human) = scan(
        &tf,
        &[(
            "app/.platform/nginx/nginx.conf",
            "http { server { keepalive_timeout 120;",
        )],
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("UN001"), "{got:?}");
    assert!(human.contains("nginx.conf"), "{human}");

    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "nginx.conf",
        "http { server { keepalive_timeout 120; } }",
    );
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.tf", &tf);
    std::fs::create_dir_all(dir.path().join(".platform/nginx")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("nginx.conf"),
        dir.path().join(".platform/nginx/nginx.conf"),
    )
    .unwrap();
    let got = summary(&run(dir.path()).findings);
    assert!(got.iter().any(|f| f.starts_with("PA001")), "{got:?}");
    // Unread, it still replaces the platform's file: no 60 s default.
    assert!(got.iter().any(|f| f.starts_with("UN001")), "{got:?}");
    assert!(!got.iter().any(|f| f.starts_with("EB701")), "{got:?}");
}

#[test]
fn a_suppression_on_the_environment_silences_it() {
    let tf = ENV.replace("EXTRA", "").replace(
        "resource \"aws_elastic_beanstalk_environment\"",
        "# keepalign:ignore EB701 -- nginx is replaced by the bundle's Procfile proxy\nresource \"aws_elastic_beanstalk_environment\"",
    );
    let (got, _) = scan(&tf, &[]);
    assert_eq!(
        got,
        ["EB701 aws_elastic_beanstalk_environment.web main.tf:3 (suppressed)"]
    );
}

#[test]
fn ebextensions_option_settings_apply_after_the_environments_own() {
    // The bundle raises the idle timeout to 300 s; nginx keeps 60 s.
    let tf = ENV.replace("EXTRA", "").replace(
        r#"  setting {
    namespace = "aws:elbv2:loadbalancer"
    name      = "IdleTimeout"
    value     = var.idle
  }
"#,
        "",
    );
    let map_form = "option_settings:\n  aws:elbv2:loadbalancer:\n    IdleTimeout: 300\n";
    let (got, human) = scan(&tf, &[("app/.ebextensions/01-alb.config", map_form)]);
    assert_eq!(
        got,
        ["EB701 aws_elastic_beanstalk_environment.web main.tf:2"]
    );
    assert!(human.contains("01-alb.config"), "{human}");
    let list_form = r#"{"option_settings": [{"namespace": "aws:elbv2:loadbalancer", "option_name": "IdleTimeout", "value": "45"}]}"#;
    let (got, _) = scan(&tf, &[("app/.ebextensions/01-alb.config", list_form)]);
    assert_eq!(got, Vec::<String>::new(), "45 s is below nginx's 60 s");
    // The environment's own setting wins over the bundle's.
    let (got, _) = scan(
        &ENV.replace("EXTRA", "")
            .replace("default = 90", "default = 30"),
        &[("app/.ebextensions/01-alb.config", map_form)],
    );
    assert_eq!(got, Vec::<String>::new());
    // A broken file is reported, and what it may set is unknown.
    let (got, _) = scan(
        &tf,
        &[("app/.ebextensions/01-alb.config", "option_settings: [")],
    );
    assert!(got.iter().any(|f| f.starts_with("PA001")), "{got:?}");
    assert!(got.iter().any(|f| f.starts_with("UN001")), "{got:?}");
    assert!(!got.iter().any(|f| f.starts_with("EB701")), "{got:?}");
}
