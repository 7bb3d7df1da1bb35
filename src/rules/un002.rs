use super::{Checker, Diagnostic};
use crate::linker::Chain;

declare_rule! {
    /// ## What it checks
    ///
    /// The server in the container the load balancer targets could not be
    /// identified from its entry point, command, environment or image.
    ///
    /// ## Why it matters
    ///
    /// Without knowing the server, keepalign cannot know its keep-alive and
    /// shutdown timeouts, so the keep-alive and draining checks do not run for
    /// this service. Often the command lives in the image's Dockerfile.
    ///
    /// ## Example
    ///
    /// ```json
    /// {"name": "api", "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.4"}
    /// ```
    ///
    /// ## Fix
    ///
    /// Put the server command in the task definition (`command`/`entryPoint`),
    /// or set its keep-alive explicitly there so keepalign can see it. When
    /// the server is started by the image or is one keepalign does not know,
    /// declare it in `keepalign.toml`:
    ///
    /// ```toml
    /// [[service]]
    /// match = "aws_ecs_service.api"
    /// server = "node"        # or any name: "kestrel", "go"
    /// keep-alive = 75        # seconds, as the application's code sets it
    /// ```
    pub struct Un002 {
        id: "UN002",
        name: "unknown-server",
        severity: Note,
        summary: "the targeted container's server could not be identified",
    }
}

pub fn check(chain: &Chain<'_>, c: &mut Checker) {
    match (&chain.container, &chain.server) {
        (Ok(container), Err(u)) => {
            let message = format!(
                "the server in container \"{}\" could not be identified: {}",
                container.name, u.reason
            );
            let at = u.at.clone().or_else(|| Some(container.at.clone()));
            c.report(
                &META,
                chain,
                Diagnostic {
                    message,
                    fix: None,
                    location: at,
                    label: "server not identified".into(),
                    related: Vec::new(),
                    suggestion: None,
                },
            );
        }
        (Err(u), _) => c.unresolved(
            chain,
            "the keep-alive and draining rules",
            "the targeted container",
            u,
        ),
        _ => {}
    }
}
