//! Spring Boot on its embedded Tomcat or Jetty (`java -jar app.jar` with a sign of
//! Spring: `--server.…`/`--spring.…` arguments, `-Dspring.…`/`-Dserver.…`
//! properties, `SPRING_*` variables, Spring Boot's launcher class, or a
//! Spring image).
//!
//! Tomcat's HTTP connector closes an idle keep-alive connection after
//! `keepAliveTimeout`, which "defaults to the value set for
//! connectionTimeout", whose default is 60,000 ms (Apache Tomcat
//! configuration reference, "The HTTP Connector"; the standard `server.xml`
//! of a Tomcat download sets 20,000, but Spring Boot's embedded Tomcat has
//! none and sets neither). So a Spring Boot service behind an ALB left at
//! its default 60 s idle timeout keeps connections exactly as long as the
//! ALB: KA101. Spring Boot exposes them as `server.tomcat.keep-alive-timeout`
//! and `server.tomcat.connection-timeout` (`Duration`s: `65s`, `PT65S`, or a
//! bare number of milliseconds), read, highest first, from command-line
//! arguments, `SPRING_APPLICATION_JSON`, Java system properties (`-D` on the
//! command line, then `JDK_JAVA_OPTIONS` and `JAVA_TOOL_OPTIONS`) and
//! environment variables (`SERVER_TOMCAT_KEEPALIVETIMEOUT`; the form with
//! underscores between words is read too) (Spring Boot reference,
//! "Externalized Configuration"). An `application.properties` packaged in
//! the jar is not visible to keepalign: its value is the default's caveat.
//!
//! On Jetty (a `server.jetty.…` property or `SERVER_JETTY_…` variable says
//! so), the connectors' idle timeout is `server.jetty.connection-idle-timeout`
//! (Spring Boot's `JettyWebServerFactoryCustomizer` maps it to
//! `AbstractConnector.setIdleTimeout`, and leaves Jetty's 30,000 ms when it
//! is not set; a value not above 0 disables the timeout), read through the
//! same sources, `SERVER_JETTY_CONNECTIONIDLETIMEOUT` in the environment.
//! Undertow and Reactor Netty are not modelled: unknown with the reason.
//!
//! Graceful shutdown: with `server.shutdown=graceful`, Spring waits up to
//! `spring.lifecycle.timeout-per-shutdown-phase` (30 s) for requests to
//! finish after SIGTERM. keepalign reads it only when it is switched on
//! where it can see it (Spring Boot 3.4 made it the default; older versions
//! stop immediately).

use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile, jvm, secs};
use crate::model::{Seconds, Setting, Unresolved, Word};
use crate::source::Location;

const KEEP_ALIVE: &str = "server.tomcat.keep-alive-timeout";
const CONNECTION: &str = "server.tomcat.connection-timeout";
/// Spring Boot 2.2 and older.
const CONNECTION_LEGACY: &str = "server.connection-timeout";
const SHUTDOWN: &str = "server.shutdown";
const SHUTDOWN_PHASE: &str = "spring.lifecycle.timeout-per-shutdown-phase";

/// Variables that carry JVM options for `java` itself, lowest precedence
/// first.
const OPTION_VARIABLES: &[&str] = &["JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS"];

const JETTY_IDLE: &str = "server.jetty.connection-idle-timeout";
const JETTY: &str = "server.jetty.";

/// Property prefixes of servers other than Tomcat and Jetty that Spring Boot
/// embeds.
const OTHER_SERVERS: &[&str] = &["server.undertow.", "server.netty."];

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    if ctx.program()? != "java" {
        return None;
    }
    let props = Properties::read(ctx);
    if !props.spring {
        return None;
    }
    let other = props
        .names
        .iter()
        .find_map(|n| OTHER_SERVERS.iter().find(|p| n.starts_with(&canonical(p))));
    let jetty = props.names.iter().any(|n| n.starts_with(JETTY));
    let keep_alive = match other {
        Some(prefix) => Found::Timeout(ctx.unresolved(format!(
            "the app sets `{}…` properties, so Spring Boot runs another server than Tomcat or \
             Jetty, whose keep-alive keepalign does not read; declare it in keepalign.toml",
            prefix
        ))),
        None if jetty => match props.find(ctx, JETTY_IDLE) {
            // Jetty disables the idle timeout for a value not above 0.
            Some(Found::Timeout(s)) if s.value() == Some(&0.0) => Found::NoLimit {
                why: format!("{JETTY_IDLE} is 0: Jetty never closes an idle connection"),
                at: s.location().cloned(),
            },
            Some(found) => found,
            None => Found::Timeout(ctx.default(
                30.0,
                "Jetty default connector idle timeout (30000 ms, AbstractConnector, which Spring \
                 Boot leaves when server.jetty.connection-idle-timeout is not set)",
            )),
        },
        None => match props
            .find(ctx, KEEP_ALIVE)
            .or_else(|| props.find(ctx, CONNECTION))
            .or_else(|| props.find(ctx, CONNECTION_LEGACY))
        {
            Some(found) => found,
            None => Found::Timeout(ctx.default(
                60.0,
                "embedded Tomcat's connectionTimeout, which keepAliveTimeout falls back to when \
                 server.tomcat.keep-alive-timeout is not set",
            )),
        },
    };
    let keep_alive = match keep_alive {
        Found::Timeout(s) => KeepAlive::Timeout(s),
        Found::NoLimit { why, at } => KeepAlive::NoLimit { why, at },
    };
    let graceful = match props.value(ctx, SHUTDOWN) {
        Some(Ok((w, _))) if w.text.trim().eq_ignore_ascii_case("graceful") => {
            Some(match props.find(ctx, SHUTDOWN_PHASE) {
                Some(Found::Timeout(s)) => s,
                Some(Found::NoLimit { why, at }) => Setting::unresolved(why, at),
                None => ctx.default(
                    30.0,
                    "Spring Boot default spring.lifecycle.timeout-per-shutdown-phase",
                ),
            })
        }
        _ => None,
    };
    let keep_alive_fix: fn(Seconds) -> String = if jetty {
        |s| {
            format!(
                "--server.jetty.connection-idle-timeout={}s (or \
                 SERVER_JETTY_CONNECTIONIDLETIMEOUT={}s in the environment)",
                secs(s),
                secs(s)
            )
        }
    } else {
        |s| {
            format!(
                "--server.tomcat.keep-alive-timeout={}s (or SERVER_TOMCAT_KEEPALIVETIMEOUT={}s in \
                 the environment)",
                secs(s),
                secs(s)
            )
        }
    };
    Some(ServerProfile {
        server: "spring-boot",
        description: if jetty {
            "Spring Boot (embedded Jetty)".into()
        } else {
            "Spring Boot (embedded Tomcat)".into()
        },
        identified_at: ctx.server_at(),
        keep_alive,
        graceful_timeout: graceful,
        // Tomcat does not end a request that runs long.
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix,
        graceful_fix: Some(|s| {
            format!("--spring.lifecycle.timeout-per-shutdown-phase={}s", secs(s))
        }),
    })
}

/// A property name as Spring's relaxed binding compares it: lower case,
/// without `-` and `_` (`server.tomcat.keepAliveTimeout` is
/// `server.tomcat.keep-alive-timeout`).
fn canonical(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Where Spring Boot reads properties from, as the container runs it.
struct Properties {
    /// `--name=value` after the jar or main class.
    arguments: Vec<(String, Word)>,
    /// `-Dname=value` before it.
    system: Vec<(String, Word)>,
    /// Canonical names of every property the invocation sets, any source.
    names: Vec<String>,
    /// Whether anything says this is Spring Boot.
    spring: bool,
}

impl Properties {
    fn read(ctx: &Invocation) -> Properties {
        let mut arguments = Vec::new();
        let mut system = Vec::new();
        let mut spring = false;
        // JVM options, then the jar (`-jar app.jar`) or the main class, then
        // the app's arguments.
        let mut in_app = false;
        let mut value_of: Option<&str> = None;
        for w in ctx.args() {
            let text = w.text.as_str();
            if in_app {
                if let Some((name, value)) = text.strip_prefix("--").and_then(|t| t.split_once('='))
                {
                    arguments.push((canonical(name), Word::new(value, w.at.clone())));
                }
                continue;
            }
            if let Some(option) = value_of.take() {
                in_app = option == "-jar";
                continue;
            }
            match text {
                "-jar" | "-cp" | "-classpath" | "--class-path" | "-p" | "--module-path" => {
                    value_of = Some(if text == "-jar" { "-jar" } else { "path" });
                }
                _ if text.starts_with("-D") => system.extend(jvm::property(text, w)),
                _ if text.starts_with('-') => {}
                main_class => {
                    spring |= main_class.starts_with("org.springframework.boot.");
                    in_app = true;
                }
            }
        }
        // Lowest precedence first: the option variables, then the command line.
        let system: Vec<(String, Word)> = jvm::from_variables(ctx, OPTION_VARIABLES)
            .into_iter()
            .chain(system)
            .map(|(name, value)| (canonical(&name), value))
            .collect();
        let mut names: Vec<String> = arguments
            .iter()
            .chain(&system)
            .map(|(n, _)| n.clone())
            .collect();
        spring |= names
            .iter()
            .any(|n| n.starts_with("spring.") || n.starts_with("server."));
        for var in &ctx.container.environment {
            if var.name.starts_with("SPRING_") {
                spring = true;
            }
            if var.name.starts_with("SERVER_") {
                names.push(canonical(&var.name.to_ascii_lowercase().replace('_', ".")));
                // Spring Boot's own server properties (`SERVER_PORT` is
                // anyone's).
                spring |= [
                    "SERVER_TOMCAT_",
                    "SERVER_JETTY_",
                    "SERVER_UNDERTOW_",
                    "SERVER_SERVLET_",
                    "SERVER_SHUTDOWN",
                ]
                .iter()
                .any(|p| var.name.starts_with(p));
            }
        }
        spring |= ctx.image().is_some_and(|i| i.repo.contains("spring"));
        Properties {
            arguments,
            system,
            names,
            spring,
        }
    }

    /// The value of property `name` and where it came from, highest
    /// precedence first; `Err` when a source sets it to something keepalign
    /// cannot resolve.
    fn value(&self, ctx: &Invocation, name: &str) -> Option<Result<(Word, String), Unresolved>> {
        let key = canonical(name);
        if let Some((_, w)) = self.arguments.iter().rev().find(|(n, _)| *n == key) {
            return Some(Ok((w.clone(), format!("--{name}"))));
        }
        match ctx.env("SPRING_APPLICATION_JSON") {
            Some(Ok(json)) => {
                if let Some(v) = serde_json::from_str::<serde_json::Value>(&json.text)
                    .ok()
                    .and_then(|doc| json_property(&doc, &key).cloned())
                {
                    let text = match v {
                        serde_json::Value::String(s) => s,
                        other => other.to_string(),
                    };
                    return Some(Ok((
                        Word::new(text, json.at.clone()),
                        format!("{name} in SPRING_APPLICATION_JSON"),
                    )));
                }
            }
            Some(Err(u)) => return Some(Err(u)),
            None => {}
        }
        if let Some((_, w)) = self.system.iter().rev().find(|(n, _)| *n == key) {
            return Some(Ok((w.clone(), format!("-D{name}"))));
        }
        let upper = name.replace('.', "_").to_ascii_uppercase();
        for var in [upper.replace('-', ""), upper.replace('-', "_")] {
            match ctx.env(&var) {
                Some(Ok(w)) => return Some(Ok((w, var))),
                Some(Err(u)) => return Some(Err(u)),
                None => {}
            }
        }
        None
    }

    /// Property `name` as seconds, when some source sets it.
    fn find(&self, ctx: &Invocation, name: &str) -> Option<Found> {
        Some(Found::Timeout(match self.value(ctx, name)? {
            Err(u) => Setting::Unresolved(u),
            Ok((w, what)) => {
                let at = w.at.clone().or_else(|| ctx.server_at());
                match duration(w.text.trim()) {
                    Some(Duration::Seconds(s)) => match at {
                        Some(at) => Setting::explicit(s, at),
                        None => ctx.unresolved(format!("{what} has no location")),
                    },
                    Some(Duration::Unlimited) => {
                        return Some(Found::NoLimit {
                            why: format!("{what} is {}: no timeout", w.text.trim()),
                            at,
                        });
                    }
                    None => Setting::unresolved(
                        format!(
                            "{what} is `{}`, not a duration keepalign can read (`65s`, \
                             `65000ms`, `PT65S`, or milliseconds)",
                            w.display()
                        ),
                        at,
                    ),
                }
            }
        }))
    }
}

/// A property's duration: seconds (or why unknown), or no limit.
enum Found {
    Timeout(Setting<Seconds>),
    NoLimit { why: String, at: Option<Location> },
}

/// The value of a (canonical) dotted property in `SPRING_APPLICATION_JSON`,
/// nested (`{"server":{"tomcat":{…}}}`) or flat (`{"server.tomcat.…": …}`).
fn json_property<'a>(doc: &'a serde_json::Value, key: &str) -> Option<&'a serde_json::Value> {
    let map = doc.as_object()?;
    for (k, v) in map {
        let k = canonical(k);
        if k == key {
            return Some(v);
        }
        if let Some(rest) = key.strip_prefix(&k).and_then(|r| r.strip_prefix('.'))
            && let Some(found) = json_property(v, rest)
        {
            return Some(found);
        }
    }
    None
}

enum Duration {
    Seconds(Seconds),
    /// `-1`: no timeout.
    Unlimited,
}

/// A Spring `Duration` for these properties: `65s`, `500ms`, `1m`, `PT65S`,
/// or a bare number of milliseconds (their default unit).
fn duration(text: &str) -> Option<Duration> {
    if text == "-1" || text == "-1ms" {
        return Some(Duration::Unlimited);
    }
    if let Some(iso) = text.strip_prefix("PT").or_else(|| text.strip_prefix("pt")) {
        return super::iso_time(iso).map(Duration::Seconds);
    }
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n = super::parse_number(number)?;
    let factor = match unit.to_ascii_lowercase().as_str() {
        "" | "ms" => 0.001,
        "ns" => 1e-9,
        "us" => 1e-6,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        "d" => 86400.0,
        _ => return None,
    };
    Some(Duration::Seconds(n * factor))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::{Duration, duration};

    fn secs(text: &str) -> Option<f64> {
        match duration(text)? {
            Duration::Seconds(s) => Some(s),
            Duration::Unlimited => None,
        }
    }

    #[test]
    fn durations_read_as_spring_reads_them() {
        assert_eq!(secs("65s"), Some(65.0));
        assert_eq!(secs("65000"), Some(65.0));
        assert_eq!(secs("65000ms"), Some(65.0));
        assert_eq!(secs("2m"), Some(120.0));
        assert_eq!(secs("PT65S"), Some(65.0));
        assert_eq!(secs("PT1M5S"), Some(65.0));
        assert!(matches!(duration("-1"), Some(Duration::Unlimited)));
        for bad in ["", "s", "65x", "PT", "PT5", "1e3", "$KA"] {
            assert!(duration(bad).is_none() || secs(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn spring_boot_defaults_to_tomcats_sixty_seconds() {
        let b = task()
            .cmd(&["java", "-jar", "/app/app.jar"])
            .env("SPRING_PROFILES_ACTIVE", "prod")
            .build();
        let p = b.profile();
        assert_eq!(p.server, "spring-boot");
        assert_default(
            ka(&p),
            60.0,
            "connectionTimeout",
            Some(&b.at("\"java\"", "java")),
        );
        assert!(p.graceful_timeout.is_none());
        assert!((p.keep_alive_fix)(65.0).starts_with("--server.tomcat.keep-alive-timeout=65s"));
    }

    #[test]
    fn plain_java_is_not_taken_for_spring() {
        let b = task().cmd(&["java", "-jar", "/app/app.jar"]).build();
        assert!(b.identify().is_err());
        let b = task()
            .cmd(&["java", "-cp", "app.jar", "com.example.Main", "--port=8080"])
            .build();
        assert!(b.identify().is_err());
    }

    #[test]
    fn each_source_in_spring_order() {
        // A command-line argument wins over everything.
        let b = task()
            .cmd(&[
                "java",
                "-Dserver.tomcat.keep-alive-timeout=30s",
                "-jar",
                "app.jar",
                "--server.tomcat.keep-alive-timeout=75s",
            ])
            .env("SERVER_TOMCAT_KEEPALIVETIMEOUT", "40s")
            .build();
        assert_explicit(
            ka(&b.profile()),
            75.0,
            &b.at(
                "\"--server.tomcat.keep-alive-timeout=75s\"",
                "--server.tomcat.keep-alive-timeout=75s",
            ),
        );
        // SPRING_APPLICATION_JSON, nested, over -D and variables.
        let b = task()
            .cmd(&[
                "java",
                "-Dserver.tomcat.keep-alive-timeout=30s",
                "-jar",
                "app.jar",
            ])
            .env(
                "SPRING_APPLICATION_JSON",
                r#"{"server":{"tomcat":{"keepAliveTimeout":"70s"}}}"#,
            )
            .build();
        assert_eq!(b.profile().value_of_ka(), Some(70.0));
        // -D over the environment; JAVA_TOOL_OPTIONS counts as -D.
        let b = task()
            .cmd(&["java", "-jar", "app.jar"])
            .env(
                "JAVA_TOOL_OPTIONS",
                "-Xmx512m -Dserver.tomcat.keep-alive-timeout=PT80S",
            )
            .env("SERVER_TOMCAT_KEEPALIVETIMEOUT", "40s")
            .build();
        assert_eq!(b.profile().value_of_ka(), Some(80.0));
        // Among system properties the later setting wins, and the command
        // line comes after JAVA_TOOL_OPTIONS.
        let b = task()
            .cmd(&[
                "java",
                "-Dserver.tomcat.keep-alive-timeout=30s",
                "-Dserver.tomcat.keep-alive-timeout=40s",
                "-jar",
                "app.jar",
            ])
            .env(
                "JAVA_TOOL_OPTIONS",
                "-Dserver.tomcat.keep-alive-timeout=90s",
            )
            .build();
        assert_eq!(b.profile().value_of_ka(), Some(40.0));
        // Variables, both spellings; a bare number is milliseconds.
        for var in [
            "SERVER_TOMCAT_KEEPALIVETIMEOUT",
            "SERVER_TOMCAT_KEEP_ALIVE_TIMEOUT",
        ] {
            let b = task()
                .cmd(&["java", "-jar", "app.jar"])
                .env(var, "65000")
                .build();
            assert_eq!(b.profile().value_of_ka(), Some(65.0), "{var}");
        }
        // The connection timeout when keep-alive is not set.
        let b = task()
            .cmd(&[
                "java",
                "-jar",
                "app.jar",
                "--server.tomcat.connection-timeout=20s",
            ])
            .build();
        assert_eq!(b.profile().value_of_ka(), Some(20.0));
    }

    #[test]
    fn what_cannot_be_read_is_said_so() {
        let b = task()
            .cmd(&[
                "java",
                "-jar",
                "app.jar",
                "--server.tomcat.keep-alive-timeout=soon",
            ])
            .build();
        assert_unresolved(ka(&b.profile()), &["`soon`", "not a duration"]);
        let b = task()
            .cmd(&[
                "java",
                "-jar",
                "app.jar",
                "--server.tomcat.keep-alive-timeout=-1",
            ])
            .build();
        assert!(no_limit(&b.profile()).contains("is -1"));
        let b = task()
            .cmd(&["java", "-jar", "app.jar", "--server.undertow.threads.io=4"])
            .build();
        assert_unresolved(ka(&b.profile()), &["another server than Tomcat or Jetty"]);
    }

    #[test]
    fn spring_boot_on_jetty_reads_jettys_idle_timeout() {
        // A Jetty property: Jetty's 30 s default.
        let b = task()
            .cmd(&["java", "-jar", "app.jar", "--server.jetty.threads.max=50"])
            .build();
        let p = b.profile();
        assert_eq!(p.description, "Spring Boot (embedded Jetty)");
        assert_default(ka(&p), 30.0, "30000 ms", Some(&b.at("\"java\"", "java")));
        assert!(
            (p.keep_alive_fix)(65.0)
                .starts_with("--server.jetty.connection-idle-timeout=65s (or SERVER_JETTY_")
        );
        // The variable, in Spring's relaxed form.
        let b = task()
            .cmd(&["java", "-jar", "app.jar"])
            .env("SERVER_JETTY_CONNECTIONIDLETIMEOUT", "75s")
            .build();
        assert_explicit(ka(&b.profile()), 75.0, &b.at("\"75s\"", "75s"));
        // An argument over the variable; a bare number is milliseconds.
        let b = task()
            .cmd(&[
                "java",
                "-jar",
                "app.jar",
                "--server.jetty.connection-idle-timeout=90000",
            ])
            .env("SERVER_JETTY_CONNECTIONIDLETIMEOUT", "75s")
            .build();
        assert_eq!(b.profile().value_of_ka(), Some(90.0));
        // Tomcat's properties do not apply on Jetty.
        let b = task()
            .cmd(&[
                "java",
                "-jar",
                "app.jar",
                "--server.tomcat.keep-alive-timeout=75s",
            ])
            .env("SERVER_JETTY_THREADS_MAX", "50")
            .build();
        assert_eq!(b.profile().value_of_ka(), Some(30.0));
        // 0 and -1 disable Jetty's idle timeout.
        for v in ["0", "-1"] {
            let b = task()
                .cmd(&["java", "-jar", "app.jar"])
                .env("SERVER_JETTY_CONNECTIONIDLETIMEOUT", v)
                .build();
            no_limit(&b.profile());
        }
    }

    #[test]
    fn graceful_shutdown_when_switched_on() {
        let b = task()
            .cmd(&["java", "-jar", "app.jar", "--server.shutdown=graceful"])
            .build();
        let p = b.profile();
        let g = p.graceful_timeout.as_ref().unwrap();
        assert_eq!(g.value(), Some(&30.0));
        let b = task()
            .cmd(&[
                "java",
                "-jar",
                "app.jar",
                "--server.shutdown=graceful",
                "--spring.lifecycle.timeout-per-shutdown-phase=45s",
            ])
            .build();
        assert_eq!(b.profile().graceful_timeout.unwrap().value(), Some(&45.0));
    }
}
