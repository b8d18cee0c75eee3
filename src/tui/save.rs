//! The boundary to writing settings back to the config file (`w`).
//!
//! The config module owns the file and its layout (it edits with
//! `toml_edit`, keeping comments). The wizard only calls [`write_settings`];
//! wiring it to `config::edit` is the one change needed here once that
//! lands.

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::account::Account;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SaveError {
    /// This build cannot write settings yet.
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
    let _ = (path, original_name, account);
    Err(SaveError::Unavailable)
}
