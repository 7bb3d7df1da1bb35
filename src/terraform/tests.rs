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
        let v = super::terraform_workspace(&root, None, &root, inputs, &mut model);
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
        (
            r#"md5("hello world")"#,
            r#""5eb63bbbe01eeed093cb22bb8f5acdc3""#,
        ),
        (
            r#"sha1("hello world")"#,
            r#""2aae6c35c94fcfb415dbe95f408b9ce91ee846ed""#,
        ),
        (
            r#"sha256("hello world")"#,
            r#""b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9""#,
        ),
        (
            r#"base64sha256("hello world")"#,
            r#""uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=""#,
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
        ("uuidv5(\"dns\", \"x\")", "not supported"),
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
        // A name-based UUID: not needed by any module seen so far.
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

/// Evaluate `local.<name>` of `tf` with `inputs` given (as a module call's
/// arguments or tfvars would give them, each written as an expression).
fn eval_with_inputs(tf: &str, inputs: &[(&str, &str)], name: &str) -> Val {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), tf).unwrap();
    let given: String = inputs.iter().map(|(k, v)| format!("{k} = {v}\n")).collect();
    std::fs::write(dir.path().join("given.tfvars"), given).unwrap();
    let parsed =
        vec![parse_file(&dir.path().join("main.tf"), crate::input::Within::Named).unwrap()];
    let tfvars = parse_file(
        &dir.path().join("given.tfvars"),
        crate::input::Within::Named,
    )
    .unwrap();
    let root = dir.path().canonicalize().unwrap();
    let mut ev = Evaluator::new(&parsed, root.clone(), root);
    let super::syntax::Syntax::Hcl(body) = &tfvars.syntax else {
        panic!("tfvars are HCL")
    };
    let body = super::syntax::BodyRef::Hcl(body, &tfvars.source);
    for (k, e, _) in body.attributes() {
        let v = ev.eval_ref(e, &Scope::default());
        ev.inputs.insert(k.to_string(), v);
    }
    ev.forget_variables();
    local(&ev, name)
}

fn key(v: &Val, k: &str) -> Val {
    super::eval::get_key(v, k, None)
}

#[test]
fn optional_attributes_take_their_default_or_null() {
    let tf = r#"
variable "svc" {
  type = object({
    name       = string
    keep_alive = optional(number, 5)
    workers    = optional(number)
    port       = optional(string, 8000)
  })
}
locals {
  svc    = var.svc
  merged = merge({ keep_alive = "75" }, var.svc)
}
"#;
    let svc = eval_with_inputs(tf, &[("svc", r#"{ name = "api", extra = 1 }"#)], "svc");
    let ka = key(&svc, "keep_alive");
    assert_eq!(number(&ka), 5.0);
    // Points at the default literal in the type, a value the module wrote.
    assert_eq!(ka.at.as_ref().expect("located").snippet(), "5");
    let workers = key(&svc, "workers");
    assert!(workers.is_null());
    assert_eq!(workers.at.expect("located").snippet(), "optional(number)");
    // The default is converted to the attribute's type.
    assert_eq!(string(&key(&svc, "port")), "8000");
    // Attributes the type does not declare are dropped, as Terraform does.
    assert!(key(&svc, "extra").is_error());
    // The caller's value wins over the default; a null given is the default.
    let given = eval_with_inputs(
        tf,
        &[("svc", r#"{ name = "api", keep_alive = 30 }"#)],
        "svc",
    );
    assert_eq!(number(&key(&given, "keep_alive")), 30.0);
    let null = eval_with_inputs(
        tf,
        &[("svc", r#"{ name = "api", keep_alive = null }"#)],
        "svc",
    );
    assert_eq!(number(&key(&null, "keep_alive")), 5.0);
    // The missed finding: merge() sees the default, not the module's 75.
    let merged = eval_with_inputs(tf, &[("svc", r#"{ name = "api" }"#)], "merged");
    assert_eq!(number(&key(&merged, "keep_alive")), 5.0);
}

#[test]
fn optional_defaults_apply_through_maps_lists_sets_and_tuples() {
    let tf = r#"
variable "containers" {
  type = map(object({
    image = string
    settings = optional(object({
      keep_alive = optional(number, 5)
      timeout    = optional(number, 30)
    }), {})
    ports = optional(list(object({
      port     = number
      protocol = optional(string, "tcp")
    })), [])
  }))
}
variable "pair" {
  type = tuple([string, object({ a = optional(bool, true) })])
}
variable "tags" {
  type = set(object({ k = string, v = optional(string, "x") }))
}
locals {
  c    = var.containers
  pair = var.pair
  tags = var.tags
}
"#;
    let c = eval_with_inputs(
        tf,
        &[(
            "containers",
            r#"{ app = { image = "a", ports = [{ port = 80 }] }, web = { image = "w", settings = { timeout = 60 } } }"#,
        )],
        "c",
    );
    let app = key(&c, "app");
    // The default `{}` gets its own optional attributes filled in.
    assert_eq!(number(&key(&key(&app, "settings"), "keep_alive")), 5.0);
    assert_eq!(number(&key(&key(&app, "settings"), "timeout")), 30.0);
    let port = &key(&app, "ports").elements().unwrap()[0];
    assert_eq!(string(&key(port, "protocol")), "tcp");
    let web = key(&c, "web");
    assert_eq!(number(&key(&key(&web, "settings"), "timeout")), 60.0);
    assert_eq!(number(&key(&key(&web, "settings"), "keep_alive")), 5.0);
    assert!(key(&web, "ports").elements().unwrap().is_empty());
    let pair = eval_with_inputs(tf, &[("pair", r#"["a", {}]"#)], "pair");
    assert_eq!(
        key(&pair.elements().unwrap()[1], "a").to_bool().ok(),
        Some(true)
    );
    let tags = eval_with_inputs(tf, &[("tags", r#"[{ k = "a" }]"#)], "tags");
    assert_eq!(string(&key(&tags.elements().unwrap()[0], "v")), "x");
    // Sets of strings are sorted and have no duplicates, as in Terraform.
    let tf = "variable \"s\" {\n  type    = set(string)\n  default = [\"b\", \"a\", \"b\", 1]\n}\nlocals {\n  s = var.s\n}\n";
    let s: Vec<String> = eval_locals(tf, "s")
        .elements()
        .unwrap()
        .iter()
        .map(string)
        .collect();
    assert_eq!(s, ["1", "a", "b"]);
}

#[test]
fn the_variables_own_default_gets_its_optional_attributes() {
    let tf = r#"
variable "svc" {
  type = object({
    keep_alive = optional(number, 5)
    name       = optional(string)
  })
  default = {}
}
variable "legacy" {
  type    = map
  default = { a = 1 }
}
variable "count_given_as_string" {
  type    = number
  default = "75"
}
locals {
  svc    = var.svc
  legacy = var.legacy
  n      = var.count_given_as_string
}
"#;
    with_module(&[("main.tf", tf)], |ev| {
        let svc = local(ev, "svc");
        assert_eq!(number(&key(&svc, "keep_alive")), 5.0);
        assert!(key(&svc, "name").is_null());
        assert_eq!(number(&key(&local(ev, "legacy"), "a")), 1.0);
        let n = local(ev, "n");
        assert_eq!(n.kind, Kind::Number(75.0));
        assert_eq!(n.at.expect("located").snippet(), "\"75\"");
    });
}

#[test]
fn unknown_values_stay_unknown_through_a_type() {
    let tf = r#"
variable "svc" {
  type = object({
    keep_alive = optional(number, 5)
    port       = number
  })
}
locals {
  svc = var.svc
}
"#;
    // Not given at all: unknown, never the defaults.
    with_module(&[("main.tf", tf)], |ev| {
        assert!(matches!(local(ev, "svc").kind, Kind::Unknown(_)));
    });
    // An object with an unknown attribute keeps it, and gets the rest.
    let svc = eval_with_inputs(
        tf,
        &[("svc", "{ port = data.aws_ssm_parameter.p.value }")],
        "svc",
    );
    assert!(matches!(key(&svc, "port").kind, Kind::Unknown(_)));
    assert_eq!(number(&key(&svc, "keep_alive")), 5.0);
}

#[test]
fn type_expressions_nested_too_deep_are_not_read_and_do_not_crash() {
    // `list(list(...object({ n = optional(number, 5) })...))` around `[..[{}]..]`.
    let nested = |depth: usize| {
        let ty = format!(
            "{}object({{ n = optional(number, 5) }}){}",
            "list(".repeat(depth),
            ")".repeat(depth)
        );
        let value = format!("{}{{}}{}", "[".repeat(depth), "]".repeat(depth));
        format!(
            "variable \"x\" {{\n  type = {ty}\n  default = {value}\n}}\nlocals {{\n  x = var.x\n}}\n"
        )
    };
    let innermost = |mut v: Val| {
        while let Some(items) = v.elements().filter(|_| matches!(v.kind, Kind::List(_))) {
            v = items[0].clone();
        }
        v
    };
    let shallow = innermost(eval_locals(&nested(10), "x"));
    assert_eq!(number(&key(&shallow, "n")), 5.0);
    // Deeper than keepalign reads types: the value is used as given.
    let deep = innermost(eval_locals(&nested(40), "x"));
    assert!(key(&deep, "n").is_error());
    // Far deeper: the file may not even parse; nothing crashes.
    let tf = nested(5000);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), &tf).unwrap();
    if parse_file(&dir.path().join("main.tf"), crate::input::Within::Named).is_ok() {
        let _ = eval_locals(&tf, "x");
    }
    // Odd but parseable type expressions are no constraint.
    let tf = r#"
variable "x" {
  type    = object({ (local.k) = string }, 3)
  default = { a = 1 }
}
variable "y" {
  type    = optional(number, 3)
  default = "4"
}
locals {
  x = var.x
  y = var.y
}
"#;
    with_module(&[("main.tf", tf)], |ev| {
        assert_eq!(number(&key(&local(ev, "x"), "a")), 1.0);
        assert_eq!(number(&local(ev, "y")), 4.0);
    });
}

#[test]
fn nullable_false_makes_a_null_argument_the_default() {
    let tf = r#"
variable "create" {
  type     = bool
  default  = true
  nullable = false
}
variable "loose" {
  type    = bool
  default = true
}
locals {
  create = var.create
  loose  = var.loose
  count  = var.create ? 1 : 0
}
"#;
    let create = eval_with_inputs(tf, &[("create", "null"), ("loose", "null")], "create");
    assert_eq!(create.to_bool().ok(), Some(true));
    assert_eq!(create.at.expect("located").snippet(), "true");
    let count = eval_with_inputs(tf, &[("create", "null")], "count");
    assert_eq!(number(&count), 1.0);
    // Nullable (the default): the null is the value.
    let loose = eval_with_inputs(tf, &[("loose", "null")], "loose");
    assert!(loose.is_null());
}

#[test]
fn strip_nulls_keeps_entries_whose_condition_is_unknown() {
    let tf = r#"
variable "stop" {}
locals {
  def = {
    name        = "app"
    image       = "nginx"
    stopTimeout = var.stop
    command     = null
  }
  stripped = { for k, v in local.def : k => v if v != null }
  list     = [for v in ["a", var.stop, null, "b"] : v if v != null]
  gated    = [for v in ["a", "b"] : v if var.stop]
}
"#;
    with_module(&[("main.tf", tf)], |ev| {
        let s = local(ev, "stripped");
        assert_eq!(string(&key(&s, "name")), "app");
        assert_eq!(string(&key(&s, "image")), "nginx");
        // Kept, with its own reason (no value given for var.stop).
        assert!(reason(&key(&s, "stopTimeout")).contains("var.stop"));
        assert!(key(&s, "command").is_error(), "the null is stripped");
        let l = local(ev, "list").elements().unwrap();
        assert_eq!(l.len(), 3);
        assert_eq!(string(&l[0]), "a");
        assert!(matches!(l[1].kind, Kind::Unknown(_)));
        assert_eq!(string(&l[2]), "b");
        // A known value kept only under an unknown condition is unknown.
        let g = local(ev, "gated").elements().unwrap();
        assert_eq!(g.len(), 2);
        assert!(reason(&g[0]).contains("condition"));
    });
}

#[test]
fn optional_defaults_in_terraform_json_syntax_point_into_the_type_string() {
    let tf = r#"{
  "variable": {
    "svc": {
      "type": "object({ keep_alive = optional(number, 5), name = optional(string, \"api\") })",
      "default": {}
    }
  },
  "locals": { "svc": "${var.svc}" }
}"#;
    with_module(&[("main.tf.json", tf)], |ev| {
        let svc = local(ev, "svc");
        let ka = key(&svc, "keep_alive");
        assert_eq!(number(&ka), 5.0);
        assert_eq!(ka.at.expect("located").snippet(), "5");
        assert_eq!(string(&key(&svc, "name")), "api");
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
    let (ws, roots) = super::modules::Workspace::build(
        &discovered,
        &std::collections::BTreeMap::new(),
        &move |_| repo.clone(),
    );
    let mut dir = roots
        .certain
        .into_iter()
        .next()
        .expect("the root is a root");
    let module = ws.open(&mut dir);
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

/// Roots are found from the directories' text before anything is parsed:
/// a directory named as a module source is kept as a module and evaluated
/// through its caller, and one named only in a comment or a heredoc is
/// still a root once the parsed calls show nobody calls it.
#[test]
fn roots_are_the_directories_no_parsed_module_call_reaches() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        (
            "app/main.tf",
            r#"
module "svc" {
  source = "../modules/svc"
}
# module "old" {
#   source = "../legacy"
# }
resource "aws_s3_object" "notes" {
  bucket  = "b"
  key     = "k"
  content = <<EOT
source = "../heredoc"
EOT
}
"#,
        ),
        (
            "modules/svc/main.tf",
            r#"resource "aws_ecs_service" "svc" { name = "svc" }"#,
        ),
        (
            "legacy/main.tf",
            r#"resource "aws_ecs_service" "legacy" { name = "legacy" }"#,
        ),
        (
            "heredoc/main.tf",
            r#"resource "aws_ecs_service" "h" { name = "h" }"#,
        ),
    ];
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let root = dir.path().canonicalize().unwrap();
    let discovered: std::collections::BTreeMap<_, _> = ["app", "modules/svc", "legacy", "heredoc"]
        .iter()
        .map(|d| (root.join(d), vec![root.join(d).join("main.tf")]))
        .collect();
    let repo = root.clone();
    let model = super::load(
        &discovered,
        &std::collections::BTreeMap::new(),
        &|_: &Path| super::Inputs::default(),
        &move |_: &Path| repo.clone(),
        &crate::budget::Scan::default(),
    );
    let mut services: Vec<(String, String)> = model
        .services
        .iter()
        .map(|s| {
            let scope = Path::new(&*s.id.scope)
                .strip_prefix(&root)
                .map(|p| p.display().to_string())
                .unwrap_or(s.id.scope.to_string());
            (scope, s.id.address.clone())
        })
        .collect();
    services.sort();
    assert_eq!(
        services,
        [
            ("app".into(), "module.svc.aws_ecs_service.svc".into()),
            ("heredoc".into(), "aws_ecs_service.h".into()),
            ("legacy".into(), "aws_ecs_service.legacy".into()),
        ]
    );
    let roots: Vec<_> = model.roots.iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        roots,
        [root.join("app"), root.join("heredoc"), root.join("legacy")]
    );
    assert_eq!(model.files, 4);
    assert!(model.input_errors.is_empty(), "{:?}", model.input_errors);
}

#[test]
fn named_sources_finds_every_source_string_as_written() {
    let text = r#"
module "a" { source = "./a" }
module "b" {
  source="../b"
}
data_source = "./not"
# source = "./commented"
{"module": {"c": {"source" : "./c\"d"}}}
resource "x" "y" { source = var.s }
"#;
    assert_eq!(
        super::modules::named_sources(text),
        ["./a", "../b", "./commented", r#"./c\"d"#]
    );
}
