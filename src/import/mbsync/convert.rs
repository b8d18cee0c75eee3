//! From mbsync's sections to mailfix accounts: an `IMAPAccount` (or an
//! `IMAPStore` with its own `Host`) is the incoming server; a `Channel`
//! linking one of its stores with a `MaildirStore` gives the local store.

use std::path::PathBuf;

use crate::account::{Account, StoreFormat, StoreSettings};

use super::super::text::{address_in, expand_tilde};
use super::super::{Ctx, ImportError, Imported, ImportedAccount, Kind, Warning};
use super::keys::warn_unknown;
use super::server::server;
use super::{Directive, Section, SectionKind};

/// A channel's two ends, by store name.
struct Link<'a> {
    ends: Vec<&'a str>,
}

pub(super) fn accounts(
    sections: &[Section],
    ctx: &Ctx<'_>,
    imported: &mut Imported,
) -> Result<(), ImportError> {
    let find =
        |kind: SectionKind, name: &str| sections.iter().find(|s| s.kind == kind && s.name == name);
    let mut links = Vec::new();
    for section in sections {
        warn_unknown(section, ctx, imported);
        match section.kind {
            SectionKind::ImapStore => {
                if let Some(account) = section.get("account")
                    && find(SectionKind::ImapAccount, account.value()).is_none()
                {
                    return Err(ImportError::syntax(
                        ctx.file,
                        account.line,
                        format!(
                            "IMAPStore {}: no IMAPAccount named `{}`",
                            section.name,
                            account.value()
                        ),
                    ));
                }
            }
            SectionKind::Channel => {
                let mut ends = Vec::new();
                for d in section
                    .items
                    .iter()
                    .filter(|d| matches!(d.lower.as_str(), "far" | "near" | "master" | "slave"))
                {
                    let store = store_of(d).ok_or_else(|| {
                        ImportError::syntax(
                            ctx.file,
                            d.line,
                            format!(
                                "`{} {}` is not of the form :STORE:[MAILBOX]",
                                d.key,
                                d.value()
                            ),
                        )
                    })?;
                    if find(SectionKind::ImapStore, store).is_none()
                        && find(SectionKind::MaildirStore, store).is_none()
                    {
                        return Err(ImportError::syntax(
                            ctx.file,
                            d.line,
                            format!("Channel {}: no store named `{store}`", section.name),
                        ));
                    }
                    ends.push(store);
                }
                links.push(Link { ends });
            }
            _ => {}
        }
    }

    for section in sections {
        let stores: Vec<&str> = match section.kind {
            SectionKind::ImapAccount => sections
                .iter()
                .filter(|s| {
                    s.kind == SectionKind::ImapStore
                        && s.get("account").is_some_and(|a| a.value() == section.name)
                })
                .map(|s| s.name.as_str())
                .collect(),
            SectionKind::ImapStore if section.get("account").is_none() => {
                if section.get("host").is_none() && section.get("tunnel").is_none() {
                    imported.warn(
                        ctx.file,
                        Some(section.line),
                        format!(
                            "IMAPStore {} names neither an Account nor a Host; skipped",
                            section.name
                        ),
                    );
                    continue;
                }
                vec![section.name.as_str()]
            }
            _ => continue,
        };
        let mut notes = Vec::new();
        let Some(incoming) = server(section, ctx, &mut notes)? else {
            imported.warnings.push(Warning::about(
                ctx.file,
                section.line,
                &section.name,
                "skipped: it has no `Host` (a `Tunnel` cannot be checked)",
            ));
            continue;
        };
        let account = Account {
            name: section.name.clone(),
            email: address_in(&incoming.username).unwrap_or_default(),
            incoming: Some(incoming),
            outgoing: None,
            store: local_store(&stores, &links, sections, ctx),
        };
        imported.accounts.push(ImportedAccount::read(
            Kind::Mbsync,
            ctx.file,
            section.line,
            account,
            notes,
        ));
    }
    Ok(())
}

/// `:name:` or `:name:mailbox` → `name`.
fn store_of(d: &Directive) -> Option<&str> {
    let rest = d.value().strip_prefix(':')?;
    let (name, _mailbox) = rest.split_once(':')?;
    (!name.is_empty()).then_some(name)
}

/// mbsync keeps a Maildir store's INBOX here unless `Inbox` says otherwise.
const DEFAULT_INBOX: &str = "~/Maildir";

/// The Maildir a channel links to one of `stores`: the local store's
/// INBOX, where new mail lands. That is `Inbox` (mbsync's default
/// `~/Maildir` without it), not `Path`: `Path` is where the other folders
/// go, and with `SubFolders Verbatim` or `Legacy` it is no Maildir itself.
fn local_store(
    stores: &[&str],
    links: &[Link<'_>],
    sections: &[Section],
    ctx: &Ctx<'_>,
) -> Option<StoreSettings> {
    links
        .iter()
        .filter(|l| l.ends.iter().any(|e| stores.contains(e)))
        .flat_map(|l| l.ends.iter())
        .find_map(|end| {
            let maildir = sections
                .iter()
                .find(|s| s.kind == SectionKind::MaildirStore && s.name == *end)?;
            let inbox = maildir.get("inbox").map_or(DEFAULT_INBOX, |d| d.value());
            let path: PathBuf = expand_tilde(inbox, ctx.home);
            Some(StoreSettings {
                path,
                format: StoreFormat::Maildir,
            })
        })
}
