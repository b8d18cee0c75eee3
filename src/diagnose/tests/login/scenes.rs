//! The scenes of the login table: reports as the probes would have
//! built them for each cause.

use crate::account::{AuthMech, Protocol, Security};
use crate::diagnose::testkit::*;
use crate::evidence::{
    CertProblem, LoginSkip, MailboxOutcome, Phase, PinCheck, Publisher, Reply, SessionEnd,
    StarttlsOutcome, Status, TlsOutcome,
};

/// The configured IMAP endpoint up to the capabilities, then `login`.
pub(super) fn imap_login(reply: Reply) -> Rb {
    healthy_imap().ep(cfg(IN, IMAP, 993, Security::Tls)
        .greet(IMAP_HELLO)
        .caps(&["PLAIN", "LOGIN"], false)
        .rejected(AuthMech::Plain, reply))
}

pub(super) fn pop3_login(mech: AuthMech, reply: Reply) -> Rb {
    healthy_pop3().ep(cfg(IN, POP3, 995, Security::Tls)
        .greet(POP3_HELLO)
        .caps(&["PLAIN"], false)
        .caps_with(|c| c.user_pass = true)
        .rejected(mech, reply))
}

pub(super) fn smtp_login(reply: Reply) -> Rb {
    healthy_smtp().ep(cfg(OUT, Protocol::Smtp, 587, Security::Starttls)
        .greet(SMTP_HELLO)
        .caps(&[], true)
        .starttls_ok()
        .rejected(AuthMech::Plain, reply))
}

pub(super) fn imap_skip(skip: LoginSkip, auth: &[&str]) -> Rb {
    healthy_imap().ep(cfg(IN, IMAP, 993, Security::Tls)
        .greet(IMAP_HELLO)
        .caps(auth, false)
        .skipped(skip))
}

pub(super) fn imap_tls(tls: TlsOutcome, skip: LoginSkip) -> Rb {
    healthy_imap().ep(cfg(IN, IMAP, 993, Security::Tls).tls(tls).skipped(skip))
}

pub(super) fn rejected_cert(problem: CertProblem, issuer: &str) -> TlsOutcome {
    TlsOutcome::CertRejected {
        problem,
        cert: Some(cert("mx.elsewhere.example", issuer)),
    }
}

pub(super) fn pinned(changed_issuer: bool) -> Rb {
    let tls = TlsOutcome::Verified {
        version: "TLSv1.3".into(),
        cipher: "TLS13_AES_128_GCM_SHA256".into(),
        cert: cert(
            HOST,
            if changed_issuer {
                "CN=Other CA"
            } else {
                "CN=R11, O=Let's Encrypt, C=US"
            },
        ),
        pin: PinCheck::Changed {
            previous_sha256: "aa11bb22cc33dd44ee55ff6600778899aa11bb22cc33dd44ee55ff6600778899"
                .into(),
            previous_issuer: "CN=R11, O=Let's Encrypt, C=US".into(),
        },
    };
    let e = cfg(IN, IMAP, 993, Security::Tls)
        .tls(tls)
        .greet(IMAP_HELLO)
        .caps(&["PLAIN"], false);
    let e = if changed_issuer {
        e.skipped(LoginSkip::CertificateChanged)
    } else {
        e.login(crate::evidence::LoginOutcome::Accepted {
            mechanism: AuthMech::Plain,
        })
        .mailbox(MailboxOutcome::Opened { messages: Some(1) })
        .end(SessionEnd::Completed)
    };
    healthy_imap().ep(e)
}

/// `* BYE [REFERRAL …]` as the greeting: go elsewhere.
pub(super) fn referral_greeting() -> Rb {
    healthy_imap()
        .ep(cfg(IN, IMAP, 993, Security::Tls)
            .greet("* BYE [REFERRAL imap://u@imap2.example.org/] Server moved")
            .end(SessionEnd::Closed {
                phase: Phase::Greeting,
                reply: None,
            }))
        .edit(|r| {
            let g = r
                .endpoints
                .iter_mut()
                .find(|p| p.role == crate::evidence::Role::Configured)
                .and_then(|p| p.session.as_mut())
                .and_then(|s| s.greeting.as_mut())
                .unwrap();
            g.reply = Some(
                imap_r(Status::ImapBye, None, "Server moved").with_referral("imap2.example.org"),
            );
        })
}

pub(super) fn injected() -> Rb {
    healthy_imap()
        .incoming(IMAP, 143, Security::Starttls)
        .ep(cfg(IN, IMAP, 143, Security::Starttls)
            .greet(IMAP_HELLO)
            .caps_with(|c| {
                c.starttls = true;
                c.login_disabled = true;
            })
            .starttls(StarttlsOutcome::InjectedData { bytes: 31 })
            .skipped(LoginSkip::WouldBePlaintext)
            .end(SessionEnd::Stopped {
                phase: Phase::Starttls,
                reason: "data injected".into(),
            }))
        .ep(nb(IN, IMAP, 993, Security::Tls).healthy())
}

/// The domain's SRV record names another IMAP server, which answers;
/// the configured one refuses the password.
pub(super) fn srv_elsewhere() -> Rb {
    imap_login(imap_r(
        Status::ImapNo,
        Some("AUTHENTICATIONFAILED"),
        "Authentication failed.",
    ))
    .mx("example.org", "mx.example.org")
    .srv_serving("_imaps._tcp", IMAP, "imap.provider.net", 993, Security::Tls)
}

/// MX and SRV name the same other host; the engine probed it once, as
/// whichever answer came first (here the MX). The SRV record still counts.
pub(super) fn srv_and_mx_elsewhere_probe_claimed_by_mx() -> Rb {
    imap_login(imap_r(
        Status::ImapNo,
        Some("AUTHENTICATIONFAILED"),
        "Authentication failed.",
    ))
    .mx("example.org", "imap.provider.net")
    .srv("_imaps._tcp.example.org", 993, "imap.provider.net")
    .ep(publ(
        IN,
        Publisher::Mx,
        IMAP,
        "imap.provider.net",
        993,
        Security::Tls,
    )
    .healthy())
}

pub(super) fn mech_config() -> Rb {
    imap_skip(
        LoginSkip::MechanismNotOffered {
            wanted: AuthMech::CramMd5,
            offered: vec!["PLAIN".into(), "LOGIN".into()],
        },
        &["PLAIN", "LOGIN"],
    )
    .server(IN, |s| s.auth = AuthMech::CramMd5)
}

pub(super) fn mx_elsewhere() -> Rb {
    imap_login(imap_r(
        Status::ImapNo,
        Some("AUTHENTICATIONFAILED"),
        "Authentication failed.",
    ))
    .mx("example.org", "mx.example.org")
    .ep(publ(
        IN,
        Publisher::Mx,
        IMAP,
        "mx.example.org",
        993,
        Security::Tls,
    )
    .healthy())
}

pub(super) fn bye_after_login() -> Rb {
    healthy_imap().ep(cfg(IN, IMAP, 993, Security::Tls)
        .greet(IMAP_HELLO)
        .caps(&["PLAIN"], false)
        .login(crate::evidence::LoginOutcome::Accepted { mechanism: AuthMech::Plain })
        .end(SessionEnd::Closed {
            phase: Phase::Mailbox,
            reply: Some(imap_r(Status::ImapBye, None, "Maximum number of connections from user+IP exceeded (mail_max_userip_connections=10)")),
        }))
}
