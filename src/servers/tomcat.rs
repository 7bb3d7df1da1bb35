//! Apache Tomcat as a server of its own: `catalina.sh run` (or
//! `catalina.sh` with any command), Tomcat's `Bootstrap` main class, or
//! the official `tomcat` image with no command (its CMD is `catalina.sh
//! run`).
//!
//! The HTTP `<Connector>` closes an idle keep-alive connection after
//! `keepAliveTimeout` milliseconds, which "defaults to the value that has
//! been set for the connectionTimeout attribute"; `connectionTimeout`
//! defaults to 60000, "but note that the standard server.xml that ships with
//! Tomcat sets this to 20000" (Apache Tomcat 11.0.25,
//! `webapps/docs/config/http.xml`; `AbstractEndpoint.getKeepAliveTimeout`
//! falls back to `getConnectionTimeout`, and
//! `http11/Constants.DEFAULT_CONNECTION_TIMEOUT` is 60000). That standard
//! `conf/server.xml` (the same in 10.1.x, 11.0.x and main) has one HTTP
//! connector, `<Connector port="8080" protocol="HTTP/1.1"
//! connectionTimeout="20000" redirectPort="8443" />`, and it is what the
//! official image runs (docker-library/tomcat `11.0/jdk21/temurin-noble/
//! Dockerfile` unpacks the release into `CATALINA_HOME=/usr/local/tomcat`
//! without touching `conf/`, with `ENTRYPOINT []` and `CMD ["catalina.sh",
//! "run"]`): 20 s, below an ALB's default 60 s (KA101). A value
//! of `-1` (any value not above 0: `NioEndpoint`'s poller times a
//! connection out only when `timeout > 0`) is no timeout.
//!
//! When a Dockerfile in the scan builds the image, `conf/server.xml` is read
//! from it (`$CATALINA_BASE`, else `$CATALINA_HOME`, else the official
//! image's `/usr/local/tomcat`); a server.xml that no COPY brings is the
//! base image's: the stock one when that is the official image, unknown
//! otherwise. The connector read is the one whose `port` is the container
//! port the load balancer sends to; an AJP connector speaks a protocol a
//! load balancer cannot, and a `${property}` placeholder (which Tomcat
//! fills from system properties) is not resolved: both are unknown, with
//! the reason.
//!
//! Not modelled: `-config FILE`, `<Executor>`-level settings, and the
//! `maxKeepAliveRequests` limit (a count, not a time).

use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile};
use crate::model::Setting;
use crate::source::{Location, SourceFile};
use std::ops::Range;
use std::sync::Arc;

/// Where the official image installs Tomcat (`CATALINA_HOME`).
const OFFICIAL_HOME: &str = "/usr/local/tomcat";
/// The stock server.xml's HTTP connector.
const STOCK_PORT: u16 = 8080;
const STOCK: &str = "Tomcat's stock conf/server.xml (connectionTimeout=\"20000\" on its port-8080 \
                     HTTP connector, which keepAliveTimeout falls back to; tomcat 11.0.25 \
                     conf/server.xml)";
const BUILT_IN: &str = "Tomcat built-in connectionTimeout (60000 ms, \
                        http11/Constants.DEFAULT_CONNECTION_TIMEOUT, which keepAliveTimeout falls \
                        back to, as the connector sets neither)";
/// More connectors than this in one server.xml are not read.
const MAX_CONNECTORS: usize = 256;

/// Image repositories of Tomcat's official image.
fn official(repo: &str) -> bool {
    let repo = repo
        .strip_prefix("docker.io/")
        .or_else(|| repo.strip_prefix("public.ecr.aws/docker/"))
        .or_else(|| repo.strip_prefix("mirror.gcr.io/"))
        .unwrap_or(repo);
    matches!(repo, "tomcat" | "library/tomcat")
}

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    let by_command = match ctx.program() {
        Some("catalina.sh") => true,
        Some("java") => ctx
            .args()
            .iter()
            .any(|w| w.text == "org.apache.catalina.startup.Bootstrap"),
        Some(_) => false,
        None => false,
    };
    let by_image = ctx.argv.is_empty() && ctx.image().is_some_and(|i| official(&i.repo));
    if !(by_command || by_image) {
        return None;
    }
    let keep_alive = match &ctx.files {
        Some(files) => from_image(ctx, files),
        None => stock(ctx, None),
    };
    Some(ServerProfile {
        server: "tomcat",
        description: match ctx.image() {
            Some(i) if ctx.argv.is_empty() => format!("Apache Tomcat (image {})", i.full),
            _ => "Apache Tomcat".into(),
        },
        identified_at: ctx.server_at(),
        keep_alive,
        graceful_timeout: None,
        // Tomcat does not end a request that runs long.
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix: |s| {
            format!(
                "keepAliveTimeout=\"{}\" on the HTTP <Connector> in conf/server.xml",
                super::millis(s)
            )
        },
        graceful_fix: None,
    })
}

/// The stock server.xml's connector: 20 s on port 8080. `base` names the
/// base image when the server.xml is known to be its.
fn stock(ctx: &Invocation, base: Option<&str>) -> KeepAlive {
    if let Some(port) = ctx.port.filter(|p| *p != STOCK_PORT) {
        return KeepAlive::Timeout(ctx.unresolved(format!(
            "the load balancer sends to port {port}, but the stock conf/server.xml of Tomcat{} \
             has its HTTP connector on port {STOCK_PORT}, so the server.xml that runs is another \
             one keepalign cannot see; build the image with a Dockerfile in the scan that COPYs \
             it, or declare the keep-alive in keepalign.toml ([[service]] with keep-alive)",
            base.map(|b| format!(" (base image `{b}`)"))
                .unwrap_or_default()
        )));
    }
    KeepAlive::Timeout(ctx.default(20.0, STOCK))
}

/// The keep-alive from the image's server.xml.
fn from_image(ctx: &Invocation, files: &crate::image_files::ImageFiles<'_>) -> KeepAlive {
    let home = ["CATALINA_BASE", "CATALINA_HOME"]
        .iter()
        .find_map(|v| ctx.env(v).and_then(Result::ok))
        .map(|w| w.text.trim().trim_end_matches('/').to_string())
        .filter(|h| h.starts_with('/') && !h.contains('$'))
        .unwrap_or_else(|| OFFICIAL_HOME.to_string());
    let path = format!("{home}/conf/server.xml");
    let base = files.dockerfile.base_image(files.stage);
    let official_base = base.unknown.is_none()
        && !base.text.is_empty()
        && official(&super::split_image(&base.text).repo);
    match super::conf_files::read_from_image(files, &path) {
        Ok(Some(f)) => from_file(ctx, &f),
        Ok(None) if official_base => stock(ctx, Some(&base.text)),
        Ok(None) => KeepAlive::Timeout(Setting::unresolved(
            format!(
                "Tomcat reads {path}, which nothing in {} brings into the image, so it is the \
                 base image `{}`'s, whose connectors keepalign does not know; COPY server.xml \
                 from the build context, or declare the keep-alive in keepalign.toml \
                 ([[service]] with keep-alive)",
                files.dockerfile.file.display,
                base.display()
            ),
            Some(base.at.clone().unwrap_or_else(|| files.stage().at.clone())),
        )),
        Err(p) => KeepAlive::Timeout(Setting::unresolved(
            format!(
                "Tomcat's server.xml in the image: {}; declare the keep-alive in keepalign.toml \
                 ([[service]] with keep-alive)",
                p.reason
            ),
            p.at.or_else(|| ctx.server_at()),
        )),
    }
}

/// An attribute of an element: name, value (entities decoded) and the
/// span of the value in the file.
#[derive(Clone, Debug)]
struct Attr {
    name: String,
    value: String,
    span: Range<usize>,
}

#[derive(Clone, Debug)]
struct Connector {
    attrs: Vec<Attr>,
    /// The span of `<Connector`.
    span: Range<usize>,
}

impl Connector {
    fn get(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }

    fn ajp(&self) -> bool {
        self.get("protocol")
            .is_some_and(|p| p.value.to_ascii_uppercase().contains("AJP"))
    }
}

/// The keep-alive of the connector the load balancer reaches, from a
/// server.xml file.
fn from_file(ctx: &Invocation, file: &Arc<SourceFile>) -> KeepAlive {
    let at = |span: Range<usize>| Location::new(file, span);
    let unresolved = |reason: String, span: Option<Range<usize>>| {
        KeepAlive::Timeout(Setting::unresolved(
            format!(
                "{reason}; declare the keep-alive in keepalign.toml ([[service]] with keep-alive)"
            ),
            Some(span.map_or_else(|| at(0..0), at)),
        ))
    };
    let connectors = match connectors(&file.text) {
        Ok(c) => c,
        Err((why, offset)) => {
            return unresolved(
                format!("{} is not XML keepalign can read: {why}", file.display),
                Some(crate::source::char_at(&file.text, offset)),
            );
        }
    };
    let chosen: Vec<&Connector> = match ctx.port {
        Some(port) => {
            let on_port: Vec<&Connector> = connectors
                .iter()
                .filter(|c| {
                    c.get("port")
                        .is_some_and(|p| p.value.trim() == port.to_string())
                })
                .collect();
            if on_port.is_empty() {
                if let Some(p) = connectors
                    .iter()
                    .filter_map(|c| c.get("port"))
                    .find(|p| p.value.contains("${"))
                {
                    return unresolved(
                        format!(
                            "a connector's port is `{}`, a property Tomcat fills in when it \
                             starts, so keepalign cannot tell whether it is port {port}, where the \
                             load balancer sends; write the port in {}",
                            p.value, file.display
                        ),
                        Some(p.span.clone()),
                    );
                }
                return unresolved(
                    format!(
                        "no <Connector> of {} listens on port {port}, where the load balancer \
                         sends",
                        file.display
                    ),
                    None,
                );
            }
            on_port.into_iter().take(1).collect()
        }
        None => connectors.iter().filter(|c| !c.ajp()).collect(),
    };
    let Some(first) = chosen.first() else {
        return unresolved(format!("{} has no HTTP <Connector>", file.display), None);
    };
    if first.ajp() {
        return unresolved(
            format!(
                "the connector on the load balancer's port speaks AJP (protocol `{}`), not HTTP, \
                 so a load balancer cannot use it",
                first.get("protocol").map_or("", |p| p.value.as_str())
            ),
            Some(first.span.clone()),
        );
    }
    let values: Vec<KeepAlive> = chosen.iter().map(|c| keep_alive(file, c)).collect();
    let key = |k: &KeepAlive| match k {
        KeepAlive::Timeout(s) => s.value().map(|v| v.to_string()),
        KeepAlive::NoLimit { .. } => Some("none".into()),
        KeepAlive::ClosesEveryConnection { .. } => None,
    };
    let first_key = key(&values[0]);
    if values
        .iter()
        .any(|v| key(v) != first_key || first_key.is_none())
        && values.len() > 1
    {
        return unresolved(
            format!(
                "{} has {} HTTP connectors with different keep-alive timeouts, and keepalign does \
                 not know which port the load balancer sends to",
                file.display,
                values.len()
            ),
            Some(first.span.clone()),
        );
    }
    values
        .into_iter()
        .next()
        .unwrap_or_else(|| stock(ctx, None))
}

/// A connector's keep-alive: `keepAliveTimeout`, else `connectionTimeout`,
/// else Tomcat's built-in 60 s.
fn keep_alive(file: &Arc<SourceFile>, c: &Connector) -> KeepAlive {
    let Some(attr) = c
        .get("keepAliveTimeout")
        .or_else(|| c.get("connectionTimeout"))
    else {
        return KeepAlive::Timeout(Setting::default(
            60.0,
            BUILT_IN,
            Some(Location::new(file, c.span.clone())),
        ));
    };
    let at = Location::new(file, attr.span.clone());
    let text = attr.value.trim();
    if text.contains("${") {
        return KeepAlive::Timeout(Setting::unresolved(
            format!(
                "{} is `{text}`, a property Tomcat fills in when it starts (from \
                 catalina.properties or a -D option), which keepalign does not resolve; write the \
                 number of milliseconds in {}",
                attr.name, file.display
            ),
            Some(at),
        ));
    }
    let negative = text.strip_prefix('-');
    match negative.unwrap_or(text).parse::<u64>() {
        Ok(n) if negative.is_some() || n == 0 => KeepAlive::NoLimit {
            why: format!(
                "{}=\"{text}\" ({}:{}): Tomcat never closes an idle connection",
                attr.name,
                file.display,
                at.start().0
            ),
            at: Some(at),
        },
        Ok(n) => KeepAlive::Timeout(Setting::explicit(n as f64 / 1000.0, at)),
        Err(_) => KeepAlive::Timeout(Setting::unresolved(
            format!("{} is `{text}`, not a number of milliseconds", attr.name),
            Some(at),
        )),
    }
}

/// Every `<Connector …>` element of a server.xml outside comments, CDATA
/// and processing instructions; `Err` with the offset when the markup is
/// broken where keepalign reads.
fn connectors(text: &str) -> Result<Vec<Connector>, (String, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(rel) = text[i..].find('<') {
        let start = i + rel;
        let rest = &text[start..];
        let skip_to = |end: &str, what: &str| {
            rest.find(end)
                .map(|e| start + e + end.len())
                .ok_or_else(|| (format!("an unterminated {what}"), start))
        };
        if rest.starts_with("<!--") {
            i = skip_to("-->", "comment")?;
        } else if rest.starts_with("<![CDATA[") {
            i = skip_to("]]>", "CDATA section")?;
        } else if rest.starts_with("<?") {
            i = skip_to("?>", "processing instruction")?;
        } else if rest.starts_with("<!") {
            i = skip_to(">", "declaration")?;
        } else if rest.starts_with("<Connector")
            && rest[10..]
                .chars()
                .next()
                .is_some_and(|c| c.is_whitespace() || c == '/' || c == '>')
        {
            let (attrs, end) = attributes(text, start + 10)?;
            out.push(Connector {
                attrs,
                span: start + 1..start + 10,
            });
            if out.len() > MAX_CONNECTORS {
                return Err((format!("more than {MAX_CONNECTORS} connectors"), start));
            }
            i = end;
        } else {
            i = start + 1;
        }
    }
    Ok(out)
}

/// The attributes of the tag whose name ends at `i`, and the offset after
/// its `>`.
fn attributes(text: &str, mut i: usize) -> Result<(Vec<Attr>, usize), (String, usize)> {
    let bytes = text.as_bytes();
    let mut attrs = Vec::new();
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        match bytes.get(i) {
            None => return Err(("an unterminated <Connector> tag".into(), i)),
            Some(b'>') => return Ok((attrs, i + 1)),
            Some(b'/') if bytes.get(i + 1) == Some(&b'>') => return Ok((attrs, i + 2)),
            _ => {}
        }
        let name_start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'=' | b'>' | b'/' | b'"' | b'\'')
        {
            i += 1;
        }
        if i == name_start {
            return Err(("a stray character in a <Connector> tag".into(), i));
        }
        let name = text[name_start..i].to_string();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            return Err((format!("attribute `{name}` has no value"), name_start));
        }
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let quote = match bytes.get(i) {
            Some(q @ (b'"' | b'\'')) => *q,
            _ => return Err((format!("attribute `{name}` is not quoted"), i)),
        };
        let value_start = i + 1;
        let Some(len) = text[value_start..].find(quote as char) else {
            return Err((format!("attribute `{name}` is not closed"), i));
        };
        let raw = &text[value_start..value_start + len];
        if raw.contains('<') {
            return Err((format!("attribute `{name}` holds a `<`"), value_start));
        }
        attrs.push(Attr {
            name,
            value: unescape(raw),
            span: value_start..value_start + len,
        });
        i = value_start + len + 1;
    }
}

/// XML's predefined entities; others are left as written.
fn unescape(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.to_string();
    }
    raw.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::connectors;
    use crate::model::Provenance;

    const SERVER_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Server port="8005" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <!-- <Connector port="8080" keepAliveTimeout="1000" /> -->
    <Connector port="8080" protocol="HTTP/1.1"
               connectionTimeout="20000"
               keepAliveTimeout="75000"
               redirectPort="8443" />
    <Connector port="8081" protocol="HTTP/1.1" connectionTimeout="30000" />
    <Connector port="8009" protocol="AJP/1.3" redirectPort="8443" />
    <Connector port="8082" protocol="HTTP/1.1" keepAliveTimeout="-1" />
    <Connector port="8083" protocol="HTTP/1.1" />
    <Connector port="8084" connectionTimeout="${http.timeout}" />
  </Service>
</Server>
"#;

    const DOCKERFILE: &str = "FROM tomcat:11.0-jdk21\nCOPY server.xml /usr/local/tomcat/conf/server.xml\nCOPY app.war /usr/local/tomcat/webapps/ROOT.war\n";

    fn on_port(port: u16) -> crate::servers::ServerProfile {
        let b = task()
            .image("123.dkr.ecr/shop:1")
            .cmd(&["catalina.sh", "run"])
            .build();
        with_image_port(
            &b,
            DOCKERFILE,
            &[("server.xml", SERVER_XML), ("app.war", "")],
            Some(port),
        )
        .unwrap()
    }

    /// The location of `needle` in the image's server.xml, the `nth`
    /// occurrence.
    fn xml_at(p: &crate::servers::ServerProfile, needle: &str) -> (usize, usize) {
        let crate::servers::KeepAlive::Timeout(s) = &p.keep_alive else {
            panic!("{:?}", p.keep_alive)
        };
        let at = s.location().expect("a location");
        assert!(at.file.display.to_string().ends_with("server.xml"));
        assert_eq!(at.snippet(), needle);
        at.start()
    }

    #[test]
    fn the_official_image_runs_the_stock_twenty_seconds() {
        let b = task().image("tomcat:10.1-jdk17").build();
        let p = b.profile();
        assert_eq!(p.server, "tomcat");
        assert_default(
            ka(&p),
            20.0,
            "connectionTimeout=\"20000\"",
            Some(&b.at("\"tomcat:10.1-jdk17\"", "tomcat:10.1-jdk17")),
        );
        assert_eq!(
            (p.keep_alive_fix)(65.0),
            "keepAliveTimeout=\"65000\" on the HTTP <Connector> in conf/server.xml"
        );
        let b = task()
            .image("123.dkr.ecr/app:1")
            .cmd(&["/usr/local/tomcat/bin/catalina.sh", "run"])
            .build();
        assert_default(
            ka(&b.profile()),
            20.0,
            "stock conf/server.xml",
            Some(&b.at(
                "\"/usr/local/tomcat/bin/catalina.sh\"",
                "/usr/local/tomcat/bin/catalina.sh",
            )),
        );
        // A private image merely named tomcat is not the official one.
        assert!(
            task()
                .image("123.dkr.ecr/team/tomcat:1")
                .build()
                .identify()
                .is_err()
        );
    }

    #[test]
    fn keep_alive_over_connection_timeout_on_the_load_balancers_port() {
        let p = on_port(8080);
        assert_eq!(p.value_of_ka(), Some(75.0));
        assert_eq!(xml_at(&p, "75000"), (7, 34));
        // connectionTimeout when keepAliveTimeout is not set.
        let p = on_port(8081);
        assert_eq!(p.value_of_ka(), Some(30.0));
        assert_eq!(xml_at(&p, "30000").0, 9);
        assert!(matches!(
            ka(&p),
            crate::model::Setting::Known {
                provenance: Provenance::Explicit(_),
                ..
            }
        ));
        // Neither: Tomcat's built-in 60 s, at the connector.
        let p = on_port(8083);
        match ka(&p) {
            crate::model::Setting::Known {
                value,
                provenance: Provenance::Default { source, applies_at },
            } => {
                assert_eq!(*value, 60.0);
                assert!(source.contains("DEFAULT_CONNECTION_TIMEOUT"), "{source}");
                assert_eq!(applies_at.as_ref().unwrap().start().0, 12);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn minus_one_is_no_limit_and_what_cannot_be_read_is_said_so() {
        assert!(no_limit(&on_port(8082)).contains("keepAliveTimeout=\"-1\""));
        assert_unresolved(ka(&on_port(8009)), &["AJP", "not HTTP"]);
        assert_unresolved(ka(&on_port(8084)), &["`${http.timeout}`", "property"]);
        assert_unresolved(ka(&on_port(9000)), &["no <Connector>", "port 9000"]);
    }

    #[test]
    fn without_a_known_port_the_http_connectors_must_agree() {
        let b = task().cmd(&["catalina.sh", "run"]).build();
        let one = r#"<Server><Service>
  <Connector port="8080" connectionTimeout="70000"/>
  <Connector port="8009" protocol="AJP/1.3"/>
</Service></Server>"#;
        let p = with_image(&b, DOCKERFILE, &[("server.xml", one), ("app.war", "")]).unwrap();
        assert_eq!(p.value_of_ka(), Some(70.0));
        let p = with_image(
            &b,
            DOCKERFILE,
            &[("server.xml", SERVER_XML), ("app.war", "")],
        )
        .unwrap();
        assert_unresolved(ka(&p), &["different keep-alive timeouts"]);
    }

    #[test]
    fn a_server_xml_no_copy_brings_is_the_base_images() {
        let b = task().cmd(&["catalina.sh", "run"]).build();
        let p = with_image(
            &b,
            "FROM tomcat:11\nCOPY app.war /usr/local/tomcat/webapps/\n",
            &[("app.war", "")],
        )
        .unwrap();
        assert_eq!(p.value_of_ka(), Some(20.0));
        let p = with_image_port(
            &b,
            "FROM tomcat:11\nCOPY app.war /usr/local/tomcat/webapps/\n",
            &[("app.war", "")],
            Some(9090),
        )
        .unwrap();
        assert_unresolved(ka(&p), &["port 9090", "stock conf/server.xml"]);
        let p = with_image(
            &b,
            "FROM eclipse-temurin:21\nCOPY app.war /opt/\n",
            &[("app.war", "")],
        )
        .unwrap();
        assert_unresolved(ka(&p), &["base image `eclipse-temurin:21`"]);
        // CATALINA_BASE moves conf/.
        let b = task()
            .cmd(&["catalina.sh", "run"])
            .env("CATALINA_BASE", "/srv/tomcat")
            .build();
        let p = with_image(
            &b,
            "FROM tomcat:11\nCOPY server.xml /srv/tomcat/conf/server.xml\n",
            &[(
                "server.xml",
                "<Server><Connector port=\"8080\" keepAliveTimeout=\"90000\"/></Server>",
            )],
        )
        .unwrap();
        assert_eq!(p.value_of_ka(), Some(90.0));
    }

    #[test]
    fn broken_xml_is_unknown_and_never_panics() {
        let b = task().cmd(&["catalina.sh", "run"]).build();
        for bad in [
            "<Server><Connector port=\"8080\" keepAliveTimeout=\"65000\"",
            "<Server><!-- never closed <Connector port=\"8080\"/>",
            "<Connector port=8080/>",
            "<Connector port=\"8080\" keepAliveTimeout=\"soon\"/>",
        ] {
            let p = with_image(&b, DOCKERFILE, &[("server.xml", bad), ("app.war", "")]).unwrap();
            assert!(p.value_of_ka().is_none(), "{bad}");
        }
        const PIECES: &[&str] = &[
            "<",
            ">",
            "/>",
            "<Connector",
            " ",
            "port=",
            "\"",
            "'",
            "8080",
            "=",
            "<!--",
            "-->",
            "keepAliveTimeout",
            "-1",
            "é",
            "<![CDATA[",
            "]]>",
            "<?",
            "?>",
            "&amp;",
            "\n",
        ];
        let mut random = crate::testing::Random::new(0x7c15_9e37_79b9_4f6c);
        for _ in 0..3000 {
            let text = random.text(PIECES, 30);
            let _ = connectors(&text);
        }
    }
}
