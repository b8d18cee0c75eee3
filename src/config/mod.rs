//! The config file (`$XDG_CONFIG_HOME/mailfix/config.toml`): reading and
//! validating it into [`Account`]s, and writing settings back.
//!
//! ```no_run
//! let config = mailfix::config::load(&mailfix::config::default_path()?)?;
//! for warning in &config.warnings {
//!     eprintln!("mailfix: warning: {warning}");
//! }
//! # Ok::<(), mailfix::config::ConfigError>(())
//! ```
//!
//! Every error is one line naming the file, the line and the key
//! (`accounts[N]` counts `[[accounts]]` blocks from 1). Reading runs no
//! command: `password_command` is only stored here and run by
//! [`crate::password::resolve`].

mod credentials;
mod document;
pub mod edit;
mod error;
mod fields;
mod parse;
mod paths;
mod perms;
mod render;
mod server;
pub mod write;

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::account::Account;

pub use edit::{EditError, update_account, update_server};
pub use error::ConfigError;
pub use parse::PathContext;
pub use paths::{default_path, state_dir};
pub use render::{RenderOptions, append_account, render, render_account};
pub use write::{save_account, write_atomic};

/// A loaded config file.
#[derive(Debug, Clone)]
pub struct Config {
    pub path: PathBuf,
    pub accounts: Vec<Account>,
    /// Not errors, but worth telling on stderr (or once in the wizard).
    pub warnings: Vec<String>,
}

impl Config {
    pub fn account(&self, name: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.name == name)
    }
}

/// Read and validate the file at `path`.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = read(path)?;
    let accounts = parse_str(&text, path, &PathContext::for_file(path))?;
    let mut warnings = Vec::new();
    if let Some(warning) = perms::literal_password_warning(path, &accounts) {
        warnings.push(warning);
    }
    Ok(Config {
        path: path.to_path_buf(),
        accounts,
        warnings,
    })
}

/// Validate config text. `path` names the file in errors; `paths` is what
/// `~` and relative paths resolve against. Checks that `ca_file` is readable.
pub fn parse_str(
    text: &str,
    path: &Path,
    paths: &PathContext,
) -> Result<Vec<Account>, ConfigError> {
    let root = document::parse(text, path)?;
    parse::accounts(&root, path, paths)
}

/// The file's text (wiped from memory when dropped: it may hold passwords).
fn read(path: &Path) -> Result<Zeroizing<String>, ConfigError> {
    let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ConfigError::Missing {
            path: path.to_path_buf(),
        },
        _ => ConfigError::Unreadable {
            path: path.to_path_buf(),
            reason: io_reason(&e),
        },
    })?);
    match std::str::from_utf8(&bytes) {
        Ok(text) => Ok(Zeroizing::new(text.to_owned())),
        Err(e) => Err(ConfigError::Unreadable {
            path: path.to_path_buf(),
            reason: format!("not UTF-8 text (byte {})", e.valid_up_to()),
        }),
    }
}

/// An I/O error in a few words, without the "(os error N)" tail.
pub(crate) fn io_reason(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}
