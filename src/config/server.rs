//! `[accounts.incoming]` and `[accounts.outgoing]`: one server's settings,
//! with the defaults of the design (standard port, user name = e-mail,
//! `auth = "auto"`) and the checks that keep bad values off the wire.

use crate::account::{AuthMech, Protocol, Security, ServerSettings};
use crate::secret::has_forbidden_chars;

use super::credentials::{ca_file, password_source};
use super::error::ConfigError;
use super::fields::Fields;
use super::parse::PathContext;

/// The keys of `[accounts.outgoing]`; `[accounts.incoming]` takes all but
/// the last, `relay_probe_rcpt`.
const SERVER_KEYS: &[&str] = &[
    "protocol",
    "host",
    "port",
    "security",
    "auth",
    "username",
    "password",
    "password_command",
    "password_env",
    "ca_file",
    "allow_plaintext_auth",
    "relay_probe_rcpt",
];

const SECURITIES: &[(&str, Security)] = &[
    ("tls", Security::Tls),
    ("starttls", Security::Starttls),
    ("none", Security::None),
];

const MECHS: &[(&str, AuthMech)] = &[
    ("auto", AuthMech::Auto),
    ("plain", AuthMech::Plain),
    ("login", AuthMech::Login),
    ("cram-md5", AuthMech::CramMd5),
    ("xoauth2", AuthMech::Xoauth2),
    ("none", AuthMech::None),
];

pub(crate) fn server(
    fields: &Fields<'_>,
    outgoing: bool,
    email: &str,
    paths: &PathContext,
) -> Result<ServerSettings, ConfigError> {
    if !outgoing && let Some((key, _)) = fields.entry("relay_probe_rcpt") {
        return Err(fields.error(
            key.line,
            "relay_probe_rcpt",
            "only the outgoing server takes relay_probe_rcpt (move it to [accounts.outgoing])",
        ));
    }
    fields.only(if outgoing {
        SERVER_KEYS
    } else {
        &SERVER_KEYS[..SERVER_KEYS.len() - 1]
    })?;

    let protocol = if outgoing {
        match fields.choice(
            "protocol",
            &[
                ("smtp", Protocol::Smtp),
                ("imap", Protocol::Imap),
                ("pop3", Protocol::Pop3),
            ],
        )? {
            None | Some((Protocol::Smtp, _)) => Protocol::Smtp,
            Some((_, line)) => {
                return Err(fields.error(
                    line,
                    "protocol",
                    "the outgoing server always speaks smtp",
                ));
            }
        }
    } else {
        match fields.choice(
            "protocol",
            &[
                ("imap", Protocol::Imap),
                ("pop3", Protocol::Pop3),
                ("smtp", Protocol::Smtp),
            ],
        )? {
            Some((Protocol::Smtp, line)) => {
                return Err(fields.error(
                    line,
                    "protocol",
                    "an incoming server speaks imap or pop3 (smtp belongs in [accounts.outgoing])",
                ));
            }
            Some((protocol, _)) => protocol,
            None => return Err(fields.missing("protocol", "imap or pop3")),
        }
    };

    let (host, host_line) = fields.required_str("host", "the server's host name or address")?;
    let host = host.trim();
    if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(fields.error(
            host_line,
            "host",
            "must be a host name or IP address, without spaces",
        ));
    }

    let port = match fields.int("port")? {
        None => None,
        Some((Some(n), line)) => Some((
            u16::try_from(n).ok().filter(|p| *p != 0).ok_or_else(|| {
                fields.error(
                    line,
                    "port",
                    format!("must be between 1 and 65535 (found {n})"),
                )
            })?,
            line,
        )),
        Some((None, line)) => {
            return Err(fields.error(line, "port", "must be between 1 and 65535"));
        }
    };

    let security = match fields.choice("security", SECURITIES)? {
        Some((security, _)) => security,
        None => infer_security(protocol, port.map(|(p, _)| p)),
    };
    let (port, port_explicit) = match port {
        Some((port, _)) => (port, true),
        None => (protocol.default_port(security), false),
    };

    let auth = match fields.choice("auth", MECHS)? {
        Some((AuthMech::None, line)) if !outgoing => {
            return Err(fields.error(
                line,
                "auth",
                "'none' is only allowed for the outgoing server (an incoming server always needs a login)",
            ));
        }
        Some((auth, _)) => auth,
        None => AuthMech::Auto,
    };

    let username = match fields.str("username")? {
        None => email.to_string(),
        Some((name, line)) => {
            if has_forbidden_chars(name) {
                return Err(fields.error(line, "username", "holds a line break or NUL character"));
            }
            if name.is_empty() {
                return Err(fields.error(
                    line,
                    "username",
                    "is empty (remove it to use the e-mail address)",
                ));
            }
            name.to_string()
        }
    };

    let password = password_source(fields)?;
    let ca_file = match fields.str("ca_file")? {
        None => None,
        Some((raw, line)) => Some(ca_file(fields, raw, line, paths)?),
    };
    let allow_plaintext_auth = fields.bool("allow_plaintext_auth")?.unwrap_or(false);

    let relay_probe_rcpt = match fields.str("relay_probe_rcpt")? {
        None => None,
        Some((rcpt, line)) => {
            let rcpt = rcpt.trim();
            if has_forbidden_chars(rcpt)
                || rcpt.chars().any(char::is_whitespace)
                || crate::account::email_domain(rcpt).is_none()
            {
                return Err(fields.error(
                    line,
                    "relay_probe_rcpt",
                    "must be an e-mail address (name@domain)",
                ));
            }
            Some(rcpt.to_string())
        }
    };

    Ok(ServerSettings {
        protocol,
        host: host.to_string(),
        port,
        port_explicit,
        security,
        auth,
        username,
        password,
        ca_file,
        allow_plaintext_auth,
        relay_probe_rcpt,
    })
}

/// Without `security`, the standard port written tells it (587 → STARTTLS);
/// otherwise implicit TLS, as RFC 8314 recommends.
pub(crate) fn infer_security(protocol: Protocol, port: Option<u16>) -> Security {
    port.and_then(|port| {
        protocol
            .standard_endpoints()
            .iter()
            .find(|(p, _)| *p == port)
            .map(|(_, security)| *security)
    })
    .unwrap_or(Security::Tls)
}
