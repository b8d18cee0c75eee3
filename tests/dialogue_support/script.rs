//! A scripted mail server on 127.0.0.1: it sends, expects, sleeps,
//! starts TLS, closes or resets as its script says, and records every
//! byte the client sent.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::timeout;

use super::certs::{Cert, pki};

/// How long the server waits for any one thing before giving up.
const PATIENCE: Duration = Duration::from_secs(15);

#[derive(Debug, Clone)]
pub enum Step {
    /// Send these bytes as they are.
    Send(Vec<u8>),
    /// Read one line; it must equal this (else the server stops).
    Expect(String),
    /// Read one line, whatever it is.
    ExpectAny,
    /// Read whatever arrives next (a ClientHello, …).
    ReadSome,
    Sleep(Duration),
    /// Send these bytes one at a time with a pause between.
    Drip(Vec<u8>, Duration),
    /// Start TLS on the server side with this certificate.
    StartTls(Cert),
    /// Close cleanly (TLS close_notify, then FIN).
    Close,
    /// Drop the socket: FIN without close_notify inside TLS.
    CloseNoNotify,
    /// Close with RST.
    Reset,
}

/// `line` followed by CRLF.
pub fn send(line: &str) -> Step {
    Step::Send(format!("{line}\r\n").into_bytes())
}

pub fn expect(line: &str) -> Step {
    Step::Expect(line.to_owned())
}

/// What the server saw.
#[derive(Debug, Default, Clone)]
pub struct Served {
    /// Every line the client sent (lossy UTF-8, without line ends).
    pub lines: Vec<String>,
    /// Every application byte received (decrypted after TLS).
    pub raw: Vec<u8>,
    /// The first expectation that failed.
    pub mismatch: Option<String>,
    /// The client closed the connection (EOF seen).
    pub client_closed: bool,
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

struct Conn {
    io: Option<Box<dyn Io>>,
    buf: Vec<u8>,
    served: Served,
}

impl Conn {
    async fn read_line(&mut self) -> Option<String> {
        loop {
            if let Some(i) = self.buf.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.buf.drain(..=i).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                let text = String::from_utf8_lossy(&line).into_owned();
                self.served.lines.push(text.clone());
                return Some(text);
            }
            if !self.fill().await {
                return None;
            }
        }
    }

    async fn fill(&mut self) -> bool {
        let io = self.io.as_mut().unwrap();
        let mut chunk = [0u8; 4096];
        match timeout(PATIENCE, io.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => {
                self.buf.extend_from_slice(&chunk[..n]);
                self.served.raw.extend_from_slice(&chunk[..n]);
                true
            }
            Ok(Ok(_)) => {
                self.served.client_closed = true;
                false
            }
            _ => false,
        }
    }

    async fn write(&mut self, bytes: &[u8]) -> bool {
        let io = self.io.as_mut().unwrap();
        io.write_all(bytes).await.is_ok() && io.flush().await.is_ok()
    }
}

/// Listen on 127.0.0.1:0 and play `script` to the first client.
pub async fn serve(script: Vec<Step>) -> (SocketAddr, JoinHandle<Served>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = tokio::spawn(async move {
        let Ok(Ok((tcp, _))) = timeout(PATIENCE, listener.accept()).await else {
            return Served::default();
        };
        play(tcp, script).await
    });
    (addr, handle)
}

async fn play(tcp: TcpStream, script: Vec<Step>) -> Served {
    let _ = tcp.set_nodelay(true);
    if script.iter().any(|s| matches!(s, Step::Reset)) {
        // Linger 0: closing sends RST instead of FIN.
        socket2::SockRef::from(&tcp)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
    }
    let mut conn = Conn {
        io: Some(Box::new(tcp)),
        buf: Vec::new(),
        served: Served::default(),
    };
    for step in script {
        match step {
            Step::Send(bytes) => {
                if !conn.write(&bytes).await {
                    return conn.served;
                }
            }
            Step::Expect(want) => match conn.read_line().await {
                Some(got) if got == want => {}
                got => {
                    let text = format!("expected {want:?}, got {got:?}");
                    conn.served.mismatch = Some(super::mask_secrets(&text));
                    return conn.served;
                }
            },
            Step::ExpectAny => {
                if conn.read_line().await.is_none() {
                    conn.served.mismatch = Some("expected a line, got EOF".into());
                    return conn.served;
                }
            }
            Step::ReadSome => {
                if conn.buf.is_empty() && !conn.fill().await {
                    return conn.served;
                }
                conn.buf.clear();
            }
            Step::Sleep(d) => tokio::time::sleep(d).await,
            Step::Drip(bytes, pause) => {
                for b in bytes {
                    if !conn.write(&[b]).await {
                        return conn.served;
                    }
                    tokio::time::sleep(pause).await;
                }
            }
            Step::StartTls(cert) => {
                assert!(
                    conn.buf.is_empty(),
                    "client pipelined data before its handshake"
                );
                let io = conn.io.take().unwrap();
                let acceptor = tokio_rustls::TlsAcceptor::from(pki().config(cert));
                match timeout(PATIENCE, acceptor.accept(io)).await {
                    Ok(Ok(tls)) => conn.io = Some(Box::new(tls)),
                    _ => return conn.served,
                }
            }
            Step::Close => {
                let mut io = conn.io.take().unwrap();
                let _ = io.shutdown().await;
                // Give the client time to read before the socket goes.
                let mut rest = Vec::new();
                let _ = timeout(PATIENCE, io.read_to_end(&mut rest)).await;
                return conn.served;
            }
            Step::CloseNoNotify => {
                drop(conn.io.take());
                return conn.served;
            }
            Step::Reset => {
                drop(conn.io.take());
                return conn.served;
            }
        }
    }
    // Script done: keep listening until the client hangs up, recording
    // whatever else it sends.
    while conn.read_line().await.is_some() {}
    conn.served
}
