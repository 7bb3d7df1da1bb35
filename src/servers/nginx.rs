//! nginx (DOMAIN.md row "nginx"): `keepalive_timeout` is 75 s built in, but
//! the stock nginx.conf of the official image (and of the Debian and Alpine
//! packages) sets 65 s, and that file is what runs unless a config replaces
//! it. `-g` only takes main-context directives, so `keepalive_timeout` (an
//! http-context directive) cannot be set there and `-g` is ignored.

use super::args;
use super::{Invocation, KeepAlive, ServerProfile, secs};
use crate::model::{Seconds, Setting};

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
    ) || repo.starts_with("nginxinc/")
        || repo.starts_with("docker.io/nginxinc/")
}

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    let keep_alive: Setting<Seconds> = match ctx.program() {
        Some("nginx" | "nginx-debug") => match args::find(ctx.args(), &[], &["-c"]) {
            Some(c) => Setting::unresolved(
                format!(
                    "nginx reads `{}`, which keepalign does not read, and keepalive_timeout is \
                     set there (65 s in the stock nginx.conf, 75 s built in); declare it in \
                     keepalign.toml",
                    c.value.text
                ),
                c.value.at.clone().or_else(|| ctx.server_at()),
            ),
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
            let source = if official(&image.repo) {
                "official nginx image's nginx.conf (keepalive_timeout 65)"
            } else {
                "stock nginx.conf assumed for an image named nginx (keepalive_timeout 65; a \
                 config added to the image may change it)"
            };
            ctx.default(65.0, source)
        }
    };
    let description = match ctx.image() {
        Some(i) if ctx.argv.is_empty() => format!("nginx (image {})", i.full),
        _ => "nginx".into(),
    };
    Some(ServerProfile {
        server: "nginx",
        description,
        identified_at: ctx.server_at(),
        keep_alive: KeepAlive::Timeout(keep_alive),
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
    fn other_images_named_nginx_are_assumed_stock_and_say_so() {
        let b = task()
            .image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/nginx:v3")
            .build();
        assert_default(
            ka(&b.profile()),
            65.0,
            "assumed",
            b.profile().identified_at.as_ref(),
        );
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
}
