//! POP3, IMAP and SMTP dialogues against scripted servers that answer
//! like Dovecot, Postfix, Gmail and Microsoft 365: healthy logins with
//! each mechanism, rejected logins, locked mailboxes, relay refusals.

mod dialogue_support;

use dialogue_support::*;
use hmac::{Hmac, Mac};
use mailfix::account::{AuthMech, Protocol, Security};
use mailfix::event::{StepKind, StepStatus};
use mailfix::evidence::{
    Enhanced, LoginOutcome, LoginSkip, MailboxOutcome, SessionEnd, Status, TlsOutcome,
};
use mailfix::secret::Secret;

fn dovecot_pop3_capa(sasl: &str) -> Vec<Step> {
    let mut s = vec![
        send("+OK"),
        send("CAPA"),
        send("TOP"),
        send("UIDL"),
        send("RESP-CODES"),
    ];
    s.push(send("PIPELINING"));
    s.push(send("AUTH-RESP-CODE"));
    s.push(send("USER"));
    if !sasl.is_empty() {
        s.push(send(&format!("SASL {sasl}")));
    }
    s.push(send("."));
    s
}

fn tls_greeting(greeting: &str) -> Vec<Step> {
    vec![Step::StartTls(Cert::Good), send(greeting)]
}

#[tokio::test]
async fn pop3_tls_auto_picks_plain_and_stats() {
    let mut script = tls_greeting("+OK Dovecot (Debian) ready.");
    script.push(expect("CAPA"));
    script.extend(dovecot_pop3_capa("PLAIN LOGIN"));
    script.push(expect(&format!(
        "AUTH PLAIN {}",
        b64(&format!("\0{USER}\0{PASSWORD}"))
    )));
    script.extend([send("+OK Logged in."), expect("STAT"), send("+OK 2 320")]);
    script.extend([expect("QUIT"), send("+OK Logging out."), Step::Close]);
    let o = run(script, full(Protocol::Pop3, Security::Tls, AuthMech::Auto)).await;
    assert_eq!(o.served.mismatch, None);
    assert_eq!(sent(&o).len(), 4);
    assert!(matches!(o.session.tls, Some(TlsOutcome::Verified { .. })));
    assert!(o.session.greeting.as_ref().unwrap().verified);
    assert_eq!(o.session.login, accepted(AuthMech::Plain));
    assert_eq!(
        o.session.mailbox,
        Some(MailboxOutcome::Opened { messages: Some(2) })
    );
    assert_eq!(o.session.end, SessionEnd::Completed);
    assert!(o.transcript().contains("C: [tls] AUTH PLAIN ********"));
    for kind in [
        StepKind::Tls,
        StepKind::Greeting,
        StepKind::Capabilities,
        StepKind::Login,
        StepKind::Mailbox,
    ] {
        assert_eq!(o.step(kind), Some(StepStatus::Ok), "{kind}");
    }
}

#[tokio::test]
async fn pop3_user_pass_when_no_sasl() {
    let mut script = tls_greeting("+OK ready");
    script.push(expect("CAPA"));
    script.extend(dovecot_pop3_capa(""));
    script.extend([expect(&format!("USER {USER}")), send("+OK")]);
    script.extend([expect(&format!("PASS {PASSWORD}")), send("+OK Logged in.")]);
    script.extend([
        expect("STAT"),
        send("+OK 0 0"),
        expect("QUIT"),
        send("+OK Bye"),
    ]);
    let o = run(script, full(Protocol::Pop3, Security::Tls, AuthMech::Plain)).await;
    assert_eq!(o.served.mismatch, None);
    assert_eq!(o.session.login, accepted(AuthMech::Login));
    assert!(o.transcript().contains("C: [tls] PASS ********"));
}

#[tokio::test]
async fn pop3_mailbox_in_use() {
    let mut script = tls_greeting("+OK Dovecot ready.");
    script.push(expect("CAPA"));
    script.extend(dovecot_pop3_capa(""));
    script.extend([expect(&format!("USER {USER}")), send("+OK")]);
    script.push(expect(&format!("PASS {PASSWORD}")));
    script.push(send(
        "-ERR [IN-USE] Mailbox is locked by another POP3 session.",
    ));
    script.extend([expect("QUIT"), send("+OK Logging out")]);
    let o = run(script, full(Protocol::Pop3, Security::Tls, AuthMech::Auto)).await;
    let Some(LoginOutcome::Rejected { reply, .. }) = &o.session.login else {
        panic!("{:?}", o.session.login)
    };
    assert_eq!(reply.status, Status::Pop3Err);
    assert!(reply.has_code("IN-USE"));
    assert_eq!(o.session.mailbox, None);
    assert_eq!(o.step(StepKind::Login), Some(StepStatus::Failed));
}

#[tokio::test]
async fn pop3_stls_then_capa_again() {
    let mut script = vec![send("+OK Dovecot ready."), expect("CAPA")];
    script.extend(dovecot_pop3_capa("PLAIN").into_iter().map(|s| match s {
        Step::Send(b) if b == b"USER\r\n" => send("STLS"),
        other => other,
    }));
    script.extend([
        expect("STLS"),
        send("+OK Begin TLS negotiation now."),
        Step::StartTls(Cert::Good),
    ]);
    script.push(expect("CAPA"));
    script.extend(dovecot_pop3_capa("PLAIN LOGIN"));
    script.push(expect(&format!(
        "AUTH PLAIN {}",
        b64(&format!("\0{USER}\0{PASSWORD}"))
    )));
    script.extend([
        send("+OK Logged in."),
        expect("STAT"),
        send("+OK 1 10"),
        expect("QUIT"),
        send("+OK"),
    ]);
    let o = run(
        script,
        full(Protocol::Pop3, Security::Starttls, AuthMech::Auto),
    )
    .await;
    assert_eq!(o.served.mismatch, None);
    assert!(!o.session.greeting.as_ref().unwrap().verified);
    assert!(o.session.capabilities.as_ref().unwrap().starttls);
    assert!(!o.session.capabilities.as_ref().unwrap().verified);
    assert!(o.session.capabilities_after_tls.as_ref().unwrap().verified);
    assert!(o.session.is_encrypted());
    assert_eq!(
        o.session.mailbox,
        Some(MailboxOutcome::Opened { messages: Some(1) })
    );
}

fn imap_examine(tag: &str) -> Vec<Step> {
    vec![
        expect(&format!("{tag} EXAMINE INBOX")),
        send("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)"),
        send("* OK [PERMANENTFLAGS ()] Read-only mailbox."),
        send("* 3 EXISTS"),
        send("* 0 RECENT"),
        send("* OK [UIDVALIDITY 1700000000] UIDs valid"),
        send(&format!(
            "{tag} OK [READ-ONLY] Examine completed (0.001 + 0.000 secs)."
        )),
    ]
}

fn imap_logout(tag: &str) -> Vec<Step> {
    vec![
        expect(&format!("{tag} LOGOUT")),
        send("* BYE Logging out"),
        send(&format!("{tag} OK Logout completed.")),
    ]
}

fn imap_caps(tag: &str, caps: &str) -> Vec<Step> {
    vec![
        expect(&format!("{tag} CAPABILITY")),
        send(&format!("* CAPABILITY {caps}")),
        send(&format!(
            "{tag} OK Pre-login capabilities listed, post-login capabilities have more."
        )),
    ]
}

#[tokio::test]
async fn imap_tls_login_command_and_examine() {
    let mut script = tls_greeting(
        "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+] Dovecot (Debian) ready.",
    );
    script.extend(imap_caps(
        "a1",
        "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+",
    ));
    script.push(expect(&format!("a2 LOGIN \"{USER}\" \"{PASSWORD}\"")));
    script.push(send("a2 OK [CAPABILITY IMAP4rev1 SASL-IR SORT] Logged in"));
    script.extend(imap_examine("a3"));
    script.extend(imap_logout("a4"));
    let o = run(script, full(Protocol::Imap, Security::Tls, AuthMech::Auto)).await;
    assert_eq!(o.served.mismatch, None);
    assert_eq!(o.session.login, accepted(AuthMech::Login));
    assert_eq!(
        o.session.mailbox,
        Some(MailboxOutcome::Opened { messages: Some(3) })
    );
    assert_eq!(o.session.end, SessionEnd::Completed);
    assert!(
        o.transcript()
            .contains(&format!("C: [tls] a2 LOGIN \"{USER}\" ********"))
    );
}

#[tokio::test]
async fn imap_authenticate_plain_with_sasl_ir() {
    let mut script = tls_greeting("* OK IMAP ready");
    script.extend(imap_caps("a1", "IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=LOGIN"));
    script.push(expect(&format!(
        "a2 AUTHENTICATE PLAIN {}",
        b64(&format!("\0{USER}\0{PASSWORD}"))
    )));
    script.push(send("a2 OK Logged in"));
    script.extend(imap_examine("a3"));
    script.extend(imap_logout("a4"));
    let o = run(script, full(Protocol::Imap, Security::Tls, AuthMech::Auto)).await;
    assert_eq!(o.served.mismatch, None);
    assert_eq!(o.session.login, accepted(AuthMech::Plain));
}

#[tokio::test]
async fn imap_authenticate_plain_without_sasl_ir_waits_for_continuation() {
    let mut script = tls_greeting("* OK IMAP ready");
    script.extend(imap_caps("a1", "IMAP4rev1 AUTH=PLAIN"));
    script.extend([expect("a2 AUTHENTICATE PLAIN"), send("+ ")]);
    script.push(expect(&b64(&format!("\0{USER}\0{PASSWORD}"))));
    script.push(send("a2 NO [AUTHENTICATIONFAILED] Authentication failed."));
    script.extend(imap_logout("a3"));
    let o = run(script, full(Protocol::Imap, Security::Tls, AuthMech::Plain)).await;
    assert_eq!(o.served.mismatch, None);
    let Some(LoginOutcome::Rejected { mechanism, reply }) = &o.session.login else {
        panic!("{:?}", o.session.login)
    };
    assert_eq!(*mechanism, AuthMech::Plain);
    assert!(reply.has_code("AUTHENTICATIONFAILED"));
    assert_eq!(o.session.mailbox, None);
    assert_eq!(o.session.end, SessionEnd::Completed);
    assert!(o.transcript().contains("C: [tls] ********"));
}

#[tokio::test]
async fn imap_xoauth2_with_sasl_ir() {
    let mut script = tls_greeting("* OK Gimap ready for requests from 127.0.0.1");
    script.extend(imap_caps("a1", "IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 XYZZY SASL-IR AUTH=XOAUTH2 AUTH=PLAIN AUTH=PLAIN-CLIENTTOKEN AUTH=OAUTHBEARER AUTH=XOAUTH"));
    script.push(expect(&format!(
        "a2 AUTHENTICATE XOAUTH2 {}",
        b64(&format!("user={USER}\x01auth=Bearer {TOKEN}\x01\x01"))
    )));
    script.push(send(&format!("a2 OK {USER} authenticated (Success)")));
    script.extend(imap_examine("a3"));
    script.extend(imap_logout("a4"));
    let o = run(
        script,
        full(Protocol::Imap, Security::Tls, AuthMech::Xoauth2),
    )
    .await;
    assert_eq!(o.served.mismatch, None);
    assert_eq!(o.session.login, accepted(AuthMech::Xoauth2));
    assert!(
        o.transcript()
            .contains("C: [tls] a2 AUTHENTICATE XOAUTH2 ********")
    );
}

#[tokio::test]
async fn imap_cram_md5_answers_the_challenge() {
    let challenge = "<1896.697170952@postoffice.example.test>";
    let mut mac = <Hmac<md5::Md5> as Mac>::new_from_slice(PASSWORD.as_bytes()).unwrap();
    mac.update(challenge.as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut script = tls_greeting("* OK Cyrus IMAP ready");
    script.extend(imap_caps(
        "a1",
        "IMAP4rev1 AUTH=PLAIN AUTH=LOGIN AUTH=CRAM-MD5 SASL-IR",
    ));
    script.extend([
        expect("a2 AUTHENTICATE CRAM-MD5"),
        send(&format!("+ {}", b64(challenge))),
    ]);
    script.extend([
        expect(&b64(&format!("{USER} {hex}"))),
        send("a2 OK Success"),
    ]);
    script.extend(imap_examine("a3"));
    script.extend(imap_logout("a4"));
    let o = run(script, full(Protocol::Imap, Security::Tls, AuthMech::Auto)).await;
    assert_eq!(o.served.mismatch, None);
    assert_eq!(o.session.login, accepted(AuthMech::CramMd5));
}

#[tokio::test]
async fn imap_login_with_eight_bit_password_uses_literals() {
    let password = format!("p\u{e4}ss-{PASSWORD}");
    let mut script = tls_greeting("* OK ready");
    script.extend(imap_caps("a1", "IMAP4rev1"));
    script.extend([
        expect(&format!("a2 LOGIN \"{USER}\" {{{}}}", password.len())),
        send("+ OK"),
    ]);
    script.extend([expect(&password), send("a2 OK Logged in")]);
    script.extend(imap_examine("a3"));
    script.extend(imap_logout("a4"));
    let mut params = full(Protocol::Imap, Security::Tls, AuthMech::Auto);
    params.login.as_mut().unwrap().password = Ok(Secret::new(password.clone()));
    let o = run(script, params).await;
    assert_eq!(o.served.mismatch, None);
    assert!(matches!(
        o.session.login,
        Some(LoginOutcome::Accepted { .. })
    ));
    assert!(!o.transcript().contains("p\u{e4}ss"));
}

#[tokio::test]
async fn imap_inuse_and_cannot_are_kept() {
    for (line, code) in [
        (
            "a2 NO [INUSE] Mailbox is locked by another session",
            "INUSE",
        ),
        (
            "a2 NO [CANNOT] Unsupported authentication mechanism.",
            "CANNOT",
        ),
        (
            "a2 NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)",
            "ALERT",
        ),
        (
            "a2 NO [WEBALERT https://accounts.google.com/signin/continue?sarp=1] Web login required.",
            "WEBALERT",
        ),
        (
            "a2 NO [REFERRAL imap://alice@imap2.example.test/] Log in on the other server",
            "REFERRAL",
        ),
    ] {
        let mut script = tls_greeting("* OK ready");
        script.extend(imap_caps("a1", "IMAP4rev1"));
        script.extend([
            expect(&format!("a2 LOGIN \"{USER}\" \"{PASSWORD}\"")),
            send(line),
        ]);
        script.extend(imap_logout("a3"));
        let o = run(script, full(Protocol::Imap, Security::Tls, AuthMech::Auto)).await;
        assert_eq!(o.served.mismatch, None);
        let Some(LoginOutcome::Rejected { reply, .. }) = &o.session.login else {
            panic!("{:?}", o.session.login)
        };
        assert!(reply.has_code(code), "{reply}");
        // A referral is reported, never followed: one connection, nothing more sent.
        assert_eq!(
            sent(&o),
            [
                "a1 CAPABILITY",
                &format!("a2 LOGIN \"{USER}\" \"{PASSWORD}\""),
                "a3 LOGOUT"
            ]
        );
    }
}

fn postfix_ehlo(auth: Option<&str>, starttls: bool) -> Vec<Step> {
    let mut s = vec![
        expect("EHLO localhost"),
        send("250-mail.example.test"),
        send("250-PIPELINING"),
    ];
    s.push(send("250-SIZE 10240000"));
    if starttls {
        s.push(send("250-STARTTLS"));
    }
    if let Some(auth) = auth {
        s.push(send(&format!("250-AUTH {auth}")));
    }
    s.extend([
        send("250-ENHANCEDSTATUSCODES"),
        send("250-8BITMIME"),
        send("250 SMTPUTF8"),
    ]);
    s
}

fn relay_steps(rcpt_reply: &str) -> Vec<Step> {
    vec![
        expect(&format!("MAIL FROM:<{USER}>")),
        send("250 2.1.0 Ok"),
        expect("RCPT TO:<probe@example.net>"),
        send(rcpt_reply),
        expect("RSET"),
        send("250 2.0.0 Ok"),
        expect("QUIT"),
        send("221 2.0.0 Bye"),
    ]
}

#[tokio::test]
async fn smtp_submission_starttls_auth_plain_and_relay() {
    let mut script = vec![send("220 mail.example.test ESMTP Postfix (Debian/GNU)")];
    script.extend(postfix_ehlo(None, true));
    script.extend([
        expect("STARTTLS"),
        send("220 2.0.0 Ready to start TLS"),
        Step::StartTls(Cert::Good),
    ]);
    script.extend(postfix_ehlo(Some("PLAIN LOGIN"), false));
    script.push(expect(&format!(
        "AUTH PLAIN {}",
        b64(&format!("\0{USER}\0{PASSWORD}"))
    )));
    script.push(send("235 2.7.0 Authentication successful"));
    script.extend(relay_steps("250 2.1.5 Ok"));
    let o = run(
        script,
        full(Protocol::Smtp, Security::Starttls, AuthMech::Auto),
    )
    .await;
    assert_eq!(o.served.mismatch, None);
    assert!(o.session.capabilities.as_ref().unwrap().auth.is_empty());
    assert_eq!(
        o.session.capabilities_after_tls.as_ref().unwrap().auth,
        ["PLAIN", "LOGIN"]
    );
    assert_eq!(o.session.login, accepted(AuthMech::Plain));
    let relay = o.session.relay.as_ref().unwrap();
    assert!(relay.authenticated);
    assert_eq!(relay.rcpt_to.as_ref().unwrap().status, Status::Smtp(250));
    assert_eq!(o.session.end, SessionEnd::Completed);
}

#[tokio::test]
async fn smtp_auth_login_two_challenges() {
    let mut script = tls_greeting("220 smtp.example.test ESMTP Exim 4.96");
    script.extend(postfix_ehlo(Some("LOGIN"), false));
    script.extend([expect("AUTH LOGIN"), send("334 VXNlcm5hbWU6")]);
    script.extend([expect(&b64(USER)), send("334 UGFzc3dvcmQ6")]);
    script.extend([expect(&b64(PASSWORD)), send("235 Authentication succeeded")]);
    script.extend(relay_steps("250 Accepted"));
    let o = run(script, full(Protocol::Smtp, Security::Tls, AuthMech::Auto)).await;
    assert_eq!(o.served.mismatch, None);
    assert_eq!(o.session.login, accepted(AuthMech::Login));
    let masked = o
        .session
        .transcript
        .iter()
        .filter(|l| l.text == "********")
        .count();
    assert_eq!(masked, 2, "both LOGIN responses are masked");
}

#[tokio::test]
async fn smtp_xoauth2_error_is_acknowledged_then_rejected() {
    let mut script = tls_greeting("220 smtp.gmail.com ESMTP a1-20020a170906 - gsmtp");
    script.extend(postfix_ehlo(
        Some("LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH"),
        false,
    ));
    script.push(expect(&format!(
        "AUTH XOAUTH2 {}",
        b64(&format!("user={USER}\x01auth=Bearer {TOKEN}\x01\x01"))
    )));
    script.push(send("334 eyJzdGF0dXMiOiI0MDAiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ=="));
    script.push(expect(""));
    script.push(send(
        "535-5.7.8 Username and Password not accepted. For more information, go to",
    ));
    script.push(send(
        "535 5.7.8  https://support.google.com/mail/?p=BadCredentials a1-20020a170906 - gsmtp",
    ));
    script.extend([expect("QUIT"), send("221 2.0.0 closing connection")]);
    let o = run(
        script,
        full(Protocol::Smtp, Security::Tls, AuthMech::Xoauth2),
    )
    .await;
    assert_eq!(o.served.mismatch, None);
    let Some(LoginOutcome::Rejected { mechanism, reply }) = &o.session.login else {
        panic!("{:?}", o.session.login)
    };
    assert_eq!(*mechanism, AuthMech::Xoauth2);
    assert_eq!(reply.enhanced, Some(Enhanced::new(5, 7, 8)));
    assert!(
        o.session.relay.is_none(),
        "no relay test after a failed login"
    );
}

#[tokio::test]
async fn smtp_provider_replies_are_kept_verbatim() {
    for (lines, enhanced) in [
        (
            vec![
                "534-5.7.9 Application-specific password required. For more information, go to",
                "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor a1-20020a170906 - gsmtp",
            ],
            Enhanced::new(5, 7, 9),
        ),
        (
            vec![
                "535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [AM0PR02CA0001.eurprd02.prod.outlook.com 2025-01-01T00:00:00.000Z 08DC]",
            ],
            Enhanced::new(5, 7, 139),
        ),
        (
            vec!["504 5.7.4 Unrecognized authentication type"],
            Enhanced::new(5, 7, 4),
        ),
        (
            vec!["530 5.7.0 Must issue a STARTTLS command first"],
            Enhanced::new(5, 7, 0),
        ),
    ] {
        let mut script = tls_greeting("220 smtp.example.test ESMTP");
        script.extend(postfix_ehlo(Some("PLAIN LOGIN"), false));
        script.push(expect(&format!(
            "AUTH PLAIN {}",
            b64(&format!("\0{USER}\0{PASSWORD}"))
        )));
        script.extend(lines.iter().map(|l| send(l)));
        script.extend([expect("QUIT"), send("221 Bye")]);
        let o = run(script, full(Protocol::Smtp, Security::Tls, AuthMech::Plain)).await;
        assert_eq!(o.served.mismatch, None);
        let Some(LoginOutcome::Rejected { reply, .. }) = &o.session.login else {
            panic!("{:?}", o.session.login)
        };
        assert_eq!(reply.enhanced, Some(enhanced));
    }
}

#[tokio::test]
async fn smtp_mechanism_not_offered_sends_no_auth() {
    let mut script = tls_greeting("220 mail.example.test ESMTP Postfix");
    script.extend(postfix_ehlo(Some("PLAIN LOGIN"), false));
    script.extend([expect("QUIT"), send("221 2.0.0 Bye")]);
    let o = run(
        script,
        full(Protocol::Smtp, Security::Tls, AuthMech::CramMd5),
    )
    .await;
    assert_eq!(o.served.mismatch, None);
    assert_eq!(
        o.session.login,
        Some(LoginOutcome::Skipped(LoginSkip::MechanismNotOffered {
            wanted: AuthMech::CramMd5,
            offered: vec!["PLAIN".into(), "LOGIN".into()],
        }))
    );
    assert_eq!(o.step(StepKind::Login), Some(StepStatus::Skipped));
    assert_eq!(sent(&o), ["EHLO localhost", "QUIT"]);
}

#[tokio::test]
async fn smtp_unauthenticated_relay_denied() {
    let mut script = tls_greeting("220 mail.example.test ESMTP Postfix");
    script.extend(postfix_ehlo(Some("PLAIN LOGIN"), false));
    script.extend(relay_steps(
        "554 5.7.1 <probe@example.net>: Relay access denied",
    ));
    let o = run(script, full(Protocol::Smtp, Security::Tls, AuthMech::None)).await;
    assert_eq!(o.served.mismatch, None);
    assert_eq!(
        o.session.login,
        Some(LoginOutcome::Skipped(LoginSkip::AuthNone))
    );
    let relay = o.session.relay.as_ref().unwrap();
    assert!(!relay.authenticated);
    let rcpt = relay.rcpt_to.as_ref().unwrap();
    assert_eq!(rcpt.status, Status::Smtp(554));
    assert!(rcpt.text_contains("Relay access denied"));
    assert_eq!(o.step(StepKind::Relay), Some(StepStatus::Failed));
}

#[tokio::test]
async fn smtp_sender_not_owned() {
    let mut script = tls_greeting("220 mail.example.test ESMTP Postfix");
    script.extend(postfix_ehlo(Some("PLAIN"), false));
    script.push(expect(&format!(
        "AUTH PLAIN {}",
        b64(&format!("\0{USER}\0{PASSWORD}"))
    )));
    script.push(send("235 2.7.0 Authentication successful"));
    script.extend([expect(&format!("MAIL FROM:<{USER}>")), send("553 5.7.1 <alice@example.test>: Sender address rejected: not owned by user bob@example.test")]);
    script.extend([
        expect("RSET"),
        send("250 2.0.0 Ok"),
        expect("QUIT"),
        send("221 Bye"),
    ]);
    let o = run(script, full(Protocol::Smtp, Security::Tls, AuthMech::Plain)).await;
    assert_eq!(o.served.mismatch, None);
    let relay = o.session.relay.as_ref().unwrap();
    assert!(relay.authenticated);
    assert_eq!(relay.mail_from.status, Status::Smtp(553));
    assert!(relay.rcpt_to.is_none(), "no RCPT after a refused MAIL FROM");
}

#[tokio::test]
async fn plaintext_login_needs_permission() {
    let script = vec![
        send("* OK ready"),
        expect("a1 CAPABILITY"),
        send("* CAPABILITY IMAP4rev1 AUTH=PLAIN"),
        send("a1 OK done"),
        expect("a2 LOGOUT"),
        send("* BYE"),
        send("a2 OK bye"),
    ];
    let o = run(script, full(Protocol::Imap, Security::None, AuthMech::Auto)).await;
    assert_eq!(o.served.mismatch, None);
    assert_eq!(
        o.session.login,
        Some(LoginOutcome::Skipped(LoginSkip::WouldBePlaintext))
    );

    let script = vec![
        send("+OK ready"),
        expect("CAPA"),
        send("-ERR unknown command"),
        expect(&format!("USER {USER}")),
        send("+OK"),
        expect(&format!("PASS {PASSWORD}")),
        send("-ERR Plaintext authentication disallowed on non-secure (SSL/TLS) connections."),
        expect("QUIT"),
        send("+OK"),
    ];
    let mut params = full(Protocol::Pop3, Security::None, AuthMech::Auto);
    params.login.as_mut().unwrap().allow_plaintext = true;
    let o = run(script, params).await;
    assert_eq!(o.served.mismatch, None);
    assert!(
        matches!(&o.session.login, Some(LoginOutcome::Rejected { reply, .. }) if reply.text_contains("Plaintext authentication disallowed"))
    );
    assert!(o.session.transcript.iter().all(|l| !l.tls));
}

#[tokio::test]
async fn logindisabled_means_no_login() {
    let script = vec![
        send("* OK ready"),
        expect("a1 CAPABILITY"),
        send("* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED"),
        send("a1 OK done"),
        expect("a2 LOGOUT"),
        send("a2 OK bye"),
    ];
    let mut params = full(Protocol::Imap, Security::None, AuthMech::Auto);
    params.login.as_mut().unwrap().allow_plaintext = true;
    let o = run(script, params).await;
    assert_eq!(o.served.mismatch, None);
    assert_eq!(
        o.session.login,
        Some(LoginOutcome::Skipped(LoginSkip::ServerDisallows))
    );
    assert!(o.session.capabilities.as_ref().unwrap().login_disabled);
}

#[tokio::test]
async fn missing_password_is_a_skip_not_an_attempt() {
    let mut script = tls_greeting("+OK ready");
    script.push(expect("CAPA"));
    script.extend(dovecot_pop3_capa("PLAIN"));
    script.extend([expect("QUIT"), send("+OK")]);
    let mut params = full(Protocol::Pop3, Security::Tls, AuthMech::Auto);
    params.login.as_mut().unwrap().password =
        Err(LoginSkip::PasswordUnavailable("the command failed".into()));
    let o = run(script, params).await;
    assert_eq!(o.served.mismatch, None);
    assert_eq!(
        o.session.login,
        Some(LoginOutcome::Skipped(LoginSkip::PasswordUnavailable(
            "the command failed".into()
        )))
    );
}

#[tokio::test]
async fn look_depth_never_logs_in() {
    let mut script = tls_greeting("* OK ready");
    script.extend(imap_caps("a1", "IMAP4rev1 AUTH=PLAIN"));
    script.extend(imap_logout("a2"));
    let o = run(script, look(Protocol::Imap, Security::Tls)).await;
    assert_eq!(o.served.mismatch, None);
    assert_eq!(
        o.session.login,
        Some(LoginOutcome::Skipped(LoginSkip::NotRequested))
    );
    assert_eq!(o.step(StepKind::Login), None);
    assert_eq!(o.session.end, SessionEnd::Completed);
}
