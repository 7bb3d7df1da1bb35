use super::*;

fn parse_text(text: &str) -> Result<Config, String> {
    let file = SourceFile::new(PathBuf::from("keepalign.toml"), text.to_string());
    parse(file, std::env::current_dir().unwrap())
}

fn error(text: &str) -> String {
    match parse_text(text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e,
    }
}

#[test]
fn a_misspelt_key_names_file_line_and_the_key_meant() {
    assert_eq!(
        error("select = [\"KA101\"]\n\nfail_on = \"error\"\n"),
        "keepalign.toml:3: unknown key \"fail_on\"; did you mean \"fail-on\"?"
    );
    assert_eq!(
        error("[[service]]\nmatch = \"x\"\nkeepalive = 5\n"),
        "keepalign.toml:3: unknown key \"keepalive\"; did you mean \"keep-alive\"?"
    );
    let e = error("[[service]]\nmatch = \"x\"\nbanana = 5\n");
    assert!(
        e.starts_with(
            "keepalign.toml:3: unknown key \"banana\"; keys here are match, scope, server"
        ),
        "{e}"
    );
}

#[test]
fn bad_values_are_errors_at_their_line() {
    let e = error("[[service]]\nmatch = \"x\"\nkeep-alive = \"75\"\n");
    assert_eq!(
        e,
        "keepalign.toml:3: expected a number of seconds, found string \"75\""
    );
    let e = error("[[service]]\nmatch = \"x\"\n\ngraceful-timeout = -5\n");
    assert_eq!(
        e,
        "keepalign.toml:4: graceful-timeout is -5; expected a number of seconds, 0 or more"
    );
    let e = error("[[service]]\nmatch = \"x\"\nrequest-timeout = nan\n");
    assert!(
        e.starts_with("keepalign.toml:3: request-timeout is NaN"),
        "{e}"
    );
    let e = error("fail-on = \"warnings\"\n");
    assert!(
        e.starts_with("keepalign.toml:1: fail-on is \"warnings\"; expected"),
        "{e}"
    );
    let e = error("severity = { DR203 = \"info\" }\n");
    assert!(
        e.starts_with("keepalign.toml:1: severity of DR203 is \"info\""),
        "{e}"
    );
    let e = error("[[service]]\nmatch = \"x\"\nidle-timeout = 60\n");
    assert!(
        e.starts_with("keepalign.toml:3: idle-timeout needs load-balancer-type"),
        "{e}"
    );
    let e = error(
        "[[service]]\nmatch = \"x\"\nidle-timeout = 0\nload-balancer-type = \"application\"\n",
    );
    assert!(e.contains("1 to 4000 seconds"), "{e}");
    let e = error("[[service]]\nmatch = \"x\"\nload-balancer-type = \"gateway\"\n");
    assert!(
        e.starts_with("keepalign.toml:3: load-balancer-type is \"gateway\""),
        "{e}"
    );
    let e = error("[[service]]\nmatch = \"x\"\n");
    assert!(
        e.starts_with("keepalign.toml:1: this [[service]] declares nothing"),
        "{e}"
    );
    let e = error("[[service]]\nkeep-alive = 5\n");
    assert_eq!(e, "keepalign.toml:1: missing key \"match\"");
    let e = error("exclude = [\"a/[b\"]\n");
    assert!(
        e.starts_with("keepalign.toml:1: exclude: \"a/[b\" is not a valid glob"),
        "{e}"
    );
    let e = error("exclude = \"legacy\"\n");
    assert!(e.starts_with("keepalign.toml:1: expected a list"), "{e}");
    let e = error("fail-on = \n");
    assert!(e.starts_with("keepalign.toml:1: "), "{e}");
}

#[test]
fn unknown_rules_are_errors_wherever_they_are_named() {
    // A name that is no built-in rule may be a policy's: it is an error
    // once the policies are known and none defines it.
    let error = |text: &str| {
        let c = parse_text(text).unwrap();
        rule_settings(Some(&c), &[], &[], &[]).unwrap_err()
    };
    let e = error("\nselect = [\"KA101\", \"KA102\"]\n");
    assert!(
        e.starts_with("keepalign.toml:2: select: unknown rule \"KA102\"; rules are KA101"),
        "{e}"
    );
    let e = error("ignore = [\"nope\"]\n");
    assert!(
        e.starts_with("keepalign.toml:1: ignore: unknown rule \"nope\""),
        "{e}"
    );
    let e = error("[severity]\nXX999 = \"note\"\n");
    assert!(
        e.starts_with("keepalign.toml:2: severity: unknown rule \"XX999\""),
        "{e}"
    );
}

#[test]
fn root_paths_must_exist_and_fit_their_kind() {
    let e = error("[[root]]\npath = \"no/such/dir\"\n");
    assert!(
        e.starts_with("keepalign.toml:2: [[root]] path \"no/such/dir\" does not exist"),
        "{e}"
    );
    let e = error("[[root]]\npath = \"testdata\"\nparameters = { Env = \"prod\" }\n");
    assert!(e.contains("is a directory (a Terraform root)"), "{e}");
    let e = error("[[root]]\npath = \"Cargo.toml\"\nvars = { a = 1 }\n");
    assert!(e.contains("is a file (a CloudFormation template)"), "{e}");
    let e = error("[[root]]\npath = \"testdata\"\nvar-files = [\"nope.tfvars\"]\n");
    assert!(
        e.starts_with("keepalign.toml:3: var-files: \"nope.tfvars\" is not a file"),
        "{e}"
    );
}

#[test]
fn values_keep_where_they_are_written() {
    let c = parse_text(
        "fail-on = \"never\"\n[[service]]\nmatch = \"aws_ecs_service.*\"\nserver = \"Node\"\nkeep-alive = 75\nidle-timeout = 60.5\nload-balancer-type = \"classic\"\n",
    )
    .unwrap();
    assert_eq!(c.fail_on, Some(Threshold::Never));
    let s = &c.services[0];
    let (name, at) = s.server.as_ref().unwrap();
    assert_eq!(*name, "node");
    assert_eq!(at.start(), (4, 10));
    let (ka, at) = s.keep_alive.as_ref().unwrap();
    assert_eq!((*ka, at.snippet()), (75.0, "75"));
    let lb = &c.load_balancers[s.load_balancer.unwrap()];
    assert_eq!(lb.idle_timeout.value(), Some(&60.5));
    assert_eq!(lb.idle_timeout.location().unwrap().start(), (6, 16));
    assert_eq!(lb.kind.value(), Some(&LbKind::Classic));
    // A Classic ELB's draining is not declared: unknown, not off.
    assert!(matches!(
        lb.connection_draining,
        Some(Setting::Unresolved(_))
    ));
}

#[test]
fn root_values_point_into_the_file() {
    let c = parse_text(
        "[[root]]\npath = \"testdata\"\nvars = { idle_timeout = 120, name = \"web\", subnets = [\"a\", \"b\"] }\n",
    )
    .unwrap();
    let vars = &c.roots[0].terraform.config_vars;
    let shown: Vec<(&str, &str, &str)> = vars
        .iter()
        .map(|(k, v, at)| (k.as_str(), v.as_str(), at.snippet()))
        .collect();
    assert_eq!(
        shown,
        [
            ("idle_timeout", "120", "120"),
            ("name", "web", "\"web\""),
            ("subnets", "[\"a\", \"b\"]", "[\"a\", \"b\"]")
        ]
    );
}

fn ids(settings: &RuleSettings) -> Vec<&'static str> {
    rules::CATALOG
        .iter()
        .map(|r| r.id)
        .filter(|id| !settings.disabled.contains(id))
        .collect()
}

#[test]
fn select_and_ignore_from_file_and_flags() {
    let c = parse_text("select = [\"KA101\", \"DR201\", \"stop-timeout-below-graceful-timeout\"]\nignore = [\"DR201\"]\nseverity = { KA101 = \"warning\" }\n").unwrap();
    let s = rule_settings(Some(&c), &[], &[], &[]).unwrap();
    assert_eq!(ids(&s), ["KA101", "DR203"]);
    assert_eq!(s.severity.get("KA101"), Some(&Severity::Warning));
    // --select replaces the file's select, and wins over its ignore.
    let s = rule_settings(Some(&c), &["DR201,HC401".into()], &[], &[]).unwrap();
    assert_eq!(ids(&s), ["DR201", "HC401"]);
    // --ignore adds to the file's.
    let s = rule_settings(Some(&c), &[], &["ka101".into()], &[]).unwrap();
    assert_eq!(ids(&s), ["DR203"]);
    // No configuration: everything runs.
    let s = rule_settings(None, &[], &[], &[]).unwrap();
    assert!(s.disabled.is_empty());
    let e = rule_settings(None, &["KA1O1".into()], &[], &[]).unwrap_err();
    assert!(e.starts_with("--select: unknown rule \"KA1O1\""), "{e}");
}

#[test]
fn globs_do_not_cross_directories_unless_told() {
    let g = path_glob("legacy/*.tf").unwrap().compile_matcher();
    assert!(g.is_match("legacy/main.tf"));
    assert!(!g.is_match("legacy/sub/main.tf"));
    let g = path_glob("**/generated").unwrap().compile_matcher();
    assert!(g.is_match("generated"));
    assert!(g.is_match("a/b/generated"));
    let g = path_glob("./envs/old/").unwrap().compile_matcher();
    assert!(g.is_match("envs/old"));
    assert!(path_glob("/abs/path").is_err());
}

#[test]
fn nothing_found_outside_a_repository_above_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(repo.join("a/b")).unwrap();
    // Above the repository root: never read.
    std::fs::write(dir.path().join("keepalign.toml"), "").unwrap();
    assert_eq!(
        find(None, None, false, &repo.join("a/b")).unwrap(),
        Found::None
    );
    std::fs::write(repo.join("a/.keepalign.toml"), "").unwrap();
    let found = find(None, None, false, &repo.join("a/b")).unwrap();
    assert!(
        found.path().unwrap().ends_with("a/.keepalign.toml"),
        "{found:?}"
    );
    std::fs::write(repo.join("a/b/keepalign.toml"), "").unwrap();
    let found = find(None, None, false, &repo.join("a/b")).unwrap();
    assert!(
        found.path().unwrap().ends_with("a/b/keepalign.toml"),
        "{found:?}"
    );
    // Both names in one directory: ambiguous.
    std::fs::write(repo.join("a/b/.keepalign.toml"), "").unwrap();
    assert!(
        find(None, None, false, &repo.join("a/b"))
            .unwrap_err()
            .contains("has both")
    );
    // --isolated finds nothing; --config and the variable must name files.
    assert_eq!(
        find(None, None, true, &repo.join("a/b")).unwrap(),
        Found::None
    );
    assert!(find(Some(&repo.join("nope.toml")), None, false, &repo).is_err());
    let env = repo.join("a/.keepalign.toml");
    assert_eq!(
        find(None, Some(env.as_os_str()), false, &repo).unwrap(),
        Found::Env(env.clone())
    );
}

#[test]
fn odd_files_never_panic() {
    for text in [
        "",
        "\u{0}",
        "[[service]]\n[[service]]\n",
        "[root]\npath = 1\n",
        "severity = { \"\" = \"\" }\n",
        "select = [[\"KA101\"]]\n",
        "[[service]]\nmatch = \"\"\nkeep-alive = 1e400\n",
        "[[service]]\nmatch = \"x\"\nserver = \"a b\"\n",
        "exclude = [\"\"]\n",
        "[[root]]\npath = \"\"\nvars = { x = 1979-05-27 }\n",
    ] {
        let _ = parse_text(text);
    }
}

#[test]
fn table_mistakes_say_how_tables_are_written() {
    let e = error("[service]\nmatch = \"x\"\nkeep-alive = 5\n");
    assert!(e.contains("with double brackets"), "{e}");
    let e = error("severity = \"note\"\n");
    assert_eq!(
        e,
        "keepalign.toml:1: expected a table, found string \"note\""
    );
    // "did you mean" offers only keys of the table the mistake is in.
    let e = error("mach = \"x\"\n");
    assert!(
        e.starts_with("keepalign.toml:1: unknown key \"mach\"; keys here are fail-on"),
        "{e}"
    );
}

/// A valid file, cut and spliced at random: parsing never panics.
#[test]
fn mangled_files_never_panic() {
    let valid = "fail-on = \"error\"\nselect = [\"KA101\", \"DR201\"]\nignore = [\"RQ301\"]\n\
        exclude = [\"legacy\", \"**/gen\"]\n[severity]\nDR203 = \"note\"\n\
        [[root]]\npath = \"testdata\"\nvars = { a = 1, b = [\"x\"], c = { d = true } }\n\
        [[service]]\nmatch = \"aws_ecs_service.*\"\nscope = \"envs/*\"\nserver = \"node\"\n\
        keep-alive = 75\ngraceful-timeout = 30.5\nrequest-timeout = 60\nidle-timeout = 60\n\
        load-balancer-type = \"application\"\n";
    assert!(parse_text(valid).is_ok(), "{:?}", parse_text(valid).err());
    let pieces = [
        "[", "]", "\"", "=", "\n", "-", "é", "{", "}", ",", "[[", "0", "'''", "#",
    ];
    let mut random = crate::testing::Random::new(0x9e37_79b9_7f4a_7c15);
    let mut next = move |n: usize| random.below(n);
    for _ in 0..2000 {
        let mut text = valid.to_string();
        for _ in 0..1 + next(4) {
            let mut at = next(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            if next(2) == 0 {
                let mut end = (at + next(8)).min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.replace_range(at..end, "");
            } else {
                text.insert_str(at, pieces[next(pieces.len())]);
            }
        }
        if let Err(e) = parse_text(&text) {
            assert!(e.starts_with("keepalign.toml:"), "no line: {e}\n{text}");
        }
    }
}
