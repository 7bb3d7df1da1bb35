//! Caddy 2 (`caddy run`, `caddy start`, `caddy reverse-proxy`, `caddy
//! file-server`, or the official `caddy` image, whose CMD is `caddy run
//! --config /etc/caddy/Caddyfile --adapter caddyfile`): each HTTP server
//! closes a connection idle for its `idle_timeout`, 5 minutes when unset or
//! 0 (`defaultIdleTimeout`, caddyserver/caddy `modules/caddyhttp/app.go`,
//! v2.8 to v2.10: "if there is no idle timeout, set a sane default"; Caddy
//! docs, global options `timeouts`, "idle ... Default: 5m").
//!
//! It is set in the Caddyfile's global options (`servers [ADDRESS] {
//! timeouts { idle 65s } }`) or in JSON (`apps.http.servers.NAME.idle_timeout`,
//! a duration string, or an integer of nanoseconds). Durations are Go's,
//! plus `d` (`caddy.ParseDuration`). The configuration is `--config FILE`
//! (or `./Caddyfile` when `caddy run` has none, the official image's
//! `/etc/caddy/Caddyfile` as its CMD says), read from the image when a
//! Dockerfile in the scan builds it; the official image's stock Caddyfile
//! (a file server on :80) sets no timeout. A file is a Caddyfile when
//! `--adapter caddyfile` says so or its name starts with `Caddyfile`, JSON
//! otherwise. With several servers, the one listening on the container port
//! the load balancer sends to is read; when the port is not known and they
//! disagree, the value is unknown.
//!
//! Not modelled: `import` in the global options, and adapters other than
//! the Caddyfile's (a value keepalign cannot read is unknown).

use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile, go_duration, secs};
use crate::model::{Seconds, Setting, Word};
use crate::source::{Location, SourceFile};
use std::ops::Range;
use std::sync::Arc;

const DEFAULT: Seconds = 300.0;
const DEFAULT_SOURCE: &str =
    "Caddy default idle timeout 5m (defaultIdleTimeout, modules/caddyhttp/app.go)";
const OFFICIAL_CADDYFILE: &str = "/etc/caddy/Caddyfile";

fn official(repo: &str) -> bool {
    super::hub_repo(repo) == "caddy"
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Caddyfile,
    Json,
}

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    let image_official = ctx.image().is_some_and(|i| official(&i.repo));
    let (config, adapter, quick): (Option<Word>, Option<Word>, bool) = match ctx.program() {
        Some("caddy") => {
            let args = ctx.args();
            let sub = args.first().map(|w| w.text.as_str());
            match sub {
                Some("run" | "start") => (
                    super::args::find(&args[1..], &["--config"], &["-c"]).map(|f| f.value),
                    super::args::find(&args[1..], &["--adapter"], &["-a"]).map(|f| f.value),
                    false,
                ),
                Some("reverse-proxy" | "file-server") => (None, None, true),
                _ => return None,
            }
        }
        Some(_) => return None,
        None if image_official => (None, None, false),
        None => return None,
    };
    let by_image = ctx.argv.is_empty();
    let (keep_alive, format) = if quick {
        // No configuration: Caddy's defaults.
        (ctx.default(DEFAULT, DEFAULT_SOURCE), Format::Caddyfile)
    } else {
        let path = match &config {
            Some(w) => w.clone(),
            None if by_image => Word::new(OFFICIAL_CADDYFILE, None),
            None => Word::new("Caddyfile", None),
        };
        let name = path.text.rsplit('/').next().unwrap_or("");
        let format = match adapter.as_ref().map(|a| a.text.as_str()) {
            Some("caddyfile") => Format::Caddyfile,
            None if by_image || name.starts_with("Caddyfile") || name.ends_with(".caddyfile") => {
                Format::Caddyfile
            }
            None | Some("json") => Format::Json,
            Some(other) => {
                return Some(profile(
                    ctx,
                    ctx.unresolved(format!(
                        "Caddy reads its configuration with the `{other}` adapter, which \
                         keepalign does not read; declare the keep-alive in keepalign.toml \
                         ([[service]] with keep-alive)"
                    )),
                    Format::Json,
                ));
            }
        };
        (configured(ctx, &path, format, image_official), format)
    };
    Some(profile(ctx, keep_alive, format))
}

fn profile(ctx: &Invocation, keep_alive: Setting<Seconds>, format: Format) -> ServerProfile {
    ServerProfile {
        server: "caddy",
        description: ctx.described("Caddy"),
        identified_at: ctx.server_at(),
        keep_alive: KeepAlive::Timeout(keep_alive),
        graceful_timeout: None,
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix: match format {
            Format::Caddyfile => |s| {
                format!(
                    "{{ servers {{ timeouts {{ idle {}s }} }} }} (the global options block at \
                     the top of the Caddyfile)",
                    secs(s)
                )
            },
            Format::Json => |s| {
                format!(
                    "\"idle_timeout\": \"{}s\" (in apps.http.servers.NAME of Caddy's JSON \
                     configuration)",
                    secs(s)
                )
            },
        },
        graceful_fix: None,
    }
}

/// The idle timeout from the configuration file at `path`.
fn configured(
    ctx: &Invocation,
    path: &Word,
    format: Format,
    image_official: bool,
) -> Setting<Seconds> {
    if let Some(u) = ctx.unresolvable_config("Caddy", path) {
        return u;
    }
    let stock = || {
        ctx.default(
            DEFAULT,
            "Caddy default idle timeout 5m, as the stock /etc/caddy/Caddyfile of the official \
             caddy image sets none (modules/caddyhttp/app.go)",
        )
    };
    let Some(files) = &ctx.files else {
        if image_official && path.text == OFFICIAL_CADDYFILE {
            return stock();
        }
        return Setting::unresolved(
            format!(
                "Caddy's idle timeout is set in `{}`, which keepalign reads only from an image \
                 built by a Dockerfile in the scan; name the Dockerfile in keepalign.toml \
                 ([[image]] with match and dockerfile), or declare the keep-alive in \
                 keepalign.toml ([[service]] with keep-alive)",
                path.display()
            ),
            path.at.clone().or_else(|| ctx.server_at()),
        );
    };
    let absolute = files.absolute(&path.text);
    let file = match super::conf_files::read_from_image(files, &absolute) {
        Ok(Some(f)) => f,
        Ok(None) => {
            let base = files.dockerfile.base_image(files.stage);
            let official_base = base.unknown.is_none()
                && official(&super::split_image(&base.text).repo)
                && absolute == OFFICIAL_CADDYFILE;
            if official_base {
                return stock();
            }
            return Setting::unresolved(
                format!(
                    "Caddy reads {absolute}, which nothing in {} brings into the image, so \
                     keepalign cannot read its idle timeout; COPY it from the build context, or \
                     declare the keep-alive in keepalign.toml ([[service]] with keep-alive)",
                    files.dockerfile.file.display
                ),
                path.at.clone().or_else(|| ctx.server_at()),
            );
        }
        Err(p) => {
            return Setting::unresolved(
                format!(
                    "Caddy's configuration in the image: {}; declare the keep-alive in \
                     keepalign.toml ([[service]] with keep-alive)",
                    p.reason
                ),
                p.at.or_else(|| ctx.server_at()),
            );
        }
    };
    let servers = match format {
        Format::Caddyfile => caddyfile_servers(&file),
        Format::Json => json_servers(&file),
    };
    match servers {
        Ok(servers) => pick(ctx, &servers),
        Err((why, at)) => Setting::unresolved(
            format!(
                "Caddy's configuration {} cannot be read ({why}); declare the keep-alive in \
                 keepalign.toml ([[service]] with keep-alive)",
                file.display
            ),
            at.or_else(|| ctx.server_at()),
        ),
    }
}

/// One server's settings: the ports it is for (none: every server), and
/// its idle timeout when set.
#[derive(Debug)]
struct Server {
    ports: Vec<u16>,
    /// The name or address it is written under, for messages.
    name: String,
    idle: Option<Idle>,
}

#[derive(Clone, Debug)]
struct Idle {
    text: String,
    /// A JSON integer: nanoseconds.
    nanos: bool,
    at: Location,
}

type Failure = (String, Option<Location>);

/// A Caddyfile token: its text (quotes removed) and where it is.
fn tokens(text: &str) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'#' {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        if c == b'"' || c == b'`' {
            i += 1;
            let mut s = String::new();
            while i < bytes.len() && bytes[i] != c {
                if c == b'"' && bytes[i] == b'\\' && i + 1 < bytes.len() {
                    i += 1;
                }
                let ch_len = text[i..].chars().next().map_or(1, char::len_utf8);
                s.push_str(&text[i..i + ch_len]);
                i += ch_len;
            }
            i = (i + 1).min(bytes.len());
            out.push((s, start + 1..i.saturating_sub(1).max(start + 1)));
            continue;
        }
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        // `{` and `}` stand alone in a Caddyfile; anything else is a word.
        out.push((text[start..i].to_string(), start..i));
    }
    out
}

/// The `servers` blocks of a Caddyfile's global options block.
fn caddyfile_servers(f: &Arc<SourceFile>) -> Result<Vec<Server>, Failure> {
    let toks = tokens(&f.text);
    let mut servers = Vec::new();
    // The global options block is a `{` before anything else.
    if toks.first().map(|(t, _)| t.as_str()) != Some("{") {
        return Ok(servers);
    }
    let at = |r: &Range<usize>| Location::new(f, r.clone());
    let mut i = 1;
    let mut depth = 1usize;
    // In the global block: `servers [ADDR] {`, then `timeouts {`, then `idle V`.
    let mut current: Option<usize> = None;
    let mut servers_depth = 0;
    let mut timeouts_depth = 0;
    let mut line_start = true;
    let line_of = |r: &Range<usize>| f.line_col(r.start).0;
    while let Some((t, r)) = toks.get(i) {
        let next_line = toks
            .get(i + 1)
            .is_none_or(|(_, n)| line_of(n) != line_of(r));
        match t.as_str() {
            "{" => {
                depth += 1;
                if depth > crate::json::MAX_DEPTH {
                    return Err(("blocks nest too deep".into(), Some(at(r))));
                }
            }
            "}" => {
                if depth == timeouts_depth {
                    timeouts_depth = 0;
                }
                if depth == servers_depth {
                    servers_depth = 0;
                    current = None;
                }
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            "servers" if depth == 1 && line_start => {
                // `servers [ADDRESS...] {`
                let mut ports = Vec::new();
                let mut names = Vec::new();
                let mut j = i + 1;
                while let Some((a, ar)) = toks.get(j) {
                    if a == "{" || line_of(ar) != line_of(r) {
                        break;
                    }
                    names.push(a.clone());
                    if let Some(p) = address_port(a) {
                        ports.push(p);
                    }
                    j += 1;
                }
                if toks.get(j).is_some_and(|(a, _)| a == "{") {
                    servers.push(Server {
                        ports,
                        name: if names.is_empty() {
                            "servers".into()
                        } else {
                            format!("servers {}", names.join(" "))
                        },
                        idle: None,
                    });
                    current = Some(servers.len() - 1);
                    servers_depth = depth + 1;
                }
                i = j;
                line_start = false;
                continue;
            }
            "timeouts" if current.is_some() && depth == servers_depth && line_start => {
                if toks.get(i + 1).is_some_and(|(a, _)| a == "{") {
                    timeouts_depth = depth + 1;
                } else if let (Some(c), Some((v, vr))) = (current, toks.get(i + 1)) {
                    // `timeouts 65s`: every timeout.
                    servers[c].idle = Some(Idle {
                        text: v.clone(),
                        nanos: false,
                        at: at(vr),
                    });
                }
            }
            "idle" if timeouts_depth != 0 && depth == timeouts_depth && line_start => {
                if let (Some(c), Some((v, vr))) = (current, toks.get(i + 1)) {
                    servers[c].idle = Some(Idle {
                        text: v.clone(),
                        nanos: false,
                        at: at(vr),
                    });
                }
            }
            _ => {}
        }
        line_start = next_line || t == "{" || t == "}";
        i += 1;
    }
    Ok(servers)
}

/// The servers of Caddy's JSON configuration.
fn json_servers(f: &Arc<SourceFile>) -> Result<Vec<Server>, Failure> {
    use crate::cloudformation::tree::NodeKind;
    crate::budget::syntax_fits(&f.text).map_err(|e| (e, None))?;
    let doc = crate::cloudformation::tree::parse(f)
        .map_err(|e| (e.message, Some(Location::char_at(f, e.offset))))?;
    let mut out = Vec::new();
    let Some(servers) = doc
        .get("apps")
        .and_then(|a| a.get("http"))
        .and_then(|h| h.get("servers"))
    else {
        return Ok(out);
    };
    for (name, _, s) in servers.entries() {
        let ports = match s.get("listen").map(|l| &l.kind) {
            Some(NodeKind::Seq(items)) => items
                .iter()
                .filter_map(|a| a.as_str().and_then(address_port))
                .collect(),
            _ => Vec::new(),
        };
        let idle = s.get("idle_timeout").map(|v| match &v.kind {
            NodeKind::Str(text, at) => Idle {
                text: text.clone(),
                nanos: false,
                at: at.clone(),
            },
            _ => Idle {
                text: v.at.snippet().to_string(),
                nanos: matches!(v.kind, NodeKind::Number(_)),
                at: v.at.clone(),
            },
        });
        out.push(Server {
            ports,
            name: format!("apps.http.servers.{name}"),
            idle,
        });
    }
    Ok(out)
}

/// The port of a listener address (`:80`, `0.0.0.0:8080`, `tcp/:80`).
fn address_port(a: &str) -> Option<u16> {
    let a = a.strip_prefix("tcp/").unwrap_or(a);
    let a = a.split("://").last().unwrap_or(a);
    let (_, port) = a.rsplit_once(':')?;
    port.parse().ok()
}

fn value(ctx: &Invocation, idle: &Option<Idle>) -> Setting<Seconds> {
    let Some(idle) = idle else {
        return ctx.default(DEFAULT, DEFAULT_SOURCE);
    };
    let seconds = if idle.nanos {
        idle.text.parse::<u64>().ok().map(|n| n as f64 / 1e9)
    } else {
        go_duration(&idle.text, true)
    };
    match seconds {
        // 0 is unset: Caddy applies its default.
        Some(0.0) => Setting::default(
            DEFAULT,
            format!("{DEFAULT_SOURCE}, as an idle timeout of 0 is unset"),
            Some(idle.at.clone()),
        ),
        Some(s) => Setting::explicit(s, idle.at.clone()),
        None => Setting::unresolved(
            format!(
                "Caddy's idle timeout is `{}`, not a duration keepalign can read (`65s`, `5m`{})",
                idle.text,
                if idle.nanos { "" } else { ", with a unit" }
            ),
            Some(idle.at.clone()),
        ),
    }
}

/// The idle timeout of the server the load balancer reaches.
fn pick(ctx: &Invocation, servers: &[Server]) -> Setting<Seconds> {
    if servers.is_empty() {
        return ctx.default(DEFAULT, DEFAULT_SOURCE);
    }
    // A Caddyfile `servers` block with no address applies to every server
    // that no addressed block names.
    let reached: Vec<&Server> = match ctx.port {
        Some(p) => {
            let on_port: Vec<&Server> = servers.iter().filter(|s| s.ports.contains(&p)).collect();
            if on_port.is_empty() {
                servers.iter().filter(|s| s.ports.is_empty()).collect()
            } else {
                on_port
            }
        }
        None => servers.iter().collect(),
    };
    let Some(first) = reached.first() else {
        return ctx.default(DEFAULT, DEFAULT_SOURCE);
    };
    let v = value(ctx, &first.idle);
    for other in &reached[1..] {
        let w = value(ctx, &other.idle);
        if v.value().is_none() || v.value() != w.value() {
            return Setting::unresolved(
                format!(
                    "Caddy's `{}` and `{}` have different idle timeouts, and keepalign cannot \
                     tell which one the load balancer reaches; set the same idle timeout on both",
                    first.name, other.name
                ),
                w.location().cloned().or_else(|| ctx.server_at()),
            );
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn official_image_and_quick_commands_take_the_default() {
        let b = task().image("caddy:2.8-alpine").build();
        let p = b.profile();
        assert_eq!(p.server, "caddy");
        assert_default(
            ka(&p),
            300.0,
            "stock /etc/caddy/Caddyfile",
            Some(&b.at("\"caddy:2.8-alpine\"", "caddy:2.8-alpine")),
        );
        assert!((p.keep_alive_fix)(65.0).starts_with("{ servers { timeouts { idle 65s } } }"));
        let b = task()
            .cmd(&[
                "caddy",
                "reverse-proxy",
                "--from",
                ":80",
                "--to",
                "app:8000",
            ])
            .build();
        assert_default(
            ka(&b.profile()),
            300.0,
            "5m",
            Some(&b.at("\"caddy\"", "caddy")),
        );
        // Not the server: other subcommands, other images.
        assert!(
            task()
                .cmd(&["caddy", "version"])
                .build()
                .identify()
                .is_err()
        );
        assert!(
            task()
                .image("123.dkr.ecr/caddy:1")
                .build()
                .identify()
                .is_err()
        );
        let b = task()
            .cmd(&["caddy", "run", "--config", "/etc/caddy/caddy.json"])
            .build();
        let u = assert_unresolved(ka(&b.profile()), &["`/etc/caddy/caddy.json`", "[[image]]"]);
        assert_eq!(
            u.at,
            Some(b.at("\"/etc/caddy/caddy.json\"", "/etc/caddy/caddy.json"))
        );
    }

    const DF: &str = "FROM caddy:2.8\nCOPY Caddyfile /etc/caddy/Caddyfile\n";

    fn caddyfile(text: &str, port: Option<u16>) -> ServerProfile {
        let b = task().image("caddy:2.8").build();
        with_image_port(&b, DF, &[("Caddyfile", text)], port).unwrap()
    }

    #[test]
    fn caddyfile_global_options() {
        let text = "{\n\temail ops@example.com\n\tservers {\n\t\ttimeouts {\n\t\t\tread_body 10s\n\t\t\tidle 65s\n\t\t}\n\t}\n}\n\n:80 {\n\treverse_proxy app:8000\n}\n";
        let p = caddyfile(text, None);
        let at = ka(&p).location().unwrap().clone();
        assert_eq!(
            (p.value_of_ka(), at.snippet(), at.start().0),
            (Some(65.0), "65s", 6)
        );
        assert_eq!(
            caddyfile(&text.replace("65s", "2m"), None).value_of_ka(),
            Some(120.0)
        );
        assert_eq!(
            caddyfile(&text.replace("65s", "1d"), None).value_of_ka(),
            Some(86400.0)
        );
        // 0 is unset: the default.
        let p = caddyfile(&text.replace("65s", "0"), None);
        let zero = ka(&p).location().unwrap().clone();
        assert_eq!((zero.snippet(), zero.start().0), ("0", 6));
        assert_default(ka(&p), 300.0, "0 is unset", Some(&zero));
        assert_unresolved(
            ka(&caddyfile(&text.replace("65s", "65"), None)),
            &["`65`", "with a unit"],
        );
        assert_unresolved(
            ka(&caddyfile(&text.replace("65s", "{$IDLE}"), None)),
            &["`{$IDLE}`"],
        );
        // No global options, or none about servers: the default.
        let p = caddyfile(":80 {\n\tidle 10s\n}\n", None);
        assert_default(ka(&p), 300.0, "5m", Some(&p.identified_at.clone().unwrap()));
        // `timeouts 30s` sets every timeout.
        let p = caddyfile("{\n servers {\n  timeouts 30s\n }\n}\n", None);
        assert_eq!(p.value_of_ka(), Some(30.0));
    }

    #[test]
    fn servers_by_listener_address() {
        let text = "{\n\tservers :80 {\n\t\ttimeouts {\n\t\t\tidle 30s\n\t\t}\n\t}\n\tservers :8080 {\n\t\ttimeouts {\n\t\t\tidle 90s\n\t\t}\n\t}\n}\n";
        assert_eq!(caddyfile(text, Some(8080)).value_of_ka(), Some(90.0));
        assert_eq!(caddyfile(text, Some(80)).value_of_ka(), Some(30.0));
        assert_unresolved(
            ka(&caddyfile(text, None)),
            &["`servers :80`", "`servers :8080`"],
        );
    }

    #[test]
    fn json_configuration() {
        let json = r#"{"apps": {"http": {"servers": {"srv0": {"listen": [":80"], "idle_timeout": "75s"}, "admin": {"listen": [":9000"], "idle_timeout": 5000000000}}}}}"#;
        let b = task()
            .cmd(&["caddy", "run", "--config", "/etc/caddy/caddy.json"])
            .build();
        let df = "FROM caddy:2.8\nCOPY caddy.json /etc/caddy/caddy.json\n";
        let p = with_image_port(&b, df, &[("caddy.json", json)], Some(80)).unwrap();
        assert_eq!(
            (p.value_of_ka(), ka(&p).location().unwrap().snippet()),
            (Some(75.0), "75s")
        );
        assert!((p.keep_alive_fix)(65.0).starts_with("\"idle_timeout\": \"65s\""));
        let p = with_image_port(&b, df, &[("caddy.json", json)], Some(9000)).unwrap();
        assert_eq!(p.value_of_ka(), Some(5.0));
        let p = with_image_port(&b, df, &[("caddy.json", "{\"apps\": [")], Some(80)).unwrap();
        assert_unresolved(ka(&p), &["cannot be read"]);
        let b = task()
            .cmd(&[
                "caddy",
                "run",
                "--config",
                "/etc/caddy/c.yaml",
                "--adapter",
                "yaml",
            ])
            .build();
        assert_unresolved(ka(&b.profile()), &["`yaml` adapter"]);
    }

    #[test]
    fn hostile_caddyfiles_do_not_panic() {
        const PIECES: &[&str] = &[
            "{", "}", "servers", "timeouts", "idle", "65s", "\"", "`", "\\", "#", "\n", " ", "é",
            ":80", "{$X}",
        ];
        let mut random = crate::testing::Random::new(11);
        for _ in 0..500 {
            let text = random.text(PIECES, 50);
            let _ = caddyfile_servers(&SourceFile::new("Caddyfile".into(), text));
        }
        let deep = "{\n".repeat(100_000);
        assert!(caddyfile_servers(&SourceFile::new("Caddyfile".into(), deep)).is_err());
    }
}
