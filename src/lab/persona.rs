//! A scripted mail server with a realistic dialogue: which protocol, who
//! may log in, which SASL mechanisms it offers, and the faults it shows.
//! The dialogues themselves live in `pop3`, `imap` and `smtp`, and what
//! they share in `dialogue`.

use std::time::Duration;

use super::dialogue::with_tag;
use crate::account::Protocol;

/// A mailbox owner the server knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabUser {
    pub name: String,
    /// The password, or the OAuth2 token for XOAUTH2/OAUTHBEARER.
    pub password: String,
    /// Sender addresses this user may use (SMTP sender check). The user
    /// name itself always counts when it is an address.
    pub owns: Vec<String>,
}

impl LabUser {
    pub fn new(name: impl Into<String>, password: impl Into<String>) -> Self {
        LabUser {
            name: name.into(),
            password: password.into(),
            owns: Vec::new(),
        }
    }

    pub fn owning(mut self, address: impl Into<String>) -> Self {
        self.owns.push(address.into());
        self
    }

    pub fn may_send_as(&self, address: &str) -> bool {
        self.name.eq_ignore_ascii_case(address)
            || self.owns.iter().any(|a| a.eq_ignore_ascii_case(address))
    }
}

/// Where in the dialogue a [`Cut`] strikes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Instead of the greeting.
    Greeting,
    /// Right after the greeting went out.
    AfterGreeting,
    /// When a login command (LOGIN, AUTHENTICATE, USER/PASS, AUTH) arrives,
    /// before it is answered.
    Auth,
    /// At the first command after a successful login.
    AfterAuth,
    /// At EXAMINE/SELECT (IMAP) or STAT/LIST (POP3).
    Mailbox,
    /// At SMTP `MAIL FROM`.
    Mail,
}

/// How a [`Cut`] ends the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CutKind {
    /// FIN (after TLS close_notify when in TLS), without a word.
    Close,
    /// RST (SO_LINGER 0).
    Reset,
    /// Stop answering; keep the connection open.
    Stall,
    /// The protocol's farewell (`421`, `* BYE`, `-ERR`), then close.
    Goodbye,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    pub at: Stage,
    pub how: CutKind,
}

/// What is wrong with a server. The default is nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// Replace the greeting line (for `* PREAUTH`, another domain's name, …).
    pub greeting: Option<String>,
    /// Wait this long before greeting.
    pub greeting_delay: Option<Duration>,
    /// No login before TLS: IMAP `LOGINDISABLED` / `[PRIVACYREQUIRED]`,
    /// POP3 no USER/SASL and `-ERR [AUTH] Plaintext authentication
    /// disallowed`, SMTP no AUTH and `530 5.7.0 Must issue a STARTTLS
    /// command first`.
    pub tls_required: bool,
    /// Answer every login with these lines instead of judging the
    /// password (`{tag}` becomes the IMAP tag): provider replies such as
    /// Gmail's `534-5.7.9` or `[WEBALERT]`.
    pub reject_login: Option<Vec<String>>,
    /// Good credentials, but the mailbox is locked: POP3 `[IN-USE]`,
    /// IMAP `[INUSE]`.
    pub in_use: bool,
    /// SMTP: an authenticated user may only send as an address it owns
    /// (`553 5.7.1 … not owned by user`).
    pub check_sender: bool,
    /// End the session at some point.
    pub cut: Option<Cut>,
    /// Send every reply one byte at a time with this pause.
    pub drip: Option<Duration>,
}

/// A scripted server of one protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Persona {
    pub protocol: Protocol,
    /// The name the server gives itself in greetings.
    pub host: String,
    /// Offer STARTTLS/STLS on a plaintext connection (needs a certificate).
    pub starttls: bool,
    /// SASL mechanisms offered where login is allowed, upper-case.
    pub mechanisms: Vec<String>,
    pub users: Vec<LabUser>,
    /// SMTP: domains it takes mail for without authentication.
    pub local_domains: Vec<String>,
    pub faults: Faults,
}

impl Persona {
    pub fn new(protocol: Protocol, host: impl Into<String>) -> Self {
        Persona {
            protocol,
            host: host.into(),
            starttls: true,
            mechanisms: vec!["PLAIN".into(), "LOGIN".into()],
            users: Vec::new(),
            local_domains: Vec::new(),
            faults: Faults::default(),
        }
    }

    pub fn imap(host: impl Into<String>) -> Self {
        Self::new(Protocol::Imap, host)
    }

    pub fn pop3(host: impl Into<String>) -> Self {
        Self::new(Protocol::Pop3, host)
    }

    pub fn smtp(host: impl Into<String>) -> Self {
        Self::new(Protocol::Smtp, host)
    }

    pub fn user(mut self, user: LabUser) -> Self {
        self.users.push(user);
        self
    }

    pub fn mechanisms(mut self, mechs: &[&str]) -> Self {
        self.mechanisms = mechs.iter().map(|m| m.to_ascii_uppercase()).collect();
        self
    }

    pub fn no_starttls(mut self) -> Self {
        self.starttls = false;
        self
    }

    pub fn local_domain(mut self, domain: impl Into<String>) -> Self {
        self.local_domains.push(domain.into());
        self
    }

    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    pub fn cut(mut self, at: Stage, how: CutKind) -> Self {
        self.faults.cut = Some(Cut { at, how });
        self
    }

    /// Login may be tried on this connection at all.
    pub(crate) fn login_allowed(&self, tls: bool) -> bool {
        tls || !self.faults.tls_required
    }

    /// A plaintext-password login (IMAP LOGIN, POP3 USER/PASS) is possible.
    pub(crate) fn password_login(&self) -> bool {
        self.mechanisms.iter().any(|m| m == "PLAIN" || m == "LOGIN")
    }

    pub(crate) fn offers(&self, mech: &str) -> bool {
        self.mechanisms.iter().any(|m| m.eq_ignore_ascii_case(mech))
    }

    pub(crate) fn find_user(&self, name: &str) -> Option<&LabUser> {
        self.users.iter().find(|u| u.name == name)
    }

    /// The cut for `stage`, if this persona has one there.
    pub(crate) fn cut_at(&self, stage: Stage) -> Option<CutKind> {
        self.faults.cut.filter(|c| c.at == stage).map(|c| c.how)
    }

    /// The `AfterAuth` cut, at the first command after a login (`fresh`
    /// says a login just succeeded, and is reset).
    pub(crate) fn cut_after_login(&self, fresh: &mut bool) -> Option<CutKind> {
        if std::mem::take(fresh) {
            self.cut_at(Stage::AfterAuth)
        } else {
            None
        }
    }

    /// The scripted answer to every login ([`Faults::reject_login`]),
    /// `{tag}` replaced.
    pub(crate) fn rejection(&self, tag: &str) -> Option<Vec<String>> {
        let lines = self.faults.reject_login.as_ref()?;
        Some(lines.iter().map(|l| with_tag(l, tag)).collect())
    }
}
