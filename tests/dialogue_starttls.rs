//! STARTTLS done strictly and TLS failures classified: not offered,
//! refused, no handshake, injected data, PREAUTH, capabilities that change
//! after TLS, bad certificates, pins, plain text where TLS was due.

mod dialogue_support;

use std::time::Duration;

use dialogue_support::*;
use mailfix::account::{AuthMech, Protocol, Security};
use mailfix::evidence::{
    CertProblem, GreetingKind, HandshakeFailure, LoginOutcome, LoginSkip, Phase, PinCheck,
    SessionEnd, StarttlsOutcome, Status, TlsOutcome,
};

fn stopped_in(o: &Outcome, phase: Phase) {
    assert!(
        matches!(&o.session.end, SessionEnd::Stopped { phase: p, .. } if *p == phase),
        "{:?}",
        o.session.end
    );
}

#[tokio::test]
async fn starttls_not_offered_stops_before_credentials() {
    let script = vec![
        send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready"),
        expect("a1 CAPABILITY"),
        send("* CAPABILITY IMAP4rev1 AUTH=PLAIN"),
        send("a1 OK done"),
        expect("a2 LOGOUT"),
        send("* BYE"),
        send("a2 OK"),
    ];
    let o = run(
        script,
        full(Protocol::Imap, Security::Starttls, AuthMech::Auto),
    )
    .await;
    assert_eq!(o.served.mismatch, None);
    assert_eq!(o.session.starttls, Some(StarttlsOutcome::NotOffered));
    assert_eq!(
        o.session.login,
        Some(LoginOutcome::Skipped(LoginSkip::WouldBePlaintext))
    );
    assert_eq!(sent(&o), ["a1 CAPABILITY", "a2 LOGOUT"]);
    stopped_in(&o, Phase::Starttls);
}

#[tokio::test]
async fn starttls_refused() {
    let script = vec![
        send("220 mail.example.test ESMTP Postfix"),
        expect("EHLO localhost"),
        send("250-mail.example.test"),
        send("250-STARTTLS"),
        send("250 AUTH PLAIN LOGIN"),
        expect("STARTTLS"),
        send("454 4.7.0 TLS not available due to local problem"),
        expect("QUIT"),
        send("221 Bye"),
    ];
    let o = run(
        script,
        full(Protocol::Smtp, Security::Starttls, AuthMech::Auto),
    )
    .await;
    assert_eq!(o.served.mismatch, None);
    let Some(StarttlsOutcome::Refused(reply)) = &o.session.starttls else {
        panic!("{:?}", o.session.starttls)
    };
    assert_eq!(reply.status, Status::Smtp(454));
    assert_eq!(sent(&o), ["EHLO localhost", "STARTTLS", "QUIT"]);
    stopped_in(&o, Phase::Starttls);
}

#[tokio::test]
async fn starttls_go_ahead_but_no_handshake() {
    let script = vec![
        send("+OK ready"),
        expect("CAPA"),
        send("+OK"),
        send("STLS"),
        send("SASL PLAIN"),
        send("."),
        expect("STLS"),
        send("+OK go ahead"),
        Step::Sleep(Duration::from_secs(3)),
    ];
    let mut params = full(Protocol::Pop3, Security::Starttls, AuthMech::Auto);
    params.timeout = Duration::from_millis(800);
    let o = run(script, params).await;
    assert_eq!(
        o.session.starttls,
        Some(StarttlsOutcome::Handshake(TlsOutcome::Failed(
            HandshakeFailure::TimedOut
        )))
    );
    assert_eq!(
        o.session.end,
        SessionEnd::TimedOut {
            phase: Phase::TlsHandshake
        }
    );
    assert_eq!(
        o.session.login,
        Some(LoginOutcome::Skipped(LoginSkip::TlsNotVerified))
    );
}

async fn injected(go_ahead: &[u8], split: bool, protocol: Protocol) -> Outcome {
    let (greeting, caps, cmd): (Vec<Step>, Vec<Step>, &str) = match protocol {
        Protocol::Pop3 => (
            vec![send("+OK ready"), expect("CAPA")],
            vec![send("+OK"), send("STLS"), send("USER"), send(".")],
            "STLS",
        ),
        Protocol::Imap => (
            vec![send("* OK ready"), expect("a1 CAPABILITY")],
            vec![
                send("* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED"),
                send("a1 OK"),
            ],
            "a2 STARTTLS",
        ),
        Protocol::Smtp => (
            vec![send("220 ready"), expect("EHLO localhost")],
            vec![send("250-x"), send("250 STARTTLS")],
            "STARTTLS",
        ),
    };
    let mut script = greeting;
    script.extend(caps);
    script.push(expect(cmd));
    if split {
        let cut = go_ahead.iter().position(|&b| b == b'\n').unwrap() + 1;
        script.push(Step::Send(go_ahead[..cut].to_vec()));
        script.push(Step::Sleep(Duration::from_millis(2)));
        script.push(Step::Send(go_ahead[cut..].to_vec()));
    } else {
        script.push(Step::Send(go_ahead.to_vec()));
    }
    run(script, full(protocol, Security::Starttls, AuthMech::Auto)).await
}

#[tokio::test]
async fn pipelined_data_after_the_go_ahead_drops_the_connection() {
    for (protocol, go_ahead, extra) in [
        (
            Protocol::Pop3,
            &b"+OK Begin TLS\r\n+OK injected\r\n"[..],
            14,
        ),
        (Protocol::Imap, &b"a2 OK Begin TLS now\r\n* OK inj"[..], 8),
        (
            Protocol::Smtp,
            &b"220 2.0.0 Ready\r\n250-AUTH PLAIN\r\n"[..],
            16,
        ),
    ] {
        for split in [false, true] {
            let o = injected(go_ahead, split, protocol).await;
            assert_eq!(
                o.session.starttls,
                Some(StarttlsOutcome::InjectedData { bytes: extra }),
                "{protocol:?} split={split}"
            );
            stopped_in(&o, Phase::Starttls);
            assert_eq!(
                o.session.login,
                Some(LoginOutcome::Skipped(LoginSkip::WouldBePlaintext))
            );
            // Not one byte after the STARTTLS command, not even a ClientHello.
            let after = o.served.raw.split(|&b| b == b'\n').count();
            assert_eq!(after, o.served.lines.len() + 1, "{:?}", o.served);
            assert!(
                o.session
                    .transcript
                    .iter()
                    .any(|l| l.text.contains("injection"))
            );
        }
    }
}

#[tokio::test]
async fn preauth_greeting_with_starttls_required() {
    let script = vec![send("* PREAUTH IMAP4rev1 server logged in as alice")];
    let o = run(
        script,
        full(Protocol::Imap, Security::Starttls, AuthMech::Auto),
    )
    .await;
    assert_eq!(o.session.starttls, Some(StarttlsOutcome::Preauth));
    assert_eq!(o.greeting_kind(), GreetingKind::ImapPreauth);
    assert!(
        o.served.lines.is_empty(),
        "nothing sent: {:?}",
        o.served.lines
    );
    stopped_in(&o, Phase::Starttls);
}

#[tokio::test]
async fn nothing_learnt_before_tls_is_trusted_after() {
    // Before TLS (where anyone could have written it): PLAIN offered, an
    // untagged CAPABILITY slipped in before the go-ahead. After TLS the
    // server offers only CRAM-MD5 (and no LOGIN command).
    let script = vec![
        send("* OK [ALERT] Plaintext greeting: click http://evil.example/"),
        expect("a1 CAPABILITY"),
        send("* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN"),
        send("a1 OK"),
        expect("a2 STARTTLS"),
        send("* CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=LOGIN"),
        send("a2 OK Begin TLS negotiation now."),
        Step::StartTls(Cert::Good),
        expect("a3 CAPABILITY"),
        send("* CAPABILITY IMAP4rev1 AUTH=CRAM-MD5 LOGINDISABLED"),
        send("a3 OK"),
        expect("a4 LOGOUT"),
        send("a4 OK"),
    ];
    let o = run(
        script,
        full(Protocol::Imap, Security::Starttls, AuthMech::Plain),
    )
    .await;
    assert_eq!(o.served.mismatch, None);
    let greeting = o.session.greeting.as_ref().unwrap();
    assert!(!greeting.verified);
    assert!(greeting.reply.as_ref().unwrap().has_code("ALERT"));
    assert_eq!(o.session.capabilities.as_ref().unwrap().auth, ["PLAIN"]);
    let after = o.session.capabilities_after_tls.as_ref().unwrap();
    assert!(after.verified);
    assert_eq!(after.auth, ["CRAM-MD5"]);
    assert_eq!(
        o.session.login,
        Some(LoginOutcome::Skipped(LoginSkip::MechanismNotOffered {
            wanted: AuthMech::Plain,
            offered: vec!["CRAM-MD5".into()],
        }))
    );
    assert!(matches!(
        o.session.starttls,
        Some(StarttlsOutcome::Handshake(TlsOutcome::Verified { .. }))
    ));
}

#[tokio::test]
async fn rejected_certificates_are_described_and_nothing_is_sent() {
    for cert in [
        Cert::Expired,
        Cert::NotYetValid,
        Cert::WrongName,
        Cert::SelfSigned,
        Cert::UntrustedCa,
    ] {
        let script = vec![Step::StartTls(cert), send("+OK ready")];
        let o = run(script, full(Protocol::Pop3, Security::Tls, AuthMech::Auto)).await;
        let Some(TlsOutcome::CertRejected {
            problem,
            cert: Some(summary),
        }) = &o.session.tls
        else {
            panic!("{cert:?}: {:?}", o.session.tls)
        };
        match cert {
            Cert::Expired => assert_eq!(
                problem,
                &CertProblem::Expired {
                    not_after: "2020-01-01T00:00:00Z".into()
                }
            ),
            Cert::NotYetValid => assert_eq!(
                problem,
                &CertProblem::NotYetValid {
                    not_before: "2090-01-01T00:00:00Z".into()
                }
            ),
            Cert::WrongName => assert_eq!(
                problem,
                &CertProblem::NameMismatch {
                    expected: HOST.into(),
                    presented: vec!["other.example.net".into()]
                }
            ),
            Cert::SelfSigned => assert!(
                matches!(problem, CertProblem::SelfSigned { subject } if subject.contains(HOST))
            ),
            Cert::UntrustedCa => assert!(
                matches!(problem, CertProblem::UnknownIssuer { issuer } if issuer.contains("somebody else"))
            ),
            _ => unreachable!(),
        }
        assert_eq!(
            summary.sha256,
            mailfix::probe::tls::cert::sha256_hex(&pki().der(cert))
        );
        assert!(
            o.served.raw.is_empty(),
            "{cert:?}: bytes sent after a rejected certificate"
        );
        assert_eq!(
            o.session.login,
            Some(LoginOutcome::Skipped(LoginSkip::TlsNotVerified))
        );
        assert!(o.session.greeting.is_none());
        stopped_in(&o, Phase::TlsHandshake);
    }
}

#[tokio::test]
async fn starttls_with_a_wrong_name_sends_no_password() {
    let script = vec![
        send("220 mail ESMTP"),
        expect("EHLO localhost"),
        send("250-mail"),
        send("250-STARTTLS"),
        send("250 AUTH PLAIN"),
        expect("STARTTLS"),
        send("220 Go ahead"),
        Step::StartTls(Cert::WrongName),
    ];
    let o = run(
        script,
        full(Protocol::Smtp, Security::Starttls, AuthMech::Auto),
    )
    .await;
    assert!(matches!(
        &o.session.starttls,
        Some(StarttlsOutcome::Handshake(TlsOutcome::CertRejected {
            problem: CertProblem::NameMismatch { .. },
            ..
        }))
    ));
    assert_eq!(sent(&o), ["EHLO localhost", "STARTTLS"]);
    assert!(!o.session.is_encrypted());
}

async fn pinned(cert: Cert, pin: Cert, login_expected: bool) -> Outcome {
    let mut script = vec![Step::StartTls(cert), send("+OK ready"), expect("CAPA")];
    script.extend([send("+OK"), send("USER"), send(".")]);
    if login_expected {
        script.extend([
            expect(&format!("USER {USER}")),
            send("+OK"),
            expect(&format!("PASS {PASSWORD}")),
        ]);
        script.extend([send("+OK in"), expect("STAT"), send("+OK 0 0")]);
    }
    script.extend([expect("QUIT"), send("+OK")]);
    let mut params = full(Protocol::Pop3, Security::Tls, AuthMech::Auto);
    params.pin = Some(pin_of(pin));
    let o = run(script, params).await;
    assert_eq!(o.served.mismatch, None);
    o
}

#[tokio::test]
async fn pins_same_renewed_and_swapped() {
    let o = pinned(Cert::Good, Cert::Good, true).await;
    assert!(matches!(
        &o.session.tls,
        Some(TlsOutcome::Verified {
            pin: PinCheck::Same,
            ..
        })
    ));
    // Renewed by the same authority: noted, not an alarm.
    let o = pinned(Cert::Renewed, Cert::Good, true).await;
    assert!(matches!(
        &o.session.tls,
        Some(TlsOutcome::Verified {
            pin: PinCheck::Changed { .. },
            ..
        })
    ));
    assert!(matches!(
        o.session.login,
        Some(LoginOutcome::Accepted { .. })
    ));
    // Valid, but from another authority than last time: no password.
    let o = pinned(Cert::OtherTrustedCa, Cert::Good, false).await;
    assert!(matches!(
        &o.session.tls,
        Some(TlsOutcome::Verified {
            pin: PinCheck::Changed { .. },
            ..
        })
    ));
    assert_eq!(
        o.session.login,
        Some(LoginOutcome::Skipped(LoginSkip::CertificateChanged))
    );
    assert_eq!(sent(&o), ["CAPA", "QUIT"]);
}

#[tokio::test]
async fn plaintext_greeting_on_an_implicit_tls_port() {
    let script = vec![
        send("+OK Dovecot (Debian) ready."),
        Step::ReadSome,
        Step::Close,
    ];
    let o = run(script, full(Protocol::Pop3, Security::Tls, AuthMech::Auto)).await;
    let Some(TlsOutcome::Failed(HandshakeFailure::PlaintextReply { preview })) = &o.session.tls
    else {
        panic!("{:?}", o.session.tls)
    };
    assert!(
        preview.starts_with("+OK Dovecot (Debian) ready."),
        "{preview}"
    );
    stopped_in(&o, Phase::TlsHandshake);
}

#[tokio::test]
async fn plaintext_client_on_a_tls_port() {
    // The server waits for a ClientHello: nothing ever comes as a greeting.
    let script = vec![Step::Sleep(Duration::from_secs(2))];
    let mut params = look(Protocol::Imap, Security::Starttls);
    params.timeout = Duration::from_millis(500);
    let o = run(script, params).await;
    o.assert_silent_greeting();
    // A server that answers the silence with a TLS alert.
    let script = vec![
        Step::Send(vec![0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x32]),
        Step::Close,
    ];
    let o = run(script, look(Protocol::Imap, Security::None)).await;
    assert_eq!(o.greeting_kind(), GreetingKind::TlsRecord);
    assert_eq!(
        o.session.greeting.as_ref().unwrap().line,
        "\\x15\\x03\\x01\\0\\x02\\x022"
    );
    stopped_in(&o, Phase::Greeting);
}

#[tokio::test]
async fn tls_1_0_only_server_is_incompatible() {
    let mut hello = vec![
        0x16, 0x03, 0x01, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26, 0x03, 0x01,
    ];
    hello.extend([0x11; 32]);
    hello.extend([0x00, 0x00, 0x2f, 0x00]);
    let script = vec![Step::ReadSome, Step::Send(hello), Step::ReadSome];
    let o = run(script, look(Protocol::Imap, Security::Tls)).await;
    assert!(
        matches!(
            &o.session.tls,
            Some(TlsOutcome::Failed(HandshakeFailure::Incompatible(_)))
        ),
        "{:?}",
        o.session.tls
    );
    // The same server answering with a protocol_version alert.
    let script = vec![
        Step::ReadSome,
        Step::Send(vec![0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46]),
        Step::Close,
    ];
    let o = run(script, look(Protocol::Imap, Security::Tls)).await;
    assert!(
        matches!(
            &o.session.tls,
            Some(TlsOutcome::Failed(HandshakeFailure::Incompatible(_)))
        ),
        "{:?}",
        o.session.tls
    );
}

#[tokio::test]
async fn close_without_close_notify_mid_reply_is_truncation() {
    let script = vec![
        Step::StartTls(Cert::Good),
        send("+OK ready"),
        expect("CAPA"),
        send("+OK"),
        send("TOP"),
        Step::Send(b"UID".to_vec()),
        Step::CloseNoNotify,
    ];
    let o = run(script, look(Protocol::Pop3, Security::Tls)).await;
    assert_eq!(
        o.session.end,
        SessionEnd::TlsTruncated {
            phase: Phase::Capabilities
        }
    );
    assert!(
        o.session
            .transcript
            .iter()
            .any(|l| l.text.contains("close_notify"))
    );
}
