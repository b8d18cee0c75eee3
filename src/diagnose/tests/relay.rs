//! Relay causes 1–2.

use rstest::rstest;

use crate::account::{AuthMech, Security};
use crate::catalogue::{CauseId, ids};
use crate::diagnose::testkit::*;
use crate::evidence::{LoginOutcome, LoginSkip, Reply};
use crate::finding::Confidence::{self, *};

fn relay_denied() -> Reply {
    smtp_r(554, (5, 7, 1), "<probe@example.net>: Relay access denied")
}

fn not_owned() -> Reply {
    smtp_r(
        553,
        (5, 7, 1),
        "<alice@example.org>: Sender address rejected: not owned by user bob@example.org",
    )
}

fn ok() -> Reply {
    smtp_r(250, (2, 1, 0), "Ok")
}

/// auth = none on 587: AUTH is offered, RCPT to outside is refused.
fn unauthenticated() -> Rb {
    healthy_smtp()
        .server(OUT, |s| s.auth = AuthMech::None)
        .ep(cfg(OUT, SMTP, 587, Security::Starttls)
            .greet(SMTP_HELLO)
            .caps(&[], true)
            .starttls_ok()
            .skipped(LoginSkip::AuthNone)
            .relay(false, ok(), Some(relay_denied())))
}

/// Port 25 offers no AUTH at all; 587 does.
fn unauthenticated_on_25() -> Rb {
    healthy_smtp()
        .outgoing(25, Security::Starttls)
        .server(OUT, |s| s.auth = AuthMech::None)
        .without(OUT, 25, Security::Starttls)
        .ep(cfg(OUT, SMTP, 25, Security::Starttls)
            .greet(SMTP_HELLO)
            .caps(&[], true)
            .starttls_ok()
            .caps_with(|c| c.auth.clear())
            .skipped(LoginSkip::AuthNone)
            .relay(false, ok(), Some(relay_denied())))
        .ep(nb(OUT, SMTP, 587, Security::Starttls).healthy())
}

fn sender_refused(at_rcpt: bool) -> Rb {
    let (from, rcpt) = if at_rcpt {
        (ok(), Some(not_owned()))
    } else {
        (not_owned(), None)
    };
    healthy_smtp().ep(cfg(OUT, SMTP, 587, Security::Starttls)
        .greet(SMTP_HELLO)
        .caps(&[], true)
        .starttls_ok()
        .login(LoginOutcome::Accepted {
            mechanism: AuthMech::Plain,
        })
        .relay(true, from, rcpt))
}

fn sender_elsewhere() -> Rb {
    sender_refused(true).srv_serving(
        "_submission._tcp",
        SMTP,
        "smtp.provider.net",
        587,
        Security::Starttls,
    )
}

#[rstest]
#[case::relay_denied(
    unauthenticated(),
    ids::AUTH_REQUIRED,
    Certain,
    "`554 5.7.1 <probe@example.net>: Relay access denied` to RCPT TO:<probe@example.net>",
    Some("auth auto")
)]
#[case::no_auth_here(
    unauthenticated_on_25(),
    ids::AUTH_REQUIRED,
    Likely,
    "port 25 offers no login",
    Some("port 465, security tls, auth auto")
)]
#[case::not_owned_rcpt(
    sender_refused(true),
    ids::SENDER_NOT_ALLOWED,
    Certain,
    "Sender address rejected: not owned by user bob@example.org",
    None
)]
#[case::not_owned_from(
    sender_refused(false),
    ids::SENDER_NOT_ALLOWED,
    Certain,
    "to MAIL FROM:<alice@example.org>",
    None
)]
#[case::srv_elsewhere(
    sender_elsewhere(),
    ids::SENDER_NOT_ALLOWED,
    Certain,
    "example.org names smtp.provider.net as its server for sending",
    Some("server smtp.provider.net, port 587, security starttls")
)]
fn relay_causes(
    #[case] scene: Rb,
    #[case] cause: CauseId,
    #[case] confidence: Confidence,
    #[case] evidence: &str,
    #[case] patch: Option<&str>,
) {
    assert_top(&scene.diagnose(), OUT, cause, confidence, evidence, patch);
}

#[test]
fn relay_evidence_says_no_message_was_sent() {
    let d = unauthenticated().diagnose();
    let f = must(&d, OUT, ids::AUTH_REQUIRED);
    has_line(&f.evidence, "mailfix stops before DATA");
    has_line(&f.evidence, "auth = none");
    has_line(&f.evidence, "the server offers login (PLAIN and LOGIN)");
}

#[test]
fn a_refusal_while_logged_in_rules_out_cause_1() {
    let d = sender_refused(true).diagnose();
    ruled_with(&d, OUT, ids::AUTH_REQUIRED, "logged in");
}

#[test]
fn an_accepted_relay_rules_both_out() {
    let d = healthy_smtp().diagnose();
    ruled_with(&d, OUT, ids::AUTH_REQUIRED, "no message was sent");
    ruled_with(&d, OUT, ids::SENDER_NOT_ALLOWED, "alice@example.org");
}

#[test]
fn an_unknown_test_recipient_is_only_a_note() {
    let d = healthy_smtp()
        .ep(cfg(OUT, SMTP, 587, Security::Starttls)
            .greet(SMTP_HELLO)
            .caps(&[], true)
            .starttls_ok()
            .login(LoginOutcome::Accepted { mechanism: AuthMech::Plain })
            .relay(true, ok(), Some(smtp_r(550, (5, 1, 1), "<probe@example.net>: Recipient address rejected: User unknown in virtual mailbox table"))))
        .diagnose();
    assert!(d.findings.is_empty(), "{d:#?}");
    assert!(d.is_ok());
    assert!(d.notes.iter().any(|n| n.text.contains("relay_probe_rcpt")));
}

#[rstest]
#[case::no_password(LoginSkip::NoPassword, "Give the outgoing server a password")]
#[case::unencrypted(LoginSkip::WouldBePlaintext, "Once the login works")]
fn the_relay_fix_follows_why_no_login_happened(#[case] skip: LoginSkip, #[case] fix: &str) {
    let d = healthy_smtp()
        .ep(cfg(OUT, SMTP, 587, Security::Starttls)
            .greet(SMTP_HELLO)
            .caps(&[], true)
            .starttls_ok()
            .skipped(skip)
            .relay(false, ok(), Some(relay_denied())))
        .diagnose();
    let f = must(&d, OUT, ids::AUTH_REQUIRED);
    has_line(&f.fix, fix);
    assert!(f.patch.is_none());
}
