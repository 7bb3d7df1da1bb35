//! Dynamic references (`{{resolve:ssm:NAME}}`, `{{resolve:ssm-secure:…}}`,
//! `{{resolve:secretsmanager:…}}`) inside template strings. CloudFormation
//! replaces them when the stack is deployed, so the part they stand for is
//! unknown: never the literal text, which would read as a wrong value.

use crate::source::Location;
use crate::value::{Hole, Kind, Text, Val, slice_text};
use std::sync::Arc;

const OPEN: &str = "{{resolve:";
const CLOSE: &str = "}}";

/// `t` with each dynamic reference an unknown part; a string that is one
/// dynamic reference and nothing else is unknown as a whole.
pub fn unresolved(t: Text, at: Option<Location>) -> Val {
    if !t.s.contains(OPEN) {
        return Val::text(t, at);
    }
    let mut out = Text::default();
    let mut pos = 0;
    let mut whole = None;
    while let Some(rel) = t.s[pos..].find(OPEN) {
        let start = pos + rel;
        let Some(close) = t.s[start..].find(CLOSE) else {
            break;
        };
        let end = start + close + CLOSE.len();
        out.push_text(&slice_text(&t, pos..start));
        let written = t.locate(start..end).or(at.clone());
        let hole = Arc::new(Hole {
            word: false,
            reason: reason(&t.s[start..end], written.as_ref()),
            reference: None,
            error: false,
            at: written,
        });
        if start == 0 && end == t.s.len() {
            whole = Some(hole.clone());
        }
        out.push_hole(hole);
        pos = end;
    }
    if let Some(hole) = whole {
        return Val::new(Kind::Unknown(hole), at);
    }
    out.push_text(&slice_text(&t, pos..t.s.len()));
    Val::text(out, at)
}

/// Why a dynamic reference is unknown, and how to give keepalign its value.
fn reason(reference: &str, at: Option<&Location>) -> String {
    let inner = &reference[OPEN.len()..reference.len() - CLOSE.len()];
    let service = inner.split(':').next().unwrap_or("");
    let store = match service {
        "ssm" => "SSM Parameter Store",
        "ssm-secure" => "SSM Parameter Store (a SecureString)",
        "secretsmanager" => "Secrets Manager",
        _ => "a dynamic reference",
    };
    let shown = crate::model::Word::new(reference.to_string(), None).display();
    let place = at
        .map(|a| {
            let (line, _) = a.start();
            format!(" (written at {}:{line})", a.file.display)
        })
        .unwrap_or_default();
    format!(
        "{shown}{place} is read from {store} when the stack is deployed, which keepalign does not read: make it a template parameter and pass the value with --parameter NAME=VALUE, or declare the setting in keepalign.toml ([[service]])"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use std::path::PathBuf;

    fn literal(s: &str) -> Val {
        let file = SourceFile::new(PathBuf::from("t.yaml"), format!("X: '{s}'\n"));
        let at = Location::new(&file, 4..4 + s.len());
        let mut t = Text::default();
        t.push_literal(s, Some(at.clone()));
        unresolved(t, Some(at))
    }

    #[test]
    fn a_whole_string_reference_is_unknown_naming_the_store_and_place() {
        let v = literal("{{resolve:ssm:/app/idle}}");
        let hole = v.hole().expect("unknown");
        assert!(
            hole.reason.starts_with(
                "{{resolve:ssm:/app/idle}} (written at t.yaml:1) is read from SSM Parameter Store"
            ),
            "{}",
            hole.reason
        );
        assert!(hole.reason.contains("--parameter"), "{}", hole.reason);
        assert_eq!(
            hole.at.as_ref().unwrap().snippet(),
            "{{resolve:ssm:/app/idle}}"
        );
    }

    #[test]
    fn a_reference_inside_a_string_is_an_unknown_part() {
        let v =
            literal("gunicorn --keep-alive {{resolve:secretsmanager:app:SecretString:ka}} app:app");
        let Kind::Str(t) = &v.kind else {
            panic!("{v:?}")
        };
        assert!(t.s.starts_with("gunicorn --keep-alive "));
        assert!(t.s.ends_with(" app:app"));
        assert!(t.first_hole().unwrap().reason.contains("Secrets Manager"));
        // The literal after the reference still points at its source.
        let end = t.s.len();
        assert_eq!(t.locate(end - 3..end).unwrap().snippet(), "app");
    }

    #[test]
    fn plain_and_unclosed_strings_are_unchanged() {
        for s in ["65", "{{resolve:ssm:/open", "{{other}}"] {
            assert_eq!(literal(s).as_known_str(), Some(s));
        }
    }
}
