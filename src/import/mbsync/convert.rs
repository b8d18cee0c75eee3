//! From mbsync's sections to mailfix accounts: an `IMAPAccount` (or an
//! `IMAPStore` with its own `Host`) is the incoming server; a `Channel`
//! linking one of its stores with a `MaildirStore` gives the local store.

use std::path::PathBuf;

use crate::account::{
    Account, AuthMech, PasswordSource, Protocol, Security, StoreFormat, StoreSettings,
};
use crate::secret::Secret;

use super::super::draft::ServerDraft;
use super::super::text::{address_in, expand_tilde, parse_port};
use super::super::{Ctx, ImportError, Imported, ImportedAccount, Kind, Origin, Warning};
use super::{Directive, Section, SectionKind};

const ACCOUNT_KEYS: &[&str] = &[
    "host",
    "port",
    "timeout",
    "user",
    "usercmd",
    "pass",
    "passcmd",
    "usekeychain",
    "tunnel",
    "authmechs",
    "authmech",
    "tlstype",
    "ssltype",
    "tlsversions",
    "sslversions",
    "systemcertificates",
    "certificatefile",
    "clientcertificate",
    "clientkey",
    "cipherstring",
    "pipelinedepth",
    "disableextension",
    "disableextensions",
    "requiressl",
    "useimaps",
    "usesslv2",
    "usesslv3",
    "usetlsv1",
    "usetlsv1.1",
    "usetlsv1.2",
    "usetlsv1.3",
    "requirecram",
];
const STORE_KEYS: &[&str] = &[
    "path",
    "mapinbox",
    "trash",
    "trashnewonly",
    "trashremotenew",
    "maxsize",
    "flatten",
];
const IMAP_STORE_KEYS: &[&str] = &["account", "usenamespace", "pathdelimiter", "subscribedonly"];
const MAILDIR_KEYS: &[&str] = &["inbox", "subfolders", "altmap", "infodelimiter"];
const CHANNEL_KEYS: &[&str] = &[
    "far",
    "near",
    "master",
    "slave",
    "pattern",
    "patterns",
    "sync",
    "create",
    "remove",
    "expunge",
    "expungesolo",
    "copyarrivaldate",
    "syncstate",
    "maxmessages",
    "expireunread",
    "expiresidebar",
    "maxsize",
];
const GROUP_KEYS: &[&str] = &["channel", "channels"];

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
            imported.warnings.push(Warning {
                file: ctx.file.to_path_buf(),
                line: Some(section.line),
                account: Some(section.name.clone()),
                message: "skipped: it has no `Host` (a `Tunnel` cannot be checked)".into(),
            });
            continue;
        };
        let store = local_store(&stores, &links, sections, ctx);
        let email = address_in(&incoming.username).unwrap_or_default();
        imported.accounts.push(ImportedAccount {
            account: Account {
                name: section.name.clone(),
                email,
                incoming: Some(incoming),
                outgoing: None,
                store,
            },
            origins: vec![Origin {
                kind: Kind::Mbsync,
                file: ctx.file.to_path_buf(),
                line: Some(section.line),
                name: section.name.clone(),
            }],
            aliases: Vec::new(),
            is_default: false,
            warnings: notes
                .into_iter()
                .map(|(line, message)| Warning {
                    file: ctx.file.to_path_buf(),
                    line: Some(line),
                    account: Some(section.name.clone()),
                    message,
                })
                .collect(),
        });
    }
    Ok(())
}

/// `:name:` or `:name:mailbox` → `name`.
fn store_of(d: &Directive) -> Option<&str> {
    let rest = d.value().strip_prefix(':')?;
    let (name, _mailbox) = rest.split_once(':')?;
    (!name.is_empty()).then_some(name)
}

fn warn_unknown(section: &Section, ctx: &Ctx<'_>, imported: &mut Imported) {
    let allowed: &[&[&str]] = match section.kind {
        SectionKind::ImapAccount => &[ACCOUNT_KEYS],
        SectionKind::ImapStore => &[ACCOUNT_KEYS, STORE_KEYS, IMAP_STORE_KEYS],
        SectionKind::MaildirStore => &[STORE_KEYS, MAILDIR_KEYS],
        SectionKind::Channel => &[CHANNEL_KEYS],
        SectionKind::Group => &[GROUP_KEYS],
    };
    for d in &section.items {
        if !allowed.iter().any(|keys| keys.contains(&d.lower.as_str())) {
            imported.warn(
                ctx.file,
                Some(d.line),
                format!("`{}` is not an option of {}; skipped", d.key, section.name),
            );
        }
    }
}

fn parse_bool(d: &Directive, ctx: &Ctx<'_>) -> Result<bool, ImportError> {
    match d.value().to_ascii_lowercase().as_str() {
        "yes" | "true" | "on" | "1" => Ok(true),
        "no" | "false" | "off" | "0" => Ok(false),
        _ => Err(ImportError::syntax(
            ctx.file,
            d.line,
            format!("`{}` takes yes or no, not `{}`", d.key, d.value()),
        )),
    }
}

/// The IMAP server of an `IMAPAccount` (or of an `IMAPStore` that holds the
/// account options itself). `None` without a host.
fn server(
    s: &Section,
    ctx: &Ctx<'_>,
    notes: &mut Vec<(usize, String)>,
) -> Result<Option<crate::account::ServerSettings>, ImportError> {
    let bad = |d: &Directive, what: &str| {
        ImportError::syntax(
            ctx.file,
            d.line,
            format!("`{} {}`: {what}", d.key, d.value()),
        )
    };
    let flag = |key: &str| -> Result<Option<bool>, ImportError> {
        s.get(key).map(|d| parse_bool(d, ctx)).transpose()
    };

    let tunnel = s.get("tunnel");
    let security = match s.get("tlstype").or(s.get("ssltype")) {
        Some(d) => match d.value().to_ascii_lowercase().as_str() {
            "none" => Security::None,
            "starttls" => Security::Starttls,
            "imaps" => Security::Tls,
            _ => return Err(bad(d, "takes None, STARTTLS or IMAPS")),
        },
        None if tunnel.is_some() => Security::None,
        None if flag("useimaps")? == Some(true) => Security::Tls,
        None => {
            if let Some(d) = s.get("requiressl")
                && !parse_bool(d, ctx)?
            {
                notes.push((
                    d.line,
                    "`RequireSSL no` lets mbsync fall back to no encryption; mailfix \
                     requires STARTTLS"
                        .into(),
                ));
            }
            Security::Starttls
        }
    };
    if let Some(d) = tunnel {
        notes.push((
            d.line,
            "mbsync reaches this server through a tunnel command; mailfix connects \
             to Host directly"
                .into(),
        ));
    }

    let mut draft = ServerDraft::new(Protocol::Imap, security);
    draft.host = s.get("host").map(|d| d.value().to_owned());
    if let Some(d) = s.get("port") {
        draft.port =
            Some(parse_port(d.value()).ok_or_else(|| bad(d, "not a port number (1-65535)"))?);
    }
    draft.username = s
        .get("user")
        .map(|d| d.value().to_owned())
        .filter(|u| !u.is_empty());
    if let Some(d) = s.get("usercmd") {
        notes.push((
            d.line,
            "the user name comes from a command, which mailfix does not run; \
             add `username` to the mailfix config"
                .into(),
        ));
    }

    draft.password = if let Some(d) = s.get("passcmd") {
        let command = d.args.join(" ");
        let command = command
            .strip_prefix('+')
            .unwrap_or(&command)
            .trim()
            .to_owned();
        PasswordSource::Command(command)
    } else if let Some(d) = s.get("pass") {
        PasswordSource::Literal(Secret::new(d.value()))
    } else {
        if let Some(d) = s.get("usekeychain")
            && parse_bool(d, ctx)?
        {
            notes.push((
                d.line,
                "the password is in the macOS keychain, which mailfix does not read; \
                 use password_command = \"security find-internet-password -w …\""
                    .into(),
            ));
        }
        PasswordSource::Unset
    };

    draft.auth = auth_mechs(s, notes);
    if flag("requirecram")? == Some(true) {
        draft.auth = AuthMech::CramMd5;
    }

    draft.ca_file = s
        .get("certificatefile")
        .map(|d| expand_tilde(d.value(), ctx.home));
    if flag("systemcertificates")? == Some(false)
        && let Some(d) = s.get("systemcertificates")
    {
        notes.push((
            d.line,
            "mbsync trusts only CertificateFile here; mailfix trusts it in addition \
             to the system's CAs"
                .into(),
        ));
    }
    for key in ["clientcertificate", "clientkey"] {
        if let Some(d) = s.get(key) {
            notes.push((
                d.line,
                "client certificates are not supported by mailfix".into(),
            ));
        }
    }
    Ok(draft.build())
}

fn auth_mechs(s: &Section, notes: &mut Vec<(usize, String)>) -> AuthMech {
    let Some(d) = s.get("authmechs").or(s.get("authmech")) else {
        return AuthMech::Auto;
    };
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for word in &d.args {
        match word.as_str() {
            "*" => return AuthMech::Auto,
            // mbsync's LOGIN is the IMAP LOGIN command.
            w if w.eq_ignore_ascii_case("LOGIN") => known.push(AuthMech::Login),
            w => match AuthMech::from_sasl_name(w) {
                Some(mech) => known.push(mech),
                None => unknown.push(w.to_owned()),
            },
        }
    }
    match (known.as_slice(), unknown.is_empty()) {
        ([one], true) => *one,
        ([], false) => {
            notes.push((
                d.line,
                format!(
                    "mailfix does not speak {}; it will use the best mechanism the server offers",
                    unknown.join(", ")
                ),
            ));
            AuthMech::Auto
        }
        _ => {
            notes.push((
                d.line,
                "mbsync may use any of several mechanisms here; mailfix will use the best \
                 one the server offers"
                    .into(),
            ));
            AuthMech::Auto
        }
    }
}

/// The Maildir store a channel links to one of `stores`.
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
            let path = maildir.get("path").or(maildir.get("inbox"))?;
            let path: PathBuf = expand_tilde(path.value(), ctx.home);
            Some(StoreSettings {
                path,
                format: StoreFormat::Maildir,
            })
        })
}
