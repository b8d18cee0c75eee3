//! The IMAP server of an mbsync account: host, port, TLS mode (`TLSType`
//! or the older `SSLType`, `UseIMAPS`, `RequireSSL`), login and password,
//! mechanisms and certificates.

use crate::account::{AuthMech, PasswordSource, Protocol, Security, ServerSettings};
use crate::secret::Secret;

use super::super::draft::ServerDraft;
use super::super::text::{expand_tilde, parse_port};
use super::super::{Ctx, ImportError};
use super::{Directive, Section};

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
pub(super) fn server(
    s: &Section,
    ctx: &Ctx<'_>,
    notes: &mut Vec<(usize, String)>,
) -> Result<Option<ServerSettings>, ImportError> {
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
