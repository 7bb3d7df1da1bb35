//! Evaluator behaviour: values, functions, templates, and where values point.

use super::eval::{Evaluator, Scope};
use super::parse_file;
use super::syntax::ParsedFile;
use crate::value::{Kind, Val};
use std::path::Path;

/// Write `files` into a temporary module and evaluate `local.<name>`.
fn with_module<T>(files: &[(&str, &str)], f: impl FnOnce(&Evaluator<'_>) -> T) -> T {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let parsed: Vec<ParsedFile> = files
        .iter()
        .filter(|(n, _)| n.ends_with(".tf") || n.ends_with(".tf.json"))
        .map(|(n, _)| {
            parse_file(&dir.path().join(n), crate::input::Within::Named)
                .unwrap_or_else(|e| panic!("{}", e.message))
        })
        .collect();
    let root = dir.path().canonicalize().unwrap();
    let ev = Evaluator::new(&parsed, root.clone(), root);
    f(&ev)
}

fn local(ev: &Evaluator<'_>, name: &str) -> Val {
    let e = *ev
        .locals
        .get(name)
        .unwrap_or_else(|| panic!("no local {name}"));
    ev.eval_ref(e, &Scope::default())
}

fn eval_locals(tf: &str, name: &str) -> Val {
    with_module(&[("main.tf", tf)], |ev| local(ev, name))
}

fn string(v: &Val) -> String {
    match &v.kind {
        Kind::Str(t) => t.s.clone(),
        other => panic!("not a string: {other:?}"),
    }
}

fn number(v: &Val) -> f64 {
    v.to_number()
        .unwrap_or_else(|e| panic!("not a number: {e:?}"))
}

#[test]
fn functions_real_repositories_use() {
    let tf = r#"
locals {
  m       = merge({ a = 1, b = 2 }, { b = 3 })
  c       = concat(["a"], ["b", "c"])
  l       = lookup({ x = 5 }, "y", 7)
  ts      = tostring(65)
  tn      = tonumber("65")
  f       = format("--keep-alive %d --name %s", 65.0, "api")
  j       = join(" ", ["gunicorn", "app:app"])
  s       = split(",", "a,b,c")
  r       = replace("a-b-c", "-", "_")
  up      = upper("abc")
  low     = lower("ABC")
  t       = trimspace("  x  ")
  co      = coalesce(null, "", "z")
  e       = element(["a", "b"], 3)
  fl      = flatten([["a"], ["b", ["c"]]])
  tr      = try(local.m.missing, "fallback")
  jd      = jsondecode("{\"keepalive\": 75}").keepalive
  cond    = 1 < 2 ? "yes" : "no"
  forl    = [for s in ["a", "b"] : upper(s)]
  form    = { for k, v in { a = 1 } : k => v * 2 }
  ternary = var.missing_with_default == "x" ? 1 : 2
}
variable "missing_with_default" {
  default = "x"
}
"#;
    with_module(&[("main.tf", tf)], |ev| {
        assert_eq!(
            number(&super::eval::get_key(&local(ev, "m"), "b", None)),
            3.0
        );
        assert_eq!(local(ev, "c").elements().unwrap().len(), 3);
        assert_eq!(number(&local(ev, "l")), 7.0);
        assert_eq!(string(&local(ev, "ts")), "65");
        assert_eq!(number(&local(ev, "tn")), 65.0);
        assert_eq!(string(&local(ev, "f")), "--keep-alive 65 --name api");
        assert_eq!(string(&local(ev, "j")), "gunicorn app:app");
        assert_eq!(local(ev, "s").elements().unwrap().len(), 3);
        assert_eq!(string(&local(ev, "r")), "a_b_c");
        assert_eq!(string(&local(ev, "up")), "ABC");
        assert_eq!(string(&local(ev, "low")), "abc");
        assert_eq!(string(&local(ev, "t")), "x");
        assert_eq!(string(&local(ev, "co")), "z");
        assert_eq!(string(&local(ev, "e")), "b");
        assert_eq!(local(ev, "fl").elements().unwrap().len(), 3);
        assert_eq!(string(&local(ev, "tr")), "fallback");
        assert_eq!(number(&local(ev, "jd")), 75.0);
        assert_eq!(string(&local(ev, "cond")), "yes");
        assert_eq!(string(&local(ev, "forl").elements().unwrap()[1]), "B");
        assert_eq!(
            number(&super::eval::get_key(&local(ev, "form"), "a", None)),
            2.0
        );
        assert_eq!(number(&local(ev, "ternary")), 1.0);
    });
}

#[test]
fn a_value_points_at_the_literal_that_wrote_it_through_variables_and_locals() {
    let tf = "variable \"ka\" {\n  default = 75\n}\nlocals {\n  flags = [\"--keep-alive\", tostring(var.ka)]\n  ka    = local.flags[1]\n}\n";
    let v = eval_locals(tf, "ka");
    let at = v.at.expect("located");
    assert_eq!(at.snippet(), "75");
    assert_eq!(at.start().0, 2);
}

#[test]
fn jsonencode_keeps_a_source_map_to_each_word() {
    let tf = "locals {\n  doc = jsonencode([{\n    command = [\"gunicorn\", \"--keep-alive\", \"5\"]\n  }])\n}\n";
    with_module(&[("main.tf", tf)], |ev| {
        let v = local(ev, "doc");
        let Kind::Str(t) = &v.kind else { panic!() };
        assert_eq!(t.s, r#"[{"command":["gunicorn","--keep-alive","5"]}]"#);
        let i = t.s.find("\"5\"").unwrap() + 1;
        let at = t.locate(i..i + 1).unwrap();
        assert_eq!(at.snippet(), "5");
        assert_eq!(at.start(), (3, 45));
    });
}

#[test]
fn indented_heredoc_words_map_to_their_own_line() {
    let tf = "locals {\n  doc = <<-EOT\n    [\n      {\"command\": [\"uvicorn\", \"--timeout-keep-alive\", \"30\"]}\n    ]\n  EOT\n}\n";
    with_module(&[("main.tf", tf)], |ev| {
        let v = local(ev, "doc");
        let Kind::Str(t) = &v.kind else { panic!() };
        assert!(t.s.starts_with("[\n  {"), "dedented: {:?}", t.s);
        let i = t.s.find("30").unwrap();
        let at = t.locate(i..i + 2).unwrap();
        assert_eq!(at.snippet(), "30");
        assert_eq!(at.start().0, 4);
    });
}

#[test]
fn template_directives_and_strip_markers() {
    let tf = "locals {\n  env = { A = \"1\", B = \"2\" }\n  out = <<EOT\n%{ for k, v in local.env ~}\n${k}=${v}\n%{ endfor ~}\ndone\nEOT\n}\n";
    assert_eq!(string(&eval_locals(tf, "out")), "A=1\nB=2\ndone\n");
    let tf = "locals {\n  on  = true\n  out = \"x%{ if local.on }-on%{ else }-off%{ endif }\"\n}\n";
    assert_eq!(string(&eval_locals(tf, "out")), "x-on");
}

#[test]
fn templatefile_renders_a_file_relative_to_the_module_and_points_into_it() {
    let tf = "locals {\n  out = templatefile(\"${path.module}/t.tftpl\", { ka = 30, cmd = [\"a\", \"b\"] })\n}\n";
    let tpl = "{\"ka\": ${ka}, \"command\": ${jsonencode(cmd)}}\n";
    with_module(&[("main.tf", tf), ("t.tftpl", tpl)], |ev| {
        let v = local(ev, "out");
        let Kind::Str(t) = &v.kind else {
            panic!("{v:?}")
        };
        assert_eq!(t.s, "{\"ka\": 30, \"command\": [\"a\",\"b\"]}\n");
        let i = t.s.find("command").unwrap();
        let at = t.locate(i..i + 7).unwrap();
        assert!(at.file.display.ends_with("t.tftpl"));
        assert_eq!(at.snippet(), "command");
    });
}

#[test]
fn data_template_file_reads_terraform_0_11_vars_blocks() {
    let tf = r#"
data "template_file" "task" {
  template = "${file("${path.module}/task.json.tpl")}"

  vars {
    name = "web"
    port = 8000
  }
}
locals {
  a = "${data.template_file.task.rendered}"
}
"#;
    with_module(
        &[
            ("main.tf", tf),
            (
                "task.json.tpl",
                "[{\"name\": \"${name}\", \"port\": ${port}}]",
            ),
        ],
        |ev| {
            assert_eq!(
                string(&local(ev, "a")),
                "[{\"name\": \"web\", \"port\": 8000}]"
            )
        },
    );
}

#[test]
fn data_template_file_renders_inline_and_file_templates() {
    let tf = r#"
data "template_file" "inline" {
  template = "ka=$${ka}"
  vars = {
    ka = 65
  }
}
data "template_file" "from_file" {
  template = file("${path.module}/app.json.tpl")
  vars     = { image = "nginx:1.25" }
}
locals {
  a = data.template_file.inline.rendered
  b = data.template_file.from_file.rendered
}
"#;
    with_module(
        &[
            ("main.tf", tf),
            ("app.json.tpl", "[{\"image\": \"${image}\"}]"),
        ],
        |ev| {
            assert_eq!(string(&local(ev, "a")), "ka=65");
            let b = local(ev, "b");
            assert_eq!(string(&b), "[{\"image\": \"nginx:1.25\"}]");
            let Kind::Str(t) = &b.kind else { panic!() };
            // The literal part maps into the .tpl file, the value to main.tf.
            let at = t.locate(3..8).unwrap();
            assert!(at.file.display.ends_with("app.json.tpl"), "{at}");
            let i = t.s.find("nginx").unwrap();
            assert!(
                t.locate(i..i + 5)
                    .unwrap()
                    .file
                    .display
                    .ends_with("main.tf")
            );
        },
    );
}

#[test]
fn unknown_parts_stay_holes_and_the_rest_is_known() {
    let tf = "variable \"image\" {}\nlocals {\n  doc = jsonencode({ image = var.image, stopTimeout = 60 })\n}\n";
    with_module(&[("main.tf", tf)], |ev| {
        let v = local(ev, "doc");
        let Kind::Str(t) = &v.kind else { panic!() };
        assert!(t.has_holes());
        let parsed = crate::json::parse(&t.s).unwrap();
        assert_eq!(
            parsed.get("stopTimeout").unwrap().kind,
            crate::json::JsonKind::Number(60.0)
        );
        let hole = t.hole_in(0..t.s.len()).unwrap();
        assert!(
            hole.reason.contains("var.image has no default"),
            "{}",
            hole.reason
        );
    });
}

#[test]
fn resource_and_data_references_are_links_not_values() {
    let tf = "resource \"aws_lb\" \"main\" {}\ndata \"aws_lb\" \"shared\" {\n  name = \"x\"\n}\nlocals {\n  a = aws_lb.main.arn\n  b = \"${data.aws_lb.shared.arn}\"\n}\n";
    with_module(&[("main.tf", tf)], |ev| {
        let a = local(ev, "a");
        let r = a.hole().unwrap().reference.clone().unwrap();
        assert_eq!(
            (r.address.as_str(), r.attribute.as_str()),
            ("aws_lb.main", "arn")
        );
        let b = local(ev, "b");
        let r = b.hole().unwrap().reference.clone().unwrap();
        assert_eq!(r.address, "data.aws_lb.shared");
    });
}

#[test]
fn file_outside_the_module_root_is_refused() {
    // Whether the target exists must not change the answer: keepalign does
    // not probe outside the repository.
    let tf = "locals {\n  a = file(\"/etc/hostname\")\n  b = file(\"../../../../../../../etc/passwd\")\n  c = file(\"../../../../../../../no-such-dir/x\")\n  d = file(\"/no-such-dir/x\")\n  e = file(\"sub/../../escape\")\n}\n";
    with_module(&[("main.tf", tf)], |ev| {
        for name in ["a", "b", "c", "d", "e"] {
            let v = local(ev, name);
            let reason = &v.hole().expect("unknown").reason;
            assert!(
                reason.contains("outside the repository"),
                "{name}: {reason}"
            );
        }
    });
}

#[test]
fn self_reference_and_deep_nesting_are_errors_not_crashes() {
    let v = eval_locals("locals {\n  a = local.b\n  b = local.a\n}\n", "a");
    assert!(v.is_error());
    let deep = format!(
        "locals {{\n  a = {}1{}\n}}\n",
        "(".repeat(150),
        ")".repeat(150)
    );
    // Either the parser or the evaluator bounds it; neither overflows.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), &deep).unwrap();
    if let Ok(p) = parse_file(&dir.path().join("main.tf"), crate::input::Within::Named) {
        let files = [p];
        let ev = Evaluator::new(&files, dir.path().to_path_buf(), dir.path().to_path_buf());
        let _ = local(&ev, "a");
    }
}

#[test]
fn terraform_json_syntax_strings_are_templates() {
    let json =
        r#"{"variable": {"ka": {"default": 70}}, "locals": {"cmd": "--keep-alive ${var.ka}"}}"#;
    with_module(&[("main.tf.json", json)], |ev| {
        let v = local(ev, "cmd");
        assert_eq!(string(&v), "--keep-alive 70");
    });
}

#[test]
fn tfvars_parse_errors_are_reported_with_location() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.tf");
    std::fs::write(&p, "resource \"aws_lb\" \"x\" {\n  idle_timeout = \n}\n").unwrap();
    let e = parse_file(Path::new(&p), crate::input::Within::Named)
        .err()
        .expect("parse error");
    assert!(e.message.starts_with("invalid HCL"), "{}", e.message);
    assert!(e.at.is_some());
}

fn reason(v: &Val) -> String {
    match &v.kind {
        Kind::Unknown(h) => h.reason.clone(),
        Kind::Str(t) if t.has_holes() => t.holes[0].reason.clone(),
        other => panic!("not unknown: {other:?}"),
    }
}

#[test]
fn numeric_arguments_out_of_range_are_errors_not_panics() {
    // Each of these panicked (capacity overflow, format precision) or gave
    // a wrong result (substr offset overflow in release builds).
    let tf = r#"
locals {
  indent  = indent(1e19, "a\nb")
  fmt     = format("%.70000f", 1)
  substr  = substr("abcdef", 1e20, 2)
  element = element(["a"], 1e300)
  neg     = element(["a", "b"], -1)
  frac    = ["a", "b"][0.5]
  inf     = max(1e308, 1e308) * 10
  div     = 1 / 0
  nothing = min()
  big     = format("%d", 1e20)
  tail    = substr("abcdef", -2, -1)
}
"#;
    with_module(&[("main.tf", tf)], |ev| {
        for name in [
            "indent", "fmt", "substr", "element", "neg", "frac", "inf", "div", "nothing",
        ] {
            let v = local(ev, name);
            assert!(v.is_error(), "{name}: {v:?}");
        }
        assert!(reason(&local(ev, "indent")).contains("larger than"));
        assert!(reason(&local(ev, "fmt")).contains("precision"));
        assert_eq!(string(&local(ev, "big")), "100000000000000000000");
        assert_eq!(string(&local(ev, "tail")), "ef");
    });
}

#[test]
fn range_counts_its_elements_instead_of_stepping_to_the_end() {
    // 1e16 + 1 == 1e16 in floating point: stepping never reached the end.
    let tf = "locals {\n  r = range(1e16, 1e16 + 4)\n  big = range(1e9)\n}\n";
    with_module(&[("main.tf", tf)], |ev| {
        match &local(ev, "r").kind {
            Kind::List(items) => assert_eq!(items.len(), 4),
            other => panic!("{other:?}"),
        }
        assert!(reason(&local(ev, "big")).contains("number of elements"));
    });
}

#[test]
fn a_value_nested_ten_thousand_deep_is_unknown_naming_the_limit() {
    // Evaluating every local in order keeps the evaluation shallow while
    // the value grows a level per local.
    let n = 10_000;
    let mut tf = String::from("locals {\n  l0 = []\n");
    for i in 1..n {
        tf.push_str(&format!("  l{i} = [local.l{}]\n", i - 1));
    }
    let all: Vec<String> = (0..n).map(|i| format!("local.l{i}")).collect();
    tf.push_str(&format!("  all = jsonencode([{}])\n}}\n", all.join(", ")));
    with_module(&[("main.tf", &tf)], |ev| {
        let all = local(ev, "all");
        assert!(reason(&all).contains("nesting limit"), "{}", reason(&all));
        // l0 nests 1 deep, l64 would nest 65: the first past the limit.
        assert!(local(ev, "l63").hole().is_none());
        let deep = local(ev, "l64");
        assert!(reason(&deep).contains("nesting limit"), "{}", reason(&deep));
    });
}

#[test]
fn templatefile_inside_templatefile_is_refused_as_terraform_does() {
    let tpl = "x${templatefile(\"self.tpl\", {})}${templatefile(\"self.tpl\", {})}";
    let tf = "locals {\n  t = templatefile(\"self.tpl\", {})\n}\n";
    with_module(&[("main.tf", tf), ("self.tpl", tpl)], |ev| {
        let r = reason(&local(ev, "t"));
        assert!(r.contains("inside a template"), "{r}");
    });
}

#[test]
fn a_template_file_that_renders_itself_is_a_cycle() {
    let tf = r#"
data "template_file" "x" {
  template = "a${data.template_file.x.rendered}${data.template_file.x.rendered}"
}
locals {
  t = data.template_file.x.rendered
}
"#;
    let v = eval_locals(tf, "t");
    assert!(reason(&v).contains("cycle"), "{}", reason(&v));
}

#[test]
fn nested_for_over_large_ranges_stops_at_the_budget() {
    let tf = "locals {\n  n = length(flatten([for a in range(10000) : [for b in range(10000) : a + b]]))\n}\n";
    let v = eval_locals(tf, "n");
    assert!(reason(&v).contains("budget"), "{}", reason(&v));
}

/// `terraform.workspace` from the command line, the selected-workspace file
/// or Terraform's default, each located where it came from.
#[test]
fn terraform_workspace_and_where_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let ws = |inputs: &super::Inputs| {
        let mut model = crate::model::Model::default();
        let v = super::terraform_workspace(&root, &root, inputs, &mut model);
        (v, model.input_errors)
    };
    let (v, errors) = ws(&super::Inputs::default());
    assert_eq!(string(&v), "default");
    assert_eq!(v.at.unwrap().file.display, "Terraform's default workspace");
    assert!(errors.is_empty());

    std::fs::create_dir(root.join(".terraform")).unwrap();
    std::fs::write(root.join(".terraform/environment"), "  prod\n").unwrap();
    let (v, _) = ws(&super::Inputs::default());
    assert_eq!(string(&v), "prod");
    let at = v.at.unwrap();
    assert!(
        at.file.display.ends_with("environment"),
        "{}",
        at.file.display
    );
    assert_eq!((at.start(), at.snippet()), ((1, 3), "prod"));

    let given = super::Inputs {
        workspace: Some(super::GivenWorkspace {
            name: "qa".into(),
            from: "TF_WORKSPACE".into(),
        }),
        ..Default::default()
    };
    let (v, _) = ws(&given);
    assert_eq!(string(&v), "qa");
    assert_eq!(v.at.unwrap().file.display, "TF_WORKSPACE");

    // A file that is not a workspace name is not used as one.
    std::fs::write(root.join(".terraform/environment"), "a b\n").unwrap();
    let (v, _) = ws(&super::Inputs::default());
    assert!(matches!(v.kind, Kind::Unknown(_)), "{v:?}");

    // Larger than a selected-workspace file can be: reported, unknown.
    std::fs::write(root.join(".terraform/environment"), "x".repeat(10_000)).unwrap();
    let (v, errors) = ws(&super::Inputs::default());
    assert!(matches!(v.kind, Kind::Unknown(_)), "{v:?}");
    assert_eq!(errors.len(), 1);

    // A link out of the repository is not followed.
    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("environment"), "prod\n").unwrap();
        std::fs::remove_file(root.join(".terraform/environment")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("environment"),
            root.join(".terraform/environment"),
        )
        .unwrap();
        let (v, errors) = ws(&super::Inputs::default());
        assert!(matches!(v.kind, Kind::Unknown(_)), "{v:?}");
        assert_eq!(errors.len(), 1, "{:?}", errors[0].message);
    }
}

#[test]
fn terraform_workspace_in_expressions_and_modules() {
    with_module(
        &[(
            "main.tf",
            r#"locals {
  name  = "api-${terraform.workspace}"
  other = terraform.version
}"#,
        )],
        |ev| {
            // Without a root to say (an evaluator on its own), unknown.
            assert!(matches!(local(ev, "name").kind, Kind::Str(ref t) if t.has_holes()));
        },
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "locals {\n  name = \"api-${terraform.workspace}\"\n  other = terraform.version\n}\n",
    )
    .unwrap();
    let parsed =
        vec![parse_file(&dir.path().join("main.tf"), crate::input::Within::Named).unwrap()];
    let root = dir.path().canonicalize().unwrap();
    let mut ev = Evaluator::new(&parsed, root.clone(), root);
    ev.terraform_workspace = Some(Val::str("prod", None));
    assert_eq!(string(&local(&ev, "name")), "api-prod");
    assert!(matches!(local(&ev, "other").kind, Kind::Unknown(_)));
}

/// Every kind of block Terraform requires unique names for, across files;
/// override files and same names of different kinds are not duplicates.
#[test]
fn duplicate_declarations_name_both_places() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        (
            "a.tf",
            r#"resource "aws_lb" "a" {}
data "aws_vpc" "main" {}
module "api" { source = "./api" }
output "url" { value = 1 }
variable "env" {}
locals { x = 1 }
resource "aws_lb_target_group" "a" {}
"#,
        ),
        (
            "b.tf",
            r#"resource "aws_lb" "a" {}
data "aws_vpc" "main" {}
module "api" { source = "./api" }
output "url" { value = 2 }
variable "env" {}
locals {
  y = 2
  x = 3
}
data "aws_lb" "a" {}
"#,
        ),
        (
            "b_override.tf",
            r#"resource "aws_lb" "a" { idle_timeout = 1 }"#,
        ),
    ];
    let parsed: Vec<ParsedFile> = files
        .iter()
        .map(|(n, t)| {
            std::fs::write(dir.path().join(n), t).unwrap();
            parse_file(&dir.path().join(n), crate::input::Within::Named).unwrap()
        })
        .collect();
    let got: Vec<String> = super::modules::duplicates(&parsed)
        .iter()
        .map(|e| {
            let at = e.at.as_ref().unwrap();
            let name = at.file.path.file_name().unwrap().to_string_lossy();
            let first = e.message.split(", first at ").nth(1).unwrap();
            let first = first.rsplit('/').next().unwrap().split(';').next().unwrap();
            format!(
                "{name}:{} {} | {first}",
                at.start().0,
                e.message.split(" is declared").next().unwrap()
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "b.tf:1 resource \"aws_lb\" \"a\" | a.tf:1:1",
            "b.tf:2 data \"aws_vpc\" \"main\" | a.tf:2:1",
            "b.tf:3 module \"api\" | a.tf:3:1",
            "b.tf:4 output \"url\" | a.tf:4:1",
            "b.tf:5 variable \"env\" | a.tf:5:1",
            "b.tf:8 local.x | a.tf:6:10",
        ]
    );
}

/// Terraform's documented examples, each result as JSON.
#[test]
fn more_functions_follow_terraform() {
    let cases: &[(&str, &str)] = &[
        (
            r#"regex("[a-z]+", "53453453.345345aaabbbccc23454")"#,
            r#""aaabbbccc""#,
        ),
        (r#"regex("^(\\d+)-(\\d+)$", "10-20")"#, r#"["10","20"]"#),
        (
            r#"regex("(?P<a>\\w+)=(?P<b>\\d+)", "x=5")"#,
            r#"{"a":"x","b":"5"}"#,
        ),
        (
            r#"regexall("[a-z]+", "1234abcd5678efgh9")"#,
            r#"["abcd","efgh"]"#,
        ),
        (
            r#"replace("hello world", "/w.*d/", "everybody")"#,
            r#""hello everybody""#,
        ),
        (r#"replace("a1b22", "/(\\d+)/", "[$1]")"#, r#""a[1]b[22]""#),
        (
            r#"formatlist("Hello, %s!", ["Valentina", "Ander"])"#,
            r#"["Hello, Valentina!","Hello, Ander!"]"#,
        ),
        (
            r#"formatlist("%s, %s!", "Salutations", ["Valentina", "Ander"])"#,
            r#"["Salutations, Valentina!","Salutations, Ander!"]"#,
        ),
        (r#"cidrsubnet("172.16.0.0/12", 4, 2)"#, r#""172.18.0.0/16""#),
        (r#"cidrsubnet("10.1.2.0/24", 4, 15)"#, r#""10.1.2.240/28""#),
        (
            r#"cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)"#,
            r#""fd00:fd12:3456:7800:a200::/72""#,
        ),
        (r#"cidrhost("10.12.112.0/20", 16)"#, r#""10.12.112.16""#),
        (r#"cidrhost("10.12.112.0/20", 268)"#, r#""10.12.113.12""#),
        (r#"cidrhost("10.12.112.0/20", -1)"#, r#""10.12.127.255""#),
        (r#"cidrnetmask("172.16.0.0/12")"#, r#""255.240.0.0""#),
        (
            r#"cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)"#,
            r#"["10.1.0.0/20","10.1.16.0/20","10.1.32.0/24","10.1.48.0/20"]"#,
        ),
        (
            r#"yamldecode("hello: world\nn: 5\nl: [1, true]")"#,
            r#"{"hello":"world","l":[1,true],"n":5}"#,
        ),
        (
            r#"yamlencode({a = "b", c = [1, { d = "e" }]})"#,
            r#""\"a\": \"b\"\n\"c\":\n- 1\n- \"d\": \"e\"\n""#,
        ),
        (
            r#"templatestring("Hello, $${name}!", { name = "Jo" })"#,
            r#""Hello, Jo!""#,
        ),
        (r#"strcontains("hello", "ell")"#, "true"),
        (r#"strrev("abc")"#, r#""cba""#),
        (r#"alltrue([true, "true"])"#, "true"),
        (r#"anytrue([])"#, "false"),
        (r#"setunion(["b", "a"], ["c", "a"])"#, r#"["a","b","c"]"#),
        (r#"setintersection(["a", "b"], ["b", "c"])"#, r#"["b"]"#),
        (r#"setsubtract(["a", "b", "c"], ["a", "c"])"#, r#"["b"]"#),
        (r#"setproduct(["a", "b"], [1])"#, r#"[["a",1],["b",1]]"#),
        (
            r#"transpose({ a = ["1", "2"], b = ["2"] })"#,
            r#"{"1":["a"],"2":["a","b"]}"#,
        ),
        (
            r#"matchkeys(["i-1", "i-2"], ["a", "b"], ["b"])"#,
            r#"["i-2"]"#,
        ),
        (r#"chunklist(["a", "b", "c"], 2)"#, r#"[["a","b"],["c"]]"#),
        (r#"slice(["a", "b", "c", "d"], 1, 3)"#, r#"["b","c"]"#),
        (r#"index(["a", "b", "c"], "b")"#, "1"),
        (r#"base64encode("Hello World")"#, r#""SGVsbG8gV29ybGQ=""#),
        (r#"base64decode("SGVsbG8gV29ybGQ=")"#, r#""Hello World""#),
        (r#"urlencode("Hello World!")"#, r#""Hello+World%21""#),
        (r#"parseint("FF", 16)"#, "255"),
        (r#"parseint("-12", 10)"#, "-12"),
        (r#"parseint("zz", 36)"#, "1295"),
        (r#"log(16, 2)"#, "4"),
        (r#"pow(3, 2)"#, "9"),
        (r#"signum(-13)"#, "-1"),
    ];
    let tf: String = std::iter::once("locals {\n".to_string())
        .chain(
            cases
                .iter()
                .enumerate()
                .map(|(i, (e, _))| format!("  c{i} = jsonencode({e})\n")),
        )
        .chain(std::iter::once("}\n".to_string()))
        .collect();
    with_module(&[("main.tf", &tf)], |ev| {
        for (i, (e, want)) in cases.iter().enumerate() {
            let got = local(ev, &format!("c{i}"));
            assert_eq!(got.as_known_str(), Some(*want), "{e}: {got:?}");
        }
    });
}

/// Errors and refusals: wrong arguments are errors with reasons, impure
/// functions are unknown, hostile patterns are refused.
#[test]
fn more_functions_refuse_what_terraform_refuses() {
    for (e, why) in [
        (r#"regex("x", "abc")"#, "did not match"),
        (r#"regex("(a", "abc")"#, "invalid regular expression"),
        (r#"regex("(a{1000}){1000}", "a")"#, "compiles to more than"),
        (r#"cidrsubnet("10.0.0.0/30", 4, 0)"#, "longer than"),
        (r#"cidrsubnet("10.0.0.0/16", 4, 16)"#, "network number"),
        (r#"cidrhost("10.0.0.0/30", 4)"#, "host number"),
        (
            r#"cidrsubnets("10.0.0.0/24", 1, 1, 1)"#,
            "not enough remaining",
        ),
        (r#"cidrnetmask("fd00::/8")"#, "IPv4"),
        ("timestamp()", "only known then"),
        ("uuid()", "only known then"),
        (r#"yamldecode("a: [")"#, "yamldecode()"),
        (r#"base64decode("@@@@")"#, "not valid base64"),
        (r#"slice(["a"], 0, 2)"#, "not within"),
        (r#"formatlist("%s%s", ["a"], ["b", "c"])"#, "same length"),
        ("sha256(\"x\")", "not supported"),
    ] {
        let v = eval_locals(&format!("locals {{\n  x = {e}\n}}\n"), "x");
        match &v.kind {
            Kind::Unknown(h) => assert!(h.reason.contains(why), "{e}: {}", h.reason),
            other => panic!("{e}: not refused: {other:?}"),
        }
    }
}

/// Every built-in function Terraform documents, and whether keepalign
/// evaluates it: the coverage, kept honest by calling each.
#[test]
fn terraform_function_coverage() {
    const NOT_EVALUATED: &[&str] = &[
        // Hashes and crypto: no hash implementation in keepalign.
        "base64sha256",
        "base64sha512",
        "filebase64sha256",
        "filebase64sha512",
        "filemd5",
        "filesha1",
        "filesha256",
        "filesha512",
        "md5",
        "sha1",
        "sha256",
        "sha512",
        "uuidv5",
        // Impure or secret: only known when Terraform runs.
        "bcrypt",
        "plantimestamp",
        "rsadecrypt",
        "timestamp",
        "uuid",
        // Not yet evaluated.
        "base64gzip",
        "csvdecode",
        "fileset",
        "formatdate",
        "issensitive",
        "textdecodebase64",
        "textencodebase64",
        "timeadd",
        "timecmp",
        "type",
    ];
    const ALL: &[&str] = &[
        "abs",
        "ceil",
        "floor",
        "log",
        "max",
        "min",
        "parseint",
        "pow",
        "signum",
        "chomp",
        "endswith",
        "format",
        "formatlist",
        "indent",
        "join",
        "lower",
        "regex",
        "regexall",
        "replace",
        "split",
        "startswith",
        "strcontains",
        "strrev",
        "substr",
        "templatestring",
        "title",
        "trim",
        "trimprefix",
        "trimsuffix",
        "trimspace",
        "upper",
        "alltrue",
        "anytrue",
        "chunklist",
        "coalesce",
        "coalescelist",
        "compact",
        "concat",
        "contains",
        "distinct",
        "element",
        "flatten",
        "index",
        "keys",
        "length",
        "lookup",
        "matchkeys",
        "merge",
        "one",
        "range",
        "reverse",
        "setintersection",
        "setproduct",
        "setsubtract",
        "setunion",
        "slice",
        "sort",
        "sum",
        "transpose",
        "values",
        "zipmap",
        "base64decode",
        "base64encode",
        "base64gzip",
        "csvdecode",
        "jsondecode",
        "jsonencode",
        "textdecodebase64",
        "textencodebase64",
        "urlencode",
        "yamldecode",
        "yamlencode",
        "abspath",
        "dirname",
        "pathexpand",
        "basename",
        "file",
        "fileexists",
        "fileset",
        "filebase64",
        "templatefile",
        "formatdate",
        "plantimestamp",
        "timeadd",
        "timecmp",
        "timestamp",
        "base64sha256",
        "base64sha512",
        "bcrypt",
        "filebase64sha256",
        "filebase64sha512",
        "filemd5",
        "filesha1",
        "filesha256",
        "filesha512",
        "md5",
        "rsadecrypt",
        "sha1",
        "sha256",
        "sha512",
        "uuid",
        "uuidv5",
        "cidrhost",
        "cidrnetmask",
        "cidrsubnet",
        "cidrsubnets",
        "can",
        "ephemeralasnull",
        "issensitive",
        "nonsensitive",
        "sensitive",
        "tobool",
        "tolist",
        "tomap",
        "tonumber",
        "toset",
        "tostring",
        "try",
        "type",
    ];
    with_module(&[("main.tf", "")], |ev| {
        for name in ALL {
            let v = super::functions::call(ev, name, Vec::new(), None);
            let unsupported = matches!(&v.kind, Kind::Unknown(h)
                if h.reason.contains("not supported by keepalign") || h.reason.contains("only known then"));
            assert_eq!(unsupported, NOT_EVALUATED.contains(name), "{name}: {v:?}");
        }
    });
}

/// Write `files` into a temporary root with its modules and run `f` on the
/// root's evaluator, its module calls loaded as a scan loads them.
fn with_root<T>(files: &[(&str, &str)], f: impl FnOnce(&Evaluator<'_>) -> T) -> T {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let root = dir.path().canonicalize().unwrap();
    let top: Vec<_> = files
        .iter()
        .filter(|(n, _)| !n.contains('/'))
        .map(|(n, _)| root.join(n))
        .collect();
    let discovered = std::collections::BTreeMap::from([(root.clone(), top)]);
    let repo = root.clone();
    let ws = super::modules::Workspace::build(&discovered, &move |_| repo.clone());
    let module = ws.get(&root).expect("the root is loaded");
    let mut ev = Evaluator::new(&module.files, root.clone(), root.clone());
    ev.workspace = Some(&ws);
    ev.ancestors = vec![root];
    f(&ev)
}

/// The reference a value stands for: (address, attribute).
fn reference(v: &Val) -> (String, String) {
    let r = v
        .hole()
        .and_then(|h| h.reference.clone())
        .unwrap_or_else(|| panic!("not a reference: {v:?}"));
    (r.address, r.attribute)
}

const CONTAINER_MODULE: &str = r#"
variable "name" {}
variable "port" {
  default = 8080
}
output "definition" {
  value = { name = var.name, port = var.port }
}
output "name" {
  value = var.name
}
"#;

#[test]
fn a_module_called_with_for_each_or_count_is_a_collection_of_its_outputs() {
    let main = r#"
module "c" {
  source   = "./container"
  for_each = { api = 8000, admin = 9000 }
  name     = each.key
  port     = each.value
}
module "n" {
  source = "./container"
  count  = 2
  name   = "n${count.index}"
}
module "p" {
  source = "./container"
  name   = "plain"
}
locals {
  values   = values(module.c)
  names    = [for k, v in module.c : v.name]
  encoded  = jsonencode([for k, v in module.c : v.definition])
  by_key   = { for k, m in module.c : k => m.definition.port }
  splat    = module.n[*].name
  one      = module.c["api"].definition.port
  instance = module.c["admin"]
  plain    = module.p.name
  whole    = module.p
}
"#;
    with_root(
        &[("main.tf", main), ("container/main.tf", CONTAINER_MODULE)],
        |ev| {
            // Instance keys in key order, each an object of outputs.
            let values = local(ev, "values").elements().unwrap();
            assert_eq!(values.len(), 2);
            assert_eq!(
                string(&super::eval::get_key(&values[0], "name", None)),
                "admin"
            );
            let names: Vec<String> = local(ev, "names")
                .elements()
                .unwrap()
                .iter()
                .map(string)
                .collect();
            assert_eq!(names, ["admin", "api"]);
            // The port in the encoded definitions still points at the literal.
            let encoded = local(ev, "encoded");
            let Kind::Str(t) = &encoded.kind else {
                panic!("a string: {encoded:?}")
            };
            assert_eq!(
                t.s,
                r#"[{"name":"admin","port":9000},{"name":"api","port":8000}]"#
            );
            let i = t.s.find("8000").unwrap();
            let at = t.locate(i..i + 4).expect("located");
            assert_eq!((at.snippet(), at.start().0), ("8000", 4));
            assert_eq!(
                number(&super::eval::get_key(&local(ev, "by_key"), "api", None)),
                8000.0
            );
            let splat: Vec<String> = local(ev, "splat")
                .elements()
                .unwrap()
                .iter()
                .map(string)
                .collect();
            assert_eq!(splat, ["n0", "n1"]);
            assert_eq!(number(&local(ev, "one")), 8000.0);
            assert_eq!(
                string(&super::eval::get_key(&local(ev, "instance"), "name", None)),
                "admin"
            );
            assert_eq!(string(&local(ev, "plain")), "plain");
            assert_eq!(
                string(&super::eval::get_key(&local(ev, "whole"), "name", None)),
                "plain"
            );
        },
    );
}

#[test]
fn a_module_whose_for_each_is_unknown_is_unknown_as_a_whole_and_says_why() {
    let main = r#"
variable "containers" {}
module "c" {
  source   = "./container"
  for_each = var.containers
  name     = each.key
}
module "none" {
  source = "./container"
  count  = 0
  name   = "x"
}
module "self" {
  source   = "./container"
  for_each = { a = 1 }
  name     = length(module.self)
}
locals {
  all   = [for k, v in module.c : v.definition]
  none  = module.none[*].name
  cycle = module.self["a"].name
}
"#;
    with_root(
        &[("main.tf", main), ("container/main.tf", CONTAINER_MODULE)],
        |ev| {
            let all = local(ev, "all");
            let hole = all.hole().expect("unknown");
            assert!(
                hole.reason.contains("module.c are not known")
                    && hole.reason.contains("var.containers has no default"),
                "{}",
                hole.reason
            );
            assert_eq!(local(ev, "none").elements().unwrap().len(), 0);
            // A module that needs itself as a whole is a cycle, not a loop.
            let cycle = local(ev, "cycle");
            let hole = cycle.hole().expect("unknown");
            assert!(hole.reason.contains("(a cycle)"), "{}", hole.reason);
        },
    );
}

#[test]
fn a_resource_with_for_each_or_count_as_a_whole_refers_to_each_instance() {
    let tf = r#"
resource "aws_lb_target_group" "tg" {
  for_each             = { api = 30, admin = 90 }
  deregistration_delay = each.value
}
resource "aws_lb_target_group" "n" {
  count = 3
}
resource "aws_lb_target_group" "unknown" {
  for_each = var.groups
}
variable "groups" {}
locals {
  by_key   = { for k, tg in aws_lb_target_group.tg : k => tg.arn }["api"]
  second   = values(aws_lb_target_group.tg)[1].arn
  splat    = aws_lb_target_group.n[*].arn
  indexed  = aws_lb_target_group.tg["admin"].arn
  instance = aws_lb_target_group.tg["admin"]
  unknown  = [for tg in aws_lb_target_group.unknown : tg.arn]
}
"#;
    with_module(&[("main.tf", tf)], |ev| {
        let r = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            reference(&local(ev, "by_key")),
            r("aws_lb_target_group.tg[\"api\"]", "arn")
        );
        // Key order: admin, api.
        assert_eq!(
            reference(&local(ev, "second")),
            r("aws_lb_target_group.tg[\"api\"]", "arn")
        );
        let splat: Vec<_> = local(ev, "splat")
            .elements()
            .unwrap()
            .iter()
            .map(reference)
            .collect();
        assert_eq!(
            splat,
            [
                r("aws_lb_target_group.n[0]", "arn"),
                r("aws_lb_target_group.n[1]", "arn"),
                r("aws_lb_target_group.n[2]", "arn"),
            ]
        );
        assert_eq!(
            reference(&local(ev, "indexed")),
            r("aws_lb_target_group.tg[\"admin\"]", "arn")
        );
        let instance = local(ev, "instance");
        assert_eq!(
            reference(&super::eval::get_key(&instance, "arn", None)),
            r("aws_lb_target_group.tg[\"admin\"]", "arn")
        );
        // Unknown instances: unknown, saying why, and still a link to the
        // one unindexed instance the resource was analysed as.
        let unknown = local(ev, "unknown");
        let hole = unknown.hole().expect("unknown");
        assert!(
            hole.reason
                .contains("the instances of aws_lb_target_group.unknown are not known")
                && hole.reason.contains("for_each is unknown"),
            "{}",
            hole.reason
        );
        assert_eq!(reference(&unknown), r("aws_lb_target_group.unknown", ""));
    });
}

#[test]
fn many_module_instances_of_many_outputs_stop_at_the_budget() {
    let module = r#"
variable "i" {}
output "big" {
  value = [for x in range(2000) : x + var.i]
}
output "other" {
  value = [for x in range(2000) : x * var.i]
}
"#;
    let main = r#"
module "c" {
  source = "./m"
  count  = 5000
  i      = count.index
}
locals {
  n = length(flatten([for v in module.c : v.big]))
}
"#;
    with_root(&[("main.tf", main), ("m/main.tf", module)], |ev| {
        let started = std::time::Instant::now();
        let n = local(ev, "n");
        let hole = n.hole().expect("unknown");
        assert!(hole.reason.contains("budget"), "{}", hole.reason);
        assert!(started.elapsed() < std::time::Duration::from_secs(60));
    });
}
