//! One case of the suite: the server's script, the account that meets it,
//! and what must come out.

use std::time::Duration;

use mailfix::account::{AuthMech, Protocol, Security, Service};
use mailfix::catalogue::CauseId;
use mailfix::lab::{CertKind, Script};

use super::USER;

/// How the listener does TLS.
#[derive(Debug, Clone)]
pub enum Cert {
    /// This certificate for the script's `StartTls` steps.
    Starttls(CertKind),
    /// TLS from the first byte with this certificate, then the script.
    Implicit(CertKind),
}

/// What the diagnosis must say.
#[derive(Debug, Clone, PartialEq)]
pub enum Want {
    /// No finding at all.
    Nothing,
    /// This cause comes first.
    First(CauseId),
}

#[derive(Debug, Clone)]
pub struct Case {
    pub protocol: Protocol,
    pub security: Security,
    pub port: u16,
    pub script: Script,
    pub cert: Cert,
    pub auth: AuthMech,
    pub username: String,
    pub allow_plaintext: bool,
    /// Per-wait timeout of the run (the deadline is four of these).
    pub timeout: Duration,
    /// What mailfix must have sent on the session's connection, outside
    /// and inside TLS (`{user}`, `{pass}`, `{plain}`, `{login}` filled in).
    pub plain: String,
    pub tls: String,
    /// After `plain`, mailfix sent TLS records (a ClientHello, perhaps an
    /// alert) that the script read as bytes instead of answering.
    pub then_tls_records: bool,
    pub want: Want,
    /// How the configured session must end ("completed",
    /// "closed in login", …; see [`super::harness::end_kind`]).
    pub end: Option<String>,
    /// Each must appear in some note of the diagnosis.
    pub notes: Vec<String>,
    /// Each must appear in the plain-text output.
    pub shown: Vec<String>,
    /// Each must appear in the JSON output.
    pub json: Vec<String>,
    /// The session must (not) have reached a verified TLS session.
    pub verified: Option<bool>,
}

impl Case {
    pub fn new(protocol: Protocol, security: Security, script: Script) -> Self {
        Case {
            protocol,
            security,
            port: protocol.default_port(security),
            script,
            cert: match security {
                Security::Tls => Cert::Implicit(CertKind::Good),
                _ => Cert::Starttls(CertKind::Good),
            },
            auth: AuthMech::Auto,
            username: USER.to_owned(),
            allow_plaintext: false,
            timeout: Duration::from_millis(1500),
            plain: String::new(),
            tls: String::new(),
            then_tls_records: false,
            want: Want::Nothing,
            end: None,
            notes: Vec::new(),
            shown: Vec::new(),
            json: Vec::new(),
            verified: None,
        }
    }

    pub fn imap(security: Security, script: Script) -> Self {
        Self::new(Protocol::Imap, security, script)
    }

    pub fn pop3(security: Security, script: Script) -> Self {
        Self::new(Protocol::Pop3, security, script)
    }

    pub fn smtp(security: Security, script: Script) -> Self {
        Self::new(Protocol::Smtp, security, script)
    }

    pub fn service(&self) -> Service {
        match self.protocol {
            Protocol::Smtp => Service::Outgoing,
            _ => Service::Incoming,
        }
    }

    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    pub fn cert(mut self, cert: Cert) -> Self {
        self.cert = cert;
        self
    }

    pub fn auth(mut self, auth: AuthMech) -> Self {
        self.auth = auth;
        self
    }

    pub fn username(mut self, username: &str) -> Self {
        self.username = username.to_owned();
        self
    }

    pub fn allow_plaintext(mut self) -> Self {
        self.allow_plaintext = true;
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Exactly these lines (each gets CRLF) sent outside TLS.
    pub fn sent_plain(mut self, lines: &[&str]) -> Self {
        self.plain = crlf(lines);
        self
    }

    /// Exactly these lines (each gets CRLF) sent inside TLS.
    pub fn sent_tls(mut self, lines: &[&str]) -> Self {
        self.tls = crlf(lines);
        self
    }

    /// …followed by TLS records the script only read (a ClientHello).
    pub fn then_client_hello(mut self) -> Self {
        self.then_tls_records = true;
        self
    }

    pub fn finding(mut self, cause: CauseId) -> Self {
        self.want = Want::First(cause);
        self
    }

    pub fn no_finding(mut self) -> Self {
        self.want = Want::Nothing;
        self
    }

    pub fn ends(mut self, kind: &str) -> Self {
        self.end = Some(kind.to_owned());
        self
    }

    pub fn note(mut self, text: &str) -> Self {
        self.notes.push(text.to_owned());
        self
    }

    pub fn shows(mut self, text: &str) -> Self {
        self.shown.push(text.to_owned());
        self
    }

    pub fn json_shows(mut self, text: &str) -> Self {
        self.json.push(text.to_owned());
        self
    }

    pub fn verified(mut self, verified: bool) -> Self {
        self.verified = Some(verified);
        self
    }
}

fn crlf(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\r\n")).collect()
}
