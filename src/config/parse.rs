//! From the file's tree to validated [`Account`]s: the root, each
//! `[[accounts]]` block, and the local store. Servers are in `server.rs`.

use std::path::{Path, PathBuf};

use crate::account::{Account, StoreFormat, StoreSettings, email_domain};
use crate::secret::has_forbidden_chars;

use super::document::{Node, Value};
use super::error::ConfigError;
use super::fields::Fields;
use super::server::server;

/// What relative paths and `~` in the file resolve against.
#[derive(Debug, Clone)]
pub struct PathContext {
    /// The directory of the config file.
    pub base: PathBuf,
    pub home: Option<PathBuf>,
}

impl PathContext {
    /// For the file at `file`, with the real home directory.
    pub fn for_file(file: &Path) -> Self {
        PathContext {
            base: file
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from(".")),
            home: super::paths::home(),
        }
    }
}

const ACCOUNT_KEYS: &[&str] = &["name", "email", "incoming", "outgoing", "store"];
const STORE_KEYS: &[&str] = &["path", "format"];

/// Validate the whole document. `file` only names the file in errors.
pub(crate) fn accounts(
    root: &Node,
    file: &Path,
    paths: &PathContext,
) -> Result<Vec<Account>, ConfigError> {
    let root = Fields::new(file, "", root)?;
    root.only(&["accounts"])?;
    let Some((key, node)) = root.entry("accounts") else {
        return Err(ConfigError::invalid(
            file,
            1,
            "accounts",
            "no account is defined (add an [[accounts]] block with name, email and a server)",
        ));
    };
    let items = match &node.value {
        Value::Array(items) => items,
        other => {
            return Err(root.error(
                key.line,
                "accounts",
                format!(
                    "expected an array of tables ([[accounts]]), found {}",
                    other.kind()
                ),
            ));
        }
    };
    if items.is_empty() {
        return Err(root.error(key.line, "accounts", "no account is defined"));
    }

    let mut out: Vec<(Account, usize)> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let fields = Fields::new(file, format!("accounts[{}]", index + 1), item)?;
        let (parsed, name_line) = account(&fields, paths)?;
        if let Some((_, first_line)) = out.iter().find(|(a, _)| a.name == parsed.name) {
            return Err(fields.error(
                name_line,
                "name",
                format!(
                    "duplicate account name '{}' (already used on line {first_line})",
                    parsed.name
                ),
            ));
        }
        out.push((parsed, name_line));
    }
    Ok(out.into_iter().map(|(a, _)| a).collect())
}

fn account(fields: &Fields<'_>, paths: &PathContext) -> Result<(Account, usize), ConfigError> {
    fields.only(ACCOUNT_KEYS)?;
    let (name, name_line) = fields.required_str("name", "every account needs a name")?;
    let name = name.trim();
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err(fields.error(
            name_line,
            "name",
            "must be a non-empty name without control characters",
        ));
    }
    let (email, email_line) =
        fields.required_str("email", "the account's e-mail address is required")?;
    let email = email.trim();
    if has_forbidden_chars(email) {
        return Err(fields.error(email_line, "email", "holds a line break or NUL character"));
    }
    let local_part_ok = email
        .rsplit_once('@')
        .is_some_and(|(local, _)| !local.is_empty());
    if !local_part_ok || email_domain(email).is_none() || email.chars().any(char::is_whitespace) {
        return Err(fields.error(
            email_line,
            "email",
            format!(
                "'{}' is not an e-mail address (expected name@domain)",
                super::document::show(email)
            ),
        ));
    }

    let incoming = match fields.entry("incoming") {
        Some((_, node)) => Some(server(
            &Fields::new(fields.file, fields.path("incoming"), node)?,
            false,
            email,
            paths,
        )?),
        None => None,
    };
    let outgoing = match fields.entry("outgoing") {
        Some((_, node)) => Some(server(
            &Fields::new(fields.file, fields.path("outgoing"), node)?,
            true,
            email,
            paths,
        )?),
        None => None,
    };
    let store = match fields.entry("store") {
        Some((_, node)) => Some(store(
            &Fields::new(fields.file, fields.path("store"), node)?,
            paths,
        )?),
        None => None,
    };
    if incoming.is_none() && outgoing.is_none() && store.is_none() {
        return Err(ConfigError::invalid(
            fields.file,
            fields.line,
            fields.prefix.clone(),
            format!(
                "account '{name}' has no [accounts.incoming], [accounts.outgoing] or [accounts.store]: nothing to check"
            ),
        ));
    }
    Ok((
        Account {
            name: name.to_string(),
            email: email.to_string(),
            incoming,
            outgoing,
            store,
        },
        name_line,
    ))
}

fn store(fields: &Fields<'_>, paths: &PathContext) -> Result<StoreSettings, ConfigError> {
    fields.only(STORE_KEYS)?;
    let (raw, line) = fields.required_str("path", "the folder or file of the local mail store")?;
    if raw.trim().is_empty() || raw.contains('\0') {
        return Err(fields.error(line, "path", "must be a non-empty path"));
    }
    let path = super::paths::expand(raw.trim(), &paths.base, paths.home.as_deref())
        .map_err(|reason| fields.error(line, "path", reason))?;
    let (format, _) = fields
        .choice(
            "format",
            &[
                ("maildir", StoreFormat::Maildir),
                ("mbox", StoreFormat::Mbox),
            ],
        )?
        .ok_or_else(|| fields.missing("format", "maildir or mbox"))?;
    Ok(StoreSettings { path, format })
}
