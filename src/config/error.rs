//! What can go wrong with the config file. Every error prints as one line
//! that names the file, and for a problem inside it the line and the key:
//! `config.toml:7: key 'accounts[1].incoming.port': must be between 1 and 65535`.

use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// The file does not exist.
    #[error(
        "{}: no such config file (create it, see `mailfix --help`, or try `mailfix demo`)",
        path.display()
    )]
    Missing { path: PathBuf },
    /// The file exists but could not be read (permissions, a directory, not UTF-8).
    #[error("{}: cannot read the config file: {reason}", path.display())]
    Unreadable { path: PathBuf, reason: String },
    /// No default location could be worked out (no home directory).
    #[error("cannot find the config directory: {reason} (use --config FILE)")]
    NoConfigDir { reason: String },
    /// A problem at a place in the file. `key` is a dotted path;
    /// `accounts[N]` counts the `[[accounts]]` blocks from 1.
    #[error("{}:{line}: key '{key}': {message}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        key: String,
        message: String,
    },
}

impl ConfigError {
    pub(crate) fn invalid(
        path: &std::path::Path,
        line: usize,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ConfigError::Invalid {
            path: path.to_path_buf(),
            line,
            key: key.into(),
            message: one_line(&message.into()),
        }
    }
}

/// Collapse every run of whitespace (line breaks included) into one space,
/// so that a message can never span several lines.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
