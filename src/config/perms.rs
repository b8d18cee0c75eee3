//! A config file that holds a password should be readable by its owner only.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::account::{Account, PasswordSource};

/// A warning when `path` is readable by group or others and some account
/// of it has a literal `password`.
pub(crate) fn literal_password_warning(path: &Path, accounts: &[Account]) -> Option<String> {
    let has_literal = accounts.iter().any(|a| {
        [a.incoming.as_ref(), a.outgoing.as_ref()]
            .into_iter()
            .flatten()
            .any(|s| matches!(s.password, PasswordSource::Literal(_)))
    });
    if !has_literal {
        return None;
    }
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    (mode & 0o044 != 0).then(|| {
        format!(
            "{} holds a password and other users can read it (mode {:04o}); run `chmod 600 {}` or use password_command",
            path.display(),
            mode & 0o7777,
            path.display()
        )
    })
}
