//! The lab's local mail stores, made in a temporary directory at start:
//! a sound Maildir, a Maildir that lost `new` and `tmp`, and an mbox that
//! does not begin with a `From ` line.

use std::fs;
use std::path::{Path, PathBuf};

use super::LabError;

const MESSAGE: &str = "From: Lab Robot <robot@example.org>\nTo: alice@example.org\nSubject: Stored message\n\nKept in the lab's local store.\n";

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> LabError + '_ {
    move |source| LabError::Store {
        path: path.to_owned(),
        source,
    }
}

fn write(path: &Path, text: &str) -> Result<(), LabError> {
    fs::write(path, text).map_err(io_err(path))
}

fn mkdir(path: &Path) -> Result<(), LabError> {
    fs::create_dir_all(path).map_err(io_err(path))
}

/// A Maildir with `cur`, `new` and `tmp` and one message.
pub fn maildir(root: &Path, name: &str) -> Result<PathBuf, LabError> {
    let dir = root.join(name);
    for sub in ["cur", "new", "tmp"] {
        mkdir(&dir.join(sub))?;
    }
    write(&dir.join("cur/1700000000.M1P1.lab:2,S"), MESSAGE)?;
    Ok(dir)
}

/// A Maildir with only `cur` left: `new` and `tmp` are gone.
pub fn damaged_maildir(root: &Path, name: &str) -> Result<PathBuf, LabError> {
    let dir = root.join(name);
    mkdir(&dir.join("cur"))?;
    write(&dir.join("cur/1700000000.M1P1.lab:2,S"), MESSAGE)?;
    Ok(dir)
}

/// An mbox file whose first line is a header, not a `From ` separator
/// (a message pasted in by hand, or a file cut off at the front).
pub fn bad_mbox(root: &Path, name: &str) -> Result<PathBuf, LabError> {
    let path = root.join(name);
    write(
        &path,
        &format!("{MESSAGE}\nFrom robot@example.org Mon Jan  1 00:00:00 2024\n{MESSAGE}"),
    )?;
    Ok(path)
}
