//! CodeDeploy blue/green deployments of ECS services. A deployment group
//! shifts a service between two target groups; the service's own
//! `load_balancer` names only the one in use when the code was written, so
//! the other one is added to the service as an alternate: checked like the
//! first, and reached through its load balancer when no listener in the
//! code forwards to it (CodeDeploy moves the listener).

use crate::model::*;
use std::collections::HashMap;

/// Add the target groups of every deployment group to the services it
/// deploys, once each.
pub fn attach(model: &mut Model) {
    if model.deployment_groups.is_empty() {
        return;
    }
    let mut by_address: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, s) in model.services.iter().enumerate() {
        by_address.insert((&s.id.scope, &s.id.address), i);
    }
    let mut added: Vec<(usize, Attachment)> = Vec::new();
    for group in &model.deployment_groups {
        for service in &group.services {
            let Ok(Reference::Resource { address, scope, .. }) = &service.target else {
                continue;
            };
            let scope = scope.as_deref().unwrap_or(&group.id.scope);
            let Some(&i) = by_address.get(&(scope, address.as_str())) else {
                continue;
            };
            let s = &model.services[i];
            let Some(primary) = s.attachments.iter().find_map(|a| match &a.target {
                AttachmentTarget::TargetGroup(l) if a.alternate_of.is_none() => Some((a, l)),
                _ => None,
            }) else {
                continue;
            };
            let attached: Vec<Option<&str>> = s
                .attachments
                .iter()
                .filter_map(|a| match &a.target {
                    AttachmentTarget::TargetGroup(l) => Some(resource_address(l)),
                    _ => None,
                })
                .collect();
            for tg in &group.target_groups {
                let address = resource_address(tg);
                if address.is_some() && attached.contains(&address) {
                    continue;
                }
                if added
                    .iter()
                    .any(|(j, a)| *j == i && target_address(a) == address && address.is_some())
                {
                    continue;
                }
                let (a, link) = primary;
                added.push((
                    i,
                    Attachment {
                        target: AttachmentTarget::TargetGroup(tg.clone()),
                        container_name: a.container_name.clone(),
                        container_port: a.container_port.clone(),
                        alternate_of: Some(link.clone()),
                        at: tg.at.clone().unwrap_or_else(|| group.at.clone()),
                    },
                ));
            }
        }
    }
    for (i, a) in added {
        model.services[i].attachments.push(a);
    }
}

fn resource_address(l: &Link) -> Option<&str> {
    match &l.target {
        Ok(Reference::Resource { address, .. }) => Some(address),
        _ => None,
    }
}

fn target_address(a: &Attachment) -> Option<&str> {
    match &a.target {
        AttachmentTarget::TargetGroup(l) => resource_address(l),
        AttachmentTarget::ClassicElb(_) => None,
    }
}
