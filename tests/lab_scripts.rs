//! Raw script steps for the hostile-server suite, lossy listeners, slow
//! drip, and the refusing and dropping ports.

mod lab_util;

use std::time::Duration;

use lab_util::{Client, connect_outcome, tcp, tls};
use mailfix::lab::ports::{DroppingPort, RefusingPort};
use mailfix::lab::script::tls10_server_hello;
use mailfix::lab::{
    CertKind, Fate, LabCerts, LabUser, ListenerSpec, Persona, RunningServer, Script, Step,
    Violation, server,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const HOST: &str = "mail.example.org";
const SHORT: Duration = Duration::from_millis(300);

async fn spawn(certs: &LabCerts, script: Script) -> RunningServer {
    let config = certs.server_config(&CertKind::Good, HOST).unwrap();
    server::spawn(ListenerSpec::script("script", script).with_tls(config))
        .await
        .unwrap()
}

fn starttls_script(go_ahead: &str) -> Script {
    Script::new()
        .line("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready")
        .expect("")
        .text(go_ahead)
        .start_tls()
        .serve(Persona::imap(HOST).user(LabUser::new("a@example.org", "pw")))
}

#[tokio::test]
async fn pipelined_bytes_after_the_starttls_go_ahead_reach_the_client() {
    let certs = LabCerts::generate().unwrap();
    for (go_ahead, extra) in [
        (
            "{tag} OK Begin TLS\r\n* 1 EXISTS\r\n",
            &b"* 1 EXISTS\r\n"[..],
        ),
        ("{tag} OK Begin TLS\r\n* PARTIAL", &b"* PARTIAL"[..]),
    ] {
        let server = spawn(&certs, starttls_script(go_ahead)).await;
        let mut c = Client::new(tcp(server.addr).await);
        c.line().await;
        c.send("x7 STARTTLS").await;
        assert_eq!(c.line().await, "x7 OK Begin TLS", "tag substituted");
        // Let the rest arrive, then look at what is buffered unread.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut rest = c.buffered().to_vec();
        let mut more = [0u8; 64];
        if rest.len() < extra.len() {
            let n = c.get_mut().read(&mut more).await.unwrap();
            rest.extend_from_slice(&more[..n]);
        }
        assert_eq!(rest, extra);
    }
}

#[tokio::test]
async fn a_client_that_pipelines_before_the_handshake_is_caught() {
    let certs = LabCerts::generate().unwrap();
    let server = spawn(&certs, starttls_script("{tag} OK Begin TLS\r\n")).await;
    let mut s = tcp(server.addr).await;
    let mut greeting = [0u8; 128];
    let _ = s.read(&mut greeting).await.unwrap();
    s.write_all(b"a1 STARTTLS\r\na2 LOGIN a@example.org pw\r\n")
        .await
        .unwrap();
    let mut c = Client::new(s);
    assert_eq!(c.line().await, "a1 OK Begin TLS");
    let _ = tls(c.into_inner(), HOST, &certs.ca()).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let violations = server.log.violations();
    assert!(
        violations.contains(&Violation::PipelinedBeforeTls { bytes: 27 }),
        "{violations:?}"
    );
}

#[tokio::test]
async fn an_unmet_expectation_is_a_violation() {
    let certs = LabCerts::generate().unwrap();
    let script = Script::new().line("220 ready").expect("EHLO");
    let server = spawn(&certs, script).await;
    let mut c = Client::new(tcp(server.addr).await);
    c.line().await;
    c.send("HELO x").await;
    assert_eq!(c.try_line().await.unwrap(), None, "closed");
    assert_eq!(
        server.log.violations(),
        [Violation::Unexpected {
            step: 1,
            expected: "EHLO".into(),
            got: "HELO x".into()
        }]
    );
}

#[tokio::test]
async fn a_tls_1_0_only_server_is_refused_by_rustls() {
    let certs = LabCerts::generate().unwrap();
    let script = Script::new()
        .step(Step::ReadTlsRecord)
        .send(tls10_server_hello())
        .step(Step::Hold);
    let server = spawn(&certs, script).await;
    let err = tls(tcp(server.addr).await, HOST, &certs.ca())
        .await
        .expect_err("TLS 1.0 must fail");
    let inner = err
        .into_inner()
        .unwrap()
        .downcast::<rustls::Error>()
        .unwrap();
    assert!(
        matches!(
            *inner,
            rustls::Error::PeerIncompatible(_) | rustls::Error::PeerMisbehaved(_)
        ),
        "{inner:?}"
    );
    let received = server.log.connections()[0].received_bytes();
    assert_eq!(received[0], 0x16, "a ClientHello arrived");
}

#[tokio::test]
async fn close_with_and_without_close_notify() {
    let certs = LabCerts::generate().unwrap();
    for (step, clean) in [(Step::Close, true), (Step::CloseAbruptly, false)] {
        let config = certs.server_config(&CertKind::Good, HOST).unwrap();
        let script = Script::new().line("* OK [ALERT] hello").step(step);
        let server = server::spawn(ListenerSpec::script("t", script).implicit_tls(config))
            .await
            .unwrap();
        let mut s = tls(tcp(server.addr).await, HOST, &certs.ca())
            .await
            .unwrap();
        let mut buf = Vec::new();
        let result = s.read_to_end(&mut buf).await;
        assert_eq!(buf, b"* OK [ALERT] hello\r\n");
        match result {
            Ok(_) => assert!(clean, "no close_notify must not look clean"),
            Err(e) => {
                assert!(!clean, "{e}");
                assert_eq!(e.kind(), std::io::ErrorKind::UnexpectedEof);
            }
        }
    }
}

#[tokio::test]
async fn an_endless_continuation_floods_until_the_client_leaves() {
    let certs = LabCerts::generate().unwrap();
    let script = Script::new().step(Step::Repeat {
        bytes: b"250-x\r\n".to_vec(),
        max_bytes: 64 << 20,
    });
    let server = spawn(&certs, script).await;
    let mut s = tcp(server.addr).await;
    let mut got = 0usize;
    let mut buf = vec![0u8; 65536];
    while got < (1 << 20) {
        got += s.read(&mut buf).await.unwrap();
    }
    drop(s);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let conn = &server.log.connections()[0];
    assert_eq!(
        conn.sent_bytes(),
        b"250-x\r\n",
        "only the first copy is recorded"
    );
    assert!(conn.end.is_some(), "the server noticed the client left");
}

#[tokio::test]
async fn slow_drip_sends_one_byte_at_a_time() {
    let certs = LabCerts::generate().unwrap();
    let script = Script::new().step(Step::Drip {
        bytes: b"+OK slow\r\n".to_vec(),
        every: Duration::from_millis(40),
    });
    let server = spawn(&certs, script).await;
    let mut s = tcp(server.addr).await;
    let mut buf = [0u8; 64];
    let n = s.read(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"+");
    let mut c = Client::new(s);
    assert_eq!(c.line().await, "OK slow");
}

#[tokio::test]
async fn the_persona_drip_fault_slows_every_reply() {
    let mut persona = Persona::pop3(HOST);
    persona.faults.drip = Some(Duration::from_millis(20));
    let server = server::spawn(ListenerSpec::persona("drip", persona))
        .await
        .unwrap();
    let mut s = tcp(server.addr).await;
    let mut buf = [0u8; 64];
    assert_eq!(s.read(&mut buf).await.unwrap(), 1);
}

#[tokio::test]
async fn a_lossy_listener_follows_its_pattern() {
    let pattern = vec![
        Fate::Serve,
        Fate::Reset,
        Fate::Stall,
        Fate::Close,
        Fate::Delay(Duration::from_millis(10)),
    ];
    let spec = ListenerSpec::persona("lossy", Persona::pop3(HOST)).lossy(pattern);
    let server = server::spawn(spec).await.unwrap();
    let mut outcomes = Vec::new();
    for _ in 0..7 {
        let mut c = Client::new(tcp(server.addr).await).wait(SHORT);
        outcomes.push(match c.try_line().await {
            Ok(Some(line)) => line,
            Ok(None) => "closed".into(),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => "reset".into(),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => "silent".into(),
            Err(e) => panic!("{e}"),
        });
    }
    let greeting = "+OK mail.example.org POP3 server ready.";
    assert_eq!(
        outcomes,
        [
            greeting, "reset", "silent", "closed", greeting, greeting, "reset"
        ]
    );
    assert_eq!(server.log.connection_count(), 7);
}

#[tokio::test]
async fn the_refusing_port_refuses_and_the_dropping_port_drops() {
    let refusing = RefusingPort::bind().unwrap();
    let dropping = DroppingPort::bind().unwrap();
    assert_eq!(connect_outcome(refusing.addr, SHORT).await.0, "refused");
    assert_eq!(connect_outcome(dropping.addr, SHORT).await.0, "timeout");
    assert_eq!(
        connect_outcome(dropping.addr, SHORT).await.0,
        "timeout",
        "and keeps dropping"
    );
}

#[tokio::test]
async fn a_scripted_greeting_can_hand_over_to_a_persona() {
    let certs = LabCerts::generate().unwrap();
    let script = Script::new()
        .line("* OK [ALERT] Planned maintenance tonight")
        .serve(Persona::imap(HOST));
    let server = spawn(&certs, script).await;
    let mut c = Client::new(tcp(server.addr).await);
    assert_eq!(c.line().await, "* OK [ALERT] Planned maintenance tonight");
    let caps = c.cmd("a1 CAPABILITY", "a1 ").await;
    assert!(caps[0].starts_with("* CAPABILITY IMAP4rev1"), "{caps:?}");
}

#[tokio::test]
async fn plain_text_to_an_implicit_tls_port_gets_an_alert_or_nothing() {
    let certs = LabCerts::generate().unwrap();
    let config = certs.server_config(&CertKind::Good, HOST).unwrap();
    let spec = ListenerSpec::persona("imaps", Persona::imap(HOST)).implicit_tls(config);
    let server = server::spawn(spec).await.unwrap();
    let mut s = tcp(server.addr).await;
    // The server waits for a ClientHello: no greeting comes.
    let mut buf = [0u8; 64];
    let silent = tokio::time::timeout(SHORT, s.read(&mut buf)).await;
    assert!(
        silent.is_err(),
        "no plaintext greeting on an implicit-TLS port"
    );
    s.write_all(b"a1 CAPABILITY\r\n").await.unwrap();
    let mut reply = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(2), s.read_to_end(&mut reply)).await;
    assert!(
        reply.is_empty() || reply.starts_with(&[0x15, 0x03]),
        "{reply:?}"
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    let end = server.log.connections()[0].end.clone().unwrap_or_default();
    assert!(end.starts_with("TLS handshake failed"), "{end}");
}
