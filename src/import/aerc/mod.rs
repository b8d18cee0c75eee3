//! aerc's `accounts.conf`: an INI file, one `[section]` per account, with
//! the servers as URLs in `source` and `outgoing` (see [`url`]).

use crate::account::{
    Account, AuthMech, PasswordSource, Protocol, Security, ServerSettings, StoreFormat,
    StoreSettings,
};
use crate::secret::Secret;

use super::draft::ServerDraft;
use super::text::{address_in, expand_tilde, percent_decode};
use super::{Ctx, ImportError, Imported, ImportedAccount, Kind, Origin, Source, Warning};

use super::url::{self, MailUrl};

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

struct IniSection {
    name: String,
    line: usize,
    /// (key lowercased, value, line), in file order.
    entries: Vec<(String, String, usize)>,
}

impl IniSection {
    fn get(&self, key: &str) -> Option<(&str, usize)> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _, _)| k == key)
            .map(|(_, v, line)| (v.as_str(), *line))
    }
}

pub(super) fn parse(text: &str, ctx: &Ctx<'_>) -> Result<Imported, ImportError> {
    let mut imported = Imported {
        sources: vec![Source {
            kind: Kind::Aerc,
            file: ctx.file.to_path_buf(),
            variant: None,
        }],
        ..Imported::default()
    };
    for section in ini(text, ctx, &mut imported)? {
        account(&section, ctx, &mut imported)?;
    }
    Ok(imported)
}

fn ini(text: &str, ctx: &Ctx<'_>, imported: &mut Imported) -> Result<Vec<IniSection>, ImportError> {
    let mut sections: Vec<IniSection> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix('[') {
            let name = rest.strip_suffix(']').ok_or_else(|| {
                ImportError::syntax(
                    ctx.file,
                    line,
                    "the section name is missing its closing `]`",
                )
            })?;
            sections.push(IniSection {
                name: name.trim().to_owned(),
                line,
                entries: Vec::new(),
            });
            continue;
        }
        let (key, value) = trimmed.split_once('=').ok_or_else(|| {
            ImportError::syntax(ctx.file, line, "expected `key = value` or `[account]`")
        })?;
        let key = key.trim().to_ascii_lowercase();
        match sections.last_mut() {
            Some(section) => section.entries.push((key, ini_value(value), line)),
            None => imported.warn(
                ctx.file,
                Some(line),
                format!("`{key}` is outside any [account] section; skipped"),
            ),
        }
    }
    Ok(sections)
}

/// A value: trimmed, one pair of enclosing quotes removed, else a comment
/// started by ` #` or ` ;` dropped.
fn ini_value(raw: &str) -> String {
    let v = raw.trim();
    for quote in ['"', '`'] {
        if let Some(rest) = v.strip_prefix(quote)
            && let Some(end) = rest.find(quote)
        {
            return rest[..end].to_owned();
        }
    }
    let mut after_blank = false;
    for (i, c) in v.char_indices() {
        if after_blank && (c == '#' || c == ';') {
            return v[..i].trim_end().to_owned();
        }
        after_blank = c.is_whitespace();
    }
    v.to_owned()
}

type Notes = Vec<(usize, String)>;

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

    let skipped = incoming.is_none() && outgoing.is_none() && store.is_none();
    if skipped {
        notes.push((
            section.line,
            "skipped: nothing in it that mailfix can check".into(),
        ));
    }
    let warnings: Vec<Warning> = notes
        .into_iter()
        .map(|(line, message)| Warning {
            file: ctx.file.to_path_buf(),
            line: Some(line),
            account: Some(section.name.clone()),
            message,
        })
        .collect();
    if skipped {
        imported.warnings.extend(warnings);
        return Ok(());
    }
    imported.accounts.push(ImportedAccount {
        account: Account {
            name: section.name.clone(),
            email,
            incoming,
            outgoing,
            store,
        },
        origins: vec![Origin {
            kind: Kind::Aerc,
            file: ctx.file.to_path_buf(),
            line: Some(section.line),
            name: section.name.clone(),
        }],
        aliases: Vec::new(),
        is_default: false,
        warnings,
    });
    Ok(())
}

/// An IMAP or SMTP server from its URL and the matching `*-cred-cmd`.
fn server(
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
fn old_starttls(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert_eq!(ini_value("  imaps://host  "), "imaps://host");
        assert_eq!(ini_value("\"pass show x # y\" ignored"), "pass show x # y");
        assert_eq!(ini_value("pass show mail # the password"), "pass show mail");
        assert_eq!(ini_value("imaps://u:a#b@host"), "imaps://u:a#b@host");
        assert_eq!(ini_value("\"unclosed"), "\"unclosed");
        assert_eq!(ini_value(""), "");
    }
}
