use crate::finding::Finding;
use crate::model::NotChecked;

declare_rule! {
    /// ## What it checks
    ///
    /// Something in the scanned code may be a load-balanced service, but
    /// keepalign could not check it:
    ///
    /// - a module call that may hold an ECS service (it is given a target
    ///   group or listener, or its source or arguments name ECS) but whose
    ///   module keepalign cannot read: a registry or git module that is not
    ///   downloaded, a local source outside the scanned path, a missing
    ///   directory;
    /// - an ECS service, or such a module call, with no instances under the
    ///   current variables (`count = var.enable_api ? 1 : 0` with `false`);
    /// - a resource type keepalign does not model that carries a service
    ///   (a CloudFormation `Custom::` resource given a load balancer or task
    ///   definition, a nested stack or serverless application it cannot
    ///   resolve).
    ///
    /// ## Why it matters
    ///
    /// A gate that checked nothing must not look like a gate that found
    /// nothing: "no findings" is only true of what was read. Each note says
    /// why the thing was not checked and how to make keepalign check it, and
    /// the summary line counts them.
    ///
    /// ## Example
    ///
    /// ```hcl
    /// module "svc" {
    ///   source              = "github.com/example/modules//ecs?ref=v1.0.0"
    ///   lb_target_group_arn = aws_lb_target_group.a.arn
    /// }
    /// ```
    ///
    /// Without `terraform init`, the module's files are not on disk.
    ///
    /// ## Fix
    ///
    /// Do what the note says: run `terraform init` before the scan, scan
    /// from the repository root, pass the variable that enables the service
    /// (`--var enable_api=true`), or declare the service's settings in
    /// `keepalign.toml`. Suppress the note where the thing is deliberately
    /// not deployed.
    pub struct Un003 {
        id: "UN003",
        name: "not-checked",
        severity: Note,
        summary: "something that may be a load-balanced service was not checked",
    }
}

pub fn findings(items: &[NotChecked]) -> Vec<Finding> {
    items
        .iter()
        .map(|n| Finding {
            scope: Some(n.scope.clone()),
            location: n.at.clone(),
            label: format!("{} not checked", n.what),
            fix: Some(n.fix.clone()),
            identity: vec![n.scope.clone(), n.what.clone()],
            ..Finding::new(&META, format!("{} was not checked: {}", n.what, n.why))
        })
        .collect()
}
