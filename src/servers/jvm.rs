//! Java system properties (`-Dname=value`) as a JVM receives them: from
//! its command line and from variables that carry JVM options. When a
//! property is set twice, the later setting wins, so every list here is in
//! ascending precedence and is read from its end.

use super::Invocation;
use crate::model::Word;

/// `-Dname=value` as (name, value), the value located at `at`.
pub(super) fn property(text: &str, at: &Word) -> Option<(String, Word)> {
    let (name, value) = text.strip_prefix("-D")?.split_once('=')?;
    Some((name.to_string(), Word::new(value, at.at.clone())))
}

/// The properties set in the option variables `variables`, given lowest
/// precedence first (`JAVA_TOOL_OPTIONS` is read before the command line,
/// `JDK_JAVA_OPTIONS` is put in front of it, `run-java.sh` puts
/// `JAVA_OPTS` and then `JAVA_OPTS_APPEND` on it).
pub(super) fn from_variables(ctx: &Invocation, variables: &[&str]) -> Vec<(String, Word)> {
    let mut out = Vec::new();
    for var in variables {
        if let Some(Ok(w)) = ctx.env(var) {
            out.extend(
                w.text
                    .split_whitespace()
                    .filter_map(|part| property(part, &w)),
            );
        }
    }
    out
}
