//! himalaya v2: `imap.server` / `smtp.server` (a bare `host[:port]` meaning
//! implicit TLS, or an `imap://`, `imaps://`, `smtp://`, `smtps://` URL),
//! `*.starttls`, `*.tls.cert`, and one SASL mechanism under `*.sasl.<mech>`
//! with `username` and `password`/`token` as `raw` or `command`.

use crate::account::{AuthMech, PasswordSource, Protocol, Security, ServerSettings};

use super::super::draft::ServerDraft;
use super::super::text::{address_in, expand_tilde};
use super::super::url;
use super::super::{Ctx, ImportError};
use super::Parts;
use super::common::{ArrayIs, OAUTHBEARER, maildir, secret};
use super::view::Node;

pub(super) fn read(account: &Node<'_>, ctx: &Ctx<'_>) -> Result<Parts, ImportError> {
    let mut parts = Parts::default();
    if let Some(imap) = account.get("imap") {
        parts.incoming = server(&imap, Protocol::Imap, ctx, &mut parts.notes)?;
    }
    if let Some(smtp) = account.get("smtp") {
        parts.outgoing = server(&smtp, Protocol::Smtp, ctx, &mut parts.notes)?;
    }
    if let Some((root, _)) = account.opt_str("maildir.root")? {
        parts.store = Some(maildir(&root, ctx));
    }
    for other in ["jmap", "gmail", "msgraph", "pimdir"] {
        if let Some(node) = account.get(other) {
            parts.notes.push((
                node.line(),
                format!("mailfix cannot check the `{other}` backend; only IMAP, SMTP and Maildir"),
            ));
        }
    }
    parts.email = [&parts.incoming, &parts.outgoing]
        .into_iter()
        .flatten()
        .find_map(|s| address_in(&s.username));
    Ok(parts)
}

fn server(
    node: &Node<'_>,
    protocol: Protocol,
    ctx: &Ctx<'_>,
    notes: &mut Vec<(usize, String)>,
) -> Result<Option<ServerSettings>, ImportError> {
    let Some(server) = node.get("server") else {
        return Ok(None);
    };
    let written = server.string()?;
    let plain = protocol.as_str();
    let secure = format!("{plain}s");
    let full = if written.contains("://") {
        written.to_owned()
    } else {
        format!("{secure}://{written}")
    };
    let parsed = url::parse(&full).map_err(|m| server.error(m))?;
    let starttls = node.opt_bool("starttls")?.unwrap_or(false);
    let security = if parsed.scheme == secure {
        Security::Tls
    } else if parsed.scheme == plain {
        if starttls {
            Security::Starttls
        } else {
            Security::None
        }
    } else {
        return Err(server.error(format!("should start with {plain}:// or {secure}://")));
    };

    let mut draft = ServerDraft::new(protocol, security);
    draft.host = Some(parsed.host).filter(|h| !h.is_empty());
    draft.port = parsed.port;
    draft.ca_file = node
        .opt_str("tls.cert")?
        .map(|(cert, _)| expand_tilde(&cert, ctx.home));

    match node
        .get("sasl")
        .map(|s| s.entries())
        .unwrap_or_default()
        .first()
    {
        None => {
            draft.auth = AuthMech::None;
            if protocol == Protocol::Imap {
                notes.push((
                    node.line(),
                    "no `imap.sasl` mechanism: himalaya does not log in to IMAP; mailfix \
                     will try the best mechanism the server offers"
                        .into(),
                ));
                draft.auth = AuthMech::Auto;
            }
        }
        Some((mech, sasl)) => {
            draft.auth = match mech.as_str() {
                "plain" => AuthMech::Plain,
                "login" => AuthMech::Login,
                "xoauth2" => AuthMech::Xoauth2,
                "oauthbearer" => {
                    notes.push((sasl.line(), OAUTHBEARER.into()));
                    AuthMech::Xoauth2
                }
                other => {
                    notes.push((
                        sasl.line(),
                        format!("mailfix does not speak `{other}`; it will use the best mechanism the server offers"),
                    ));
                    AuthMech::Auto
                }
            };
            draft.username = sasl.opt_str("username")?.map(|(u, _)| u);
            draft.password = match sasl.get("password").or_else(|| sasl.get("token")) {
                Some(holder) => secret(&holder, ArrayIs::Argv, notes)?,
                None => PasswordSource::Unset,
            };
        }
    }
    Ok(draft.build())
}
