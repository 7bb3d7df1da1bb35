//! The hop in front of a load balancer: a CloudFront custom origin whose
//! domain name is the load balancer's (directly, through a DNS alias
//! record, or as the literal `…elb.amazonaws.com` name). Linked after the
//! service chains, so rules about an edge can read the servers behind it.

use crate::linker::{Chain, Index};
use crate::model::*;
use std::collections::HashMap;

/// One CloudFront origin and what keepalign knows of the load balancer it
/// reaches.
pub struct Edge<'m> {
    pub origin: &'m EdgeOrigin,
    /// The load balancer the origin's domain names; `None` when the domain
    /// is not a load balancer (an S3 website, a host elsewhere), `Err`
    /// when it may be one keepalign cannot find.
    pub load_balancer: Option<Result<&'m LoadBalancer, Unresolved>>,
    /// The DNS alias record the domain went through, when it did.
    pub alias: Option<&'m DnsAlias>,
    /// The service chains behind that load balancer (indices into the
    /// chains the edges were linked with).
    pub chains: Vec<usize>,
}

impl Edge<'_> {
    /// The origin as users know it: `aws_cloudfront_distribution.cdn`
    /// origin `api`.
    pub fn name(&self) -> String {
        self.origin.name()
    }
}

/// Every CloudFront custom origin, linked to its load balancer and the
/// chains behind it. Linear in origins, load balancers, records and chains.
pub fn edges<'m>(model: &'m Model, chains: &[Chain<'m>]) -> Vec<Edge<'m>> {
    let lbs = Index::new(&model.load_balancers, |x| &x.id, |x| x.name.as_deref());
    let aliases = Index::new(&model.dns_aliases, |x| &x.id, |_| None);
    let alias_names: HashMap<&str, &DnsAlias> = model
        .dns_aliases
        .iter()
        .filter_map(|a| Some((a.name.as_deref()?, a)))
        .collect();
    let mut behind: HashMap<&ResourceId, Vec<usize>> = HashMap::new();
    for (i, chain) in chains.iter().enumerate() {
        if let Ok(lb) = &chain.load_balancer {
            behind.entry(&lb.id).or_default().push(i);
        }
    }
    let resolver = Resolver {
        lbs: &lbs,
        aliases: &aliases,
        alias_names: &alias_names,
    };
    model
        .edge_origins
        .iter()
        .map(|origin| {
            let (load_balancer, alias) = resolver.domain(&origin.id.scope, &origin.domain);
            let chains = match &load_balancer {
                Some(Ok(lb)) => behind.get(&lb.id).cloned().unwrap_or_default(),
                _ => Vec::new(),
            };
            Edge {
                origin,
                load_balancer,
                alias,
                chains,
            }
        })
        .collect()
}

struct Resolver<'a, 'm> {
    lbs: &'a Index<'m, LoadBalancer>,
    aliases: &'a Index<'m, DnsAlias>,
    alias_names: &'a HashMap<&'m str, &'m DnsAlias>,
}

type Found<'m> = (
    Option<Result<&'m LoadBalancer, Unresolved>>,
    Option<&'m DnsAlias>,
);

impl<'m> Resolver<'_, 'm> {
    /// What a domain name written in `scope` reaches.
    fn domain(&self, scope: &str, link: &Link) -> Found<'m> {
        match &link.target {
            Err(u) => (
                Some(Err(Unresolved::new(
                    format!(
                        "the origin's domain name is not known ({}), so keepalign cannot tell \
                         whether it is a load balancer in the scan; pass the value (--var, a \
                         parameter) or scan a plan",
                        u.reason
                    ),
                    u.at.clone().or(link.at.clone()),
                ))),
                None,
            ),
            Ok(Reference::Resource { attribute, .. }) => {
                let lb = self.lbs.resolve(scope, link, "load balancer");
                if let Ok(found) = &lb {
                    return (Some(Ok(found[0])), None);
                }
                if let Ok(found) = self.aliases.resolve(scope, link, "DNS record") {
                    let alias = found[0];
                    return (self.alias_target(alias), Some(alias));
                }
                // A load balancer's DNS name keepalign cannot follow (a
                // module output, a data source, another stack).
                match lb {
                    Err(u) if matches!(attribute.as_str(), "dns_name" | "DNSName") => (
                        Some(Err(Unresolved::new(
                            format!("the origin is a load balancer's DNS name, but {}", u.reason),
                            link.at.clone(),
                        ))),
                        None,
                    ),
                    _ => (None, None),
                }
            }
            Ok(Reference::Literal(host)) => self.host(host, link),
        }
    }

    /// A literal host name: a DNS record in the scan, or an ELB name.
    fn host(&self, host: &str, link: &Link) -> Found<'m> {
        let host = crate::convert::dns_name(host);
        if let Some(alias) = self.alias_names.get(host.as_str()) {
            return (self.alias_target(alias), Some(alias));
        }
        let Some(name) = elb_name(&host) else {
            return (None, None);
        };
        let by_name = Link {
            target: Ok(Reference::Literal(name.to_string())),
            at: link.at.clone(),
        };
        match self.lbs.resolve("", &by_name, "load balancer") {
            Ok(found) => (Some(Ok(found[0])), None),
            Err(_) => (
                Some(Err(Unresolved::new(
                    format!(
                        "the origin {host} is the DNS name of a load balancer named \"{name}\", \
                         which is not defined in the scanned files; scan the files that define it"
                    ),
                    link.at.clone(),
                ))),
                None,
            ),
        }
    }

    /// The load balancer an alias record points at, when it points at one.
    fn alias_target(&self, alias: &'m DnsAlias) -> Option<Result<&'m LoadBalancer, Unresolved>> {
        match &alias.target.target {
            // A VPC origin's endpoint: the load balancer's ARN.
            Ok(Reference::Literal(arn)) if arn.starts_with("arn:") => {
                if !arn.contains(":loadbalancer/") {
                    return None;
                }
                Some(
                    self.lbs
                        .resolve(&alias.id.scope, &alias.target, "load balancer")
                        .map(|v| v[0]),
                )
            }
            Ok(Reference::Literal(host)) => {
                let host = crate::convert::dns_name(host);
                let name = elb_name(&host)?;
                let by_name = Link {
                    target: Ok(Reference::Literal(name.to_string())),
                    at: alias.target.at.clone(),
                };
                Some(
                    self.lbs
                        .resolve(&alias.id.scope, &by_name, "load balancer")
                        .map(|v| v[0]),
                )
            }
            Ok(Reference::Resource { attribute, .. }) => {
                match self
                    .lbs
                    .resolve(&alias.id.scope, &alias.target, "load balancer")
                {
                    Ok(found) => Some(Ok(found[0])),
                    Err(u)
                        if matches!(attribute.as_str(), "dns_name" | "DNSName" | "arn" | "Ref") =>
                    {
                        Some(Err(u))
                    }
                    // A CloudFront distribution, an S3 website, an API.
                    Err(_) => None,
                }
            }
            Err(u) => Some(Err(u.clone())),
        }
    }
}

/// The load balancer name in an ELB DNS name:
/// `[dualstack.][internal-]NAME-ID.REGION.elb.amazonaws.com` (ALB, Classic)
/// or `NAME-ID.elb.REGION.amazonaws.com` (NLB).
pub fn elb_name(host: &str) -> Option<&str> {
    let elb = host.ends_with(".elb.amazonaws.com")
        || host.ends_with(".elb.amazonaws.com.cn")
        || (host.contains(".elb.") && host.contains(".amazonaws.com"));
    if !elb {
        return None;
    }
    let host = host.strip_prefix("dualstack.").unwrap_or(host);
    let label = host.split('.').next()?;
    let label = label.strip_prefix("internal-").unwrap_or(label);
    let (name, id) = label.rsplit_once('-')?;
    (!name.is_empty() && !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then_some(name)
}

#[cfg(test)]
mod tests {
    use super::elb_name;

    #[test]
    fn load_balancer_names_in_dns_names() {
        assert_eq!(
            elb_name("my-web-alb-1234567890.eu-west-1.elb.amazonaws.com"),
            Some("my-web-alb")
        );
        assert_eq!(
            elb_name("internal-api-2013751213.us-east-1.elb.amazonaws.com"),
            Some("api")
        );
        assert_eq!(
            elb_name("dualstack.web-99.us-east-1.elb.amazonaws.com"),
            Some("web")
        );
        assert_eq!(
            elb_name("ingest-0123456789abcdef.elb.us-east-2.amazonaws.com"),
            Some("ingest")
        );
        assert_eq!(elb_name("api.example.com"), None);
        assert_eq!(elb_name("bucket.s3.amazonaws.com"), None);
        assert_eq!(elb_name("-.elb.amazonaws.com"), None);
    }
}
