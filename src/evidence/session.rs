//! What one probe of one server endpoint observed, from the TCP connect to
//! the goodbye.

use std::fmt;
use std::net::SocketAddr;

use super::net::ConnectAttempt;
use super::reply::Reply;
use super::tls::TlsOutcome;
use super::transcript::TranscriptLine;
use crate::account::{AuthMech, Protocol, Security, Service, host_port};

/// Where a probe goes and how it talks there.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoint {
    pub protocol: Protocol,
    /// Lowercased host name or IP literal.
    pub host: String,
    pub port: u16,
    pub security: Security,
}

impl Endpoint {
    pub fn target(&self) -> String {
        host_port(&self.host, self.port)
    }
}

impl fmt::Display for Endpoint {
    /// "IMAP mail.example.org:993 TLS"
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.protocol.label(),
            self.target(),
            self.security.label()
        )
    }
}

/// Who published the host of a neighbour endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Publisher {
    /// An RFC 6186 / 8314 SRV record, e.g. `_imaps._tcp.example.org`.
    Srv(String),
    /// The domain's MX record.
    Mx,
}

/// Why an endpoint is probed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// The server and settings the account names.
    Configured,
    /// A standard port or security mode of the configured host.
    SameHost,
    /// A host the e-mail domain publishes in DNS.
    Published(Publisher),
}

/// What the first bytes from the server identify it as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GreetingKind {
    /// `+OK`
    Pop3,
    /// `-ERR` as a greeting: a POP3 server turning us away.
    Pop3Refused,
    /// `* OK`
    Imap,
    /// `* PREAUTH`: already logged in, no STARTTLS possible.
    ImapPreauth,
    /// `* BYE`: an IMAP server turning us away.
    ImapBye,
    /// `220`
    Smtp,
    /// `554` (or another non-220 code) as a greeting: an SMTP server turning us away.
    SmtpRefused,
    /// TLS record bytes (0x16 0x03 …, or an alert 0x15 0x03 …) where plain text was due.
    TlsRecord,
    /// Nothing at all before the deadline.
    Silence,
    /// The server closed without a word.
    Closed,
    /// Something else (HTTP, SSH, garbage).
    Unrecognised,
}

impl GreetingKind {
    /// The protocol the greeting belongs to, if it is a mail protocol.
    pub fn protocol(self) -> Option<Protocol> {
        match self {
            GreetingKind::Pop3 | GreetingKind::Pop3Refused => Some(Protocol::Pop3),
            GreetingKind::Imap | GreetingKind::ImapPreauth | GreetingKind::ImapBye => {
                Some(Protocol::Imap)
            }
            GreetingKind::Smtp | GreetingKind::SmtpRefused => Some(Protocol::Smtp),
            GreetingKind::TlsRecord
            | GreetingKind::Silence
            | GreetingKind::Closed
            | GreetingKind::Unrecognised => None,
        }
    }

    /// The server greets and is willing to go on.
    pub fn is_welcome(self) -> bool {
        matches!(
            self,
            GreetingKind::Pop3
                | GreetingKind::Imap
                | GreetingKind::ImapPreauth
                | GreetingKind::Smtp
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Greeting {
    pub kind: GreetingKind,
    /// The first line (bounded, escaped for display). Empty for silence.
    pub line: String,
    /// Parsed, when it parses.
    pub reply: Option<Reply>,
    /// Received over verified TLS. Text received in plain text is shown as
    /// unverified: anyone on the path could have written it.
    pub verified: bool,
    pub ms: f64,
}

/// What the server says it can do (IMAP CAPABILITY, POP3 CAPA, SMTP EHLO).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Capabilities {
    /// Every capability as sent (escaped), for the transcript and report.
    pub raw: Vec<String>,
    /// SASL mechanisms offered, upper-cased (`PLAIN`, `XOAUTH2`, …).
    pub auth: Vec<String>,
    /// STARTTLS / STLS offered.
    pub starttls: bool,
    /// IMAP `LOGINDISABLED`: no LOGIN before TLS.
    pub login_disabled: bool,
    /// POP3 `USER`: USER/PASS accepted.
    pub user_pass: bool,
    /// IMAP `SASL-IR`.
    pub sasl_ir: bool,
    /// Received after a verified TLS handshake.
    pub verified: bool,
}

impl Capabilities {
    pub fn offers_mech(&self, mech: &str) -> bool {
        self.auth.iter().any(|m| m.eq_ignore_ascii_case(mech))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum StarttlsOutcome {
    /// The server does not offer STARTTLS/STLS.
    NotOffered,
    /// Offered, but the command was refused.
    Refused(Reply),
    /// IMAP `PREAUTH` greeting: the session is already authenticated in
    /// plain text, so STARTTLS cannot be negotiated (RFC 9051 §7.1.4).
    Preauth,
    /// Bytes arrived after the STARTTLS go-ahead and before the handshake:
    /// a sign of command injection (CVE-2021-22946 class). The connection
    /// was dropped.
    InjectedData { bytes: usize },
    /// The go-ahead came and the handshake ran.
    Handshake(TlsOutcome),
}

/// Why no login was attempted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginSkip {
    /// This probe only looks (a neighbour endpoint).
    NotRequested,
    /// `auth = "none"` on the outgoing server.
    AuthNone,
    /// The account has no password source.
    NoPassword,
    /// The password source failed (command failed or timed out, variable unset).
    PasswordUnavailable(String),
    /// The connection is not encrypted and the account does not allow plaintext login.
    WouldBePlaintext,
    /// TLS did not verify: never send a password there.
    TlsNotVerified,
    /// The certificate is valid but not the one pinned at the last good
    /// check, and another authority issued it: no password sent.
    CertificateChanged,
    /// The configured mechanism is not offered.
    MechanismNotOffered {
        wanted: AuthMech,
        offered: Vec<String>,
    },
    /// `auto`, but nothing the server offers is something we speak.
    NoCommonMechanism { offered: Vec<String> },
    /// The server disallows login here (`LOGINDISABLED`, no AUTH in EHLO, no USER/SASL in CAPA).
    ServerDisallows,
    /// A user name or password holds CR, LF or NUL.
    ForbiddenCharacters,
    /// The session ended before login could be tried.
    SessionEnded,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LoginOutcome {
    Skipped(LoginSkip),
    Accepted { mechanism: AuthMech },
    Rejected { mechanism: AuthMech, reply: Reply },
}

/// Incoming only: opening the mailbox after login (IMAP EXAMINE INBOX, POP3 STAT).
#[derive(Debug, Clone, PartialEq)]
pub enum MailboxOutcome {
    Opened { messages: Option<u64> },
    Refused(Reply),
}

/// Outgoing only: `MAIL FROM` / `RCPT TO`, then RSET. Never DATA.
#[derive(Debug, Clone, PartialEq)]
pub struct RelayOutcome {
    pub authenticated: bool,
    pub sender: String,
    pub recipient: String,
    pub mail_from: Reply,
    /// `None` when MAIL FROM was refused and RCPT was not sent.
    pub rcpt_to: Option<Reply>,
}

/// The part of the conversation a session was in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    Connect,
    TlsHandshake,
    Greeting,
    Capabilities,
    Starttls,
    Login,
    Mailbox,
    Relay,
    Logout,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Connect => "connect",
            Phase::TlsHandshake => "TLS handshake",
            Phase::Greeting => "greeting",
            Phase::Capabilities => "capabilities",
            Phase::Starttls => "STARTTLS",
            Phase::Login => "login",
            Phase::Mailbox => "mailbox",
            Phase::Relay => "relay test",
            Phase::Logout => "logout",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the conversation ended.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionEnd {
    /// We said goodbye (or stopped where the probe's depth ends) and closed.
    Completed,
    /// The server closed the connection. `reply` is the last thing it said
    /// if that announced the close (`421`, `* BYE`, `-ERR`).
    Closed { phase: Phase, reply: Option<Reply> },
    /// TCP reset.
    Reset { phase: Phase },
    /// Nothing came back before the deadline.
    TimedOut { phase: Phase },
    /// TCP closed inside TLS without close_notify: the reply may be cut.
    TlsTruncated { phase: Phase },
    /// The server broke the protocol (line over the limit, garbage, a
    /// literal too large); `detail` says how.
    Violation { phase: Phase, detail: String },
    /// mailfix stopped on purpose (for the user's safety); `reason` says why.
    Stopped { phase: Phase, reason: String },
}

impl SessionEnd {
    pub fn phase(&self) -> Option<Phase> {
        match self {
            SessionEnd::Completed => None,
            SessionEnd::Closed { phase, .. }
            | SessionEnd::Reset { phase }
            | SessionEnd::TimedOut { phase }
            | SessionEnd::TlsTruncated { phase }
            | SessionEnd::Violation { phase, .. }
            | SessionEnd::Stopped { phase, .. } => Some(*phase),
        }
    }
}

/// The conversation on one connected address.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub addr: SocketAddr,
    /// Implicit TLS (security `tls`): the handshake before any byte of the protocol.
    pub tls: Option<TlsOutcome>,
    pub greeting: Option<Greeting>,
    /// Capabilities as first asked (in plain text when STARTTLS follows).
    pub capabilities: Option<Capabilities>,
    pub starttls: Option<StarttlsOutcome>,
    /// Capabilities asked again after STARTTLS; everything learnt before is discarded.
    pub capabilities_after_tls: Option<Capabilities>,
    pub login: Option<LoginOutcome>,
    pub mailbox: Option<MailboxOutcome>,
    pub relay: Option<RelayOutcome>,
    pub end: SessionEnd,
    pub transcript: Vec<TranscriptLine>,
    pub ms: f64,
}

impl Session {
    /// A session with nothing observed yet on `addr`.
    pub fn new(addr: SocketAddr) -> Self {
        Session {
            addr,
            tls: None,
            greeting: None,
            capabilities: None,
            starttls: None,
            capabilities_after_tls: None,
            login: None,
            mailbox: None,
            relay: None,
            end: SessionEnd::Completed,
            transcript: Vec::new(),
            ms: 0.0,
        }
    }

    /// The capabilities that count: after TLS when STARTTLS ran.
    pub fn effective_capabilities(&self) -> Option<&Capabilities> {
        self.capabilities_after_tls
            .as_ref()
            .or(self.capabilities.as_ref())
    }

    /// The TLS outcome of this session, implicit or via STARTTLS.
    pub fn tls_outcome(&self) -> Option<&TlsOutcome> {
        self.tls.as_ref().or(match &self.starttls {
            Some(StarttlsOutcome::Handshake(tls)) => Some(tls),
            _ => None,
        })
    }

    /// True when the conversation is protected by a verified TLS session.
    pub fn is_encrypted(&self) -> bool {
        self.tls_outcome().is_some_and(TlsOutcome::is_verified)
    }
}

/// How deep a probe goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Depth {
    /// Connect, TLS, greeting, capabilities (and STARTTLS): never a credential.
    Look,
    /// Also log in, then open the mailbox (incoming) or run the relay test (outgoing).
    Full,
}

/// Everything one probe of one endpoint saw.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointProbe {
    pub service: Service,
    pub role: Role,
    pub endpoint: Endpoint,
    pub depth: Depth,
    /// One attempt per address tried (IPv4 and IPv6 separately). Empty when
    /// the host did not resolve.
    pub connects: Vec<ConnectAttempt>,
    /// The conversation on the first address that connected.
    pub session: Option<Session>,
}

impl EndpointProbe {
    pub fn connected(&self) -> bool {
        self.connects.iter().any(|c| c.outcome.is_connected())
    }

    pub fn greeting_kind(&self) -> Option<GreetingKind> {
        self.session
            .as_ref()
            .and_then(|s| s.greeting.as_ref())
            .map(|g| g.kind)
    }

    /// The server greeted in the protocol this endpoint expects and is
    /// willing to talk (after TLS where TLS is due).
    pub fn serves_expected_protocol(&self) -> bool {
        self.greeting_kind()
            .is_some_and(|k| k.is_welcome() && k.protocol() == Some(self.endpoint.protocol))
    }
}
