//! nginx (DOMAIN.md row "nginx"): `keepalive_timeout` is 75 s built in, but
//! the stock nginx.conf of the official image (and of the Debian and Alpine
//! packages) sets 65 s, and that file is what runs unless a config replaces
//! it. `-g` only takes main-context directives, so `keepalive_timeout` (an
//! http-context directive) cannot be set there and `-g` is ignored.
//!
//! On Fargate a config is often shipped in an environment variable that the
//! command writes to conf.d; a `keepalive_timeout` written there is read.

use super::args;
use super::{Invocation, KeepAlive, ServerProfile, secs};
use crate::model::{Seconds, Setting, Word};
use std::ops::Range;

/// Image repositories published by nginx itself.
fn official(repo: &str) -> bool {
    matches!(
        repo,
        "nginx"
            | "library/nginx"
            | "docker.io/library/nginx"
            | "docker.io/nginx"
            | "public.ecr.aws/nginx/nginx"
            | "public.ecr.aws/nginx/nginx-unprivileged"
            | "mirror.gcr.io/library/nginx"
            | "public.ecr.aws/docker/library/nginx"
    ) || repo.starts_with("nginxinc/")
        || repo.starts_with("docker.io/nginxinc/")
}

const OFFICIAL: &str = "official nginx image's nginx.conf (keepalive_timeout 65)";

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    let mut keep_alive: Setting<Seconds> = match ctx.program() {
        Some("nginx" | "nginx-debug") => match args::find(ctx.args(), &[], &["-c"]) {
            Some(c) => Setting::unresolved(
                format!(
                    "nginx reads `{}`, which keepalign does not read, and keepalive_timeout is \
                     set there (65 s in the stock nginx.conf, 75 s built in); set keepalive_timeout in \
                     the command or environment where keepalign can see it",
                    c.value.text
                ),
                c.value.at.clone().or_else(|| ctx.server_at()),
            ),
            None if ctx.image().is_some_and(|i| official(&i.repo)) => ctx.default(65.0, OFFICIAL),
            None => ctx.default(
                65.0,
                "stock nginx.conf (keepalive_timeout 65, as in the official image and the \
                 Debian/Alpine packages; a custom nginx.conf may change it)",
            ),
        },
        Some(_) => return None,
        None => {
            let image = ctx.image()?;
            if !matches!(image.name.as_str(), "nginx" | "nginx-unprivileged") {
                return None;
            }
            // An image merely named nginx in a private registry is built by
            // someone else: its nginx.conf is not known (UN002 says so).
            if !official(&image.repo) {
                return None;
            }
            ctx.default(65.0, OFFICIAL)
        }
    };
    if let Some(from_env) = env_config(ctx) {
        keep_alive = from_env;
    }
    let description = match ctx.image() {
        Some(i) if ctx.argv.is_empty() => format!("nginx (image {})", i.full),
        _ => "nginx".into(),
    };
    let keep_alive = match keep_alive {
        // nginx answers `Connection: close` when keep-alive is off.
        s if s.value() == Some(&0.0) => KeepAlive::ClosesEveryConnection {
            why: "keepalive_timeout 0 turns keep-alive off: nginx closes every connection".into(),
        },
        s => KeepAlive::Timeout(s),
    };
    Some(ServerProfile {
        server: "nginx",
        description,
        identified_at: ctx.server_at(),
        keep_alive,
        // Graceful shutdown waits for open connections without a bound
        // unless worker_shutdown_timeout is set in nginx.conf.
        graceful_timeout: None,
        request_timeout: None,
        keep_alive_fix: |s| {
            format!(
                "keepalive_timeout {}s; (http or server block of nginx.conf)",
                secs(s)
            )
        },
        graceful_fix: None,
    })
}

/// `keepalive_timeout` in nginx config carried by the container's
/// environment. Several different values (server blocks) are not guessed
/// between.
fn env_config(ctx: &Invocation) -> Option<Setting<Seconds>> {
    let mut found: Vec<(Option<Seconds>, Word, &str)> = Vec::new();
    let mut seen = Vec::new();
    for var in &ctx.container.environment {
        if seen.contains(&var.name.as_str()) {
            continue;
        }
        seen.push(var.name.as_str());
        let Some(Ok(w)) = ctx.env(&var.name) else {
            continue;
        };
        for (value, range) in keepalive_directives(&w.text) {
            found.push((value, w.sub(range), var.name.as_str()));
        }
    }
    let (value, word, var) = found.last()?;
    let Some(v) = value else {
        return Some(Setting::unresolved(
            format!(
                "the nginx config in {var} sets keepalive_timeout to `{}`, which keepalign \
                 cannot read as a time",
                word.text
            ),
            word.at.clone().or_else(|| ctx.server_at()),
        ));
    };
    if found.iter().any(|(other, ..)| other != value) {
        let all: Vec<String> = found.iter().map(|(_, w, _)| w.text.clone()).collect();
        return Some(Setting::unresolved(
            format!(
                "the nginx config in {var} sets keepalive_timeout to different values ({}), and \
                 keepalign does not know which server block the load balancer reaches; use one \
                 value",
                all.join(", ")
            ),
            word.at.clone().or_else(|| ctx.server_at()),
        ));
    }
    let at = word.at.clone().or_else(|| ctx.server_at())?;
    Some(Setting::explicit(*v, at))
}

/// Values of `keepalive_timeout` directives outside `upstream` blocks (where
/// it is about connections to the backends), with their byte ranges.
fn keepalive_directives(conf: &str) -> Vec<(Option<Seconds>, Range<usize>)> {
    let mut out = Vec::new();
    let mut blocks: Vec<bool> = Vec::new();
    // Tokens of the statement being read, with their ranges.
    let mut stmt: Vec<Range<usize>> = Vec::new();
    let bytes = conf.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'{' | b'}' | b';' => {
                let first = stmt.first().map(|r| &conf[r.clone()]);
                match bytes[i] {
                    b'{' => blocks.push(first == Some("upstream")),
                    b'}' => {
                        blocks.pop();
                    }
                    _ if first == Some("keepalive_timeout") && !blocks.contains(&true) => {
                        if let Some(r) = stmt.get(1) {
                            out.push((nginx_time(&conf[r.clone()]), r.clone()));
                        }
                    }
                    _ => {}
                }
                stmt.clear();
                i += 1;
            }
            b if b.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < bytes.len()
                    && !bytes[i].is_ascii_whitespace()
                    && !matches!(bytes[i], b'{' | b'}' | b';')
                {
                    // `${VAR}` (a template placeholder) is one token.
                    if bytes[i] == b'$' && bytes.get(i + 1) == Some(&b'{') {
                        i = bytes[i..]
                            .iter()
                            .position(|&b| b == b'}')
                            .map_or(bytes.len(), |p| i + p);
                    }
                    i += 1;
                }
                stmt.push(start..i.min(bytes.len()));
            }
        }
    }
    out
}

/// An nginx time (`65`, `75s`, `1m30s`, `500ms`) in seconds.
fn nginx_time(s: &str) -> Option<Seconds> {
    let mut total = 0.0;
    let mut rest = s;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let n: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        let scale = match &rest[..unit_len] {
            "" | "s" => 1.0,
            "ms" => 0.001,
            "m" => 60.0,
            "h" => 3600.0,
            "d" => 86400.0,
            _ => return None,
        };
        total += n * scale;
        rest = &rest[unit_len..];
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    #[test]
    fn official_image_without_command() {
        for image in [
            "nginx:1.25-alpine",
            "public.ecr.aws/nginx/nginx:stable",
            "nginxinc/nginx-unprivileged:1.27",
        ] {
            let b = task().image(image).build();
            let p = b.profile();
            assert_eq!(p.server, "nginx");
            assert_eq!(p.description, format!("nginx (image {image})"));
            let at = b.at(image, image);
            assert_eq!(p.identified_at.as_ref(), Some(&at));
            assert_default(
                ka(&p),
                65.0,
                "official nginx image's nginx.conf (keepalive_timeout 65)",
                Some(&at),
            );
            assert_eq!(
                (p.keep_alive_fix)(75.0),
                "keepalive_timeout 75s; (http or server block of nginx.conf)"
            );
        }
    }

    #[test]
    fn images_merely_named_nginx_are_not_the_official_one() {
        let u = task()
            .image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/nginx:latest")
            .build()
            .error();
        assert!(
            u.reason.contains("not one keepalign recognises"),
            "{}",
            u.reason
        );
        for official in [
            "nginx:1.27",
            "library/nginx",
            "docker.io/library/nginx:stable",
            "public.ecr.aws/nginx/nginx:1.27",
            "public.ecr.aws/docker/library/nginx:alpine",
        ] {
            let p = task().image(official).build().profile();
            assert_eq!(ka(&p).value(), Some(&65.0), "{official}");
        }
        let u = task()
            .image("123456789012.dkr.ecr.us-east-1.amazonaws.com/httpd:2.4")
            .build()
            .error();
        assert!(
            u.reason.contains("not one keepalign recognises"),
            "{}",
            u.reason
        );
        let p = task().image("httpd:2.4").build().profile();
        assert_eq!(ka(&p).value(), Some(&5.0));
    }

    #[test]
    fn command_with_daemon_off_and_g_directives() {
        let b = task()
            .image("my/proxy:1")
            .cmd(&["nginx", "-g", "daemon off; keepalive_timeout 75;"])
            .build();
        let p = b.profile();
        // -g cannot set keepalive_timeout: still the stock 65.
        assert_default(
            ka(&p),
            65.0,
            "stock nginx.conf",
            Some(&b.at("\"nginx\"", "nginx")),
        );
        assert_eq!(p.description, "nginx");

        let b = task()
            .cmd(&["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"])
            .build();
        assert_eq!(b.profile().server, "nginx");
        let b = task()
            .cmd(&["sh", "-c", "envsubst < /etc/nginx/templates/default.conf.template > /etc/nginx/conf.d/default.conf && exec nginx -g 'daemon off;'"])
            .build();
        assert_eq!(b.profile().identified_at, Some(b.at("exec nginx", "nginx")));
    }

    #[test]
    fn custom_config_file_is_unresolved() {
        let b = task()
            .cmd(&["nginx", "-c", "/etc/nginx/custom.conf", "-g", "daemon off;"])
            .build();
        let u = assert_unresolved(
            ka(&b.profile()),
            &["/etc/nginx/custom.conf", "keepalign does not read"],
        );
        assert_eq!(
            u.at,
            Some(b.at("\"/etc/nginx/custom.conf\"", "/etc/nginx/custom.conf"))
        );
    }

    #[test]
    fn image_recognition_applies_when_the_command_names_no_server() {
        let b = task()
            .image("nginx:stable")
            .cmd(&["/bin/sh", "/start-proxy.sh"])
            .build();
        let p = b.profile();
        assert_eq!(p.server, "nginx");
        assert_eq!(p.identified_at, Some(b.at("nginx:stable", "nginx:stable")));
        // An nginx sidecar image does not make another command nginx.
        let b = task()
            .image("nginx:stable")
            .cmd(&["gunicorn", "-k", "gevent", "app"])
            .build();
        assert_eq!(b.profile().server, "gunicorn");
    }

    #[test]
    fn sidecar_config_from_the_environment_is_read() {
        let conf = "server {\n  listen 80;\n  keepalive_timeout 75s;\n  location / { proxy_pass http://127.0.0.1:8000; }\n}\nupstream app { keepalive_timeout 5; }\n";
        let b = task()
            .image("nginx:1.25-alpine")
            .env("NGINX_CONF", conf)
            .cmd(&["/bin/sh", "-c", "echo \"$NGINX_CONF\" > /etc/nginx/conf.d/default.conf && exec nginx -g 'daemon off;'"])
            .build();
        let s = ka(&b.profile()).clone();
        // The upstream block's keepalive_timeout is about backends: ignored.
        assert_eq!(s.value(), Some(&75.0));
        // The JSON string has escapes, so the whole value is the location.
        assert!(s.location().unwrap().snippet().starts_with("server {"));

        let b = task()
            .image("nginx:1.25-alpine")
            .env("NGINX_CONF", "server { keepalive_timeout 1m30s; }")
            .build();
        assert_explicit(ka(&b.profile()), 90.0, &b.at("1m30s", "1m30s"));
    }

    #[test]
    fn sidecar_config_without_the_directive_keeps_the_image_default() {
        let b = task()
            .image("nginx:1.25-alpine")
            .env("NGINX_CONF", "server { listen 80; # keepalive_timeout 5;\n }")
            .cmd(&["/bin/sh", "-c", "echo \"$NGINX_CONF\" > /etc/nginx/conf.d/default.conf && exec nginx -g 'daemon off;'"])
            .build();
        let p = b.profile();
        // Recognised by the command in the official image: the official default.
        assert_default(
            ka(&p),
            65.0,
            "official nginx image's nginx.conf",
            p.identified_at.as_ref(),
        );
        // The script string has JSON escapes, so the whole string is the place.
        assert!(
            p.identified_at
                .as_ref()
                .unwrap()
                .snippet()
                .starts_with("echo")
        );
    }

    #[test]
    fn conflicting_or_unreadable_env_values_are_unresolved() {
        let b = task()
            .image("nginx")
            .env(
                "A",
                "server { keepalive_timeout 75; } server { keepalive_timeout 30; }",
            )
            .build();
        assert_unresolved(ka(&b.profile()), &["different values (75, 30)"]);
        let b = task()
            .image("nginx")
            .env("A", "keepalive_timeout ${KA};")
            .build();
        assert_unresolved(ka(&b.profile()), &["`${KA}`"]);
        let b = task()
            .image("nginx")
            .env("A", "keepalive_timeout 0;")
            .build();
        assert!(closes(&b.profile()).contains("keepalive_timeout 0"));
    }

    #[test]
    fn nginx_times() {
        assert_eq!(super::nginx_time("65"), Some(65.0));
        assert_eq!(super::nginx_time("75s"), Some(75.0));
        assert_eq!(super::nginx_time("500ms"), Some(0.5));
        assert_eq!(super::nginx_time("1m30s"), Some(90.0));
        for bad in ["", "s", "5x", "-5", "${KA}"] {
            assert_eq!(super::nginx_time(bad), None, "{bad}");
        }
    }
}
