//! himalaya 1.0-beta: `backend = "imap"` with an `imap` table (`host`,
//! `port`, `encryption`, `login`, `passwd.*` or `auth.*`), `maildir.root-dir`,
//! and `message.send.backend = "smtp"` with an `smtp` table.

use crate::account::{AuthMech, Protocol, Security, ServerSettings, StoreFormat, StoreSettings};

use super::super::draft::ServerDraft;
use super::super::text::expand_tilde;
use super::super::{Ctx, ImportError};
use super::view::Node;
use super::{ArrayIs, Parts, encryption, secret};

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
            format!("mailfix cannot check a `{other}` backend"),
        )),
    }
    if let Some((dir, _)) = account.opt_str("maildir.root-dir")? {
        parts.store = Some(StoreSettings {
            path: expand_tilde(&dir, ctx.home),
            format: StoreFormat::Maildir,
        });
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
        (Some((s, line)), _) if s == "sendmail" => parts.notes.push((
            line,
            "mail is sent by a sendmail command, which mailfix cannot check".into(),
        )),
        _ => {}
    }
    Ok(parts)
}

fn server(
    node: &Node<'_>,
    protocol: Protocol,
    notes: &mut Vec<(usize, String)>,
) -> Result<Option<ServerSettings>, ImportError> {
    let security = match node.get("encryption") {
        Some(e) => encryption(&e)?,
        None => Security::Tls,
    };
    let mut draft = ServerDraft::new(protocol, security);
    draft.host = node.opt_str("host")?.map(|(h, _)| h);
    if draft.host.is_none() {
        notes.push((node.line(), format!("`{}` has no host", node.path())));
        return Ok(None);
    }
    draft.port = node.opt_port("port")?;
    draft.username = node.opt_str("login")?.map(|(l, _)| l);
    if let Some(passwd) = node.get("passwd") {
        draft.password = secret(&passwd, ArrayIs::Pipeline, notes)?;
    } else if let Some(auth) = node.get("auth") {
        let kind = auth.opt_str("type")?.map(|(t, _)| t.to_ascii_lowercase());
        if kind.as_deref() == Some("oauth2") {
            draft.auth = AuthMech::Xoauth2;
            notes.push((
                auth.line(),
                "himalaya runs the OAuth 2.0 flow itself; mailfix needs a current access \
                 token from password_command"
                    .into(),
            ));
        } else {
            draft.password = secret(&auth, ArrayIs::Pipeline, notes)?;
        }
    }
    if let Some(insecure) = node.opt_bool("insecure")?
        && insecure
    {
        notes.push((
            node.line(),
            "himalaya skips certificate verification here; mailfix always verifies".into(),
        ));
    }
    Ok(draft.build())
}
