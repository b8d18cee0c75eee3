//! himalaya 1.0-beta: `backend = "imap"` with an `imap` table (`host`,
//! `port`, `encryption`, `login`, `passwd.*` or `auth.*`), `maildir.root-dir`,
//! and `message.send.backend = "smtp"` with an `smtp` table.

use crate::account::{AuthMech, Protocol, ServerSettings};

use super::super::{Ctx, ImportError};
use super::Parts;
use super::common::{
    ArrayIs, INSECURE, OAUTH_FLOW, SENDMAIL, maildir, secret, server_draft, unsupported_backend,
};
use super::view::Node;

pub(super) fn read(account: &Node<'_>, ctx: &Ctx<'_>) -> Result<Parts, ImportError> {
    let mut parts = Parts::default();
    let backend = account
        .opt_str("backend")?
        .map(|(b, _)| b.to_ascii_lowercase());
    let imap = account.get("imap").filter(|n| n.is_table());
    match (backend.as_deref(), imap) {
        (Some("imap") | None, Some(imap)) => {
            parts.incoming = server(&imap, Protocol::Imap, &mut parts.notes)?;
        }
        (Some("maildir") | Some("imap") | None, _) => {}
        (Some(other), _) => parts.notes.push((
            account.get("backend").map_or(1, |b| b.line()),
            unsupported_backend(other),
        )),
    }
    if let Some((dir, _)) = account.opt_str("maildir.root-dir")? {
        parts.store = Some(maildir(&dir, ctx));
    }

    let sender = match account
        .get("message.send.backend")
        .filter(|n| !n.is_table())
    {
        Some(node) => Some((node.string()?.to_ascii_lowercase(), node.line())),
        None => account
            .opt_str("sender")?
            .map(|(s, l)| (s.to_ascii_lowercase(), l)),
    };
    let smtp = account.get("smtp").filter(|n| n.is_table());
    match (sender, smtp) {
        (Some((s, _)), Some(smtp)) if s == "smtp" => {
            parts.outgoing = server(&smtp, Protocol::Smtp, &mut parts.notes)?;
        }
        (None, Some(smtp)) => parts.outgoing = server(&smtp, Protocol::Smtp, &mut parts.notes)?,
        (Some((s, line)), _) if s == "sendmail" => parts.notes.push((line, SENDMAIL.into())),
        _ => {}
    }
    Ok(parts)
}

fn server(
    node: &Node<'_>,
    protocol: Protocol,
    notes: &mut Vec<(usize, String)>,
) -> Result<Option<ServerSettings>, ImportError> {
    let Some(mut draft) = server_draft(node, protocol, notes)? else {
        return Ok(None);
    };
    if let Some(passwd) = node.get("passwd") {
        draft.password = secret(&passwd, ArrayIs::Pipeline, notes)?;
    } else if let Some(auth) = node.get("auth") {
        let kind = auth.opt_str("type")?.map(|(t, _)| t.to_ascii_lowercase());
        if kind.as_deref() == Some("oauth2") {
            draft.auth = AuthMech::Xoauth2;
            notes.push((auth.line(), OAUTH_FLOW.into()));
        } else {
            draft.password = secret(&auth, ArrayIs::Pipeline, notes)?;
        }
    }
    if node.opt_bool("insecure")? == Some(true) {
        notes.push((node.line(), INSECURE.into()));
    }
    Ok(draft.build())
}
