//! Quarkus (its Vert.x HTTP server), as a JVM app (`java -jar
//! quarkus-run.jar`, the `run-java.sh` of Quarkus' generated Dockerfiles
//! with `JAVA_APP_JAR`) or a native executable, recognised by its jar or a
//! `quarkus.` property or `QUARKUS_` variable.
//!
//! `quarkus.http.idle-timeout` closes an idle connection; its default is
//! `30M`, 1800 s (`HttpConfiguration.idleTimeout`, `@ConfigItem(defaultValue
//! = "30M")` in quarkus-vertx-http). That is above any ALB idle timeout
//! (KA101 passes) and above an NLB's default 350 s TCP idle timeout
//! (NL601). It is read, highest first, from Java system properties (`-D`
//! on the command line or in `JAVA_OPTS_APPEND`, `JAVA_OPTS`,
//! `JDK_JAVA_OPTIONS`, `JAVA_TOOL_OPTIONS`) and the variable
//! `QUARKUS_HTTP_IDLE_TIMEOUT` (SmallRye Config ordinals 400 and 300); an
//! `application.properties` built into the app (ordinal 250) is not
//! visible. Durations: a bare number is seconds, otherwise an ISO-8601
//! duration with or without `PT` (`30M`, `PT65S`, `65s`), or milliseconds
//! (`65000ms`).

use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile, jvm, secs};
use crate::model::{Seconds, Setting, Word};

const IDLE: &str = "quarkus.http.idle-timeout";
const IDLE_VARIABLE: &str = "QUARKUS_HTTP_IDLE_TIMEOUT";
/// Variables that carry JVM options, lowest precedence first, as the JVM
/// and `run-java.sh` read them.
const OPTION_VARIABLES: &[&str] = &[
    "JAVA_TOOL_OPTIONS",
    "JDK_JAVA_OPTIONS",
    "JAVA_OPTS",
    "JAVA_OPTS_APPEND",
];

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    ctx.program()?;
    let words = ctx.argv.iter().map(|w| w.text.as_str());
    let jar = |t: &str| t.ends_with("quarkus-run.jar");
    let mut quarkus = words.clone().any(|t| jar(t) || t.starts_with("-Dquarkus."));
    quarkus |= ctx
        .env("JAVA_APP_JAR")
        .and_then(Result::ok)
        .is_some_and(|w| jar(&w.text));
    // Lowest precedence first: the option variables, then the command line.
    let mut system = jvm::from_variables(ctx, OPTION_VARIABLES);
    system.extend(ctx.argv.iter().filter_map(|w| jvm::property(&w.text, w)));
    for (name, _) in &mut system {
        name.make_ascii_lowercase();
    }
    quarkus |= system.iter().any(|(n, _)| n.starts_with("quarkus."));
    quarkus |= ctx
        .container
        .environment
        .iter()
        .any(|v| v.name.starts_with("QUARKUS_"));
    if !quarkus {
        return None;
    }
    let keep_alive = match system.iter().rev().find(|(n, _)| n == IDLE) {
        Some((_, w)) => seconds(ctx, w, &format!("-D{IDLE}")),
        None => match ctx.env(IDLE_VARIABLE) {
            Some(Ok(w)) => seconds(ctx, &w, IDLE_VARIABLE),
            Some(Err(u)) => Setting::Unresolved(u),
            None => ctx.default(1800.0, "Quarkus default quarkus.http.idle-timeout, 30M"),
        },
    };
    Some(ServerProfile {
        server: "quarkus",
        description: "Quarkus".into(),
        identified_at: ctx.server_at(),
        keep_alive: KeepAlive::Timeout(keep_alive),
        graceful_timeout: None,
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix: |s| format!("QUARKUS_HTTP_IDLE_TIMEOUT={}s", secs(s)),
        graceful_fix: None,
    })
}

fn seconds(ctx: &Invocation, w: &Word, what: &str) -> Setting<Seconds> {
    let at = w.at.clone().or_else(|| ctx.server_at());
    match duration(w.text.trim()) {
        Some(s) => match at {
            Some(at) => Setting::explicit(s, at),
            None => ctx.unresolved(format!("{what} has no location")),
        },
        None => Setting::unresolved(
            format!(
                "{what} is `{}`, not a duration keepalign can read (`65`, `65s`, `PT65S`, `1M`)",
                w.display()
            ),
            at,
        ),
    }
}

/// A SmallRye `Duration`: seconds when a bare number, `…ms`, or ISO-8601
/// with or without `PT` (`30M`, `1H30M`, `PT65S`).
fn duration(text: &str) -> Option<Seconds> {
    if let Some(n) = super::parse_number(text) {
        return Some(n);
    }
    if let Some(ms) = text.strip_suffix("ms").or_else(|| text.strip_suffix("MS")) {
        return super::parse_number(ms).map(|n| n / 1000.0);
    }
    let iso = text
        .strip_prefix("PT")
        .or_else(|| text.strip_prefix("pt"))
        .unwrap_or(text);
    super::iso_time(iso)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::duration;

    #[test]
    fn durations_read_as_smallrye_reads_them() {
        assert_eq!(duration("65"), Some(65.0));
        assert_eq!(duration("65s"), Some(65.0));
        assert_eq!(duration("30M"), Some(1800.0));
        assert_eq!(duration("PT1M5S"), Some(65.0));
        assert_eq!(duration("65000ms"), Some(65.0));
        for bad in ["", "PT", "M", "65x", "$T"] {
            assert_eq!(duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_jar_and_the_default() {
        let b = task()
            .cmd(&["java", "-jar", "/deployments/quarkus-run.jar"])
            .build();
        let p = b.profile();
        assert_eq!(p.server, "quarkus");
        assert_default(ka(&p), 1800.0, "30M", Some(&b.at("\"java\"", "java")));
        assert_eq!((p.keep_alive_fix)(65.0), "QUARKUS_HTTP_IDLE_TIMEOUT=65s");
    }

    #[test]
    fn generated_dockerfile_layout_and_native_executables() {
        // run-java.sh with JAVA_APP_JAR, options in JAVA_OPTS_APPEND.
        let b = task()
            .cmd(&["/opt/jboss/container/java/run/run-java.sh"])
            .env("JAVA_APP_JAR", "/deployments/quarkus-run.jar")
            .env(
                "JAVA_OPTS_APPEND",
                "-Dquarkus.http.host=0.0.0.0 -Dquarkus.http.idle-timeout=PT5M",
            )
            .build();
        assert_eq!(b.profile().value_of_ka(), Some(300.0));
        // JAVA_OPTS_APPEND comes after JAVA_OPTS and JAVA_TOOL_OPTIONS.
        let b = task()
            .cmd(&["/opt/jboss/container/java/run/run-java.sh"])
            .env("JAVA_APP_JAR", "/deployments/quarkus-run.jar")
            .env("JAVA_TOOL_OPTIONS", "-Dquarkus.http.idle-timeout=10")
            .env("JAVA_OPTS_APPEND", "-Dquarkus.http.idle-timeout=20")
            .env("JAVA_OPTS", "-Dquarkus.http.idle-timeout=30")
            .build();
        assert_eq!(b.profile().value_of_ka(), Some(20.0));
        // A native executable takes -D too.
        let b = task()
            .cmd(&["./application", "-Dquarkus.http.host=0.0.0.0"])
            .env("QUARKUS_HTTP_IDLE_TIMEOUT", "45")
            .build();
        assert_eq!(b.profile().value_of_ka(), Some(45.0));
        // -D wins over the variable.
        let b = task()
            .cmd(&[
                "java",
                "-Dquarkus.http.idle-timeout=70s",
                "-jar",
                "quarkus-run.jar",
            ])
            .env("QUARKUS_HTTP_IDLE_TIMEOUT", "45")
            .build();
        assert_eq!(b.profile().value_of_ka(), Some(70.0));
    }

    #[test]
    fn java_without_quarkus_is_not_taken_for_it() {
        let b = task().cmd(&["java", "-jar", "/app/app.jar"]).build();
        assert!(b.identify().is_err());
    }

    #[test]
    fn an_unreadable_duration_is_said_so() {
        let b = task()
            .cmd(&["java", "-jar", "quarkus-run.jar"])
            .env("QUARKUS_HTTP_IDLE_TIMEOUT", "forever")
            .build();
        assert_unresolved(ka(&b.profile()), &["`forever`", "not a duration"]);
    }
}
