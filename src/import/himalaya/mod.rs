//! himalaya's `config.toml`, in each of the schemas it has had:
//!
//! - `0.x` (up to 0.9): accounts are top-level tables with dashed keys,
//!   `imap-host`, `imap-port`, `imap-ssl`, `imap-starttls`, `imap-passwd-cmd`
//!   (or `imap-passwd = { cmd = … }`), `smtp-*`, `maildir-root-dir`.
//! - `1.0-beta`: `[accounts.NAME]` with `backend = "imap"`, `imap.host`,
//!   `imap.encryption`, `imap.passwd.cmd` or `imap.auth.*`, `message.send.backend
//!   = "smtp"` and `smtp.*`.
//! - `v1`: `[accounts.NAME]` with `backend.type = "imap"`, `backend.host`,
//!   `backend.encryption(.type)`, `backend.auth.type = "password"` and
//!   `raw`/`cmd`/`keyring`; `message.send.backend.*` for SMTP.
//! - `v2`: `imap.server = "imaps://host"`, `imap.sasl.plain.username`,
//!   `imap.sasl.plain.password.raw|command`, `smtp.server`, `maildir.root`.
//!
//! The schema is decided per account, by the keys it uses.

mod beta;
mod common;
mod legacy;
mod v1;
mod v2;
mod view;

use crate::account::{Account, ServerSettings, StoreSettings};

use super::text::address_in;
use super::{Ctx, ImportError, Imported, ImportedAccount, Kind, Warning};

use view::{Doc, Node};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Schema {
    Legacy,
    Beta,
    V1,
    V2,
}

impl Schema {
    fn label(self) -> &'static str {
        match self {
            Schema::Legacy => "0.x (imap-host)",
            Schema::Beta => "1.0-beta (imap.host)",
            Schema::V1 => "v1 (backend.type)",
            Schema::V2 => "v2 (imap.server)",
        }
    }
}

/// What one schema's reader makes of an account.
#[derive(Default)]
struct Parts {
    pub email: Option<String>,
    pub incoming: Option<ServerSettings>,
    pub outgoing: Option<ServerSettings>,
    pub store: Option<StoreSettings>,
    pub notes: Vec<(usize, String)>,
}

pub(super) fn parse(text: &str, ctx: &Ctx<'_>) -> Result<Imported, ImportError> {
    let doc = Doc::parse(text, ctx.file)?;
    let root = doc.root(ctx.file);
    let mut imported = Imported::from_file(Kind::Himalaya, ctx.file);
    let mut schemas: Vec<Schema> = Vec::new();

    let candidates = match root.get("accounts").filter(Node::is_table) {
        Some(accounts) => accounts.entries(),
        None => root
            .entries()
            .into_iter()
            .filter(|(_, node)| node.is_table() && looks_like_account(node))
            .collect(),
    };

    for (name, node) in candidates {
        let Some(schema) = schema_of(&node) else {
            imported.warnings.push(Warning::about(
                ctx.file,
                node.line(),
                &name,
                "skipped: no server settings mailfix can read",
            ));
            continue;
        };
        if !schemas.contains(&schema) {
            schemas.push(schema);
        }
        let parts = match schema {
            Schema::Legacy => legacy::read(&node, ctx)?,
            Schema::Beta => beta::read(&node, ctx)?,
            Schema::V1 => v1::read(&node, ctx)?,
            Schema::V2 => v2::read(&node, ctx)?,
        };
        let email = match node.opt_str("email")? {
            Some((email, line)) => address_in(&email).or_else(|| {
                imported.warn(
                    ctx.file,
                    Some(line),
                    format!("`email = {email:?}` is not an address"),
                );
                None
            }),
            None => None,
        }
        .or(parts.email)
        .unwrap_or_default();
        let account = Account {
            name,
            email,
            incoming: parts.incoming,
            outgoing: parts.outgoing,
            store: parts.store,
        };
        let mut item =
            ImportedAccount::read(Kind::Himalaya, ctx.file, node.line(), account, parts.notes);
        item.is_default = node.opt_bool("default")?.unwrap_or(false);
        imported.accounts.push(item);
    }

    imported.sources[0].variant = (!schemas.is_empty()).then(|| {
        schemas
            .iter()
            .map(|s| s.label())
            .collect::<Vec<_>>()
            .join(", ")
    });
    Ok(imported)
}

/// A top-level table of a 0.x file that is an account rather than a
/// global option table.
fn looks_like_account(node: &Node<'_>) -> bool {
    node.entries().iter().any(|(key, _)| {
        key == "email"
            || key == "backend"
            || key.starts_with("imap")
            || key.starts_with("smtp")
            || key.starts_with("maildir")
    })
}

fn schema_of(node: &Node<'_>) -> Option<Schema> {
    let keys: Vec<String> = node.entries().into_iter().map(|(k, _)| k).collect();
    let has = |k: &str| keys.iter().any(|key| key == k);
    let dashed = keys.iter().any(|k| {
        ["imap-", "smtp-", "maildir-", "notmuch-", "sendmail-"]
            .iter()
            .any(|p| k.starts_with(p))
    });
    if node.get("backend").is_some_and(|b| b.is_table()) {
        Some(Schema::V1)
    } else if node.get("imap.server").is_some() || node.get("smtp.server").is_some() {
        Some(Schema::V2)
    } else if dashed {
        Some(Schema::Legacy)
    } else if has("backend") || has("imap") || has("smtp") || has("maildir") || has("sender") {
        Some(Schema::Beta)
    } else {
        None
    }
}
