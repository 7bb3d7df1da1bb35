//! uWSGI (`uwsgi`), from its options on the command line, in `UWSGI_*`
//! variables and in `--ini FILE` (read from an image built by a Dockerfile
//! in the scan). Which socket the load balancer reaches decides the
//! keep-alive (unbit/uwsgi 2.0.30):
//!
//! - `--http-socket ADDR`: the workers speak HTTP themselves and close the
//!   connection after each response (`proto/http.c`: its `proto_close` is
//!   `uwsgi_proto_base_close`, a plain `close`). No idle connection to race.
//! - `--http11-socket ADDR`: the workers keep the connection and wait for the
//!   next request `--socket-timeout` seconds (`uwsgi_proto_http11_accept`
//!   waits with `uwsgi_wait_read_req`, which is `wait_read_hook(fd,
//!   uwsgi.socket_timeout)`; `core/init.c` sets it to 4). 4 s races any
//!   ALB: KA101.
//! - `--http ADDR`: uWSGI's HTTP router in front of the workers closes each
//!   client connection unless `--http-keepalive` is given
//!   (`plugins/http/http.c` only keeps an HTTP/1.1 connection when
//!   `uhttp.keepalive` is set); with `--http-keepalive N` (N > 1) it waits N
//!   seconds for the next request, and with a bare `--http-keepalive` the
//!   router's socket timeout, `--http-timeout`, 60 s by default
//!   (`corerouter.c`): as long as a default ALB, KA101.
//! - `--socket` / `-s` / `--uwsgi-socket`: the binary uwsgi protocol, which
//!   a load balancer does not speak (it belongs behind nginx's
//!   `uwsgi_pass`): unknown, with that reason.
//!
//! Options are applied in order, as uWSGI reads them: `UWSGI_*` variables
//! (`UWSGI_HTTP_SOCKET`, `UWSGI_SOCKET_TIMEOUT`, …) first, then the
//! arguments, an `--ini` file's `[uwsgi]` options where it is named (a lone
//! `app.ini` argument too); the last value of a number wins, and every
//! socket option adds a socket. The socket read is the one on the
//! container port the load balancer sends to.
//!
//! Not modelled: other configuration formats (`--yaml`, `--xml`, `--json`),
//! `%(…)` and `$(…)` placeholders (unknown), ini sections other than
//! `[uwsgi]`, and `--harakiri` as a request timeout.

use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile, secs};
use crate::model::{Setting, Word};
use crate::source::Location;

/// How many options are read in all (arguments, variables, ini lines).
const MAX_OPTIONS: usize = 4096;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// `--http-socket`: HTTP/1.0-style, closes each connection.
    Http10,
    /// `--http11-socket`.
    Http11,
    /// `--http`: the HTTP router.
    Router,
    /// `--socket`, `--uwsgi-socket`: the uwsgi protocol.
    Uwsgi,
}

/// An option as uWSGI would apply it: its name without dashes and its value.
#[derive(Clone, Debug)]
struct Opt {
    name: String,
    value: Word,
    /// The value was given (`--http-keepalive` may have none).
    given: bool,
}

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    if ctx.program()? != "uwsgi" {
        return None;
    }
    let opts = options(ctx);
    let router = opts
        .as_ref()
        .is_ok_and(|o| o.iter().any(|o| o.name == "http"));
    let keep_alive = match opts {
        Ok(opts) => keep_alive(ctx, &opts),
        Err(s) => KeepAlive::Timeout(s),
    };
    let fix: fn(crate::model::Seconds) -> String = if router {
        |s| format!("--http-keepalive {}", secs(s.ceil()))
    } else {
        |s| format!("--socket-timeout {} (with --http11-socket)", secs(s.ceil()))
    };
    Some(ServerProfile {
        server: "uwsgi",
        description: "uWSGI".into(),
        identified_at: ctx.server_at(),
        keep_alive,
        graceful_timeout: None,
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix: fix,
        graceful_fix: None,
    })
}

/// Every option, in the order uWSGI applies them.
fn options(ctx: &Invocation) -> Result<Vec<Opt>, Setting<f64>> {
    let mut out = Vec::new();
    for var in &ctx.container.environment {
        let Some(rest) = var.name.strip_prefix("UWSGI_") else {
            continue;
        };
        let name = rest.to_ascii_lowercase().replace('_', "-");
        match ctx.env(&var.name) {
            Some(Ok(w)) => out.push(Opt {
                name,
                value: w,
                given: true,
            }),
            Some(Err(u)) if relevant(&name) => return Err(Setting::Unresolved(u)),
            _ => {}
        }
    }
    let args = ctx.args();
    let mut i = 0;
    while let Some(w) = args.get(i) {
        if out.len() > MAX_OPTIONS {
            break;
        }
        i += 1;
        let text = w.text.as_str();
        let (name, inline) = if let Some(long) = text.strip_prefix("--") {
            match long.split_once('=') {
                Some((n, _)) => (n.to_string(), Some(w.sub(2 + n.len() + 1..text.len()))),
                None => (long.to_string(), None),
            }
        } else if let Some(short) = text.strip_prefix('-').filter(|s| !s.is_empty()) {
            let (flag, rest) = short.split_at(short.chars().next().map_or(0, char::len_utf8));
            let name = match flag {
                "s" => "socket",
                "z" => "socket-timeout",
                "M" | "T" | "L" | "b" | "p" | "w" | "H" | "d" | "t" | "c" | "C" | "R" => {
                    // Other short options, with or without a value: not read.
                    if rest.is_empty() && !matches!(flag, "M" | "T" | "L") {
                        i += 1;
                    }
                    continue;
                }
                _ => continue,
            };
            if rest.is_empty() {
                (name.to_string(), None)
            } else {
                (name.to_string(), Some(w.sub(2..text.len())))
            }
        } else if text.ends_with(".ini") {
            // `uwsgi app.ini`: the file is the configuration.
            out.extend(ini(ctx, w)?);
            continue;
        } else {
            continue;
        };
        // A value follows unless the option takes none or the next word is
        // another option.
        let optional = name == "http-keepalive";
        let value = match inline {
            Some(v) => Some(v),
            None => match args.get(i) {
                Some(next) if !(optional && next.text.starts_with('-')) => {
                    i += 1;
                    Some(next.clone())
                }
                _ => None,
            },
        };
        if name == "ini" {
            if let Some(file) = &value {
                out.extend(ini(ctx, file)?);
            }
            continue;
        }
        out.push(Opt {
            name,
            given: value.is_some(),
            value: value.unwrap_or_else(|| w.clone()),
        });
    }
    Ok(out)
}

/// Options that decide the keep-alive.
fn relevant(name: &str) -> bool {
    matches!(
        name,
        "http-socket"
            | "http11-socket"
            | "http"
            | "socket"
            | "uwsgi-socket"
            | "socket-timeout"
            | "http-keepalive"
            | "http-timeout"
            | "ini"
    )
}

/// The `[uwsgi]` options of an ini file in the image.
fn ini(ctx: &Invocation, path: &Word) -> Result<Vec<Opt>, Setting<f64>> {
    let at = path.at.clone().or_else(|| ctx.server_at());
    let Some(files) = &ctx.files else {
        return Err(Setting::unresolved(
            format!(
                "uWSGI reads its options from `{}`, which keepalign reads only from an image built \
                 by a Dockerfile in the scan; name the Dockerfile in keepalign.toml ([[image]] with \
                 match and dockerfile), or declare the keep-alive in keepalign.toml ([[service]] \
                 with keep-alive)",
                path.display()
            ),
            at,
        ));
    };
    if path.unknown.is_some() || path.text.contains('$') {
        return Err(Setting::unresolved(
            format!(
                "uWSGI reads the ini file `{}`, which keepalign cannot resolve; write the path in \
                 the command",
                path.display()
            ),
            at,
        ));
    }
    let file = match super::conf_files::read_from_image(files, &path.text) {
        Ok(Some(f)) => f,
        Ok(None) => {
            return Err(Setting::unresolved(
                format!(
                    "uWSGI reads {}, which nothing in {} brings into the image; COPY it from the \
                     build context, or declare the keep-alive in keepalign.toml ([[service]] with \
                     keep-alive)",
                    files.absolute(&path.text),
                    files.dockerfile.file.display
                ),
                at,
            ));
        }
        Err(p) => {
            return Err(Setting::unresolved(
                format!("uWSGI's ini file in the image: {}", p.reason),
                p.at.or(at),
            ));
        }
    };
    let mut out = Vec::new();
    let mut section = String::new();
    let mut offset = 0;
    for line in file.text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            section = name.trim().to_string();
            continue;
        }
        if section != "uwsgi" {
            continue;
        }
        let Some((key, value)) = body.split_once('=') else {
            // A bare key is a flag set to true.
            out.push(Opt {
                name: trimmed.to_string(),
                value: Word::new("1", Some(Location::new(&file, start..start + body.len()))),
                given: false,
            });
            continue;
        };
        let value_start = start + key.len() + 1;
        let lead = value.len() - value.trim_start().len();
        let v = value.trim();
        out.push(Opt {
            name: key.trim().to_string(),
            value: Word::new(
                v,
                Some(Location::new(
                    &file,
                    value_start + lead..value_start + lead + v.len(),
                )),
            ),
            given: !v.is_empty(),
        });
        if out.len() > MAX_OPTIONS {
            break;
        }
    }
    Ok(out)
}

/// The port of a socket address (`:8080`, `0.0.0.0:8080`, `[::]:8080`):
/// `Ok(None)` for a UNIX socket or loopback, `Err` when unreadable.
fn port(addr: &str) -> Result<Option<u16>, ()> {
    let addr = addr.trim();
    if addr.contains('$') || addr.contains("%(") {
        return Err(());
    }
    let Some((host, port)) = addr.rsplit_once(':') else {
        // No port: a UNIX socket path (or an abstract `@name`).
        return Ok(None);
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host == "localhost" || host.starts_with("127.") || host == "::1" {
        return Ok(None);
    }
    // `:8080,…` options after a comma (`--http-socket :8080,foo`) are not
    // part of the port.
    let port = port.split(',').next().unwrap_or(port);
    port.parse().map(Some).map_err(|_| ())
}

fn keep_alive(ctx: &Invocation, opts: &[Opt]) -> KeepAlive {
    let last = |name: &str| opts.iter().rev().find(|o| o.name == name);
    let mut sockets: Vec<(Kind, &Opt, Option<u16>)> = Vec::new();
    for o in opts {
        let kind = match o.name.as_str() {
            "http-socket" => Kind::Http10,
            "http11-socket" => Kind::Http11,
            "http" => Kind::Router,
            "socket" | "uwsgi-socket" => Kind::Uwsgi,
            _ => continue,
        };
        let at = o.value.at.clone().or_else(|| ctx.server_at());
        match port(&o.value.text) {
            Ok(p) => sockets.push((kind, o, p)),
            Err(()) => {
                return KeepAlive::Timeout(Setting::unresolved(
                    format!(
                        "uWSGI's --{} is `{}`, an address keepalign cannot read; write the port",
                        o.name,
                        o.value.display()
                    ),
                    at,
                ));
            }
        }
    }
    let reachable: Vec<&(Kind, &Opt, Option<u16>)> = sockets
        .iter()
        .filter(|(_, _, p)| p.is_some())
        .filter(|(_, _, p)| ctx.port.is_none() || *p == ctx.port)
        .collect();
    let Some(&&(kind, socket, _)) = reachable.first() else {
        return KeepAlive::Timeout(ctx.unresolved(match ctx.port {
            Some(p) => format!(
                "no uWSGI socket (--http, --http-socket, --http11-socket, --socket) listens on \
                 port {p}, where the load balancer sends"
            ),
            None => "uWSGI opens no socket on a TCP port that keepalign can see".into(),
        }));
    };
    if reachable.iter().any(|(k, _, _)| *k != kind) {
        return KeepAlive::Timeout(ctx.unresolved(
            "uWSGI opens sockets of different kinds, and keepalign does not know which port the \
             load balancer sends to",
        ));
    }
    let where_ = |o: &Opt| match &o.value.at {
        Some(at) => format!(" ({}:{})", at.file.display, at.start().0),
        None => String::new(),
    };
    match kind {
        Kind::Uwsgi => KeepAlive::Timeout(Setting::unresolved(
            format!(
                "uWSGI's --{} `{}` speaks the binary uwsgi protocol, not HTTP, so a load balancer \
                 cannot send to it (it belongs behind nginx's uwsgi_pass); serve HTTP with \
                 --http-socket or --http, or point the target group at the proxy in front of it",
                socket.name,
                socket.value.display()
            ),
            socket.value.at.clone().or_else(|| ctx.server_at()),
        )),
        Kind::Http10 => KeepAlive::ClosesEveryConnection {
            why: format!(
                "uWSGI's --http-socket{} closes the connection after each response",
                where_(socket)
            ),
        },
        Kind::Http11 => KeepAlive::Timeout(match last("socket-timeout") {
            Some(o) => seconds(ctx, o, "--socket-timeout"),
            None => ctx.default(
                4.0,
                "uWSGI default --socket-timeout (core/init.c; the wait for the next request on an \
                 --http11-socket connection)",
            ),
        }),
        Kind::Router => match last("http-keepalive") {
            None => KeepAlive::ClosesEveryConnection {
                why: format!(
                    "uWSGI's HTTP router (--http{}) closes each client connection without \
                     --http-keepalive",
                    where_(socket)
                ),
            },
            Some(k) => {
                let n = k.value.text.trim();
                let bare = !k.given || matches!(n, "1" | "true" | "yes" | "on");
                if matches!(n, "0" | "false" | "no" | "off") && k.given {
                    return KeepAlive::ClosesEveryConnection {
                        why: format!(
                            "uWSGI's --http-keepalive is {n}{}: the HTTP router closes each \
                             client connection",
                            where_(k)
                        ),
                    };
                }
                if !bare {
                    return KeepAlive::Timeout(seconds(ctx, k, "--http-keepalive"));
                }
                KeepAlive::Timeout(match last("http-timeout") {
                    Some(o) => seconds(ctx, o, "--http-timeout"),
                    None => ctx.default(
                        60.0,
                        "uWSGI default --http-timeout (plugins/corerouter/corerouter.c; a bare \
                         --http-keepalive leaves it as the idle timeout)",
                    ),
                })
            }
        },
    }
}

/// Whole seconds, as uWSGI's `uwsgi_opt_set_int` reads them.
fn seconds(ctx: &Invocation, o: &Opt, what: &str) -> Setting<f64> {
    let at = o.value.at.clone().or_else(|| ctx.server_at());
    match o.value.text.trim().parse::<u32>() {
        Ok(n) => match at {
            Some(at) => Setting::explicit(f64::from(n), at),
            None => ctx.unresolved(format!("uWSGI's {what} has no location")),
        },
        Err(_) => Setting::unresolved(
            format!(
                "uWSGI's {what} is `{}`, not a whole number of seconds keepalign can read",
                o.value.display()
            ),
            at,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::port;

    #[test]
    fn http_socket_closes_every_connection() {
        let b = task()
            .cmd(&["uwsgi", "--http-socket", ":8000", "--module", "app.wsgi"])
            .build();
        let p = b.profile();
        assert_eq!(p.server, "uwsgi");
        assert!(closes(&p).contains("--http-socket"));
    }

    #[test]
    fn http11_socket_waits_the_socket_timeout() {
        let b = task()
            .cmd(&[
                "uwsgi",
                "--http11-socket",
                "0.0.0.0:8000",
                "--wsgi-file",
                "app.py",
            ])
            .build();
        let p = b.profile();
        assert_default(
            ka(&p),
            4.0,
            "socket-timeout",
            Some(&b.at("\"uwsgi\"", "uwsgi")),
        );
        assert_eq!(
            (p.keep_alive_fix)(65.0),
            "--socket-timeout 65 (with --http11-socket)"
        );
        let b = task()
            .cmd(&["uwsgi", "--http11-socket", ":8000", "-z", "75"])
            .build();
        assert_explicit(ka(&b.profile()), 75.0, &b.at("\"75\"", "75"));
        // A variable, then the command line over it.
        let b = task()
            .cmd(&["uwsgi", "--http11-socket", ":8000", "--socket-timeout=90"])
            .env("UWSGI_SOCKET_TIMEOUT", "30")
            .build();
        assert_explicit(ka(&b.profile()), 90.0, &b.at("--socket-timeout=90", "90"));
        let b = task()
            .cmd(&["uwsgi"])
            .env("UWSGI_HTTP11_SOCKET", ":8000")
            .env("UWSGI_SOCKET_TIMEOUT", "30")
            .build();
        assert_explicit(ka(&b.profile()), 30.0, &b.at("\"30\"", "30"));
    }

    #[test]
    fn the_router_closes_unless_keepalive_is_on() {
        let b = task()
            .cmd(&["uwsgi", "--http", ":8080", "--module", "app:app"])
            .build();
        assert!(closes(&b.profile()).contains("without --http-keepalive"));
        let b = task()
            .cmd(&["uwsgi", "--http", ":8080", "--http-keepalive", "75"])
            .build();
        let p = b.profile();
        assert_explicit(ka(&p), 75.0, &b.at("\"75\"", "75"));
        assert_eq!((p.keep_alive_fix)(65.0), "--http-keepalive 65");
        // Bare: the router's socket timeout, 60 s unless --http-timeout.
        let b = task()
            .cmd(&["uwsgi", "--http", ":8080", "--http-keepalive", "--master"])
            .build();
        assert_default(
            ka(&b.profile()),
            60.0,
            "--http-timeout",
            Some(&b.at("\"uwsgi\"", "uwsgi")),
        );
        let b = task()
            .cmd(&[
                "uwsgi",
                "--http",
                ":8080",
                "--http-keepalive",
                "--http-timeout",
                "120",
            ])
            .build();
        assert_eq!(b.profile().value_of_ka(), Some(120.0));
    }

    #[test]
    fn the_uwsgi_protocol_is_not_http() {
        let b = task()
            .cmd(&["uwsgi", "--socket", ":3031", "--module", "app"])
            .build();
        assert_unresolved(ka(&b.profile()), &["binary uwsgi protocol", "uwsgi_pass"]);
        let b = task().cmd(&["uwsgi", "-s", "0.0.0.0:3031"]).build();
        assert_unresolved(ka(&b.profile()), &["not HTTP"]);
    }

    #[test]
    fn an_ini_file_in_the_image() {
        let b = task()
            .image("123.dkr.ecr/api:1")
            .cmd(&["uwsgi", "--ini", "/etc/uwsgi/app.ini"])
            .build();
        let dockerfile = "FROM python:3.12\nCOPY app.ini /etc/uwsgi/app.ini\n";
        let text = "# uWSGI\n[uwsgi]\nmodule = app.wsgi\nhttp = :8080\nhttp-keepalive = 70\n\n[other]\nhttp-keepalive = 5\n";
        let p = with_image_port(&b, dockerfile, &[("app.ini", text)], Some(8080)).unwrap();
        let crate::servers::KeepAlive::Timeout(s) = &p.keep_alive else {
            panic!("{:?}", p.keep_alive)
        };
        assert_eq!(s.value(), Some(&70.0));
        let at = s.location().unwrap();
        assert_eq!((at.snippet(), at.start()), ("70", (5, 18)));
        // The command line after --ini wins.
        let b = task()
            .cmd(&[
                "uwsgi",
                "--ini",
                "/etc/uwsgi/app.ini",
                "--http-keepalive",
                "80",
            ])
            .build();
        let p = with_image(&b, dockerfile, &[("app.ini", text)]).unwrap();
        assert_eq!(p.value_of_ka(), Some(80.0));
        // Without the image, the ini is not known.
        let b = task().cmd(&["uwsgi", "--ini", "app.ini"]).build();
        assert_unresolved(ka(&b.profile()), &["`app.ini`", "Dockerfile in the scan"]);
        // A lone ini argument is the configuration.
        let b = task().cmd(&["uwsgi", "/etc/uwsgi/app.ini"]).build();
        let p = with_image(&b, dockerfile, &[("app.ini", text)]).unwrap();
        assert_eq!(p.value_of_ka(), Some(70.0));
    }

    #[test]
    fn the_load_balancers_port_picks_the_socket() {
        let b = task()
            .cmd(&[
                "uwsgi",
                "--socket",
                ":3031",
                "--http-socket",
                ":8000",
                "--stats",
                "127.0.0.1:9191",
            ])
            .build();
        let dockerfile = "FROM python:3.12\n";
        let p = with_image_port(&b, dockerfile, &[], Some(8000)).unwrap();
        closes(&p);
        let p = with_image_port(&b, dockerfile, &[], Some(3031)).unwrap();
        assert_unresolved(ka(&p), &["uwsgi protocol"]);
        let p = with_image_port(&b, dockerfile, &[], Some(9000)).unwrap();
        assert_unresolved(ka(&p), &["port 9000"]);
        // Not knowing the port, sockets of two kinds are ambiguous.
        assert_unresolved(ka(&b.profile()), &["different kinds"]);
    }

    #[test]
    fn odd_input_is_unknown_and_never_panics() {
        assert_eq!(port(":8080"), Ok(Some(8080)));
        assert_eq!(port("[::]:8080"), Ok(Some(8080)));
        assert_eq!(port("/tmp/app.sock"), Ok(None));
        assert_eq!(port("127.0.0.1:8080"), Ok(None));
        assert!(port(":$(PORT)").is_err());
        let b = task()
            .cmd(&["uwsgi", "--http11-socket", ":8000", "-z", "soon"])
            .build();
        assert_unresolved(ka(&b.profile()), &["`soon`", "whole number"]);
        for cmd in [
            &["uwsgi"][..],
            &["uwsgi", "--http"],
            &["uwsgi", "-"],
            &["uwsgi", "-s"],
            &["uwsgi", "--http-keepalive"],
            &["uwsgi", "--=", "-zé", "--http=é:"],
            &["uwsgi", "--ini"],
        ] {
            let _ = task().cmd(cmd).build().identify();
        }
    }
}
