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
