//! Apache httpd (DOMAIN.md row "Apache httpd"; httpd `include/httpd.h`):
//! KeepAliveTimeout 5 s and Timeout 60 s built in. Debian and Ubuntu's
//! apache2 (`apache2ctl`, `apache2-foreground` in the `php:*-apache` images)
//! ship an apache2.conf with KeepAliveTimeout 5 and Timeout 300.
//! `-c "Directive value"` is applied after the config files, so it is
//! explicit; `-f file` replaces the config keepalign cannot read.

use super::{Invocation, KeepAlive, ServerProfile, Unit, secs};
use crate::model::{Seconds, Setting, Word};

#[derive(Clone, Copy, PartialEq)]
enum Flavour {
    /// Upstream httpd with its compiled-in defaults (official `httpd` image).
    Upstream,
    /// Debian/Ubuntu apache2 with its apache2.conf.
    Debian,
}

/// Docker official images (`httpd`, `php`), under the names they are pulled by.
fn official(repo: &str, name: &str) -> bool {
    let rest = [
        "docker.io/library/",
        "docker.io/",
        "library/",
        "public.ecr.aws/docker/library/",
    ]
    .iter()
    .find_map(|p| repo.strip_prefix(p))
    .unwrap_or(repo);
    rest == name
}

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    let image_is_httpd = ctx.image().is_some_and(|i| i.name == "httpd");
    let flavour = match ctx.program() {
        Some("httpd" | "httpd-foreground") => Flavour::Upstream,
        Some("apachectl") if image_is_httpd => Flavour::Upstream,
        Some("apachectl" | "apache2ctl" | "apache2" | "apache2-foreground") => Flavour::Debian,
        Some(_) => return None,
        None => {
            // Only official images have a known configuration: one merely
            // named httpd in a private registry may carry any httpd.conf.
            let image = ctx.image()?;
            if official(&image.repo, "httpd") {
                Flavour::Upstream
            } else if official(&image.repo, "php")
                && image.tag.is_some_and(|t| t.contains("apache"))
            {
                Flavour::Debian
            } else {
                return None;
            }
        }
    };
    let config = config_file(ctx.args());
    let setting = |directive: &str, upstream: Seconds, debian: Seconds| -> Setting<Seconds> {
        if let Some(w) = directive_value(ctx.args(), directive) {
            return ctx.seconds(
                &w,
                false,
                &format!("httpd -c \"{directive}\""),
                Unit::Seconds,
            );
        }
        if let Some(f) = &config {
            return Setting::unresolved(
                format!(
                    "httpd reads the config `{}`, which keepalign does not read, and it may set \
                     {directive}; pass it with -c \"{directive} N\" to see it checked",
                    f.text
                ),
                f.at.clone().or_else(|| ctx.server_at()),
            );
        }
        match flavour {
            Flavour::Upstream => ctx.default(
                upstream,
                format!(
                    "Apache httpd default ({directive} {}; include/httpd.h)",
                    secs(upstream)
                ),
            ),
            Flavour::Debian => ctx.default(
                debian,
                format!("Debian/Ubuntu apache2.conf ({directive} {})", secs(debian)),
            ),
        }
    };
    let (description, fix): (String, fn(Seconds) -> String) = match flavour {
        Flavour::Upstream => ("Apache httpd".into(), |s| {
            format!("KeepAliveTimeout {} (httpd.conf)", secs(s))
        }),
        Flavour::Debian => ("Apache httpd (Debian apache2)".into(), |s| {
            format!("KeepAliveTimeout {} (apache2.conf)", secs(s))
        }),
    };
    Some(ServerProfile {
        server: "httpd",
        description,
        identified_at: ctx.server_at(),
        keep_alive: KeepAlive::Timeout(setting("KeepAliveTimeout", 5.0, 5.0)),
        // httpd's graceful stop waits without a bound (GracefulShutdownTimeout 0).
        graceful_timeout: None,
        request_timeout: Some(setting("Timeout", 60.0, 300.0)),
        keep_alive_fix: fix,
        graceful_fix: None,
    })
}

/// `-f file`: a config file that replaces the default one.
fn config_file(args: &[Word]) -> Option<Word> {
    super::args::find(args, &[], &["-f"]).map(|f| f.value)
}

/// The value of the last `-c "Directive value"` for `directive`, located
/// within the word.
fn directive_value(args: &[Word], directive: &str) -> Option<Word> {
    let mut found = None;
    for pair in args.windows(2) {
        if pair[0].text != "-c" {
            continue;
        }
        let w = &pair[1];
        let text = w.text.trim_start();
        let lead = w.text.len() - text.len();
        let Some((name, _)) = text.split_once(char::is_whitespace) else {
            continue;
        };
        if !name.eq_ignore_ascii_case(directive) {
            continue;
        }
        let after = &text[name.len()..];
        let value = after.trim();
        let start = lead + name.len() + (after.len() - after.trim_start().len());
        found = Some(w.sub(start..start + value.len()));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    #[test]
    fn official_image_defaults() {
        let b = task().image("httpd:2.4").build();
        let p = b.profile();
        assert_eq!(p.server, "httpd");
        let at = b.at("httpd:2.4", "httpd:2.4");
        assert_default(
            ka(&p),
            5.0,
            "Apache httpd default (KeepAliveTimeout 5; include/httpd.h)",
            Some(&at),
        );
        assert_default(
            p.request_timeout.as_ref().unwrap(),
            60.0,
            "Timeout 60",
            Some(&at),
        );
        assert_eq!((p.keep_alive_fix)(65.0), "KeepAliveTimeout 65 (httpd.conf)");
        assert!(p.graceful_timeout.is_none());
    }

    #[test]
    fn commands_that_start_httpd() {
        for cmd in [
            &["httpd-foreground"][..],
            &["httpd", "-D", "FOREGROUND"],
            &["/usr/sbin/httpd", "-DFOREGROUND"],
        ] {
            let b = task().cmd(cmd).build();
            let p = b.profile();
            assert_eq!(p.description, "Apache httpd", "{cmd:?}");
            assert_default(ka(&p), 5.0, "include/httpd.h", p.identified_at.as_ref());
        }
        for cmd in [
            &["apache2ctl", "-D", "FOREGROUND"][..],
            &["apachectl", "-D", "FOREGROUND"],
            &["apache2", "-DFOREGROUND"],
            &["apache2-foreground"],
        ] {
            let b = task().cmd(cmd).build();
            let p = b.profile();
            assert_eq!(p.description, "Apache httpd (Debian apache2)", "{cmd:?}");
            assert_default(ka(&p), 5.0, "apache2.conf", p.identified_at.as_ref());
            assert_default(
                p.request_timeout.as_ref().unwrap(),
                300.0,
                "Timeout 300",
                p.identified_at.as_ref(),
            );
            assert_eq!(
                (p.keep_alive_fix)(65.0),
                "KeepAliveTimeout 65 (apache2.conf)"
            );
        }
        // apachectl in the official httpd image is upstream httpd.
        let p = task()
            .image("httpd:2.4")
            .cmd(&["apachectl", "-D", "FOREGROUND"])
            .build()
            .profile();
        assert_eq!(p.description, "Apache httpd");
    }

    #[test]
    fn php_apache_image_runs_debian_apache() {
        let b = task().image("php:8.3-apache").build();
        let p = b.profile();
        assert_eq!(p.description, "Apache httpd (Debian apache2)");
        assert!(task().image("php:8.3-fpm").build().identify().is_err());
    }

    #[test]
    fn dash_c_directives_are_explicit_and_dash_f_is_unresolved() {
        let b = task()
            .cmd(&[
                "httpd",
                "-D",
                "FOREGROUND",
                "-c",
                "KeepAliveTimeout 75",
                "-c",
                "Timeout  120",
            ])
            .build();
        let p = b.profile();
        assert_explicit(ka(&p), 75.0, &b.at("KeepAliveTimeout 75", "75"));
        assert_explicit(
            p.request_timeout.as_ref().unwrap(),
            120.0,
            &b.at("Timeout  120", "120"),
        );

        let b = task()
            .cmd(&["httpd", "-f", "/conf/site.conf", "-DFOREGROUND"])
            .build();
        let p = b.profile();
        let u = assert_unresolved(ka(&p), &["/conf/site.conf", "KeepAliveTimeout"]);
        assert_eq!(u.at, Some(b.at("\"/conf/site.conf\"", "/conf/site.conf")));
        assert_unresolved(p.request_timeout.as_ref().unwrap(), &["Timeout"]);
    }
}
