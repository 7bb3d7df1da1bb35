//! Bad input never panics: each broken file is a PA001 (or an unresolved
//! value) with its location, and valid services beside it are still checked.

mod common;
use common::*;

fn rules_of(r: &Run) -> Vec<&str> {
    r.findings.iter().map(|f| f.rule.id).collect()
}

#[test]
fn malformed_hcl_is_pa001_with_location_and_the_valid_service_is_still_checked() {
    let r = run(fixture("bad-malformed-hcl"));
    let pa: Vec<_> = r.findings.iter().filter(|f| f.rule.id == "PA001").collect();
    assert_eq!(pa.len(), 1, "{}", r.human);
    assert!(
        pa[0].position().file.ends_with("broken.tf"),
        "{:?}",
        pa[0].position()
    );
    assert!(pa[0].position().line > 0);
    assert!(r.services.contains("aws_ecs_service"), "{}", r.services);
}

#[test]
fn unterminated_heredoc_is_pa001() {
    let r = run(fixture("bad-unterminated-heredoc"));
    assert!(rules_of(&r).contains(&"PA001"), "{}", r.human);
}

#[test]
fn non_utf8_file_is_pa001_with_line_and_column() {
    let r = run(fixture("bad-non-utf8"));
    let pa = r
        .findings
        .iter()
        .find(|f| f.rule.id == "PA001")
        .expect("PA001");
    assert!(pa.message.contains("UTF-8"), "{}", pa.message);
    assert!(pa.position().line >= 1);
    assert!(r.services.contains("aws_ecs_service"), "{}", r.services);
}

#[test]
fn binary_file_is_pa001() {
    let r = run(fixture("bad-binary"));
    let pa = r
        .findings
        .iter()
        .find(|f| f.rule.id == "PA001")
        .expect("PA001");
    assert!(pa.message.contains("binary"), "{}", pa.message);
    assert!(r.services.contains("aws_ecs_service"), "{}", r.services);
}

#[test]
fn file_outside_the_repository_is_not_read() {
    let r = run(fixture("bad-file-outside"));
    assert!(
        r.services.contains("outside the repository"),
        "{}",
        r.services
    );
    assert!(!r.services.contains("root:x:0:0"));
}

#[test]
fn symlink_loop_does_not_trap_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("a");
    std::fs::create_dir(&sub).unwrap();
    std::os::unix::fs::symlink(dir.path(), sub.join("loop")).unwrap();
    std::os::unix::fs::symlink(sub.join("self.tf"), sub.join("self.tf")).unwrap();
    std::fs::write(sub.join("main.tf"), "resource \"aws_lb\" \"x\" {}\n").unwrap();
    let r = run(dir.path());
    // The self-referencing file link is reported; the loop directory is not walked.
    assert!(rules_of(&r).contains(&"PA001"), "{}", r.human);
}

#[test]
fn sixty_thousand_resources_in_one_file_beside_a_real_service() {
    let dir = tempfile::tempdir().unwrap();
    let example = fixture("example-gunicorn-alb");
    for entry in std::fs::read_dir(&example).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "tf") {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let mut tf = String::with_capacity(6_000_000);
    for i in 0..60_000 {
        tf.push_str(&format!(
            "resource \"aws_security_group_rule\" \"r{i}\" {{\n  type = \"ingress\"\n  from_port = {i}\n}}\n"
        ));
    }
    std::fs::write(dir.path().join("big.tf"), tf).unwrap();
    let r = run(dir.path());
    assert_eq!(rules_of(&r), ["KA101"], "{}", r.human);
}

#[test]
fn missing_path_is_an_error_not_a_panic() {
    let e = keepalign::engine::load(
        &[std::path::PathBuf::from("testdata/does-not-exist")],
        &Default::default(),
    );
    assert!(e.is_err());
}

#[test]
fn deep_nesting_in_hcl_and_json_is_pa001() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("a.tf"),
        format!(
            "locals {{\n  x = {}{}\n}}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
    )
    .unwrap();
    std::fs::write(
        p.join("b.tf"),
        format!(
            "locals {{\n  y = {}1{}\n}}\n",
            "(".repeat(100_000),
            ")".repeat(100_000)
        ),
    )
    .unwrap();
    std::fs::write(
        p.join("c.tf.json"),
        format!(
            "{{\"locals\": {{\"a\": {}{}}}}}",
            "[".repeat(200_000),
            "]".repeat(200_000)
        ),
    )
    .unwrap();
    let r = run(p);
    assert_eq!(rules_of(&r), ["PA001", "PA001", "PA001"], "{}", r.human);
    // The megabyte-long lines are not echoed into the report.
    assert!(r.human.len() < 2_000, "{}", r.human.len());
    assert!(r.human.contains("a.tf:2:"), "{}", r.human);
}

#[test]
fn huge_file_is_pa001_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let f = std::fs::File::create(dir.path().join("huge.tf")).unwrap();
    f.set_len(keepalign::input::MAX_FILE_SIZE + 1).unwrap();
    let r = run(dir.path());
    let pa = r
        .findings
        .iter()
        .find(|f| f.rule.id == "PA001")
        .expect("PA001");
    assert!(pa.message.contains("larger than"), "{}", pa.message);
}

#[test]
fn unreadable_file_is_pa001() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("secret.tf");
    std::fs::write(&p, "resource \"aws_lb\" \"x\" {}\n").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&p).is_ok() {
        return; // running as root: permissions do not apply
    }
    let r = run(dir.path());
    assert_eq!(rules_of(&r), ["PA001"], "{}", r.human);
}

#[test]
fn template_with_200000_deep_json_nesting_is_pa001() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!(
        "{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {{\"X\": {{\"Type\": \"AWS::SNS::Topic\", \"Properties\": {}{}}}}}}}",
        "[".repeat(200_000),
        "]".repeat(200_000)
    );
    std::fs::write(dir.path().join("deep.template.json"), deep).unwrap();
    let yaml = format!(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  X: {}{}\n",
        "[".repeat(200_000),
        "]".repeat(200_000)
    );
    std::fs::write(dir.path().join("deep.yaml"), yaml).unwrap();
    let r = run(dir.path());
    assert_eq!(rules_of(&r), ["PA001", "PA001"], "{}", r.human);
    assert!(r.human.len() < 2_000, "long lines are not echoed");
}

#[test]
fn module_cycles_and_deep_module_chains_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    // A module that calls itself, and a chain 40 modules deep.
    std::fs::write(
        p.join("main.tf"),
        "module \"me\" {\n  source = \"./\"\n}\nmodule \"chain\" {\n  source = \"./m0\"\n}\n",
    )
    .unwrap();
    for i in 0..40 {
        let d = p.join(format!("m{i}"));
        std::fs::create_dir(&d).unwrap();
        std::fs::write(
            d.join("main.tf"),
            format!(
                "module \"next\" {{\n  source = \"../m{}\"\n}}\nresource \"aws_lb\" \"x\" {{}}\n",
                i + 1
            ),
        )
        .unwrap();
    }
    let r = run(p);
    assert!(r.findings.is_empty(), "{}", r.human);
}

#[test]
fn module_source_outside_the_repository_is_not_read() {
    let top = tempfile::tempdir().unwrap();
    let repo = top.path().join("repo");
    let outside = top.path().join("shared-modules/lb");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    // A real module sits outside; keepalign must not read it even though it
    // exists, and a missing one must get the same answer.
    std::fs::write(
        outside.join("main.tf"),
        "resource \"aws_lb_target_group\" \"this\" {}\noutput \"tg\" {\n  value = aws_lb_target_group.this.arn\n}\n",
    )
    .unwrap();
    let service = |name: &str, source: &str| {
        format!(
            "module \"{name}\" {{\n  source = \"{source}\"\n}}\nresource \"aws_ecs_service\" \"{name}\" {{\n  load_balancer {{\n    target_group_arn = module.{name}.tg\n    container_name   = \"app\"\n    container_port   = 80\n  }}\n}}\n"
        )
    };
    std::fs::write(
        repo.join("main.tf"),
        service("shared", "../shared-modules/lb") + &service("gone", "../../no-such-dir/lb"),
    )
    .unwrap();
    let r = run(&repo);
    for expected in [
        "module.shared: its source \"../shared-modules/lb\" is outside the repository being scanned",
        "module.gone: its source \"../../no-such-dir/lb\" is outside the repository being scanned",
    ] {
        assert!(r.human.contains(expected), "{expected}\n{}", r.human);
    }
    assert!(!r.human.contains("aws_lb_target_group"), "{}", r.human);
}

/// Copy a fixture directory tree (regular files only) into `to`.
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

#[test]
fn a_broken_module_manifest_is_pa001_not_a_root_without_modules() {
    for (text, why) in [
        ("{\"Modules\": [", "not valid JSON"),
        ("[1, 2, 3]", "no \"Modules\" list"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        copy_tree(&fixture("modules-registry"), &root);
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        let manifest = root.join(".terraform/modules/modules.json");
        std::fs::write(&manifest, text).unwrap();
        let r = run(&root);
        let pa: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.rule.id == "PA001" && f.position().file.ends_with("modules.json"))
            .collect();
        assert_eq!(pa.len(), 1, "{text}: {}", r.human);
        assert!(pa[0].message.contains(why), "{}", pa[0].message);
        assert!(
            pa[0].message.contains("terraform init"),
            "{}",
            pa[0].message
        );
    }
}
