//! The keys that carry credentials or trust: exactly one password source,
//! and an extra CA file that must be readable.

use std::path::PathBuf;

use crate::account::PasswordSource;
use crate::secret::{Secret, has_forbidden_chars};

use super::error::ConfigError;
use super::fields::Fields;
use super::parse::PathContext;

const PASSWORD_KEYS: [&str; 3] = ["password", "password_command", "password_env"];

pub(crate) fn password_source(fields: &Fields<'_>) -> Result<PasswordSource, ConfigError> {
    let mut present: Vec<(&str, usize)> = PASSWORD_KEYS
        .iter()
        .filter(|k| fields.entry(k).is_some())
        .map(|k| (*k, fields.line_of(k)))
        .collect();
    present.sort_by_key(|(_, line)| *line);
    if let [(first, first_line), (second, second_line), ..] = present[..] {
        return Err(fields.error(
            second_line,
            second,
            format!(
                "only one of password, password_command and password_env may be set ('{first}' is already set on line {first_line})"
            ),
        ));
    }

    if let Some((value, line)) = fields.str("password")? {
        if value.is_empty() {
            return Err(fields.error(
                line,
                "password",
                "is empty (remove it to be asked, or set password_command)",
            ));
        }
        if has_forbidden_chars(value) {
            return Err(fields.error(line, "password", "holds a line break or NUL character"));
        }
        return Ok(PasswordSource::Literal(Secret::new(value)));
    }
    if let Some((command, line)) = fields.str("password_command")? {
        if command.trim().is_empty() || command.contains('\0') {
            return Err(fields.error(
                line,
                "password_command",
                "must be a non-empty shell command",
            ));
        }
        return Ok(PasswordSource::Command(command.to_string()));
    }
    if let Some((name, line)) = fields.str("password_env")? {
        let name = name.trim();
        if name.is_empty() || name.contains(['=', '\0']) || name.chars().any(char::is_whitespace) {
            return Err(fields.error(
                line,
                "password_env",
                "must be the name of an environment variable",
            ));
        }
        return Ok(PasswordSource::Env(name.to_string()));
    }
    Ok(PasswordSource::Unset)
}

/// `~`-expanded, and it must be a file we can open: a typo here would
/// otherwise surface much later as a certificate error.
pub(crate) fn ca_file(
    fields: &Fields<'_>,
    raw: &str,
    line: usize,
    paths: &PathContext,
) -> Result<PathBuf, ConfigError> {
    if raw.trim().is_empty() || raw.contains('\0') {
        return Err(fields.error(line, "ca_file", "must be the path of a PEM file"));
    }
    let path = super::paths::expand(raw.trim(), &paths.base, paths.home.as_deref())
        .map_err(|reason| fields.error(line, "ca_file", reason))?;
    let unreadable = |reason: String| {
        fields.error(
            line,
            "ca_file",
            format!("cannot read {}: {reason}", path.display()),
        )
    };
    let meta = std::fs::metadata(&path).map_err(|e| unreadable(super::io_reason(&e)))?;
    if !meta.is_file() {
        return Err(unreadable("not a regular file".into()));
    }
    std::fs::File::open(&path).map_err(|e| unreadable(super::io_reason(&e)))?;
    Ok(path)
}
