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
    /// ## Servers keepalign recognises
    ///
    /// - HAProxy (`haproxy`, the `haproxy` image)
    /// - Traefik (`traefik`, the `traefik` image)
    /// - Caddy (`caddy run`, `caddy start`, the `caddy` image)
    /// - Envoy (`envoy`, the `envoyproxy/envoy` images)
    /// - Thruster
    /// - gunicorn
    /// - uvicorn (and `fastapi run`)
    /// - hypercorn
    /// - daphne
    /// - waitress
    /// - uWSGI (`uwsgi`, with `--ini` files and `UWSGI_*` variables)
    /// - Node.js (`node`, `npm`/`pnpm`/`yarn` scripts, `pm2-runtime`, `next start`, `fastify start`)
    /// - Bun (`bun run app.ts`, `bun app.ts`, the `oven/bun` image)
    /// - Deno (`deno run`, `deno serve`, the `denoland/deno` image)
    /// - Puma (`puma`, `pumactl start`, `rails server`)
    /// - Unicorn
    /// - nginx
    /// - Apache httpd
    /// - Varnish (`varnishd`, the `varnish` image)
    /// - ASP.NET Core on Kestrel (`dotnet App.dll`)
    /// - Apache Tomcat (`catalina.sh run`, the `tomcat` image)
    /// - Jetty (`java -jar $JETTY_HOME/start.jar`, the `jetty` image)
    /// - Quarkus (`quarkus-run.jar`, a `quarkus.` property or `QUARKUS_*` variable)
    /// - Spring Boot on embedded Tomcat or Jetty (`java` with Spring properties or `SPRING_*` variables)
    /// - Go (a binary built by `go build -o` in a `golang` stage of the image's Dockerfile)
    ///
    /// A plain `java -jar app.jar` with no sign of Spring is not taken for
    /// Spring Boot: declare the server. A server is recognised from the container's `entryPoint` and
    /// `command` (through `sh -c`, wrappers such as `bundle exec`, `python
    /// -m` and `dumb-init`, and scripts in the task definition), or for
    /// nginx, Apache httpd, Varnish, HAProxy, Traefik, Caddy, Envoy, Tomcat and Jetty from
    /// an official image that runs its stock command. When the image is built in the scanned repository and
    /// keepalign can tell which Dockerfile builds it (an `[[image]]` entry,
    /// a Compose file, a CI workflow, a CDK asset manifest, the image's
    /// repository name, or the repository's only Dockerfile), the
    /// Dockerfile's `ENTRYPOINT` and `CMD`, the scripts they run and the
    /// server's own configuration files count too; an image two
    /// Dockerfiles could build is not followed, and the note names both.
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
    /// the image is built in the repository, name its Dockerfile in
    /// `keepalign.toml`:
    ///
    /// ```toml
    /// [[image]]
    /// match = "*/api:*"
    /// dockerfile = "services/api/Dockerfile"
    /// ```
    ///
    /// When the server is one keepalign does not know, or its image is built
    /// elsewhere, declare it:
    ///
    /// ```toml
    /// [[service]]
    /// match = "aws_ecs_service.api"
    /// server = "node"        # or any name: "lighttpd", "go"
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

/// One line per report, however many UN002 notes there are: the servers
/// keepalign knows, which each note would otherwise repeat.
pub fn report_note() -> String {
    let names: Vec<&str> = crate::servers::recognised().collect();
    format!(
        "keepalign recognises these servers: {} (`keepalign explain UN002` says how to declare another)",
        names.join(", ")
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn documentation_lists_every_recognised_server() {
        let doc = super::META.documentation();
        let listed: Vec<&str> = doc
            .split("## Servers keepalign recognises")
            .nth(1)
            .expect("the section is in the documentation")
            .lines()
            .filter_map(|l| l.strip_prefix("- "))
            .collect();
        let known: Vec<&str> = crate::servers::recognised().collect();
        assert_eq!(
            listed, known,
            "UN002's documentation and the recognisers disagree"
        );
    }
}
