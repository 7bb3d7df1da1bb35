//! In-source suppressions: the record loaders build from a Terraform comment
//! (`# keepalign:ignore KA101 -- reason`), a `.tf.json` `"//"` key or
//! CloudFormation `Metadata.keepalign.ignore`; which of them silence a
//! finding; and the bookkeeping notes (SU001–SU005) about the suppressions
//! themselves.
//!
//! Loaders only parse: whether a rule ID exists, whether `until` has passed
//! and whether a suppression was needed are decided here, once per scan.

use crate::finding::{Finding, RuleMeta, Suppression, SuppressionKind};
use crate::linker::{Chain, Route};
use crate::rules::{self, su001, su002, su003, su004, su005};
use crate::source::Location;
use std::collections::BTreeSet;
use std::fmt;

/// The environment variable that sets "today" for `until=` dates, so tests
/// and reproducible CI runs do not depend on the clock: `YYYY-MM-DD`.
pub const TODAY_VAR: &str = "KEEPALIGN_TODAY";

/// A calendar date (proleptic Gregorian), for `until=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Date {
    /// Strict `YYYY-MM-DD`, with a real month and day.
    pub fn parse(s: &str) -> Result<Date, String> {
        let bad = || format!("\"{s}\" is not a date written YYYY-MM-DD");
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| {
            s.get(r)
                .filter(|p| p.bytes().all(|c| c.is_ascii_digit()))
                .and_then(|p| p.parse::<u32>().ok())
        };
        let (Some(year), Some(month), Some(day)) = (num(0..4), num(5..7), num(8..10)) else {
            return Err(bad());
        };
        let year = year as i32;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(format!("{s} is not a day of the calendar"));
        }
        Ok(Date { year, month, day })
    }

    /// The date `days` days after 1970-01-01 (Howard Hinnant's
    /// `civil_from_days`), so "today" needs no date library.
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Today's UTC date from the system clock.
pub fn clock_today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    Date::from_days(secs.div_euclid(86_400))
}

/// Today for `until=`: `KEEPALIGN_TODAY` when set, else the UTC date.
pub fn today() -> Result<Date, String> {
    match std::env::var(TODAY_VAR) {
        Ok(v) if !v.trim().is_empty() => {
            Date::parse(v.trim()).map_err(|e| format!("{TODAY_VAR}: {e}"))
        }
        _ => Ok(clock_today()),
    }
}

/// One suppression as written: which rules, why, until when, and where.
#[derive(Clone, Debug)]
pub struct Ignore {
    /// Rule IDs (or names) as written; empty for `all`.
    pub rules: Vec<String>,
    pub all: bool,
    pub reason: Option<String>,
    pub until: Option<Date>,
    /// The comment, `"//"` value or `Metadata` item.
    pub at: Location,
    /// `keepalign:ignore-file`: every resource of the file, and findings
    /// located in it.
    pub file_wide: bool,
    /// Why keepalign could not understand it (SU005); such a suppression
    /// silences nothing rather than something the user did not mean.
    pub problem: Option<String>,
}

impl Ignore {
    pub fn expired(&self, today: Date) -> bool {
        self.until.is_some_and(|u| u < today)
    }

    /// Whether it silences rule `id` today. `id` may also be a phrase
    /// ("the keep-alive and draining rules"), which no suppression names.
    pub fn silences(&self, id: &str, today: Date) -> bool {
        self.problem.is_none()
            && !self.expired(today)
            && (self.all
                || self
                    .rules
                    .iter()
                    .any(|r| rules::find(r).is_some_and(|m| m.id == id && !is_bookkeeping(m))))
    }

    fn as_suppression(&self) -> Suppression {
        Suppression {
            kind: SuppressionKind::InSource,
            justification: self.reason.clone(),
            location: Some(self.at.clone()),
            baseline: false,
        }
    }
}

/// SU notes are about suppressions themselves: they are not silenced in
/// source (the configuration can turn them off).
fn is_bookkeeping(rule: &RuleMeta) -> bool {
    rule.id.starts_with("SU")
}

/// What a suppression is written on.
#[derive(Clone, Debug)]
pub enum Target {
    /// A resource: its address as written and whether keepalign models its type.
    Resource { address: String, modelled: bool },
    /// `ignore-file`: the whole file.
    File,
    /// Another block (`module "api"`, `variable "x"`, `data ...`), as written.
    Other(String),
    /// Neither inside nor directly above a block.
    Nothing,
}

/// A suppression and what it is on: every one found in a scan, once,
/// whether or not a resource carries it, so each is accounted for.
#[derive(Clone, Debug)]
pub struct Site {
    pub ignore: Ignore,
    pub on: Target,
}

/// Parse the text of a comment (without its markers) if it is a keepalign
/// directive: `keepalign:ignore[-file] ID[,ID|all] [until=YYYY-MM-DD] [-- reason]`.
pub fn parse_directive(text: &str, at: Location) -> Option<Ignore> {
    let text = text.trim();
    let rest = text
        .get(..10)
        .filter(|p| p.eq_ignore_ascii_case("keepalign:"))
        .map(|_| &text[10..])?;
    let mut ignore = Ignore {
        rules: Vec::new(),
        all: false,
        reason: None,
        until: None,
        at,
        file_wide: false,
        problem: None,
    };
    let word_end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
    let (word, rest) = rest.split_at(word_end);
    match word {
        "ignore" => {}
        "ignore-file" => ignore.file_wide = true,
        other => {
            ignore.problem = Some(format!(
                "\"keepalign:{other}\" is not a directive keepalign knows (keepalign:ignore or keepalign:ignore-file)"
            ));
            return Some(ignore);
        }
    }
    let (specs, reason) = match rest.split_once("--") {
        Some((s, r)) => (s, Some(r.trim())),
        None => (rest, None),
    };
    ignore.reason = reason.filter(|r| !r.is_empty()).map(str::to_string);
    for token in specs.split_whitespace() {
        if let Some(date) = token.strip_prefix("until=") {
            match Date::parse(date) {
                Ok(d) => ignore.until = Some(d),
                Err(e) => ignore.problem = Some(format!("until={date}: {e}")),
            }
        } else if token.contains('=') {
            ignore.problem = Some(format!(
                "\"{token}\" is not an option keepalign knows (only until=YYYY-MM-DD)"
            ));
        } else {
            for id in token.split(',').filter(|s| !s.is_empty()) {
                if id.eq_ignore_ascii_case("all") {
                    ignore.all = true;
                } else {
                    ignore.rules.push(id.to_string());
                }
            }
        }
    }
    if !ignore.all && ignore.rules.is_empty() && ignore.problem.is_none() {
        ignore.problem =
            Some("it names no rule: write the IDs it silences (KA101,DR201) or all".into());
    }
    Some(ignore)
}

/// Every suppression on a chain's resources, in a fixed order: service,
/// listener, listener rule, load balancer, target group, task definition.
pub fn on_chain<'a>(chain: &'a Chain<'_>) -> impl Iterator<Item = &'a Ignore> {
    let lists = [
        Some(&chain.service.ignore),
        chain.listener.map(|l| &l.ignore),
        chain.listener_rule.map(|r| &r.ignore),
        chain.load_balancer.as_ref().ok().map(|lb| &lb.ignore),
        chain
            .target_group
            .as_ref()
            .and_then(|t| t.as_ref().ok())
            .map(|t| &t.ignore),
        chain.task_definition.as_ref().ok().map(|t| &t.ignore),
    ];
    lists.into_iter().flatten().flatten()
}

/// Every suppression on a route's resources: listener, listener rule, load
/// balancer, target group, then the services behind it (a suppression a
/// service carries for DR201 still silences it, now that DR201 is reported
/// once per target group rather than per service).
pub fn on_route<'a>(route: &'a Route<'_>) -> impl Iterator<Item = &'a Ignore> {
    let lists = [
        route.listener.map(|l| &l.ignore),
        route.listener_rule.map(|r| &r.ignore),
        route.load_balancer.map(|lb| &lb.ignore),
        route.target_group.map(|t| &t.ignore),
    ];
    lists
        .into_iter()
        .flatten()
        .flatten()
        .chain(route.services.iter().flat_map(|s| s.ignore.iter()))
}

/// The in-source suppression that silences rule `id` on `route` today.
pub fn for_route(route: &Route<'_>, id: &str, today: Date) -> Option<Suppression> {
    among(on_route(route), id, today)
}

/// The first of `ignores` that silences rule `id` today.
pub fn among<'a>(
    ignores: impl IntoIterator<Item = &'a Ignore>,
    id: &str,
    today: Date,
) -> Option<Suppression> {
    ignores
        .into_iter()
        .find(|i| i.silences(id, today))
        .map(Ignore::as_suppression)
}

/// The in-source suppression that silences rule `id` on a CloudFront
/// origin today: written on the distribution or on its load balancer.
pub fn for_edge(edge: &crate::edge::Edge<'_>, id: &str, today: Date) -> Option<Suppression> {
    let lb = match &edge.load_balancer {
        Some(Ok(lb)) => lb.ignore.as_slice(),
        _ => &[],
    };
    among(edge.origin.ignore.iter().chain(lb), id, today)
}

/// The in-source suppression that silences rule `id` on `chain` today.
pub fn for_chain(chain: &Chain<'_>, id: &str, today: Date) -> Option<Suppression> {
    among(on_chain(chain), id, today)
}

/// `ignore-file` also silences findings located in its file (a keep-alive
/// written in `variables.tf`, an unknown value in `locals.tf`).
pub fn apply_file_wide(sites: &[Site], findings: &mut [Finding], today: Date) {
    for f in findings.iter_mut().filter(|f| !f.is_suppressed()) {
        let Some(loc) = &f.location else { continue };
        if let Some(site) = sites.iter().find(|s| {
            s.ignore.file_wide
                && s.ignore.at.file.display == loc.file.display
                && s.ignore.silences(f.rule.id, today)
        }) {
            f.suppression = Some(site.ignore.as_suppression());
        }
    }
}

/// The SU notes about a scan's suppressions, given its findings (suppressed
/// ones included). `disabled` names rules the configuration turned off:
/// suppressions of those are never "unused".
pub fn bookkeeping(
    sites: &[Site],
    chains: &[Chain<'_>],
    findings: &[Finding],
    today: Date,
    disabled: &BTreeSet<String>,
) -> Vec<Finding> {
    // A chain where something was unknown may not have run every rule to a
    // verdict: a suppression on it may be needed, keepalign cannot tell.
    let unsure: BTreeSet<(&str, &str)> = findings
        .iter()
        .filter(|f| matches!(f.rule.id, "UN001" | "UN002"))
        .filter_map(|f| Some((f.scope.as_deref()?, f.service.as_deref()?)))
        .collect();
    let inconclusive = |c: &Chain<'_>| {
        c.load_balancer.is_err()
            || c.server.is_err()
            || matches!(&c.target_group, Some(Err(_)))
            || unsure.contains(&(c.service.id.scope.as_ref(), c.service.id.address.as_str()))
    };
    let any_inconclusive = chains.iter().any(inconclusive);
    let mut out = Vec::new();
    for site in sites {
        let i = &site.ignore;
        let of = if i.all {
            "of all rules".to_string()
        } else {
            format!("of {}", i.rules.join(", "))
        };
        let note = |meta: &'static RuleMeta, message: String, label: &str| Finding {
            scope: Some(i.at.file.display.clone()),
            location: Some(i.at.clone()),
            label: label.to_string(),
            identity: vec![i.at.file.display.clone(), i.at.snippet().trim().to_string()],
            ..Finding::new(meta, message)
        };
        if let Some(problem) = &i.problem {
            out.push(note(
                &su005::META,
                format!("this suppression is not understood and silences nothing: {problem}"),
                "not understood",
            ));
            continue;
        }
        if i.reason.is_none() {
            out.push(note(
                &su001::META,
                format!("this suppression {of} gives no reason: say why the finding does not apply, so reviewers can judge it later"),
                "no reason",
            ));
        }
        let unknown: Vec<&str> = i
            .rules
            .iter()
            .filter(|r| rules::find(r).is_none_or(is_bookkeeping))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            let known: Vec<&str> = rules::CATALOG
                .iter()
                .filter(|r| !is_bookkeeping(r))
                .map(|r| r.id)
                .collect();
            out.push(note(
                &su003::META,
                format!(
                    "this suppression names {} that keepalign does not report, so {} nothing (rules are {}; SU notes are not suppressed in source)",
                    unknown.join(", "),
                    if unknown.len() == 1 { "it silences" } else { "they silence" },
                    known.join(", ")
                ),
                "unknown rule",
            ));
        }
        if let Some(until) = i.until.filter(|_| i.expired(today)) {
            out.push(note(
                &su002::META,
                format!(
                    "this suppression {of} expired on {until} and no longer applies: fix what it silenced, or give it a new until= date"
                ),
                "expired",
            ));
            continue;
        }
        // Unused: only when keepalign can tell.
        // Chains through a resource carrying it (`ignore-file` is carried
        // by every resource of its file).
        let covering: Vec<&Chain<'_>> = match &site.on {
            Target::Resource { modelled: true, .. } | Target::File => chains
                .iter()
                .filter(|c| on_chain(c).any(|x| x.at == i.at))
                .collect(),
            _ => Vec::new(),
        };
        let why_unused = match &site.on {
            Target::Resource {
                address,
                modelled: false,
            } => Some(format!(
                "it is on {address}, which is not a load balancer, listener, listener rule, target group, ECS service, task definition, CloudFront distribution or Elastic Beanstalk environment"
            )),
            Target::Other(what) => Some(format!(
                "it is on {what}: a suppression applies to the resource it is written in or directly above"
            )),
            Target::Nothing => Some(
                "it is neither inside nor directly above a resource (no blank line in between)"
                    .to_string(),
            ),
            // A resource in no chain (its service is elsewhere, or count is
            // 0): nothing ran through it, so keepalign cannot tell.
            Target::Resource { .. } if covering.is_empty() => None,
            Target::Resource { .. } if covering.iter().any(|c| inconclusive(c)) => None,
            Target::File if any_inconclusive => None,
            Target::Resource { .. } | Target::File => {
                // Used when it silenced a finding, or when a finding it
                // would silence is silenced by another suppression first (a
                // redundant one is not "a rule that found nothing").
                let used = |id: Option<&str>| {
                    findings.iter().any(|f| {
                        let Some(s) = f.suppression.as_ref().filter(|s| !s.baseline) else {
                            return false;
                        };
                        let here = s.location.as_ref() == Some(&i.at)
                            || covering.iter().any(|c| {
                                f.scope.as_deref() == Some(c.service.id.scope.as_ref())
                                    && f.service.as_deref() == Some(c.service.id.address.as_str())
                            })
                            || (i.file_wide
                                && f.location
                                    .as_ref()
                                    .is_some_and(|l| l.file.display == i.at.file.display));
                        here && id.is_none_or(|id| f.rule.id == id)
                    })
                };
                let idle: Vec<&str> = if i.all {
                    if used(None) { vec![] } else { vec!["all"] }
                } else {
                    i.rules
                        .iter()
                        .filter_map(|r| rules::find(r).filter(|m| !is_bookkeeping(m)))
                        .map(|m| m.id)
                        .filter(|id| !disabled.contains(*id) && !used(Some(id)))
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect()
                };
                let rules = if i.all {
                    "every rule ran".to_string()
                } else {
                    format!("{} ran", idle.join(", "))
                };
                let place = if matches!(site.on, Target::File) {
                    "on every chain and found nothing in this file"
                } else {
                    "on every chain through it and found nothing"
                };
                (!idle.is_empty()).then(|| format!("{rules} {place}"))
            }
        };
        if let Some(why) = why_unused {
            out.push(note(
                &su004::META,
                format!("this suppression {of} matches no finding: {why}; remove it"),
                "matches no finding",
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn at() -> Location {
        let f = SourceFile::new("x.tf".into(), "# c".into());
        Location::new(&f, 0..3)
    }

    #[test]
    fn civil_from_days_matches_known_dates() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(-1).to_string(), "1969-12-31");
        assert_eq!(Date::from_days(11_016).to_string(), "2000-02-29");
        assert_eq!(Date::from_days(20_791).to_string(), "2026-12-04");
        assert_eq!(Date::from_days(20_819).to_string(), "2027-01-01");
    }

    #[test]
    fn dates_are_strict() {
        assert_eq!(
            Date::parse("2027-01-31"),
            Ok(Date {
                year: 2027,
                month: 1,
                day: 31
            })
        );
        for bad in [
            "2027-1-31",
            "2027-02-29",
            "2027-13-01",
            "27-01-31",
            "2027/01/31",
            "２０２７-01-01",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
        assert!(Date::parse("2028-02-29").is_ok());
    }

    #[test]
    fn directives_parse_ids_until_and_reason() {
        let i = parse_directive(
            "keepalign:ignore KA101,DR201 until=2027-01-31 -- migrating -- slowly",
            at(),
        )
        .unwrap();
        assert_eq!(i.rules, ["KA101", "DR201"]);
        assert_eq!(i.until.unwrap().to_string(), "2027-01-31");
        assert_eq!(i.reason.as_deref(), Some("migrating -- slowly"));
        assert!(!i.file_wide && i.problem.is_none());

        let i = parse_directive("keepalign:ignore-file all", at()).unwrap();
        assert!(i.all && i.file_wide && i.reason.is_none());

        assert!(parse_directive("just a comment about keepalign:ignore", at()).is_none());
        for bad in [
            "keepalign:ignore",
            "keepalign:ignore -- why",
            "keepalign:ignore KA101 until=tomorrow -- x",
            "keepalign:ignore KA101 for=me -- x",
            "keepalign:disable KA101 -- x",
        ] {
            assert!(
                parse_directive(bad, at()).unwrap().problem.is_some(),
                "{bad}"
            );
        }
    }

    #[test]
    fn expired_suppressions_and_unknown_ids_silence_nothing() {
        let today = Date::parse("2026-12-04").unwrap();
        let i = parse_directive("keepalign:ignore KA101 until=2026-12-04 -- x", at()).unwrap();
        assert!(i.silences("KA101", today));
        assert!(!i.silences("DR201", today));
        let tomorrow = Date::parse("2026-12-05").unwrap();
        assert!(!i.silences("KA101", tomorrow));
        let by_name = parse_directive(
            "keepalign:ignore keepalive-not-above-idle-timeout -- x",
            at(),
        )
        .unwrap();
        assert!(by_name.silences("KA101", today));
        let su = parse_directive("keepalign:ignore SU001 -- x", at()).unwrap();
        assert!(!su.silences("SU001", today));
    }
}
