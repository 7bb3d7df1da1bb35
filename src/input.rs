//! Reading input files: the one reader every file keepalign opens goes
//! through. It confines the path to the repository (resolving symlinks),
//! opens without blocking, checks the opened file's own metadata (a
//! regular file, not larger than the cap), reads at most the cap, and
//! decodes UTF-8 text.

use crate::source::SourceFile;
use std::fs::File;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Files larger than this are reported, not read.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Where a file may be read from.
#[derive(Clone, Copy, Debug)]
pub enum Within<'a> {
    /// Inside this canonical repository root, after resolving symlinks:
    /// files found by scanning, and paths written in the IaC or in the
    /// configuration file (repository content, which a pull request
    /// controls).
    Repository(&'a Path),
    /// A path named on the command line (`--var-file`, `--config`, a PATH
    /// that is a file). The path as written is the user's choice, but the
    /// file at it may be a link a pull request planted: inside a git work
    /// tree it must resolve inside that work tree; outside any, it is read
    /// as named.
    Named,
}

/// Why a file was not read, for callers that treat some cases differently
/// (a candidate CloudFormation template that is not text may be an asset).
#[derive(Debug)]
pub enum Problem {
    /// It cannot be opened or read (missing, permission denied).
    Io,
    /// It resolves outside the repository.
    Outside,
    /// A directory (a symlink to one, or a directory named like a file).
    Directory,
    /// A FIFO, device or socket.
    NotRegular,
    /// Larger than the cap.
    TooLarge,
    /// Read whole, but not UTF-8 text or contains NUL bytes: the bytes.
    NotText(Vec<u8>),
}

pub struct ReadError {
    pub message: String,
    pub line_col: Option<(usize, usize)>,
    pub problem: Problem,
}

impl ReadError {
    fn new(problem: Problem, message: String) -> ReadError {
        ReadError {
            message,
            line_col: None,
            problem,
        }
    }

    fn io(e: std::io::Error) -> ReadError {
        ReadError::new(Problem::Io, format!("cannot read file: {e}"))
    }
}

/// Read the text file at `path`, not larger than `MAX_FILE_SIZE`.
pub fn read_source(path: &Path, within: Within<'_>) -> Result<Arc<SourceFile>, ReadError> {
    read_text(path, within, MAX_FILE_SIZE).map(|text| SourceFile::new(path.to_path_buf(), text))
}

/// Read the text file at `path`, not larger than `cap` bytes.
pub fn read_text(path: &Path, within: Within<'_>, cap: u64) -> Result<String, ReadError> {
    decode(read_bytes(path, within, cap)?)
}

/// Read the regular file at `path`, not larger than `cap` bytes.
pub fn read_bytes(path: &Path, within: Within<'_>, cap: u64) -> Result<Vec<u8>, ReadError> {
    // The opened file's length, not the path's: nothing can be swapped in
    // between; `read_capped` still stops at the cap if it grows.
    let (file, len) = open(path, within)?;
    if len > cap {
        return Err(too_large(len, cap));
    }
    read_capped_sized(file, cap, len)
}

/// The first `limit` bytes of the regular file at `path`, however large
/// it is (to tell whether an oversized file looks like a template).
pub fn read_prefix(path: &Path, within: Within<'_>, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    open(path, within)?
        .0
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(ReadError::io)?;
    Ok(bytes)
}

/// Read everything from `reader` up to `cap` bytes; more is an error. For
/// files and for standard input alike, so neither is read past the cap.
pub fn read_capped(reader: impl Read, cap: u64) -> Result<Vec<u8>, ReadError> {
    read_capped_sized(reader, cap, 0)
}

/// `read_capped` into a buffer sized for `expected` bytes (a file's length),
/// so a file is read in one call rather than in doubling chunks.
fn read_capped_sized(reader: impl Read, cap: u64, expected: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::with_capacity(usize::try_from(expected.min(cap)).unwrap_or(0) + 1);
    reader
        .take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::io)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::new(
            Problem::TooLarge,
            format!(
                "more than the {} MiB keepalign reads",
                (cap / 1024 / 1024).max(1)
            ),
        ));
    }
    Ok(bytes)
}

fn too_large(len: u64, cap: u64) -> ReadError {
    ReadError::new(
        Problem::TooLarge,
        format!(
            "file is {} MiB, larger than the {} MiB keepalign reads",
            len / 1024 / 1024,
            (cap / 1024 / 1024).max(1)
        ),
    )
}

/// UTF-8 text without NUL bytes, a leading byte-order mark removed.
pub fn decode(bytes: Vec<u8>) -> Result<String, ReadError> {
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        return Err(ReadError {
            message: "binary file (contains NUL bytes), not a text file".into(),
            line_col: Some(line_col_of(&bytes, pos)),
            problem: Problem::NotText(bytes),
        });
    }
    match String::from_utf8(bytes) {
        // Editors on Windows write a byte-order mark; Terraform and the
        // CloudFormation service accept it, and it is no column.
        Ok(text) => Ok(match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        }),
        Err(e) => {
            let pos = e.utf8_error().valid_up_to();
            let line_col = line_col_of(e.as_bytes(), pos);
            Err(ReadError {
                message: "file is not valid UTF-8; save it as UTF-8".into(),
                line_col: Some(line_col),
                problem: Problem::NotText(e.into_bytes()),
            })
        }
    }
}

/// Open `path` for reading once it is confined, without blocking (a FIFO
/// with no writer would block the open forever), and refuse anything but
/// a regular file by the opened file's own metadata; with its length.
fn open(path: &Path, within: Within<'_>) -> Result<(File, u64), ReadError> {
    let root = root_of(path, within);
    let target = match &root {
        Some(root) => match confine_file(path, root) {
            Confined::Inside(c) => c,
            Confined::Outside => {
                return Err(ReadError::new(Problem::Outside, outside(path)));
            }
            Confined::Unreadable(e) => return Err(ReadError::io(e)),
        },
        None => path.to_path_buf(),
    };
    let file = match (open_nonblocking(&target, root.is_some()), &root) {
        (Ok(file), _) => file,
        // The name became, or was (see `confine_file`), a link: resolved
        // whole, it may lead anywhere.
        (Err(_), Some(root)) if is_link(&target) => match target.canonicalize() {
            Ok(c) if c.starts_with(root) => open_nonblocking(&c, true).map_err(ReadError::io)?,
            Ok(_) => return Err(ReadError::new(Problem::Outside, outside(path))),
            Err(e) => return Err(ReadError::io(e)),
        },
        (Err(e), _) => return Err(ReadError::io(e)),
    };
    let meta = file.metadata().map_err(ReadError::io)?;
    let ft = meta.file_type();
    if ft.is_file() {
        return Ok((file, meta.len()));
    }
    if ft.is_dir() {
        return Err(ReadError::new(
            Problem::Directory,
            "is a directory, not a file".into(),
        ));
    }
    // fstat never reports a link: the open followed it, or refused it.
    let what = if is_fifo(&ft) {
        "a named pipe (FIFO)"
    } else {
        "a device or socket"
    };
    Err(ReadError::new(
        Problem::NotRegular,
        format!("is {what}, not a regular file; keepalign reads only regular files"),
    ))
}

/// The root a read of `path` is confined to, if any.
fn root_of(path: &Path, within: Within<'_>) -> Option<PathBuf> {
    match within {
        Within::Repository(root) => Some(root.to_path_buf()),
        Within::Named => work_tree_by_text(path),
    }
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

#[cfg(unix)]
fn is_fifo(ft: &std::fs::FileType) -> bool {
    std::os::unix::fs::FileTypeExt::is_fifo(ft)
}

#[cfg(not(unix))]
fn is_fifo(_: &std::fs::FileType) -> bool {
    false
}

/// Write a report or baseline to `path`, never through a symbolic link:
/// a pull request can plant `keepalign.sarif` as a link to a file of the
/// CI runner, and keepalign writes nowhere but the files it is given. The
/// target must be a regular file (or not exist yet).
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<(), String> {
    write_output_with(path, &mut |out| out.write_all(bytes))
}

/// `write_output` of what `write` writes, through a buffer, so that a
/// report is written as it is produced.
pub fn write_output_with(
    path: &Path,
    write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), String> {
    use std::io::Write;
    let shown = path.display();
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(format!(
            "cannot write {shown}: it is a symbolic link; keepalign does not write through links (remove it or write elsewhere)"
        ));
    }
    let file = open_for_writing(path).map_err(|e| format!("cannot write {shown}: {e}"))?;
    match file.metadata() {
        Ok(m) if m.is_file() => {}
        _ => return Err(format!("cannot write {shown}: not a regular file")),
    }
    file.set_len(0)
        .and_then(|_| {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
            write(&mut out)?;
            out.flush()
        })
        .map_err(|e| format!("cannot write {shown}: {e}"))
}

/// Open for writing without following a link at the last component and
/// without blocking on a FIFO; truncation waits until the target is known
/// to be a regular file.
#[cfg(unix)]
fn open_for_writing(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_for_writing(path: &Path) -> std::io::Result<File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}

/// `resolved`: the path is canonical, so its last component must not have
/// become a symlink since it was resolved.
#[cfg(unix)]
fn open_nonblocking(path: &Path, resolved: bool) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut flags = libc::O_NONBLOCK;
    if resolved {
        flags |= libc::O_NOFOLLOW;
    }
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path, _: bool) -> std::io::Result<File> {
    File::open(path)
}

/// A path's canonical form, resolved once per scan process: every file of
/// a directory is confined through the directory's, and module
/// directories, roots and templates are named again and again (a scan
/// reads thousands of files in hundreds of directories; resolving each
/// path whole was a fifth of a scan's CPU). Failures are not kept;
/// keepalign never changes its working directory, so a relative key keeps
/// its meaning.
pub fn canonical_dir(dir: &Path) -> std::io::Result<PathBuf> {
    let dirs = CANONICAL_DIRS.get_or_init(Default::default);
    if let Some(c) = dirs.lock().ok().and_then(|d| d.get(dir).cloned()) {
        return Ok(c);
    }
    let c = canonical_from_parent(dir)?;
    if let Ok(mut d) = dirs.lock() {
        d.insert(dir.to_path_buf(), c.clone());
    }
    Ok(c)
}

type Resolved = std::sync::Mutex<std::collections::HashMap<PathBuf, PathBuf>>;
static CANONICAL_DIRS: std::sync::OnceLock<Resolved> = std::sync::OnceLock::new();

/// Drop the directories resolved so far: a scan's loading is done, and
/// every directory of a large repository (megabytes of paths) need not be
/// held through its report. Later calls resolve again.
pub fn forget_canonical_dirs() {
    if let Some(Ok(mut dirs)) = CANONICAL_DIRS.get().map(|d| d.lock()) {
        *dirs = std::collections::HashMap::new();
    }
}

/// A directory's canonical path (resolved once, see [`canonical_dir`]),
/// or the path itself when it cannot be resolved.
pub fn canonical_or_same(dir: &Path) -> PathBuf {
    canonical_dir(dir).unwrap_or_else(|_| dir.to_path_buf())
}

/// A path's canonical form through its parent's (cached): a name that is
/// not a link adds one `lstat`, where resolving the whole path again reads
/// every component. Anything else (a link, `..`, a bare name) is resolved
/// whole.
fn canonical_from_parent(path: &Path) -> std::io::Result<PathBuf> {
    if let (Some(parent), Some(Component::Normal(name))) =
        (path.parent(), path.components().next_back())
        && !parent.as_os_str().is_empty()
        && path.file_name() == Some(name)
    {
        let parent = canonical_dir(parent)?;
        if !std::fs::symlink_metadata(path)?.file_type().is_symlink() {
            return Ok(parent.join(name));
        }
    }
    path.canonicalize()
}

/// The directory `path` is in (`.` for a bare file name).
fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `path` confined to `root`: its directory resolved (scan paths may pass
/// through symlinks to directories), then the file itself.
fn confine_file(path: &Path, root: &Path) -> Confined {
    // A path without `..` (every file found by scanning), relative or
    // written under the root, cannot leave by its text: its directory's
    // resolution (shared by the directory's files) and the file itself
    // decide. Others are first judged by their text, as `confine` does for
    // paths the IaC writes.
    let no_parent = path.components().all(|c| {
        matches!(
            c,
            Component::Normal(_) | Component::CurDir | Component::RootDir
        )
    });
    let plain = no_parent && (path.is_relative() || path.starts_with(root));
    if let (true, Some(name)) = (plain, path.file_name()) {
        let dir = match canonical_dir(&parent_dir(path)) {
            Ok(d) => d,
            Err(e) => return Confined::Unreadable(e),
        };
        let candidate = dir.join(name);
        // A name in a canonical directory inside the root is opened
        // without following a link, and `open` resolves one then: one
        // `lstat` less for every file of a scan.
        if cfg!(unix) {
            return if candidate.starts_with(root) {
                Confined::Inside(candidate)
            } else {
                Confined::Outside
            };
        }
        return match std::fs::symlink_metadata(&candidate) {
            // A link is resolved whole: it may lead anywhere.
            Ok(m) if m.file_type().is_symlink() => match candidate.canonicalize() {
                Ok(c) if c.starts_with(root) => Confined::Inside(c),
                Ok(_) => Confined::Outside,
                Err(e) => Confined::Unreadable(e),
            },
            Ok(_) if candidate.starts_with(root) => Confined::Inside(candidate),
            Ok(_) => Confined::Outside,
            Err(e) => Confined::Unreadable(e),
        };
    }
    match path.file_name() {
        Some(name) => confine(&parent_dir(path), Path::new(name), root),
        None => confine(Path::new("."), path, root),
    }
}

/// Whether `path`, named on the command line, is inside a git work tree by
/// its text but resolves outside it: a link a pull request could plant
/// where the CI invocation names a directory to scan.
pub fn named_path_leaves_its_work_tree(path: &Path) -> bool {
    work_tree_by_text(path)
        .is_some_and(|root| path.canonicalize().is_ok_and(|c| !c.starts_with(&root)))
}

/// The canonical root of the git work tree that `path` is in by its text
/// (`.` and `..` applied to the current directory, no link followed): the
/// tree the user meant when writing the path.
fn work_tree_by_text(path: &Path) -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    let abs = lexically_normal(&cwd.join(path));
    abs.ancestors()
        .skip(1)
        .find(|d| d.join(".git").exists())
        .and_then(|d| d.canonicalize().ok())
}

/// Why a path outside the repository is not read: through a link (the
/// usual case, and what to fix), or as written (a configured path).
pub fn outside(path: &Path) -> String {
    let link = path
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink());
    let what = if link {
        "is a symbolic link that points"
    } else {
        "leads"
    };
    format!("{what} outside the repository being scanned, so keepalign does not read it")
}

/// The canonical root of the git work tree containing the directory `dir`,
/// if any.
pub fn git_work_tree(dir: &Path) -> Option<PathBuf> {
    let start = dir.canonicalize().ok()?;
    start
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
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
        canonical_or_same(base).join(written)
    };
    if !lexically_normal(&anchored).starts_with(root) {
        return Confined::Outside;
    }
    match canonical_dir(&anchored) {
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

    /// Resolving through the parent agrees with resolving the whole
    /// path, links anywhere included.
    #[cfg(unix)]
    #[test]
    fn a_path_resolved_through_its_parent_is_its_canonical_path() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("real/sub")).unwrap();
        std::fs::write(root.join("real/sub/main.tf"), "").unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("link")).unwrap();
        std::os::unix::fs::symlink(root.join("real/sub"), root.join("real/sublink")).unwrap();
        for p in [
            "real/sub",
            "real/sub/main.tf",
            "link/sub",
            "link/sub/main.tf",
            "real/sublink",
            "real/sublink/main.tf",
            "real/sub/../sub",
            "real/sub/.",
            "real/sub/",
        ] {
            let path = root.join(p);
            assert_eq!(
                canonical_from_parent(&path).unwrap(),
                path.canonicalize().unwrap(),
                "{p}"
            );
        }
        assert!(canonical_from_parent(&root.join("real/missing")).is_err());
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_text() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("main.tf");
        std::fs::write(&p, b"\xef\xbb\xbfresource \"aws_lb\" \"x\" {}\n").unwrap();
        let Ok(file) = read_source(&p, Within::Named) else {
            panic!("readable")
        };
        assert!(file.text.starts_with("resource"), "{:?}", file.text);
    }

    #[test]
    fn a_stream_is_read_up_to_its_cap_and_no_further() {
        assert!(read_capped(&b"12345"[..], 5).is_ok_and(|b| b == b"12345"));
        let Err(e) = read_capped(std::io::repeat(b'x'), 1024) else {
            panic!("an endless stream is refused")
        };
        assert!(matches!(e.problem, Problem::TooLarge), "{}", e.message);
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
