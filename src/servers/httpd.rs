//! Apache httpd (DOMAIN.md row "Apache httpd"; httpd `include/httpd.h`):
//! KeepAliveTimeout 5 s and Timeout 60 s built in. Debian and Ubuntu's
//! apache2 (`apache2ctl`, `apache2-foreground` in the `php:*-apache` images)
//! ship an apache2.conf with KeepAliveTimeout 5 and Timeout 300.
//! `-c "Directive value"` is applied after the config files, so it is
//! explicit; `-f file` replaces the config keepalign cannot read.
//!
//! When the image is built by a Dockerfile in the scan, httpd's files are
//! read from it: `/usr/local/apache2/conf/httpd.conf` (the official `httpd`
//! image, ServerRoot `/usr/local/apache2`) or Debian's
//! `/etc/apache2/apache2.conf` (ServerRoot `/etc/apache2`), or the `-f`
//! file, with every file they `Include`/`IncludeOptional`. `KeepAlive`,
//! `KeepAliveTimeout` and `Timeout` are server-config and virtual-host
//! directives (`server/core.c`): the last one at server level applies,
//! and the first `<VirtualHost>` on the container port may override it
//! (for KeepAliveTimeout httpd uses "the first defined virtual host best
//! matching the local IP and port", core documentation). Times are
//! seconds, or `ms`/`s`/`mi`/`h` (`ap_timeout_parameter_parse`,
//! `server/util.c`). `KeepAlive Off` closes every connection. Conditional
//! sections (`<IfModule>`, `<IfDefine>`, ...) are read as if they hold.
//! A config no COPY brings is the base image's: the official `httpd`
//! image's httpd.conf sets none of the three (its `Include
//! conf/extra/httpd-default.conf` is commented out, httpd
//! `docs/conf/httpd.conf.in`), so the built-in values apply; Debian's
//! apache2.conf (the `php:*-apache` images, `debian`, `ubuntu`; Debian
//! `apache2` package `debian/config-dir/apache2.conf.in`) sets `Timeout
//! 300`, `KeepAlive On`, `KeepAliveTimeout 5` and includes
//! `conf-enabled/*.conf` and `sites-enabled/*.conf`. Another base image's
//! config is unknown.

mod conf;

use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile, Unit, secs};
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
    let image = ctx
        .files
        .as_ref()
        .map(|files| from_image(ctx, files, flavour, config.as_ref()));
    let setting = |directive: &str, upstream: Seconds, debian: Seconds| -> Setting<Seconds> {
        if let Some(w) = directive_value(ctx.args(), directive) {
            return ctx.seconds(
                &w,
                false,
                &format!("httpd -c \"{directive}\""),
                Unit::Seconds,
            );
        }
        if let Some(image) = &image {
            return match image {
                Ok(values) => values.get(ctx, directive, upstream, flavour),
                Err(p) => problem(ctx, p.clone()),
            };
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
        keep_alive: match &image {
            // `KeepAlive Off` in the image's config, unless -c turns it on.
            Some(Ok(values))
                if values.keep_alive_off.is_some()
                    && directive_value(ctx.args(), "KeepAlive")
                        .is_none_or(|w| w.text.eq_ignore_ascii_case("off")) =>
            {
                KeepAlive::ClosesEveryConnection {
                    why: format!(
                        "KeepAlive Off ({}) turns keep-alive off: httpd closes every connection",
                        values
                            .keep_alive_off
                            .as_ref()
                            .map_or(String::new(), |p| p.show())
                    ),
                }
            }
            _ => KeepAlive::Timeout(setting("KeepAliveTimeout", 5.0, 5.0)),
        },
        // httpd's graceful stop waits without a bound (GracefulShutdownTimeout 0).
        graceful_timeout: None,
        request_timeout: Some(setting("Timeout", 60.0, 300.0)),
        request_timeout_end: RequestTimeoutEnd::Killed,
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

/// What the image's configuration sets, for the server (or virtual host)
/// the load balancer reaches: each directive's value and where, `None`
/// when it is not set (the built-in value applies).
#[derive(Debug)]
struct ImageValues {
    keep_alive_timeout: Option<Result<(Seconds, conf::Place), conf::Problem>>,
    timeout: Option<Result<(Seconds, conf::Place), conf::Problem>>,
    /// `KeepAlive Off`, where.
    keep_alive_off: Option<conf::Place>,
}

impl ImageValues {
    fn get(
        &self,
        ctx: &Invocation,
        directive: &str,
        upstream: Seconds,
        flavour: Flavour,
    ) -> Setting<Seconds> {
        let found = match directive {
            "KeepAliveTimeout" => &self.keep_alive_timeout,
            _ => &self.timeout,
        };
        match found {
            Some(Ok((v, conf::Place::File(at)))) => Setting::explicit(*v, at.clone()),
            Some(Ok((v, conf::Place::Stock(what)))) => ctx.default(*v, *what),
            Some(Err(p)) => problem(ctx, p.clone()),
            // Debian's stock apache2.conf sets all three, so only a
            // replaced config leaves one unset: the built-in value.
            None => ctx.default(
                upstream,
                format!(
                    "Apache httpd default ({directive} {}; include/httpd.h), as the image's \
                     configuration does not set it{}",
                    secs(upstream),
                    if flavour == Flavour::Debian {
                        ""
                    } else {
                        " (the official image's httpd.conf does not either)"
                    }
                ),
            ),
        }
    }
}

/// The parts of Debian's stock apache2.conf keepalign needs.
const DEBIAN_STOCK: &str = "Timeout 300\nKeepAlive On\nKeepAliveTimeout 5\n\
                            IncludeOptional conf-enabled/*.conf\n\
                            IncludeOptional sites-enabled/*.conf\n";
const DEBIAN_STOCK_WHAT: &str = "the stock /etc/apache2/apache2.conf of Debian's apache2 package \
                                 (debian/config-dir/apache2.conf.in)";

struct ImageConf<'a> {
    files: &'a crate::image_files::ImageFiles<'a>,
}

impl conf::Files for ImageConf<'_> {
    fn read(
        &self,
        path: &str,
    ) -> Result<Option<std::sync::Arc<crate::source::SourceFile>>, conf::Problem> {
        super::conf_files::read_from_image(self.files, path)
    }

    fn list(&self, dir: &str) -> Vec<String> {
        self.files.list(dir)
    }

    fn stock_in(&self, _dir: &str) -> Vec<(String, conf::Text)> {
        Vec::new()
    }

    fn harmless_stock(&self, path: &str) -> bool {
        // mime.types is read by TypesConfig, not included; the stock
        // extra/ files hold no timeouts except httpd-default.conf.
        path.ends_with("/mime.types")
    }
}

fn problem(ctx: &Invocation, p: conf::Problem) -> Setting<Seconds> {
    Setting::unresolved(
        format!(
            "httpd's configuration in the image: {}; declare the value in keepalign.toml \
             ([[service]] with keep-alive), or pass it with -c \"Directive N\"",
            p.reason
        ),
        p.at.or_else(|| ctx.server_at()),
    )
}

/// Read the configuration in the image.
fn from_image(
    ctx: &Invocation,
    files: &crate::image_files::ImageFiles<'_>,
    flavour: Flavour,
    flag: Option<&Word>,
) -> Result<ImageValues, conf::Problem> {
    let (root, main) = match flavour {
        Flavour::Upstream => ("/usr/local/apache2", "/usr/local/apache2/conf/httpd.conf"),
        Flavour::Debian => ("/etc/apache2", "/etc/apache2/apache2.conf"),
    };
    let base = files.dockerfile.base_image(files.stage);
    let base_image =
        (base.unknown.is_none() && !base.text.is_empty()).then(|| super::split_image(&base.text));
    let path = match flag {
        Some(w) if w.unknown.is_some() || w.text.contains('$') => {
            return Err(conf::Problem::new(
                format!(
                    "httpd reads the config `{}`, which keepalign cannot resolve",
                    w.display()
                ),
                w.at.clone(),
            ));
        }
        Some(w) => crate::image_files::absolute(root, &w.text),
        None => main.to_string(),
    };
    let image = ImageConf { files };
    let text = match conf::Files::read(&image, &path)? {
        Some(f) => conf::Text::File(f),
        None if path == main => {
            let stock = base_image.as_ref().and_then(|i| match flavour {
                Flavour::Upstream if official(&i.repo, "httpd") => Some(None),
                Flavour::Debian
                    if official(&i.repo, "php") && i.tag.is_some_and(|t| t.contains("apache"))
                        || official(&i.repo, "debian")
                        || official(&i.repo, "ubuntu") =>
                {
                    Some(Some(conf::Text::Stock {
                        text: DEBIAN_STOCK,
                        what: DEBIAN_STOCK_WHAT,
                    }))
                }
                _ => None,
            });
            match stock {
                // The official image's httpd.conf sets none of the three.
                Some(None) => {
                    return Ok(ImageValues {
                        keep_alive_timeout: None,
                        timeout: None,
                        keep_alive_off: None,
                    });
                }
                Some(Some(text)) => text,
                None => {
                    return Err(conf::Problem::new(
                        format!(
                            "httpd reads {path}, which nothing in {} brings into the image, so \
                             it is the base image `{}`'s, whose configuration keepalign does not \
                             know; COPY the config from the build context",
                            files.dockerfile.file.display,
                            base.display()
                        ),
                        Some(base.at.clone().unwrap_or_else(|| files.stage().at.clone())),
                    ));
                }
            }
        }
        None => {
            return Err(conf::Problem::new(
                format!(
                    "httpd reads {path} (-f), which nothing in {} brings into the image",
                    files.dockerfile.file.display
                ),
                flag.and_then(|w| w.at.clone()),
            ));
        }
    };
    let directives = conf::load(&image, &conf::SYNTAX, root, text)?;
    Ok(values(&directives, ctx.port))
}

/// Sections whose directives apply to the whole server when they hold.
fn conditional(name: &str) -> bool {
    matches!(
        name,
        "ifmodule" | "ifdefine" | "ifversion" | "iffile" | "ifdirective" | "ifsection"
    )
}

/// The last KeepAlive, KeepAliveTimeout and Timeout of a scope (server
/// level, or one virtual host), with conditional sections read through;
/// `vhosts` collects the virtual hosts met at server level.
fn scope<'d>(
    block: &'d [conf::Directive],
    found: &mut [Option<&'d conf::Directive>; 3],
    mut vhosts: Option<&mut Vec<&'d conf::Directive>>,
) {
    // Conditional sections nest only as deep as the parser allows; walked
    // with a stack of iterators in order.
    let mut stack = vec![block.iter()];
    while let Some(top) = stack.last_mut() {
        let Some(d) = top.next() else {
            stack.pop();
            continue;
        };
        match (&d.block, d.name.as_str()) {
            (Some(inner), name) if conditional(name) => stack.push(inner.iter()),
            (Some(_), "virtualhost") => {
                if let Some(v) = vhosts.as_mut() {
                    v.push(d);
                }
            }
            (Some(_), _) => {}
            (None, "keepalive") => found[0] = Some(d),
            (None, "keepalivetimeout") => found[1] = Some(d),
            (None, "timeout") => found[2] = Some(d),
            _ => {}
        }
    }
}

/// Whether a `<VirtualHost addr:port …>` takes connections on `port`.
fn vhost_on(vhost: &conf::Directive, port: u16) -> bool {
    vhost.args.iter().any(|a| {
        let t = a.text.as_str();
        let p = match t.rsplit_once(':') {
            Some((host, p)) if !host.is_empty() && !p.ends_with(']') => p,
            _ => "*",
        };
        p == "*" || p.parse::<u16>().ok() == Some(port)
    })
}

/// An httpd time: seconds, or `ms`, `s`, `mi`, `h` (ap_timeout_parameter_parse).
fn apache_time(s: &str) -> Option<Seconds> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let n: f64 = s[..digits].parse().ok()?;
    Some(match &s[digits..] {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "mi" => n * 60.0,
        "h" => n * 3600.0,
        _ => return None,
    })
}

fn time_of(d: &conf::Directive) -> Result<(Seconds, conf::Place), conf::Problem> {
    let Some(arg) = d.args.first() else {
        return Err(conf::Problem::new(
            format!("{} at {} has no value", d.name, d.place.show()),
            d.place.location().cloned(),
        ));
    };
    match apache_time(&arg.text) {
        Some(v) => Ok((v, arg.place.clone())),
        None => Err(conf::Problem::new(
            format!(
                "`{}` at {} is not a time keepalign can read{}",
                arg.text,
                arg.place.show(),
                if arg.text.contains("${") {
                    " (a variable httpd expands from Define or the environment)"
                } else {
                    ""
                }
            ),
            arg.place.location().cloned(),
        )),
    }
}

/// The values for the virtual host on `port` (else the server's).
fn values<'d>(directives: &'d [conf::Directive], port: Option<u16>) -> ImageValues {
    let mut server = [None; 3];
    let mut vhosts = Vec::new();
    scope(directives, &mut server, Some(&mut vhosts));
    let effective = |vhost: Option<&'d conf::Directive>| effective(server, vhost);
    let chosen = match port {
        Some(p) => effective(vhosts.iter().copied().find(|v| vhost_on(v, p))),
        None => {
            // The port is not known: the virtual hosts must agree.
            let all: Vec<_> = vhosts.iter().map(|v| effective(Some(v))).collect();
            let text = |f: &[Option<&conf::Directive>; 3], i: usize| {
                f[i].and_then(|d| d.args.first())
                    .map(|a| a.text.to_ascii_lowercase())
            };
            let differs = |i: usize| {
                all.iter()
                    .any(|f| text(f, i) != all.first().and_then(|g| text(g, i)))
            };
            let mut found = all.first().copied().unwrap_or(server);
            for (i, f) in found.iter_mut().enumerate() {
                if differs(i) {
                    *f = None;
                }
            }
            if (0..3).any(differs) {
                let what = ["KeepAlive", "KeepAliveTimeout", "Timeout"];
                let problem = |i: usize| {
                    Some(Err(conf::Problem::new(
                        format!(
                            "virtual hosts set {} differently, and the container port the load \
                             balancer sends to is not known",
                            what[i]
                        ),
                        vhosts.first().and_then(|v| v.place.location().cloned()),
                    )))
                };
                return ImageValues {
                    keep_alive_timeout: if differs(1) {
                        problem(1)
                    } else {
                        found[1].map(time_of)
                    },
                    timeout: if differs(2) {
                        problem(2)
                    } else {
                        found[2].map(time_of)
                    },
                    keep_alive_off: if differs(0) { None } else { off(found[0]) },
                };
            }
            found
        }
    };
    ImageValues {
        keep_alive_timeout: chosen[1].map(time_of),
        timeout: chosen[2].map(time_of),
        keep_alive_off: off(chosen[0]),
    }
}

/// The three values of a virtual host: its own, else the server's.
fn effective<'d>(
    server: [Option<&'d conf::Directive>; 3],
    vhost: Option<&'d conf::Directive>,
) -> [Option<&'d conf::Directive>; 3] {
    let mut found = server;
    if let Some(block) = vhost.and_then(|v| v.block.as_deref()) {
        let mut own = [None; 3];
        scope(block, &mut own, None);
        for (f, o) in found.iter_mut().zip(own) {
            if o.is_some() {
                *f = o;
            }
        }
    }
    found
}

fn off(d: Option<&conf::Directive>) -> Option<conf::Place> {
    let d = d?;
    let a = d.args.first()?;
    a.text.eq_ignore_ascii_case("off").then(|| a.place.clone())
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

    fn values_in(text: &str, port: Option<u16>) -> super::ImageValues {
        let f = crate::source::SourceFile::new("httpd.conf".into(), text.into());
        let d = super::conf::parse(&super::conf::Text::File(f)).unwrap();
        super::values(&d, port)
    }

    fn at_line(
        v: &Option<Result<(f64, super::conf::Place), super::conf::Problem>>,
    ) -> (f64, usize) {
        match v {
            Some(Ok((s, p))) => (*s, p.location().map_or(0, |l| l.start().0)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn server_level_and_the_virtual_host_on_the_port() {
        let conf = "Timeout 90\nKeepAliveTimeout 5\n<IfModule mpm_event_module>\n  KeepAliveTimeout 10\n</IfModule>\n<Directory /srv>\n  Timeout 1\n</Directory>\n<VirtualHost *:8080>\n  KeepAliveTimeout 2mi\n</VirtualHost>\n<VirtualHost *:9000>\n  Timeout 500ms\n</VirtualHost>\n";
        let v = values_in(conf, Some(8080));
        assert_eq!(at_line(&v.keep_alive_timeout), (120.0, 10));
        assert_eq!(at_line(&v.timeout), (90.0, 1));
        let v = values_in(conf, Some(9000));
        assert_eq!(at_line(&v.keep_alive_timeout), (10.0, 4));
        assert_eq!(at_line(&v.timeout), (0.5, 13));
        // No virtual host on the port: the server's values.
        let v = values_in(conf, Some(80));
        assert_eq!(at_line(&v.keep_alive_timeout), (10.0, 4));
        // Port unknown and the hosts disagree: unknown, said so.
        let v = values_in(conf, None);
        match &v.keep_alive_timeout {
            Some(Err(p)) => assert!(
                p.reason
                    .contains("virtual hosts set KeepAliveTimeout differently"),
                "{}",
                p.reason
            ),
            other => panic!("{other:?}"),
        }
        assert!(v.keep_alive_off.is_none());
    }

    #[test]
    fn keep_alive_off_unset_and_unreadable_values() {
        let v = values_in("KeepAlive Off\n", Some(80));
        assert_eq!(
            v.keep_alive_off.map(|p| p.location().unwrap().start().0),
            Some(1)
        );
        assert!(v.keep_alive_timeout.is_none() && v.timeout.is_none());
        let v = values_in(
            "<VirtualHost *:80>\nKeepAlive On\n</VirtualHost>\nKeepAlive Off\n",
            Some(80),
        );
        assert!(v.keep_alive_off.is_none());
        let v = values_in("KeepAliveTimeout ${KA}\n", Some(80));
        match &v.keep_alive_timeout {
            Some(Err(p)) => assert!(
                p.reason.contains("`${KA}` at httpd.conf:1 is not a time"),
                "{}",
                p.reason
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn apache_times() {
        assert_eq!(super::apache_time("5"), Some(5.0));
        assert_eq!(super::apache_time("300s"), Some(300.0));
        assert_eq!(super::apache_time("1500ms"), Some(1.5));
        assert_eq!(super::apache_time("2mi"), Some(120.0));
        assert_eq!(super::apache_time("1h"), Some(3600.0));
        for bad in ["", "m", "5m", "-1", "1.5", "${T}"] {
            assert_eq!(super::apache_time(bad), None, "{bad}");
        }
    }
}
