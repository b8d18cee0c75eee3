//! Broken and hostile servers: oversized lines and replies, endless
//! continuations, huge literals, slow drips, control characters, odd
//! codes, servers that drop the session, and credentials that try to
//! inject protocol lines. mailfix must stay bounded, discreet and correct.

mod dialogue_support;

use std::time::Duration;

use dialogue_support::*;
use mailfix::account::{AuthMech, Protocol, Security};
use mailfix::evidence::{
    GreetingKind, LoginOutcome, LoginSkip, MailboxOutcome, Phase, SessionEnd, Status,
};
use mailfix::probe::session::LoginParams;
use mailfix::secret::Secret;
use tokio::time::Instant;

fn violation_in(o: &Outcome, phase: Phase, needle: &str) {
    match &o.session.end {
        SessionEnd::Violation { phase: p, detail } if *p == phase && detail.contains(needle) => {}
        other => panic!("expected a violation in {phase} ({needle}), got {other:?}"),
    }
}

#[tokio::test]
async fn greeting_never_sent() {
    let mut params = look(Protocol::Pop3, Security::None);
    params.timeout = Duration::from_millis(400);
    let o = run(vec![Step::Sleep(Duration::from_secs(1))], params).await;
    o.assert_silent_greeting();
    assert!(o.served.lines.is_empty());
}

#[tokio::test]
async fn a_mebibyte_without_line_end() {
    let script = vec![
        Step::Send(vec![b'A'; 1 << 20]),
        Step::Sleep(Duration::from_secs(2)),
    ];
    let o = run(script, look(Protocol::Smtp, Security::None)).await;
    // A violation, not a timeout: mailfix stopped at the cap.
    violation_in(&o, Phase::Greeting, "longer than 262144 bytes");
    eprintln!("stopped after {:.0} ms", o.session.ms);
    assert!(
        o.session
            .transcript
            .iter()
            .all(|l| l.text.chars().count() < 1200)
    );
}

#[tokio::test]
async fn endless_continuation_lines() {
    let mut flood = b"250-mail.example.test\r\n".to_vec();
    for i in 0..5000 {
        flood.extend_from_slice(format!("250-X-FILLER-{i}\r\n").as_bytes());
    }
    let script = vec![send("220 ok"), expect("EHLO localhost"), Step::Send(flood)];
    let o = run(script, look(Protocol::Smtp, Security::None)).await;
    violation_in(&o, Phase::Capabilities, "more than 1000 lines");
}

#[tokio::test]
async fn a_four_gigabyte_literal_then_silence() {
    let script = vec![
        send("* OK ready"),
        expect("a1 CAPABILITY"),
        send("* CAPABILITY {4294967295}"),
        Step::Sleep(Duration::from_secs(3)),
    ];
    let o = run(script, look(Protocol::Imap, Security::None)).await;
    // A violation, not a timeout: the literal was refused unread.
    violation_in(&o, Phase::Capabilities, "4294967295");
    eprintln!("stopped after {:.0} ms", o.session.ms);
}

#[tokio::test]
async fn small_literals_are_skipped() {
    let script = vec![
        send("* OK ready"),
        expect("a1 CAPABILITY"),
        Step::Send(b"* OK [ALERT] {11}\r\nhello\r\nworld tail\r\n".to_vec()),
        send("* CAPABILITY IMAP4rev1 AUTH=PLAIN"),
        send("a1 OK"),
        expect("a2 LOGOUT"),
        send("a2 OK"),
    ];
    let o = run(script, look(Protocol::Imap, Security::None)).await;
    assert_eq!(o.served.mismatch, None);
    assert_eq!(o.session.capabilities.as_ref().unwrap().auth, ["PLAIN"]);
    assert_eq!(o.session.end, SessionEnd::Completed);
}

#[tokio::test]
async fn one_byte_every_900_ms_cannot_stretch_a_reply() {
    let script = vec![Step::Drip(
        b"+OK slow greeting\r\n".to_vec(),
        Duration::from_millis(900),
    )];
    let mut params = look(Protocol::Pop3, Security::None);
    params.timeout = Duration::from_secs(2);
    let o = run(script, params).await;
    // Every byte came well within the timeout; the reply as a whole did not.
    assert_eq!(
        o.session.end,
        SessionEnd::TimedOut {
            phase: Phase::Greeting
        }
    );
    let greeting = o.session.greeting.as_ref().unwrap();
    assert_eq!(greeting.kind, GreetingKind::Pop3);
    assert!(greeting.reply.is_none());
    assert!("+OK slow greeting".starts_with(&greeting.line));
    eprintln!("gave up after {:.0} ms", o.session.ms);
}

#[tokio::test]
async fn a_drip_per_reply_cannot_stretch_the_session() {
    // Each reply comes just within the timeout; the session deadline ends it.
    let mut script = vec![Step::Drip(b"+OK\r\n".to_vec(), Duration::from_millis(250))];
    for _ in 0..20 {
        script.push(Step::ExpectAny);
        script.push(Step::Drip(b"+OK\r\n".to_vec(), Duration::from_millis(250)));
    }
    let mut params = full(Protocol::Pop3, Security::None, AuthMech::Auto);
    params.login.as_mut().unwrap().allow_plaintext = true;
    params.timeout = Duration::from_millis(1500);
    params.deadline = Instant::now() + Duration::from_millis(2500);
    let o = run(script, params).await;
    // Every reply came within the timeout; the session deadline ended it.
    assert!(
        matches!(o.session.end, SessionEnd::TimedOut { .. }),
        "{:?}",
        o.session.end
    );
    eprintln!("gave up after {:.0} ms", o.session.ms);
}

#[tokio::test]
async fn control_characters_and_bad_utf8_are_escaped() {
    let script = vec![
        Step::Send(
            b"+OK \x1b[2J\x1b]0;pwned\x07 nul\x00 bad\xff\xfe \xe2\x80\xae ready\r\n".to_vec(),
        ),
        expect("CAPA"),
        send("-ERR"),
        expect("QUIT"),
        send("+OK"),
    ];
    let o = run(script, look(Protocol::Pop3, Security::None)).await;
    let g = o.session.greeting.as_ref().unwrap();
    assert_eq!(g.kind, GreetingKind::Pop3);
    assert_eq!(
        g.line,
        "+OK \\x1b[2J\\x1b]0;pwned\\x07 nul\\0 bad\\xff\\xfe \\u{202e} ready"
    );
    for line in &o.session.transcript {
        assert!(!line.text.chars().any(char::is_control), "{:?}", line.text);
        assert!(!line.text.contains('\u{202e}'));
    }
    assert!(!g.reply.as_ref().unwrap().text.chars().any(char::is_control));
}

#[tokio::test]
async fn bare_lf_line_ends() {
    let script = vec![
        Step::Send(b"+OK ready\n".to_vec()),
        expect("CAPA"),
        Step::Send(b"+OK\nUSER\nSASL PLAIN\n.\n".to_vec()),
        expect(&format!(
            "AUTH PLAIN {}",
            b64(&format!("\0{USER}\0{PASSWORD}"))
        )),
        Step::Send(b"+OK in\n".to_vec()),
        expect("STAT"),
        Step::Send(b"+OK 5 50\n".to_vec()),
        expect("QUIT"),
        Step::Send(b"+OK\n".to_vec()),
    ];
    let mut params = full(Protocol::Pop3, Security::None, AuthMech::Auto);
    params.login.as_mut().unwrap().allow_plaintext = true;
    let o = run(script, params).await;
    assert_eq!(o.served.mismatch, None);
    assert_eq!(
        o.session.mailbox,
        Some(MailboxOutcome::Opened { messages: Some(5) })
    );
}

#[tokio::test]
async fn odd_reply_codes() {
    let o = run(
        vec![send("2x0 hello")],
        look(Protocol::Smtp, Security::None),
    )
    .await;
    assert_eq!(o.greeting_kind(), GreetingKind::Unrecognised);
    assert!(matches!(
        o.session.end,
        SessionEnd::Stopped {
            phase: Phase::Greeting,
            ..
        }
    ));
    assert!(o.served.lines.is_empty());

    let script = vec![
        send("220 ok"),
        expect("EHLO localhost"),
        send("999 what"),
        expect("HELO localhost"),
        send("999 what"),
    ];
    let o = run(script, look(Protocol::Smtp, Security::None)).await;
    assert_eq!(o.served.mismatch, None);
    violation_in(&o, Phase::Capabilities, "999");

    let script = vec![
        send("220 ok"),
        expect("EHLO localhost"),
        send("250-a"),
        send("2x0 b"),
    ];
    let o = run(script, look(Protocol::Smtp, Security::None)).await;
    violation_in(&o, Phase::Capabilities, "not an SMTP reply");
}

#[tokio::test]
async fn a_421_mid_session() {
    let mut script = vec![Step::StartTls(Cert::Good), send("220 mail ESMTP")];
    script.extend([
        expect("EHLO localhost"),
        send("250-mail"),
        send("250 AUTH PLAIN"),
    ]);
    script.push(expect(&format!(
        "AUTH PLAIN {}",
        b64(&format!("\0{USER}\0{PASSWORD}"))
    )));
    script.push(send("235 2.7.0 ok"));
    script.extend([
        expect(&format!("MAIL FROM:<{USER}>")),
        send("421 4.3.2 Service shutting down"),
        Step::Close,
    ]);
    let o = run(script, full(Protocol::Smtp, Security::Tls, AuthMech::Auto)).await;
    let SessionEnd::Closed {
        phase: Phase::Relay,
        reply: Some(reply),
    } = &o.session.end
    else {
        panic!("{:?}", o.session.end)
    };
    assert_eq!(reply.status, Status::Smtp(421));
    assert!(o.session.relay.is_none());
}

#[tokio::test]
async fn a_bye_mid_session() {
    let mut script = vec![Step::StartTls(Cert::Good), send("* OK ready")];
    script.extend([
        expect("a1 CAPABILITY"),
        send("* CAPABILITY IMAP4rev1"),
        send("a1 OK"),
    ]);
    script.push(expect(&format!("a2 LOGIN \"{USER}\" \"{PASSWORD}\"")));
    script.extend([send("* BYE Server shutting down."), Step::CloseNoNotify]);
    let o = run(script, full(Protocol::Imap, Security::Tls, AuthMech::Auto)).await;
    let SessionEnd::Closed {
        phase: Phase::Login,
        reply: Some(reply),
    } = &o.session.end
    else {
        panic!("{:?}", o.session.end)
    };
    assert_eq!(reply.status, Status::ImapBye);
    assert_eq!(
        o.session.login,
        Some(LoginOutcome::Skipped(LoginSkip::SessionEnded))
    );
}

#[tokio::test]
async fn an_err_then_close() {
    let mut script = vec![
        Step::StartTls(Cert::Good),
        send("+OK ready"),
        expect("CAPA"),
    ];
    script.extend([send("+OK"), send("USER"), send(".")]);
    script.extend([
        expect(&format!("USER {USER}")),
        send("+OK"),
        expect(&format!("PASS {PASSWORD}")),
    ]);
    script.extend([send("+OK in"), expect("STAT")]);
    script.extend([
        send("-ERR [SYS/TEMP] Temporary system failure, try again later"),
        Step::Close,
    ]);
    let o = run(script, full(Protocol::Pop3, Security::Tls, AuthMech::Auto)).await;
    assert!(
        matches!(&o.session.mailbox, Some(MailboxOutcome::Refused(r)) if r.has_code("SYS/TEMP"))
    );
    let SessionEnd::Closed {
        phase: Phase::Mailbox,
        reply: Some(reply),
    } = &o.session.end
    else {
        panic!("{:?}", o.session.end)
    };
    assert_eq!(reply.status, Status::Pop3Err);
}

#[tokio::test]
async fn reset_or_eof_after_greeting_and_after_auth() {
    for last in [Step::Reset, Step::Close] {
        let o = run(
            vec![send("+OK ready"), last.clone()],
            look(Protocol::Pop3, Security::None),
        )
        .await;
        match last {
            Step::Reset => assert_eq!(
                o.session.end,
                SessionEnd::Reset {
                    phase: Phase::Capabilities
                }
            ),
            _ => assert_eq!(
                o.session.end,
                SessionEnd::Closed {
                    phase: Phase::Capabilities,
                    reply: None
                }
            ),
        }

        let mut script = vec![send("220 mail ESMTP"), expect("EHLO localhost")];
        script.extend([send("250-mail"), send("250 AUTH PLAIN")]);
        script.extend([Step::ExpectAny, last.clone()]);
        let mut params = full(Protocol::Smtp, Security::None, AuthMech::Plain);
        params.login.as_mut().unwrap().allow_plaintext = true;
        let o = run(script, params).await;
        match last {
            Step::Reset => assert_eq!(
                o.session.end,
                SessionEnd::Reset {
                    phase: Phase::Login
                }
            ),
            _ => assert_eq!(
                o.session.end,
                SessionEnd::Closed {
                    phase: Phase::Login,
                    reply: None
                }
            ),
        }
        assert_eq!(
            o.session.login,
            Some(LoginOutcome::Skipped(LoginSkip::SessionEnded))
        );
    }
}

#[tokio::test]
async fn line_breaks_in_credentials_are_refused_before_sending() {
    type Tweak = fn(&mut LoginParams);
    let cases: [Tweak; 4] = [
        |l| l.username = format!("{USER}\r\nRCPT TO:<victim@example.net>"),
        |l| l.password = Ok(Secret::new(format!("{PASSWORD}\r\nRCPT TO:<x@y>"))),
        |l| l.sender = "a@b\nRCPT TO:<x@y>".into(),
        |l| l.relay_rcpt = "x@y\0".into(),
    ];
    for tweak in cases {
        let mut script = vec![Step::StartTls(Cert::Good), send("220 mail ESMTP")];
        script.extend([
            expect("EHLO localhost"),
            send("250-mail"),
            send("250 AUTH PLAIN LOGIN"),
        ]);
        script.extend([expect("QUIT"), send("221 bye")]);
        let mut params = full(Protocol::Smtp, Security::Tls, AuthMech::Auto);
        tweak(params.login.as_mut().unwrap());
        let o = run(script, params).await;
        assert_eq!(o.served.mismatch, None);
        assert_eq!(
            o.session.login,
            Some(LoginOutcome::Skipped(LoginSkip::ForbiddenCharacters))
        );
        assert_eq!(sent(&o), ["EHLO localhost", "QUIT"]);
        assert!(o.session.relay.is_none());
    }
}

#[tokio::test]
async fn an_echoed_password_is_masked() {
    let mut script = vec![Step::StartTls(Cert::Good), send("220 mail ESMTP")];
    script.extend([
        expect("EHLO localhost"),
        send("250-mail"),
        send("250 AUTH LOGIN"),
    ]);
    script.extend([
        expect("AUTH LOGIN"),
        send("334 VXNlcm5hbWU6"),
        Step::ExpectAny,
        send("334 UGFzc3dvcmQ6"),
    ]);
    script.push(Step::ExpectAny);
    script.push(send(&format!(
        "535 5.7.8 password {PASSWORD} (base64 {}) is wrong",
        b64(PASSWORD)
    )));
    script.extend([expect("QUIT"), send("221 bye")]);
    let o = run(script, full(Protocol::Smtp, Security::Tls, AuthMech::Login)).await;
    let Some(LoginOutcome::Rejected { reply, .. }) = &o.session.login else {
        panic!("{:?}", o.session.login)
    };
    assert_eq!(reply.text, "password ******** (base64 ********) is wrong");
}

#[tokio::test]
async fn refusing_and_foreign_greetings() {
    let script = vec![
        send("554 5.7.1 <unknown[192.0.2.1]>: Client host rejected: Access denied"),
        expect("QUIT"),
        send("221 2.0.0 Bye"),
    ];
    let o = run(script, full(Protocol::Smtp, Security::None, AuthMech::Auto)).await;
    assert_eq!(o.served.mismatch, None);
    assert_eq!(o.greeting_kind(), GreetingKind::SmtpRefused);
    let SessionEnd::Closed {
        phase: Phase::Greeting,
        reply: Some(reply),
    } = &o.session.end
    else {
        panic!("{:?}", o.session.end)
    };
    assert_eq!(reply.status, Status::Smtp(554));
    assert_eq!(
        o.session.login,
        Some(LoginOutcome::Skipped(LoginSkip::SessionEnded))
    );

    let o = run(
        vec![send("* BYE Too many connections")],
        look(Protocol::Imap, Security::None),
    )
    .await;
    assert_eq!(o.greeting_kind(), GreetingKind::ImapBye);
    assert!(o.served.lines.is_empty());

    // POP3 on the port configured for IMAP: not one IMAP command is sent.
    let o = run(
        vec![send("+OK Dovecot ready.")],
        full(Protocol::Imap, Security::None, AuthMech::Auto),
    )
    .await;
    assert_eq!(o.greeting_kind(), GreetingKind::Pop3);
    assert!(matches!(
        o.session.end,
        SessionEnd::Stopped {
            phase: Phase::Greeting,
            ..
        }
    ));
    assert!(o.served.lines.is_empty());

    // An HTTP or SSH server.
    for banner in ["SSH-2.0-OpenSSH_9.2p1 Debian-2", "HTTP/1.1 400 Bad Request"] {
        let o = run(vec![send(banner)], look(Protocol::Smtp, Security::None)).await;
        assert_eq!(o.greeting_kind(), GreetingKind::Unrecognised);
        assert!(o.served.lines.is_empty());
    }
}

#[tokio::test]
async fn multi_line_smtp_greeting() {
    let script = vec![
        send("220-smtp.example.test ESMTP"),
        send("220-This is a long greeting"),
        send("220 with three lines"),
        expect("EHLO localhost"),
        send("250 smtp.example.test"),
        expect("QUIT"),
        send("221 bye"),
    ];
    let o = run(script, look(Protocol::Smtp, Security::None)).await;
    assert_eq!(o.served.mismatch, None);
    let g = o.session.greeting.as_ref().unwrap();
    assert_eq!(g.line, "220-smtp.example.test ESMTP");
    assert_eq!(
        g.reply.as_ref().unwrap().text,
        "smtp.example.test ESMTP This is a long greeting with three lines"
    );
    assert_eq!(o.session.end, SessionEnd::Completed);
}
