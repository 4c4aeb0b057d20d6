use std::fmt;
use std::path::{Path, PathBuf};

/// Bad input: names the file, the place in it and what is wrong, so a user can fix it
/// without reading code. The CLI maps it to exit status 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: PathBuf,
    /// Where in the file: a key path such as `[[staff]] #3 (S03) team`, or `line 12`.
    pub place: String,
    pub message: String,
}

impl InputError {
    pub fn new(file: &Path, place: impl Into<String>, message: impl Into<String>) -> Self {
        InputError {
            file: file.to_path_buf(),
            place: place.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place.is_empty() {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(
                f,
                "{}: {}: {}",
                self.file.display(),
                self.place,
                self.message
            )
        }
    }
}

impl std::error::Error for InputError {}

/// Reads a text file. Invalid UTF-8 (a file saved as GBK, a stray byte) is named by line
/// and byte, since an editor can jump there; a UTF-8 byte-order mark is skipped.
pub(crate) fn read_text(path: &Path, what: &str) -> Result<String, InputError> {
    let bytes = std::fs::read(path)
        .map_err(|e| InputError::new(path, "", format!("cannot read the {what}: {e}")))?;
    text_of(bytes, path)
}

/// The bytes of a file as text, or an error naming the first invalid UTF-8 byte.
pub(crate) fn text_of(bytes: Vec<u8>, path: &Path) -> Result<String, InputError> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            Ok(text)
        }
        Err(e) => {
            let bytes = e.as_bytes();
            let at = e.utf8_error().valid_up_to();
            let line_start = bytes[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            Err(InputError::new(
                path,
                format!("line {line}, byte {}", at - line_start + 1),
                format!(
                    "invalid UTF-8 (byte 0x{:02X} at offset {at} of the file); save the file as UTF-8",
                    bytes[at]
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_names_line_and_byte() {
        let mut bytes = "a = 1\nname = \"".as_bytes().to_vec();
        bytes.extend([0xC4, 0xE3]); // 你 in GBK
        bytes.extend(b"\"\n");
        let e = text_of(bytes, Path::new("x.toml")).unwrap_err();
        assert_eq!(e.place, "line 2, byte 9");
        assert!(
            e.to_string()
                .starts_with("x.toml: line 2, byte 9: invalid UTF-8")
        );
        assert!(e.message.contains("0xC4") && e.message.contains("offset 14"));
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        let text = text_of("\u{feff}a = 1".as_bytes().to_vec(), Path::new("x")).unwrap();
        assert_eq!(text, "a = 1");
    }
}
