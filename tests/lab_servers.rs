//! The lab's scripted servers hold realistic dialogues and show their
//! faults, seen by a raw TCP client and a rustls client trusting the lab
//! CA; and what the servers record is exactly what the client sent.

mod lab_util;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use lab_util::{Client, tcp, tls, tls_to};
use mailfix::lab::sasl::cram_md5;
use mailfix::lab::{
    CutKind, LabCerts, LabUser, ListenerSpec, Persona, RunningServer, Stage, Violation, server,
};
use std::time::Duration;

use rstest::rstest;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

const HOST: &str = "mail.example.org";
const USER: &str = "alice@example.org";
const PW: &str = "Alice-s3cr3t-17";

struct Lab {
    certs: LabCerts,
}

impl Lab {
    fn new() -> Self {
        Lab {
            certs: LabCerts::generate().unwrap(),
        }
    }

    async fn plain(&self, persona: Persona) -> RunningServer {
        let config = self
            .certs
            .server_config(&mailfix::lab::CertKind::Good, HOST)
            .unwrap();
        server::spawn(ListenerSpec::persona("plain", persona).with_tls(config))
            .await
            .unwrap()
    }

    async fn implicit(&self, persona: Persona) -> RunningServer {
        let config = self
            .certs
            .server_config(&mailfix::lab::CertKind::Good, HOST)
            .unwrap();
        server::spawn(ListenerSpec::persona("tls", persona).implicit_tls(config))
            .await
            .unwrap()
    }

    async fn connect_tls(&self, server: &RunningServer) -> Client<TlsStream<TcpStream>> {
        tls_to(server.addr, HOST, &self.certs.ca()).await
    }

    /// STARTTLS done by hand: returns the client after the handshake.
    async fn upgrade(&self, client: Client<TcpStream>) -> Client<TlsStream<TcpStream>> {
        Client::new(
            tls(client.into_inner(), HOST, &self.certs.ca())
                .await
                .unwrap(),
        )
    }
}

fn imap() -> Persona {
    Persona::imap(HOST)
        .user(LabUser::new(USER, PW))
        .mechanisms(&["PLAIN", "LOGIN", "CRAM-MD5"])
}

fn pop3() -> Persona {
    Persona::pop3(HOST).user(LabUser::new(USER, PW))
}

fn smtp() -> Persona {
    let mut p = Persona::smtp(HOST)
        .user(LabUser::new(USER, PW))
        .mechanisms(&["PLAIN", "LOGIN", "CRAM-MD5"])
        .local_domain("example.org");
    p.faults.check_sender = true;
    p
}

fn plain_ir(user: &str, pw: &str) -> String {
    B64.encode(format!("\0{user}\0{pw}"))
}

// ---------------------------------------------------------------- IMAP

#[tokio::test]
async fn imap_over_tls_logs_in_examines_and_logs_out() {
    let lab = Lab::new();
    let server = lab.implicit(imap()).await;
    let mut c = lab.connect_tls(&server).await;
    let greeting = c.line().await;
    assert!(
        greeting.starts_with("* OK [CAPABILITY IMAP4rev1"),
        "{greeting}"
    );
    assert!(
        greeting.contains("AUTH=PLAIN")
            && !greeting.contains("STARTTLS")
            && !greeting.contains("LOGINDISABLED")
    );
    let reply = c.cmd(&format!("a1 LOGIN {USER} \"{PW}\""), "a1 ").await;
    assert!(reply.last().unwrap().starts_with("a1 OK"), "{reply:?}");
    let reply = c.cmd("a2 EXAMINE INBOX", "a2 ").await;
    assert!(reply.contains(&"* 3 EXISTS".to_owned()), "{reply:?}");
    assert_eq!(
        reply.last().unwrap(),
        "a2 OK [READ-ONLY] Examine completed."
    );
    let reply = c.cmd("a3 LOGOUT", "a3 ").await;
    assert_eq!(reply[0], "* BYE Logging out");
    assert_eq!(c.try_line().await.unwrap(), None, "closed after LOGOUT");

    let conns = server.log.connections();
    assert_eq!(conns.len(), 1);
    let logins = &conns[0].logins;
    assert_eq!(logins.len(), 1);
    assert!(logins[0].accepted && logins[0].tls && logins[0].mechanism == "LOGIN");
    assert!(conns[0].received_plaintext().is_empty(), "all inside TLS");
    assert_eq!(
        conns[0].received_text(),
        format!("a1 LOGIN {USER} \"{PW}\"\r\na2 EXAMINE INBOX\r\na3 LOGOUT\r\n")
    );
}

#[tokio::test]
async fn imap_starttls_then_sasl_ir_plain() {
    let lab = Lab::new();
    let server = lab.plain(imap()).await;
    let mut c = Client::new(tcp(server.addr).await);
    let greeting = c.line().await;
    assert!(greeting.contains("STARTTLS"), "{greeting}");
    assert_eq!(
        c.cmd("a1 STARTTLS", "a1 ").await,
        ["a1 OK Begin TLS negotiation now."]
    );
    let mut c = lab.upgrade(c).await;
    let caps = c.cmd("a2 CAPABILITY", "a2 ").await;
    assert!(
        !caps[0].contains("STARTTLS") && caps[0].contains("AUTH=CRAM-MD5"),
        "{caps:?}"
    );
    let reply = c
        .cmd(
            &format!("a3 AUTHENTICATE PLAIN {}", plain_ir(USER, PW)),
            "a3 ",
        )
        .await;
    assert!(reply[0].starts_with("a3 OK [CAPABILITY"), "{reply:?}");
    let conn = &server.log.connections()[0];
    assert_eq!(conn.received_plaintext(), b"a1 STARTTLS\r\n");
    assert!(server.log.received_contains(plain_ir(USER, PW).as_bytes()));
    assert!(!server.log.plaintext_contains(PW.as_bytes()));
}

#[tokio::test]
async fn imap_cram_md5_is_verified() {
    let lab = Lab::new();
    let server = lab.implicit(imap()).await;
    for (pw, ok) in [(PW, true), ("wrong", false)] {
        let mut c = lab.connect_tls(&server).await;
        c.line().await;
        c.send("a1 AUTHENTICATE CRAM-MD5").await;
        let challenge = c.line().await;
        let nonce = B64.decode(challenge.strip_prefix("+ ").unwrap()).unwrap();
        let digest = cram_md5(pw, std::str::from_utf8(&nonce).unwrap());
        let reply = c.cmd(&B64.encode(format!("{USER} {digest}")), "a1 ").await;
        assert_eq!(reply[0].starts_with("a1 OK"), ok, "{reply:?}");
    }
}

#[tokio::test]
async fn imap_login_takes_literals() {
    let lab = Lab::new();
    let server = lab.implicit(imap()).await;
    let mut c = lab.connect_tls(&server).await;
    c.line().await;
    c.send(&format!("a1 LOGIN {{{}}}", USER.len())).await;
    assert_eq!(c.line().await, "+ OK");
    c.send(&format!("{USER} {{{}+}}", PW.len())).await;
    c.send(PW).await;
    assert!(c.line().await.starts_with("a1 OK"));
}

#[rstest]
#[case::wrong_password(
    "a1 LOGIN alice@example.org nope",
    "a1 NO [AUTHENTICATIONFAILED] Authentication failed."
)]
#[case::unknown_user(
    "a1 LOGIN bob@example.org nope",
    "a1 NO [AUTHENTICATIONFAILED] Authentication failed."
)]
#[case::mechanism_not_offered(
    "a1 AUTHENTICATE XOAUTH2",
    "a1 NO Unsupported authentication mechanism."
)]
#[case::not_logged_in("a1 EXAMINE INBOX", "a1 BAD Please log in first.")]
#[case::unknown("a1 FROB", "a1 BAD Error in IMAP command FROB: Unknown command.")]
#[tokio::test]
async fn imap_refusals(#[case] command: &str, #[case] expected: &str) {
    let lab = Lab::new();
    let server = lab.implicit(imap()).await;
    let mut c = lab.connect_tls(&server).await;
    c.line().await;
    assert_eq!(c.cmd(command, "a1 ").await.last().unwrap(), expected);
}

#[tokio::test]
async fn imap_tls_required_disables_login_until_starttls() {
    let lab = Lab::new();
    let mut persona = imap();
    persona.faults.tls_required = true;
    let server = lab.plain(persona).await;
    let mut c = Client::new(tcp(server.addr).await);
    let greeting = c.line().await;
    assert!(greeting.contains("STARTTLS LOGINDISABLED"), "{greeting}");
    assert!(!greeting.contains("AUTH="), "{greeting}");
    let reply = c.cmd("a1 LOGIN alice@example.org x", "a1 ").await;
    assert_eq!(
        reply[0],
        "a1 NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections."
    );
    c.cmd("a2 STARTTLS", "a2 OK").await;
    let mut c = lab.upgrade(c).await;
    let caps = c.cmd("a3 CAPABILITY", "a3 ").await;
    assert!(
        caps[0].contains("AUTH=PLAIN") && !caps[0].contains("LOGINDISABLED"),
        "{caps:?}"
    );
    assert!(c.cmd(&format!("a4 LOGIN {USER} {PW}"), "a4 ").await[0].starts_with("a4 OK"));
}

#[tokio::test]
async fn imap_oauth_only_server() {
    let lab = Lab::new();
    let persona = Persona::imap(HOST)
        .user(LabUser::new(USER, "token-1"))
        .mechanisms(&["XOAUTH2", "OAUTHBEARER"]);
    let server = lab.implicit(persona).await;
    let mut c = lab.connect_tls(&server).await;
    let greeting = c.line().await;
    assert!(
        greeting.contains("LOGINDISABLED AUTH=XOAUTH2 AUTH=OAUTHBEARER"),
        "{greeting}"
    );
    assert!(c.cmd("a1 LOGIN alice@example.org x", "a1 ").await[0].starts_with("a1 NO [CANNOT]"));
    assert_eq!(
        c.cmd("a2 AUTHENTICATE PLAIN", "a2 ").await[0],
        "a2 NO Unsupported authentication mechanism."
    );
    let bad = B64.encode(format!("user={USER}\x01auth=Bearer nope\x01\x01"));
    c.send(&format!("a3 AUTHENTICATE XOAUTH2 {bad}")).await;
    assert!(c.line().await.starts_with("+ "), "error challenge first");
    assert_eq!(
        c.cmd("", "a3 ").await[0],
        "a3 NO [AUTHENTICATIONFAILED] Authentication failed."
    );
    let good = B64.encode(format!("user={USER}\x01auth=Bearer token-1\x01\x01"));
    assert!(
        c.cmd(&format!("a4 AUTHENTICATE XOAUTH2 {good}"), "a4 ")
            .await[0]
            .starts_with("a4 OK")
    );
}

#[rstest]
#[case::in_use(false, "a1 NO [INUSE] Mailbox is in use by another session.")]
#[case::webalert(
    true,
    "a1 NO [WEBALERT https://accounts.example.com/signin] Web login required."
)]
#[tokio::test]
async fn imap_login_faults(#[case] webalert: bool, #[case] expected: &str) {
    let lab = Lab::new();
    let mut persona = imap();
    if webalert {
        persona.faults.reject_login = Some(vec![
            "{tag} NO [WEBALERT https://accounts.example.com/signin] Web login required.".into(),
        ]);
    } else {
        persona.faults.in_use = true;
    }
    let server = lab.implicit(persona).await;
    let mut c = lab.connect_tls(&server).await;
    c.line().await;
    assert_eq!(
        c.cmd(&format!("a1 LOGIN {USER} {PW}"), "a1 ").await[0],
        expected
    );
    assert!(!server.log.logins()[0].accepted);
}

// ---------------------------------------------------------------- POP3

#[tokio::test]
async fn pop3_stls_user_pass_stat_quit() {
    let lab = Lab::new();
    let server = lab.plain(pop3()).await;
    let mut c = Client::new(tcp(server.addr).await);
    assert_eq!(c.line().await, "+OK mail.example.org POP3 server ready.");
    let capa = c.multiline("CAPA").await;
    assert!(
        capa.contains(&"STLS".to_owned()) && capa.contains(&"USER".to_owned()),
        "{capa:?}"
    );
    assert_eq!(
        c.cmd("STLS", "+OK").await,
        ["+OK Begin TLS negotiation now."]
    );
    let mut c = lab.upgrade(c).await;
    let capa = c.multiline("CAPA").await;
    assert!(!capa.contains(&"STLS".to_owned()) && capa.contains(&"SASL PLAIN LOGIN".to_owned()));
    assert_eq!(c.cmd(&format!("USER {USER}"), "+").await, ["+OK"]);
    assert_eq!(c.cmd(&format!("PASS {PW}"), "").await, ["+OK Logged in."]);
    let stat = c.cmd("STAT", "").await;
    assert!(stat[0].starts_with("+OK 2 "), "{stat:?}");
    let top = c.multiline("TOP 2 1").await;
    assert_eq!(top.last().unwrap(), ".");
    assert!(
        top.contains(&"..A line that starts with a dot.".to_owned()),
        "dot-stuffed: {top:?}"
    );
    assert_eq!(c.cmd("QUIT", "").await, ["+OK Logging out."]);
    assert!(server.log.logins()[0].accepted);
}

#[rstest]
#[case::in_use(true, PW, "-ERR [IN-USE] Mailbox is locked by another POP3 session.")]
#[case::bad_password(false, "nope", "-ERR [AUTH] Authentication failed.")]
#[tokio::test]
async fn pop3_login_refusals(#[case] in_use: bool, #[case] pw: &str, #[case] expected: &str) {
    let lab = Lab::new();
    let mut persona = pop3();
    persona.faults.in_use = in_use;
    let server = lab.implicit(persona).await;
    let mut c = lab.connect_tls(&server).await;
    c.line().await;
    c.cmd(&format!("USER {USER}"), "+OK").await;
    assert_eq!(c.cmd(&format!("PASS {pw}"), "").await, [expected]);
}

#[tokio::test]
async fn pop3_auth_plain_and_plaintext_refusal() {
    let lab = Lab::new();
    let mut persona = pop3();
    persona.faults.tls_required = true;
    let server = lab.plain(persona).await;
    let mut c = Client::new(tcp(server.addr).await);
    c.line().await;
    let capa = c.multiline("CAPA").await;
    assert!(
        !capa.iter().any(|l| l == "USER" || l.starts_with("SASL")),
        "{capa:?}"
    );
    assert_eq!(
        c.cmd("USER alice@example.org", "-").await,
        ["-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections."]
    );
    c.cmd("STLS", "+OK").await;
    let mut c = lab.upgrade(c).await;
    assert_eq!(
        c.cmd(&format!("AUTH PLAIN {}", plain_ir(USER, PW)), "")
            .await,
        ["+OK Logged in."]
    );
}

// ---------------------------------------------------------------- SMTP

async fn smtp_session(lab: &Lab, server: &RunningServer) -> Client<TlsStream<TcpStream>> {
    let mut c = Client::new(tcp(server.addr).await);
    assert_eq!(c.line().await, "220 mail.example.org ESMTP ready");
    let ehlo = c.cmd("EHLO client.example", "250 ").await;
    assert!(ehlo.contains(&"250-STARTTLS".to_owned()), "{ehlo:?}");
    assert_eq!(
        c.cmd("STARTTLS", "").await,
        ["220 2.0.0 Ready to start TLS"]
    );
    let mut c = lab.upgrade(c).await;
    let ehlo = c.cmd("EHLO client.example", "250 ").await;
    assert!(
        ehlo.contains(&"250-AUTH PLAIN LOGIN CRAM-MD5".to_owned()),
        "{ehlo:?}"
    );
    assert!(!ehlo.iter().any(|l| l.contains("STARTTLS")));
    c
}

#[tokio::test]
async fn smtp_auth_login_then_relay_and_rset() {
    let lab = Lab::new();
    let server = lab.plain(smtp()).await;
    let mut c = smtp_session(&lab, &server).await;
    assert_eq!(c.cmd("AUTH LOGIN", "").await, ["334 VXNlcm5hbWU6"]);
    assert_eq!(c.cmd(&B64.encode(USER), "").await, ["334 UGFzc3dvcmQ6"]);
    assert_eq!(
        c.cmd(&B64.encode(PW), "").await,
        ["235 2.7.0 Authentication successful"]
    );
    assert_eq!(
        c.cmd(&format!("MAIL FROM:<{USER}>"), "").await,
        ["250 2.1.0 Ok"]
    );
    assert_eq!(
        c.cmd("RCPT TO:<someone@example.net>", "").await,
        ["250 2.1.5 Ok"]
    );
    assert_eq!(c.cmd("RSET", "").await, ["250 2.0.0 Ok"]);
    assert_eq!(c.cmd("QUIT", "").await, ["221 2.0.0 Bye"]);
    assert!(server.log.violations().is_empty());
}

#[tokio::test]
async fn smtp_relay_denied_without_auth_and_sender_not_owned_with_it() {
    let lab = Lab::new();
    let server = lab.plain(smtp()).await;
    let mut c = smtp_session(&lab, &server).await;
    c.cmd(&format!("MAIL FROM:<{USER}>"), "").await;
    assert_eq!(
        c.cmd("RCPT TO:<postmaster@example.org>", "").await,
        ["250 2.1.5 Ok"],
        "local domain"
    );
    assert_eq!(
        c.cmd("RCPT TO:<someone@example.net>", "").await,
        ["554 5.7.1 <someone@example.net>: Relay access denied"]
    );
    c.cmd("RSET", "").await;
    let reply = c
        .cmd(&format!("AUTH PLAIN {}", plain_ir(USER, PW)), "")
        .await;
    assert_eq!(reply, ["235 2.7.0 Authentication successful"]);
    c.cmd("MAIL FROM:<boss@example.com>", "").await;
    assert_eq!(
        c.cmd("RCPT TO:<someone@example.net>", "").await,
        [
            "553 5.7.1 <boss@example.com>: Sender address rejected: not owned by user alice@example.org"
        ]
    );
}

#[rstest]
#[case::starttls_first(
    true,
    "AUTH PLAIN AGFAYg==",
    "530 5.7.0 Must issue a STARTTLS command first"
)]
#[case::mail_before_tls(
    true,
    "MAIL FROM:<a@example.org>",
    "530 5.7.0 Must issue a STARTTLS command first"
)]
#[case::unknown_mechanism(false, "AUTH NTLM", "504 5.7.4 Unrecognized authentication type")]
#[case::bad_password(
    false,
    "AUTH PLAIN AGFsaWNlQGV4YW1wbGUub3JnAG5vcGU=",
    "535 5.7.8 Error: authentication failed: authentication failure"
)]
#[tokio::test]
async fn smtp_refusals_in_plain_text(
    #[case] tls_required: bool,
    #[case] command: &str,
    #[case] expected: &str,
) {
    let lab = Lab::new();
    let mut persona = smtp();
    persona.faults.tls_required = tls_required;
    let server = lab.plain(persona).await;
    let mut c = Client::new(tcp(server.addr).await);
    c.line().await;
    let ehlo = c.cmd("EHLO client.example", "250 ").await;
    assert_eq!(
        ehlo.iter().any(|l| l.contains("AUTH")),
        !tls_required,
        "{ehlo:?}"
    );
    assert_eq!(c.cmd(command, "").await, [expected]);
}

#[tokio::test]
async fn smtp_data_is_refused_and_recorded_as_a_violation() {
    let lab = Lab::new();
    let server = lab.plain(smtp()).await;
    let mut c = Client::new(tcp(server.addr).await);
    c.line().await;
    c.cmd("EHLO client.example", "250 ").await;
    c.cmd("MAIL FROM:<x@example.org>", "").await;
    c.cmd("RCPT TO:<alice@example.org>", "").await;
    let reply = c.cmd("DATA", "").await;
    assert!(reply[0].starts_with("554 "), "{reply:?}");
    assert_eq!(
        server.log.violations(),
        [Violation::DataCommand {
            line: "DATA".into()
        }]
    );
}

#[tokio::test]
async fn smtp_provider_reply_for_app_passwords() {
    let lab = Lab::new();
    let mut persona = smtp();
    persona.faults.reject_login = Some(vec![
        "534-5.7.9 Application-specific password required. Learn more at".into(),
        "534 5.7.9  https://support.example.com/mail/?p=InvalidSecondFactor".into(),
    ]);
    let server = lab.implicit(persona).await;
    let mut c = lab.connect_tls(&server).await;
    c.line().await;
    c.cmd("EHLO client.example", "250 ").await;
    let reply = c
        .cmd(&format!("AUTH PLAIN {}", plain_ir(USER, PW)), "534 ")
        .await;
    assert_eq!(reply.len(), 2);
    assert!(reply[0].starts_with("534-5.7.9"));
}

// ---------------------------------------------------------------- cuts

#[rstest]
#[case::imap_bye_at_mailbox(Stage::Mailbox, CutKind::Goodbye)]
#[case::close_after_auth(Stage::AfterAuth, CutKind::Close)]
#[case::reset_at_auth(Stage::Auth, CutKind::Reset)]
#[case::stall_at_auth(Stage::Auth, CutKind::Stall)]
#[tokio::test]
async fn imap_sessions_end_where_the_cut_says(#[case] at: Stage, #[case] how: CutKind) {
    let lab = Lab::new();
    let server = lab.implicit(imap().cut(at, how)).await;
    let mut c = lab.connect_tls(&server).await;
    c.line().await;
    c.send(&format!("a1 LOGIN {USER} {PW}")).await;
    if at != Stage::Auth {
        assert!(c.line().await.starts_with("a1 OK"));
        c.send("a2 EXAMINE INBOX").await;
    }
    let next = if how == CutKind::Stall {
        Ok(None)
    } else {
        c.try_line().await
    };
    match how {
        CutKind::Goodbye => {
            assert!(next.unwrap().unwrap().starts_with("* BYE "));
            assert_eq!(c.try_line().await.unwrap(), None);
        }
        CutKind::Close => assert_eq!(next.unwrap(), None),
        CutKind::Reset => {
            let err = next.expect_err("reset");
            assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset, "{err}");
        }
        CutKind::Stall => {
            let mut c = c.wait(Duration::from_millis(300));
            let err = c.try_line().await.expect_err("silence");
            let _ = next;
            assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
        }
    }
}

#[rstest]
#[case::smtp_421(
    Persona::smtp(HOST),
    "421 4.3.2 mail.example.org Service shutting down, closing transmission channel"
)]
#[case::pop3_err(Persona::pop3(HOST), "-ERR Server shutting down.")]
#[case::imap_bye(Persona::imap(HOST), "* BYE Server shutting down.")]
#[tokio::test]
async fn goodbye_after_the_greeting(#[case] persona: Persona, #[case] farewell: &str) {
    let lab = Lab::new();
    let server = lab
        .plain(persona.cut(Stage::AfterGreeting, CutKind::Goodbye))
        .await;
    let mut c = Client::new(tcp(server.addr).await);
    c.line().await;
    assert_eq!(c.line().await, farewell);
    assert_eq!(c.try_line().await.unwrap(), None);
}

#[tokio::test]
async fn silent_server_never_greets() {
    let lab = Lab::new();
    let server = lab.plain(imap().cut(Stage::Greeting, CutKind::Stall)).await;
    let mut c = Client::new(tcp(server.addr).await).wait(Duration::from_millis(300));
    let err = c.try_line().await.expect_err("no greeting");
    assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
}
