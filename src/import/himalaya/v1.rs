//! himalaya v1: `backend.type = "imap"` with `backend.host`, `backend.port`,
//! `backend.encryption`, `backend.login`, `backend.auth.*`, and the same
//! under `message.send.backend` for SMTP.

use crate::account::{AuthMech, Protocol, Security, ServerSettings, StoreFormat, StoreSettings};

use super::super::draft::ServerDraft;
use super::super::text::expand_tilde;
use super::super::{Ctx, ImportError};
use super::view::Node;
use super::{ArrayIs, Parts, encryption, secret};

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
                    parts.store = Some(StoreSettings {
                        path: expand_tilde(&dir, ctx.home),
                        format: StoreFormat::Maildir,
                    });
                }
            }
            Some("none") => {}
            Some(other) => parts.notes.push((
                backend.line(),
                format!("mailfix cannot check a `{other}` backend"),
            )),
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
            Some(("sendmail", line)) => parts.notes.push((
                line,
                "mail is sent by a sendmail command, which mailfix cannot check".into(),
            )),
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

pub(super) fn server(
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
    if let Some(auth) = node.get("auth") {
        let kind = auth.opt_str("type")?.map(|(t, _)| t.to_ascii_lowercase());
        match kind.as_deref() {
            Some("oauth2") => {
                draft.auth = match auth.opt_str("method")?.map(|(m, _)| m.to_ascii_lowercase()) {
                    Some(m) if m == "oauthbearer" => {
                        notes.push((
                            auth.line(),
                            "mailfix speaks XOAUTH2, not OAUTHBEARER; it will log in with XOAUTH2"
                                .into(),
                        ));
                        AuthMech::Xoauth2
                    }
                    _ => AuthMech::Xoauth2,
                };
                notes.push((
                    auth.line(),
                    "himalaya runs the OAuth 2.0 flow itself; mailfix needs a current access \
                     token from password_command"
                        .into(),
                ));
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
