//! A whole session against a server that says whatever the fuzzer wants,
//! split into reads at points the fuzzer picks, on a paused clock (every
//! wait ends at once when nothing else can happen).
//!
//! Input: five header bytes, then the server's bytes.
//! 0: protocol (POP3, IMAP, SMTP); 1: security (none, STARTTLS, TLS);
//! 2: auth (auto, plain, login, CRAM-MD5, XOAUTH2, none); 3: flags (bit 0:
//! the account allows plain-text login; bit 1: after the last byte the
//! server goes silent instead of closing); 4: seed of the read sizes.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use base64::Engine as _;
use mailfix::account::{AuthMech, Protocol, Security, Service};
use mailfix::evidence::{Depth, Endpoint};
use mailfix::probe::session::{LoginParams, Progress, SessionParams, run_session};
use mailfix::probe::tls::TlsClient;
use mailfix::secret::Secret;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::assert_displayable;

/// The fuzzed account's password (listed in tests/data/test-secrets.txt).
pub const PASSWORD: &str = "Fuzz-s3cr3t-7Qk2";
pub const USER: &str = "alice@fuzz.test";

/// What the header bytes chose.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    pub protocol: Protocol,
    pub security: Security,
    pub auth: AuthMech,
    pub allow_plaintext: bool,
    pub silent_end: bool,
    pub seed: u8,
}

impl Config {
    /// The header and the server's bytes; `None` if the input is too short.
    pub fn parse(data: &[u8]) -> Option<(Config, &[u8])> {
        let (head, rest) = data.split_at_checked(5)?;
        let protocol = [Protocol::Pop3, Protocol::Imap, Protocol::Smtp][usize::from(head[0] % 3)];
        let security =
            [Security::None, Security::Starttls, Security::Tls][usize::from(head[1] % 3)];
        let auth = [
            AuthMech::Auto,
            AuthMech::Plain,
            AuthMech::Login,
            AuthMech::CramMd5,
            AuthMech::Xoauth2,
            AuthMech::None,
        ][usize::from(head[2] % 6)];
        Some((
            Config {
                protocol,
                security,
                auth,
                allow_plaintext: head[3] & 1 != 0,
                silent_end: head[3] & 2 != 0,
                seed: head[4],
            },
            rest,
        ))
    }

    /// A password may go out only in plain text the account allows.
    pub fn password_may_go(&self) -> bool {
        self.allow_plaintext && self.security == Security::None
    }
}

/// The server side: hands out `data` in reads of pseudo-random sizes,
/// records what the client writes.
pub struct Scripted {
    data: Vec<u8>,
    pos: usize,
    rng: u64,
    silent_end: bool,
    pub written: Arc<Mutex<Vec<u8>>>,
    /// How many server bytes had been read when a form of the password
    /// first went out (`None`: it never did).
    pub sent_at: Arc<Mutex<Option<usize>>>,
}

impl Scripted {
    pub fn new(data: &[u8], seed: u8, silent_end: bool) -> Self {
        Scripted {
            data: data.to_vec(),
            pos: 0,
            rng: 0x9e37_79b9_7f4a_7c15 ^ u64::from(seed).wrapping_mul(0x1000_0001),
            silent_end,
            written: Arc::default(),
            sent_at: Arc::default(),
        }
    }

    /// 1 to 64 bytes mostly, now and then a big read.
    fn next_size(&mut self) -> usize {
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        let r = self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33;
        if r.is_multiple_of(8) {
            4096
        } else {
            1 + (r % 64) as usize
        }
    }
}

impl AsyncRead for Scripted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.pos >= self.data.len() {
            // Silence: nothing will ever wake this read; the session's own
            // timeout (on the paused clock) ends the wait.
            return match self.silent_end {
                true => Poll::Pending,
                false => Poll::Ready(Ok(())),
            };
        }
        let n = self
            .next_size()
            .min(self.data.len() - self.pos)
            .min(buf.remaining());
        let start = self.pos;
        buf.put_slice(&self.data[start..start + n]);
        self.pos += n;
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Scripted {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Ok(mut w) = self.written.lock() {
            w.extend_from_slice(buf);
            if let Ok(mut at) = self.sent_at.lock()
                && at.is_none()
                && password_forms().iter().any(|f| contains(&w, f))
            {
                *at = Some(self.pos);
            }
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

fn tls_client() -> &'static TlsClient {
    static CLIENT: OnceLock<TlsClient> = OnceLock::new();
    CLIENT.get_or_init(|| TlsClient::new(&[], None).expect("a TLS client without a ca_file"))
}

fn params(c: &Config) -> SessionParams {
    SessionParams {
        service: match c.protocol {
            Protocol::Smtp => Service::Outgoing,
            _ => Service::Incoming,
        },
        endpoint: Endpoint {
            protocol: c.protocol,
            host: "mail.fuzz.test".into(),
            port: c.protocol.default_port(c.security),
            security: c.security,
        },
        depth: Depth::Full,
        login: Some(LoginParams {
            username: USER.into(),
            password: Ok(Secret::new(PASSWORD)),
            auth: c.auth,
            allow_plaintext: c.allow_plaintext,
            sender: USER.into(),
            relay_rcpt: "probe@example.net".into(),
        }),
        pin: None,
        timeout: Duration::from_secs(5),
        deadline: tokio::time::Instant::now() + Duration::from_secs(30),
    }
}

/// Every form the password could take on the wire or in a leak.
fn password_forms() -> Vec<Vec<u8>> {
    let b64 = base64::engine::general_purpose::STANDARD;
    vec![
        PASSWORD.as_bytes().to_vec(),
        b64.encode(PASSWORD).into_bytes(),
        b64.encode(format!("\0{USER}\0{PASSWORD}")).into_bytes(),
        b64.encode(format!("user={USER}\x01auth=Bearer {PASSWORD}\x01\x01"))
            .into_bytes(),
    ]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Run one session over `data` and check every invariant.
pub fn run_case(data: &[u8]) {
    let Some((config, server)) = Config::parse(data) else {
        return;
    };
    let stream = Scripted::new(server, config.seed, config.silent_end);
    let written = stream.written.clone();
    let sent_at = stream.sent_at.clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("a tokio runtime");
    let progress = Arc::new(Mutex::new(Vec::new()));
    let sink = progress.clone();
    let addr = SocketAddr::from(([127, 0, 0, 1], 1));
    let session = runtime.block_on(async {
        let params = params(&config);
        run_session(stream, addr, &params, tls_client(), move |p: Progress| {
            if let Ok(mut v) = sink.lock() {
                v.push(p);
            }
        })
        .await
    });
    let written = written.lock().map(|w| w.clone()).unwrap_or_default();

    // No credential on a connection that is not verified TLS (and TLS
    // never verifies here: the fuzzer has no certificate).
    if !config.password_may_go() {
        for form in password_forms() {
            assert!(
                !contains(&written, &form),
                "the password went out on an unverified connection ({config:?})"
            );
        }
    }
    // At most one login command per mechanism, never DATA.
    let mut logins: Vec<String> = Vec::new();
    for line in written.split(|&b| b == b'\n') {
        let line = String::from_utf8_lossy(line).to_ascii_uppercase();
        let words: Vec<&str> = line.split_ascii_whitespace().collect();
        assert!(
            !matches!(words.first(), Some(&"DATA" | &"BDAT")),
            "mailfix sent {line}"
        );
        let login = match (words.first(), words.get(1)) {
            (Some(&"AUTH"), mech) => Some(format!("AUTH {}", mech.unwrap_or(&""))),
            (_, Some(&"AUTHENTICATE")) => Some(format!("AUTH {}", words.get(2).unwrap_or(&""))),
            (Some(&"PASS"), _) => Some("PASS".to_owned()),
            (_, Some(&"LOGIN")) => Some("LOGIN".to_owned()),
            _ => None,
        };
        if let Some(login) = login {
            assert!(!logins.contains(&login), "two logins with {login}");
            logins.push(login);
        }
    }
    // mailfix's own writes stay small whatever the server says.
    assert!(written.len() < 64 * 1024, "{} bytes written", written.len());

    // No secret in anything shown: mailfix never shows what it sent, and
    // masks it wherever the server echoes it. (A server that names the
    // password before mailfix sent it knew it already; that is the
    // server's text, not a leak.)
    let read_before_send = sent_at
        .lock()
        .ok()
        .and_then(|at| *at)
        .unwrap_or(server.len())
        .min(server.len());
    let known_before = password_forms()
        .iter()
        .any(|f| contains(&server[..read_before_send], f));
    if !known_before {
        let shown = format!(
            "{session:?}\n{:?}",
            progress.lock().map(|p| p.clone()).unwrap_or_default()
        );
        for form in password_forms() {
            assert!(
                !contains(shown.as_bytes(), &form),
                "the password is in the session's output"
            );
        }
    }
    for line in &session.transcript {
        assert_displayable("a transcript line", &line.text);
        assert!(
            line.text.chars().count() <= 1200,
            "a transcript line of {} chars",
            line.text.len()
        );
    }
    if let Some(g) = &session.greeting {
        assert_displayable("the greeting", &g.line);
    }
}
