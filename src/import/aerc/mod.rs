//! aerc's `accounts.conf`: an INI file, one `[section]` per account, with
//! the servers as URLs in `source` and `outgoing` (see [`url`]).

mod ini;
mod server;

use crate::account::{Account, Protocol, StoreFormat, StoreSettings};

use super::text::{address_in, expand_tilde, percent_decode};
use super::url;
use super::{Ctx, ImportError, Imported, ImportedAccount, Kind, Warning};

use ini::{IniSection, ini};
use server::{old_starttls, server};

/// Keys aerc knows that do not change how it connects.
const IGNORED_KEYS: &[&str] = &[
    "default",
    "aliases",
    "archive",
    "copy-to",
    "copy-to-replied",
    "strip-bcc",
    "postpone",
    "folders",
    "folders-exclude",
    "folders-sort",
    "folder-map",
    "enable-folders-sort",
    "check-mail",
    "check-mail-cmd",
    "check-mail-timeout",
    "check-mail-include",
    "check-mail-exclude",
    "cache-headers",
    "cache-state",
    "cache-blobs",
    "cache-max-age",
    "headers",
    "headers-exclude",
    "signature-file",
    "signature-cmd",
    "pgp-auto-sign",
    "pgp-key-id",
    "pgp-opportunistic-encrypt",
    "pgp-attach-key",
    "pgp-self-encrypt",
    "pgp-error-level",
    "subject-re-pattern",
    "trusted-authres",
    "send-as-utc",
    "send-with-hostname",
    "address-book-cmd",
    "outgoing-cred-cmd-cache",
    "connection-timeout",
    "keepalive-period",
    "keepalive-probes",
    "keepalive-interval",
    "idle-timeout",
    "idle-debounce",
    "reconnect-maxwait",
    "use-gmail-ext",
    "restrict-to",
    "use-envelope-from",
    "max-messages",
    "use-labels",
    "cache-dir",
    "query-map",
    "exclude",
    "use-default-labels",
    "maildir-store",
    "maildir-account-path",
    "multi-file-strategy",
    "server-ping",
];

pub(super) fn parse(text: &str, ctx: &Ctx<'_>) -> Result<Imported, ImportError> {
    let mut imported = Imported::from_file(Kind::Aerc, ctx.file);
    for section in ini(text, ctx, &mut imported)? {
        account(&section, ctx, &mut imported)?;
    }
    Ok(imported)
}

pub(super) type Notes = Vec<(usize, String)>;

fn account(
    section: &IniSection,
    ctx: &Ctx<'_>,
    imported: &mut Imported,
) -> Result<(), ImportError> {
    let mut notes: Notes = Vec::new();
    for (key, _, line) in &section.entries {
        let known = matches!(
            key.as_str(),
            "source"
                | "outgoing"
                | "source-cred-cmd"
                | "outgoing-cred-cmd"
                | "from"
                | "smtp-starttls"
        ) || IGNORED_KEYS.contains(&key.as_str())
            || key.starts_with("pgp-");
        if !known {
            notes.push((*line, format!("unknown key `{key}` skipped")));
        }
    }
    let url_at = |value: &str, line: usize| {
        url::parse(value).map_err(|m| ImportError::syntax(ctx.file, line, m))
    };

    let mut incoming = None;
    let mut store = None;
    let mut login_hint = None;
    match section.get("source") {
        None => notes.push((
            section.line,
            "no `source`: nothing to receive mail from".into(),
        )),
        Some((value, line)) => {
            let url = url_at(value, line)?;
            login_hint.clone_from(&url.user);
            match url.scheme.as_str() {
                "imap" | "imaps" => {
                    let cred = section.get("source-cred-cmd");
                    incoming = server(Protocol::Imap, &url, cred, line, &mut notes);
                }
                "maildir" | "maildirpp" | "mbox" => {
                    let path =
                        percent_decode(&url.location).unwrap_or_else(|| url.location.clone());
                    store = Some(StoreSettings {
                        path: expand_tilde(&path, ctx.home),
                        format: if url.scheme == "mbox" {
                            StoreFormat::Mbox
                        } else {
                            StoreFormat::Maildir
                        },
                    });
                }
                other => notes.push((
                    line,
                    format!("mailfix cannot check a `{other}` source; only IMAP and local stores"),
                )),
            }
        }
    }

    let mut outgoing = None;
    if let Some((value, line)) = section.get("outgoing") {
        if !value.contains("://") {
            let hint = if value
                .split_whitespace()
                .next()
                .is_some_and(|w| w.ends_with("msmtp") || w.ends_with("msmtpq"))
            {
                "; it is msmtp, so try `mailfix import --from msmtp`"
            } else {
                ""
            };
            notes.push((
                line,
                format!("mail is sent by running `{value}`, which mailfix cannot check{hint}"),
            ));
        } else {
            let url = url_at(value, line)?;
            match url.scheme.as_str() {
                "smtp" | "smtps" => {
                    let cred = section.get("outgoing-cred-cmd");
                    outgoing = server(Protocol::Smtp, &url, cred, line, &mut notes);
                    if let (Some(server), Some((starttls, line))) =
                        (outgoing.as_mut(), section.get("smtp-starttls"))
                    {
                        old_starttls(server, &url, starttls, line, &mut notes);
                    }
                }
                other => notes.push((
                    line,
                    format!("mailfix cannot check a `{other}` outgoing server"),
                )),
            }
        }
    }

    let email = section
        .get("from")
        .and_then(|(from, _)| address_in(from))
        .or_else(|| login_hint.as_deref().and_then(address_in))
        .unwrap_or_default();

    if incoming.is_none() && outgoing.is_none() && store.is_none() {
        notes.push((
            section.line,
            "skipped: nothing in it that mailfix can check".into(),
        ));
        let warnings = notes
            .into_iter()
            .map(|(line, message)| Warning::about(ctx.file, line, &section.name, message));
        imported.warnings.extend(warnings);
        return Ok(());
    }
    let account = Account {
        name: section.name.clone(),
        email,
        incoming,
        outgoing,
        store,
    };
    imported.accounts.push(ImportedAccount::read(
        Kind::Aerc,
        ctx.file,
        section.line,
        account,
        notes,
    ));
    Ok(())
}
