//! `[[service]]` facts applied to linked chains: a declared server kind
//! replaces an unknown server or a different one, declared timeouts
//! replace the server's, and a declared load balancer stands in for one
//! the scan does not contain.

use super::{Config, Errors, ServiceFacts};
use crate::linker::Chain;
use crate::model::{Setting, Unresolved};
use crate::servers::{self, KeepAlive, ServerProfile};
use std::path::Path;

/// Apply every `[[service]]` entry to the chains it matches, in file order
/// (a later entry's value wins). `covered`: the scan covers the whole tree
/// the file configures, so an entry matching no service is an error (in a
/// scan of a sub-path it may be about a service outside the scan).
pub fn apply_declared<'m>(
    config: &'m Config,
    chains: &mut [Chain<'m>],
    covered: bool,
) -> Result<(), String> {
    let errors = Errors { file: &config.file };
    let mut matched = vec![false; config.services.len()];
    for chain in chains.iter_mut() {
        for (i, facts) in config.services.iter().enumerate() {
            if !matches(config, facts, chain) {
                continue;
            }
            matched[i] = true;
            apply(config, facts, chain).map_err(|m| errors.at(facts.at.span.clone(), m))?;
        }
    }
    for (i, facts) in config.services.iter().enumerate() {
        if matched[i] {
            continue;
        }
        let scope_in_scan = facts.scope.as_ref().is_some_and(|s| {
            chains
                .iter()
                .any(|c| relative_scope(config, &c.service.id.scope).is_some_and(|r| s.is_match(r)))
        });
        if covered || scope_in_scan {
            let mut found: Vec<&str> = chains
                .iter()
                .map(|c| c.service.id.address.as_str())
                .collect();
            found.sort();
            found.dedup();
            let hint = super::closest(facts.pattern.get_ref(), &found)
                .map(|c| format!("did you mean \"{c}\"? "))
                .unwrap_or_default();
            let found = match found.len() {
                0 => "the scan found no load-balanced ECS service".to_string(),
                n if n <= 6 => format!("services in the scan: {}", found.join(", ")),
                n => format!(
                    "services in the scan: {}, … ({n} in all)",
                    found[..6].join(", ")
                ),
            };
            return Err(errors.at(
                facts.pattern_at.span.clone(),
                format!(
                    "[[service]] match = \"{}\"{} matches no service; {hint}{found}",
                    facts.pattern.get_ref(),
                    if facts.scope.is_some() {
                        " with its scope"
                    } else {
                        ""
                    }
                ),
            ));
        }
    }
    Ok(())
}

fn matches(config: &Config, facts: &ServiceFacts, chain: &Chain<'_>) -> bool {
    if !address_matches(facts.pattern.get_ref().trim(), &chain.service.id.address) {
        return false;
    }
    match &facts.scope {
        None => true,
        Some(glob) => {
            relative_scope(config, &chain.service.id.scope).is_some_and(|r| glob.is_match(r))
        }
    }
}

/// A chain's scope (a root directory or template, as displayed) relative
/// to the configuration file's directory, when under it.
fn relative_scope(config: &Config, scope: &str) -> Option<std::path::PathBuf> {
    let p = Path::new(scope);
    let canonical = p.canonicalize().ok()?;
    let rel = canonical.strip_prefix(&config.dir).ok()?;
    Some(if rel.as_os_str().is_empty() {
        Path::new(".").to_path_buf()
    } else {
        rel.to_path_buf()
    })
}

/// `*` matches any run of characters, `?` any one; everything else,
/// brackets and dots included, is literal (`aws_ecs_service.web[0]`).
pub(crate) fn address_matches(pattern: &str, address: &str) -> bool {
    let (p, a): (Vec<char>, Vec<char>) = (pattern.chars().collect(), address.chars().collect());
    // Iterative wildcard matching with backtracking to the last `*`.
    let (mut pi, mut ai) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ai < a.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == a[ai]) {
            pi += 1;
            ai += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ai));
            pi += 1;
        } else if let Some((sp, sa)) = star {
            pi = sp + 1;
            ai = sa + 1;
            star = Some((sp, sa + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

fn apply<'m>(
    config: &'m Config,
    facts: &ServiceFacts,
    chain: &mut Chain<'m>,
) -> Result<(), String> {
    let service = chain.service.id.address.clone();
    if let Some(i) = facts.load_balancer {
        match &chain.load_balancer {
            Err(_) => chain.load_balancer = Ok(&config.load_balancers[i]),
            // Declared earlier in this file: a later entry replaces it.
            Ok(lb) if *lb.id.scope == *config.file.display => {
                chain.load_balancer = Ok(&config.load_balancers[i])
            }
            Ok(lb) => {
                return Err(format!(
                    "idle-timeout and load-balancer-type are for a load balancer the scan does not contain, but the load balancer of {service} is {} ({}): set its idle timeout there",
                    lb.id.address, lb.at
                ));
            }
        }
    }
    let declares_server_settings = facts.keep_alive.is_some()
        || facts.graceful_timeout.is_some()
        || facts.request_timeout.is_some();
    if facts.server.is_none() && !declares_server_settings {
        return Ok(());
    }
    let container = chain.container.as_ref().ok().copied();
    let mut profile: ServerProfile = match (&facts.server, &chain.server) {
        // The same kind as recognised: keep what the IaC shows, override
        // what is declared.
        (Some((name, _)), Ok(p)) if servers::family_of(name).unwrap_or(name) == p.server => {
            p.clone()
        }
        (Some((name, at)), _) => servers::declared(name, container, at),
        (None, Ok(p)) => p.clone(),
        (None, Err(u)) => {
            return Err(format!(
                "the server of {service} could not be identified ({}), so its timeouts cannot be declared alone: add server = \"NAME\" to this entry",
                short(u)
            ));
        }
    };
    if let Some((v, at)) = &facts.keep_alive {
        profile.keep_alive = KeepAlive::Timeout(Setting::declared(*v, at.clone()));
    }
    if let Some((v, at)) = &facts.graceful_timeout {
        profile.graceful_timeout = Some(Setting::declared(*v, at.clone()));
    }
    if let Some((v, at)) = &facts.request_timeout {
        profile.request_timeout = Some(Setting::declared(*v, at.clone()));
    }
    chain.server = Ok(profile);
    Ok(())
}

/// The first clause of an explanation, for a message that quotes it.
fn short(u: &Unresolved) -> String {
    let r = u.reason.split(';').next().unwrap_or(&u.reason);
    r.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::address_matches;

    #[test]
    fn address_patterns_have_two_wildcards_and_literal_brackets() {
        assert!(address_matches(
            "aws_ecs_service.api",
            "aws_ecs_service.api"
        ));
        assert!(!address_matches(
            "aws_ecs_service.api",
            "aws_ecs_service.api2"
        ));
        assert!(address_matches(
            "module.api.aws_ecs_service.*",
            "module.api.aws_ecs_service.this"
        ));
        assert!(address_matches("*", "Service"));
        assert!(address_matches(
            "aws_ecs_service.app[0]",
            "aws_ecs_service.app[0]"
        ));
        assert!(!address_matches(
            "aws_ecs_service.app[0]",
            "aws_ecs_service.app0"
        ));
        assert!(address_matches(
            "module.svc[\"*\"].*",
            "module.svc[\"search\"].aws_ecs_service.this[0]"
        ));
        assert!(address_matches("a?c", "abc"));
        assert!(!address_matches("a?c", "ac"));
        assert!(address_matches("*.web*", "module.x.aws_ecs_service.web[1]"));
        assert!(!address_matches("", "x"));
    }
}

#[cfg(test)]
mod kind_tests {
    use crate::servers::{self, KeepAlive};
    use crate::source::{Location, SourceFile};

    /// Every kind a configuration may name is identified as that kind, with
    /// its defaults applying at the declaration.
    #[test]
    fn every_declarable_kind_gets_its_own_knowledge() {
        let file = SourceFile::new("keepalign.toml".into(), "server = \"x\"\n".into());
        let at = Location::new(&file, 9..12);
        for kind in servers::declarable_kinds() {
            let p = servers::declared(kind, None, &at);
            assert_eq!(Some(p.server), servers::family_of(kind), "{kind}");
            assert!(
                p.description.ends_with("(declared in keepalign.toml:1)"),
                "{kind}: {}",
                p.description
            );
            if let KeepAlive::Timeout(s) = &p.keep_alive {
                assert_eq!(s.location(), Some(&at), "{kind}");
            }
        }
        let p = servers::declared("lighttpd", None, &at);
        assert_eq!(p.server, "lighttpd");
        assert_eq!(
            p.keep_alive_fix_text(65.0),
            "the keep-alive timeout of lighttpd to 65 s"
        );
        assert!(matches!(
            p.keep_alive,
            KeepAlive::Timeout(crate::model::Setting::Unresolved(_))
        ));
        assert!(p.graceful_timeout.is_none() && p.request_timeout.is_none());
    }
}
