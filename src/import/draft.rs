//! A server's settings while a parser collects them, and the step that
//! turns them into [`ServerSettings`] with the standard port filled in.

use std::path::PathBuf;

use crate::account::{AuthMech, PasswordSource, Protocol, Security, ServerSettings};

#[derive(Debug, Clone)]
pub(crate) struct ServerDraft {
    pub protocol: Protocol,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub security: Security,
    pub auth: AuthMech,
    pub username: Option<String>,
    pub password: PasswordSource,
    pub ca_file: Option<PathBuf>,
}

impl ServerDraft {
    pub fn new(protocol: Protocol, security: Security) -> Self {
        ServerDraft {
            protocol,
            host: None,
            port: None,
            security,
            auth: AuthMech::Auto,
            username: None,
            password: PasswordSource::Unset,
            ca_file: None,
        }
    }

    /// The finished settings; `None` without a host. A user name left empty
    /// is filled with the address once the account is complete. A CA file
    /// means nothing without TLS and is dropped.
    pub fn build(self) -> Option<ServerSettings> {
        let host = self
            .host
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())?;
        let standard = self.protocol.default_port(self.security);
        let port = self.port.unwrap_or(standard);
        Some(ServerSettings {
            protocol: self.protocol,
            host,
            port,
            port_explicit: self.port.is_some() && port != standard,
            security: self.security,
            auth: self.auth,
            username: self.username.unwrap_or_default(),
            password: self.password,
            ca_file: self.ca_file.filter(|_| self.security != Security::None),
            allow_plaintext_auth: false,
            relay_probe_rcpt: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_port_is_not_explicit() {
        let mut d = ServerDraft::new(Protocol::Imap, Security::Tls);
        d.host = Some("mail.example.org".into());
        d.port = Some(993);
        let s = d.build().unwrap();
        assert_eq!((s.port, s.port_explicit), (993, false));

        let mut d = ServerDraft::new(Protocol::Smtp, Security::Starttls);
        d.host = Some("mail.example.org".into());
        d.port = Some(25);
        let s = d.build().unwrap();
        assert_eq!((s.port, s.port_explicit), (25, true));

        let d = ServerDraft::new(Protocol::Smtp, Security::Tls);
        assert!(d.build().is_none());
    }
}
