//! From a container's image to the Dockerfile in the scanned repository
//! that builds it. A link is made only when keepalign can say why it
//! believes it, and the reason travels with every value read through it:
//!
//! - the image's repository name (the last path segment of
//!   `…dkr.ecr…/NAME:tag`) names the directory that holds a `Dockerfile`, or
//!   a `Dockerfile.NAME` / `NAME.Dockerfile`;
//! - an image from an ECR registry, in a repository with exactly one
//!   Dockerfile: "the repository's only Dockerfile".
//!
//! Several candidates are no link: the note names them. An official image
//! (`nginx:1.25`, `library/httpd`, `public.ecr.aws/nginx/nginx`) is not
//! built here.

use std::path::{Path, PathBuf};

/// What a container's image was matched to.
#[derive(Debug, PartialEq)]
pub enum Match<'a> {
    /// The Dockerfile, and why keepalign believes it builds the image.
    Built { dockerfile: &'a Path, why: String },
    /// Several Dockerfiles fit: no link.
    Ambiguous(Vec<&'a Path>),
    /// Not built in this repository, as far as keepalign can tell.
    NotHere,
}

/// Whether a file name is a Dockerfile's: `Dockerfile`, `Containerfile`,
/// `Dockerfile.NAME`, `NAME.Dockerfile` (in any case).
pub fn is_dockerfile(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let lower = name.to_ascii_lowercase();
    lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
}

/// The repository name of an image reference: `api` for
/// `123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:1.4` or
/// `ghcr.io/acme/api@sha256:…`; `None` for an official image or one whose
/// name is not known.
pub fn repository_name(image: &str) -> Option<&str> {
    let without_digest = image.split('@').next().unwrap_or(image);
    let (path, _tag) = match without_digest.rsplit_once(':') {
        // A colon after the last slash is a tag; before it, a port.
        Some((p, t)) if !t.contains('/') => (p, t),
        _ => (without_digest, ""),
    };
    let mut parts = path.split('/');
    let first = parts.next()?;
    let has_registry =
        path.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let official = !has_registry && (!path.contains('/') || first == "library")
        || path.starts_with("public.ecr.aws/docker/library/")
        || is_official_mirror(path);
    if official {
        return None;
    }
    let name = path.rsplit('/').next()?;
    (!name.is_empty() && !name.contains(crate::json::HOLE)).then_some(name)
}

/// `public.ecr.aws/nginx/nginx`: an official image's own public mirror.
fn is_official_mirror(path: &str) -> bool {
    let mut parts = path.split('/');
    parts.next() == Some("public.ecr.aws")
        && matches!((parts.next(), parts.next(), parts.next()), (Some(a), Some(b), None) if a == b)
}

fn is_ecr(image: &str) -> bool {
    let host = image.split('/').next().unwrap_or("");
    host.contains(".dkr.ecr.") && host.ends_with(".amazonaws.com")
}

/// The names a Dockerfile builds by convention: its directory's for a
/// plain `Dockerfile`, NAME for `Dockerfile.NAME` and `NAME.Dockerfile`.
fn built_name(path: &Path) -> Option<String> {
    let file = path.file_name()?.to_str()?.to_ascii_lowercase();
    if file == "dockerfile" || file == "containerfile" {
        return Some(path.parent()?.file_name()?.to_str()?.to_ascii_lowercase());
    }
    file.strip_prefix("dockerfile.")
        .or_else(|| file.strip_suffix(".dockerfile"))
        .map(str::to_string)
}

/// Every Dockerfile in the scan, indexed by the name it builds.
#[derive(Debug, Default)]
pub struct Index {
    pub paths: Vec<PathBuf>,
    by_name: std::collections::HashMap<String, Vec<usize>>,
}

impl Index {
    pub fn new(paths: Vec<PathBuf>) -> Index {
        let mut by_name: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for (i, p) in paths.iter().enumerate() {
            if let Some(n) = built_name(p) {
                by_name.entry(n).or_default().push(i);
            }
        }
        Index { paths, by_name }
    }

    /// Match `image` to a Dockerfile of the scan.
    pub fn match_image(&self, image: &str) -> Match<'_> {
        let Some(name) = repository_name(image) else {
            return Match::NotHere;
        };
        let found = self
            .by_name
            .get(&name.to_ascii_lowercase())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        match found {
            [one] => Match::Built {
                dockerfile: &self.paths[*one],
                why: format!("the image's repository name `{name}` matches"),
            },
            [] if is_ecr(image) && self.paths.len() == 1 => Match::Built {
                dockerfile: &self.paths[0],
                why: "the repository's only Dockerfile, and the image is pushed to ECR".into(),
            },
            [] => Match::NotHere,
            several => Match::Ambiguous(several.iter().map(|&i| self.paths[i].as_path()).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_names() {
        for (image, name) in [
            (
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.4",
                Some("api"),
            ),
            (
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web",
                Some("web"),
            ),
            ("ghcr.io/acme/billing@sha256:abcdef", Some("billing")),
            ("registry.local:5000/shop/cart:2", Some("cart")),
            ("acme/worker:3", Some("worker")),
            ("nginx:1.25", None),
            ("library/httpd:2.4", None),
            ("public.ecr.aws/nginx/nginx:1.27", None),
            ("public.ecr.aws/docker/library/python:3.12", None),
        ] {
            assert_eq!(repository_name(image), name, "{image}");
        }
    }

    #[test]
    fn images_match_dockerfiles_by_name_or_as_the_only_one() {
        let index = Index::new(
            [
                "services/api/Dockerfile",
                "services/web/Dockerfile",
                "docker/Dockerfile.worker",
            ]
            .iter()
            .map(PathBuf::from)
            .collect(),
        );
        let ecr = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
        let built = |m: Match<'_>| match m {
            Match::Built { dockerfile, why } => Some((dockerfile.to_path_buf(), why)),
            _ => None,
        };
        assert_eq!(
            built(index.match_image(&format!("{ecr}/api:1"))).map(|b| b.0),
            Some(PathBuf::from("services/api/Dockerfile"))
        );
        assert_eq!(
            built(index.match_image(&format!("{ecr}/worker:1"))).map(|b| b.0),
            Some(PathBuf::from("docker/Dockerfile.worker"))
        );
        assert_eq!(
            index.match_image(&format!("{ecr}/billing:1")),
            Match::NotHere
        );
        assert_eq!(index.match_image("nginx:1.25"), Match::NotHere);
        let only = Index::new(vec![PathBuf::from("Dockerfile")]);
        assert!(
            built(only.match_image(&format!("{ecr}/anything:1")))
                .is_some_and(|b| b.1.contains("only Dockerfile"))
        );
        assert_eq!(only.match_image("acme/anything:1"), Match::NotHere);
        let twins = Index::new(
            ["a/api/Dockerfile", "b/api/Dockerfile"]
                .iter()
                .map(PathBuf::from)
                .collect(),
        );
        assert!(
            matches!(twins.match_image(&format!("{ecr}/api:1")), Match::Ambiguous(v) if v.len() == 2)
        );
    }

    #[test]
    fn dockerfile_names() {
        for (name, yes) in [
            ("Dockerfile", true),
            ("dockerfile", true),
            ("Containerfile", true),
            ("Dockerfile.prod", true),
            ("api.Dockerfile", true),
            ("Dockerfile-old.txt", false),
            ("docker-compose.yml", false),
        ] {
            assert_eq!(is_dockerfile(Path::new(name)), yes, "{name}");
        }
    }
}
