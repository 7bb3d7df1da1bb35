//! Suppressions in a resource's `Metadata: {keepalign: {ignore: ...}}`.

use super::tree::{Node, NodeKind};
use crate::source::Location;

/// Resource types keepalign reads (a suppression elsewhere silences nothing).
pub const MODELLED: &[&str] = &[
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::ElasticLoadBalancing::LoadBalancer",
    "AWS::ElasticLoadBalancingV2::Listener",
    "AWS::ElasticLoadBalancingV2::ListenerRule",
    "AWS::ElasticLoadBalancingV2::TargetGroup",
    "AWS::ECS::Service",
    "AWS::ECS::TaskDefinition",
    "AWS::CloudFront::Distribution",
    "AWS::ElasticBeanstalk::Environment",
];

/// `Metadata: {keepalign: {ignore: ...}}`: a rule ID, a list of IDs, or
/// items `{id: KA101, reason: "...", until: 2027-01-31}` (`id` may be a list).
/// A `reason:` beside `ignore:` is the reason of items that give none.
/// Metadata is not evaluated: intrinsic functions there are not understood.
pub fn metadata_ignores(metadata: Option<&Node>) -> Vec<crate::suppress::Ignore> {
    use crate::suppress::{Date, Ignore};
    let Some(k) = metadata.and_then(|m| m.get("keepalign")) else {
        return Vec::new();
    };
    let Some(list) = k.get("ignore") else {
        return Vec::new();
    };
    let shared_reason = k
        .get("reason")
        .and_then(Node::as_str)
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    let blank = |at: &Location| Ignore {
        rules: Vec::new(),
        all: false,
        reason: shared_reason.clone(),
        until: None,
        at: at.clone(),
        file_wide: false,
        problem: None,
    };
    // IDs from a string ("KA101", "KA101,DR201", "all") or a list of strings.
    let ids = |n: &Node, i: &mut Ignore| {
        let items: Vec<&Node> = match &n.kind {
            NodeKind::Seq(items) => items.iter().collect(),
            _ => vec![n],
        };
        for item in items {
            match item.as_str() {
                Some(s) => {
                    for id in s.split([',', ' ']).filter(|x| !x.is_empty()) {
                        if id.eq_ignore_ascii_case("all") {
                            i.all = true;
                        } else {
                            i.rules.push(id.to_string());
                        }
                    }
                }
                None => {
                    i.problem = Some("a rule ID must be a string such as KA101".into());
                }
            }
        }
        if !i.all && i.rules.is_empty() && i.problem.is_none() {
            i.problem = Some("it names no rule: give id: KA101 (or all)".into());
        }
    };
    let items: Vec<&Node> = match &list.kind {
        NodeKind::Seq(items) => items.iter().collect(),
        _ => vec![list],
    };
    items
        .into_iter()
        .map(|item| {
            // A `{id, reason, until}` item is pointed at by its id: one line.
            let mut i = blank(&item.get("id").unwrap_or(item).at);
            match &item.kind {
                NodeKind::Map(_) => {
                    match item.get("id") {
                        Some(id) => ids(id, &mut i),
                        None => i.problem = Some("the item has no id: write id: KA101".into()),
                    }
                    if let Some(r) = item.get("reason") {
                        i.reason = r
                            .as_str()
                            .map(str::trim)
                            .filter(|r| !r.is_empty())
                            .map(str::to_string);
                    }
                    if let Some(u) = item.get("until") {
                        match u.as_str().map(|s| Date::parse(s.trim())) {
                            Some(Ok(d)) => i.until = Some(d),
                            Some(Err(e)) => i.problem = Some(format!("until: {e}")),
                            None => {
                                i.problem = Some("until must be a date written YYYY-MM-DD".into())
                            }
                        }
                    }
                    if let Some((key, _, _)) = item
                        .entries()
                        .iter()
                        .find(|(k, _, _)| !matches!(k.as_str(), "id" | "reason" | "until"))
                    {
                        i.problem = Some(format!(
                            "\"{key}\" is not a key keepalign knows (id, reason, until)"
                        ));
                    }
                }
                _ => ids(item, &mut i),
            }
            i
        })
        .collect()
}
