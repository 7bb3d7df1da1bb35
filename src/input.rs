//! Reading input files safely: size limits, binary and encoding checks.

use crate::source::SourceFile;
use std::path::Path;
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
        Ok(text) => Ok(SourceFile::new(path.to_path_buf(), text)),
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
