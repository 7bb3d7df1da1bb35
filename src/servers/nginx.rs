//! nginx (DOMAIN.md row "nginx"): `keepalive_timeout` is 75 s built in
//! (`ngx_http_core_merge_loc_conf`, `src/http/ngx_http_core_module.c`,
//! nginx 1.27), but the stock nginx.conf of the official image sets 65 s in
//! `http {}` and includes `/etc/nginx/conf.d/*.conf` (nginx/pkg-oss
//! `debian/debian/nginx.conf` and `alpine/alpine/nginx.conf`, which the
//! official image installs; its `conf.d/default.conf` is one `server`
//! listening on 80, `nginx.default.conf` there). That file is what runs
//! unless a config replaces it. `-g` only takes main-context directives, so
//! `keepalive_timeout` (an http-context directive) cannot be set there and
//! `-g` is ignored.
//!
//! When the image is built by a Dockerfile in the scan, nginx's files are
//! read from it: `/etc/nginx/nginx.conf` (or `-c FILE`, relative to the
//! prefix `/etc/nginx` of the official build), every file it includes, and
//! the official image's templates (`/etc/nginx/templates/*.template`, which
//! its entrypoint renders into `conf.d`). A nginx.conf that no COPY brings
//! is the base image's: the stock one above when that is the official
//! image, unknown otherwise. `keepalive_timeout` (first argument; a time
//! in `ms`, `s`, `m`, `h`, `d`, `w`, `M`, `y`, seconds without a unit, as
//! in nginx's "Syntax" documentation; `0` turns keep-alive off) applies in
//! `http`, `server` and `location`, each inheriting from the one around it
//! (`ngx_conf_merge_msec_value`). The server blocks read are those that
//! listen on the container port the load balancer sends to (no `listen` is
//! `*:80`; loopback and unix-socket listeners are not reachable from it).
//! nginx sets an idle connection's timer from the location of the request
//! it just answered (`ngx_http_set_keepalive`), so among the servers and
//! locations on that port the shortest timeout is the one that can race the
//! load balancer. When the port is not known and server blocks disagree, the
//! value is unknown.
//!
//! Not modelled: a `RUN` that edits or removes files (`rm
//! /etc/nginx/conf.d/default.conf`), which keepalign cannot see; the stock
//! `default.conf` sets no timeout, so at most it adds a server on port 80
//! that inherits the `http` value.
//!
//! Where nginx passes requests to the application (`proxy_pass`, and the
//! FastCGI, uwsgi, SCGI and gRPC equivalents), it stops waiting for a
//! response after `proxy_read_timeout` (or `fastcgi_read_timeout`, …; 60 s
//! by default, inherited like `keepalive_timeout`) and answers 504 itself:
//! that is its request timeout, the shortest among the locations on the
//! port that pass requests on (RQ301). A server that only serves files has
//! none.
//!
//! On Fargate a config is often shipped in an environment variable that the
//! command writes to conf.d; a `keepalive_timeout` written there is read.

mod conf;
pub mod platform;

use super::args;
use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile, secs};
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

const OFFICIAL_STOCK: &str = "keepalive_timeout 65 in the stock /etc/nginx/nginx.conf of the \
                             official nginx image (nginx/pkg-oss debian/debian/nginx.conf)";
const OFFICIAL_DEFAULT_CONF: &str = "the stock /etc/nginx/conf.d/default.conf of the official \
                                     nginx image (nginx/pkg-oss debian/debian/nginx.default.conf)";
const BUILT_IN: &str = "nginx built-in keepalive_timeout 75s (src/http/ngx_http_core_module.c), as no http, server \
     or location block of the image's configuration sets it";

/// What the official image's stock nginx.conf does for keepalign: its
/// `http` block's `keepalive_timeout 65;` and `include
/// /etc/nginx/conf.d/*.conf;` (the rest sets no timeout).
const STOCK_NGINX_CONF: &str = "http { keepalive_timeout 65; include /etc/nginx/conf.d/*.conf; }";
/// The stock conf.d/default.conf: one server on port 80 (8080 in
/// nginx-unprivileged), no timeout.
const STOCK_DEFAULT_CONF: &str = "server { listen 80; }";
const STOCK_DEFAULT_CONF_UNPRIVILEGED: &str = "server { listen 8080; }";

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    let mut upstream = None;
    let mut keep_alive: Setting<Seconds> = match ctx.program() {
        Some("nginx" | "nginx-debug") => {
            let flag = args::find(ctx.args(), &[], &["-c"]);
            match (&ctx.files, flag) {
                (Some(files), flag) => {
                    let (k, u) = from_image(ctx, files, flag.map(|f| f.value));
                    upstream = u;
                    k
                }
                (None, Some(c)) => Setting::unresolved(
                    format!(
                        "nginx reads `{}`, which keepalign does not read, and keepalive_timeout is \
                         set there (65 s in the stock nginx.conf, 75 s built in); set \
                         keepalive_timeout in the command or environment where keepalign can see \
                         it",
                        c.value.text
                    ),
                    c.value.at.clone().or_else(|| ctx.server_at()),
                ),
                (None, None) if ctx.image().is_some_and(|i| official(&i.repo)) => {
                    ctx.default(65.0, OFFICIAL)
                }
                (None, None) => ctx.default(
                    65.0,
                    "stock nginx.conf (keepalive_timeout 65, as in the official image and the \
                     Debian/Alpine packages; a custom nginx.conf may change it)",
                ),
            }
        }
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
            match &ctx.files {
                Some(files) => {
                    let (k, u) = from_image(ctx, files, None);
                    upstream = u;
                    k
                }
                None => ctx.default(65.0, OFFICIAL),
            }
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
            why: match s.location() {
                Some(at) => format!(
                    "keepalive_timeout 0 ({}:{}) turns keep-alive off: nginx closes every \
                     connection",
                    at.file.display,
                    at.start().0
                ),
                None => {
                    "keepalive_timeout 0 turns keep-alive off: nginx closes every connection".into()
                }
            },
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
        request_timeout_end: match &upstream {
            Some((_, directive)) => RequestTimeoutEnd::UpstreamGivesUp { directive },
            None => RequestTimeoutEnd::Killed,
        },
        request_timeout: upstream.map(|(s, _)| s),
        keep_alive_fix: |s| {
            format!(
                "keepalive_timeout {}s; (http or server block of nginx.conf)",
                secs(s)
            )
        },
        graceful_fix: None,
    })
}

/// The image's files as nginx's configuration sees them: the build
/// context through the Dockerfile, plus what the official base image
/// brings.
struct ImageConf<'a> {
    files: &'a crate::image_files::ImageFiles<'a>,
    /// The official image's stock conf.d/default.conf, when the base is it.
    stock_default: Option<&'static str>,
    /// The official image renders /etc/nginx/templates/*.template into
    /// conf.d when it starts.
    templates: bool,
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

    fn stock_in(&self, dir: &str) -> Vec<(String, conf::Text)> {
        let mut out = Vec::new();
        if dir != "/etc/nginx/conf.d" {
            return out;
        }
        if self.templates {
            for t in self.files.list("/etc/nginx/templates") {
                let Some(name) = t.strip_suffix(".template") else {
                    continue;
                };
                let name = name.rsplit('/').next().unwrap_or(name);
                if let Ok(Some(f)) = self.files.read(&t) {
                    out.push((
                        format!("/etc/nginx/conf.d/{name}"),
                        conf::Text::File(f.file),
                    ));
                }
            }
        }
        let default = "/etc/nginx/conf.d/default.conf";
        if let Some(text) = self.stock_default
            && !out.iter().any(|(p, _)| p == default)
        {
            out.push((
                default.to_string(),
                conf::Text::Stock {
                    text,
                    what: OFFICIAL_DEFAULT_CONF,
                },
            ));
        }
        out
    }

    fn harmless_stock(&self, path: &str) -> bool {
        // Files of the nginx packages that hold MIME types, FastCGI/uwsgi/
        // SCGI parameters or character maps: no timeout.
        let name = path.rsplit('/').next().unwrap_or(path);
        path.starts_with("/etc/nginx/")
            && matches!(
                name,
                "mime.types"
                    | "fastcgi_params"
                    | "fastcgi.conf"
                    | "scgi_params"
                    | "uwsgi_params"
                    | "proxy_params"
                    | "koi-utf"
                    | "koi-win"
                    | "win-utf"
            )
    }
}

/// How long nginx waits for the application it proxies to, and the
/// directive that says so.
type UpstreamWait = (Setting<Seconds>, &'static str);

/// `keepalive_timeout` from the configuration in the image, and the wait
/// for the upstream when nginx passes requests on: `flag` is the `-c FILE`
/// of the command, when given.
fn from_image(
    ctx: &Invocation,
    files: &crate::image_files::ImageFiles<'_>,
    flag: Option<Word>,
) -> (Setting<Seconds>, Option<UpstreamWait>) {
    match read_image_conf(ctx, files, flag) {
        Ok((directives, port)) => (
            match effective(&directives, port) {
                Ok((v, place)) => placed(ctx, v, place),
                Err(p) => problem(ctx, p),
            },
            match upstream_timeout(&directives, port) {
                Ok(Some((v, place, directive))) => Some((placed(ctx, v, place), directive)),
                Ok(None) => None,
                Err(p) => Some((upstream_problem(ctx, p), "proxy_read_timeout")),
            },
        ),
        Err(unread) => (unread, None),
    }
}

fn placed(ctx: &Invocation, v: Seconds, place: conf::Place) -> Setting<Seconds> {
    match place {
        conf::Place::File(at) => Setting::explicit(v, at),
        conf::Place::Stock(what) => ctx.default(v, what),
    }
}

/// The image's nginx configuration, with its includes, and the port it is
/// read for; or why keepalign cannot read it, as the keep-alive's reason.
fn read_image_conf(
    ctx: &Invocation,
    files: &crate::image_files::ImageFiles<'_>,
    flag: Option<Word>,
) -> Result<(Vec<conf::Directive>, Option<u16>), Setting<Seconds>> {
    let base = files.dockerfile.base_image(files.stage);
    let base_image =
        (base.unknown.is_none() && !base.text.is_empty()).then(|| super::split_image(&base.text));
    let official_base = base_image.as_ref().is_some_and(|i| official(&i.repo));
    let unprivileged = base_image
        .as_ref()
        .is_some_and(|i| i.name == "nginx-unprivileged");
    let path = match &flag {
        Some(w) if let Some(u) = ctx.unresolvable_config("nginx", w) => return Err(u),
        Some(w) => crate::image_files::absolute("/etc/nginx", &w.text),
        None => "/etc/nginx/nginx.conf".to_string(),
    };
    let image = ImageConf {
        files,
        stock_default: official_base.then_some(if unprivileged {
            STOCK_DEFAULT_CONF_UNPRIVILEGED
        } else {
            STOCK_DEFAULT_CONF
        }),
        templates: official_base,
    };
    let main = match conf::Files::read(&image, &path) {
        Ok(Some(f)) => conf::Text::File(f),
        Ok(None) if official_base && path == "/etc/nginx/nginx.conf" => conf::Text::Stock {
            text: STOCK_NGINX_CONF,
            what: OFFICIAL_STOCK,
        },
        Ok(None) => {
            return Err(Setting::unresolved(
                format!(
                    "nginx reads {path}, which nothing in {} brings into the image, so it is \
                     the base image `{}`'s, whose configuration keepalign does not know; COPY \
                     the nginx.conf from the build context, or declare the keep-alive in \
                     keepalign.toml ([[service]] with keep-alive)",
                    files.dockerfile.file.display,
                    base.display()
                ),
                Some(base.at.clone().unwrap_or_else(|| files.stage().at.clone())),
            ));
        }
        Err(p) => return Err(problem(ctx, p)),
    };
    // Relative includes are relative to the main file's directory (nginx's
    // configuration prefix).
    let prefix = match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    };
    match conf::load(&image, &conf::SYNTAX, prefix, main) {
        Ok(d) => Ok((d, ctx.port)),
        Err(p) => Err(problem(ctx, p)),
    }
}

fn upstream_problem(ctx: &Invocation, p: conf::Problem) -> Setting<Seconds> {
    Setting::unresolved(
        format!(
            "nginx's configuration in the image: {}; keepalign cannot tell how long nginx waits \
             for the application",
            p.reason
        ),
        p.at.or_else(|| ctx.server_at()),
    )
}

fn problem(ctx: &Invocation, p: conf::Problem) -> Setting<Seconds> {
    let mut reason = p.reason;
    if !reason.contains("keepalign.toml") {
        reason.push_str(
            "; keepalign cannot tell nginx's keepalive_timeout, so declare it in \
             keepalign.toml ([[service]] with keep-alive)",
        );
    }
    Setting::unresolved(
        format!("nginx's configuration in the image: {reason}"),
        p.at.or_else(|| ctx.server_at()),
    )
}

/// Where a server block listens.
#[derive(Debug, PartialEq)]
enum Listen {
    Port(u16),
    /// A unix socket or a loopback address: the load balancer cannot reach it.
    Unreachable,
}

/// `listen ADDRESS[:PORT] | PORT | unix:PATH [options]` (ngx_http_core_listen,
/// ngx_parse_url): the port, 80 when only an address is given.
fn listen(arg: &str) -> Option<Listen> {
    if arg.starts_with("unix:") {
        return Some(Listen::Unreachable);
    }
    let (host, port) = if let Some(rest) = arg.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        (host, after.strip_prefix(':'))
    } else if arg.bytes().all(|b| b.is_ascii_digit()) {
        ("*", Some(arg))
    } else {
        match arg.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (arg, None),
        }
    };
    let port = match port {
        Some(p) => p.parse::<u16>().ok().filter(|p| *p > 0)?,
        None => 80,
    };
    let loopback = host == "localhost" || host == "::1" || host.starts_with("127.");
    Some(if loopback {
        Listen::Unreachable
    } else {
        Listen::Port(port)
    })
}

/// The last `keepalive_timeout` of a block: `Ok(None)` when it sets none.
fn own(block: &[conf::Directive]) -> Result<Option<(Seconds, conf::Place)>, conf::Problem> {
    own_time(block, "keepalive_timeout")
}

/// The last `name` directive of a block, read as a time: `Ok(None)` when
/// the block sets none.
fn own_time(
    block: &[conf::Directive],
    name: &str,
) -> Result<Option<(Seconds, conf::Place)>, conf::Problem> {
    let Some(d) = block.iter().rev().find(|d| d.name == name) else {
        return Ok(None);
    };
    let Some(arg) = d.args.first() else {
        return Err(conf::Problem {
            reason: format!("a {name} directive has no value"),
            at: d.place.location().cloned(),
        });
    };
    match nginx_time(&arg.text) {
        Some(v) => Ok(Some((v, arg.place.clone()))),
        None if arg.text.contains('$') => Err(conf::Problem {
            reason: format!(
                "{name} is `{}` at {}, a placeholder keepalign does not substitute \
                 (nginx takes no variables there; an entrypoint may fill it with envsubst)",
                arg.text,
                arg.place.show()
            ),
            at: arg.place.location().cloned(),
        }),
        None => Err(conf::Problem {
            reason: format!(
                "{name} is `{}` at {}, not a time keepalign can read",
                arg.text,
                arg.place.show()
            ),
            at: arg.place.location().cloned(),
        }),
    }
}

/// The keep-alive timeouts a server block applies: its own (or the
/// inherited one), and every location's that sets one.
fn server_timeouts(
    server: &[conf::Directive],
    inherited: &(Seconds, conf::Place),
) -> Result<Vec<(Seconds, conf::Place)>, conf::Problem> {
    let mut out = Vec::new();
    let base = own(server)?.unwrap_or_else(|| inherited.clone());
    // Locations nest: each inherits from the one around it. Bounded by
    // the parser's block depth; walked with a stack, not recursion.
    let mut stack: Vec<(&[conf::Directive], (Seconds, conf::Place))> = vec![(server, base.clone())];
    out.push(base);
    while let Some((block, value)) = stack.pop() {
        for d in block {
            let (true, Some(inner)) = (d.name == "location", &d.block) else {
                continue;
            };
            let here = match own(inner)? {
                Some(v) => {
                    out.push(v.clone());
                    v
                }
                None => value.clone(),
            };
            stack.push((inner, here));
        }
    }
    Ok(out)
}

/// The `http` block and the server blocks in it that listen on `port`
/// (any reachable port when it is not known).
type Servers<'c> = (
    &'c [conf::Directive],
    Vec<(&'c [conf::Directive], &'c conf::Place)>,
);

fn servers_on(conf: &[conf::Directive], port: Option<u16>) -> Result<Servers<'_>, conf::Problem> {
    let Some(http) = conf
        .iter()
        .find(|d| d.name == "http")
        .and_then(|d| d.block.as_deref())
    else {
        return Err(conf::Problem {
            reason: "the configuration has no http block, so keepalign finds no HTTP server in it"
                .into(),
            at: None,
        });
    };
    let mut servers: Vec<(Vec<Listen>, &[conf::Directive], &conf::Place)> = Vec::new();
    for d in http {
        let (true, Some(block)) = (d.name == "server", &d.block) else {
            continue;
        };
        let mut listens = Vec::new();
        for l in block.iter().filter(|l| l.name == "listen") {
            let parsed = l.args.first().and_then(|a| listen(&a.text));
            match parsed {
                Some(p) => listens.push(p),
                None => {
                    return Err(conf::Problem {
                        reason: format!(
                            "a listen directive at {} names no port keepalign can read",
                            l.place.show()
                        ),
                        at: l.place.location().cloned(),
                    });
                }
            }
        }
        if listens.is_empty() {
            listens.push(Listen::Port(80));
        }
        servers.push((listens, block, &d.place));
    }
    let chosen: Vec<_> = servers
        .iter()
        .filter(|(listens, ..)| match port {
            Some(p) => listens.contains(&Listen::Port(p)),
            None => listens.iter().any(|l| matches!(l, Listen::Port(_))),
        })
        .map(|(_, block, at)| (*block, *at))
        .collect();
    if chosen.is_empty() {
        let ports: Vec<String> = servers
            .iter()
            .flat_map(|(l, ..)| l)
            .filter_map(|l| match l {
                Listen::Port(p) => Some(p.to_string()),
                Listen::Unreachable => None,
            })
            .collect();
        return Err(conf::Problem {
            reason: match port {
                Some(p) if !ports.is_empty() => format!(
                    "no server block listens on the container port {p} (they listen on {})",
                    ports.join(", ")
                ),
                _ => "no server block listens where the load balancer can reach it".into(),
            },
            at: None,
        });
    }
    Ok((http, chosen))
}

/// The keep-alive timeout of the server blocks on `port` (0: off).
fn effective(
    conf: &[conf::Directive],
    port: Option<u16>,
) -> Result<(Seconds, conf::Place), conf::Problem> {
    let (http, chosen) = servers_on(conf, port)?;
    let http_value = own(http)?.unwrap_or((75.0, conf::Place::Stock(BUILT_IN)));
    // Per server: the shortest timeout that keeps connections open, else 0.
    let mut per_server: Vec<(Seconds, conf::Place, &conf::Place)> = Vec::new();
    for (block, at) in &chosen {
        let all = server_timeouts(block, &http_value)?;
        let shortest = all
            .iter()
            .filter(|(v, _)| *v > 0.0)
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .or_else(|| all.first())
            .cloned();
        if let Some((v, place)) = shortest {
            per_server.push((v, place, at));
        }
    }
    if port.is_none() && per_server.iter().any(|s| s.0 != per_server[0].0) {
        let shown: Vec<String> = per_server
            .iter()
            .map(|(v, place, at)| {
                format!(
                    "{} s for the server at {} ({})",
                    secs(*v),
                    at.show(),
                    place.show()
                )
            })
            .collect();
        return Err(conf::Problem {
            reason: format!(
                "server blocks set different keep-alive timeouts ({}), and the container port the \
                 load balancer sends to is not known",
                shown.join("; ")
            ),
            at: per_server.first().and_then(|s| s.1.location().cloned()),
        });
    }
    let open = per_server
        .iter()
        .filter(|s| s.0 > 0.0)
        .min_by(|a, b| a.0.total_cmp(&b.0));
    let (v, place, _) = open.or(per_server.first()).cloned().ok_or(conf::Problem {
        reason: "no server block to read".into(),
        at: None,
    })?;
    Ok((v, place))
}

/// What nginx passes requests to, the directive that bounds how long it
/// waits for the upstream's response, and that directive's default (60 s
/// for each: nginx documentation of ngx_http_proxy_module,
/// ngx_http_fastcgi_module, ngx_http_uwsgi_module, ngx_http_scgi_module and
/// ngx_http_grpc_module).
const UPSTREAMS: &[(&str, &str, &str)] = &[
    (
        "proxy_pass",
        "proxy_read_timeout",
        "nginx's default proxy_read_timeout 60s (ngx_http_proxy_module), as no block of the \
         image's configuration sets it",
    ),
    (
        "fastcgi_pass",
        "fastcgi_read_timeout",
        "nginx's default fastcgi_read_timeout 60s (ngx_http_fastcgi_module), as no block of the \
         image's configuration sets it",
    ),
    (
        "uwsgi_pass",
        "uwsgi_read_timeout",
        "nginx's default uwsgi_read_timeout 60s (ngx_http_uwsgi_module), as no block of the \
         image's configuration sets it",
    ),
    (
        "scgi_pass",
        "scgi_read_timeout",
        "nginx's default scgi_read_timeout 60s (ngx_http_scgi_module), as no block of the \
         image's configuration sets it",
    ),
    (
        "grpc_pass",
        "grpc_read_timeout",
        "nginx's default grpc_read_timeout 60s (ngx_http_grpc_module), as no block of the \
         image's configuration sets it",
    ),
];

/// How long nginx waits for an upstream's response where it is shortest
/// among the blocks on `port` that pass requests on, with the directive
/// that sets it; `None` when no block passes requests on (nginx serves
/// files itself, and cuts no request short).
fn upstream_timeout(
    conf: &[conf::Directive],
    port: Option<u16>,
) -> Result<Option<(Seconds, conf::Place, &'static str)>, conf::Problem> {
    let Ok((http, chosen)) = servers_on(conf, port) else {
        // Said once, by the keep-alive that needs the same servers.
        return Ok(None);
    };
    let inherit = |block: &[conf::Directive], around: &[(Seconds, conf::Place)]| {
        UPSTREAMS
            .iter()
            .zip(around)
            .map(
                |((_, read, _), outer)| Ok(own_time(block, read)?.unwrap_or_else(|| outer.clone())),
            )
            .collect::<Result<Vec<_>, conf::Problem>>()
    };
    let defaults: Vec<(Seconds, conf::Place)> = UPSTREAMS
        .iter()
        .map(|(.., what)| (60.0, conf::Place::Stock(what)))
        .collect();
    let in_http = inherit(http, &defaults)?;
    let mut shortest: Option<(Seconds, conf::Place, &'static str)> = None;
    for (server, _) in &chosen {
        // Locations, and the `if` and `limit_except` blocks inside them,
        // inherit from the block around them. Walked with a stack, bounded
        // by the parser's block depth.
        let mut stack = vec![(*server, inherit(server, &in_http)?)];
        while let Some((block, values)) = stack.pop() {
            for ((pass, read, _), value) in UPSTREAMS.iter().zip(&values) {
                if block.iter().any(|d| d.name == *pass)
                    && shortest.as_ref().is_none_or(|s| value.0 < s.0)
                {
                    shortest = Some((value.0, value.1.clone(), read));
                }
            }
            for d in block {
                if let (true, Some(inner)) = (
                    matches!(d.name.as_str(), "location" | "if" | "limit_except"),
                    &d.block,
                ) {
                    stack.push((inner, inherit(inner, &values)?));
                }
            }
        }
    }
    Ok(shortest)
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
            "w" => 7.0 * 86400.0,
            "M" => 30.0 * 86400.0,
            "y" => 365.0 * 86400.0,
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

    fn effective_in(text: &str, port: Option<u16>) -> Result<(f64, usize), String> {
        let f = crate::source::SourceFile::new("nginx.conf".into(), text.into());
        let d = super::conf::parse(&super::conf::Text::File(f)).map_err(|p| p.reason)?;
        super::effective(&d, port)
            .map(|(v, place)| (v, place.location().map_or(0, |l| l.start().0)))
            .map_err(|p| p.reason)
    }

    #[test]
    fn server_overrides_http_and_location_overrides_server() {
        let conf = "http {\n  keepalive_timeout 65;\n  server {\n    listen 8080;\n    keepalive_timeout 15s;\n  }\n  server {\n    listen 9000;\n    location / {\n      location /slow { keepalive_timeout 2m; }\n    }\n    location /api {\n      keepalive_timeout 30;\n    }\n  }\n}\n";
        assert_eq!(effective_in(conf, Some(8080)), Ok((15.0, 5)));
        // The shortest of the server's locations races the load balancer.
        assert_eq!(effective_in(conf, Some(9000)), Ok((30.0, 13)));
        let e = effective_in(conf, None).unwrap_err();
        assert!(e.contains("different keep-alive timeouts"), "{e}");
        assert!(e.contains("container port"), "{e}");
        let e = effective_in(conf, Some(80)).unwrap_err();
        assert!(
            e.contains(
                "no server block listens on the container port 80 (they listen on 8080, 9000)"
            ),
            "{e}"
        );
    }

    fn upstream_in(text: &str, port: Option<u16>) -> Result<Option<(f64, usize, &str)>, String> {
        let f = crate::source::SourceFile::new("nginx.conf".into(), text.into());
        let d = super::conf::parse(&super::conf::Text::File(f)).map_err(|p| p.reason)?;
        super::upstream_timeout(&d, port)
            .map(|o| o.map(|(v, place, d)| (v, place.location().map_or(0, |l| l.start().0), d)))
            .map_err(|p| p.reason)
    }

    #[test]
    fn the_wait_for_the_upstream_is_where_requests_are_passed_on() {
        // Files only: nothing is cut short.
        assert_eq!(
            upstream_in(
                "http { proxy_read_timeout 5; server { root /srv; } }",
                Some(80)
            ),
            Ok(None)
        );
        // Passed on without a timeout: nginx's 60 s default.
        assert_eq!(
            upstream_in(
                "http { server { location / { proxy_pass http://app; } } }",
                Some(80)
            ),
            Ok(Some((60.0, 0, "proxy_read_timeout")))
        );
        // Inherited from http and server; a location overrides; the shortest
        // of the locations that pass requests on counts.
        let conf = "http {\n proxy_read_timeout 5m;\n server {\n  listen 8080;\n  location /a { proxy_pass http://a; }\n  location /b {\n   proxy_read_timeout 90s;\n   proxy_pass http://b;\n  }\n  location /static { proxy_read_timeout 1s; root /srv; }\n }\n server {\n  listen 9000;\n  proxy_read_timeout 10;\n  location / {\n   if ($slow) { proxy_pass http://slow; }\n  }\n  location ~ \\.php$ { fastcgi_pass 127.0.0.1:9000; fastcgi_read_timeout 20; }\n }\n}\n";
        assert_eq!(
            upstream_in(conf, Some(8080)),
            Ok(Some((90.0, 7, "proxy_read_timeout")))
        );
        // The `if` inherits the server's 10 s; the PHP location waits 20 s.
        assert_eq!(
            upstream_in(conf, Some(9000)),
            Ok(Some((10.0, 14, "proxy_read_timeout")))
        );
        assert_eq!(
            upstream_in(conf, None),
            Ok(Some((10.0, 14, "proxy_read_timeout")))
        );
        assert_eq!(
            upstream_in(
                "http { server { location / { uwsgi_pass app:3031; } } }",
                None
            ),
            Ok(Some((60.0, 0, "uwsgi_read_timeout")))
        );
        let e = upstream_in(
            "http {\n server {\n  location / { proxy_pass http://a; proxy_read_timeout ${T}; } } }",
            Some(80),
        )
        .unwrap_err();
        assert!(
            e.contains("proxy_read_timeout is `${T}` at nginx.conf:3"),
            "{e}"
        );
        // No server on the port: said once, by the keep-alive.
        assert_eq!(
            upstream_in(
                "http { server { listen 81; location / { proxy_pass http://a; } } }",
                Some(80)
            ),
            Ok(None)
        );
    }

    #[test]
    fn without_the_directive_nginx_uses_its_built_in_75() {
        let (v, line) = effective_in("http { server { listen 80; } }", Some(80)).unwrap();
        assert_eq!((v, line), (75.0, 0));
        // One server, port unknown: its value.
        assert_eq!(
            effective_in("http {\n keepalive_timeout 1m;\n server { } }", None),
            Ok((60.0, 2))
        );
        let e = effective_in("events {}", Some(80)).unwrap_err();
        assert!(e.contains("no http block"), "{e}");
    }

    #[test]
    fn keep_alive_off_and_unreadable_values() {
        assert_eq!(
            effective_in(
                "http { keepalive_timeout 0; server { listen 80; } }",
                Some(80)
            ),
            Ok((0.0, 1))
        );
        // Off in one location, on in the server: connections stay open there.
        assert_eq!(
            effective_in(
                "http { server { listen 80; keepalive_timeout 75; location /x { keepalive_timeout 0; } } }",
                Some(80)
            ),
            Ok((75.0, 1))
        );
        let e = effective_in(
            "http {\n server { listen 80;\n keepalive_timeout ${KA}; } }",
            Some(80),
        )
        .unwrap_err();
        assert!(e.contains("`${KA}` at nginx.conf:3, a placeholder"), "{e}");
        let e = effective_in("http { keepalive_timeout soon; server {} }", Some(80)).unwrap_err();
        assert!(e.contains("not a time"), "{e}");
    }

    #[test]
    fn listen_forms() {
        use super::{Listen, listen};
        assert_eq!(listen("8080"), Some(Listen::Port(8080)));
        assert_eq!(listen("*:8080"), Some(Listen::Port(8080)));
        assert_eq!(listen("0.0.0.0:81"), Some(Listen::Port(81)));
        assert_eq!(listen("[::]:8443"), Some(Listen::Port(8443)));
        assert_eq!(listen("10.0.0.1"), Some(Listen::Port(80)));
        assert_eq!(listen("127.0.0.1:8080"), Some(Listen::Unreachable));
        assert_eq!(listen("[::1]:80"), Some(Listen::Unreachable));
        assert_eq!(listen("localhost:80"), Some(Listen::Unreachable));
        assert_eq!(listen("unix:/run/nginx.sock"), Some(Listen::Unreachable));
        assert_eq!(listen("*:99999"), None);
        assert_eq!(listen("*:$PORT"), None);
        // Loopback-only servers are not where the load balancer arrives.
        let e = effective_in("http { server { listen 127.0.0.1:80; } }", None).unwrap_err();
        assert!(e.contains("can reach"), "{e}");
    }

    #[test]
    fn nginx_times() {
        assert_eq!(super::nginx_time("65"), Some(65.0));
        assert_eq!(super::nginx_time("75s"), Some(75.0));
        assert_eq!(super::nginx_time("500ms"), Some(0.5));
        assert_eq!(super::nginx_time("1m30s"), Some(90.0));
        assert_eq!(super::nginx_time("1w"), Some(604800.0));
        assert_eq!(super::nginx_time("1M"), Some(2592000.0));
        for bad in ["", "s", "5x", "-5", "${KA}"] {
            assert_eq!(super::nginx_time(bad), None, "{bad}");
        }
    }
}
