//! Envoy (`envoy`, or the `envoyproxy/envoy*` images, whose entry point
//! runs `envoy` with the command's options and whose CMD is `envoy -c
//! /etc/envoy/envoy.yaml`): an HTTP connection manager closes a downstream
//! connection with no active request for
//! `common_http_protocol_options.idle_timeout`, 1 hour when not set, never
//! when set to 0 (Envoy API, `config.core.v3.HttpProtocolOptions.idle_timeout`:
//! "If not specified, this defaults to 1 hour. To disable idle timeouts
//! explicitly set this to 0"; Envoy FAQ "How do I configure timeouts?",
//! v1.39). An idle timeout of 0 is said to be no limit, as for Spring
//! Boot's `-1`: keepalign has no number to compare.
//!
//! The value is in the bootstrap configuration: `-c FILE` /
//! `--config-path FILE` (YAML or JSON), read from the image when a
//! Dockerfile in the scan builds it, and `--config-yaml TEXT` in the
//! command, whose listeners add to the file's. Durations are protobuf
//! JSON durations (`65s`, `1.5s`). The listeners read are the static ones
//! whose `socket_address.port_value` is the container port the load
//! balancer sends to (all when it is not known); each filter chain's
//! `envoy.filters.network.http_connection_manager` counts, and when they
//! disagree the value is unknown. Listeners served over xDS
//! (`dynamic_resources`) are not visible: unknown.

use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile, secs};
use crate::cloudformation::tree::{Node, NodeKind};
use crate::model::{Seconds, Setting, Word};
use crate::source::{Location, SourceFile};
use std::sync::Arc;

const DEFAULT: Seconds = 3600.0;
const DEFAULT_SOURCE: &str = "Envoy default HTTP connection manager idle_timeout 1h \
     (config.core.v3.HttpProtocolOptions.idle_timeout)";
const OFFICIAL_CONFIG: &str = "/etc/envoy/envoy.yaml";

fn official(repo: &str) -> bool {
    super::hub_repo(repo).starts_with("envoyproxy/envoy")
}

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    let options = ctx.options_for("envoy", official)?;
    let path = super::args::find(options, &["--config-path"], &["-c"]).map(|f| f.value);
    let inline = super::args::find(options, &["--config-yaml"], &[]).map(|f| f.value);
    let path = match (path, &inline, ctx.argv.is_empty()) {
        (Some(p), _, _) => Some(p),
        // The official image's CMD.
        (None, _, true) => Some(Word::new(OFFICIAL_CONFIG, None)),
        (None, _, false) => None,
    };
    let keep_alive = match read(ctx, path.as_ref(), inline.as_ref()) {
        Ok(listeners) => pick(ctx, &listeners),
        Err(s) => KeepAlive::Timeout(s),
    };
    Some(ServerProfile {
        server: "envoy",
        description: ctx.described("Envoy"),
        identified_at: ctx.server_at(),
        keep_alive,
        graceful_timeout: None,
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix: |s| {
            format!(
                "common_http_protocol_options: {{idle_timeout: {}s}} (in the \
                 http_connection_manager's typed_config)",
                secs(s)
            )
        },
        graceful_fix: None,
    })
}

/// One HTTP connection manager of a static listener.
#[derive(Debug)]
struct Manager {
    /// The listener's name (or its place) for messages.
    listener: String,
    port: Option<u16>,
    idle: Setting<Seconds>,
}

/// The listeners, or why they cannot be known.
#[derive(Debug)]
enum Listeners {
    Static(Vec<Manager>),
}

fn read(
    ctx: &Invocation,
    path: Option<&Word>,
    inline: Option<&Word>,
) -> Result<Listeners, Setting<Seconds>> {
    let mut managers = Vec::new();
    if let Some(w) = path {
        if let Some(u) = ctx.unresolvable_config("Envoy", w) {
            return Err(u);
        }
        let Some(files) = &ctx.files else {
            return Err(Setting::unresolved(
                format!(
                    "Envoy's idle timeout is set in `{}`, which keepalign reads only from an \
                     image built by a Dockerfile in the scan; name the Dockerfile in \
                     keepalign.toml ([[image]] with match and dockerfile), or declare the \
                     keep-alive in keepalign.toml ([[service]] with keep-alive)",
                    w.display()
                ),
                w.at.clone().or_else(|| ctx.server_at()),
            ));
        };
        let absolute = files.absolute(&w.text);
        let file = match super::conf_files::read_from_image(files, &absolute) {
            Ok(Some(f)) => f,
            Ok(None) => {
                return Err(Setting::unresolved(
                    format!(
                        "Envoy reads {absolute}, which nothing in {} brings into the image, so \
                         keepalign cannot read its idle timeout; COPY it from the build context, \
                         or declare the keep-alive in keepalign.toml ([[service]] with \
                         keep-alive)",
                        files.dockerfile.file.display
                    ),
                    w.at.clone().or_else(|| ctx.server_at()),
                ));
            }
            Err(p) => {
                return Err(Setting::unresolved(
                    format!(
                        "Envoy's configuration in the image: {}; declare the keep-alive in \
                         keepalign.toml ([[service]] with keep-alive)",
                        p.reason
                    ),
                    p.at.or_else(|| ctx.server_at()),
                ));
            }
        };
        managers.extend(bootstrap(&file, &|r| Location::new(&file, r))?);
    }
    if let Some(w) = inline {
        if let Some(u) = &w.unknown {
            return Err(Setting::unresolved(
                format!("Envoy --config-yaml: {}", u.reason),
                u.at.clone().or(w.at.clone()),
            ));
        }
        // Parsed on its own as YAML (a flow mapping `{...}` too, which the
        // parser would take for JSON without the document marker); values
        // are located inside the command's word.
        const MARKER: &str = "---\n";
        let file = SourceFile::new("--config-yaml".into(), format!("{MARKER}{}", w.text));
        let place = |r: std::ops::Range<usize>| {
            let shift = |o: usize| o.saturating_sub(MARKER.len()).min(w.text.len());
            w.sub(shift(r.start)..shift(r.end))
                .at
                .or_else(|| w.at.clone())
                .unwrap_or_else(|| ctx.container.at.clone())
        };
        managers.extend(bootstrap(&file, &place)?);
    }
    if path.is_none() && inline.is_none() {
        return Err(ctx.unresolved(
            "Envoy is given no configuration (-c, --config-path or --config-yaml) that \
             keepalign can see; declare the keep-alive in keepalign.toml ([[service]] with \
             keep-alive)",
        ));
    }
    Ok(Listeners::Static(managers))
}

/// The HTTP connection managers of a bootstrap document; `place` turns a
/// byte range of `file` into a location (inside a command's word for
/// `--config-yaml`).
fn bootstrap(
    file: &Arc<SourceFile>,
    place: &dyn Fn(std::ops::Range<usize>) -> Location,
) -> Result<Vec<Manager>, Setting<Seconds>> {
    let unreadable = |why: String, at: Option<Location>| {
        Setting::unresolved(
            format!(
                "Envoy's configuration {} cannot be read ({why}); declare the keep-alive in \
                 keepalign.toml ([[service]] with keep-alive)",
                file.display
            ),
            at,
        )
    };
    crate::budget::syntax_fits(&file.text).map_err(|e| unreadable(e, None))?;
    let doc = crate::cloudformation::tree::parse(file)
        .map_err(|e| unreadable(e.message, Some(place(e.offset..e.offset))))?;
    if let Some(d) = doc.get("dynamic_resources")
        && d.get("lds_config").is_some()
    {
        return Err(Setting::unresolved(
            "Envoy's listeners come from its control plane (dynamic_resources.lds_config), which \
             keepalign cannot see; declare the keep-alive in keepalign.toml ([[service]] with \
             keep-alive)",
            Some(place(d.at.span.clone())),
        ));
    }
    let mut out = Vec::new();
    let Some(listeners) = doc.get("static_resources").and_then(|s| s.get("listeners")) else {
        return Ok(out);
    };
    for (i, l) in seq(listeners).iter().enumerate() {
        let name = l
            .get("name")
            .and_then(Node::as_str)
            .map_or_else(|| format!("#{}", i + 1), str::to_string);
        let port = l
            .get("address")
            .and_then(|a| a.get("socket_address"))
            .and_then(|s| s.get("port_value"))
            .and_then(|p| match &p.kind {
                NodeKind::Number(n) if *n >= 0.0 && *n <= 65535.0 => Some(*n as u16),
                NodeKind::Str(s, _) => s.parse().ok(),
                _ => None,
            });
        for chain in l.get("filter_chains").map(seq).unwrap_or_default() {
            for filter in chain.get("filters").map(seq).unwrap_or_default() {
                let config = filter.get("typed_config").or_else(|| filter.get("config"));
                let is_hcm = filter
                    .get("name")
                    .and_then(Node::as_str)
                    .is_some_and(|n| n.ends_with("http_connection_manager"))
                    || config
                        .and_then(|c| c.get("@type"))
                        .and_then(Node::as_str)
                        .is_some_and(|t| t.ends_with(".HttpConnectionManager"));
                if !is_hcm {
                    continue;
                }
                let idle = config
                    .and_then(|c| c.get("common_http_protocol_options"))
                    .and_then(|o| o.get("idle_timeout"));
                out.push(Manager {
                    listener: name.clone(),
                    port,
                    idle: match idle {
                        None => Setting::default(
                            DEFAULT,
                            DEFAULT_SOURCE,
                            Some(place(filter.at.span.clone())),
                        ),
                        Some(v) => duration(v, place),
                    },
                });
            }
        }
    }
    Ok(out)
}

fn seq(n: &Node) -> Vec<&Node> {
    match &n.kind {
        NodeKind::Seq(items) => items.iter().collect(),
        _ => Vec::new(),
    }
}

/// A protobuf JSON duration (`65s`, `0.5s`); 0 disables the timeout.
fn duration(v: &Node, place: &dyn Fn(std::ops::Range<usize>) -> Location) -> Setting<Seconds> {
    let (text, at) = match &v.kind {
        NodeKind::Str(s, at) => (s.clone(), place(at.span.clone())),
        _ => (v.at.snippet().to_string(), place(v.at.span.clone())),
    };
    match text.strip_suffix('s').and_then(super::parse_number) {
        // 0 turns the timeout off: held as no limit until `pick`.
        Some(0.0) => Setting::explicit(f64::INFINITY, at),
        Some(s) => Setting::explicit(s, at),
        None => Setting::unresolved(
            format!(
                "Envoy's idle_timeout is `{text}`, not a duration keepalign can read (seconds \
                 with an `s`: `65s`, `0.5s`)"
            ),
            Some(at),
        ),
    }
}

fn pick(ctx: &Invocation, listeners: &Listeners) -> KeepAlive {
    let Listeners::Static(managers) = listeners;
    let reached: Vec<&Manager> = match ctx.port {
        Some(p) => managers.iter().filter(|m| m.port == Some(p)).collect(),
        None => managers.iter().collect(),
    };
    let Some(first) = reached.first() else {
        return KeepAlive::Timeout(
            ctx.unresolved(match ctx.port {
                Some(p) => format!(
                    "no static listener of Envoy's configuration with an HTTP connection manager \
                 listens on port {p}, the container port the load balancer sends to"
                ),
                None => "Envoy's configuration has no static listener with an HTTP connection \
                     manager"
                    .to_string(),
            }),
        );
    };
    for other in &reached[1..] {
        if first.idle.value().is_none() || first.idle.value() != other.idle.value() {
            return KeepAlive::Timeout(Setting::unresolved(
                format!(
                    "Envoy's HTTP connection managers (listeners `{}` and `{}`) have different \
                     idle timeouts, and keepalign cannot tell which one the load balancer \
                     reaches; set the same common_http_protocol_options.idle_timeout on both",
                    first.listener, other.listener
                ),
                other.idle.location().cloned().or_else(|| ctx.server_at()),
            ));
        }
    }
    match first.idle.value() {
        Some(v) if v.is_infinite() => KeepAlive::NoLimit {
            why: "Envoy's idle_timeout is 0, which turns the idle timeout off".into(),
            at: first.idle.location().cloned(),
        },
        _ => KeepAlive::Timeout(first.idle.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    const ENVOY_YAML: &str = "static_resources:
  listeners:
  - name: ingress
    address:
      socket_address: { address: 0.0.0.0, port_value: 8080 }
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          \"@type\": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: ingress
          common_http_protocol_options:
            idle_timeout: 75s
          route_config: {}
  - name: metrics
    address:
      socket_address: { address: 0.0.0.0, port_value: 9901 }
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          stat_prefix: metrics
";

    const DF: &str = "FROM envoyproxy/envoy:v1.31-latest\nCOPY envoy.yaml /etc/envoy/envoy.yaml\n";

    #[test]
    fn bootstrap_in_the_image_by_port() {
        let b = task().image("envoyproxy/envoy:v1.31-latest").build();
        let p = with_image_port(&b, DF, &[("envoy.yaml", ENVOY_YAML)], Some(8080)).unwrap();
        assert_eq!(p.server, "envoy");
        let at = ka(&p).location().unwrap().clone();
        assert_eq!(
            (p.value_of_ka(), at.snippet(), at.start().0),
            (Some(75.0), "75s", 13)
        );
        assert!(
            (p.keep_alive_fix)(65.0)
                .starts_with("common_http_protocol_options: {idle_timeout: 65s}")
        );
        let p = with_image_port(&b, DF, &[("envoy.yaml", ENVOY_YAML)], Some(9901)).unwrap();
        assert_eq!(p.value_of_ka(), Some(3600.0));
        assert!(ka(&p).is_default());
        let p = with_image_port(&b, DF, &[("envoy.yaml", ENVOY_YAML)], None).unwrap();
        assert_unresolved(ka(&p), &["`ingress` and `metrics`", "different"]);
        let p = with_image_port(&b, DF, &[("envoy.yaml", ENVOY_YAML)], Some(80)).unwrap();
        assert_unresolved(ka(&p), &["port 80"]);
    }

    #[test]
    fn zero_is_no_limit_and_malformed_is_unknown() {
        let b = task().image("envoyproxy/envoy:v1.31-latest").build();
        let zero = ENVOY_YAML.replace("75s", "0s");
        let p = with_image_port(&b, DF, &[("envoy.yaml", &zero)], Some(8080)).unwrap();
        assert!(
            no_limit(&p).contains("idle_timeout is 0"),
            "{}",
            no_limit(&p)
        );
        let bad = ENVOY_YAML.replace("75s", "75");
        let p = with_image_port(&b, DF, &[("envoy.yaml", &bad)], Some(8080)).unwrap();
        assert_unresolved(ka(&p), &["`75`", "not a duration"]);
        let p =
            with_image_port(&b, DF, &[("envoy.yaml", "static_resources: [")], Some(8080)).unwrap();
        assert_unresolved(ka(&p), &["cannot be read"]);
        let xds = "dynamic_resources:\n  lds_config: {ads: {}}\n";
        let p = with_image_port(&b, DF, &[("envoy.yaml", xds)], Some(8080)).unwrap();
        assert_unresolved(ka(&p), &["control plane"]);
    }

    #[test]
    fn command_line_and_no_visible_file() {
        let b = task()
            .cmd(&[
                "envoy",
                "-c",
                "/etc/envoy/envoy.yaml",
                "--log-level",
                "info",
            ])
            .build();
        let u = assert_unresolved(ka(&b.profile()), &["[[image]]", "/etc/envoy/envoy.yaml"]);
        assert_eq!(
            u.at,
            Some(b.at("\"/etc/envoy/envoy.yaml\"", "/etc/envoy/envoy.yaml"))
        );
        let yaml = "static_resources: {listeners: [{name: l, address: {socket_address: {port_value: 80}}, filter_chains: [{filters: [{name: envoy.filters.network.http_connection_manager, typed_config: {common_http_protocol_options: {idle_timeout: 55s}}}]}]}]}";
        let b = task().cmd(&["envoy", "--config-yaml", yaml]).build();
        let p = b.profile();
        assert_explicit(ka(&p), 55.0, &b.at("idle_timeout: 55s", "55s"));
        // A flow mapping is YAML, not JSON.
        let flow = yaml.replacen("static_resources: ", "{static_resources: ", 1) + "}";
        let b = task().cmd(&["envoy", "--config-yaml", &flow]).build();
        assert_explicit(ka(&b.profile()), 55.0, &b.at("idle_timeout: 55s", "55s"));
        // Not recognised: another image, an App Mesh sidecar.
        assert!(
            task()
                .image("123.dkr.ecr/envoy:1")
                .build()
                .identify()
                .is_err()
        );
    }

    #[test]
    fn hostile_bootstraps_do_not_panic() {
        for text in [
            "static_resources: {listeners: 5}",
            "static_resources: {listeners: [{filter_chains: [{filters: [5]}]}]}",
            "static_resources: {listeners: [{address: {socket_address: {port_value: 99999999}}}]}",
            "a: &a [*a, *a]\nb: [*a, *a, *a]\n",
            "{\"static_resources\": ",
            "\u{0}",
        ] {
            let f = SourceFile::new("e.yaml".into(), text.to_string());
            let _ = bootstrap(&f, &|r| Location::new(&f, r));
        }
        let deep = "[".repeat(100_000);
        let f = SourceFile::new("e.yaml".into(), deep);
        assert!(bootstrap(&f, &|r| Location::new(&f, r)).is_err());
    }
}
