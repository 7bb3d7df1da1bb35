//! The policy packs shipped in `policies/`, embedded in the binary and
//! enabled by `--policy builtin:NAME` or `policies = ["builtin:NAME"]`.

pub const BUILTIN: &[(&str, &str)] = &[
    ("explicit", include_str!("../../policies/explicit.guard")),
    ("margin", include_str!("../../policies/margin.guard")),
    ("fargate", include_str!("../../policies/fargate.guard")),
];
