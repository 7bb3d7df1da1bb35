//! What an unset stopTimeout falls back to, by launch type: the ECS
//! default on Fargate, the agent's ECS_CONTAINER_STOP_TIMEOUT from launch
//! template / launch configuration user data on EC2, unresolved when the
//! instances' user data is not in the scan, and an assumed 30 s when the
//! launch type cannot be known.

mod common;
use common::*;

/// An ALB in front of `service` (written in full by the caller), whose
/// container runs gunicorn with `--graceful-timeout 25` and sets no
/// stopTimeout unless `container_extra` does.
fn repo(service: &str, task_extra: &str, rest: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let tf = format!(
        r#"resource "aws_lb" "web" {{
  name = "web"
}}

resource "aws_lb_target_group" "web" {{
  name     = "web"
  port     = 8000
  protocol = "HTTP"
}}

resource "aws_lb_listener" "web" {{
  load_balancer_arn = aws_lb.web.arn
  default_action {{
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }}
}}

resource "aws_ecs_task_definition" "web" {{
  family = "web"
{task_extra}
  container_definitions = jsonencode([{{
    name    = "web"
    image   = "example/web:1"
    command = ["gunicorn", "-k", "gevent", "--keep-alive", "75", "--graceful-timeout", "25", "app:app"]
  }}])
}}

resource "aws_ecs_service" "web" {{
  name            = "web"
  task_definition = aws_ecs_task_definition.web.arn
{service}
  load_balancer {{
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "web"
    container_port   = 8000
  }}
}}
{rest}"#
    );
    std::fs::write(dir.path().join("main.tf"), tf).unwrap();
    dir
}

fn stop_timeout_line(r: &Run) -> String {
    r.services
        .lines()
        .find(|l| l.trim_start().starts_with("stopTimeout"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

const CLUSTER: &str = r#"
resource "aws_ecs_cluster" "main" {
  name = "main"
}
"#;

fn launch_template(user_data: &str) -> String {
    format!(
        r#"
resource "aws_launch_template" "ecs" {{
  name_prefix = "ecs-"
  user_data   = {user_data}
}}
"#
    )
}

#[test]
fn fargate_keeps_the_ecs_default() {
    let r = repo(
        "  cluster = aws_ecs_cluster.main.id\n  launch_type = \"FARGATE\"\n",
        "",
        &(CLUSTER.to_string()
            + &launch_template(
                "base64encode(\"ECS_CLUSTER=main\\nECS_CONTAINER_STOP_TIMEOUT=5s\\n\")",
            )),
    );
    let r = run(r.path());
    assert!(
        summary(&r.findings).is_empty(),
        "{:?}",
        summary(&r.findings)
    );
    assert_eq!(
        stop_timeout_line(&r),
        "stopTimeout   30 s  (ECS default stopTimeout)"
    );
}

#[test]
fn a_fargate_only_task_definition_is_fargate_whatever_the_cluster() {
    let r = repo(
        "  cluster = aws_ecs_cluster.main.id\n",
        "  requires_compatibilities = [\"FARGATE\"]\n",
        &(CLUSTER.to_string()
            + &launch_template(
                "base64encode(\"ECS_CLUSTER=main\\nECS_CONTAINER_STOP_TIMEOUT=5s\\n\")",
            )),
    );
    let r = run(r.path());
    assert!(
        summary(&r.findings).is_empty(),
        "{:?}",
        summary(&r.findings)
    );
}

#[test]
fn a_fargate_capacity_provider_is_fargate() {
    let r = repo(
        "  cluster = aws_ecs_cluster.main.id\n  capacity_provider_strategy {\n    capacity_provider = \"FARGATE_SPOT\"\n    weight = 1\n  }\n",
        "",
        &(CLUSTER.to_string()
            + &launch_template(
                "base64encode(\"ECS_CLUSTER=main\\nECS_CONTAINER_STOP_TIMEOUT=5s\\n\")",
            )),
    );
    assert!(summary(&run(r.path()).findings).is_empty());
}

#[test]
fn a_cluster_without_default_strategy_runs_ec2_and_its_agent_setting_applies() {
    let r = repo(
        "  cluster = aws_ecs_cluster.main.id\n",
        "",
        &(CLUSTER.to_string()
            + &launch_template(
                "base64encode(\"#!/bin/bash\\necho ECS_CLUSTER=main >> /etc/ecs/ecs.config\\necho ECS_CONTAINER_STOP_TIMEOUT=20s >> /etc/ecs/ecs.config\\n\")",
            )),
    );
    let r = run(r.path());
    assert_eq!(
        summary(&r.findings),
        ["DR203 aws_ecs_service.web main.tf:47"]
    );
    assert!(
        r.findings[0]
            .message
            .contains("ECS_CONTAINER_STOP_TIMEOUT of 20 s"),
        "{}",
        r.findings[0].message
    );
}

#[test]
fn a_cluster_default_fargate_strategy_is_fargate() {
    let rest = CLUSTER.to_string()
        + r#"
resource "aws_ecs_cluster_capacity_providers" "main" {
  cluster_name       = aws_ecs_cluster.main.name
  capacity_providers = ["FARGATE"]
  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
  }
}
"# + &launch_template(
        "base64encode(\"ECS_CLUSTER=main\\nECS_CONTAINER_STOP_TIMEOUT=5s\\n\")",
    );
    let r = repo("  cluster = aws_ecs_cluster.main.id\n", "", &rest);
    assert!(summary(&run(r.path()).findings).is_empty());
}

#[test]
fn the_agent_default_applies_when_user_data_does_not_set_it() {
    let r = repo(
        "  cluster = aws_ecs_cluster.main.id\n  launch_type = \"EC2\"\n",
        "",
        &(CLUSTER.to_string()
            + &launch_template("base64encode(\"ECS_CLUSTER=${aws_ecs_cluster.main.name}\\n\")")),
    );
    let r = run(r.path());
    assert!(summary(&r.findings).is_empty());
    assert_eq!(
        stop_timeout_line(&r),
        "stopTimeout   30 s  (ECS agent default (ECS_CONTAINER_STOP_TIMEOUT is not set by launch template aws_launch_template.ecs))"
    );
}

#[test]
fn an_unparsable_or_zero_agent_setting_is_the_agent_default() {
    for value in ["10", "0", "ten"] {
        let r = repo(
            "  cluster = aws_ecs_cluster.main.id\n  launch_type = \"EC2\"\n",
            "",
            &(CLUSTER.to_string()
                + &launch_template(&format!(
                    "base64encode(\"ECS_CLUSTER=main\\nECS_CONTAINER_STOP_TIMEOUT={value}\\n\")"
                ))),
        );
        let r = run(r.path());
        assert!(summary(&r.findings).is_empty(), "{value}");
        assert!(
            stop_timeout_line(&r).starts_with("stopTimeout   30 s  (ECS agent default"),
            "{value}"
        );
    }
}

#[test]
fn ec2_through_a_capacity_provider_reaches_the_launch_configuration() {
    let rest = r#"
resource "aws_ecs_capacity_provider" "asg" {
  name = "asg"
  auto_scaling_group_provider {
    auto_scaling_group_arn = aws_autoscaling_group.ecs.arn
  }
}

resource "aws_autoscaling_group" "ecs" {
  max_size             = 2
  min_size             = 1
  launch_configuration = aws_launch_configuration.ecs.name
}

resource "aws_launch_configuration" "ecs" {
  image_id  = "ami-1"
  user_data = <<-EOF
    #!/bin/bash
    echo ECS_CONTAINER_STOP_TIMEOUT=1m >> /etc/ecs/ecs.config
    echo ECS_CONTAINER_STOP_TIMEOUT=15s >> /etc/ecs/ecs.config
  EOF
}
"#;
    let r = repo(
        "  cluster = \"elsewhere\"\n  capacity_provider_strategy {\n    capacity_provider = aws_ecs_capacity_provider.asg.name\n  }\n",
        "",
        rest,
    );
    let r = run(r.path());
    // The last assignment wins, located in the heredoc.
    assert_eq!(
        summary(&r.findings),
        ["DR203 aws_ecs_service.web main.tf:62"]
    );
    assert!(
        r.findings[0].message.contains("15 s"),
        "{}",
        r.findings[0].message
    );
}

#[test]
fn ec2_without_the_instances_in_the_scan_is_unresolved() {
    let r = repo("  cluster = \"shop\"\n  launch_type = \"EC2\"\n", "", "");
    let r = run(r.path());
    assert_eq!(
        summary(&r.findings),
        ["UN001 aws_ecs_service.web main.tf:23"]
    );
    assert!(
        r.findings[0]
            .message
            .contains("set stopTimeout in the container definition")
    );
}

#[test]
fn an_unknown_launch_type_assumes_30_s_and_says_so() {
    // The cluster is not in the scan, so its default strategy is unknown.
    let r = repo("  cluster = \"shop\"\n", "", "");
    let r = run(r.path());
    assert!(summary(&r.findings).is_empty());
    assert!(
        stop_timeout_line(&r).contains("assumed: the launch type is not known"),
        "{}",
        stop_timeout_line(&r)
    );
}

#[test]
fn user_data_with_an_unknown_part_that_may_set_it_is_unresolved() {
    let rest = CLUSTER.to_string()
        + r#"
variable "extra" {}
"# + &launch_template(
        "base64encode(\"ECS_CLUSTER=${aws_ecs_cluster.main.name}\\n${var.extra}\\n\")",
    );
    let r = repo(
        "  cluster = aws_ecs_cluster.main.id\n  launch_type = \"EC2\"\n",
        "",
        &rest,
    );
    let r = run(r.path());
    assert_eq!(summary(&r.findings).len(), 1);
    assert!(
        r.findings[0].message.contains("unknown part"),
        "{}",
        r.findings[0].message
    );
}

#[test]
fn launch_templates_that_disagree_are_unresolved() {
    let rest = CLUSTER.to_string()
        + &launch_template("base64encode(\"ECS_CLUSTER=main\\nECS_CONTAINER_STOP_TIMEOUT=5s\\n\")")
        + r#"
resource "aws_launch_template" "spare" {
  user_data = base64encode("ECS_CLUSTER=main\nECS_CONTAINER_STOP_TIMEOUT=2m\n")
}
"#;
    let r = repo(
        "  cluster = aws_ecs_cluster.main.id\n  launch_type = \"EC2\"\n",
        "",
        &rest,
    );
    let r = run(r.path());
    assert_eq!(summary(&r.findings).len(), 1);
    assert!(
        r.findings[0]
            .message
            .contains("aws_launch_template.ecs, aws_launch_template.spare"),
        "{}",
        r.findings[0].message
    );
}

#[test]
fn base64_user_data_from_elsewhere_is_decoded() {
    // "ECS_CLUSTER=main\nECS_CONTAINER_STOP_TIMEOUT=7s\n": located at the attribute.
    let rest = CLUSTER.to_string()
        + &launch_template("\"RUNTX0NMVVNURVI9bWFpbgpFQ1NfQ09OVEFJTkVSX1NUT1BfVElNRU9VVD03cwo=\"");
    let r = repo(
        "  cluster = aws_ecs_cluster.main.id\n  launch_type = \"EC2\"\n",
        "",
        &rest,
    );
    let r = run(r.path());
    assert_eq!(
        summary(&r.findings),
        ["DR203 aws_ecs_service.web main.tf:48"]
    );
}

#[test]
fn base64_of_a_partly_unknown_local_is_unknown() {
    let rest = CLUSTER.to_string()
        + r#"
variable "timeout" {}
locals {
  user_data = base64encode("ECS_CLUSTER=main\nECS_CONTAINER_STOP_TIMEOUT=${var.timeout}\n")
}
"# + &launch_template("local.user_data");
    let r = repo(
        "  cluster = aws_ecs_cluster.main.id\n  launch_type = \"EC2\"\n",
        "",
        &rest,
    );
    let r = run(r.path());
    assert_eq!(summary(&r.findings).len(), 1, "{:?}", summary(&r.findings));
    assert!(
        stop_timeout_line(&r).contains("aws_launch_template.ecs may start them")
            && stop_timeout_line(&r).contains("var.timeout"),
        "{}",
        stop_timeout_line(&r)
    );
}
