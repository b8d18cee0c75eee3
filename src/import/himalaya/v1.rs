//! himalaya v1: `backend.type = "imap"` with `backend.host`, `backend.port`,
//! `backend.encryption`, `backend.login`, `backend.auth.*`, and the same
//! under `message.send.backend` for SMTP.

use crate::account::{AuthMech, Protocol, ServerSettings};

use super::super::{Ctx, ImportError};
use super::Parts;
use super::common::{
    ArrayIs, OAUTH_FLOW, OAUTHBEARER, SENDMAIL, maildir, secret, server_draft, unsupported_backend,
};
use super::view::Node;

/// Keys of a v1 backend table (any type).
const BACKEND_KEYS: &[&str] = &[
    "type",
    "host",
    "port",
    "login",
    "encryption",
    "auth",
    "root-dir",
    "maildirpp",
    "db-path",
    "database-path",
    "config-path",
    "profile",
    "maildir-path",
    "extensions",
    "clients-pool-size",
    "watch",
    "cmd",
];

pub(super) fn read(account: &Node<'_>, ctx: &Ctx<'_>) -> Result<Parts, ImportError> {
    let mut parts = Parts::default();
    if let Some(backend) = account.get("backend") {
        let kind = backend.opt_str("type")?;
        match kind.as_ref().map(|(t, _)| t.as_str()) {
            Some("imap") => parts.incoming = server(&backend, Protocol::Imap, &mut parts.notes)?,
            Some("maildir") => {
                if let Some((dir, _)) = backend.opt_str("root-dir")? {
                    parts.store = Some(maildir(&dir, ctx));
                }
            }
            Some("none") => {}
            Some(other) => parts
                .notes
                .push((backend.line(), unsupported_backend(other))),
            None => parts
                .notes
                .push((backend.line(), "`backend` has no `type`".into())),
        }
        unknown_keys(&backend, &mut parts.notes);
    }
    if let Some(send) = account.get("message.send.backend") {
        match send
            .opt_str("type")?
            .as_ref()
            .map(|(t, l)| (t.as_str(), *l))
        {
            Some(("smtp", _)) => parts.outgoing = server(&send, Protocol::Smtp, &mut parts.notes)?,
            Some(("sendmail", line)) => parts.notes.push((line, SENDMAIL.into())),
            Some(("none", _)) => {}
            Some((other, line)) => parts
                .notes
                .push((line, format!("mailfix cannot check a `{other}` sender"))),
            None => parts
                .notes
                .push((send.line(), "`message.send.backend` has no `type`".into())),
        }
        unknown_keys(&send, &mut parts.notes);
    }
    Ok(parts)
}

fn unknown_keys(table: &Node<'_>, notes: &mut Vec<(usize, String)>) {
    for (key, node) in table.entries() {
        if !BACKEND_KEYS.contains(&key.as_str()) {
            notes.push((
                node.line(),
                format!("unknown key `{}` skipped", node.path()),
            ));
        }
    }
}

fn server(
    node: &Node<'_>,
    protocol: Protocol,
    notes: &mut Vec<(usize, String)>,
) -> Result<Option<ServerSettings>, ImportError> {
    let Some(mut draft) = server_draft(node, protocol, notes)? else {
        return Ok(None);
    };
    if let Some(auth) = node.get("auth") {
        let kind = auth.opt_str("type")?.map(|(t, _)| t.to_ascii_lowercase());
        match kind.as_deref() {
            Some("oauth2") => {
                draft.auth = AuthMech::Xoauth2;
                let method = auth.opt_str("method")?.map(|(m, _)| m.to_ascii_lowercase());
                if method.as_deref() == Some("oauthbearer") {
                    notes.push((auth.line(), OAUTHBEARER.into()));
                }
                notes.push((auth.line(), OAUTH_FLOW.into()));
                if let Some(token) = auth.get("access-token") {
                    draft.password = secret(&token, ArrayIs::Pipeline, notes)?;
                }
            }
            None | Some("password") | Some("passwd") => {
                let holder = auth.get("password").unwrap_or(auth);
                draft.password = secret(&holder, ArrayIs::Pipeline, notes)?;
            }
            Some(other) => notes.push((
                auth.line(),
                format!("unknown authentication type `{other}`; mailfix will pick one"),
            )),
        }
    }
    Ok(draft.build())
}
