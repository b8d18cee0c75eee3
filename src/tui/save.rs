//! The boundary to writing settings back to the config file (`w`).
//!
//! The config module owns the file and its layout: `config::save_account`
//! edits it with `toml_edit` (comments and order kept), checks that the
//! result still loads, and writes it atomically. Literal passwords are
//! never written to the file.

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::account::Account;
use crate::config;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SaveError {
    /// There is no config file to write to.
    #[error("saving is not available")]
    Unavailable,
    /// The write was tried and failed, with the config module's words.
    #[error("{0}")]
    Failed(String),
}

/// Write `account` into the config file at `path`, replacing the account
/// that was called `original_name` there (or adding it when there is
/// none). Returns the path written.
pub fn write_settings(
    path: &Path,
    original_name: &str,
    account: &Account,
) -> Result<PathBuf, SaveError> {
    config::save_account(path, original_name, account)
        .map(|()| path.to_path_buf())
        .map_err(|e| SaveError::Failed(e.to_string()))
}
