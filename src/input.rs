//! Reading input files safely: size limits, binary and encoding checks.

use crate::source::SourceFile;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Files larger than this are reported, not read.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

pub struct ReadError {
    pub message: String,
    pub line_col: Option<(usize, usize)>,
}

pub fn read_source(path: &Path) -> Result<Arc<SourceFile>, ReadError> {
    let meta = std::fs::metadata(path).map_err(|e| ReadError {
        message: format!("cannot read file: {e}"),
        line_col: None,
    })?;
    if meta.len() > MAX_FILE_SIZE {
        return Err(ReadError {
            message: format!(
                "file is {} MiB, larger than the {} MiB keepalign reads",
                meta.len() / 1024 / 1024,
                MAX_FILE_SIZE / 1024 / 1024
            ),
            line_col: None,
        });
    }
    let bytes = std::fs::read(path).map_err(|e| ReadError {
        message: format!("cannot read file: {e}"),
        line_col: None,
    })?;
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        return Err(ReadError {
            message: "binary file (contains NUL bytes), not a text file".into(),
            line_col: Some(line_col_of(&bytes, pos)),
        });
    }
    match String::from_utf8(bytes) {
        // Editors on Windows write a byte-order mark; Terraform and the
        // CloudFormation service accept it, and it is no column.
        Ok(text) => Ok(SourceFile::new(
            path.to_path_buf(),
            match text.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_string(),
                None => text,
            },
        )),
        Err(e) => {
            let pos = e.utf8_error().valid_up_to();
            Err(ReadError {
                message: "file is not valid UTF-8; save it as UTF-8".into(),
                line_col: Some(line_col_of(e.as_bytes(), pos)),
            })
        }
    }
}

fn line_col_of(bytes: &[u8], pos: usize) -> (usize, usize) {
    let before = &bytes[..pos.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map(|i| i + 1)
        .unwrap_or(0);
    (line, pos - line_start + 1)
}

/// Where a path named by the IaC (`file()`, a module `source`) leads, and
/// whether keepalign may read it.
#[derive(Debug)]
pub enum Confined {
    /// Inside the repository; the canonical path.
    Inside(PathBuf),
    /// Outside the repository being scanned: never read.
    Outside,
    /// Inside by its text, but it does not exist or cannot be resolved.
    Unreadable(std::io::Error),
}

impl Confined {
    /// The canonical path, or why `what` (`file "x.json"`, `module.api: its
    /// source "../x"`) is not read.
    pub fn readable(self, what: &str) -> Result<PathBuf, String> {
        match self {
            Confined::Inside(c) => Ok(c),
            Confined::Outside => Err(format!(
                "{what} is outside the repository being scanned, so keepalign does not read it"
            )),
            Confined::Unreadable(e) => Err(format!("{what} could not be read: {e}")),
        }
    }
}

/// Resolve `written` (absolute, or relative to the existing directory
/// `base`) and confine it to the canonical directory `root`.
///
/// Outside is decided from the path's text first, so keepalign never probes
/// the filesystem beyond the repository and the answer does not depend on
/// what exists there; the canonical path is then checked again to catch
/// symlinks that lead out.
pub fn confine(base: &Path, written: &Path, root: &Path) -> Confined {
    let anchored = if written.is_absolute() {
        written.to_path_buf()
    } else {
        // `base` is inside the repository; its canonical form makes the
        // path comparable with the canonical root (scan paths may be
        // relative or pass through symlinks).
        base.canonicalize()
            .unwrap_or_else(|_| base.to_path_buf())
            .join(written)
    };
    if !lexically_normal(&anchored).starts_with(root) {
        return Confined::Outside;
    }
    match anchored.canonicalize() {
        Ok(c) if c.starts_with(root) => Confined::Inside(c),
        Ok(_) => Confined::Outside,
        Err(e) => Confined::Unreadable(e),
    }
}

/// `path` with `.` and `..` removed by text alone, as the OS would resolve
/// them if no component were a symlink.
pub fn lexically_normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // `/..` is `/`.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                // Leading `..` of a relative path stay.
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_text() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("main.tf");
        std::fs::write(&p, b"\xef\xbb\xbfresource \"aws_lb\" \"x\" {}\n").unwrap();
        let Ok(file) = read_source(&p) else {
            panic!("readable")
        };
        assert!(file.text.starts_with("resource"), "{:?}", file.text);
    }

    #[test]
    fn outside_is_decided_without_the_target_existing() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/a.json"), "[]").unwrap();
        let outside = |w: &str| {
            matches!(
                confine(&root.join("sub"), Path::new(w), &root),
                Confined::Outside
            )
        };
        assert!(outside("../../no-such-dir/x"));
        assert!(outside("/no-such-dir/x"));
        assert!(outside("x/../../../y"));
        assert!(outside("/etc/hostname"));
        assert!(matches!(
            confine(&root.join("sub"), Path::new("./a.json"), &root),
            Confined::Inside(p) if p == root.join("sub/a.json")
        ));
        assert!(matches!(
            confine(&root.join("sub"), Path::new("../sub/missing.json"), &root),
            Confined::Unreadable(_)
        ));
    }

    #[test]
    fn lexical_normalisation_keeps_leading_parents() {
        let n = |p: &str| lexically_normal(Path::new(p)).display().to_string();
        assert_eq!(n("live/../modules/svc/main.tf"), "modules/svc/main.tf");
        assert_eq!(n("../../x/./y"), "../../x/y");
        assert_eq!(n("a/../../b"), "../b");
        assert_eq!(n("/../etc"), "/etc");
    }

    #[test]
    fn symlink_leading_out_is_outside() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("s.json"), "[]").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("link")).unwrap();
        assert!(matches!(
            confine(&root, Path::new("link/s.json"), &root),
            Confined::Outside
        ));
    }
}
