//! himalaya 0.x: an account is a top-level table with dashed keys:
//! `imap-host`, `imap-port`, `imap-ssl` (default true), `imap-starttls`
//! (default false), `imap-insecure`, `imap-login`, `imap-passwd-cmd` (0.5 –
//! 0.7) or `imap-passwd = { cmd | raw | keyring }` (0.8+), `imap-auth`, the
//! same with `smtp-`, `backend` and `sender`, `maildir-root-dir`.

use crate::account::{AuthMech, PasswordSource, Protocol, Security, ServerSettings};

use super::super::draft::ServerDraft;
use super::super::{Ctx, ImportError};
use super::Parts;
use super::common::{
    ArrayIs, INSECURE, OAUTH_FLOW, SENDMAIL, command, maildir, secret, unsupported_backend,
};
use super::view::Node;

pub(super) fn read(account: &Node<'_>, ctx: &Ctx<'_>) -> Result<Parts, ImportError> {
    let mut parts = Parts::default();
    let backend = account.opt_str("backend")?;
    match backend.as_ref().map(|(b, l)| (b.to_ascii_lowercase(), *l)) {
        None => parts.incoming = server(account, Protocol::Imap, &mut parts.notes)?,
        Some((b, _)) if b == "imap" => {
            parts.incoming = server(account, Protocol::Imap, &mut parts.notes)?
        }
        Some((b, _)) if b == "maildir" => {}
        Some((other, line)) => parts.notes.push((line, unsupported_backend(&other))),
    }
    if let Some((dir, _)) = account.opt_str("maildir-root-dir")? {
        parts.store = Some(maildir(&dir, ctx));
    }
    match account
        .opt_str("sender")?
        .map(|(s, l)| (s.to_ascii_lowercase(), l))
    {
        None => parts.outgoing = server(account, Protocol::Smtp, &mut parts.notes)?,
        Some((s, _)) if s == "smtp" => {
            parts.outgoing = server(account, Protocol::Smtp, &mut parts.notes)?
        }
        Some((s, line)) if s == "sendmail" => parts.notes.push((line, SENDMAIL.into())),
        Some(_) => {}
    }
    Ok(parts)
}

/// The `imap-*` or `smtp-*` keys of the account table.
fn server(
    account: &Node<'_>,
    protocol: Protocol,
    notes: &mut Vec<(usize, String)>,
) -> Result<Option<ServerSettings>, ImportError> {
    let p = protocol.as_str();
    let key = |name: &str| format!("{p}-{name}");
    let Some((host, _)) = account.opt_str(&key("host"))? else {
        return Ok(None);
    };
    let ssl = account.opt_bool(&key("ssl"))?.unwrap_or(true);
    let starttls = account.opt_bool(&key("starttls"))?.unwrap_or(false);
    let security = match (ssl, starttls) {
        (false, _) => Security::None,
        (true, true) => Security::Starttls,
        (true, false) => Security::Tls,
    };
    let mut draft = ServerDraft::new(protocol, security);
    draft.host = Some(host);
    draft.port = account.opt_port(&key("port"))?;
    draft.username = account.opt_str(&key("login"))?.map(|(l, _)| l);
    if let Some(cmd) = account.get(&key("passwd-cmd")) {
        draft.password = PasswordSource::Command(command(&cmd, ArrayIs::Pipeline)?);
    } else if let Some(passwd) = account.get(&key("passwd")) {
        draft.password = secret(&passwd, ArrayIs::Pipeline, notes)?;
    }
    if let Some((auth, line)) = account.opt_str(&key("auth"))?
        && auth.eq_ignore_ascii_case("oauth2")
    {
        draft.auth = AuthMech::Xoauth2;
        notes.push((line, OAUTH_FLOW.into()));
    }
    if account.opt_bool(&key("insecure"))? == Some(true) {
        let line = account.get(&key("insecure")).map_or(1, |n| n.line());
        notes.push((line, INSECURE.into()));
    }
    Ok(draft.build())
}
