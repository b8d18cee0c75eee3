//! What the readers of the schemas share: the notes they give, and how
//! himalaya writes commands, secrets, encryption, Maildir roots and the
//! server tables of 1.0-beta and v1.

use crate::account::{PasswordSource, Protocol, Security, StoreFormat, StoreSettings};
use crate::secret::Secret;

use super::super::draft::ServerDraft;
use super::super::text::{expand_tilde, shell_join};
use super::super::{Ctx, ImportError};
use super::view::Node;

/// Said where himalaya logs in with OAuth 2.0.
pub(super) const OAUTH_FLOW: &str = "himalaya runs the OAuth 2.0 flow itself; mailfix needs a current access \
                          token from password_command";
/// Said where himalaya would log in with OAUTHBEARER.
pub(super) const OAUTHBEARER: &str =
    "mailfix speaks XOAUTH2, not OAUTHBEARER; it will log in with XOAUTH2";
/// Said where himalaya sends with a command.
pub(super) const SENDMAIL: &str = "mail is sent by a sendmail command, which mailfix cannot check";
/// Said where himalaya skips certificate checks.
pub(super) const INSECURE: &str =
    "himalaya skips certificate verification here; mailfix always verifies";

/// Said about a backend mailfix cannot check.
pub(super) fn unsupported_backend(backend: &str) -> String {
    format!("mailfix cannot check a `{backend}` backend")
}

/// A Maildir store at `dir` (`~` expanded).
pub(super) fn maildir(dir: &str, ctx: &Ctx<'_>) -> StoreSettings {
    StoreSettings {
        path: expand_tilde(dir, ctx.home),
        format: StoreFormat::Maildir,
    }
}

/// What the 1.0-beta and v1 server tables share: `encryption` (TLS
/// when absent), `host` (noted and `None` when absent), `port` and
/// `login`.
pub(super) fn server_draft(
    node: &Node<'_>,
    protocol: Protocol,
    notes: &mut Vec<(usize, String)>,
) -> Result<Option<ServerDraft>, ImportError> {
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
    Ok(Some(draft))
}

/// How himalaya reads an array where a command is expected.
#[derive(Clone, Copy)]
pub(super) enum ArrayIs {
    /// 0.8 – v1: each string is a command, piped into the next.
    Pipeline,
    /// v2: the program and its arguments.
    Argv,
}

/// A command written as a string or an array of strings.
pub(super) fn command(node: &Node<'_>, array: ArrayIs) -> Result<String, ImportError> {
    if let Some(s) = node.as_str() {
        return Ok(s.to_owned());
    }
    let parts = node
        .strings()
        .ok_or_else(|| node.error("should be a command (a string or a list of strings)"))?;
    Ok(match array {
        ArrayIs::Pipeline => parts.join(" | "),
        ArrayIs::Argv => shell_join(&parts),
    })
}

/// A secret as himalaya writes it: `{ raw = … }`, `{ cmd = … }` (or
/// `command`), `{ keyring = … }`; a bare string counts as `raw`.
pub(super) fn secret(
    node: &Node<'_>,
    array: ArrayIs,
    notes: &mut Vec<(usize, String)>,
) -> Result<PasswordSource, ImportError> {
    if let Some(raw) = node.as_str() {
        return Ok(PasswordSource::Literal(Secret::new(raw)));
    }
    for key in ["cmd", "command"] {
        if let Some(cmd) = node.get(key) {
            return Ok(PasswordSource::Command(command(&cmd, array)?));
        }
    }
    if let Some(raw) = node.get("raw") {
        return Ok(PasswordSource::Literal(Secret::new(raw.string()?)));
    }
    if let Some(entry) = node.get("keyring") {
        notes.push((
            entry.line(),
            format!(
                "the secret is in the system keyring (entry `{}`), which mailfix does not \
                 read; set password_command (for example `secret-tool lookup …`)",
                entry.as_str().unwrap_or("?")
            ),
        ));
    }
    Ok(PasswordSource::Unset)
}

/// `"tls" | "start-tls" | "none"`, `true | false`, or `{ type = … }`.
pub(super) fn encryption(node: &Node<'_>) -> Result<Security, ImportError> {
    if let Ok(on) = node.bool() {
        return Ok(if on { Security::Tls } else { Security::None });
    }
    let value = match node.get("type") {
        Some(t) => t,
        None => node.clone(),
    };
    match value.string()?.to_ascii_lowercase().as_str() {
        "tls" | "ssl" => Ok(Security::Tls),
        "start-tls" | "starttls" | "start_tls" => Ok(Security::Starttls),
        "none" | "" => Ok(Security::None),
        other => Err(value.error(format!("= {other:?} is not tls, start-tls or none"))),
    }
}
