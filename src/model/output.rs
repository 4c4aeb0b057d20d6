//! Output files that never lose or lie: every output is checked before any work starts (its
//! directory takes new files, it is not a directory, read-only or one of the inputs), all
//! outputs of a command appear together or not at all, each through a temporary file that is
//! synced and renamed over the target, and a file that is read, changed and written back is
//! held under an exclusive lock so a concurrent writer never loses an acknowledged change.

use std::fs::{self, File, Metadata};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Why an output cannot be written. The CLI maps every case to exit status 2 (bad input:
/// the output flag is wrong), before any solving or simulating starts.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{flag} {}: cannot write: {reason}", path.display())]
    Unwritable {
        flag: String,
        path: PathBuf,
        reason: String,
    },
    #[error(
        "{flag} {}: is the input {}; an output never replaces an input (name another file)",
        path.display(),
        input.display()
    )]
    ReplacesInput {
        flag: String,
        path: PathBuf,
        input: PathBuf,
    },
    #[error(
        "{flag} {}: is also the output of {other}; each output needs its own file",
        path.display()
    )]
    NamedTwice {
        flag: String,
        path: PathBuf,
        other: String,
    },
    #[error("{}: cannot write: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
}

/// One output a command will write: the flag that named it (for the message) and its path.
#[derive(Debug, Clone)]
pub struct OutputTarget {
    pub flag: String,
    pub path: PathBuf,
}

impl OutputTarget {
    pub fn new(flag: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        OutputTarget {
            flag: flag.into(),
            path: path.into(),
        }
    }
}

/// Checks, before any work, that every output can be written and that none is one of the
/// `inputs` (compared as files, so `./t.toml`, `dir/../t.toml`, a symlink or a hard link to
/// an input are all caught) or another output. Nothing is created or changed.
pub fn check_outputs(outputs: &[OutputTarget], inputs: &[&Path]) -> Result<(), OutputError> {
    let mut seen: Vec<(&OutputTarget, PathBuf)> = Vec::new();
    for out in outputs {
        let unwritable = |reason: String| OutputError::Unwritable {
            flag: out.flag.clone(),
            path: out.path.clone(),
            reason,
        };
        if let Ok(meta) = fs::metadata(&out.path) {
            for input in inputs {
                if fs::metadata(input).is_ok_and(|m| same_file(&m, &meta)) {
                    return Err(OutputError::ReplacesInput {
                        flag: out.flag.clone(),
                        path: out.path.clone(),
                        input: input.to_path_buf(),
                    });
                }
            }
        }
        let resolved = probe_writable(&out.path).map_err(unwritable)?;
        if let Some((other, _)) = seen.iter().find(|(_, p)| *p == resolved) {
            return Err(OutputError::NamedTwice {
                flag: out.flag.clone(),
                path: out.path.clone(),
                other: other.flag.clone(),
            });
        }
        seen.push((out, resolved));
    }
    Ok(())
}

/// Whether `path` can be written by renaming a new file over it; returns the file it
/// resolves to (through symlinks), for comparing outputs with each other.
fn probe_writable(path: &Path) -> Result<PathBuf, String> {
    let Some(name) = path.file_name() else {
        return Err("names no file".into());
    };
    if let Ok(meta) = fs::metadata(path) {
        if meta.is_dir() {
            return Err("is a directory".into());
        }
        // Renaming over a file the user made read-only would replace it behind their back.
        if meta.permissions().readonly() {
            return Err("the file is read-only".into());
        }
    }
    let target = write_target(path);
    let dir = parent_dir(&target);
    match fs::metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(format!("the directory {} does not exist", dir.display()));
        }
        Err(e) => return Err(format!("the directory {}: {e}", dir.display())),
        Ok(m) if !m.is_dir() => return Err(format!("{} is not a directory", dir.display())),
        Ok(_) => {}
    }
    // The only sure test of a directory (permissions, read-only mounts, quotas, ACLs) is to
    // create a file in it, as the real write will.
    let probe = dir.join(format!(
        ".{}.probe{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = fs::remove_file(&probe);
        }
        Err(e) => {
            return Err(format!(
                "cannot create files in the directory {}: {e}",
                dir.display()
            ));
        }
    }
    let canonical_dir = fs::canonicalize(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(canonical_dir.join(target.file_name().unwrap_or(name)))
}

/// The directory a path's file lives in; `.` for a bare file name.
fn parent_dir(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A symlink is written through to the file it names, so the link survives the update.
fn write_target(path: &Path) -> PathBuf {
    if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
        && let Ok(real) = fs::canonicalize(path)
    {
        return real;
    }
    path.to_path_buf()
}

#[cfg(unix)]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    a.len() == b.len()
        && a.modified().ok() == b.modified().ok()
        && a.created().ok() == b.created().ok()
}

/// Writes every file or none: each goes to a synced temporary file beside its target first,
/// and only when all are staged are they renamed into place. A failure while staging removes
/// every temporary file and leaves the targets as they were.
pub fn write_all(files: &[(&Path, &[u8])]) -> Result<(), OutputError> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        let target = write_target(path);
        match stage(&target, bytes) {
            Ok(tmp) => staged.push((tmp, target)),
            Err(source) => {
                for (tmp, _) in &staged {
                    let _ = fs::remove_file(tmp);
                }
                return Err(OutputError::Write {
                    path: path.to_path_buf(),
                    source,
                });
            }
        }
    }
    let mut failed = None;
    for (i, (tmp, target)) in staged.iter().enumerate() {
        if let Err(source) = fs::rename(tmp, target) {
            // A rename in the target's own directory fails only if the directory changed
            // under us; the later files are not put in place either.
            for (rest, _) in &staged[i..] {
                let _ = fs::remove_file(rest);
            }
            failed = Some(OutputError::Write {
                path: target.clone(),
                source,
            });
            break;
        }
        sync_dir(parent_dir(target));
    }
    failed.map_or(Ok(()), Err)
}

/// Writes one file atomically: a temporary file beside it, synced, then renamed over it, so
/// a failure or a crash never leaves a partial file and readers see the old or the new one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_all(&[(path, bytes)]).map_err(|e| match e {
        OutputError::Write { source, .. } => source,
        other => io::Error::other(other.to_string()),
    })
}

fn stage(target: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = parent_dir(target).join(format!(".{name}.tmp{}", std::process::id()));
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        // An updated file keeps the permissions the user gave it.
        if let Ok(meta) = fs::metadata(target) {
            f.set_permissions(meta.permissions())?;
        }
        f.sync_all()
    })();
    match result {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Makes a rename durable; best effort, since not every platform can open a directory.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// An exclusive lock on a file that is being read, changed and written back in place (a swap
/// or a repaired leave updating ROSTER). Held from before the read until after the rename, so
/// a second writer waits and then judges the updated file instead of overwriting it.
#[derive(Debug)]
pub struct UpdateLock {
    _file: File,
}

/// Waits for the exclusive lock on `path`. Because writes replace the file by rename, a
/// waiter may wake holding the lock of a file that is no longer at `path`; it then locks the
/// new file instead.
pub fn lock_for_update(path: &Path) -> io::Result<UpdateLock> {
    loop {
        let file = File::open(path)?;
        file.lock()?;
        let held = file.metadata()?;
        match fs::metadata(path) {
            Ok(now) if same_file(&held, &now) => return Ok(UpdateLock { _file: file }),
            // Replaced (or removed) while we waited: lock whatever is there now.
            Ok(_) | Err(_) => continue,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Whatever mix of good and bad destinations, the outputs appear all together or
        /// not at all, and no temporary file is left behind.
        #[test]
        fn outputs_appear_all_together_or_not_at_all(bad in prop::collection::vec(any::<bool>(), 1..6)) {
            let dir = tempfile::tempdir().unwrap();
            let paths: Vec<PathBuf> = bad
                .iter()
                .enumerate()
                .map(|(i, &b)| {
                    if b {
                        dir.path().join("missing").join(format!("out{i}.json"))
                    } else {
                        dir.path().join(format!("out{i}.json"))
                    }
                })
                .collect();
            let files: Vec<(&Path, &[u8])> =
                paths.iter().map(|p| (p.as_path(), &b"{}"[..])).collect();
            let result = write_all(&files);
            let written = paths.iter().filter(|p| p.exists()).count();
            if bad.iter().any(|&b| b) {
                prop_assert!(result.is_err());
                prop_assert_eq!(written, 0);
            } else {
                prop_assert!(result.is_ok());
                prop_assert_eq!(written, paths.len());
            }
            let left: Vec<String> = names(dir.path())
                .into_iter()
                .filter(|n| n.contains(".tmp"))
                .collect();
            prop_assert!(left.is_empty(), "temporary files left: {:?}", left);
        }
    }

    #[test]
    fn an_output_that_is_an_input_under_another_name_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("t.toml");
        fs::write(&input, "x").unwrap();
        let sub = dir.path().join("sub");
        fs::create_dir(&sub).unwrap();
        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        let hard = dir.path().join("hard.toml");
        fs::hard_link(&input, &hard).unwrap();
        for alias in [
            input.clone(),
            dir.path().join("sub/../t.toml"),
            dir.path().join("./t.toml"),
            link,
            hard,
        ] {
            let err = check_outputs(&[OutputTarget::new("--out", &alias)], &[&input]);
            assert!(
                matches!(err, Err(OutputError::ReplacesInput { .. })),
                "{}: {err:?}",
                alias.display()
            );
        }
        assert_eq!(fs::read_to_string(&input).unwrap(), "x");
        assert_eq!(
            names(dir.path()),
            ["hard.toml", "link.toml", "sub", "t.toml"]
        );
    }

    #[test]
    fn two_flags_naming_one_file_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let a = OutputTarget::new("--out", dir.path().join("x"));
        let b = OutputTarget::new("--csv", dir.path().join("sub/../x"));
        fs::create_dir(dir.path().join("sub")).unwrap();
        assert!(matches!(
            check_outputs(&[a, b], &[]),
            Err(OutputError::NamedTwice { .. })
        ));
    }

    #[test]
    fn an_update_through_a_symlink_keeps_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomically(&link, b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
    }
}
