//! Eclipse Jetty as a server of its own: `java -jar $JETTY_HOME/start.jar`,
//! or the official `jetty` image, whose entrypoint runs `java -jar
//! "$JETTY_HOME/start.jar" "$@"` when the command is not a program (start
//! properties, `--module=…`) and puts `$JAVA_OPTIONS` after `java`
//! (docker-library/jetty `docker-entrypoint.sh`). Spring Boot on Jetty is
//! read by `spring.rs`.
//!
//! The HTTP connector closes a connection idle for `idleTimeout`
//! milliseconds: `AbstractConnector._idleTimeout = 30000` (jetty-core
//! `AbstractConnector.java`, Jetty 12), and the distribution's
//! `etc/jetty-http.xml` sets it from the start property
//! `jetty.http.idleTimeout`, default 30000. 30 s is below an ALB's default
//! 60 s: KA101. A value not above 0 disables the check (`IdleTimeout`: "A
//! value that is less than or zero disables the idle timeout checks"): no
//! limit.
//!
//! start.jar reads the property, highest first, from its own arguments
//! (`jetty.http.idleTimeout=V`, or `-Djetty.http.idleTimeout=V`, which it
//! takes as a start property too; the last one wins), then the
//! `$JETTY_BASE/start.d/*.ini` and `start.ini` files (a line `name=value`),
//! then Java system properties (`-D` before `-jar`, in `JAVA_OPTIONS`,
//! `JDK_JAVA_OPTIONS` or `JAVA_TOOL_OPTIONS`) (jetty-start `StartArgs.parse`,
//! `CommandLineConfigSource`, `Props`). The ini files are read from an image
//! built by a Dockerfile in the scan (`JETTY_BASE`, else the official
//! image's `/var/lib/jetty`); ini files the image's own `--add-modules` run
//! writes are the modules' templates, which leave the property commented
//! out.

use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile, command::basename, jvm};
use crate::model::{Setting, Word};
use crate::source::Location;

pub(super) const PROPERTY: &str = "jetty.http.idleTimeout";
/// The official image's `JETTY_BASE`.
const OFFICIAL_BASE: &str = "/var/lib/jetty";
const DEFAULT: &str = "Jetty default jetty.http.idleTimeout (30000 ms: AbstractConnector, \
                       etc/jetty-http.xml";
/// Variables that carry JVM options, lowest precedence first.
const OPTION_VARIABLES: &[&str] = &["JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "JAVA_OPTIONS"];
/// More ini files than this are not read.
const MAX_INI: usize = 64;

/// Image repositories of Jetty's official image.
fn official(repo: &str) -> bool {
    let repo = repo
        .strip_prefix("docker.io/")
        .or_else(|| repo.strip_prefix("public.ecr.aws/docker/"))
        .or_else(|| repo.strip_prefix("mirror.gcr.io/"))
        .unwrap_or(repo);
    matches!(repo, "jetty" | "library/jetty")
}

/// A word start.jar takes as an argument rather than a program: what the
/// official entrypoint hands to start.jar.
fn start_argument(text: &str) -> bool {
    text.starts_with('-') || text.contains('=') || text.ends_with(".xml")
}

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    let official_image = ctx.image().is_some_and(|i| official(&i.repo));
    let (jvm_args, start_args): (&[Word], &[Word]) = match ctx.program() {
        Some("java") => {
            let args = ctx.args();
            let jar = args
                .windows(2)
                .position(|w| w[0].text == "-jar" && basename(&w[1].text) == "start.jar")?;
            let path = &args[jar + 1].text;
            if !(path.to_ascii_lowercase().contains("jetty") || official_image) {
                return None;
            }
            (&args[..jar], &args[jar + 2..])
        }
        Some(_) if official_image && ctx.argv.first().is_some_and(|w| start_argument(&w.text)) => {
            (&[], &ctx.argv)
        }
        Some(_) => return None,
        None if official_image => (&[], &[]),
        None => return None,
    };
    let keep_alive = keep_alive(ctx, jvm_args, start_args);
    Some(ServerProfile {
        server: "jetty",
        description: match ctx.image() {
            Some(i) if ctx.argv.is_empty() => format!("Jetty (image {})", i.full),
            _ => "Jetty".into(),
        },
        identified_at: ctx.server_at(),
        keep_alive,
        graceful_timeout: None,
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix: |s| {
            format!(
                "{PROPERTY}={} (an argument to start.jar, or a line of start.d/http.ini)",
                super::millis(s)
            )
        },
        graceful_fix: None,
    })
}

fn keep_alive(ctx: &Invocation, jvm_args: &[Word], start_args: &[Word]) -> KeepAlive {
    // start.jar's own arguments: the last setting wins.
    let from_args = start_args.iter().rev().find_map(|w| {
        let text = w.text.as_str();
        let body = text.strip_prefix("-D").unwrap_or(text);
        let value = body.strip_prefix(PROPERTY)?.strip_prefix('=')?;
        let start = text.len() - value.len();
        Some((
            w.sub(start..text.len()),
            format!("the start.jar argument `{text}`"),
        ))
    });
    if let Some((w, what)) = from_args {
        return millis(ctx, &w, &what);
    }
    if ctx.files.is_some() {
        match from_ini(ctx) {
            Ok(Some(found)) => return found,
            Ok(None) => {}
            Err(s) => return KeepAlive::Timeout(s),
        }
    }
    let mut system = jvm::from_variables(ctx, OPTION_VARIABLES);
    system.extend(jvm_args.iter().filter_map(|w| {
        let (name, value) = jvm::property(&w.text, w)?;
        // The value's own place in the word.
        let start = w.text.len() - value.text.len();
        Some((name, w.sub(start..w.text.len())))
    }));
    if let Some((_, w)) = system.iter().rev().find(|(n, _)| n == PROPERTY) {
        return millis(ctx, w, &format!("-D{PROPERTY}"));
    }
    KeepAlive::Timeout(ctx.default(
        30.0,
        if ctx.files.is_some() {
            format!("{DEFAULT})")
        } else {
            format!("{DEFAULT}; a start.d/*.ini in the image may set it)")
        },
    ))
}

/// `jetty.http.idleTimeout` from the ini files of `$JETTY_BASE` in the
/// image: start.d/*.ini in name order, then start.ini; the last line wins.
fn from_ini(ctx: &Invocation) -> Result<Option<KeepAlive>, Setting<f64>> {
    let Some(files) = &ctx.files else {
        return Ok(None);
    };
    let base = ctx
        .env("JETTY_BASE")
        .and_then(Result::ok)
        .map(|w| w.text.trim().trim_end_matches('/').to_string())
        .filter(|b| b.starts_with('/') && !b.contains('$'))
        .unwrap_or_else(|| OFFICIAL_BASE.to_string());
    let mut paths: Vec<String> = files
        .list(&format!("{base}/start.d"))
        .into_iter()
        .filter(|p| p.ends_with(".ini"))
        .collect();
    paths.sort();
    paths.truncate(MAX_INI);
    paths.push(format!("{base}/start.ini"));
    let mut found = None;
    for path in paths {
        let file = match super::conf_files::read_from_image(files, &path) {
            Ok(Some(f)) => f,
            Ok(None) => continue,
            Err(p) => {
                return Err(Setting::unresolved(
                    format!(
                        "Jetty's start files in the image: {}; declare the keep-alive in \
                         keepalign.toml ([[service]] with keep-alive)",
                        p.reason
                    ),
                    p.at.or_else(|| ctx.server_at()),
                ));
            }
        };
        let mut offset = 0;
        for line in file.text.split_inclusive('\n') {
            let body = line.trim_end_matches(['\n', '\r']);
            let lead = body.len() - body.trim_start().len();
            let trimmed = body.trim();
            if let Some(value) = trimmed
                .strip_prefix("-D")
                .unwrap_or(trimmed)
                .strip_prefix(PROPERTY)
                .and_then(|r| r.strip_prefix('='))
            {
                let value_start = offset + lead + trimmed.len() - value.len();
                let at = Location::new(&file, value_start..offset + lead + trimmed.len());
                found = Some((
                    Word::new(value, Some(at)),
                    format!("{PROPERTY} in {}", file.display),
                ));
            }
            offset += line.len();
        }
    }
    Ok(found.map(|(w, what)| millis(ctx, &w, &what)))
}

/// A number of milliseconds, as Jetty's XML configuration reads a `long`.
fn millis(ctx: &Invocation, w: &Word, what: &str) -> KeepAlive {
    let at = w.at.clone().or_else(|| ctx.server_at());
    let text = w.text.trim();
    let negative = text.strip_prefix('-');
    match negative.unwrap_or(text).parse::<u64>() {
        Ok(n) if negative.is_some() || n == 0 => KeepAlive::NoLimit {
            why: format!(
                "{what} sets the idle timeout to {text}: Jetty never closes an idle connection"
            ),
            at,
        },
        Ok(n) => match at {
            Some(at) => KeepAlive::Timeout(Setting::explicit(n as f64 / 1000.0, at)),
            None => KeepAlive::Timeout(ctx.unresolved(format!("{what} has no location"))),
        },
        Err(_) => KeepAlive::Timeout(Setting::unresolved(
            format!(
                "{what} is `{}`, not a number of milliseconds keepalign can read",
                w.display()
            ),
            at,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    #[test]
    fn the_official_image_and_start_jar_default_to_thirty_seconds() {
        let b = task().image("jetty:12.0-jdk21").build();
        let p = b.profile();
        assert_eq!(p.server, "jetty");
        assert_default(
            ka(&p),
            30.0,
            "30000 ms",
            Some(&b.at("\"jetty:12.0-jdk21\"", "jetty:12.0-jdk21")),
        );
        assert_eq!(
            (p.keep_alive_fix)(65.0),
            "jetty.http.idleTimeout=65000 (an argument to start.jar, or a line of start.d/http.ini)"
        );
        let b = task()
            .cmd(&["java", "-jar", "/usr/local/jetty/start.jar"])
            .build();
        assert_eq!(b.profile().value_of_ka(), Some(30.0));
        // Some other program's start.jar is not Jetty.
        assert!(
            task()
                .cmd(&["java", "-jar", "/app/start.jar"])
                .build()
                .identify()
                .is_err()
        );
    }

    #[test]
    fn start_arguments_over_system_properties() {
        let b = task()
            .cmd(&[
                "java",
                "-Djetty.http.idleTimeout=40000",
                "-jar",
                "$JETTY_HOME/start.jar",
                "jetty.http.idleTimeout=50000",
                "-Djetty.http.idleTimeout=75000",
            ])
            .env("JAVA_OPTIONS", "-Djetty.http.idleTimeout=45000")
            .build();
        assert_explicit(
            ka(&b.profile()),
            75.0,
            &b.at("\"-Djetty.http.idleTimeout=75000\"", "75000"),
        );
        // A JVM system property on the command line wins over JAVA_OPTIONS
        // (the entrypoint puts JAVA_OPTIONS first).
        let b = task()
            .cmd(&[
                "java",
                "-Djetty.http.idleTimeout=40000",
                "-jar",
                "/usr/local/jetty/start.jar",
            ])
            .env("JAVA_OPTIONS", "-Djetty.http.idleTimeout=45000")
            .build();
        assert_explicit(
            ka(&b.profile()),
            40.0,
            &b.at("\"-Djetty.http.idleTimeout=40000\"", "40000"),
        );
        let b = task()
            .image("jetty:12")
            .env("JAVA_OPTIONS", "-Xmx1g -Djetty.http.idleTimeout=90000")
            .build();
        assert_eq!(b.profile().value_of_ka(), Some(90.0));
        // The official image takes start properties as its command.
        let b = task()
            .image("jetty:12")
            .cmd(&["jetty.http.idleTimeout=65000", "--module=http"])
            .build();
        assert_explicit(
            ka(&b.profile()),
            65.0,
            &b.at("\"jetty.http.idleTimeout=65000\"", "65000"),
        );
    }

    #[test]
    fn ini_files_in_the_image() {
        let b = task()
            .image("123.dkr.ecr/web:1")
            .cmd(&["java", "-jar", "/usr/local/jetty/start.jar"])
            .build();
        let dockerfile = "FROM jetty:12-jdk21\nCOPY start.d/ /var/lib/jetty/start.d/\nCOPY app.war /var/lib/jetty/webapps/ROOT.war\n";
        let p = with_image(
            &b,
            dockerfile,
            &[
                (
                    "start.d/http.ini",
                    "--module=http\n# jetty.http.idleTimeout=30000\njetty.http.idleTimeout=70000\n",
                ),
                (
                    "start.d/server.ini",
                    // start.jar splits at `=` without trimming: a spaced
                    // name is another property.
                    "--module=server\n  jetty.http.idleTimeout=80000\njetty.http.idleTimeout = 1\n",
                ),
                ("app.war", ""),
            ],
        )
        .unwrap();
        // server.ini comes after http.ini.
        let crate::servers::KeepAlive::Timeout(s) = &p.keep_alive else {
            panic!()
        };
        assert_eq!(s.value(), Some(&80.0));
        let at = s.location().unwrap();
        assert_eq!((at.snippet(), at.start()), ("80000", (2, 26)));
        // A start argument wins over the ini files.
        let b = task()
            .cmd(&[
                "java",
                "-jar",
                "/usr/local/jetty/start.jar",
                "jetty.http.idleTimeout=5000",
            ])
            .build();
        let p = with_image(
            &b,
            dockerfile,
            &[
                ("start.d/http.ini", "jetty.http.idleTimeout=70000\n"),
                ("app.war", ""),
            ],
        )
        .unwrap();
        assert_eq!(p.value_of_ka(), Some(5.0));
    }

    #[test]
    fn zero_or_negative_is_no_limit_and_garbage_is_unknown() {
        let b = task()
            .cmd(&[
                "java",
                "-jar",
                "/opt/jetty/start.jar",
                "jetty.http.idleTimeout=-1",
            ])
            .build();
        assert!(no_limit(&b.profile()).contains("never closes"));
        let b = task()
            .cmd(&[
                "java",
                "-jar",
                "/opt/jetty/start.jar",
                "jetty.http.idleTimeout=30s",
            ])
            .build();
        assert_unresolved(ka(&b.profile()), &["`30s`", "not a number of milliseconds"]);
        let b = task()
            .cmd(&[
                "java",
                "-jar",
                "/opt/jetty/start.jar",
                "jetty.http.idleTimeout=",
            ])
            .build();
        assert_unresolved(ka(&b.profile()), &["not a number"]);
    }
}
