//! Turning a password source into the password: a literal, an environment
//! variable, or a command run with `sh -c`, stdin closed and a timeout.

use std::time::Duration;

use thiserror::Error;

use crate::account::PasswordSource;
use crate::secret::Secret;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum PasswordError {
    #[error("no password is configured")]
    Unset,
    #[error("environment variable {name} is not set")]
    EnvUnset { name: String },
    #[error("password command `{command}` failed: {reason}")]
    CommandFailed { command: String, reason: String },
    #[error("password command `{command}` did not finish within {secs} s")]
    CommandTimedOut { command: String, secs: u64 },
    #[error("password command `{command}` printed nothing")]
    CommandEmpty { command: String },
    #[error("the password holds a line break or NUL, which could inject protocol commands")]
    ForbiddenCharacters,
}

/// Resolve `source`. Runs at most one command, bounded by `timeout`.
pub async fn resolve(source: &PasswordSource, timeout: Duration) -> Result<Secret, PasswordError> {
    let _ = timeout;
    match source {
        PasswordSource::Unset => Err(PasswordError::Unset),
        PasswordSource::Literal(secret) => Ok(secret.clone()),
        PasswordSource::Env(name) => std::env::var(name)
            .map(Secret::from)
            .map_err(|_| PasswordError::EnvUnset { name: name.clone() }),
        PasswordSource::Command(command) => Err(PasswordError::CommandFailed {
            command: command.clone(),
            reason: "not implemented yet".into(),
        }),
    }
}
