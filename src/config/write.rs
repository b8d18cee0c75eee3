//! Putting config text on disk safely: a temporary file beside the real
//! one, synced, then renamed over it, with the old file's mode kept (a new
//! file gets 0600: it may hold a password).

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use crate::account::Account;

use super::edit::{EditError, update_account};
use super::parse::PathContext;
use super::render::{RenderOptions, append_account};

/// Replace the file at `path` with `text`, atomically.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), EditError> {
    let io = |e: std::io::Error| EditError::Io {
        path: path.to_path_buf(),
        reason: super::io_reason(&e),
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mode = match fs::metadata(path) {
        Ok(meta) => meta.permissions().mode() & 0o7777,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(io)?;
            0o600
        }
        Err(e) => return Err(io(e)),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config.toml".into());
    let tmp = dir.join(format!(".{name}.mailfix-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        file.set_permissions(fs::Permissions::from_mode(mode))?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        if let Ok(dir) = fs::File::open(dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(io)
}

/// Write `account` into the file at `path`: over the account called
/// `original_name` when there is one (keeping everything else of the
/// file), else added at the end; the file is created (mode 0600) when
/// missing. Literal passwords are not written. The result is loaded again
/// before it is written: a change that would break the file is refused
/// and the file stays as it was.
pub fn save_account(path: &Path, original_name: &str, account: &Account) -> Result<(), EditError> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(EditError::Io {
                path: path.to_path_buf(),
                reason: super::io_reason(&e),
            });
        }
    };
    let updated = match update_account(&text, original_name, account) {
        Ok(updated) => updated,
        Err(EditError::NoSuchAccount(_)) => {
            append_account(&text, account, &RenderOptions::default())
        }
        Err(e) => return Err(e),
    };
    super::parse_str(&updated, path, &PathContext::for_file(path))
        .map_err(|e| EditError::Invalid(e.to_string()))?;
    write_atomic(path, &updated)
}
