//! The settings of one mail account, as the rest of the program sees them.
//!
//! `config` turns a TOML file into these values; `import` turns other mail
//! clients' files into them; the wizard edits them. Nothing here does I/O.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// Which side of an account a server or finding belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Service {
    Incoming,
    Outgoing,
    Store,
}

impl Service {
    pub fn as_str(self) -> &'static str {
        match self {
            Service::Incoming => "incoming",
            Service::Outgoing => "outgoing",
            Service::Store => "store",
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Imap,
    Pop3,
    Smtp,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Imap => "imap",
            Protocol::Pop3 => "pop3",
            Protocol::Smtp => "smtp",
        }
    }

    /// The name people know it by, for display.
    pub fn label(self) -> &'static str {
        match self {
            Protocol::Imap => "IMAP",
            Protocol::Pop3 => "POP3",
            Protocol::Smtp => "SMTP",
        }
    }

    /// The standard port for this protocol in this security mode
    /// (RFC 8314 for implicit TLS, RFC 6409 for submission).
    pub fn default_port(self, security: Security) -> u16 {
        match (self, security) {
            (Protocol::Imap, Security::Tls) => 993,
            (Protocol::Imap, _) => 143,
            (Protocol::Pop3, Security::Tls) => 995,
            (Protocol::Pop3, _) => 110,
            (Protocol::Smtp, Security::Tls) => 465,
            (Protocol::Smtp, _) => 587,
        }
    }

    /// Every standard (port, security) pair a server of this protocol may
    /// listen on, most preferred first (implicit TLS first, per RFC 8314).
    pub fn standard_endpoints(self) -> &'static [(u16, Security)] {
        match self {
            Protocol::Imap => &[(993, Security::Tls), (143, Security::Starttls)],
            Protocol::Pop3 => &[(995, Security::Tls), (110, Security::Starttls)],
            Protocol::Smtp => &[
                (465, Security::Tls),
                (587, Security::Starttls),
                (25, Security::Starttls),
            ],
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte (ports 993, 995, 465).
    Tls,
    /// Plaintext greeting, then STARTTLS/STLS. Required, never optional.
    Starttls,
    /// No encryption at all.
    None,
}

impl Security {
    pub fn as_str(self) -> &'static str {
        match self {
            Security::Tls => "tls",
            Security::Starttls => "starttls",
            Security::None => "none",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Security::Tls => "TLS",
            Security::Starttls => "STARTTLS",
            Security::None => "no encryption",
        }
    }
}

impl fmt::Display for Security {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The SASL mechanism (or plain LOGIN/USER-PASS) to log in with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthMech {
    /// The strongest mechanism the server offers.
    Auto,
    Plain,
    Login,
    CramMd5,
    Xoauth2,
    /// No authentication (outgoing servers only).
    None,
}

impl AuthMech {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMech::Auto => "auto",
            AuthMech::Plain => "plain",
            AuthMech::Login => "login",
            AuthMech::CramMd5 => "cram-md5",
            AuthMech::Xoauth2 => "xoauth2",
            AuthMech::None => "none",
        }
    }

    /// The SASL name as servers advertise it, if this is a SASL mechanism.
    pub fn sasl_name(self) -> Option<&'static str> {
        match self {
            AuthMech::Plain => Some("PLAIN"),
            AuthMech::Login => Some("LOGIN"),
            AuthMech::CramMd5 => Some("CRAM-MD5"),
            AuthMech::Xoauth2 => Some("XOAUTH2"),
            AuthMech::Auto | AuthMech::None => None,
        }
    }

    pub fn from_sasl_name(name: &str) -> Option<AuthMech> {
        match name.to_ascii_uppercase().as_str() {
            "PLAIN" => Some(AuthMech::Plain),
            "LOGIN" => Some(AuthMech::Login),
            "CRAM-MD5" => Some(AuthMech::CramMd5),
            "XOAUTH2" => Some(AuthMech::Xoauth2),
            _ => None,
        }
    }
}

impl fmt::Display for AuthMech {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the password (or OAuth2 token) comes from. The literal form is a
/// [`Secret`]: it never prints.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PasswordSource {
    #[default]
    Unset,
    Literal(Secret),
    /// Run with `sh -c`, stdin closed, with a timeout; the first line is the password.
    Command(String),
    /// Read from this environment variable.
    Env(String),
}

impl PasswordSource {
    pub fn is_set(&self) -> bool {
        !matches!(self, PasswordSource::Unset)
    }
}

/// One server of an account: where it is and how to log in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerSettings {
    pub protocol: Protocol,
    pub host: String,
    pub port: u16,
    /// True when the port was written in the config; false when it is the
    /// standard port for protocol and security (shown, never written back).
    pub port_explicit: bool,
    pub security: Security,
    pub auth: AuthMech,
    /// Defaults to the account's e-mail address.
    pub username: String,
    pub password: PasswordSource,
    pub ca_file: Option<PathBuf>,
    /// Only true lets a password cross an unencrypted connection.
    pub allow_plaintext_auth: bool,
    /// Outgoing only: the outside address of the relay probe.
    pub relay_probe_rcpt: Option<String>,
}

impl ServerSettings {
    /// A server as a config file gets it when it writes these four keys and
    /// no others: the port counts as written (`port_explicit`), `auth =
    /// "auto"`, no password source, no extra CA, no plain-text login, no
    /// relay probe. The user name is left empty: the config loader puts the
    /// account's e-mail address there, callers use [`Self::with_username`].
    pub fn new(protocol: Protocol, host: impl Into<String>, port: u16, security: Security) -> Self {
        ServerSettings {
            protocol,
            host: host.into(),
            port,
            port_explicit: true,
            security,
            auth: AuthMech::Auto,
            username: String::new(),
            password: PasswordSource::Unset,
            ca_file: None,
            allow_plaintext_auth: false,
            relay_probe_rcpt: None,
        }
    }

    /// As [`Self::new`] for a config that leaves `port` out: the standard
    /// port of `protocol` and `security`, not written back.
    pub fn standard(protocol: Protocol, host: impl Into<String>, security: Security) -> Self {
        ServerSettings {
            port_explicit: false,
            ..ServerSettings::new(protocol, host, protocol.default_port(security), security)
        }
    }

    pub fn with_username(mut self, username: impl Into<String>) -> Self {
        self.username = username.into();
        self
    }

    pub fn with_auth(mut self, auth: AuthMech) -> Self {
        self.auth = auth;
        self
    }

    pub fn with_password(mut self, password: PasswordSource) -> Self {
        self.password = password;
        self
    }

    /// `host:port`, with brackets around an IPv6 literal.
    pub fn target(&self) -> String {
        crate::account::host_port(&self.host, self.port)
    }

    /// One line for lists: "IMAP mail.example.org:993 TLS".
    pub fn summary(&self) -> String {
        format!(
            "{} {} {}",
            self.protocol.label(),
            self.target(),
            self.security.label()
        )
    }
}

/// `host:port` with brackets around an IPv6 literal.
pub fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreFormat {
    Maildir,
    Mbox,
}

impl StoreFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            StoreFormat::Maildir => "maildir",
            StoreFormat::Mbox => "mbox",
        }
    }
}

/// The local mail store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreSettings {
    /// With `~` already expanded.
    pub path: PathBuf,
    pub format: StoreFormat,
}

/// One account of the config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    pub email: String,
    pub incoming: Option<ServerSettings>,
    pub outgoing: Option<ServerSettings>,
    pub store: Option<StoreSettings>,
}

impl Account {
    /// The part of the e-mail address after the last `@`, lowercased.
    pub fn domain(&self) -> Option<String> {
        email_domain(&self.email)
    }

    pub fn server(&self, service: Service) -> Option<&ServerSettings> {
        match service {
            Service::Incoming => self.incoming.as_ref(),
            Service::Outgoing => self.outgoing.as_ref(),
            Service::Store => None,
        }
    }

    pub fn server_mut(&mut self, service: Service) -> Option<&mut ServerSettings> {
        match service {
            Service::Incoming => self.incoming.as_mut(),
            Service::Outgoing => self.outgoing.as_mut(),
            Service::Store => None,
        }
    }
}

/// The domain of an e-mail address, lowercased, if it has one.
pub fn email_domain(email: &str) -> Option<String> {
    let (_, domain) = email.rsplit_once('@')?;
    let domain = domain.trim().trim_end_matches('.');
    if domain.is_empty() {
        None
    } else {
        Some(domain.to_ascii_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_of_address() {
        assert_eq!(
            email_domain("Alice@Example.ORG").as_deref(),
            Some("example.org")
        );
        assert_eq!(email_domain("a@b@c.net").as_deref(), Some("c.net"));
        assert_eq!(email_domain("nobody"), None);
        assert_eq!(email_domain("x@"), None);
    }

    #[test]
    fn ipv6_targets_get_brackets() {
        assert_eq!(host_port("::1", 993), "[::1]:993");
        assert_eq!(host_port("mail.example.org", 993), "mail.example.org:993");
    }

    #[test]
    fn standard_ports() {
        assert_eq!(Protocol::Imap.default_port(Security::Tls), 993);
        assert_eq!(Protocol::Pop3.default_port(Security::Starttls), 110);
        assert_eq!(Protocol::Smtp.default_port(Security::Starttls), 587);
        assert_eq!(Protocol::Smtp.default_port(Security::Tls), 465);
    }

    #[test]
    fn a_standard_server_takes_the_port_of_its_mode_without_writing_it() {
        let s = ServerSettings::standard(Protocol::Smtp, "smtp.example.org", Security::Starttls);
        assert_eq!((s.port, s.port_explicit), (587, false));
        let s = ServerSettings::new(Protocol::Imap, "imap.example.org", 993, Security::Tls);
        assert_eq!(
            (s.port, s.port_explicit, s.auth),
            (993, true, AuthMech::Auto)
        );
    }
}
