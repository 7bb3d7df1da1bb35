//! The Puma version a Bundler lock file pins: the `    puma (5.6.8)` line
//! under a `specs:` list (four spaces; the gems it depends on are indented
//! six). `bundle exec` and `rails server` run the locked version. A
//! platform variant (`puma (6.4.2-java)`) has the same version.

use crate::model::Unresolved;
use crate::source::{Location, SourceFile};
use std::sync::Arc;

/// A Puma version, as written in the lock file.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Version {
    pub text: String,
    /// Major, minor and patch: missing parts are 0.
    pub release: (u64, u64, u64),
    /// A pre-release (`7.0.0.pre1`) comes before its release.
    pub pre: bool,
    /// The version in the lock file.
    pub at: Location,
}

impl Version {
    /// Ordered as RubyGems orders versions, for the releases that matter:
    /// whether this version is at least `release` (a pre-release of it is not).
    pub fn at_least(&self, release: (u64, u64, u64)) -> bool {
        self.release > release || self.release == release && !self.pre
    }
}

/// Parse a version string: `5.6.8`, `7.0.0.pre1`, `6.4.2-java`.
fn parse(text: &str) -> Option<((u64, u64, u64), bool)> {
    let version = text.split('-').next()?;
    let mut nums = Vec::new();
    let mut pre = false;
    for part in version.split('.') {
        match part.parse::<u64>() {
            Ok(n) if !pre && nums.len() < 3 => nums.push(n),
            Ok(_) => {}
            Err(_) if !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                pre = true
            }
            Err(_) => return None,
        }
    }
    let n = |i: usize| nums.get(i).copied().unwrap_or(0);
    (!nums.is_empty()).then(|| ((n(0), n(1), n(2)), pre))
}

/// The Puma version `lock` pins: `Ok(None)` when it pins none.
pub(crate) fn puma_version(lock: &Arc<SourceFile>) -> Result<Option<Version>, Unresolved> {
    let mut in_specs = false;
    let mut found: Option<Version> = None;
    let mut offset = 0;
    for (index, raw) in lock.text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if !line.starts_with(' ') {
            // GEM, GIT, PATH, PLATFORMS, DEPENDENCIES, ...
            in_specs = false;
            continue;
        }
        if line.trim() == "specs:" {
            in_specs = true;
            continue;
        }
        let Some(rest) = line.strip_prefix("    ").filter(|r| !r.starts_with(' ')) else {
            continue;
        };
        if !in_specs {
            continue;
        }
        let Some(inner) = rest
            .strip_prefix("puma (")
            .and_then(|r| r.strip_suffix(')'))
        else {
            continue;
        };
        let at_start = start + 4 + "puma (".len();
        let at = Location::new(lock, at_start..at_start + inner.len());
        let Some((release, pre)) = parse(inner) else {
            return Err(Unresolved::new(
                format!(
                    "{}:{} pins puma `{inner}`, a version keepalign does not read",
                    lock.display,
                    index + 1
                ),
                Some(at),
            ));
        };
        let version = Version {
            text: inner.split('-').next().unwrap_or(inner).to_string(),
            release,
            pre,
            at,
        };
        match &found {
            None => found = Some(version),
            Some(first) if first.text == version.text => {}
            Some(first) => {
                return Err(Unresolved::new(
                    format!(
                        "{} pins two Puma versions ({} and {})",
                        lock.display, first.text, version.text
                    ),
                    Some(version.at),
                ));
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lock(text: &str) -> Arc<SourceFile> {
        SourceFile::new("app/Gemfile.lock".into(), text.to_string())
    }

    #[test]
    fn the_locked_version_and_its_line() {
        let f = lock(
            "GEM\n  remote: https://rubygems.org/\n  specs:\n    nio4r (2.7.0)\n    \
             puma (5.6.8)\n      nio4r (~> 2.0)\n    rails (7.1.3)\n      puma (>= 5.0)\n\n\
             PLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  puma (~> 5.6)\n",
        );
        let v = puma_version(&f).unwrap().unwrap();
        assert_eq!(
            (v.text.as_str(), v.release, v.pre),
            ("5.6.8", (5, 6, 8), false)
        );
        assert_eq!(v.at.start().0, 5);
        assert_eq!(v.at.snippet(), "5.6.8");
        assert!(!v.at_least((7, 0, 0)));
    }

    #[test]
    fn platforms_pre_releases_and_absence() {
        let f = lock("GEM\n  specs:\n    puma (7.0.4)\n      nio4r\n    puma (7.0.4-java)\n");
        let v = puma_version(&f).unwrap().unwrap();
        assert_eq!(v.release, (7, 0, 4));
        assert!(v.at_least((7, 0, 3)));
        let f = lock("GIT\n  remote: x\n  specs:\n    puma (7.0.0.pre1)\n");
        let v = puma_version(&f).unwrap().unwrap();
        assert!(v.pre && !v.at_least((7, 0, 0)) && v.at_least((6, 6, 1)));
        // Only as a dependency of another gem, or in DEPENDENCIES: not pinned.
        let f = lock(
            "GEM\n  specs:\n    rails (7.1.3)\n      puma (>= 5)\nDEPENDENCIES\n    puma (6.0.0)\n",
        );
        assert_eq!(puma_version(&f).unwrap(), None);
        let f = lock("GEM\n  specs:\n    puma (6.4.2)\n    puma (7.1.0)\n");
        assert!(
            puma_version(&f)
                .unwrap_err()
                .reason
                .contains("two Puma versions")
        );
        let f = lock("GEM\n  specs:\n    puma (6.$x)\n");
        assert!(
            puma_version(&f)
                .unwrap_err()
                .reason
                .contains(":3 pins puma `6.$x`")
        );
    }
}
