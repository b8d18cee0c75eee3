//! Login causes 1–5.

mod peers;
mod scenes;

use rstest::rstest;

use crate::account::{AuthMech, Protocol, Security, Service};
use crate::catalogue::{CauseId, ids};
use crate::diagnose::testkit::*;
use crate::evidence::{CertProblem, LoginSkip, Status};
use crate::finding::Confidence::{self, *};

use scenes::*;

#[rstest]
#[case::postfix_535(smtp_login(smtp_r(535, (5, 7, 8), "Error: authentication failed: authentication failure")), OUT, ids::BAD_CREDENTIALS, Certain, "`535 5.7.8 Error: authentication failed: authentication failure` to AUTH PLAIN", None)]
#[case::dovecot_imap(
    imap_login(imap_r(Status::ImapNo, Some("AUTHENTICATIONFAILED"), "Authentication failed.")),
    IN,
    ids::BAD_CREDENTIALS,
    Certain,
    "`NO [AUTHENTICATIONFAILED] Authentication failed.` to AUTHENTICATE PLAIN",
    None
)]
#[case::dovecot_pop3(
    pop3_login(AuthMech::Login, pop_r(false, Some("AUTH"), "Authentication failed.")),
    IN,
    ids::BAD_CREDENTIALS,
    Certain,
    "`-ERR [AUTH] Authentication failed.` to USER/PASS",
    None
)]
#[case::bare_no(
    imap_login(imap_r(Status::ImapNo, None, "Login failed.")),
    IN,
    ids::BAD_CREDENTIALS,
    Likely,
    "`NO Login failed.`",
    None
)]
#[case::gmail_app_password(smtp_login(smtp_r(534, (5, 7, 9), "Application-specific password required. For more information, go to https://support.google.com/mail/?p=InvalidSecondFactor")), OUT, ids::BAD_CREDENTIALS, Certain, "Application-specific password required", None)]
#[case::webalert(
    imap_login(imap_r(
        Status::ImapNo,
        Some("WEBALERT"),
        "Web login required: https://support.google.com/mail/answer/78754"
    )),
    IN,
    ids::BAD_CREDENTIALS,
    Likely,
    "[WEBALERT]",
    None
)]
#[case::expired(
    imap_login(imap_r(Status::ImapNo, Some("EXPIRED"), "Password expired.")),
    IN,
    ids::BAD_CREDENTIALS,
    Likely,
    "[EXPIRED]",
    None
)]
#[case::mech_config(
    mech_config(),
    IN,
    ids::MECH_NOT_OFFERED,
    Certain,
    "auth = cram-md5, but the server offers PLAIN and LOGIN",
    Some("auth auto")
)]
#[case::mech_504(smtp_login(smtp_r(504, (5, 5, 4), "Unrecognized authentication type")), OUT, ids::MECH_NOT_OFFERED, Certain, "504 5.5.4", Some("auth login"))]
#[case::mech_cannot(
    imap_login(imap_r(
        Status::ImapNo,
        Some("CANNOT"),
        "Unsupported authentication mechanism."
    )),
    IN,
    ids::MECH_NOT_OFFERED,
    Certain,
    "[CANNOT]",
    Some("auth login")
)]
#[case::oauth_only(imap_skip(LoginSkip::NoCommonMechanism { offered: vec!["XOAUTH2".into(), "OAUTHBEARER".into()] }, &["XOAUTH2", "OAUTHBEARER"]), IN, ids::MECH_NOT_OFFERED, Certain, "offers XOAUTH2 and OAUTHBEARER", Some("auth xoauth2"))]
#[case::microsoft_basic_off(smtp_login(smtp_r(535, (5, 7, 139), "Authentication unsuccessful, basic authentication is disabled. [AM0PR02CA0123.eurprd02.prod.outlook.com]")), OUT, ids::MECH_NOT_OFFERED, Likely, "basic authentication is disabled", None)]
#[case::pop3_in_use(
    pop3_login(
        AuthMech::Plain,
        pop_r(false, Some("IN-USE"), "Mailbox is locked by another POP3 session.")
    ),
    IN,
    ids::MAILBOX_LOCKED,
    Certain,
    "[IN-USE]",
    None
)]
#[case::imap_inuse(
    imap_login(imap_r(Status::ImapNo, Some("INUSE"), "Mailbox in use.")),
    IN,
    ids::MAILBOX_LOCKED,
    Certain,
    "[INUSE]",
    None
)]
#[case::login_delay(
    pop3_login(
        AuthMech::Plain,
        pop_r(false, Some("LOGIN-DELAY"), "Wait between logins.")
    ),
    IN,
    ids::MAILBOX_LOCKED,
    Certain,
    "[LOGIN-DELAY]",
    None
)]
#[case::too_many(
    bye_after_login(),
    IN,
    ids::MAILBOX_LOCKED,
    Likely,
    "Maximum number of connections",
    None
)]
#[case::srv_elsewhere(
    srv_elsewhere(),
    IN,
    ids::WRONG_SERVER,
    Likely,
    "SRV record _imaps._tcp.example.org names imap.provider.net, not mail.example.org",
    Some("server imap.provider.net, port 993, security tls")
)]
#[case::name_mismatch(imap_tls(rejected_cert(CertProblem::NameMismatch { expected: HOST.into(), presented: vec!["mx.elsewhere.example".into()] }, "CN=R11, O=Let's Encrypt, C=US"), LoginSkip::TlsNotVerified), IN, ids::SECURITY_ALARM, Certain, "certificate is for mx.elsewhere.example but the server is mail.example.org", None)]
#[case::self_signed(imap_tls(rejected_cert(CertProblem::SelfSigned { subject: "CN=localhost".into() }, "CN=localhost"), LoginSkip::TlsNotVerified), IN, ids::SECURITY_ALARM, Certain, "self-signed certificate (CN=localhost)", None)]
#[case::expired_cert(imap_tls(rejected_cert(CertProblem::Expired { not_after: "2025-03-01T00:00:00Z".into() }, "CN=R11"), LoginSkip::TlsNotVerified), IN, ids::SECURITY_ALARM, Certain, "expired on 2025-03-01", None)]
#[case::pin_other_issuer(
    pinned(true),
    IN,
    ids::SECURITY_ALARM,
    Likely,
    "then SHA-256 aa11bb22cc33dd44…",
    None
)]
#[case::pin_same_issuer(
    pinned(false),
    IN,
    ids::SECURITY_ALARM,
    Possible,
    "not the one seen at the last good check",
    None
)]
#[case::referral(
    imap_login(imap_r(Status::ImapNo, None, "Log in on the other server").with_referral("imap2.example.org:1143")),
    IN,
    ids::WRONG_SERVER,
    Likely,
    "the server it points at is imap2.example.org:1143",
    None
)]
#[case::referral_without_a_server(
    imap_login(imap_r(Status::ImapNo, Some("REFERRAL"), "Log in on the other server")),
    IN,
    ids::WRONG_SERVER,
    Likely,
    "the server answered `NO [REFERRAL] Log in on the other server`",
    None
)]
#[case::referral_greeting(
    referral_greeting(),
    IN,
    ids::WRONG_SERVER,
    Likely,
    "the server it points at is imap2.example.org",
    None
)]
#[case::injected(
    injected(),
    IN,
    ids::SECURITY_ALARM,
    Likely,
    "31 bytes arrived right after the STARTTLS go-ahead",
    Some("port 993, security tls")
)]
fn login_causes(
    #[case] scene: Rb,
    #[case] service: Service,
    #[case] cause: CauseId,
    #[case] confidence: Confidence,
    #[case] evidence: &str,
    #[case] patch: Option<&str>,
) {
    let t = assert_top(
        &scene.diagnose(),
        service,
        cause,
        confidence,
        evidence,
        patch,
    );
    assert!(!t.fix.is_empty());
}

#[test]
fn wrong_password_fixes_carry_the_hints() {
    let d = imap_login(imap_r(
        Status::ImapNo,
        Some("AUTHENTICATIONFAILED"),
        "Authentication failed.",
    ))
    .server(IN, |s| {
        s.username = "alice".into();
        s.password = crate::account::PasswordSource::Command("pass show mail".into());
    })
    .diagnose();
    let f = must(&d, IN, ids::BAD_CREDENTIALS);
    has_line(&f.fix, "Caps Lock");
    has_line(&f.fix, "try alice@example.org");
    has_line(&f.fix, "`pass show mail`");
    has_line(&f.evidence, "mailfix logged in as `alice`");
    ruled_with(&d, IN, ids::MECH_NOT_OFFERED, "offers PLAIN");
    ruled_with(&d, IN, ids::WRONG_SERVER, "MX record of example.org");
}

#[test]
fn the_app_password_fix_says_app_password() {
    let d = smtp_login(smtp_r(
        534,
        (5, 7, 9),
        "Application-specific password required.",
    ))
    .diagnose();
    has_line(&must(&d, OUT, ids::BAD_CREDENTIALS).fix, "app password");
}

#[test]
fn in_use_rules_out_a_wrong_password() {
    let d = pop3_login(
        AuthMech::Plain,
        pop_r(false, Some("IN-USE"), "Mailbox is locked."),
    )
    .diagnose();
    assert!(get(&d, IN, ids::BAD_CREDENTIALS).is_none());
    ruled_with(&d, IN, ids::BAD_CREDENTIALS, "[IN-USE]");
    // The close after the lock is not a second cause.
    assert!(get(&d, IN, ids::SERVER_DROPPED).is_none());
}

#[rstest]
#[case::srv(srv_elsewhere(), &[(ids::WRONG_SERVER, Likely), (ids::BAD_CREDENTIALS, Possible)])]
#[case::mx(mx_elsewhere(), &[(ids::BAD_CREDENTIALS, Likely), (ids::WRONG_SERVER, Possible)])]
#[case::srv_probe_claimed_by_mx(srv_and_mx_elsewhere_probe_claimed_by_mx(), &[(ids::WRONG_SERVER, Likely), (ids::BAD_CREDENTIALS, Possible)])]
#[case::basic_off(smtp_login(smtp_r(535, (5, 7, 139), "Authentication unsuccessful, basic authentication is disabled.")), &[(ids::MECH_NOT_OFFERED, Likely), (ids::BAD_CREDENTIALS, Possible)])]
fn ambiguous_logins_are_ranked(#[case] scene: Rb, #[case] expected: &[(CauseId, Confidence)]) {
    let d = scene.diagnose();
    let got: Vec<(CauseId, Confidence)> =
        d.findings.iter().map(|f| (f.cause, f.confidence)).collect();
    assert_eq!(got, expected, "{d:#?}");
}

#[test]
fn wrong_server_says_the_password_was_not_tried_there() {
    let d = srv_elsewhere().diagnose();
    has_line(
        &must(&d, IN, ids::WRONG_SERVER).evidence,
        "mailfix did not try your password on imap.provider.net",
    );
}

#[test]
fn a_greeting_naming_another_domain_is_a_weak_wrong_server_hint() {
    let d = healthy_smtp()
        .ep(cfg(OUT, Protocol::Smtp, 587, Security::Starttls)
            .greet("220 smtp.otherhost.net ESMTP Exim 4.96")
            .caps(&[], true)
            .starttls_ok()
            .rejected(
                AuthMech::Plain,
                smtp_r(535, (5, 7, 8), "Incorrect authentication data"),
            ))
        .edit(|r| r.dns.retain(|l| l.kind != crate::evidence::RecordKind::Mx))
        .diagnose();
    assert_eq!(conf(&d, OUT, ids::BAD_CREDENTIALS), Some(Likely));
    let f = must(&d, OUT, ids::WRONG_SERVER);
    assert_eq!(f.confidence, Possible);
    has_line(&f.evidence, "smtp.otherhost.net");
}

#[test]
fn a_certificate_from_an_interception_product_is_also_a_firewall() {
    let d = imap_tls(
        rejected_cert(
            CertProblem::UnknownIssuer {
                issuer: "CN=FortiGate CA, O=Fortinet".into(),
            },
            "CN=FortiGate CA, O=Fortinet",
        ),
        LoginSkip::TlsNotVerified,
    )
    .diagnose();
    assert_eq!(conf(&d, IN, ids::SECURITY_ALARM), Some(Certain));
    let f = must(&d, IN, ids::FIREWALL);
    assert_eq!(f.confidence, Certain);
    // The interception is the cause; the alarm is what it sets off.
    assert_eq!(top(&d).cause, ids::FIREWALL);
    has_line(&f.evidence, "fortinet");
    has_line(
        &must(&d, IN, ids::SECURITY_ALARM).fix,
        "change the password",
    );
}

#[test]
fn a_sound_certificate_rules_out_the_alarm() {
    let d = healthy_imap().diagnose();
    ruled_with(&d, IN, ids::SECURITY_ALARM, "valid for mail.example.org");
}

#[test]
fn a_temporary_failure_is_a_note_not_a_wrong_password() {
    let d = imap_login(imap_r(
        Status::ImapNo,
        Some("UNAVAILABLE"),
        "Temporary authentication failure.",
    ))
    .diagnose();
    assert!(get(&d, IN, ids::BAD_CREDENTIALS).is_none());
    assert!(
        d.notes
            .iter()
            .any(|n| n.problem && n.text.contains("temporary"))
    );
}

#[test]
fn ssl_handshake_tls_not_verified_without_details_still_alarms() {
    let d = imap_skip(LoginSkip::TlsNotVerified, &["PLAIN"]).diagnose();
    let f = must(&d, IN, ids::SECURITY_ALARM);
    assert_eq!(f.confidence, Certain);
}

#[test]
fn no_auth_after_tls_on_port_25_points_to_submission() {
    let d = healthy_smtp()
        .outgoing(25, Security::Starttls)
        .without(OUT, 25, Security::Starttls)
        .ep(cfg(OUT, Protocol::Smtp, 25, Security::Starttls)
            .greet(SMTP_HELLO)
            .caps(&[], true)
            .starttls_ok()
            .caps_with(|c| c.auth.clear())
            .skipped(LoginSkip::ServerDisallows))
        .ep(nb(OUT, Protocol::Smtp, 587, Security::Starttls).healthy())
        .diagnose();
    let f = must(&d, OUT, ids::MECH_NOT_OFFERED);
    assert_eq!(f.confidence, Likely);
    assert_eq!(f.patch.unwrap().describe(), "port 465, security tls");
}

#[test]
fn a_certificate_change_skip_alone_still_alarms() {
    let d = imap_skip(LoginSkip::CertificateChanged, &["PLAIN"]).diagnose();
    let f = must(&d, IN, ids::SECURITY_ALARM);
    assert_eq!(f.confidence, Likely);
    // The valid certificate alone would have ruled it out; found wins.
    assert!(ruled(&d, IN, ids::SECURITY_ALARM).is_none(), "{d:#?}");
    has_line(&f.evidence, "another authority issued it");
}

/// No password configured, so no login was due: the new issuer is still
/// the alarm, told from the pin itself rather than from a skipped login.
#[test]
fn another_issuer_is_an_alarm_even_when_no_login_was_due() {
    let d = pinned(true)
        .edit(|r| {
            let session = r
                .endpoints
                .iter_mut()
                .find(|p| p.service == IN && p.role == crate::evidence::Role::Configured)
                .and_then(|p| p.session.as_mut())
                .unwrap();
            session.login = Some(crate::evidence::LoginOutcome::Skipped(
                LoginSkip::NoPassword,
            ));
        })
        .diagnose();
    let f = must(&d, IN, ids::SECURITY_ALARM);
    assert_eq!(f.confidence, Likely, "{f:#?}");
    has_line(
        &f.evidence,
        "the certificate seen at the last good check was issued by CN=R11, O=Let's Encrypt, C=US",
    );
    assert!(
        !f.evidence.iter().any(|e| e.contains("because a different")),
        "{f:#?}"
    );
}

#[rstest]
#[case::machine_name("220 runner-7f3a.ec2.internal ESMTP Postfix (Debian/GNU)")]
#[case::localhost("220 localhost.localdomain ESMTP Postfix")]
#[case::same_domain("220 smtp2.example.org ESMTP Postfix")]
fn greetings_that_say_nothing_about_another_domain(#[case] greeting: &str) {
    let d = healthy_smtp()
        .ep(cfg(OUT, Protocol::Smtp, 587, Security::Starttls)
            .greet(greeting)
            .caps(&[], true)
            .starttls_ok()
            .rejected(
                AuthMech::Plain,
                smtp_r(
                    535,
                    (5, 7, 8),
                    "Error: authentication failed: authentication failure",
                ),
            ))
        .diagnose();
    assert!(get(&d, OUT, ids::WRONG_SERVER).is_none(), "{d:#?}");
    assert_eq!(conf(&d, OUT, ids::BAD_CREDENTIALS), Some(Certain));
}
