//! Hostile servers, STARTTLS part: STARTTLS missing, refused or not
//! followed by a handshake; PREAUTH; bytes pipelined after the go-ahead;
//! untagged data before it; capabilities that change with TLS; text
//! received before TLS; referrals. In the spirit of the test cases of
//! "Why TLS is better without STARTTLS" (USENIX Security 2021) and curl
//! CVE-2021-22946/22947: security `starttls` is required, nothing read in
//! plain text is carried into the TLS session, nothing learnt before TLS
//! is trusted after it.

mod hostile_support;

use hostile_support::*;
use mailfix::account::Security;
use rstest::rstest;

/// After the handshake: CAPABILITY (`caps`), LOGIN accepted, EXAMINE,
/// LOGOUT (tags a3 to a6).
fn imap_after_tls(s: Script, caps: &str) -> Script {
    s.expect("a3 CAPABILITY")
        .line(format!("* CAPABILITY {caps}"))
        .line("{tag} OK done")
        .expect("a4 LOGIN")
        .line("{tag} OK logged in")
        .expect("a5 EXAMINE INBOX")
        .line("* 3 EXISTS")
        .line("{tag} OK [READ-ONLY] done")
        .expect("a6 LOGOUT")
        .line("* BYE logging out")
        .line("{tag} OK")
}

/// What mailfix sends inside TLS in [`imap_after_tls`].
const IMAP_TLS_LINES: [&str; 4] = [
    "a3 CAPABILITY",
    "a4 LOGIN \"{user}\" \"{pass}\"",
    "a5 EXAMINE INBOX",
    "a6 LOGOUT",
];

/// Greeting and CAPABILITY with STARTTLS, then `STARTTLS` read.
fn imap_to_starttls(greeting: &str) -> Script {
    imap_capability(greeting, "IMAP4rev1 STARTTLS LOGINDISABLED").expect("a2 STARTTLS")
}

fn starttls_not_offered() -> Case {
    let script = imap_capability("* OK ready", "IMAP4rev1 AUTH=PLAIN")
        .expect("a2 LOGOUT")
        .line("* BYE")
        .line("{tag} OK");
    Case::imap(Security::Starttls, script)
        .sent_plain(&["a1 CAPABILITY", "a2 LOGOUT"])
        .ends("stopped in STARTTLS")
        .finding(ids::TLS_MISMATCH)
}

fn starttls_refused() -> Case {
    let script = smtp_ehlo(&["STARTTLS", "AUTH PLAIN LOGIN"])
        .expect("STARTTLS")
        .line("454 4.7.0 TLS not available due to local problem")
        .expect("QUIT")
        .line("221 2.0.0 Bye");
    Case::smtp(Security::Starttls, script)
        .sent_plain(&["EHLO localhost", "STARTTLS", "QUIT"])
        .ends("stopped in STARTTLS")
        .finding(ids::TLS_MISMATCH)
}

fn starttls_answered_but_no_handshake() -> Case {
    let script = Script::new()
        .line("+OK POP3 ready")
        .expect("CAPA")
        .line("+OK")
        .line("STLS")
        .line("USER")
        .line(".")
        .expect("STLS")
        .line("+OK Begin TLS negotiation")
        .step(Step::ReadTlsRecord)
        .step(Step::Hold);
    Case::pop3(Security::Starttls, script)
        .sent_plain(&["CAPA", "STLS"])
        .then_client_hello()
        .ends("timed out in TLS handshake")
        .verified(false)
        .finding(ids::TLS_MISMATCH)
}

fn preauth() -> Case {
    let script = Script::new()
        .line("* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] alice logged in")
        .step(Step::Hold);
    Case::imap(Security::Starttls, script)
        .sent_plain(&[])
        .ends("stopped in STARTTLS")
        .finding(ids::TLS_MISMATCH)
}

/// Untagged responses before the tagged go-ahead are legal, and are
/// forgotten with everything else said before TLS.
fn untagged_before_starttls() -> Case {
    let script = imap_to_starttls("* OK ready")
        .line("* 1 EXISTS")
        .line("* CAPABILITY IMAP4rev1 AUTH=PLAIN")
        .line("{tag} OK Begin TLS now")
        .start_tls();
    let script = imap_after_tls(script, "IMAP4rev1");
    Case::imap(Security::Starttls, script)
        .sent_plain(&["a1 CAPABILITY", "a2 STARTTLS"])
        .sent_tls(&IMAP_TLS_LINES)
        .ends("completed")
        .verified(true)
        .no_finding()
}

/// Before TLS the server offers SASL PLAIN; after it only LOGIN: the
/// pre-TLS list must be forgotten, so mailfix uses LOGIN.
fn capabilities_differ_after_tls() -> Case {
    let script = imap_capability(
        "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN SASL-IR] ready",
        "IMAP4rev1 STARTTLS AUTH=PLAIN AUTH=CRAM-MD5 SASL-IR",
    )
    .expect("a2 STARTTLS")
    .line("{tag} OK Begin TLS now")
    .start_tls();
    let script = imap_after_tls(script, "IMAP4rev1 ID");
    Case::imap(Security::Starttls, script)
        .sent_plain(&["a1 CAPABILITY", "a2 STARTTLS"])
        .sent_tls(&IMAP_TLS_LINES)
        .ends("completed")
        .no_finding()
}

/// The same with SMTP: EHLO before TLS offers PLAIN, after TLS LOGIN only.
fn smtp_capabilities_differ_after_tls() -> Case {
    let script = smtp_ehlo(&["STARTTLS", "AUTH PLAIN CRAM-MD5"])
        .expect("STARTTLS")
        .line("220 2.0.0 Ready to start TLS")
        .start_tls()
        .expect("EHLO ")
        .line("250-mail.hostile.test")
        .line("250 AUTH LOGIN")
        .expect("AUTH LOGIN")
        .line("334 VXNlcm5hbWU6")
        .expect("")
        .line("334 UGFzc3dvcmQ6")
        .expect("")
        .line("235 2.7.0 Authentication successful")
        .expect("MAIL FROM:")
        .line("250 2.1.0 Ok")
        .expect("RCPT TO:")
        .line("250 2.1.5 Ok")
        .expect("RSET")
        .line("250 2.0.0 Ok")
        .expect("QUIT")
        .line("221 2.0.0 Bye");
    Case::smtp(Security::Starttls, script)
        .sent_plain(&["EHLO localhost", "STARTTLS"])
        .sent_tls(&[
            "EHLO localhost",
            "AUTH LOGIN",
            "YWxpY2VAaG9zdGlsZS50ZXN0",
            "{login}",
            "MAIL FROM:<{user}>",
            "RCPT TO:<probe@example.net>",
            "RSET",
            "QUIT",
        ])
        .ends("completed")
        .no_finding()
}

/// The go-ahead and more in one write; then the script only listens.
fn pipelined(protocol: &str, go_ahead_and_more: &str) -> Case {
    let base = match protocol {
        "imap" => imap_to_starttls("* OK ready"),
        _ => smtp_ehlo(&["STARTTLS", "AUTH PLAIN LOGIN"]).expect("STARTTLS"),
    };
    let script = base.text(go_ahead_and_more).step(Step::Hold);
    match protocol {
        "imap" => {
            Case::imap(Security::Starttls, script).sent_plain(&["a1 CAPABILITY", "a2 STARTTLS"])
        }
        _ => Case::smtp(Security::Starttls, script).sent_plain(&["EHLO localhost", "STARTTLS"]),
    }
    .ends("stopped in STARTTLS")
    .verified(false)
    .finding(ids::SECURITY_ALARM)
}

fn pipelined_full_line() -> Case {
    pipelined(
        "imap",
        "{tag} OK Begin TLS now\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n",
    )
}

fn pipelined_partial_line() -> Case {
    pipelined("imap", "{tag} OK Begin TLS now\r\n* CAPA")
}

fn pipelined_smtp_partial_line() -> Case {
    pipelined("smtp", "220 2.0.0 Ready to start TLS\r\n250-AUTH PL")
}

/// An [ALERT] in the plain-text greeting: anyone on the path could have
/// written it, so it is shown as unverified.
fn alert_in_plaintext_greeting() -> Case {
    let script =
        imap_to_starttls("* OK [ALERT] Your mailbox is full: log in at http://evil.example/ now")
            .line("{tag} OK Begin TLS now")
            .start_tls();
    let script = imap_after_tls(script, "IMAP4rev1 AUTH=PLAIN-NOT-REALLY");
    Case::imap(Security::Starttls, script)
        .sent_plain(&["a1 CAPABILITY", "a2 STARTTLS"])
        .sent_tls(&IMAP_TLS_LINES)
        .ends("completed")
        .no_finding()
        .note("Your mailbox is full")
        .note("not verified, received before encryption")
        .shows("Your mailbox is full")
}

/// A login referral (RFC 2221) to another host: reported, never followed.
fn referral_on_login() -> Case {
    let script = imap_capability(
        "* OK [CAPABILITY IMAP4rev1 LOGIN-REFERRALS] ready",
        "IMAP4rev1 LOGIN-REFERRALS",
    )
    .expect("a2 LOGIN")
    .line("{tag} NO [REFERRAL imap://alice@imap2.hostile.test/] Log in on the other server")
    .expect("a3 LOGOUT")
    .line("* BYE")
    .line("{tag} OK");
    Case::imap(Security::Tls, script)
        .sent_tls(&[
            "a1 CAPABILITY",
            "a2 LOGIN \"{user}\" \"{pass}\"",
            "a3 LOGOUT",
        ])
        .ends("completed")
        .finding(ids::WRONG_SERVER)
        .shows("the server it points at is imap2.hostile.test")
}

/// A referral in the greeting (`* BYE [REFERRAL …]`).
fn referral_in_greeting() -> Case {
    let script = Script::new()
        .line("* BYE [REFERRAL imap://alice@imap2.hostile.test/] Server moved, go there");
    Case::imap(Security::Tls, script)
        .sent_tls(&[])
        .ends("closed in greeting")
        .finding(ids::WRONG_SERVER)
        .shows("the server it points at is imap2.hostile.test")
}

#[rstest]
#[case::starttls_not_offered(starttls_not_offered())]
#[case::starttls_refused(starttls_refused())]
#[case::starttls_answered_but_no_handshake(starttls_answered_but_no_handshake())]
#[case::preauth(preauth())]
#[case::untagged_before_starttls(untagged_before_starttls())]
#[case::capabilities_differ_after_tls(capabilities_differ_after_tls())]
#[case::smtp_capabilities_differ_after_tls(smtp_capabilities_differ_after_tls())]
#[case::pipelined_full_line(pipelined_full_line())]
#[case::pipelined_partial_line(pipelined_partial_line())]
#[case::pipelined_smtp_partial_line(pipelined_smtp_partial_line())]
#[case::alert_in_plaintext_greeting(alert_in_plaintext_greeting())]
#[case::referral_on_login(referral_on_login())]
#[case::referral_in_greeting(referral_in_greeting())]
#[tokio::test]
async fn starttls(#[case] case: Case) {
    play(case).await;
}
