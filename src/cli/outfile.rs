//! Writing a file the user named (`import -o`, `check --report`): whole
//! or not at all (a temporary file beside it, synced, then moved into
//! place), never over a directory, and over an existing file only when
//! asked to. A new file gets mode 0600; a replaced one keeps its mode.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use thiserror::Error;

/// What to do when the file already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Leave it alone and fail (`import -o` without `--force`).
    Refuse,
    /// Replace it, atomically.
    Replace,
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum OutfileError {
    #[error("{} is a directory; name a file", path.display())]
    IsDirectory { path: PathBuf },
    #[error("{} already exists; choose another name or add --force to replace it", path.display())]
    Exists { path: PathBuf },
    #[error("cannot write {}: the directory {} does not exist", path.display(), dir.display())]
    NoDirectory { path: PathBuf, dir: PathBuf },
    #[error("cannot write {}: {reason}", path.display())]
    Io { path: PathBuf, reason: String },
}

/// The checks [`write()`] makes before writing, for use before a long run:
/// a doomed `--report` should fail before the probes start, not after.
pub fn precheck(path: &Path, overwrite: Overwrite) -> Result<(), OutfileError> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            return Err(OutfileError::IsDirectory {
                path: path.to_path_buf(),
            });
        }
        Ok(_) if overwrite == Overwrite::Refuse => {
            return Err(OutfileError::Exists {
                path: path.to_path_buf(),
            });
        }
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // A dangling symbolic link counts as existing: never write
            // through it to wherever it points.
            if overwrite == Overwrite::Refuse && fs::symlink_metadata(path).is_ok() {
                return Err(OutfileError::Exists {
                    path: path.to_path_buf(),
                });
            }
        }
        Err(e) => return Err(io_error(path, &e)),
    }
    let dir = parent(path);
    match fs::metadata(&dir) {
        Ok(meta) if meta.is_dir() => Ok(()),
        _ => Err(OutfileError::NoDirectory {
            path: path.to_path_buf(),
            dir,
        }),
    }
}

/// Put `text` at `path`, whole or not at all.
pub fn write(path: &Path, text: &str, overwrite: Overwrite) -> Result<(), OutfileError> {
    precheck(path, overwrite)?;
    let mode = match fs::metadata(path) {
        Ok(meta) => meta.permissions().mode() & 0o7777,
        Err(_) => 0o600,
    };
    let dir = parent(path);
    let tmp = temporary_name(&dir, path);
    let result = write_temporary(&tmp, text, mode).and_then(|()| match overwrite {
        Overwrite::Replace => fs::rename(&tmp, path),
        // A hard link fails if the name exists, even if it appeared a
        // moment ago: nothing is ever replaced.
        Overwrite::Refuse => fs::hard_link(&tmp, path).or_else(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                Err(e)
            } else {
                // File systems without hard links: create-new, then copy.
                copy_new(&tmp, path)
            }
        }),
    });
    let _ = fs::remove_file(&tmp);
    match result {
        Ok(()) => {
            if let Ok(dir) = fs::File::open(&dir) {
                let _ = dir.sync_all();
            }
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(OutfileError::Exists {
            path: path.to_path_buf(),
        }),
        Err(e) => Err(io_error(path, &e)),
    }
}

fn write_temporary(tmp: &Path, text: &str, mode: u32) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(tmp)?;
    file.set_permissions(fs::Permissions::from_mode(mode))?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

fn copy_new(from: &Path, to: &Path) -> io::Result<()> {
    let text = fs::read(from)?;
    let mode = fs::metadata(from)?.permissions().mode();
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(to)?;
    let written = file.write_all(&text).and_then(|()| file.sync_all());
    if written.is_err() {
        let _ = fs::remove_file(to);
    }
    written
}

/// `.NAME.mailfix-PID-N.tmp` in the same directory (a rename across file
/// systems would not be atomic).
fn temporary_name(dir: &Path, path: &Path) -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(".{name}.mailfix-{}-{n}.tmp", std::process::id()))
}

fn parent(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn io_error(path: &Path, err: &io::Error) -> OutfileError {
    let text = err.to_string();
    let reason = match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    OutfileError::Io {
        path: path.to_path_buf(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_written_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.toml");
        write(&path, "hello\n", Overwrite::Refuse).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "hello\n");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left behind");
    }

    #[test]
    fn an_existing_file_is_kept_unless_replacing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.toml");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let err = write(&path, "new", Overwrite::Refuse).unwrap_err();
        assert!(matches!(err, OutfileError::Exists { .. }), "{err}");
        assert!(err.to_string().contains("--force"));
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");

        write(&path, "new", Overwrite::Replace).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }

    #[test]
    fn a_dangling_link_is_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere");
        let link = dir.path().join("out.toml");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = write(&link, "x", Overwrite::Refuse).unwrap_err();
        assert!(matches!(err, OutfileError::Exists { .. }), "{err}");
        assert!(!target.exists());
    }

    #[test]
    fn directories_are_refused_even_when_replacing() {
        let dir = tempfile::tempdir().unwrap();
        for overwrite in [Overwrite::Refuse, Overwrite::Replace] {
            let err = write(dir.path(), "x", overwrite).unwrap_err();
            assert!(matches!(err, OutfileError::IsDirectory { .. }), "{err}");
        }
    }

    #[test]
    fn a_missing_directory_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope/out.md");
        let err = write(&path, "x", Overwrite::Replace).unwrap_err();
        assert_eq!(
            err,
            OutfileError::NoDirectory {
                path: path.clone(),
                dir: dir.path().join("nope"),
            }
        );
    }
}
