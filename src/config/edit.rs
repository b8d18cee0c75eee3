//! Changing the settings of one account inside an existing config text,
//! keeping its comments, order and layout (toml_edit). Pure: text in, text
//! out; [`super::write`] puts the result on disk.
//!
//! Only what differs is touched, so an untouched setting keeps its exact
//! spelling and trailing comment. Password keys are never written here.

use std::path::Path;

use thiserror::Error;
use toml_edit::{DocumentMut, InlineTable, Item, Table, TableLike, Value};

use crate::account::{Account, AuthMech, Protocol, ServerSettings, Service, StoreSettings};

use super::error::one_line;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum EditError {
    #[error("the config is not valid TOML: {0}")]
    Syntax(String),
    #[error("the config has no account named '{0}'")]
    NoSuchAccount(String),
    #[error(
        "the config's '{0}' is not laid out as mailfix expects (a list of [[accounts]] tables)"
    )]
    Layout(String),
    #[error("the store has no server settings: use update_account")]
    NotAServer,
    #[error("{}: {reason}", path.display())]
    Io {
        path: std::path::PathBuf,
        reason: String,
    },
    /// The edited text would not load again (kept from being written).
    #[error("the changed config would not load: {0}")]
    Invalid(String),
}

/// Set the `service` server of account `account` to `server`. `email` is
/// the account's address (a user name equal to it is not written).
pub fn update_server(
    text: &str,
    account: &str,
    service: Service,
    server: &ServerSettings,
    email: &str,
) -> Result<String, EditError> {
    if service == Service::Store {
        return Err(EditError::NotAServer);
    }
    let mut doc = parse(text)?;
    let (table, inline) = find_account(&mut doc, account)?;
    write_server(table, inline, service, server, email)?;
    Ok(doc.to_string())
}

/// Write `account` over the one named `original_name`: name, e-mail, and
/// every server and store it has. A server the account does not have is
/// left in the file as it is.
pub fn update_account(
    text: &str,
    original_name: &str,
    account: &Account,
) -> Result<String, EditError> {
    let mut doc = parse(text)?;
    let (table, inline) = find_account(&mut doc, original_name)?;
    set_str(table, "name", &account.name, true);
    set_str(table, "email", &account.email, true);
    for service in [Service::Incoming, Service::Outgoing] {
        if let Some(server) = account.server(service) {
            write_server(table, inline, service, server, &account.email)?;
        }
    }
    if let Some(store) = &account.store {
        write_store(table, inline, store)?;
    }
    Ok(doc.to_string())
}

fn parse(text: &str) -> Result<DocumentMut, EditError> {
    text.parse::<DocumentMut>()
        .map_err(|e| EditError::Syntax(one_line(e.message())))
}

/// The account's table, and whether it is an inline table.
fn find_account<'d>(
    doc: &'d mut DocumentMut,
    name: &str,
) -> Result<(&'d mut dyn TableLike, bool), EditError> {
    let is_named =
        |t: &dyn TableLike| t.get("name").and_then(Item::as_str).map(str::trim) == Some(name);
    match doc.get_mut("accounts") {
        Some(Item::ArrayOfTables(list)) => list
            .iter_mut()
            .find(|t| is_named(*t))
            .map(|t| (t as &mut dyn TableLike, false))
            .ok_or_else(|| EditError::NoSuchAccount(name.to_string())),
        Some(Item::Value(Value::Array(list))) => list
            .iter_mut()
            .filter_map(Value::as_inline_table_mut)
            .find(|t| is_named(*t))
            .map(|t| (t as &mut dyn TableLike, true))
            .ok_or_else(|| EditError::NoSuchAccount(name.to_string())),
        Some(_) => Err(EditError::Layout("accounts".into())),
        None => Err(EditError::NoSuchAccount(name.to_string())),
    }
}

/// The sub-table `key` of `parent`, created as `[accounts.KEY]` (or an
/// inline table inside an inline account) when missing.
fn child<'t>(
    parent: &'t mut dyn TableLike,
    inline: bool,
    key: &str,
) -> Result<&'t mut dyn TableLike, EditError> {
    if !parent.contains_key(key) {
        let item = if inline {
            Item::Value(Value::InlineTable(InlineTable::new()))
        } else {
            Item::Table(Table::new())
        };
        parent.insert(key, item);
    }
    parent
        .get_mut(key)
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| EditError::Layout(key.to_string()))
}

fn write_server(
    account: &mut dyn TableLike,
    inline: bool,
    service: Service,
    server: &ServerSettings,
    email: &str,
) -> Result<(), EditError> {
    let table = child(account, inline, service.as_str())?;
    let outgoing = service == Service::Outgoing;
    set_str(
        table,
        "protocol",
        server.protocol.as_str(),
        !outgoing || server.protocol != Protocol::Smtp,
    );
    set_str(table, "host", &server.host, true);
    if server.port_explicit {
        set_int(table, "port", i64::from(server.port));
    } else {
        table.remove("port");
    }
    let implied =
        super::server::infer_security(server.protocol, server.port_explicit.then_some(server.port));
    set_str(
        table,
        "security",
        server.security.as_str(),
        server.security != implied,
    );
    set_str(
        table,
        "auth",
        server.auth.as_str(),
        server.auth != AuthMech::Auto,
    );
    set_str(
        table,
        "username",
        &server.username,
        server.username != email,
    );
    match &server.ca_file {
        Some(path) => set_path(table, "ca_file", path),
        None => {
            table.remove("ca_file");
        }
    }
    set_bool(
        table,
        "allow_plaintext_auth",
        server.allow_plaintext_auth,
        server.allow_plaintext_auth,
    );
    match &server.relay_probe_rcpt {
        Some(rcpt) if outgoing => set_str(table, "relay_probe_rcpt", rcpt, true),
        _ => {
            table.remove("relay_probe_rcpt");
        }
    }
    Ok(())
}

fn write_store(
    account: &mut dyn TableLike,
    inline: bool,
    store: &StoreSettings,
) -> Result<(), EditError> {
    let table = child(account, inline, "store")?;
    set_path(table, "path", &store.path);
    set_str(table, "format", store.format.as_str(), true);
    Ok(())
}

/// Replace the value of `key` keeping its comment and spacing; add the
/// key only when `add` (a default need not be written out).
fn set(table: &mut dyn TableLike, key: &str, mut new: Value, add: bool) {
    match table.get_mut(key) {
        Some(Item::Value(old)) => {
            *new.decor_mut() = old.decor().clone();
            *old = new;
        }
        Some(item) => *item = Item::Value(new),
        None if add => {
            table.insert(key, Item::Value(new));
        }
        None => {}
    }
}

fn set_str(table: &mut dyn TableLike, key: &str, value: &str, add: bool) {
    let same = table
        .get(key)
        .and_then(Item::as_str)
        .is_some_and(|old| old.trim().eq_ignore_ascii_case(value));
    if !same {
        set(table, key, Value::from(value), add);
    }
}

fn set_int(table: &mut dyn TableLike, key: &str, value: i64) {
    if table.get(key).and_then(Item::as_integer) != Some(value) {
        set(table, key, Value::from(value), true);
    }
}

fn set_bool(table: &mut dyn TableLike, key: &str, value: bool, add: bool) {
    if table.get(key).and_then(Item::as_bool) != Some(value) {
        set(table, key, Value::from(value), add);
    }
}

/// A path is left alone when the written one (`~/Mail`, or one relative
/// to the config's folder) already means it.
fn set_path(table: &mut dyn TableLike, key: &str, path: &Path) {
    let home = super::paths::home();
    let same = table.get(key).and_then(Item::as_str).is_some_and(|old| {
        let old = old.trim();
        match super::paths::expand(old, Path::new("/"), home.as_deref()) {
            Ok(expanded) if Path::new(old).is_relative() && !old.starts_with('~') => {
                path.ends_with(old) || expanded == path
            }
            Ok(expanded) => expanded == path,
            Err(_) => false,
        }
    });
    if !same {
        set(
            table,
            key,
            Value::from(path.to_string_lossy().as_ref()),
            true,
        );
    }
}
