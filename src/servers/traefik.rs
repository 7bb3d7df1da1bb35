//! Traefik (`traefik`, or the official `traefik` image, whose entry point
//! runs `traefik` with the command's options): each entry point closes a
//! connection idle for `transport.respondingTimeouts.idleTimeout`, 180 s by
//! default (`DefaultIdleTimeout`, traefik/traefik
//! `pkg/config/static/static_config.go`, v3; the same in v2). A value is a
//! Go duration (`65s`, `3m`) or a bare number of seconds
//! (`traefik/paerser` `types.Duration`). 0 means "no idle timeout", and Go's
//! server then falls back to `readTimeout` (60 s by default from Traefik
//! v3, none in v2): keepalign leaves that unknown and says why.
//!
//! Traefik reads its static configuration from exactly one place, the first
//! it finds (`pkg/cli/loader_file.go`, `loader_flag.go`, `loader_env.go`):
//! a file (`--configFile`, else `/etc/traefik/traefik.{toml,yaml,yml}` or
//! `./traefik.{toml,yaml,yml}`), else the command's flags
//! (`--entryPoints.NAME.transport.respondingTimeouts.idleTimeout=65s`,
//! `--entryPoints.NAME.address=:80`), else `TRAEFIK_*` variables
//! (`TRAEFIK_ENTRYPOINTS_NAME_TRANSPORT_RESPONDINGTIMEOUTS_IDLETIMEOUT`).
//! Keys are case-insensitive. The file is read from the image when a
//! Dockerfile in the scan builds it; otherwise keepalign assumes the image
//! holds none (the official image has none) and reads flags and variables.
//! With several entry points, the one whose address has the container port
//! the load balancer sends to is read; when the port is not known and they
//! disagree, the value is unknown.

use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile, go_duration, secs};
use crate::model::{Seconds, Setting, Word};
use crate::source::{Location, SourceFile};
use std::sync::Arc;

const DEFAULT: Seconds = 180.0;
const DEFAULT_SOURCE: &str =
    "Traefik default respondingTimeouts.idleTimeout 180s (pkg/config/static/static_config.go)";

fn official(repo: &str) -> bool {
    matches!(super::hub_repo(repo), "traefik" | "traefik/traefik")
}

/// One entry point as configured: its name, and the address and idle
/// timeout where they are written.
#[derive(Clone, Debug)]
struct EntryPoint {
    name: String,
    address: Option<String>,
    idle: Option<Setting<Seconds>>,
}

/// Where the configuration came from, for the fix text.
#[derive(Clone, Copy, PartialEq)]
enum Source {
    File,
    Flags,
}

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    let options = ctx.options_for("traefik", official)?;
    // `traefik version`, `traefik healthcheck`: not the server.
    if options.first().is_some_and(|w| !w.text.starts_with('-')) {
        return None;
    }
    let (keep_alive, source, name) = match read(ctx, options) {
        Ok((eps, source)) => {
            let (k, name) = pick(ctx, &eps);
            (k, source, name)
        }
        Err(u) => (u, Source::Flags, None),
    };
    let keep_alive_fix: fn(Seconds) -> String = match (source, name.as_deref()) {
        (Source::Flags, Some("web")) => |s| flag_fix("web", s),
        (Source::Flags, Some("http")) => |s| flag_fix("http", s),
        (Source::Flags, _) => |s| flag_fix("NAME", s),
        (Source::File, Some("web")) => |s| file_fix("web", s),
        (Source::File, Some("http")) => |s| file_fix("http", s),
        (Source::File, _) => |s| file_fix("NAME", s),
    };
    Some(ServerProfile {
        server: "traefik",
        description: match (ctx.image(), &name) {
            (Some(i), _) if ctx.argv.is_empty() && ctx.files.is_none() => {
                format!("Traefik (image {})", i.full)
            }
            (_, Some(n)) => format!("Traefik (entry point {n})"),
            _ => "Traefik".into(),
        },
        identified_at: ctx.server_at(),
        keep_alive: KeepAlive::Timeout(keep_alive),
        graceful_timeout: None,
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix,
        graceful_fix: None,
    })
}

fn flag_fix(name: &str, s: Seconds) -> String {
    format!(
        "--entryPoints.{name}.transport.respondingTimeouts.idleTimeout={}s",
        secs(s)
    )
}

fn file_fix(name: &str, s: Seconds) -> String {
    format!(
        "entryPoints.{name}.transport.respondingTimeouts.idleTimeout: {}s (in Traefik's static \
         configuration file)",
        secs(s)
    )
}

/// The entry points from the one source Traefik reads.
fn read(ctx: &Invocation, options: &[Word]) -> Result<(Vec<EntryPoint>, Source), Setting<Seconds>> {
    let config_flag = flag(options, "configfile");
    if let Some(files) = &ctx.files {
        let candidates: Vec<String> = match &config_flag {
            Some(w) if w.unknown.is_some() || w.text.contains('$') => {
                return Err(Setting::unresolved(
                    format!(
                        "Traefik reads the configuration file `{}`, which keepalign cannot \
                         resolve; write the path in the command",
                        w.display()
                    ),
                    w.at.clone().or_else(|| ctx.server_at()),
                ));
            }
            Some(w) => vec![files.absolute(&w.text)],
            None => ["/etc/traefik/traefik", "traefik"]
                .iter()
                .flat_map(|base| {
                    ["toml", "yaml", "yml"]
                        .iter()
                        .map(move |e| files.absolute(&format!("{base}.{e}")))
                })
                .collect(),
        };
        for path in &candidates {
            match super::conf_files::read_from_image(files, path) {
                Ok(Some(f)) => return parse_file(&f).map(|eps| (eps, Source::File)),
                Ok(None) => {}
                Err(p) => {
                    return Err(Setting::unresolved(
                        format!(
                            "Traefik's configuration in the image: {}; declare the keep-alive \
                             in keepalign.toml ([[service]] with keep-alive)",
                            p.reason
                        ),
                        p.at.or_else(|| ctx.server_at()),
                    ));
                }
            }
        }
        if let Some(w) = &config_flag {
            return Err(Setting::unresolved(
                format!(
                    "Traefik reads `{}`, which nothing in {} brings into the image, so keepalign \
                     cannot read it; COPY it from the build context, or declare the keep-alive in \
                     keepalign.toml ([[service]] with keep-alive)",
                    w.text, files.dockerfile.file.display
                ),
                w.at.clone().or_else(|| ctx.server_at()),
            ));
        }
    } else if let Some(w) = &config_flag {
        return Err(Setting::unresolved(
            format!(
                "Traefik reads its static configuration from `{}`, which keepalign reads only \
                 from an image built by a Dockerfile in the scan; name the Dockerfile in \
                 keepalign.toml ([[image]] with match and dockerfile), or declare the keep-alive \
                 in keepalign.toml ([[service]] with keep-alive)",
                w.display()
            ),
            w.at.clone().or_else(|| ctx.server_at()),
        ));
    }
    if !options.is_empty() {
        return Ok((from_flags(ctx, options), Source::Flags));
    }
    Ok((from_env(ctx), Source::Flags))
}

/// The value of `--NAME=V` or `--NAME V` (case-insensitive), the last one.
fn flag(options: &[Word], name: &str) -> Option<Word> {
    let mut found = None;
    for (i, w) in options.iter().enumerate() {
        let Some(rest) = w.text.strip_prefix("--") else {
            continue;
        };
        match rest.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case(name) => {
                found = Some(w.sub(k.len() + 3..w.text.len()));
            }
            None if rest.eq_ignore_ascii_case(name) => {
                if let Some(v) = options.get(i + 1) {
                    found = Some(v.clone());
                }
            }
            _ => {}
        }
    }
    found
}

/// `entrypoints.NAME.FIELD` (lowercased) split into name and field.
fn entry_key(key: &str) -> Option<(&str, String)> {
    let lower = key.to_ascii_lowercase();
    let rest = lower.strip_prefix("entrypoints.")?;
    let dot = rest.find('.')?;
    let name = &key["entrypoints.".len().."entrypoints.".len() + dot];
    Some((name, rest[dot + 1..].to_string()))
}

const IDLE_FIELD: &str = "transport.respondingtimeouts.idletimeout";

fn entry<'e>(eps: &'e mut Vec<EntryPoint>, name: &str) -> &'e mut EntryPoint {
    match eps.iter().position(|e| e.name.eq_ignore_ascii_case(name)) {
        Some(i) => &mut eps[i],
        None => {
            eps.push(EntryPoint {
                name: name.to_string(),
                address: None,
                idle: None,
            });
            let last = eps.len() - 1;
            &mut eps[last]
        }
    }
}

fn from_flags(ctx: &Invocation, options: &[Word]) -> Vec<EntryPoint> {
    let mut eps = Vec::new();
    for (i, w) in options.iter().enumerate() {
        let Some(rest) = w.text.strip_prefix("--") else {
            continue;
        };
        let (key, value) = match rest.split_once('=') {
            Some((k, _)) => (k, w.sub(k.len() + 3..w.text.len())),
            None => match options.get(i + 1) {
                Some(v) if !v.text.starts_with("--") => (rest, v.clone()),
                _ => continue,
            },
        };
        let Some((name, field)) = entry_key(key) else {
            continue;
        };
        let what = format!("Traefik --{key}");
        if field == "address" {
            entry(&mut eps, name).address = Some(value.text.clone());
        } else if field == IDLE_FIELD {
            let s = duration(ctx, &value, &what);
            entry(&mut eps, name).idle = Some(s);
        }
    }
    eps
}

fn from_env(ctx: &Invocation) -> Vec<EntryPoint> {
    let mut eps = Vec::new();
    let mut names: Vec<&str> = ctx
        .container
        .environment
        .iter()
        .map(|e| e.name.as_str())
        .filter(|n| n.starts_with("TRAEFIK_ENTRYPOINTS_"))
        .collect();
    names.dedup();
    for var in names {
        let rest = &var["TRAEFIK_ENTRYPOINTS_".len()..];
        let (name, field) =
            if let Some(n) = rest.strip_suffix("_TRANSPORT_RESPONDINGTIMEOUTS_IDLETIMEOUT") {
                (n, IDLE_FIELD)
            } else if let Some(n) = rest.strip_suffix("_ADDRESS") {
                (n, "address")
            } else {
                continue;
            };
        match ctx.env(var) {
            Some(Ok(w)) if field == "address" => {
                entry(&mut eps, &name.to_ascii_lowercase()).address = Some(w.text.clone());
            }
            Some(Ok(w)) => {
                let s = duration(ctx, &w, var);
                entry(&mut eps, &name.to_ascii_lowercase()).idle = Some(s);
            }
            Some(Err(u)) if field != "address" => {
                entry(&mut eps, &name.to_ascii_lowercase()).idle = Some(Setting::Unresolved(u));
            }
            _ => {}
        }
    }
    eps
}

/// A Traefik duration from a word of the command or environment.
fn duration(ctx: &Invocation, w: &Word, what: &str) -> Setting<Seconds> {
    let at = w.at.clone().or_else(|| ctx.server_at());
    if let Some(u) = &w.unknown {
        return Setting::unresolved(format!("{what}: {}", u.reason), u.at.clone().or(at));
    }
    match value_seconds(w.text.trim()) {
        Ok(s) => match at {
            Some(at) => Setting::explicit(s, at),
            None => ctx.unresolved(format!("{what} has no location")),
        },
        Err(why) => Setting::unresolved(format!("{what} is `{}`{why}", w.display()), at),
    }
}

/// Seconds from Traefik's duration text, or why not (a clause to append).
fn value_seconds(text: &str) -> Result<Seconds, String> {
    let s = match text.parse::<u64>() {
        Ok(n) => n as f64,
        Err(_) => go_duration(text, false).ok_or_else(|| {
            ", not a duration keepalign can read (`65s`, `3m`, or a number of seconds)".to_string()
        })?,
    };
    if s == 0.0 {
        return Err(
            ": 0 turns Traefik's idle timeout off, so Go's server falls back to \
                    readTimeout (60 s by default in Traefik v3, none in v2), which keepalign \
                    does not read; set idleTimeout to a duration"
                .into(),
        );
    }
    Ok(s)
}

/// A value of the configuration file: a string or an integer, located.
fn file_duration(text: &str, at: Location, what: &str) -> Setting<Seconds> {
    match value_seconds(text.trim()) {
        Ok(s) => Setting::explicit(s, at),
        Err(why) => Setting::unresolved(format!("{what} is `{text}`{why}"), Some(at)),
    }
}

/// The entry points of a static configuration file (TOML, or YAML).
fn parse_file(f: &Arc<SourceFile>) -> Result<Vec<EntryPoint>, Setting<Seconds>> {
    let unreadable = |why: String, at: Option<Location>| {
        Setting::unresolved(
            format!(
                "Traefik's configuration file {} cannot be read ({why}); declare the keep-alive \
                 in keepalign.toml ([[service]] with keep-alive)",
                f.display
            ),
            at,
        )
    };
    crate::budget::syntax_fits(&f.text).map_err(|e| unreadable(e, None))?;
    let what = |name: &str| format!("entryPoints.{name}.transport.respondingTimeouts.idleTimeout");
    if f.path.extension().is_some_and(|e| e == "toml") {
        let doc = toml::de::DeTable::parse(&f.text).map_err(|e| {
            let at = e.span().map(|s| Location::char_at(f, s.start));
            unreadable(e.message().to_string(), at)
        })?;
        let mut eps = Vec::new();
        let Some(table) = toml_get(doc.get_ref(), "entryPoints").and_then(toml_table) else {
            return Ok(eps);
        };
        for (name, ep) in table {
            let name = name.get_ref().to_string();
            let Some(ep) = toml_table(ep) else { continue };
            let address = toml_get(ep, "address").and_then(|a| match a.get_ref() {
                toml::de::DeValue::String(s) => Some(s.to_string()),
                _ => None,
            });
            let idle = toml_get(ep, "transport")
                .and_then(toml_table)
                .and_then(|t| toml_get(t, "respondingTimeouts"))
                .and_then(toml_table)
                .and_then(|t| toml_get(t, "idleTimeout"))
                .map(|v| {
                    // A string's characters, inside its quotes.
                    let mut span = v.span();
                    if matches!(v.get_ref(), toml::de::DeValue::String(_)) && span.len() >= 2 {
                        span = span.start + 1..span.end - 1;
                    }
                    let at = Location::new(f, span);
                    match v.get_ref() {
                        toml::de::DeValue::String(s) => file_duration(s, at, &what(&name)),
                        toml::de::DeValue::Integer(i) => {
                            file_duration(i.as_str(), at, &what(&name))
                        }
                        _ => Setting::unresolved(
                            format!("{} is not a duration", what(&name)),
                            Some(at),
                        ),
                    }
                });
            eps.push(EntryPoint {
                name,
                address,
                idle,
            });
        }
        return Ok(eps);
    }
    use crate::cloudformation::tree::{Node, NodeKind};
    let doc = crate::cloudformation::tree::parse(f)
        .map_err(|e| unreadable(e.message, Some(Location::char_at(f, e.offset))))?;
    fn get<'n>(n: &'n Node, key: &str) -> Option<&'n Node> {
        n.entries()
            .iter()
            .rev()
            .find(|(k, _, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, _, v)| v)
    }
    let mut eps = Vec::new();
    let Some(table) = get(&doc, "entryPoints") else {
        return Ok(eps);
    };
    for (name, _, ep) in table.entries() {
        let address = get(ep, "address").and_then(|a| a.as_str().map(str::to_string));
        let idle = get(ep, "transport")
            .and_then(|t| get(t, "respondingTimeouts"))
            .and_then(|t| get(t, "idleTimeout"))
            .map(|v| match &v.kind {
                NodeKind::Str(s, at) => file_duration(s, at.clone(), &what(name)),
                NodeKind::Number(_) => file_duration(v.at.snippet(), v.at.clone(), &what(name)),
                _ => Setting::unresolved(
                    format!("{} is not a duration", what(name)),
                    Some(v.at.clone()),
                ),
            });
        eps.push(EntryPoint {
            name: name.clone(),
            address,
            idle,
        });
    }
    Ok(eps)
}

type TomlTable<'i> = toml::de::DeTable<'i>;

fn toml_get<'t, 'i>(
    t: &'t TomlTable<'i>,
    key: &str,
) -> Option<&'t toml::Spanned<toml::de::DeValue<'i>>> {
    t.iter()
        .rev()
        .find(|(k, _)| k.get_ref().eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

fn toml_table<'t, 'i>(v: &'t toml::Spanned<toml::de::DeValue<'i>>) -> Option<&'t TomlTable<'i>> {
    match v.get_ref() {
        toml::de::DeValue::Table(t) => Some(t),
        _ => None,
    }
}

/// The port of an entry point's address (`:80`, `0.0.0.0:8080/tcp`);
/// `None` for UDP, loopback and unreadable addresses.
fn address_port(address: &str) -> Option<u16> {
    let (a, proto) = match address.rsplit_once('/') {
        Some((a, p)) => (a, p),
        None => (address, "tcp"),
    };
    if !proto.eq_ignore_ascii_case("tcp") {
        return None;
    }
    let (host, port) = a.rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.starts_with("127.") || host == "::1" || host.eq_ignore_ascii_case("localhost") {
        return None;
    }
    port.parse().ok()
}

/// The idle timeout of the entry point the load balancer reaches, and its
/// name.
fn pick(ctx: &Invocation, eps: &[EntryPoint]) -> (Setting<Seconds>, Option<String>) {
    let value = |e: &EntryPoint| match &e.idle {
        Some(s) => s.clone(),
        None => ctx.default(DEFAULT, DEFAULT_SOURCE),
    };
    // Traefik's only entry point when none is configured: `http` on :80.
    if eps.is_empty() {
        return (ctx.default(DEFAULT, DEFAULT_SOURCE), None);
    }
    let reached: Vec<&EntryPoint> = match ctx.port {
        Some(p) => eps
            .iter()
            .filter(|e| e.address.as_deref().and_then(address_port) == Some(p))
            .collect(),
        None => eps.iter().collect(),
    };
    let reached = if reached.is_empty() {
        // No address names the port (an address in a variable, or none
        // written): every entry point may be the one.
        eps.iter().collect()
    } else {
        reached
    };
    let first = value(reached[0]);
    let same = |a: &Setting<Seconds>, b: &Setting<Seconds>| match (a.value(), b.value()) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    };
    if reached.len() == 1 {
        return (first, Some(reached[0].name.clone()));
    }
    if let Some(other) = reached.iter().skip(1).find(|e| !same(&value(e), &first)) {
        let show = |s: &Setting<Seconds>| match s.value() {
            Some(v) => format!("{} s", secs(*v)),
            None => "unknown".into(),
        };
        return (
            Setting::unresolved(
                format!(
                    "Traefik's entry points `{}` ({}) and `{}` ({}) have different idle timeouts, \
                     and keepalign cannot tell which one the load balancer reaches{}; set the \
                     same idleTimeout on both, or give each entry point an address with its port",
                    reached[0].name,
                    show(&first),
                    other.name,
                    show(&value(other)),
                    match ctx.port {
                        Some(p) => format!(" (none has an address on port {p})"),
                        None => String::new(),
                    }
                ),
                other
                    .idle
                    .as_ref()
                    .and_then(|s| s.location().cloned())
                    .or_else(|| ctx.server_at()),
            ),
            None,
        );
    }
    (first, Some(reached[0].name.clone()))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn default_flags_and_units() {
        let b = task()
            .cmd(&[
                "traefik",
                "--entryPoints.web.address=:80",
                "--providers.ecs=true",
            ])
            .build();
        let p = b.profile();
        assert_eq!(p.server, "traefik");
        assert_default(ka(&p), 180.0, "180s", Some(&b.at("\"traefik\"", "traefik")));
        assert_eq!(
            (p.keep_alive_fix)(65.0),
            "--entryPoints.web.transport.respondingTimeouts.idleTimeout=65s"
        );
        for (v, s) in [("65s", 65.0), ("3m", 180.0), ("90", 90.0), ("1m30s", 90.0)] {
            let flag = format!("--entrypoints.web.transport.respondingtimeouts.idletimeout={v}");
            let b = task()
                .cmd(&["traefik", "--entryPoints.web.address=:80", &flag])
                .build();
            assert_explicit(ka(&b.profile()), s, &b.at(&flag, v));
        }
        let b = task()
            .cmd(&[
                "traefik",
                "--entryPoints.web.transport.respondingTimeouts.idleTimeout",
                "75s",
            ])
            .build();
        assert_explicit(ka(&b.profile()), 75.0, &b.at("\"75s\"", "75s"));
    }

    #[test]
    fn zero_and_malformed_values_are_unknown() {
        let b = task()
            .cmd(&[
                "traefik",
                "--entryPoints.web.transport.respondingTimeouts.idleTimeout=0",
            ])
            .build();
        assert_unresolved(ka(&b.profile()), &["falls back to readTimeout"]);
        let b = task()
            .cmd(&[
                "traefik",
                "--entryPoints.web.transport.respondingTimeouts.idleTimeout=soon",
            ])
            .build();
        assert_unresolved(ka(&b.profile()), &["`soon`", "not a duration"]);
    }

    #[test]
    fn official_image_reads_environment_variables() {
        let b = task()
            .image("traefik:v3.1")
            .env("TRAEFIK_ENTRYPOINTS_WEB_ADDRESS", ":80")
            .env(
                "TRAEFIK_ENTRYPOINTS_WEB_TRANSPORT_RESPONDINGTIMEOUTS_IDLETIMEOUT",
                "120s",
            )
            .build();
        let p = b.profile();
        assert_explicit(ka(&p), 120.0, &b.at("\"120s\"", "120s"));
        // Flags win over variables: Traefik reads one source.
        let b = task()
            .image("traefik:v3.1")
            .cmd(&["--entryPoints.web.address=:80"])
            .env(
                "TRAEFIK_ENTRYPOINTS_WEB_TRANSPORT_RESPONDINGTIMEOUTS_IDLETIMEOUT",
                "120s",
            )
            .build();
        assert_eq!(b.profile().value_of_ka(), Some(180.0));
        assert!(
            task()
                .cmd(&["traefik", "version"])
                .build()
                .identify()
                .is_err()
        );
    }

    #[test]
    fn entry_point_on_the_container_port() {
        let cmd = [
            "traefik",
            "--entryPoints.web.address=:80",
            "--entryPoints.web.transport.respondingTimeouts.idleTimeout=30s",
            "--entryPoints.api.address=:8080",
            "--entryPoints.api.transport.respondingTimeouts.idleTimeout=300s",
        ];
        let b = task().cmd(&cmd).build();
        assert_unresolved(ka(&b.profile()), &["`web` (30 s)", "`api` (300 s)"]);
        let df = "FROM traefik:v3.1\n";
        let p = with_image_port(&b, df, &[], Some(8080)).unwrap();
        assert_eq!(p.value_of_ka(), Some(300.0));
        let p = with_image_port(&b, df, &[], Some(80)).unwrap();
        assert_eq!(p.value_of_ka(), Some(30.0));
        assert_eq!(
            (p.keep_alive_fix)(65.0),
            "--entryPoints.web.transport.respondingTimeouts.idleTimeout=65s"
        );
    }

    #[test]
    fn static_configuration_file_wins_over_flags() {
        let yml = "entryPoints:\n  web:\n    address: \":80\"\n    transport:\n      \
                   respondingTimeouts:\n        idleTimeout: 75s\n";
        let b = task()
            .image("traefik:v3.1")
            .cmd(&["--entryPoints.web.transport.respondingTimeouts.idleTimeout=10s"])
            .build();
        let df = "FROM traefik:v3.1\nCOPY traefik.yml /etc/traefik/traefik.yml\n";
        let p = with_image(&b, df, &[("traefik.yml", yml)]).unwrap();
        let at = ka(&p).location().unwrap().clone();
        assert_eq!((p.value_of_ka(), at.snippet()), (Some(75.0), "75s"));
        assert_eq!(at.start().0, 6);
        assert!((p.keep_alive_fix)(65.0).starts_with("entryPoints.web.transport"));
        // A bare number is seconds.
        let p = with_image(&b, df, &[("traefik.yml", &yml.replace("75s", "90"))]).unwrap();
        assert_eq!(p.value_of_ka(), Some(90.0));

        let toml = "[entryPoints.web]\naddress = \":80\"\n[entryPoints.web.transport.respondingTimeouts]\nidleTimeout = \"65s\"\n";
        let b = task()
            .cmd(&["traefik", "--configFile=/etc/traefik/static.toml"])
            .build();
        let df = "FROM traefik:v3.1\nCOPY static.toml /etc/traefik/static.toml\n";
        let p = with_image(&b, df, &[("static.toml", toml)]).unwrap();
        let at = ka(&p).location().unwrap().clone();
        assert_eq!((p.value_of_ka(), at.snippet()), (Some(65.0), "65s"));
        let p = with_image(&b, df, &[("static.toml", "[entryPoints\n")]).unwrap();
        assert_unresolved(ka(&p), &["cannot be read"]);
        let p = with_image(&b, "FROM traefik:v3.1\n", &[]).unwrap();
        assert_unresolved(ka(&p), &["nothing in", "COPY it"]);
        // Not built here: the file is not visible.
        let p = b.profile();
        assert_unresolved(ka(&p), &["static.toml", "[[image]]"]);
    }

    #[test]
    fn hostile_files_do_not_panic() {
        for text in [
            "entryPoints: [",
            "entryPoints:\n  web: 5\n",
            "entryPoints:\n  web:\n    transport: [1, 2]\n",
            "a: &a [*a]\n",
            "[[[[[[",
            "entryPoints = 5",
            "\u{0}\u{ff}",
        ] {
            for ext in ["yml", "toml"] {
                let f = SourceFile::new(format!("t.{ext}").into(), text.to_string());
                let _ = parse_file(&f);
            }
        }
        let deep = "[".repeat(10_000);
        let _ = parse_file(&SourceFile::new("t.yml".into(), deep.clone()));
        let _ = parse_file(&SourceFile::new("t.toml".into(), format!("a = {deep}")));
    }
}
