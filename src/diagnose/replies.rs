//! What a server's reply means for diagnosis. Pure functions over
//! [`Reply`] values (status, response code, enhanced code, text) as the
//! dialogues parsed them from real servers.

use crate::account::Protocol;
use crate::evidence::{Reply, Status};

/// What an answer to a login (or a mailbox open) says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthVerdict {
    /// The credentials were checked and refused. `explicit`: the server
    /// said so with a code made for it (535, AUTHENTICATIONFAILED, [AUTH]).
    BadCredentials { explicit: bool },
    /// The provider wants an app-specific password (Gmail 534 5.7.9).
    AppPassword,
    /// The provider wants a login through its web page first ([WEBALERT],
    /// Gmail 534 5.7.14).
    WebLogin,
    /// Password logins are switched off; only OAuth2 works (Microsoft 5.7.139).
    OAuthOnly,
    /// The password has expired ([EXPIRED]).
    Expired,
    /// The mechanism is not accepted (504, 5.5.4, 5.7.4, [CANNOT]).
    Mechanism,
    /// The mechanism is too weak for the server (534 5.7.9 per RFC 4954).
    MechanismTooWeak,
    /// Another session holds the mailbox, or checks come too often.
    /// `explicit`: a code ([IN-USE], [INUSE], [LOGIN-DELAY]) said so.
    Locked { explicit: bool, delay: bool },
    /// The server wants encryption before login.
    TlsRequired,
    /// A temporary failure on the server's side.
    Temporary,
    /// Nothing we can tell apart (`BAD`, an unexpected code).
    Unclear,
}

fn text_has_any(reply: &Reply, needles: &[&str]) -> bool {
    needles.iter().any(|n| reply.text_contains(n))
}

fn enhanced_is(reply: &Reply, class: u8, subject: u16, detail: u16) -> bool {
    reply
        .enhanced
        .is_some_and(|e| e.class == class && e.subject == subject && e.detail == detail)
}

const LOCK_TEXTS: &[&str] = &[
    "too many connections",
    "too many simultaneous",
    "maximum number of connections",
    "connection limit",
    "mailbox is locked",
    "mailbox locked",
    "maildrop is locked",
    "unable to lock",
    "already in use",
    "in use by another",
];

const TLS_TEXTS: &[&str] = &[
    "plaintext authentication disallowed",
    "plaintext authentication not allowed",
    "must issue a starttls",
    "starttls required",
    "encryption required",
    "requires encryption",
    "ssl/tls required",
    "tls required",
];

/// Is this reply about a lock or too many sessions?
pub fn lock(reply: &Reply) -> Option<AuthVerdict> {
    let delay = reply.has_code("LOGIN-DELAY");
    if delay || reply.has_code("IN-USE") || reply.has_code("INUSE") {
        return Some(AuthVerdict::Locked {
            explicit: true,
            delay,
        });
    }
    text_has_any(reply, LOCK_TEXTS).then_some(AuthVerdict::Locked {
        explicit: false,
        delay: false,
    })
}

/// Does this reply say "encrypt first"?
pub fn tls_required(reply: &Reply) -> bool {
    reply.has_code("PRIVACYREQUIRED")
        || reply.smtp_code() == Some(538)
        || (reply.smtp_code() == Some(530) && reply.text_contains("tls"))
        || text_has_any(reply, TLS_TEXTS)
}

/// Classify the answer to a login attempt.
pub fn auth(reply: &Reply) -> AuthVerdict {
    if let Some(locked) = lock(reply) {
        return locked;
    }
    if tls_required(reply) {
        return AuthVerdict::TlsRequired;
    }
    if text_has_any(
        reply,
        &[
            "application-specific password",
            "app password",
            "app-specific password",
        ],
    ) {
        return AuthVerdict::AppPassword;
    }
    if reply.has_code("WEBALERT")
        || enhanced_is(reply, 5, 7, 14)
        || text_has_any(
            reply,
            &[
                "web login required",
                "log in via your web browser",
                "sign in via your web browser",
            ],
        )
    {
        return AuthVerdict::WebLogin;
    }
    if text_has_any(
        reply,
        &[
            "basic authentication is disabled",
            "smtpclientauthentication is disabled",
            "only oauth",
            "use oauth",
        ],
    ) {
        return AuthVerdict::OAuthOnly;
    }
    if reply.has_code("EXPIRED") || reply.text_contains("password has expired") {
        return AuthVerdict::Expired;
    }
    if reply.smtp_code() == Some(534) && enhanced_is(reply, 5, 7, 9) {
        return AuthVerdict::MechanismTooWeak;
    }
    if reply.smtp_code() == Some(504)
        || enhanced_is(reply, 5, 5, 4)
        || enhanced_is(reply, 5, 7, 4)
        || reply.has_code("CANNOT")
        || text_has_any(
            reply,
            &[
                "unsupported authentication mechanism",
                "unrecognized authentication type",
                "unknown authentication mechanism",
                "mechanism not supported",
                "authentication mechanism not supported",
            ],
        )
    {
        return AuthVerdict::Mechanism;
    }
    if reply.has_code("UNAVAILABLE")
        || reply.has_code("SYS/TEMP")
        || reply.smtp_code().is_some_and(|c| (400..500).contains(&c))
    {
        return AuthVerdict::Temporary;
    }
    if reply.has_code("AUTHENTICATIONFAILED")
        || reply.has_code("AUTHORIZATIONFAILED")
        || reply.has_code("AUTH")
        || reply.smtp_code() == Some(535)
        || enhanced_is(reply, 5, 7, 8)
        || enhanced_is(reply, 5, 7, 139)
    {
        return AuthVerdict::BadCredentials { explicit: true };
    }
    match reply.status {
        Status::ImapNo | Status::Pop3Err => AuthVerdict::BadCredentials { explicit: false },
        Status::Smtp(code) if (500..600).contains(&code) => {
            AuthVerdict::BadCredentials { explicit: false }
        }
        _ => AuthVerdict::Unclear,
    }
}

/// What an answer to MAIL FROM or RCPT TO says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelayVerdict {
    Accepted,
    /// Relaying to outside domains is refused (554/550 5.7.1 relay denied).
    RelayDenied,
    /// Login needed first (530 5.7.0 / 5.7.1 authentication required).
    AuthRequired,
    /// The sender address is not allowed for this user (553 5.7.1 not owned).
    SenderRefused,
    /// The recipient does not exist (5.1.1 and friends).
    RecipientUnknown,
    TlsRequired,
    Temporary,
    Other,
}

pub fn relay(reply: &Reply) -> RelayVerdict {
    if reply.status.is_ok() {
        return RelayVerdict::Accepted;
    }
    if tls_required(reply) {
        return RelayVerdict::TlsRequired;
    }
    let code = reply.smtp_code().unwrap_or(0);
    if text_has_any(
        reply,
        &[
            "authentication required",
            "authentication is required",
            "must authenticate",
            "please authenticate",
            "auth first",
            "login first",
            "not logged in",
        ],
    ) || (code == 530 && enhanced_is(reply, 5, 7, 0))
    {
        return RelayVerdict::AuthRequired;
    }
    if text_has_any(
        reply,
        &[
            "relay access denied",
            "relaying denied",
            "relay denied",
            "relay not permitted",
            "not permitted to relay",
            "unable to relay",
            "relaying not allowed",
            "we do not relay",
        ],
    ) {
        return RelayVerdict::RelayDenied;
    }
    if text_has_any(
        reply,
        &[
            "sender address rejected",
            "not owned by",
            "not allowed to send",
            "send as",
            "sender not allowed",
        ],
    ) || code == 553
        || enhanced_is(reply, 5, 7, 60)
        || enhanced_is(reply, 5, 1, 8)
    {
        return RelayVerdict::SenderRefused;
    }
    if reply
        .enhanced
        .is_some_and(|e| e.class == 5 && e.subject == 1 && matches!(e.detail, 1 | 2 | 3 | 6 | 10))
        || text_has_any(
            reply,
            &["user unknown", "no such user", "recipient unknown"],
        )
    {
        return RelayVerdict::RecipientUnknown;
    }
    if enhanced_is(reply, 5, 7, 1) && matches!(code, 550 | 554) {
        return RelayVerdict::RelayDenied;
    }
    if (400..500).contains(&code) {
        return RelayVerdict::Temporary;
    }
    RelayVerdict::Other
}

/// The protocol a line of plain text belongs to, if it is a mail greeting:
/// the preview a failed TLS handshake caught, or a greeting line.
pub fn greeting_protocol(line: &str) -> Option<Protocol> {
    let line = line.trim_start();
    let upper = line.to_ascii_uppercase();
    if upper.starts_with("+OK") || upper.starts_with("-ERR") {
        return Some(Protocol::Pop3);
    }
    if upper.starts_with("* OK") || upper.starts_with("* PREAUTH") || upper.starts_with("* BYE") {
        return Some(Protocol::Imap);
    }
    let bytes = line.as_bytes();
    if bytes.len() >= 3
        && bytes[..3].iter().all(u8::is_ascii_digit)
        && matches!(bytes.get(3), None | Some(b' ' | b'-'))
        && matches!(bytes[0], b'2' | b'4' | b'5')
    {
        return Some(Protocol::Smtp);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Enhanced;
    use rstest::rstest;

    fn smtp(code: u16, e: (u8, u16, u16), text: &str) -> Reply {
        Reply::new(Status::Smtp(code), text).with_enhanced(Enhanced::new(e.0, e.1, e.2))
    }
    fn imap_no(code: Option<&str>, text: &str) -> Reply {
        let r = Reply::new(Status::ImapNo, text);
        match code {
            Some(c) => r.with_code(c),
            None => r,
        }
    }
    fn pop_err(code: Option<&str>, text: &str) -> Reply {
        let r = Reply::new(Status::Pop3Err, text);
        match code {
            Some(c) => r.with_code(c),
            None => r,
        }
    }

    #[rstest]
    #[case::postfix(smtp(535, (5, 7, 8), "Error: authentication failed: authentication failure"), AuthVerdict::BadCredentials { explicit: true })]
    #[case::dovecot_imap(imap_no(Some("AUTHENTICATIONFAILED"), "Authentication failed."), AuthVerdict::BadCredentials { explicit: true })]
    #[case::dovecot_pop3(pop_err(Some("AUTH"), "Authentication failed."), AuthVerdict::BadCredentials { explicit: true })]
    #[case::bare_no(imap_no(None, "Login failed."), AuthVerdict::BadCredentials { explicit: false })]
    #[case::bare_err(pop_err(None, "Bad login"), AuthVerdict::BadCredentials { explicit: false })]
    #[case::ms_wrong(smtp(535, (5, 7, 139), "Authentication unsuccessful, the user credentials were incorrect."), AuthVerdict::BadCredentials { explicit: true })]
    #[case::ms_basic_off(smtp(535, (5, 7, 139), "Authentication unsuccessful, basic authentication is disabled."), AuthVerdict::OAuthOnly)]
    #[case::gmail_app(smtp(534, (5, 7, 9), "Application-specific password required. For more information, go to https://support.google.com/mail/?p=InvalidSecondFactor"), AuthVerdict::AppPassword)]
    #[case::gmail_web(smtp(534, (5, 7, 14), "Please log in via your web browser and then try again."), AuthVerdict::WebLogin)]
    #[case::webalert(
        imap_no(
            Some("WEBALERT"),
            "Web login required: https://support.google.com/mail/answer/78754"
        ),
        AuthVerdict::WebLogin
    )]
    #[case::too_weak(smtp(534, (5, 7, 9), "Authentication mechanism is too weak"), AuthVerdict::MechanismTooWeak)]
    #[case::unsupported(smtp(504, (5, 5, 4), "Unrecognized authentication type"), AuthVerdict::Mechanism)]
    #[case::cannot(
        imap_no(Some("CANNOT"), "Unsupported authentication mechanism."),
        AuthVerdict::Mechanism
    )]
    #[case::in_use(pop_err(Some("IN-USE"), "Mailbox is locked by another POP3 session."), AuthVerdict::Locked { explicit: true, delay: false })]
    #[case::inuse(imap_no(Some("INUSE"), "Mailbox in use."), AuthVerdict::Locked { explicit: true, delay: false })]
    #[case::login_delay(pop_err(Some("LOGIN-DELAY"), "Wait 15 minutes between logins."), AuthVerdict::Locked { explicit: true, delay: true })]
    #[case::max_conn(pop_err(Some("SYS/TEMP"), "Maximum number of connections from user+IP exceeded (mail_max_userip_connections=10)"), AuthVerdict::Locked { explicit: false, delay: false })]
    #[case::privacy(
        imap_no(
            Some("PRIVACYREQUIRED"),
            "Plaintext authentication disallowed on non-secure (SSL/TLS) connections."
        ),
        AuthVerdict::TlsRequired
    )]
    #[case::pop_plain(
        pop_err(
            None,
            "Plaintext authentication disallowed on non-secure (SSL/TLS) connections."
        ),
        AuthVerdict::TlsRequired
    )]
    #[case::starttls_first(smtp(530, (5, 7, 0), "Must issue a STARTTLS command first"), AuthVerdict::TlsRequired)]
    #[case::temp(smtp(454, (4, 7, 0), "Temporary authentication failure"), AuthVerdict::Temporary)]
    #[case::unavailable(
        imap_no(Some("UNAVAILABLE"), "Temporary authentication failure."),
        AuthVerdict::Temporary
    )]
    #[case::expired(imap_no(Some("EXPIRED"), "Password expired."), AuthVerdict::Expired)]
    #[case::bad(
        Reply::new(Status::ImapBad, "Error in IMAP command"),
        AuthVerdict::Unclear
    )]
    fn auth_replies(#[case] reply: Reply, #[case] expected: AuthVerdict) {
        assert_eq!(auth(&reply), expected, "{reply}");
    }

    #[rstest]
    #[case::ok(Reply::new(Status::Smtp(250), "2.1.5 Ok"), RelayVerdict::Accepted)]
    #[case::postfix_relay(smtp(554, (5, 7, 1), "<probe@example.net>: Relay access denied"), RelayVerdict::RelayDenied)]
    #[case::bare_571(smtp(550, (5, 7, 1), "Unable to deliver"), RelayVerdict::RelayDenied)]
    #[case::auth_required(smtp(530, (5, 7, 0), "Authentication required"), RelayVerdict::AuthRequired)]
    #[case::exim_auth(smtp(550, (5, 7, 1), "Relaying not permitted, please authenticate first"), RelayVerdict::AuthRequired)]
    #[case::not_owned(smtp(553, (5, 7, 1), "<alice@example.org>: Sender address rejected: not owned by user bob@example.org"), RelayVerdict::SenderRefused)]
    #[case::ms_send_as(smtp(554, (5, 2, 0), "STOREDRV.Submission.Exception:SendAsDeniedException; not allowed to send as"), RelayVerdict::SenderRefused)]
    #[case::unknown(smtp(550, (5, 1, 1), "<probe@example.net>: Recipient address rejected: User unknown"), RelayVerdict::RecipientUnknown)]
    #[case::greylist(smtp(450, (4, 2, 0), "Greylisted, try again later"), RelayVerdict::Temporary)]
    #[case::tls(smtp(530, (5, 7, 0), "Must issue a STARTTLS command first"), RelayVerdict::TlsRequired)]
    fn relay_replies(#[case] reply: Reply, #[case] expected: RelayVerdict) {
        assert_eq!(relay(&reply), expected, "{reply}");
    }

    #[rstest]
    #[case("+OK Dovecot ready.", Some(Protocol::Pop3))]
    #[case("* OK [CAPABILITY IMAP4rev1] Dovecot ready.", Some(Protocol::Imap))]
    #[case("220 mail.example.org ESMTP Postfix", Some(Protocol::Smtp))]
    #[case("220-mail.example.org ESMTP", Some(Protocol::Smtp))]
    #[case("554 No SMTP service here", Some(Protocol::Smtp))]
    #[case("SSH-2.0-OpenSSH_9.2p1", None)]
    #[case("HTTP/1.1 400 Bad Request", None)]
    #[case("2200 nope", None)]
    fn greetings(#[case] line: &str, #[case] expected: Option<Protocol>) {
        assert_eq!(greeting_protocol(line), expected);
    }
}
