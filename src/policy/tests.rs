use super::*;

fn source(text: &str) -> Arc<SourceFile> {
    SourceFile::new(PathBuf::from("p.guard"), text.to_string())
}

#[test]
fn nesting_ignores_brackets_in_strings_and_comments() {
    assert_eq!(nesting("rule a { x IN [1, [2]] }").0, 3);
    assert_eq!(nesting("# {{{{{{\nrule a { x == \"[[[[\" }").0, 1);
    assert_eq!(nesting("rule a { x == '}}}' }").0, 1);
}

#[test]
fn parse_errors_name_the_line_without_quoting_the_file() {
    let e = parse(source("rule ok {\n  x >= \n}\n# secret tail\n")).unwrap_err();
    assert!(e.starts_with("p.guard:"), "{e}");
    assert!(e.contains("does not parse as CloudFormation Guard"), "{e}");
    assert!(!e.contains("secret tail"), "{e}");
}

#[test]
fn comments_above_a_rule_give_its_severity_and_summary() {
    let f = parse(source(
        "# unrelated\n\n# Keep it explicit.\n# More words.\n# severity: note\nrule my_rule {\n  services !empty\n}\n",
    ))
    .unwrap();
    let (m, at) = &f.rules_meta[0];
    assert_eq!(m.id, "my_rule");
    assert_eq!(m.severity, Severity::Note);
    assert_eq!(m.summary, "Keep it explicit.");
    assert!(
        m.doc.starts_with("Keep it explicit.\nMore words."),
        "{}",
        m.doc
    );
    assert!(!m.doc.contains("unrelated"));
    assert_eq!(at.start().0, 6);
    assert_eq!(m.policy, Some("p.guard"));
    assert_eq!(m.help_uri(), None);
    // Loading the same policy again gives the same catalog entry.
    let again = parse(source(&f.source.text)).unwrap();
    assert!(std::ptr::eq(again.rules_meta[0].0, *m));
    // Without comments: a warning named after the rule.
    let f = parse(source("rule bare { services !empty }\n")).unwrap();
    assert_eq!(f.rules_meta[0].0.severity, Severity::Warning);
    assert_eq!(f.rules_meta[0].0.summary, "policy rule bare");
}

#[test]
fn every_shipped_pack_parses() {
    for (name, _) in BUILTIN {
        let p = Policies::load(&[PolicyRef::Builtin(name.to_string())]).unwrap();
        assert!(!p.rules().is_empty(), "{name}");
        for (m, _) in &p.files[0].rules_meta {
            assert_ne!(
                m.summary,
                format!("policy rule {}", m.id),
                "{name}: {} has no comment",
                m.id
            );
        }
    }
}

#[test]
fn a_policy_is_per_service_only_when_every_rule_is_about_one_service() {
    let per_service = |text: &str| parse(source(text)).unwrap().per_service;
    for (name, _) in BUILTIN {
        let p = Policies::load(&[PolicyRef::Builtin(name.to_string())]).unwrap();
        assert!(p.files[0].per_service, "{name}");
    }
    assert!(per_service(
        "rule a { services[*] { x == 1 } }\nrule b { services[*] { when y exists { y == 2 } } }\n"
    ));
    // Counting, `some`, an index, a file-level variable, a rule condition
    // or a rule reference sees more than one service.
    for whole in [
        "let n = count(services[*])\nrule a { %n <= 3 }\n",
        "rule a { some services[*].x == 1 }\n",
        "rule a { services[0].x == 1 }\n",
        "rule a { version == 1 }\n",
        "let s = services[*]\nrule a { %s { x == 1 } }\n",
        "rule a when version == 1 { services[*] { x == 1 } }\n",
        "rule a { services[*] { x == 1 } }\nrule b { a\n services[*] { x == 2 } }\n",
        "rule a { services[*] { x == 1 } }\nrule b when a { services[*] { x == 2 } }\n",
        "rule a { services[*] { x == 1 } }\nrule b { services[*] { when a { x == 2 } } }\n",
    ] {
        assert!(!per_service(whole), "{whole}");
    }
}
