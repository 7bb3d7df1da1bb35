//! Source files and locations. Every value keepalign reports points back here.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A file read once and shared by every value that came from it.
pub struct SourceFile {
    /// Path as shown to users: relative to the current directory when under it.
    pub display: String,
    /// Absolute (or as-given) path used for reading neighbours.
    pub path: PathBuf,
    pub text: String,
    /// Made on first need: most files read are never pointed into.
    line_starts: std::sync::OnceLock<Box<[u32]>>,
    /// Made on first need: (byte offset, characters before it) every
    /// [`CHAR_MARK`] bytes, so a column deep in a long line (a plan is one
    /// line of megabytes) is counted from the nearest mark, not from the
    /// line's start; none for ASCII text, where characters are bytes.
    char_marks: std::sync::OnceLock<Vec<(usize, usize)>>,
}

/// Bytes between two character-count marks of a file.
const CHAR_MARK: usize = 1 << 12;

/// Columns closer than this to their line's start are counted directly.
const SHORT_COLUMN: usize = 4096;

impl SourceFile {
    pub fn new(path: PathBuf, text: String) -> Arc<SourceFile> {
        let display = display_path(&path);
        Arc::new(SourceFile {
            display,
            path,
            text,
            line_starts: std::sync::OnceLock::new(),
            char_marks: std::sync::OnceLock::new(),
        })
    }

    /// How many characters come before byte `offset` (a character
    /// boundary, or the one before it).
    pub fn chars_before(&self, offset: usize) -> usize {
        let marks = self.char_marks.get_or_init(|| {
            // ASCII text (plans, most IaC) has a character per byte: one
            // mark says so, and no character is ever counted.
            if self.text.is_ascii() {
                return Vec::new();
            }
            let mut marks = vec![(0, 0)];
            let mut next = CHAR_MARK;
            for (chars, (byte, _)) in self.text.char_indices().enumerate() {
                if byte >= next {
                    marks.push((byte, chars));
                    next = byte + CHAR_MARK;
                }
            }
            marks
        });
        let mut offset = offset.min(self.text.len());
        if marks.is_empty() {
            return offset;
        }
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let (byte, chars) = marks[marks.partition_point(|&(b, _)| b <= offset) - 1];
        chars + self.text[byte..offset].chars().count()
    }

    /// Byte offset of the start of every line. Every file of a JSON
    /// report's locations gets these, so they are packed: 4 bytes a line
    /// (every reader caps a file far below 4 GiB), with no growth slack.
    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let offset = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| offset(i + 1)))
                .collect()
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line_starts = self.line_starts();
        let line = line_starts.partition_point(|&s| s as usize <= offset) - 1;
        let start = line_starts[line] as usize;
        let col = if offset - start < SHORT_COLUMN {
            self.text
                .get(start..offset)
                .map(|s| s.chars().count())
                .unwrap_or(offset - start)
        } else {
            self.chars_before(offset) - self.chars_before(start)
        };
        (line + 1, col + 1)
    }

    pub fn line_text(&self, line: usize) -> &str {
        let line_starts = self.line_starts();
        let start = line_starts.get(line - 1).map_or(0, |&s| s as usize);
        let end = line_starts
            .get(line)
            .map(|&e| e as usize - 1)
            .unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches('\r')
    }
}

impl fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SourceFile({})", self.display)
    }
}

/// Render a path the way users expect in reports: relative to the current
/// directory when it is under it, with `/` separators.
pub fn display_path(path: &Path) -> String {
    // keepalign never changes its directory: asked once, not per file.
    static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let cwd = CWD.get_or_init(|| std::env::current_dir().ok());
    // `live/../modules/svc/main.tf` is shown as `modules/svc/main.tf`, the
    // path annotation tools and editors match.
    let abs = crate::input::lexically_normal(&if path.is_absolute() {
        path.to_path_buf()
    } else if let Some(cwd) = cwd {
        cwd.join(path)
    } else {
        path.to_path_buf()
    });
    let shown = match cwd.as_ref().and_then(|c| abs.strip_prefix(c).ok()) {
        Some(rel) => rel.to_path_buf(),
        None if path.is_absolute() => abs,
        None => crate::input::lexically_normal(path),
    };
    let mut out = String::new();
    for (i, comp) in shown.components().enumerate() {
        use std::path::Component;
        match comp {
            Component::CurDir => continue,
            Component::RootDir => {
                out.push('/');
                continue;
            }
            _ => {}
        }
        if i > 0 && !out.is_empty() && !out.ends_with('/') {
            out.push('/');
        }
        out.push_str(&comp.as_os_str().to_string_lossy());
    }
    if out.is_empty() { ".".into() } else { out }
}

/// A byte range in a source file.
#[derive(Clone)]
pub struct Location {
    pub file: Arc<SourceFile>,
    pub span: Range<usize>,
}

/// `range` clamped to `text` and widened to the characters it touches. A
/// parser's error offset plus one byte cuts through `“` or `€`, and every
/// consumer that slices the text (snippets, columns, ariadne) would panic.
pub fn char_range(text: &str, range: Range<usize>) -> Range<usize> {
    let len = text.len();
    let mut start = range.start.min(len);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = range.end.clamp(start, len);
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// The byte range of the character at byte `offset` (empty at the end of
/// `text`): where a parser error points.
pub fn char_at(text: &str, offset: usize) -> Range<usize> {
    char_range(text, offset..offset.saturating_add(1))
}

impl Location {
    /// Always on character boundaries and within the text, whatever span
    /// it is given, so no report can slice a character in two.
    pub fn new(file: &Arc<SourceFile>, span: Range<usize>) -> Location {
        Location {
            file: file.clone(),
            span: char_range(&file.text, span),
        }
    }

    /// The character at byte `offset`, whole: a parse error's location.
    pub fn char_at(file: &Arc<SourceFile>, offset: usize) -> Location {
        Location::new(file, char_at(&file.text, offset))
    }

    pub fn start(&self) -> (usize, usize) {
        self.file.line_col(self.span.start)
    }

    pub fn end(&self) -> (usize, usize) {
        self.file.line_col(self.span.end)
    }

    pub fn snippet(&self) -> &str {
        self.file.text.get(self.span.clone()).unwrap_or("")
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, col) = self.start();
        write!(f, "{}:{}:{}", self.file.display, line, col)
    }
}

impl PartialEq for Location {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.file, &other.file) && self.span == other.span
    }
}

impl Eq for Location {}

impl PartialOrd for Location {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Location {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.file.display.as_str(), self.span.start, self.span.end).cmp(&(
            other.file.display.as_str(),
            other.span.start,
            other.span.end,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one_in_characters() {
        let f = SourceFile::new("x.tf".into(), "ab\nçd = 1\n".into());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        // 'ç' is two bytes but one column
        assert_eq!(f.line_col(5), (2, 2));
        assert_eq!(f.line_text(2), "çd = 1");
    }

    #[test]
    fn spans_never_cut_a_character() {
        // `name = “web”`: a parser's error at the quote, plus one byte.
        let text = "a = \u{201c}w\u{201d}\n€";
        let f = SourceFile::new("x.tf".into(), text.into());
        let at = Location::new(&f, 4..5);
        assert_eq!((at.span.clone(), at.snippet()), (4..7, "\u{201c}"));
        // Starting inside a character widens back to its first byte.
        assert_eq!(Location::new(&f, 5..6).span, 4..7);
        assert_eq!(Location::char_at(&f, 12).snippet(), "€");
        // At and past the end: empty, clamped.
        assert_eq!(Location::char_at(&f, text.len()).span, 15..15);
        assert_eq!(Location::new(&f, 40..90).span, 15..15);
        let (start, end) = (13, 2);
        assert_eq!(Location::new(&f, start..end).span, 12..12);
        assert_eq!(char_at("", 0), 0..0);
    }

    /// Characters before an offset, counted from marks in text with
    /// multi-byte characters and taken as the offset in ASCII text.
    #[test]
    fn characters_before_an_offset_deep_in_a_long_line() {
        let mixed: String = (0..20_000)
            .map(|i| if i % 7 == 0 { 'é' } else { 'a' })
            .collect();
        let ascii = "a".repeat(20_000);
        for text in [mixed, ascii] {
            let f = SourceFile::new("plan.json".into(), text.clone());
            for offset in [0, 1, 4095, 4096, 4097, 12_345, text.len() - 1, text.len()] {
                let mut boundary = offset;
                while !text.is_char_boundary(boundary) {
                    boundary -= 1;
                }
                assert_eq!(
                    f.chars_before(offset),
                    text[..boundary].chars().count(),
                    "{offset}"
                );
            }
        }
    }
}
