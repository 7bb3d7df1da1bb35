//! CloudFormation and CDK templates give the findings their READMEs list,
//! pointing into template lines; reports are snapshotted.

mod common;
use common::*;
use keepalign::engine::{self, Options};
use std::path::{Path, PathBuf};

fn cfn(name: &str) -> PathBuf {
    Path::new("testdata/cloudformation").join(name)
}

const EXPECTED: &[(&str, &[&str])] = &[
    (
        "bad-alias-bomb",
        &[
            "PA001 - laughs.yaml:9",
            "KA101 ThumbsService worker.yaml:61",
        ],
    ),
    ("bad-deep-json", &[]),
    (
        "blue-green-alternate-target-group-yaml",
        &["DR201 Service checkout.yaml:70"],
    ),
    (
        "coverage-custom-resource",
        &["UN003 - stack.yaml:39", "UN003 - stack.yaml:50"],
    ),
    ("bad-duplicate-keys", &["PA001 - api.yaml:28"]),
    ("bad-resources-null", &["PA001 - template.yaml:9"]),
    (
        "bad-wrong-tag-kind",
        &[
            "UN001 NotificationsService service.yaml:34",
            "KA101 NotificationsService service.yaml:71",
        ],
    ),
    (
        "cdk-synth",
        &["KA101 Service9571FDD8 MyServiceStack.template.json:145"],
    ),
    ("cdk-image-asset", &["KA101 Service9571FDD8 Dockerfile:12"]),
    ("ecr-repository-image", &["KA101 Service Dockerfile:6"]),
    (
        "conditions-unknown",
        &[
            "UN001 AdminService stack.yaml:18",
            "UN001 AdminService stack.yaml:18",
            "UN001 LegacyService stack.yaml:18",
            "UN001 WebService stack.yaml:18",
            "UN001 WebService stack.yaml:18",
            "KA101 LegacyService stack.yaml:106",
        ],
    ),
    (
        "conditions",
        &[
            "KA101 WebService app.yaml:160",
            "DR201 ReportsService app.yaml:197",
        ],
    ),
    (
        "dynamic-reference-ssm",
        &[
            "UN001 Service service.yaml:29",
            "UN001 Service service.yaml:73",
        ],
    ),
    (
        "import-value",
        &[
            "UN001 InvoicesService orphan.yaml:28",
            "KA101 Service service.yaml:110",
        ],
    ),
    ("import-value-image", &["UN002 Service service.yaml:53"]),
    ("classic-elb-tcp-yaml", &["UN001 Service service.yaml:93"]),
    (
        "ec2-agent-stop-timeout-yaml",
        &["DR203 Service service.yaml:36"],
    ),
    (
        "ec2-agent-cfn-init-yaml",
        &["DR203 Service cluster.yaml:49"],
    ),
    (
        "nested-stack",
        &[
            "KA101 Service service.yaml:43",
            "DR201 Service main.yaml:41",
            "KA101 Service main.yaml:73",
            "UN001 Service main.yaml:83",
        ],
    ),
    (
        "nested-stack-cdk",
        &["KA101 Service3A9C7E21 StorefrontStackWeb5E8F2A1C.nested.template.json:18"],
    ),
    (
        "nested-stack-missing",
        &["UN003 - platform.yaml:51", "UN003 - platform.yaml:60"],
    ),
    ("nlb-yaml", &[]),
    (
        "nlb-tcp-idle-timeout-yaml",
        &["NL601 AgentService ingest.yaml:56"],
    ),
    ("nlb-ec2-conntrack-yaml", &["NL602 Service gateway.yaml:28"]),
    ("beanstalk-nginx-yaml", &["EB701 Exports nginx.conf:34"]),
    (
        "cloudfront-alb-yaml",
        &[
            "CF501 - edge.yaml:88",
            "CF501 - edge.yaml:169",
            "CF503 - edge.yaml:256",
            "CF502 - edge.yaml:259",
            "CF501 - edge.yaml:292",
        ],
    ),
    (
        "yaml-flow-indentation",
        &["KA101 Service stream-consumer.yaml:83"],
    ),
    ("not-templates", &[]),
    (
        "parameters",
        &[
            "KA101 Service service.yaml:25",
            "UN001 Service service.yaml:87",
        ],
    ),
    ("seed-apache-alb-120-yaml", &[]),
    (
        "seed-classic-elb-gunicorn-2s-yaml",
        &[
            "UN001 Service service.yaml:93",
            "KA101 Service service.yaml:107",
        ],
    ),
    (
        "seed-classic-elb-gunicorn-65s-json",
        &["UN001 Service web-service.template.json:107"],
    ),
    (
        "seed-dereg-30-idle-120-json",
        &["DR201 Service search-api.json:81"],
    ),
    (
        "server-quarkus-yaml",
        &["KA101 PricingService pricing.yaml:68"],
    ),
    (
        "server-proxies-yaml",
        &[
            "KA101 RouterService proxies.yaml:117",
            "KA101 EdgeService proxies.yaml:229",
        ],
    ),
    (
        "server-java-tomcat-jetty-yaml",
        &[
            "KA101 ReportsService shop.yaml:172",
            "KA101 StorefrontService server.xml:12",
        ],
    ),
    (
        "server-uwsgi-bun-deno-yaml",
        &[
            "UN001 LegacyService apps.yaml:114",
            "KA101 StorefrontService apps.yaml:173",
        ],
    ),
    (
        "server-varnish-kestrel-yaml",
        &["KA101 ApiService edge.yaml:129"],
    ),
    (
        "server-spring-boot-yaml",
        &["KA101 CatalogService catalog.yaml:66"],
    ),
    ("sub-sh-c", &["KA101 Service django.yaml:27"]),
    (
        "suppressed",
        &[
            "DR201 Service streaming.yaml:60",
            "KA101 Service streaming.yaml:112 (suppressed)",
            "SU001 - streaming.yaml:132",
        ],
    ),
    (
        "suppressed-items",
        &[
            "SU004 - checkout.yaml:18",
            "SU003 - checkout.yaml:28",
            "SU002 - checkout.yaml:40",
            "DR201 Service checkout.yaml:51",
            "SU005 - checkout.yaml:68",
            "KA101 Service checkout.yaml:80 (suppressed)",
        ],
    ),
    (
        "two-services-listener-rules",
        &[
            "KA101 AdminService marketplace.yaml:202",
            "KA101 CheckoutGreenService marketplace.yaml:333",
        ],
    ),
];

#[test]
fn every_template_fixture_gives_the_findings_its_readme_lists() {
    let mut failures = Vec::new();
    for (name, expected) in EXPECTED {
        let got = summary(&run(cfn(name)).findings);
        if got != *expected {
            failures.push(format!(
                "{name}:\n  expected {expected:?}\n  got      {got:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_template_fixture_has_an_expectation() {
    for entry in std::fs::read_dir("testdata/cloudformation").unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            let name = entry.file_name().to_string_lossy().to_string();
            assert!(
                EXPECTED.iter().any(|(n, _)| *n == name),
                "fixture {name} has no expectation"
            );
        }
    }
}

#[test]
fn human_reports_point_into_yaml_and_json() {
    for (name, _) in EXPECTED {
        insta::assert_snapshot!(format!("cfn-human-{name}"), run(cfn(name)).human);
    }
}

#[test]
fn json_and_services_reports() {
    for name in [
        "seed-classic-elb-gunicorn-2s-yaml",
        "seed-dereg-30-idle-120-json",
        "import-value",
    ] {
        insta::assert_snapshot!(format!("cfn-json-{name}"), run(cfn(name)).json);
    }
    for name in [
        "cdk-synth",
        "cdk-image-asset",
        "two-services-listener-rules",
        "conditions",
        "ec2-agent-stop-timeout-yaml",
        "nested-stack",
    ] {
        insta::assert_snapshot!(format!("cfn-services-{name}"), run(cfn(name)).services);
    }
}

fn with_parameters(name: &str, files: &[&str], params: &[(&str, &str)]) -> Vec<String> {
    let opts = Options {
        cloudformation: keepalign::cloudformation::Inputs {
            parameters: params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            parameter_files: files.iter().map(|f| cfn(name).join(f)).collect(),
            ..Default::default()
        },
        ..Options::default()
    };
    let model = engine::load(&[cfn(name)], &opts).unwrap();
    let chains = keepalign::linker::link(&model);
    summary(&engine::check(&model, &chains))
}

#[test]
fn parameter_files_in_each_format_override_defaults() {
    assert_eq!(
        with_parameters("parameters", &["params/prod.json"], &[]),
        Vec::<String>::new()
    );
    assert_eq!(
        with_parameters("parameters", &["params/prod.properties"], &[]),
        Vec::<String>::new()
    );
    assert_eq!(
        with_parameters("parameters", &["params/staging.properties"], &[]),
        [
            "KA101 Service staging.properties:7",
            "DR201 Service staging.properties:8"
        ]
    );
}

#[test]
fn command_line_parameters_win_over_files() {
    let got = with_parameters("parameters", &["params/prod.json"], &[("KeepAlive", "30")]);
    assert_eq!(got, ["KA101 Service --parameter KeepAlive:1"]);
    let got = with_parameters("parameters", &[], &[("KeepAlive", "30")]);
    assert_eq!(
        got,
        [
            "KA101 Service --parameter KeepAlive:1",
            "UN001 Service service.yaml:87"
        ]
    );
}

#[test]
fn parameters_of_a_nested_stack_come_from_its_parent() {
    assert_eq!(
        with_parameters("nested-stack", &[], &[("AdminDrainSeconds", "30")]),
        [
            "DR201 Service --parameter AdminDrainSeconds:1",
            "KA101 Service service.yaml:43",
            "DR201 Service main.yaml:41",
            "KA101 Service main.yaml:73",
        ]
    );
    // The child's own parameter is filled by the parent, not the command line.
    let with_child_parameter = with_parameters("nested-stack", &[], &[("KeepAlive", "300")]);
    assert!(
        with_child_parameter.contains(&"KA101 Service main.yaml:73".to_string()),
        "{with_child_parameter:?}"
    );
}

#[test]
fn conditions_follow_parameters_and_drop_resources_that_are_not_created() {
    assert_eq!(
        with_parameters("conditions", &[], &[("Env", "staging")]),
        ["DR201 WebService app.yaml:36"]
    );
    let opts = Options {
        cloudformation: keepalign::cloudformation::Inputs {
            parameters: vec![("Env".into(), "staging".into())],
            parameter_files: Vec::new(),
            ..Default::default()
        },
        ..Options::default()
    };
    let model = engine::load(&[cfn("conditions")], &opts).unwrap();
    let chains = keepalign::linker::link(&model);
    assert_eq!(chains.len(), 1, "ReportsService exists only in prod");
}

#[test]
fn files_that_are_not_templates_are_not_counted() {
    let r = run(cfn("not-templates"));
    assert!(r.human.contains("(0 files)"), "{}", r.human);
    let r = run(cfn("cdk-synth"));
    assert!(
        r.human.contains("(1 file)"),
        "manifest.json, tree.json and assets are skipped: {}",
        r.human
    );
}

#[test]
fn terraform_and_cloudformation_in_one_scan() {
    let r = run_with(
        &[
            fixture("example-gunicorn-alb"),
            cfn("seed-dereg-30-idle-120-json"),
        ],
        Default::default(),
    );
    assert_eq!(
        summary(&r.findings),
        [
            "DR201 Service search-api.json:81",
            "KA101 aws_ecs_service.api ecs.tf:17"
        ]
    );
}

#[test]
fn lists_chosen_by_an_unknown_condition_are_unknown_not_aws_defaults() {
    assert_eq!(
        with_parameters("conditions-unknown", &[], &[("Env", "prod")]),
        [
            // Once for the target group both services share.
            "DR201 - stack.yaml:45",
            "KA101 AdminService stack.yaml:68",
            "KA101 WebService stack.yaml:68",
            "KA101 LegacyService stack.yaml:106",
        ]
    );
    assert_eq!(
        with_parameters("conditions-unknown", &[], &[("Env", "staging")]),
        [
            "DR202 LegacyService stack.yaml:98",
            "KA101 LegacyService stack.yaml:106"
        ]
    );
    let r = run(cfn("conditions-unknown"));
    assert!(
        !r.services.contains("AWS default for ALB"),
        "{}",
        r.services
    );
    assert!(
        !r.services.contains("AWS default for deregistration"),
        "{}",
        r.services
    );
    assert!(!r.human.contains("[DR202]"), "{}", r.human);
}

#[test]
fn templates_that_reuse_a_logical_id_keep_their_own_findings() {
    // Two stacks deployed from copies of one template (the usual
    // multi-service layout): both define `Service`, and a --parameter puts
    // both KA101s at the same place. Each is a finding of its own.
    let dir = tempfile::tempdir().unwrap();
    for stack in ["billing", "search"] {
        std::fs::create_dir(dir.path().join(stack)).unwrap();
        std::fs::copy(
            cfn("parameters").join("service.yaml"),
            dir.path().join(stack).join("service.yaml"),
        )
        .unwrap();
    }
    let opts = Options {
        cloudformation: keepalign::cloudformation::Inputs {
            parameters: vec![("KeepAlive".into(), "30".into())],
            parameter_files: Vec::new(),
            ..Default::default()
        },
        ..Options::default()
    };
    let model = engine::load(&[dir.path().to_path_buf()], &opts).unwrap();
    let chains = keepalign::linker::link(&model);
    let findings = engine::check(&model, &chains);
    let ka101: Vec<_> = findings.iter().filter(|f| f.rule.id == "KA101").collect();
    assert_eq!(ka101.len(), 2, "{:#?}", summary(&findings));
    let scopes: Vec<_> = ka101.iter().map(|f| f.scope.clone().unwrap()).collect();
    assert!(scopes[0].ends_with("billing/service.yaml"), "{scopes:?}");
    assert!(scopes[1].ends_with("search/service.yaml"), "{scopes:?}");
    let summary = keepalign::report::Summary::new(&findings, model.files, chains.len());
    let human = keepalign::report::human::render(&findings, &summary, false);
    assert!(human.contains("service: Service in "), "{human}");
}

/// An NLB target group's health check defaults to TCP with a 10 s timeout
/// (not an ALB's 5 s), and a timeout equal to the interval is accepted.
#[test]
fn nlb_health_check_defaults_and_equal_timeout() {
    let original = std::fs::read_to_string(cfn("nlb-yaml").join("gateway-nlb.yaml")).unwrap();
    let hc = "      HealthCheckProtocol: TCP\n      HealthCheckIntervalSeconds: 30\n      HealthCheckTimeoutSeconds: 10\n";
    assert!(original.contains(hc));
    let mut got = Vec::new();
    for replacement in [
        "      HealthCheckIntervalSeconds: 8\n",
        "      HealthCheckIntervalSeconds: 10\n      HealthCheckTimeoutSeconds: 10\n",
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("gateway.yaml"),
            original.replace(hc, replacement),
        )
        .unwrap();
        let r = run(dir.path());
        got.push(summary(&r.findings).join(" ").replace(char::is_numeric, ""));
        if replacement.contains(": 8") {
            assert!(
                r.human.contains("health check timeout 10 s (AWS default for HealthCheckTimeoutSeconds of an NLB target group with a TCP or HTTPS health check) is above the interval 8 s"),
                "{}",
                r.human
            );
        }
    }
    assert_eq!(got[1], "", "a 10/10 NLB health check is accepted");
    assert!(got[0].starts_with("HC"), "{got:?}");
}

/// Templates of the reference corpus that keepalign does not count as
/// templates, with why: it recognises a template by
/// `AWSTemplateFormatVersion` or an `AWS::` resource type, and these have
/// neither, so they cannot hold a load-balanced service. They must still
/// parse.
const REFERENCE_NOT_COUNTED: &[(&str, &str)] = &[
    ("good/decode/parsing.json", "Resources is empty"),
    (
        "good/functions/ref.yaml",
        "only a module resource (My::S3::Bucket::MODULE)",
    ),
    (
        "good/resources/cloudformation/stack_nested.yaml",
        "a nested stack's child with Resources: {}",
    ),
    (
        "good/resources/properties/custom.yaml",
        "only a Custom:: resource",
    ),
    (
        "good/schema_resource.yaml",
        "only a third-party resource type (Initech::TPS::Report)",
    ),
];

/// Every file under `dir` that keepalign may read as a template, sorted.
fn candidate_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let p = entry.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if keepalign::cloudformation::is_candidate(&p) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// cfn-lint's valid templates (a corpus no one here wrote, see its README
/// beside the repository): every one loads and is checked without a parse
/// error and without a panic. Every candidate file there is a template
/// cfn-lint accepts (its `quickstart/README.md` and `__init__.py` are not
/// candidates), so none is excluded from the parse; the few keepalign does
/// not count as templates are listed above.
#[test]
fn cfn_lint_valid_templates_load_without_parse_errors_or_panics() {
    let Some(dir) = reference_dir("cloudformation/cfn-lint") else {
        return;
    };
    let files = candidate_files(&dir);
    assert!(
        files.len() > 100,
        "expected cfn-lint's templates under {}",
        dir.display()
    );
    let mut failures = Vec::new();
    for path in &files {
        let rel = path
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let outcome = std::panic::catch_unwind(|| {
            let text = std::fs::read_to_string(path).unwrap();
            let file = keepalign::source::SourceFile::new(path.clone(), text);
            let parsed = keepalign::cloudformation::tree::parse(&file)
                .map(|_| ())
                .map_err(|e| e.message);
            let model = engine::load(std::slice::from_ref(path), &Options::default()).unwrap();
            let chains = keepalign::linker::link(&model);
            let findings = engine::check(&model, &chains);
            (parsed, model.files, findings)
        });
        let (parsed, files, findings) = match outcome {
            Ok(o) => o,
            Err(_) => {
                failures.push(format!("{rel}: panicked"));
                continue;
            }
        };
        if let Err(message) = parsed {
            failures.push(format!("{rel}: {message}"));
        }
        for f in findings.iter().filter(|f| f.rule.id == "PA001") {
            failures.push(format!(
                "{rel}: PA001 at line {}: {}",
                f.position().line,
                f.message
            ));
        }
        let counted = !REFERENCE_NOT_COUNTED.iter().any(|(n, _)| *n == rel);
        if (files == 1) != counted {
            failures.push(format!(
                "{rel}: counted as {files} template files, expected {}",
                u8::from(counted)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_import_that_matches_twin_exports_lists_them_and_asks_for_the_stack_name() {
    // A YAML template and its JSON twin (cfn-flip output kept beside it)
    // export the same `${AWS::StackName}-HttpsListenerArn`.
    let dir = tempfile::tempdir().unwrap();
    for f in ["network.yaml", "service.yaml"] {
        std::fs::copy(cfn("import-value").join(f), dir.path().join(f)).unwrap();
    }
    std::fs::copy(
        cfn("import-value").join("network.yaml"),
        dir.path().join("network-copy.yaml"),
    )
    .unwrap();
    let r = run(dir.path());
    assert!(
        r.human.contains("matches several Exports")
            && r.human.contains("network.yaml")
            && r.human.contains("network-copy.yaml")
            && r.human.contains("--parameter AWS::StackName="),
        "{}",
        r.human
    );
    assert!(!r.human.contains("matches no Export"), "{}", r.human);
}

#[test]
fn a_sam_build_copy_is_not_scanned_twice() {
    let dir = tempfile::tempdir().unwrap();
    let build = dir.path().join(".aws-sam").join("build");
    std::fs::create_dir_all(&build).unwrap();
    let original = cfn("seed-classic-elb-gunicorn-2s-yaml").join("service.yaml");
    std::fs::copy(&original, dir.path().join("template.yaml")).unwrap();
    std::fs::copy(&original, build.join("template.yaml")).unwrap();
    let r = run(dir.path());
    assert_eq!(
        summary(&r.findings),
        [
            "UN001 Service template.yaml:93",
            "KA101 Service template.yaml:107"
        ]
    );
    assert!(r.human.contains("(1 file)"), "{}", r.human);
}

#[test]
fn an_ssm_parameter_type_is_unresolved_not_its_parameter_name() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(cfn("parameters").join("service.yaml")).unwrap();
    let text = text.replacen(
        "  KeepAlive:\n    Type: Number",
        "  KeepAlive:\n    Type: AWS::SSM::Parameter::Value<String>",
        1,
    );
    assert!(text.contains("Parameter::Value<String>"));
    std::fs::write(dir.path().join("service.yaml"), text).unwrap();
    let r = run(dir.path());
    assert!(
        !r.findings.iter().any(|f| f.rule.id == "KA101"),
        "{}",
        r.human
    );
    assert!(
        r.human.contains("read from SSM Parameter Store"),
        "{}",
        r.human
    );
}

/// A parent with an ALB (idle timeout `idle`) nesting `child` with the
/// keep-alive `keep_alive`, as `aws cloudformation package` layouts do.
fn parent_template(idle: u32, child: &str, keep_alive: u32) -> String {
    format!(
        r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      LoadBalancerAttributes:
        - Key: idle_timeout.timeout_seconds
          Value: "{idle}"
  TargetGroup:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      Port: 8000
      Protocol: HTTP
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref LoadBalancer
      DefaultActions:
        - Type: forward
          TargetGroupArn: !Ref TargetGroup
  App:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: {child}
      Parameters:
        TargetGroupArn: !Ref TargetGroup
        KeepAlive: "{keep_alive}"
"#
    )
}

const CHILD: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  TargetGroupArn:
    Type: String
  KeepAlive:
    Type: Number
Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: app
          Image: app:1
          Command: [gunicorn, --threads, "4", --keep-alive, !Ref KeepAlive, app:app]
  Service:
    Type: AWS::ECS::Service
    Properties:
      TaskDefinition: !Ref TaskDefinition
      LoadBalancers:
        - TargetGroupArn: !Ref TargetGroupArn
          ContainerName: app
          ContainerPort: 8000
"#;

#[test]
fn a_child_nested_by_two_parents_is_evaluated_once_for_each() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("shared")).unwrap();
    std::fs::write(dir.path().join("shared/app.yaml"), CHILD).unwrap();
    // Each parent's keep-alive is below its own idle timeout only.
    std::fs::write(
        dir.path().join("blue.yaml"),
        parent_template(120, "shared/app.yaml", 90),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("green.yaml"),
        parent_template(60, "./shared/app.yaml", 30),
    )
    .unwrap();
    let r = run(dir.path());
    assert_eq!(
        summary(&r.findings),
        ["KA101 Service blue.yaml:27", "KA101 Service green.yaml:27"],
        "{}",
        r.human
    );
    assert!(
        r.human.contains("app.yaml (nested as App in ") && !r.human.contains("[UN001]"),
        "{}",
        r.human
    );
}

/// An S3 URL whose path repeats the repository's layout picks the template
/// at that path among several of the same name (AWS's ECS reference
/// architecture nests `services/*/service.yaml` this way).
#[test]
fn a_template_url_matches_the_scanned_template_with_the_longest_shared_path() {
    let dir = tempfile::tempdir().unwrap();
    for service in ["web", "api"] {
        let d = dir.path().join("services").join(service);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("service.yaml"), CHILD).unwrap();
    }
    let url = |service: &str| {
        format!("https://s3.amazonaws.com/platform-templates/services/{service}/service.yaml")
    };
    std::fs::write(
        dir.path().join("web.yaml"),
        parent_template(120, &url("web"), 90),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("api.yaml"),
        parent_template(60, &url("api"), 75),
    )
    .unwrap();
    let r = run(dir.path());
    assert_eq!(
        summary(&r.findings),
        ["KA101 Service web.yaml:27"],
        "{}",
        r.human
    );
    // Each child is evaluated with its own parent: the web service's chain
    // starts in web.yaml's load balancer and ends in services/web.
    for service in ["web", "api"] {
        let chain = r
            .services
            .split("\n\n")
            .find(|c| c.contains(&format!("services/{service}/service.yaml")))
            .unwrap_or_else(|| panic!("no chain for {service}: {}", r.services));
        assert!(
            chain.contains(&format!("{service}.yaml:8:19")),
            "{service}'s idle timeout comes from its parent: {chain}"
        );
    }
}

#[test]
fn nested_stacks_that_nest_themselves_or_leave_the_repository_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    std::fs::write(dir.path().join("outside.yaml"), CHILD).unwrap();
    // A template nesting itself, two nesting each other, one leaving the
    // repository, one naming an absolute path.
    std::fs::write(
        repo.join("self.yaml"),
        parent_template(60, "./self.yaml", 30),
    )
    .unwrap();
    std::fs::write(repo.join("a.yaml"), parent_template(60, "b.yaml", 30)).unwrap();
    std::fs::write(repo.join("b.yaml"), parent_template(60, "a.yaml", 30)).unwrap();
    std::fs::write(
        repo.join("escape.yaml"),
        parent_template(60, "../outside.yaml", 30),
    )
    .unwrap();
    let absolute = dir.path().join("outside.yaml");
    std::fs::write(
        repo.join("absolute.yaml"),
        parent_template(60, &absolute.display().to_string(), 30),
    )
    .unwrap();
    let r = run(&repo);
    let got = summary(&r.findings);
    for want in [
        "UN003 - self.yaml:21",
        "UN003 - escape.yaml:21",
        "UN003 - absolute.yaml:21",
    ] {
        assert!(got.contains(&want.to_string()), "{want}: {got:?}");
    }
    // The cycle is read from one of its templates, and reported where it closes.
    assert!(
        got.iter()
            .any(|g| g.starts_with("UN003 - a.yaml") || g.starts_with("UN003 - b.yaml")),
        "{got:?}"
    );
    assert!(r.human.contains("a cycle"), "{}", r.human);
    assert!(
        r.human.contains("leads outside the repository"),
        "{}",
        r.human
    );
    assert!(r.human.contains("absolute path"), "{}", r.human);
}

#[test]
fn a_nested_stack_says_what_its_parent_passes_and_never_asks_for_its_own_parameters() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("parent.yaml"),
        r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !GetAtt [Web, Outputs.LoadBalancerArn]
      DefaultActions:
        - Type: forward
          TargetGroupArn: !Sub "${Web.Outputs.TargetGroupArn}"
  Web:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: web.yaml
      Parameters:
        IdleTimeout: /platform/alb/idle
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("web.yaml"),
        r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  IdleTimeout:
    Type: AWS::SSM::Parameter::Value<String>
  KeepAlive:
    Type: Number
Resources:
  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      LoadBalancerAttributes:
        - Key: idle_timeout.timeout_seconds
          Value: !Ref IdleTimeout
  TargetGroup:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      Port: 8000
      Protocol: HTTP
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: app
          Image: app:1
          Command: [uvicorn, app:app, --timeout-keep-alive, !Ref KeepAlive]
  Service:
    Type: AWS::ECS::Service
    Properties:
      TaskDefinition: !Ref TaskDefinition
      LoadBalancers:
        - TargetGroupArn: !Ref TargetGroup
          ContainerName: app
          ContainerPort: 8000
Outputs:
  LoadBalancerArn:
    Value: !Ref LoadBalancer
  TargetGroupArn:
    Value: !Ref TargetGroup
"#,
    )
    .unwrap();
    let r = run(dir.path());
    assert_eq!(
        summary(&r.findings),
        ["UN001 Service parent.yaml:15", "UN001 Service web.yaml:25"],
        "{}",
        r.human
    );
    assert!(
        r.human.contains(
            "parameter IdleTimeout is read from SSM Parameter Store /platform/alb/idle when the stack is deployed"
        ),
        "{}",
        r.human
    );
    assert!(
        r.human
            .contains("parameter KeepAlive has no Default and Web in ")
            && r.human.contains("does not pass it to this nested stack"),
        "{}",
        r.human
    );
    assert!(!r.human.contains("--parameter KeepAlive"), "{}", r.human);
    assert!(!r.human.contains("--parameter IdleTimeout"), "{}", r.human);
}

#[test]
fn a_template_url_is_matched_by_file_name_only_when_one_template_fits() {
    let dir = tempfile::tempdir().unwrap();
    for d in ["orders", "billing", "edge"] {
        std::fs::create_dir(dir.path().join(d)).unwrap();
    }
    std::fs::write(dir.path().join("orders/service.yaml"), CHILD).unwrap();
    std::fs::write(dir.path().join("billing/service.yaml"), CHILD).unwrap();
    std::fs::write(
        dir.path().join("edge/main.yaml"),
        parent_template(
            60,
            "!Sub https://templates-${AWS::AccountId}.s3.amazonaws.com/service.yaml",
            30,
        ),
    )
    .unwrap();
    let r = run(dir.path());
    let got = summary(&r.findings);
    assert!(got.contains(&"UN003 - main.yaml:21".to_string()), "{got:?}");
    assert!(
        r.human.contains("matches several scanned templates"),
        "{}",
        r.human
    );
    // Beside the parent, the same name is the template uploaded with it.
    std::fs::write(dir.path().join("edge/service.yaml"), CHILD).unwrap();
    let got = summary(&run(dir.path()).findings);
    assert!(
        got.contains(&"KA101 Service main.yaml:27".to_string()),
        "{got:?}"
    );
    assert!(!got.iter().any(|g| g.starts_with("UN003")), "{got:?}");
}

/// A CodeDeploy deployment group's second target group is checked with the
/// service it deploys, reached through the first one's load balancer.
#[test]
fn a_codedeploy_target_group_pair_is_checked_with_its_service() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("payments.yaml"),
        r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      LoadBalancerAttributes:
        - Key: idle_timeout.timeout_seconds
          Value: "90"
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref LoadBalancer
      Port: 80
      Protocol: HTTP
      DefaultActions:
        - Type: forward
          TargetGroupArn: !Ref Blue
  Blue:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      Port: 8000
      Protocol: HTTP
      TargetGroupAttributes:
        - Key: deregistration_delay.timeout_seconds
          Value: "120"
  Green:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      Port: 8000
      Protocol: HTTP
      TargetGroupAttributes:
        - Key: deregistration_delay.timeout_seconds
          Value: "10"
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      ContainerDefinitions:
        - Name: payments
          Image: payments:12
          Command: [uvicorn, app:app, --timeout-keep-alive, "95"]
  Service:
    Type: AWS::ECS::Service
    Properties:
      LaunchType: FARGATE
      TaskDefinition: !Ref TaskDefinition
      DeploymentController:
        Type: CODE_DEPLOY
      LoadBalancers:
        - TargetGroupArn: !Ref Blue
          ContainerName: payments
          ContainerPort: 8000
  DeploymentGroup:
    Type: AWS::CodeDeploy::DeploymentGroup
    Properties:
      ApplicationName: payments
      ServiceRoleArn: arn:aws:iam::123456789012:role/codedeploy-ecs
      ECSServices:
        - ClusterName: payments
          ServiceName: !GetAtt Service.Name
      LoadBalancerInfo:
        TargetGroupPairInfoList:
          - TargetGroups:
              - Name: !GetAtt Blue.TargetGroupName
              - Name: !GetAtt Green.TargetGroupName
            ProdTrafficRoute:
              ListenerArns: [!Ref Listener]
"#,
    )
    .unwrap();
    let r = run(dir.path());
    assert_eq!(
        summary(&r.findings),
        ["DR201 Service payments.yaml:33"],
        "{}",
        r.human
    );
}
