//! Template parsing and intrinsic evaluation: values and where they point.

use super::eval::{Evaluator, Export};
use super::tree::{self, Node};
use crate::source::SourceFile;
use crate::value::{Kind, Val};
use std::collections::HashMap;
use std::path::PathBuf;

fn template(name: &str, text: &str) -> (std::sync::Arc<SourceFile>, Node) {
    let file = SourceFile::new(PathBuf::from(name), text.to_string());
    let root = tree::parse(&file).unwrap_or_else(|e| panic!("{}", e.message));
    (file, root)
}

/// Evaluate `Outputs.<name>.Value` of a template.
fn output(root: &Node, name: &str, given: &HashMap<String, Val>, exports: &[Export]) -> Val {
    let ev = Evaluator::new(root, given, exports);
    ev.eval(
        root.get("Outputs")
            .unwrap()
            .get(name)
            .unwrap()
            .get("Value")
            .unwrap(),
    )
}

fn s(v: &Val) -> String {
    match &v.kind {
        Kind::Str(t) => t.s.clone(),
        other => panic!("not a string: {other:?}"),
    }
}

const YAML: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    Default: prod
  KeepAlive:
    Type: Number
    Default: 75
  Subnets:
    Type: CommaDelimitedList
    Default: "subnet-a,subnet-b"
Mappings:
  Timeouts:
    prod:
      Idle: 120
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
Resources:
  Alb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
Outputs:
  Ka:
    Value: !Ref KeepAlive
  Cmd:
    Value: !Sub "gunicorn --keep-alive ${KeepAlive} app:app"
  Block:
    Value: !Sub |
      exec gunicorn --keep-alive ${KeepAlive} app:app
  Idle:
    Value: !FindInMap [Timeouts, !Ref Env, Idle]
  Chosen:
    Value: !If [IsProd, 120, 60]
  Other:
    Value: !If [NotProd, 1, 2]
  Joined:
    Value: !Join ["-", [a, !Select [1, !Ref Subnets]]]
  Split:
    Value: !Select [2, !Split [",", "x,y,z"]]
  Arn:
    Value: !GetAtt Alb.LoadBalancerArn
  Region:
    Value: !Ref AWS::Region
  Encoded:
    Value: !Base64 "hi"
"#;

#[test]
fn intrinsics_evaluate_with_provenance() {
    let (file, root) = template("t.yaml", YAML);
    let none = HashMap::new();
    let ka = output(&root, "Ka", &none, &[]);
    assert_eq!(ka.to_number().unwrap(), 75.0);
    let at = ka.at.unwrap();
    assert_eq!((at.snippet(), at.start().0), ("75", 8));
    assert!(std::sync::Arc::ptr_eq(&at.file, &file));
    assert_eq!(
        s(&output(&root, "Cmd", &none, &[])),
        "gunicorn --keep-alive 75 app:app"
    );
    assert_eq!(
        output(&root, "Idle", &none, &[]).to_number().unwrap(),
        120.0
    );
    assert_eq!(
        output(&root, "Chosen", &none, &[]).to_number().unwrap(),
        120.0
    );
    assert_eq!(output(&root, "Other", &none, &[]).to_number().unwrap(), 2.0);
    assert_eq!(s(&output(&root, "Joined", &none, &[])), "a-subnet-b");
    assert_eq!(s(&output(&root, "Split", &none, &[])), "z");
    assert_eq!(s(&output(&root, "Encoded", &none, &[])), "aGk=");
    let arn = output(&root, "Arn", &none, &[]);
    let r = arn.hole().unwrap().reference.clone().unwrap();
    assert_eq!(
        (r.address.as_str(), r.attribute.as_str()),
        ("Alb", "LoadBalancerArn")
    );
    let region = output(&root, "Region", &none, &[]);
    assert!(
        region
            .hole()
            .unwrap()
            .reason
            .contains("--parameter AWS::Region")
    );
}

#[test]
fn sub_keeps_the_source_map_of_literal_parts_and_values() {
    let (_, root) = template("t.yaml", YAML);
    let v = output(&root, "Block", &HashMap::new(), &[]);
    let Kind::Str(t) = &v.kind else { panic!() };
    assert_eq!(t.s, "exec gunicorn --keep-alive 75 app:app\n");
    // The literal `gunicorn` maps into the block scalar's line...
    let i = t.s.find("gunicorn").unwrap();
    let at = t.locate(i..i + 8).unwrap();
    assert_eq!((at.snippet(), at.start().0), ("gunicorn", 29));
    // ...and the substituted value to the parameter's Default.
    let i = t.s.find("75").unwrap();
    assert_eq!(t.locate(i..i + 2).unwrap().start().0, 8);
}

#[test]
fn given_parameters_override_defaults_and_change_conditions() {
    let (_, root) = template("t.yaml", YAML);
    let mut given = HashMap::new();
    given.insert("Env".to_string(), Val::str("staging", None));
    assert_eq!(
        output(&root, "Chosen", &given, &[]).to_number().unwrap(),
        60.0
    );
    let idle = output(&root, "Idle", &given, &[]);
    assert!(idle.is_error(), "{idle:?}");
}

#[test]
fn json_templates_use_the_same_evaluator() {
    let json = r#"{"Parameters": {"Ka": {"Type": "Number", "Default": 30}},
  "Resources": {"Tg": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup"}},
  "Outputs": {"A": {"Value": {"Fn::Join": [" ", ["--keep-alive", {"Ref": "Ka"}]]}},
              "B": {"Value": {"Ref": "Tg"}}}}"#;
    let (_, root) = template("t.json", json);
    let none = HashMap::new();
    assert_eq!(s(&output(&root, "A", &none, &[])), "--keep-alive 30");
    let b = output(&root, "B", &none, &[]);
    assert_eq!(b.hole().unwrap().reference.as_ref().unwrap().address, "Tg");
}

#[test]
fn import_value_follows_exports_even_with_unknown_stack_names() {
    let network = "Resources:\n  Listener:\n    Type: AWS::ElasticLoadBalancingV2::Listener\nOutputs:\n  L:\n    Value: !Ref Listener\n    Export:\n      Name: !Sub \"${AWS::StackName}-ListenerArn\"\n";
    let service = "Parameters:\n  Net:\n    Type: String\nResources: {}\nOutputs:\n  X:\n    Value: !ImportValue\n      Fn::Sub: \"${Net}-ListenerArn\"\n  Y:\n    Value: !ImportValue missing-export\n";
    let (_, net) = template("network.yaml", network);
    let (_, svc) = template("service.yaml", service);
    let none = HashMap::new();
    let ev = Evaluator::new(&net, &none, &[]);
    let out = net.get("Outputs").unwrap().get("L").unwrap();
    let exports = vec![Export {
        name: ev
            .eval(out.get("Export").unwrap().get("Name").unwrap())
            .to_text()
            .map(std::sync::Arc::unwrap_or_clone)
            .unwrap(),
        value: super::eval::in_scope(ev.eval(out.get("Value").unwrap()), "network.yaml"),
        file: "network.yaml".into(),
    }];
    let x = output(&svc, "X", &none, &exports);
    let r = x.hole().unwrap().reference.clone().unwrap();
    assert_eq!(
        (r.address.as_str(), r.scope.as_deref()),
        ("Listener", Some("network.yaml"))
    );
    let y = output(&svc, "Y", &none, &exports);
    assert!(y.hole().unwrap().reason.contains("missing-export"), "{y:?}");
}

#[test]
fn wrong_argument_kinds_are_errors_not_crashes() {
    let yaml = "Resources: {}\nOutputs:\n  A:\n    Value: !Join \"x\"\n  B:\n    Value: !Ref [a, b]\n  C:\n    Value: !GetAtt 42\n  D:\n    Value: !If [Nope, 1, 2]\n  E:\n    Value: !Select [9, [a]]\n";
    let (_, root) = template("t.yaml", yaml);
    for name in ["A", "B", "C", "D", "E"] {
        let v = output(&root, name, &HashMap::new(), &[]);
        assert!(v.is_error(), "{name}: {v:?}");
        assert!(v.at.is_some(), "{name} has a location");
    }
}

#[test]
fn no_value_removes_properties_and_list_items() {
    let yaml = "Conditions:\n  No: !Equals [a, b]\nResources: {}\nOutputs:\n  A:\n    Value:\n      Keep: 1\n      Drop: !If [No, 2, !Ref AWS::NoValue]\n      List: [1, !If [No, 2, !Ref AWS::NoValue]]\n";
    let (_, root) = template("t.yaml", yaml);
    let v = output(&root, "A", &HashMap::new(), &[]);
    let Kind::Map(m) = &v.kind else { panic!() };
    assert!(m.contains_key("Keep") && !m.contains_key("Drop"));
    assert_eq!(m["List"].elements().unwrap().len(), 1);
}

#[test]
fn parse_errors_carry_byte_offsets() {
    let dup = SourceFile::new(
        PathBuf::from("d.yaml"),
        "Resources:\n  A:\n    Type: x\n    Type: y\n".into(),
    );
    let e = tree::parse(&dup).unwrap_err();
    assert!(e.message.contains("duplicated key"), "{}", e.message);
    assert_eq!(dup.line_col(e.offset).0, 4);
    let bomb = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n";
    let f = SourceFile::new(PathBuf::from("b.yaml"), bomb.into());
    assert!(tree::parse(&f).unwrap_err().message.contains("alias"));
    let dup_json = SourceFile::new(
        PathBuf::from("d.template.json"),
        "{\"Resources\": {\"A\": {\"Type\": \"x\",\n \"Type\": \"y\"}}}".into(),
    );
    let e = tree::parse(&dup_json).unwrap_err();
    assert!(
        e.message.contains("duplicate key \"Type\""),
        "{}",
        e.message
    );
    assert_eq!(dup_json.line_col(e.offset).0, 2);
    let deep = SourceFile::new(PathBuf::from("deep.yaml"), "[".repeat(100_000));
    assert!(tree::parse(&deep).is_err());
}

#[test]
fn non_ascii_text_maps_characters_to_bytes() {
    let yaml = "# café ☕\nParameters:\n  Ka:\n    Default: 61\nResources: {}\nOutputs:\n  A:\n    Value: !Ref Ka\n";
    let (_, root) = template("t.yaml", yaml);
    let v = output(&root, "A", &HashMap::new(), &[]);
    assert_eq!(v.at.unwrap().snippet(), "61");
}

/// A template whose tree was dropped after the first pass and parsed again
/// for its evaluation reads exactly as one kept: over every fixture,
/// nested stacks (whose trees are kept, or parsed again once) and
/// imports included.
#[test]
fn templates_parsed_again_read_as_kept_ones() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/cloudformation");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut compared = 0;
    for dir in dirs {
        let found = crate::discover::discover(std::slice::from_ref(&dir)).unwrap();
        let root = dir.canonicalize().unwrap();
        let load = |kept: u64| {
            let model = super::load_keeping(
                &found.templates,
                &|_: &std::path::Path| super::Inputs::default(),
                &|_: &std::path::Path| root.clone(),
                &crate::budget::Scan::default(),
                kept,
            );
            format!("{model:#?}")
        };
        let kept = load(u64::MAX);
        assert_eq!(kept, load(0), "{}", dir.display());
        compared += usize::from(kept.contains("services: ["));
    }
    // The fixtures hold services: a comparison of empty models proves nothing.
    assert!(compared > 20, "{compared} fixtures with services");
}
