//! Hostile servers, TLS part: certificates that must not be trusted
//! (expired, self-signed, for another name; implicit and via STARTTLS), a
//! server stuck at TLS 1.0, a plain-text greeting on an implicit-TLS port,
//! and TCP closed without TLS close_notify. No credential may leave
//! mailfix unless TLS was verified.

mod hostile_support;

use hostile_support::*;
use mailfix::account::Security;
use rstest::rstest;

/// The IMAP dialogue a healthy server would have after TLS (never reached
/// when the certificate is refused).
fn imap_healthy() -> Script {
    imap_capability("* OK ready", "IMAP4rev1 ID")
        .expect("a2 LOGIN")
        .line("{tag} OK logged in")
        .expect("a3 EXAMINE INBOX")
        .line("* 0 EXISTS")
        .line("{tag} OK [READ-ONLY] done")
        .expect("a4 LOGOUT")
        .line("* BYE logging out")
        .line("{tag} OK")
}

fn bad_implicit(kind: CertKind) -> Case {
    Case::imap(Security::Tls, imap_healthy())
        .cert(Cert::Implicit(kind))
        .sent_plain(&[])
        .sent_tls(&[])
        .ends("stopped in TLS handshake")
        .verified(false)
        .finding(ids::SECURITY_ALARM)
}

fn expired() -> Case {
    bad_implicit(CertKind::Expired)
}

fn self_signed() -> Case {
    bad_implicit(CertKind::SelfSigned)
}

fn wrong_name() -> Case {
    bad_implicit(CertKind::WrongName(vec!["shared.hosting.example".into()]))
}

/// A wrong name behind STARTTLS: the plain-text part happens, then nothing.
fn wrong_name_after_starttls() -> Case {
    let script = smtp_ehlo(&["STARTTLS", "AUTH PLAIN LOGIN"])
        .expect("STARTTLS")
        .line("220 2.0.0 Ready to start TLS")
        .start_tls()
        .expect("EHLO ")
        .line("250-mail.hostile.test")
        .line("250 AUTH PLAIN LOGIN")
        .expect("AUTH ")
        .line("235 2.7.0 ok");
    Case::smtp(Security::Starttls, script)
        .cert(Cert::Starttls(CertKind::WrongName(vec![
            "shared.hosting.example".into(),
        ])))
        .sent_plain(&["EHLO localhost", "STARTTLS"])
        .sent_tls(&[])
        .ends("stopped in TLS handshake")
        .verified(false)
        .finding(ids::SECURITY_ALARM)
}

/// Answers every ClientHello with a TLS 1.0 ServerHello.
fn tls10_only() -> Case {
    let script = Script::new()
        .step(Step::ReadTlsRecord)
        .send(tls10_server_hello())
        .step(Step::Hold);
    Case::pop3(Security::Tls, script)
        .cert(Cert::Starttls(CertKind::Good))
        .sent_plain(&[])
        .then_client_hello()
        .verified(false)
        .no_finding()
        .note("provider has to update the server")
        .note("older than 1.2")
}

/// The server cuts the TCP connection in the middle of a reply without
/// TLS close_notify: named as truncation.
fn close_without_close_notify_mid_reply() -> Case {
    let script = Script::new()
        .line("* OK ready")
        .expect("a1 CAPABILITY")
        .line("* CAPABILITY IMAP4rev1 AUTH=PLAIN")
        .step(Step::CloseAbruptly);
    Case::imap(Security::Tls, script)
        .sent_tls(&["a1 CAPABILITY"])
        .ends("truncated in capabilities")
        .finding(ids::SERVER_DROPPED)
        .shows("without ending encryption properly")
}

/// …and after the last reply (as many servers do): nothing is wrong.
fn close_without_close_notify_at_the_end() -> Case {
    let script = imap_healthy().step(Step::CloseAbruptly);
    Case::imap(Security::Tls, script)
        .sent_tls(&[
            "a1 CAPABILITY",
            "a2 LOGIN \"{user}\" \"{pass}\"",
            "a3 EXAMINE INBOX",
            "a4 LOGOUT",
        ])
        .ends("completed")
        .no_finding()
}

/// Port 993 set to TLS, but the server greets in plain text there (it
/// does STARTTLS on that port). The look at STARTTLS on the same port
/// finds the working setting.
fn plaintext_greeting_on_implicit_tls_port() -> Case {
    let script = Script::new()
        .line("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready")
        // The TLS attempt ends here; the look at STARTTLS goes on.
        .step(Step::EndIfTls)
        .expect("a1 CAPABILITY")
        .line("* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED")
        .line("{tag} OK done")
        .expect("a2 STARTTLS")
        .line("{tag} OK Begin TLS now")
        .start_tls()
        .expect("a3 CAPABILITY")
        .line("* CAPABILITY IMAP4rev1 AUTH=PLAIN")
        .line("{tag} OK done")
        .expect("a4 LOGOUT")
        .line("* BYE")
        .line("{tag} OK");
    Case::imap(Security::Tls, script)
        .cert(Cert::Starttls(CertKind::Good))
        .sent_plain(&[])
        .then_client_hello()
        .verified(false)
        .finding(ids::TLS_MISMATCH)
        .json_shows("\"security\":\"starttls\"")
}

#[rstest]
#[case::expired(expired())]
#[case::self_signed(self_signed())]
#[case::wrong_name(wrong_name())]
#[case::wrong_name_after_starttls(wrong_name_after_starttls())]
#[case::tls10_only(tls10_only())]
#[case::close_without_close_notify_mid_reply(close_without_close_notify_mid_reply())]
#[case::close_without_close_notify_at_the_end(close_without_close_notify_at_the_end())]
#[case::plaintext_greeting_on_implicit_tls_port(plaintext_greeting_on_implicit_tls_port())]
#[tokio::test]
async fn tls(#[case] case: Case) {
    play(case).await;
}
