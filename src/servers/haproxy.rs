//! HAProxy (`haproxy`, or the official `haproxy` image, whose entry point
//! runs `haproxy` with the command's options and whose CMD is `haproxy -f
//! /usr/local/etc/haproxy/haproxy.cfg`; docker-library/haproxy
//! `3.0/Dockerfile` and its `docker-entrypoint.sh`).
//!
//! The time HAProxy waits for the next request on an idle client
//! connection is `timeout http-keep-alive`; when it is not set, `timeout
//! http-request` applies, and when neither is, `timeout client` (HAProxy
//! configuration manual, `timeout http-keep-alive`: "If this parameter is
//! not set, the "http-request" timeout applies, and if both are not set,
//! "timeout client" still applies"; haproxy/haproxy `src/mux_h1.c`,
//! `h1_set_idle_expiration`, and issue 2334, which fixed a case where
//! `timeout client` cut a longer keep-alive short). A timeout of 0 is the
//! same as none: `proxy_parse_timeout` (`src/proxy.c`) stores it as the
//! tick "eternity", which `tick_isset` reads as unset, so the next one in
//! that order applies. With none of the three, HAProxy never closes an
//! idle client connection: keepalign has no number to compare then, as for
//! Spring Boot's `-1`, and says so. `option httpclose` makes HAProxy close
//! the client connection after each response.
//!
//! The values are only in `haproxy.cfg`, so they are read from the image
//! when a Dockerfile in the scan builds it: every `-f FILE` in order (a
//! directory's `*.cfg` files in name order), or the official image's
//! `/usr/local/etc/haproxy/haproxy.cfg`. Each `defaults` section applies to
//! the `frontend` and `listen` sections after it, up to the next `defaults`
//! (which starts afresh); `from NAME` picks a named one; a proxy's own
//! `timeout` lines override the defaults one by one. Times are integers
//! with a unit (`us`, `ms`, `s`, `m`, `h`, `d`), milliseconds without one.
//! The frontends read are those binding the container port the load
//! balancer sends to (loopback, UNIX-socket and QUIC binds are not
//! reachable from it); when the port is not known and they disagree, the
//! value is unknown.
//!
//! Not modelled: `mode tcp` frontends (which take the HTTP backend's
//! timeouts), environment variables in the configuration (a value keepalign
//! cannot read is unknown), and `timeout server` as a request timeout.

use super::conf_files::{MAX_FILES, read_from_image};
use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile};
use crate::model::{Seconds, Setting, Word};
use crate::source::{Location, SourceFile};
use std::ops::Range;
use std::sync::Arc;

/// Where the official image's CMD points `-f`.
const OFFICIAL_CFG: &str = "/usr/local/etc/haproxy/haproxy.cfg";

/// Image repositories of HAProxy's official images.
fn official(repo: &str) -> bool {
    let repo = super::hub_repo(repo);
    repo == "haproxy" || repo.starts_with("haproxytech/haproxy-")
}

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    // The official image's entry point runs haproxy with options given as
    // the command.
    let options = ctx.options_for("haproxy", official)?;
    let configs = config_flags(options);
    let keep_alive = match &ctx.files {
        None => ctx.unresolved(format!(
            "HAProxy's keep-alive timeout is set in {}, which keepalign reads only from an image \
             built by a Dockerfile in the scan; name the Dockerfile in keepalign.toml ([[image]] \
             with match and dockerfile), or declare the keep-alive in keepalign.toml ([[service]] \
             with keep-alive)",
            match configs.first() {
                Some(w) => format!("`{}`", w.display()),
                None => OFFICIAL_CFG.to_string(),
            }
        )),
        Some(files) => match read_config(ctx, files, &configs) {
            Ok(sections) => return Some(profile(ctx, effective(ctx, &sections))),
            Err(s) => s,
        },
    };
    Some(profile(ctx, KeepAlive::Timeout(keep_alive)))
}

fn profile(ctx: &Invocation, keep_alive: KeepAlive) -> ServerProfile {
    ServerProfile {
        server: "haproxy",
        description: ctx.described("HAProxy"),
        identified_at: ctx.server_at(),
        keep_alive,
        graceful_timeout: None,
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix: |s| {
            format!(
                "timeout http-keep-alive {} (defaults or frontend section of haproxy.cfg)",
                time(s)
            )
        },
        graceful_fix: None,
    }
}

/// `65s`, or `500ms` for a fraction of a second: a time HAProxy reads.
fn time(s: Seconds) -> String {
    if s.fract() == 0.0 {
        format!("{}s", s as i64)
    } else {
        format!("{}ms", (s * 1000.0).round() as i64)
    }
}

/// Every `-f FILE` / `-fFILE`, in order (HAProxy loads them all).
fn config_flags(args: &[Word]) -> Vec<Word> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(w) = args.get(i) {
        if w.text == "--" {
            break;
        }
        if w.text == "-f" {
            if let Some(v) = args.get(i + 1) {
                out.push(v.clone());
            }
            i += 2;
            continue;
        }
        if let Some(rest) = w.text.strip_prefix("-f")
            && !rest.is_empty()
        {
            out.push(w.sub(2..w.text.len()));
        }
        i += 1;
    }
    out
}

/// The configuration files HAProxy loads, parsed into sections.
fn read_config(
    ctx: &Invocation,
    files: &crate::image_files::ImageFiles<'_>,
    flags: &[Word],
) -> Result<Vec<Section>, Setting<Seconds>> {
    let mut paths: Vec<(String, Option<Location>)> = Vec::new();
    for w in flags {
        if let Some(u) = ctx.unresolvable_config("HAProxy", w) {
            return Err(u);
        }
        paths.push((files.absolute(&w.text), w.at.clone()));
    }
    if paths.is_empty() {
        paths.push((OFFICIAL_CFG.to_string(), None));
    }
    let mut texts: Vec<Arc<SourceFile>> = Vec::new();
    for (path, at) in paths {
        let problem = |p: super::conf_files::Problem| {
            Setting::unresolved(
                format!(
                    "HAProxy's configuration in the image: {}; declare the keep-alive in \
                     keepalign.toml ([[service]] with keep-alive)",
                    p.reason
                ),
                p.at.or_else(|| ctx.server_at()),
            )
        };
        match read_from_image(files, &path).map_err(problem)? {
            Some(f) => texts.push(f),
            None => {
                // A directory: its *.cfg files, in name order.
                let mut listed: Vec<String> = files
                    .list(&path)
                    .into_iter()
                    .filter(|p| p.ends_with(".cfg"))
                    .collect();
                listed.sort();
                if listed.is_empty() {
                    return Err(Setting::unresolved(
                        format!(
                            "HAProxy reads {path}, which nothing in {} brings into the image, so \
                             keepalign cannot read its timeouts; COPY haproxy.cfg from the build \
                             context, or declare the keep-alive in keepalign.toml ([[service]] \
                             with keep-alive)",
                            files.dockerfile.file.display
                        ),
                        at.or_else(|| ctx.server_at()),
                    ));
                }
                for p in listed {
                    if let Some(f) = read_from_image(files, &p).map_err(problem)? {
                        texts.push(f);
                    }
                }
            }
        }
        if texts.len() > MAX_FILES {
            return Err(ctx.unresolved(format!(
                "HAProxy's configuration has more than {MAX_FILES} files, more than keepalign reads"
            )));
        }
    }
    let mut sections = Vec::new();
    for f in &texts {
        parse(f, &mut sections);
    }
    Ok(sections)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Defaults,
    Frontend,
    Listen,
    Other,
}

/// A `timeout` value as written.
#[derive(Clone, Debug)]
struct Value {
    /// Milliseconds; `None` when keepalign cannot read the text.
    ms: Option<u64>,
    text: String,
    at: Location,
}

#[derive(Clone, Debug, Default)]
struct Timeouts {
    keep_alive: Option<Value>,
    request: Option<Value>,
    client: Option<Value>,
    /// `option httpclose` (true) or `no option httpclose` (false).
    httpclose: Option<(bool, Location)>,
}

impl Timeouts {
    /// These, with what `defaults` set where these do not.
    fn over(&self, defaults: &Timeouts) -> Timeouts {
        Timeouts {
            keep_alive: self.keep_alive.clone().or(defaults.keep_alive.clone()),
            request: self.request.clone().or(defaults.request.clone()),
            client: self.client.clone().or(defaults.client.clone()),
            httpclose: self.httpclose.clone().or(defaults.httpclose.clone()),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Bind {
    /// Inclusive port ranges.
    Ports(Vec<(u16, u16)>),
    /// A UNIX socket, a loopback address or QUIC: the load balancer
    /// cannot reach it over TCP.
    Unreachable,
    /// An address keepalign cannot read (`${PORT}`).
    Unknown,
}

#[derive(Clone, Debug)]
struct Section {
    kind: Kind,
    name: String,
    timeouts: Timeouts,
    binds: Vec<Bind>,
    at: Location,
    /// The defaults section it takes its defaults from: the one `from NAME`
    /// names, else for a proxy the last one before it.
    inherited: Option<usize>,
}

const SECTIONS: &[&str] = &[
    "global",
    "defaults",
    "frontend",
    "backend",
    "listen",
    "resolvers",
    "peers",
    "userlist",
    "mailers",
    "program",
    "http-errors",
    "ring",
    "cache",
    "log-forward",
    "crt-store",
    "traces",
    "acme",
];

/// The words of one line, unquoted, each with its byte range in the file;
/// `#` outside quotes starts a comment.
fn words(line: &str, offset: usize) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    let mut current: Option<(String, usize)> = None;
    let mut quote: Option<char> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (None, '#') => break,
            (None, c) if c.is_whitespace() => {
                if let Some((w, start)) = current.take() {
                    out.push((w, offset + start..offset + i));
                }
            }
            (None, '"' | '\'') => {
                quote = Some(c);
                current.get_or_insert((String::new(), i));
            }
            (Some(q), c) if c == q => quote = None,
            (q, '\\') if q != Some('\'') => {
                let w = current.get_or_insert((String::new(), i));
                if let Some((_, next)) = chars.next() {
                    w.0.push(next);
                }
            }
            (_, c) => current.get_or_insert((String::new(), i)).0.push(c),
        }
    }
    if let Some((w, start)) = current {
        out.push((w, offset + start..offset + line.len()));
    }
    out
}

/// Add the sections of one configuration file to `sections`.
fn parse(file: &Arc<SourceFile>, sections: &mut Vec<Section>) {
    let text = &file.text;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let line = line.trim_end_matches(['\n', '\r']);
        let ws = words(line, start);
        let Some((first, first_at)) = ws.first() else {
            continue;
        };
        let keyword = first.to_ascii_lowercase();
        if SECTIONS.contains(&keyword.as_str()) {
            let kind = match keyword.as_str() {
                "defaults" => Kind::Defaults,
                "frontend" => Kind::Frontend,
                "listen" => Kind::Listen,
                _ => Kind::Other,
            };
            // `defaults [NAME] [from OTHER]`, `frontend NAME [from DEFAULTS]`.
            let rest: Vec<&str> = ws[1..].iter().map(|(w, _)| w.as_str()).collect();
            let (name, from) = match rest.as_slice() {
                ["from", d, ..] => (String::new(), Some(d.to_string())),
                [n, "from", d, ..] => (n.to_string(), Some(d.to_string())),
                [n, ..] => (n.to_string(), None),
                [] => (String::new(), None),
            };
            // `from` names an earlier defaults section; otherwise a proxy
            // takes the last one, and a defaults section starts afresh.
            let inherited = match (&from, kind) {
                (Some(n), _) => sections
                    .iter()
                    .rposition(|d| d.kind == Kind::Defaults && &d.name == n),
                (None, Kind::Defaults) => None,
                (None, _) => sections.iter().rposition(|d| d.kind == Kind::Defaults),
            };
            sections.push(Section {
                kind,
                name,
                timeouts: Timeouts::default(),
                binds: Vec::new(),
                at: Location::new(file, first_at.clone()),
                inherited,
            });
            continue;
        }
        let Some(section) = sections.last_mut() else {
            continue;
        };
        let at = |r: &Range<usize>| Location::new(file, r.clone());
        match (keyword.as_str(), &ws[1..]) {
            ("timeout", [(which, _), (value, value_at), ..]) => {
                let v = Value {
                    ms: parse_time(value),
                    text: value.clone(),
                    at: at(value_at),
                };
                match which.to_ascii_lowercase().as_str() {
                    "http-keep-alive" => section.timeouts.keep_alive = Some(v),
                    "http-request" => section.timeouts.request = Some(v),
                    "client" => section.timeouts.client = Some(v),
                    _ => {}
                }
            }
            ("option", [(o, o_at), ..]) if o.eq_ignore_ascii_case("httpclose") => {
                section.timeouts.httpclose = Some((true, at(o_at)));
            }
            ("no", [(option, _), (o, o_at), ..])
                if option.eq_ignore_ascii_case("option") && o.eq_ignore_ascii_case("httpclose") =>
            {
                section.timeouts.httpclose = Some((false, at(o_at)));
            }
            ("bind", [(addresses, _), ..]) => {
                for a in addresses.split(',') {
                    section.binds.push(bind(a));
                }
            }
            _ => {}
        }
    }
}

/// An HAProxy time: an integer with an optional unit, milliseconds
/// without one.
fn parse_time(text: &str) -> Option<u64> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 15 {
        return None;
    }
    let n: u64 = text[..digits].parse().ok()?;
    let ms = match text[digits..].to_ascii_lowercase().as_str() {
        "us" => return Some(n / 1000),
        "" | "ms" => n,
        "s" => n * 1000,
        "m" => n * 60_000,
        "h" => n * 3_600_000,
        "d" => n * 86_400_000,
        _ => return None,
    };
    Some(ms)
}

/// One address of a `bind` line.
fn bind(address: &str) -> Bind {
    let a = address.trim();
    let lower = a.to_ascii_lowercase();
    if lower.starts_with('/')
        || [
            "unix@",
            "abns@",
            "abnsz@",
            "fd@",
            "sockpair@",
            "uxst@",
            "uxdg@",
        ]
        .iter()
        .any(|p| lower.starts_with(p))
        || lower.starts_with("quic")
        || lower.starts_with("udp")
    {
        return Bind::Unreachable;
    }
    let a = match a.split_once('@') {
        Some((_, rest)) => rest,
        None => a,
    };
    let Some((host, ports)) = a.rsplit_once(':') else {
        return Bind::Unknown;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.starts_with("127.") || host == "::1" || host.eq_ignore_ascii_case("localhost") {
        return Bind::Unreachable;
    }
    let port = |p: &str| p.parse::<u16>().ok();
    let range = match ports.split_once('-') {
        Some((lo, hi)) => port(lo).zip(port(hi)),
        None => port(ports).map(|p| (p, p)),
    };
    match range {
        Some(r) => Bind::Ports(vec![r]),
        None => Bind::Unknown,
    }
}

/// What one proxy does with an idle client connection.
#[derive(Clone, Debug)]
enum Idle {
    Timeout(Value, &'static str),
    NoLimit,
    Closes(Location),
}

impl Idle {
    fn same(&self, other: &Idle) -> bool {
        match (self, other) {
            (Idle::Timeout(a, _), Idle::Timeout(b, _)) => {
                a.ms == b.ms && (a.ms.is_some() || a.at == b.at)
            }
            (Idle::NoLimit, Idle::NoLimit) | (Idle::Closes(_), Idle::Closes(_)) => true,
            _ => false,
        }
    }

    fn show(&self) -> String {
        match self {
            Idle::Timeout(v, which) => format!(
                "timeout {which} {} ({}:{})",
                v.text,
                v.at.file.display,
                v.at.start().0
            ),
            Idle::NoLimit => "no timeout".into(),
            Idle::Closes(_) => "option httpclose".into(),
        }
    }
}

fn idle(t: &Timeouts) -> Idle {
    if let Some((true, at)) = &t.httpclose {
        return Idle::Closes(at.clone());
    }
    // A timeout of 0 is unset: the next one applies.
    let set = |v: &Option<Value>| v.clone().filter(|v| v.ms != Some(0));
    if let Some(v) = set(&t.keep_alive) {
        return Idle::Timeout(v, "http-keep-alive");
    }
    if let Some(v) = set(&t.request) {
        return Idle::Timeout(v, "http-request");
    }
    match set(&t.client) {
        Some(v) => Idle::Timeout(v, "client"),
        None => Idle::NoLimit,
    }
}

/// The keep-alive of the frontends the load balancer reaches.
fn effective(ctx: &Invocation, sections: &[Section]) -> KeepAlive {
    let defaults_of = |s: &Section| -> Timeouts {
        let mut chain = Vec::new();
        // Each step goes to an earlier section, so this ends.
        let mut index = s.inherited;
        while let Some(d) = index.and_then(|i| sections.get(i)) {
            chain.push(d.timeouts.clone());
            index = d.inherited.filter(|&j| Some(j) < index);
        }
        chain
            .into_iter()
            .rev()
            .fold(Timeouts::default(), |acc, t| t.over(&acc))
    };
    let proxies: Vec<&Section> = sections
        .iter()
        .filter(|s| matches!(s.kind, Kind::Frontend | Kind::Listen))
        .collect();
    let reaches = |s: &Section| match ctx.port {
        Some(p) => s.binds.iter().any(|b| match b {
            Bind::Ports(r) => r.iter().any(|(lo, hi)| (*lo..=*hi).contains(&p)),
            Bind::Unknown => true,
            Bind::Unreachable => false,
        }),
        None => s.binds.is_empty() || s.binds.iter().any(|b| *b != Bind::Unreachable),
    };
    let reached: Vec<&Section> = proxies.iter().copied().filter(|s| reaches(s)).collect();
    let first_at = sections.first().map(|s| s.at.clone());
    if reached.is_empty() {
        return KeepAlive::Timeout(Setting::unresolved(
            match ctx.port {
                Some(p) if !proxies.is_empty() => format!(
                    "no frontend or listen section of HAProxy's configuration binds port {p}, \
                     the container port the load balancer sends to"
                ),
                _ => "HAProxy's configuration has no frontend or listen section the load \
                      balancer can reach"
                    .to_string(),
            },
            first_at.or_else(|| ctx.server_at()),
        ));
    }
    let found: Vec<(&Section, Idle)> = reached
        .iter()
        .map(|s| (*s, idle(&s.timeouts.over(&defaults_of(s)))))
        .collect();
    let (section, first) = &found[0];
    if let Some((other, differs)) = found.iter().find(|(_, i)| !i.same(first)) {
        return KeepAlive::Timeout(Setting::unresolved(
            format!(
                "HAProxy's frontends keep idle connections for different times ({} `{}`: {}; {} \
                 `{}`: {}), and keepalign does not know which one the load balancer reaches; \
                 pass the container port to the load balancer's target group, or make them agree",
                kind(section),
                section.name,
                first.show(),
                kind(other),
                other.name,
                differs.show()
            ),
            Some(other.at.clone()),
        ));
    }
    match first {
        Idle::Closes(at) => KeepAlive::ClosesEveryConnection {
            why: format!(
                "option httpclose ({}:{}) makes HAProxy close the client connection after each \
                 response",
                at.file.display,
                at.start().0
            ),
        },
        Idle::NoLimit => KeepAlive::NoLimit {
            why: format!(
                "HAProxy's {} `{}` and the defaults it takes set no timeout http-keep-alive, \
                 http-request or client",
                kind(section),
                section.name
            ),
            at: Some(section.at.clone()),
        },
        Idle::Timeout(v, which) => match v.ms {
            Some(ms) => KeepAlive::Timeout(Setting::explicit(ms as f64 / 1000.0, v.at.clone())),
            None => KeepAlive::Timeout(Setting::unresolved(
                format!(
                    "HAProxy's timeout {which} is `{}`, not a time keepalign can read (an \
                     integer with an optional unit: 65s, 65000ms, 1m)",
                    v.text
                ),
                Some(v.at.clone()),
            )),
        },
    }
}

fn kind(s: &Section) -> &'static str {
    match s.kind {
        Kind::Listen => "listen section",
        _ => "frontend",
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    const DOCKERFILE: &str =
        "FROM haproxy:3.0\nCOPY haproxy.cfg /usr/local/etc/haproxy/haproxy.cfg\n";

    fn run(cfg: &str) -> ServerProfile {
        let b = task().image("haproxy:3.0").build();
        with_image(&b, DOCKERFILE, &[("haproxy.cfg", cfg)]).unwrap()
    }

    /// The location of `needle` in the line of the configuration holding `line`.
    fn cfg_at(p: &ServerProfile, line: &str, needle: &str) -> (usize, String) {
        let at = ka(p).location().expect("located").clone();
        let text = &at.file.text;
        let l = text.find(line).expect("line");
        let off = l + line.find(needle).expect("needle");
        assert_eq!(at.snippet(), needle);
        (off, at.file.display.clone())
    }

    #[test]
    fn recognised_by_program_and_by_official_image() {
        let b = task().cmd(&["haproxy", "-f", "/etc/haproxy.cfg"]).build();
        let p = b.profile();
        assert_eq!(p.server, "haproxy");
        assert_unresolved(ka(&p), &["`/etc/haproxy.cfg`", "[[image]]", "keep-alive"]);
        assert_eq!(
            (p.keep_alive_fix)(65.0),
            "timeout http-keep-alive 65s (defaults or frontend section of haproxy.cfg)"
        );
        assert_eq!((p.keep_alive_fix)(0.5).split(' ').nth(2), Some("500ms"));
        let p = task().image("haproxy:3.0-alpine").build().profile();
        assert_unresolved(ka(&p), &[OFFICIAL_CFG, "declare the keep-alive"]);
        assert!(
            task()
                .image("haproxy:3.0")
                .cmd(&["-f", "/x.cfg"])
                .build()
                .identify()
                .is_ok()
        );
        // Another image named haproxy is someone's build: not recognised.
        assert!(
            task()
                .image("123.dkr.ecr/haproxy:1")
                .build()
                .identify()
                .is_err()
        );
    }

    #[test]
    fn keep_alive_then_request_then_client() {
        let cfg = "global\n  maxconn 100\n\ndefaults\n  mode http\n  timeout client 30s\n  \
                   timeout http-request 10s\n  timeout http-keep-alive 75s\n\nfrontend web\n  \
                   bind :80\n  default_backend app\n\nbackend app\n  server a 127.0.0.1:8000\n";
        let p = run(cfg);
        assert_eq!(p.value_of_ka(), Some(75.0));
        let (off, _) = cfg_at(&p, "timeout http-keep-alive 75s", "75s");
        assert_eq!(ka(&p).location().unwrap().span.start, off);

        let p = run(&cfg.replace("  timeout http-keep-alive 75s\n", ""));
        assert_eq!(p.value_of_ka(), Some(10.0));
        cfg_at(&p, "timeout http-request 10s", "10s");

        let p = run(&cfg
            .replace("  timeout http-keep-alive 75s\n", "")
            .replace("  timeout http-request 10s\n", ""));
        assert_eq!(p.value_of_ka(), Some(30.0));
        // 0 is no timeout: the next one applies.
        let p = run(&cfg.replace("http-keep-alive 75s", "http-keep-alive 0"));
        assert_eq!(p.value_of_ka(), Some(10.0));
    }

    #[test]
    fn units() {
        for (t, s) in [
            ("65000", 65.0),
            ("65000ms", 65.0),
            ("65s", 65.0),
            ("2m", 120.0),
            ("1h", 3600.0),
            ("1d", 86400.0),
            ("500000us", 0.5),
        ] {
            let p = run(&format!("frontend f\n  bind *:80\n  timeout client {t}\n"));
            assert_eq!(p.value_of_ka(), Some(s), "{t}");
        }
        let p = run("frontend f\n  bind *:80\n  timeout client 1.5s\n");
        assert_unresolved(ka(&p), &["`1.5s`", "not a time"]);
        let p = run("frontend f\n  bind *:80\n  timeout client \"${T}\"\n");
        assert_unresolved(ka(&p), &["`${T}`"]);
    }

    #[test]
    fn frontend_overrides_defaults_and_defaults_start_afresh() {
        let cfg = "defaults\n  timeout client 30s\n  timeout http-keep-alive 5s\n\
                   frontend a\n  bind :80\n  timeout http-keep-alive 70s\n\
                   defaults\n  timeout client 20s\n\
                   frontend b\n  bind :8080\n";
        let b = task().image("haproxy:3.0").build();
        let p = with_image_port(&b, DOCKERFILE, &[("haproxy.cfg", cfg)], Some(80)).unwrap();
        assert_eq!(p.value_of_ka(), Some(70.0));
        let p = with_image_port(&b, DOCKERFILE, &[("haproxy.cfg", cfg)], Some(8080)).unwrap();
        // The second defaults does not keep the first one's http-keep-alive.
        assert_eq!(p.value_of_ka(), Some(20.0));
        let p = with_image_port(&b, DOCKERFILE, &[("haproxy.cfg", cfg)], None).unwrap();
        assert_unresolved(ka(&p), &["different times", "frontend `a`", "frontend `b`"]);
        let p = with_image_port(&b, DOCKERFILE, &[("haproxy.cfg", cfg)], Some(9000)).unwrap();
        assert_unresolved(ka(&p), &["binds port 9000"]);
    }

    #[test]
    fn named_defaults_and_from() {
        let cfg = "defaults long\n  timeout client 90s\n\
                   defaults\n  timeout client 10s\n\
                   frontend a from long\n  bind :80\n";
        assert_eq!(run(cfg).value_of_ka(), Some(90.0));
        // `from` names an earlier section: a cycle cannot be written.
        let cfg = "defaults a from b\n  timeout client 1s\ndefaults b from a\n\
                   frontend f from b\n  bind :80\n";
        assert_eq!(run(cfg).value_of_ka(), Some(1.0));
        // A defaults section's own `from`.
        let cfg = "defaults base\n  timeout client 40s\ndefaults web from base\n  \
                   timeout http-request 5s\nfrontend f from web\n  bind :80\n";
        assert_eq!(run(cfg).value_of_ka(), Some(5.0));
    }

    #[test]
    fn no_timeout_is_no_limit_and_httpclose_closes() {
        let p = run("frontend web\n  bind :80\n");
        assert!(
            no_limit(&p).contains("set no timeout http-keep-alive"),
            "{}",
            no_limit(&p)
        );
        let p = run("defaults\n  option httpclose\nfrontend web\n  bind :80\n");
        assert!(closes(&p).contains("option httpclose"));
        let p = run(
            "defaults\n  option httpclose\n  timeout client 5s\nfrontend web\n  bind :80\n  no \
             option httpclose\n",
        );
        assert_eq!(p.value_of_ka(), Some(5.0));
    }

    #[test]
    fn binds_that_the_load_balancer_cannot_reach_are_skipped() {
        let cfg = "frontend stats\n  bind 127.0.0.1:8404\n  timeout client 1s\n\
                   frontend web\n  bind ipv4@*:80,[::]:80\n  timeout client 65s\n\
                   frontend sock\n  bind unix@/run/h.sock\n  timeout client 2s\n";
        assert_eq!(run(cfg).value_of_ka(), Some(65.0));
    }

    #[test]
    fn config_flags_and_directories() {
        let b = task()
            .cmd(&["haproxy", "-W", "-db", "-f", "/etc/haproxy/conf.d"])
            .build();
        let df = "FROM haproxy:3.0\nCOPY conf.d /etc/haproxy/conf.d\n";
        let p = with_image(
            &b,
            df,
            &[
                ("conf.d/10-defaults.cfg", "defaults\n  timeout client 30s\n"),
                ("conf.d/20-web.cfg", "frontend web\n  bind :80\n"),
            ],
        )
        .unwrap();
        assert_eq!(p.value_of_ka(), Some(30.0));
        let b = task().cmd(&["haproxy", "-f", "/etc/missing.cfg"]).build();
        let u = assert_unresolved(
            ka(&with_image(&b, df, &[("conf.d/a.cfg", "")]).unwrap()),
            &["/etc/missing.cfg", "COPY haproxy.cfg"],
        );
        assert_eq!(u.at, Some(b.at("\"/etc/missing.cfg\"", "/etc/missing.cfg")));
    }

    #[test]
    fn hostile_configurations_do_not_panic() {
        const PIECES: &[&str] = &[
            "frontend",
            "defaults",
            "listen",
            "from",
            "bind",
            ":80",
            "timeout",
            "client",
            "http-keep-alive",
            "http-request",
            "5s",
            "0",
            "\"",
            "'",
            "\\",
            "#",
            "\n",
            " ",
            "é",
            "option",
            "httpclose",
            "no",
            "[::]:",
            "-",
            "99999999999999999999",
            "@",
            ",",
        ];
        let mut random = crate::testing::Random::new(7);
        for _ in 0..300 {
            let text = random.text(PIECES, 60);
            let f = SourceFile::new("h.cfg".into(), text);
            let mut sections = Vec::new();
            parse(&f, &mut sections);
            for s in &sections {
                let _ = idle(&s.timeouts);
            }
        }
    }
}
