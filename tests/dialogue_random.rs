//! Random server byte streams (pure garbage, and plausible conversations
//! mutated line by line), split at random points, fed to every protocol
//! and security mode: no panic, no hang, no secret in the output, no
//! credential on an unverified connection, never DATA. The generator is
//! seeded, so a failing round replays.

mod dialogue_support;

use std::time::Duration;

use dialogue_support::*;
use mailfix::account::{AuthMech, Protocol, Security};
use tokio::time::Instant;

/// A small deterministic generator (xorshift64*), so failures replay.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n.max(1)
    }
}

const FRAGMENTS: &[&[u8]] = &[
    b"+OK ",
    b"-ERR ",
    b"-ERR [IN-USE] ",
    b"* OK ",
    b"* PREAUTH ",
    b"* BYE ",
    b"a1 OK ",
    b"a2 OK ",
    b"a3 NO [AUTHENTICATIONFAILED] ",
    b"a4 OK ",
    b"* 3 EXISTS",
    b"220 ",
    b"220-",
    b"250-",
    b"250 ",
    b"250 AUTH PLAIN LOGIN",
    b"250-STARTTLS",
    b"334 ",
    b"334 VXNlcm5hbWU6",
    b"235 ok",
    b"421 bye",
    b"535 5.7.8 no",
    b"+ ",
    b"+ PDE4OTY+",
    b"{9999}",
    b"{3}",
    b"{4294967295}",
    b"abc",
    b"\r\n",
    b"\r\n",
    b"\n",
    b"STLS",
    b"USER",
    b"SASL PLAIN LOGIN CRAM-MD5",
    b".\r\n",
    b"\x00\xff\x1b[2J",
    b"* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN SASL-IR",
    b"\x16\x03\x01",
    b"2x0 ",
    b"999 ",
];

/// What a cooperative server would send, in order, for a plain-text
/// session of `protocol` (the server does not listen: it just talks).
fn plausible(protocol: Protocol) -> Vec<&'static str> {
    match protocol {
        Protocol::Pop3 => vec![
            "+OK hi",
            "+OK",
            "USER",
            "SASL PLAIN LOGIN CRAM-MD5",
            "STLS",
            ".",
            "+ PDE4OTY+",
            "+OK in",
            "+OK",
            "+OK in",
            "+OK 2 20",
            "+OK bye",
        ],
        Protocol::Imap => vec![
            "* OK hi",
            "* CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=CRAM-MD5 SASL-IR STARTTLS",
            "a1 OK",
            "+ PDE4OTY+",
            "a2 OK in",
            "* 3 EXISTS",
            "a3 OK [READ-ONLY] done",
            "* BYE",
            "a4 OK",
        ],
        Protocol::Smtp => vec![
            "220 hi",
            "250-x",
            "250-AUTH PLAIN LOGIN CRAM-MD5",
            "250 STARTTLS",
            "334 VXNlcm5hbWU6",
            "334 UGFzc3dvcmQ6",
            "235 ok",
            "250 ok",
            "250 ok",
            "250 ok",
            "221 bye",
        ],
    }
}

fn mutated(protocol: Protocol, rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    for line in plausible(protocol) {
        let mut lines = vec![line.as_bytes().to_vec()];
        match rng.below(12) {
            0 => lines.clear(),
            1 => lines.push(line.as_bytes().to_vec()),
            2 => lines[0] = FRAGMENTS[rng.below(FRAGMENTS.len())].to_vec(),
            3 => lines.insert(0, FRAGMENTS[rng.below(FRAGMENTS.len())].to_vec()),
            4 => {
                let cut = rng.below(line.len() + 1);
                lines[0].truncate(cut);
            }
            _ => {}
        }
        for l in lines {
            out.extend_from_slice(&l);
            out.extend_from_slice([&b"\r\n"[..], b"\n", b"\r\n", b"\r\n"][rng.below(4)]);
        }
    }
    out
}

#[tokio::test]
async fn random_server_streams_never_panic_hang_or_leak() {
    use mailfix::probe::session::run_session;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let tls = client();
    let addr: std::net::SocketAddr = "127.0.0.1:9".parse().unwrap();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut reached = std::collections::BTreeMap::<String, usize>::new();
    for round in 0..600 {
        let protocol = [Protocol::Pop3, Protocol::Imap, Protocol::Smtp][round % 3];
        let security = [
            Security::None,
            Security::Starttls,
            Security::None,
            Security::Tls,
        ][rng.below(4)];
        let security = if round % 2 == 0 && rng.below(4) > 0 {
            Security::None
        } else {
            security
        };
        let auth = [
            AuthMech::Auto,
            AuthMech::Plain,
            AuthMech::Login,
            AuthMech::CramMd5,
        ][rng.below(4)];
        let mut bytes = Vec::new();
        if round % 2 == 0 {
            bytes = mutated(protocol, &mut rng);
        } else {
            for _ in 0..rng.below(80) {
                bytes.extend_from_slice(FRAGMENTS[rng.below(FRAGMENTS.len())]);
            }
        }
        let keep_open = rng.below(8) == 0;
        let mut chunks = Vec::new();
        let mut rest = &bytes[..];
        while !rest.is_empty() {
            let n = 1 + rng.below(rest.len().min(64));
            chunks.push(rest[..n].to_vec());
            rest = &rest[n..];
        }
        let (client_end, mut server_end) = tokio::io::duplex(4096);
        let server = tokio::spawn(async move {
            let mut received = Vec::new();
            for chunk in chunks {
                if server_end.write_all(&chunk).await.is_err() {
                    break;
                }
                tokio::task::yield_now().await;
            }
            if !keep_open {
                let _ = server_end.shutdown().await;
            }
            let _ = tokio::time::timeout(
                Duration::from_secs(3),
                server_end.read_to_end(&mut received),
            )
            .await;
            received
        });
        let mut params = full(protocol, security, auth);
        let plaintext_allowed = rng.below(2) == 0;
        params.login.as_mut().unwrap().allow_plaintext = plaintext_allowed;
        params.timeout = Duration::from_millis(100);
        params.deadline = Instant::now() + Duration::from_millis(600);
        let session = tokio::time::timeout(
            Duration::from_secs(5),
            run_session(client_end, addr, &params, &tls, |_| {}),
        )
        .await
        .unwrap_or_else(|_| panic!("round {round} hung"));
        let wire = server.await.unwrap();
        let shown = format!("{session:?}");
        for form in secret_forms() {
            assert!(
                !shown.contains(&form),
                "round {round}: a secret in the output"
            );
            let on_wire = wire.windows(form.len()).any(|w| w == form.as_bytes());
            if on_wire {
                assert!(
                    security == Security::None && plaintext_allowed,
                    "round {round}: a credential crossed an unverified connection"
                );
            }
        }
        assert!(
            !wire.windows(6).any(|w| w == b"\nDATA\r"),
            "round {round}: DATA sent"
        );
        let end = format!("{:?}", session.end);
        let end = end
            .split([' ', '{', '('])
            .next()
            .unwrap_or_default()
            .to_owned();
        let phase = session.end.phase().map(|p| p.as_str()).unwrap_or("end");
        *reached.entry(format!("{end} in {phase}")).or_default() += 1;
    }
    eprintln!("random rounds reached: {reached:#?}");
}
