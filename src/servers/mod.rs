//! Server knowledge: from a container's entry point, command, environment and
//! image, which server runs and what its keep-alive, graceful-shutdown and
//! request timeouts are, each with provenance (DOMAIN.md, "Server side").
//!
//! One module per server family; adding a server is one new file plus one
//! line in `RECOGNISERS`.

use crate::model::{Container, Seconds, Setting, Unresolved};
use crate::source::Location;

/// What keepalign knows about the server process in a container.
#[derive(Clone, Debug)]
pub struct ServerProfile {
    /// Short family name: "gunicorn", "uvicorn", "nginx", ...
    pub server: &'static str,
    /// Human description, e.g. "gunicorn (gevent workers)".
    pub description: String,
    /// Where the server was recognised: the command word or the image.
    pub identified_at: Option<Location>,
    pub keep_alive: KeepAlive,
    /// Graceful shutdown timeout; `None` when the server has none or it is unbounded.
    pub graceful_timeout: Option<Setting<Seconds>>,
    /// Request (worker) timeout after which the server kills a request; `None` when not applicable.
    pub request_timeout: Option<Setting<Seconds>>,
    /// How to set keep-alive to a value, e.g. `|s| format!("--keep-alive {s}")`.
    pub keep_alive_fix: fn(Seconds) -> String,
    /// How to set the graceful timeout to a value, when the server has one.
    pub graceful_fix: Option<fn(Seconds) -> String>,
}

#[derive(Clone, Debug)]
pub enum KeepAlive {
    /// Idle keep-alive timeout of connections from the load balancer.
    Timeout(Setting<Seconds>),
    /// The server closes every connection after its response, so there is no
    /// idle connection to race (gunicorn `sync` with one thread, Unicorn).
    ClosesEveryConnection { why: String },
}

/// Identify the server in `container`. `Err` explains why it could not be
/// identified and how to declare it (UN002).
pub fn identify(container: &Container) -> Result<ServerProfile, Unresolved> {
    let _ = container;
    Err(Unresolved::new("server identification is not implemented yet", None))
}
