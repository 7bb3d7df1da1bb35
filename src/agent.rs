//! The ECS agent's settings in the user data of a launch template or
//! launch configuration, for every loader: `ECS_CONTAINER_STOP_TIMEOUT`
//! (what an unset `stopTimeout` falls back to on the EC2 launch type) and
//! `ECS_CLUSTER` (the cluster the instances join).
//!
//! The agent reads `/etc/ecs/ecs.config` as environment variables; user
//! data usually writes it with `echo KEY=VALUE >> /etc/ecs/ecs.config` or a
//! heredoc. keepalign looks for `KEY=VALUE` assignments anywhere in the
//! text (the last one wins, as in an environment file) and parses the
//! stop timeout as the agent does: Go's `time.ParseDuration`; unparsable or
//! zero means the 30 s default, a value under 1 s means 1 s.

use crate::convert::to_link;
use crate::json::HOLE;
use crate::model::*;
use crate::source::Location;
use crate::value::{Kind, Text, Val, slice_text};
use std::ops::Range;
use std::sync::Arc;

/// The ECS agent's default `ECS_CONTAINER_STOP_TIMEOUT`, in seconds.
pub const AGENT_DEFAULT_STOP_TIMEOUT: Seconds = 30.0;

/// User data larger than this is not searched (AWS allows 16 KiB before
/// base64; this leaves room for templates that render more).
const MAX_USER_DATA: usize = 1 << 20;

pub const STOP_TIMEOUT: &str = "ECS_CONTAINER_STOP_TIMEOUT";
pub const CLUSTER: &str = "ECS_CLUSTER";

/// User data as a loader found it.
pub enum UserData {
    /// Not set.
    Absent,
    /// The text the instance runs, source-mapped where it was written.
    Text(Arc<Text>),
    /// Base64 text whose source is lost (a value computed elsewhere):
    /// decoded here, located at the attribute.
    Base64(String),
    /// Not knowable (a variable, gzip, a value only known at apply time).
    Unknown(Unresolved),
}

impl UserData {
    /// From an evaluated value that is the text itself (`user_data` of a
    /// launch configuration, or the argument of `base64encode`).
    pub fn from_text_val(v: Option<Val>, what: &str, at: &Location) -> UserData {
        match v {
            None => UserData::Absent,
            Some(v) => match &v.kind {
                Kind::Null => UserData::Absent,
                Kind::Str(t) => UserData::Text(t.clone()),
                _ => UserData::Unknown(crate::convert::unresolved_reason(
                    &v,
                    what,
                    Some(at.clone()),
                )),
            },
        }
    }

    /// From an evaluated base64 value (`user_data` of a launch template,
    /// `user_data_base64`).
    pub fn from_base64_val(v: Option<Val>, what: &str, at: &Location) -> UserData {
        match v {
            None => UserData::Absent,
            Some(v) => match (&v.kind, v.as_known_str()) {
                (Kind::Null, _) => UserData::Absent,
                (_, Some(s)) => UserData::Base64(s.to_string()),
                _ => UserData::Unknown(crate::convert::unresolved_reason(
                    &v,
                    what,
                    Some(at.clone()),
                )),
            },
        }
    }
}

/// What a launch template's or launch configuration's user data says to
/// the ECS agent.
pub fn agent_config(
    id: ResourceId,
    kind: &'static str,
    name: Option<String>,
    user_data: UserData,
    user_data_at: Option<Location>,
    at: Location,
) -> AgentConfig {
    let ud_at = user_data_at.unwrap_or_else(|| at.clone());
    let what = format!("the user data of {}", id.address);
    let text = match user_data {
        UserData::Absent => None,
        UserData::Text(t) => Some(t),
        // Unknown parts never reach here as text (base64 of them is unknown).
        UserData::Base64(s) => match decode_base64(&s).filter(|t| !t.contains(HOLE)) {
            Some(t) => Some(Arc::new(Text::plain(t))),
            None => {
                return AgentConfig {
                    stop_timeout: Err(Unresolved::new(
                        format!(
                            "{what} is not base64 of text (gzip-compressed, or only a hash in a plan?), so keepalign cannot read ECS_CONTAINER_STOP_TIMEOUT from it"
                        ),
                        Some(ud_at.clone()),
                    )),
                    id,
                    kind,
                    name,
                    cluster: None,
                    user_data_at: ud_at,
                    tcp_established_timeout: None,
                    at,
                };
            }
        },
        UserData::Unknown(u) => {
            return AgentConfig {
                stop_timeout: Err(Unresolved::new(
                    format!("{what} is unknown ({})", u.reason),
                    u.at.or(Some(ud_at.clone())),
                )),
                id,
                kind,
                name,
                cluster: None,
                user_data_at: ud_at,
                tcp_established_timeout: None,
                at,
            };
        }
    };
    let (stop_timeout, cluster) = match &text {
        None => (Ok(None), None),
        Some(t) if t.s.len() > MAX_USER_DATA => (
            Err(Unresolved::new(
                format!(
                    "{what} is longer than {MAX_USER_DATA} bytes, more than keepalign searches"
                ),
                Some(ud_at.clone()),
            )),
            None,
        ),
        Some(t) => read_text(t, &what, &ud_at),
    };
    AgentConfig {
        id,
        kind,
        name,
        stop_timeout,
        cluster,
        user_data_at: ud_at,
        tcp_established_timeout: None,
        at,
    }
}

/// Add what cfn-init writes (`texts`: commands and the content of
/// `/etc/ecs/ecs.config`, in the order cfn-init runs them) to what the user
/// data says: cfn-init runs from the user data, so a setting it writes
/// comes later and wins. A text that is not a known string is skipped
/// unless it may set the stop timeout, when the value is unknown.
pub fn with_cfn_init(mut config: AgentConfig, texts: Vec<Val>) -> AgentConfig {
    let what = format!("the cfn-init metadata of {}", config.id.address);
    for v in texts {
        let text = match &v.kind {
            Kind::Str(t) if t.s.len() <= MAX_USER_DATA => t.clone(),
            // A command given as a list of words.
            Kind::List(items) => {
                let words: Vec<&str> = items.iter().filter_map(Val::as_known_str).collect();
                if words.len() != items.len() {
                    continue;
                }
                Arc::new(Text::plain(words.join(" ")))
            }
            _ => continue,
        };
        let at = v.at.clone().unwrap_or_else(|| config.user_data_at.clone());
        let (stop, cluster) = read_text(&text, &what, &at);
        match stop {
            Ok(None) => {}
            found => config.stop_timeout = found,
        }
        if cluster.is_some() {
            config.cluster = cluster;
        }
    }
    config
}

type Found = (Result<Option<Setting<Seconds>>, Unresolved>, Option<Link>);

fn read_text(t: &Arc<Text>, what: &str, ud_at: &Location) -> Found {
    let stop = last_assignment(&t.s, STOP_TIMEOUT);
    let cluster = last_assignment(&t.s, CLUSTER).map(|r| {
        let part = slice_text(t, r.clone());
        let at = t.locate(r).or(Some(ud_at.clone()));
        to_link(Some(Val::text(part, at.clone())), at, CLUSTER)
    });
    let stop_timeout = match stop {
        Some(r) => Ok(Some(stop_timeout_value(t, r, ud_at))),
        None => match risky_hole(t) {
            Some(h) => Err(Unresolved::new(
                format!(
                    "{what} has an unknown part that may set ECS_CONTAINER_STOP_TIMEOUT ({})",
                    h.reason
                ),
                h.at.clone().or(Some(ud_at.clone())),
            )),
            None => Ok(None),
        },
    };
    (stop_timeout, cluster)
}

fn stop_timeout_value(t: &Text, r: Range<usize>, ud_at: &Location) -> Setting<Seconds> {
    let raw = &t.s[r.clone()];
    let at = t.locate(r.clone()).unwrap_or_else(|| ud_at.clone());
    if let Some(h) = t.hole_in(r.clone()) {
        return Setting::unresolved(
            format!("{STOP_TIMEOUT}: {}", h.reason),
            h.at.clone().or(Some(at)),
        );
    }
    match go_duration(raw) {
        Some(d) if d >= 1.0 => Setting::explicit(d, at),
        Some(d) if d != 0.0 => Setting::default(
            1.0,
            format!("ECS agent minimum ({STOP_TIMEOUT}={raw} is below 1s)"),
            Some(at),
        ),
        Some(_) => Setting::default(
            AGENT_DEFAULT_STOP_TIMEOUT,
            format!("ECS agent default ({STOP_TIMEOUT}={raw} means the default)"),
            Some(at),
        ),
        None => Setting::default(
            AGENT_DEFAULT_STOP_TIMEOUT,
            format!(
                "ECS agent default ({STOP_TIMEOUT}={raw} is not a Go duration such as 30s or 2m, so the agent ignores it)"
            ),
            Some(at),
        ),
    }
}

/// The value range of the last `KEY=VALUE` assignment of `key` that is not
/// commented out.
fn last_assignment(s: &str, key: &str) -> Option<Range<usize>> {
    let pat = format!("{key}=");
    // From the end: the first assignment found is the last one written,
    // and each line is searched once.
    let mut line_end = s.len();
    for line in s.split_inclusive('\n').rev() {
        let line_start = line_end - line.len();
        line_end = line_start;
        if line.trim_start().starts_with('#') {
            continue;
        }
        let mut to = line.len();
        while let Some(at) = line[..to].rfind(&pat) {
            to = at;
            let before = line[..at].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let from = at + pat.len();
            let rest = &line[from..];
            let (start, len) = match rest.chars().next() {
                Some(q @ ('"' | '\'')) => (1, value_len(&rest[1..], |c| c == q)),
                _ => (
                    0,
                    value_len(rest, |c| c.is_whitespace() || "\"'`;|&<>()\\".contains(c)),
                ),
            };
            let s0 = line_start + from + start;
            return Some(s0..s0 + len);
        }
    }
    None
}

/// A value is read up to this many bytes: enough for any duration or
/// cluster name, and it keeps a line of many assignments linear.
const MAX_VALUE: usize = 1024;

/// The length of the value at the start of `rest`, up to the first
/// character that ends it (or `MAX_VALUE` bytes).
fn value_len(rest: &str, ends: impl Fn(char) -> bool) -> usize {
    rest.char_indices()
        .take_while(|(i, _)| *i < MAX_VALUE)
        .find(|(_, c)| ends(*c))
        .map(|(i, _)| i)
        .unwrap_or_else(|| {
            let mut end = rest.len().min(MAX_VALUE);
            while !rest.is_char_boundary(end) {
                end -= 1;
            }
            end
        })
}

/// The first unknown part of the text that could write an agent setting:
/// not a resource attribute (a name, ARN or ID) and not the value of
/// another `KEY=` assignment.
fn risky_hole(t: &Text) -> Option<&Arc<crate::value::Hole>> {
    let s = &t.s;
    let mut pos = 0;
    // What the current line holds before the next hole, kept up to date
    // as the text is walked once: an `=` with no whitespace after it.
    let mut scanned = 0;
    let mut in_value = false;
    while let Some(i) = s[pos..].find(HOLE) {
        let start = pos + i;
        for c in s[scanned..start].chars() {
            match c {
                '\n' => in_value = false,
                '=' => in_value = true,
                c if c.is_whitespace() => in_value = false,
                _ => {}
            }
        }
        scanned = start;
        let after = start + HOLE.len_utf8();
        let Some(j) = s[after..].find(HOLE) else {
            break;
        };
        let n: Option<usize> = s[after..after + j].parse().ok();
        pos = after + j + HOLE.len_utf8();
        let Some(h) = n.and_then(|n| t.holes.get(n)) else {
            continue;
        };
        if h.reference.is_none() && !h.word && !in_value {
            return Some(h);
        }
    }
    None
}

/// Go's `time.ParseDuration`, in seconds: `30s`, `2m`, `1m30s`, `1.5h`,
/// `500ms`, `0`. `None` when Go would refuse it.
pub fn go_duration(s: &str) -> Option<f64> {
    let (neg, mut rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0.0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..num_len];
        if num.is_empty() || num == "." || num.matches('.').count() > 1 || num.len() > 30 {
            return None;
        }
        let value: f64 = if let Some(whole) = num.strip_suffix('.') {
            whole.parse().ok()?
        } else if let Some(frac) = num.strip_prefix('.') {
            format!("0.{frac}").parse().ok()?
        } else {
            num.parse().ok()?
        };
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += value * scale;
    }
    // Go's durations are int64 nanoseconds: about 292 years.
    if total > 9.2e9 {
        return None;
    }
    Some(if neg { -total } else { total })
}

/// Standard base64 (with or without padding, whitespace ignored) as UTF-8
/// text.
fn decode_base64(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations_parse_as_the_agent_reads_them() {
        assert_eq!(go_duration("30s"), Some(30.0));
        assert_eq!(go_duration("2m"), Some(120.0));
        assert_eq!(go_duration("1m30s"), Some(90.0));
        assert_eq!(go_duration("1.5h"), Some(5400.0));
        assert_eq!(go_duration("500ms"), Some(0.5));
        assert_eq!(go_duration("0"), Some(0.0));
        assert_eq!(go_duration("-5s"), Some(-5.0));
        for bad in ["", "30", "s", "1x", "1.2.3s", "-", "9999999999999h", "."] {
            assert_eq!(go_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_last_uncommented_assignment_wins() {
        let s = "#!/bin/bash\n# echo ECS_CONTAINER_STOP_TIMEOUT=5m\necho ECS_CONTAINER_STOP_TIMEOUT=10s >> /etc/ecs/ecs.config\necho \"ECS_CONTAINER_STOP_TIMEOUT=2m\" >> /etc/ecs/ecs.config\nMY_ECS_CONTAINER_STOP_TIMEOUT=9s\n";
        let r = last_assignment(s, STOP_TIMEOUT).unwrap();
        assert_eq!(&s[r], "2m");
        let q = "ECS_CLUSTER='shop' \n";
        assert_eq!(&q[last_assignment(q, CLUSTER).unwrap()], "shop");
        assert_eq!(last_assignment("ECS_CLUSTER_X=1", CLUSTER), None);
    }

    fn text_with_holes(parts: &[Result<&str, bool>]) -> Text {
        let mut t = Text::default();
        for p in parts {
            match p {
                Ok(s) => t.push_str(s, None),
                Err(reference) => t.push_hole(Arc::new(crate::value::Hole {
                    word: false,
                    reason: "unknown".into(),
                    reference: reference.then(|| crate::value::RefTarget {
                        address: "aws_ecs_cluster.x".into(),
                        attribute: "name".into(),
                        scope: None,
                    }),
                    error: false,
                    at: None,
                })),
            }
        }
        t
    }

    #[test]
    fn only_unknown_parts_that_may_write_a_line_matter() {
        // A value of another setting, or a resource's name, cannot.
        let t = text_with_holes(&[Ok("ECS_CLUSTER="), Err(false), Ok("\necho "), Err(true)]);
        assert!(risky_hole(&t).is_none());
        // A whole unknown line can.
        let t = text_with_holes(&[Ok("ECS_CLUSTER=a\n"), Err(false), Ok("\n")]);
        assert!(risky_hole(&t).is_some());
        let t = text_with_holes(&[Ok("X= "), Err(false)]);
        assert!(risky_hole(&t).is_some());
    }

    #[test]
    fn a_line_of_many_assignments_is_read_in_linear_time() {
        let s = "ECS_CLUSTER=".repeat(200_000);
        let start = std::time::Instant::now();
        let r = last_assignment(&s, CLUSTER).unwrap();
        assert!(r.len() <= MAX_VALUE);
        assert!(start.elapsed().as_secs() < 5);
    }

    #[test]
    fn base64_decodes_to_text_or_nothing() {
        assert_eq!(
            decode_base64("SGVsbG8gV29ybGQ="),
            Some("Hello World".into())
        );
        assert_eq!(decode_base64("@@"), None);
        assert_eq!(decode_base64("//79"), None);
    }
}
