//! The IMAP or SMTP server of an aerc account, from its URL: the scheme
//! gives the TLS mode and the `+modifier`s the login mechanism.

use crate::account::{AuthMech, PasswordSource, Protocol, Security, ServerSettings};
use crate::secret::Secret;

use super::super::draft::ServerDraft;
use super::super::url::MailUrl;
use super::Notes;

/// An IMAP or SMTP server from its URL and the matching `*-cred-cmd`.
pub(super) fn server(
    protocol: Protocol,
    url: &MailUrl,
    cred_cmd: Option<(&str, usize)>,
    line: usize,
    notes: &mut Notes,
) -> Option<ServerSettings> {
    let implicit_tls = url.scheme.ends_with('s');
    let insecure = url.modifiers.iter().any(|m| m == "insecure");
    let security = match (implicit_tls, insecure) {
        (true, _) => Security::Tls,
        (false, true) => Security::None,
        (false, false) => Security::Starttls,
    };
    if implicit_tls && insecure {
        notes.push((
            line,
            "aerc skips certificate verification here; mailfix always verifies".into(),
        ));
    }
    let mut draft = ServerDraft::new(protocol, security);
    // aerc logs in to SMTP with PLAIN unless told otherwise.
    draft.auth = if protocol == Protocol::Smtp {
        AuthMech::Plain
    } else {
        AuthMech::Auto
    };
    for modifier in url.modifiers.iter().filter(|m| *m != "insecure") {
        draft.auth = match modifier.as_str() {
            "none" => AuthMech::None,
            "plain" => AuthMech::Plain,
            "login" => AuthMech::Login,
            "xoauth2" => AuthMech::Xoauth2,
            "oauthbearer" => {
                notes.push((
                    line,
                    "mailfix speaks XOAUTH2, not OAUTHBEARER; it will log in with XOAUTH2".into(),
                ));
                AuthMech::Xoauth2
            }
            other => {
                notes.push((
                    line,
                    format!("unknown `+{other}` in the URL scheme skipped"),
                ));
                draft.auth
            }
        };
    }
    if draft.auth == AuthMech::Xoauth2
        && url
            .query
            .as_deref()
            .is_some_and(|q| q.contains("token_endpoint"))
    {
        notes.push((
            line,
            "aerc trades the password (a refresh token) for an access token; mailfix \
             needs a current access token from password_command"
                .into(),
        ));
    }
    if url.host.is_empty() {
        notes.push((line, "the URL names no server".into()));
        return None;
    }
    draft.host = Some(url.host.clone());
    draft.port = url.port;
    draft.username.clone_from(&url.user);
    draft.password = match (&url.password, cred_cmd) {
        (Some(pw), _) => PasswordSource::Literal(Secret::new(pw.as_str())),
        (None, Some((cmd, _))) if !cmd.trim().is_empty() => PasswordSource::Command(cmd.to_owned()),
        _ => PasswordSource::Unset,
    };
    draft.build()
}

/// aerc before 0.12 sent SMTP in the clear unless `smtp-starttls = yes`.
pub(super) fn old_starttls(
    server: &mut ServerSettings,
    url: &MailUrl,
    value: &str,
    line: usize,
    notes: &mut Notes,
) {
    if url.scheme != "smtp" || url.modifiers.iter().any(|m| m == "insecure") {
        return;
    }
    let on = matches!(
        value.to_ascii_lowercase().as_str(),
        "yes" | "true" | "on" | "1"
    );
    if !on {
        server.security = Security::None;
        notes.push((
            line,
            "`smtp-starttls = no` is the old aerc way of sending without encryption \
             (today's aerc would use STARTTLS here)"
                .into(),
        ));
    }
}
