//! The server side of one lab connection: plain TCP that can turn into TLS
//! (implicit or after STARTTLS), bounded line reading, and the ways a
//! server can end a conversation (polite close, close without TLS
//! close_notify, RST, or simply never answering). Every byte in either
//! direction goes to the connection's record.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use super::record::{ConnLog, LoginAttempt, Violation};

/// The longest line a lab server reads (Dovecot allows 64 KiB too).
pub const MAX_LINE: usize = 64 * 1024;
/// How long a lab server waits for the client before giving up.
pub const IDLE: Duration = Duration::from_secs(30);
/// How long a silent server keeps a connection open at most.
pub const HOLD_MAX: Duration = Duration::from_secs(60);

/// Why a connection cannot go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// The client closed.
    Eof,
    /// The client reset the connection.
    Reset,
    /// The client said nothing for [`IDLE`].
    TimedOut,
    /// A line over [`MAX_LINE`].
    TooLong,
    /// The TLS handshake failed (with rustls's words).
    Tls(String),
    Io(String),
}

impl End {
    pub fn as_str(&self) -> String {
        match self {
            End::Eof => "client closed".into(),
            End::Reset => "client reset".into(),
            End::TimedOut => "client idle".into(),
            End::TooLong => "line too long".into(),
            End::Tls(e) => format!("TLS handshake failed: {e}"),
            End::Io(e) => format!("I/O error: {e}"),
        }
    }
}

fn classify(e: io::Error) -> End {
    match e.kind() {
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => End::Reset,
        io::ErrorKind::UnexpectedEof | io::ErrorKind::BrokenPipe => End::Eof,
        _ => End::Io(e.to_string()),
    }
}

enum Io {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
    Gone,
}

pub struct Conn {
    io: Io,
    buf: Vec<u8>,
    log: ConnLog,
    /// Write replies one byte at a time with this pause (a slow-drip server).
    pub drip: Option<Duration>,
    pub idle: Duration,
    pub peer: Option<SocketAddr>,
    /// Do not record what is sent (a flood of repeated bytes).
    pub quiet: bool,
}

impl Conn {
    pub(crate) fn new(stream: TcpStream, log: ConnLog) -> Self {
        let peer = stream.peer_addr().ok();
        Conn {
            io: Io::Plain(stream),
            buf: Vec::new(),
            log,
            drip: None,
            idle: IDLE,
            peer,
            quiet: false,
        }
    }

    pub(crate) fn log(&self) -> &ConnLog {
        &self.log
    }

    pub fn is_tls(&self) -> bool {
        matches!(self.io, Io::Tls(_))
    }

    /// Record a login the server judged on this connection.
    pub(crate) fn record_login(&self, mechanism: &str, user: &str, accepted: bool) {
        self.log.login(LoginAttempt {
            mechanism: mechanism.to_owned(),
            user: user.to_owned(),
            accepted,
            tls: self.is_tls(),
        });
    }

    async fn fill(&mut self) -> Result<(), End> {
        let mut tmp = [0u8; 4096];
        let tls = self.is_tls();
        let read = async {
            match &mut self.io {
                Io::Plain(s) => s.read(&mut tmp).await,
                Io::Tls(s) => s.read(&mut tmp).await,
                Io::Gone => Ok(0),
            }
        };
        let n = match timeout(self.idle, read).await {
            Err(_) => return Err(End::TimedOut),
            Ok(Err(e)) => return Err(classify(e)),
            Ok(Ok(0)) => return Err(End::Eof),
            Ok(Ok(n)) => n,
        };
        self.log.received(tls, &tmp[..n]);
        self.buf.extend_from_slice(&tmp[..n]);
        Ok(())
    }

    /// The next line without its CRLF (or bare LF).
    pub async fn read_line(&mut self) -> Result<Vec<u8>, End> {
        loop {
            if let Some(pos) = self.buf.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.buf.drain(..=pos).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(line);
            }
            if self.buf.len() > MAX_LINE {
                self.log
                    .violation(Violation::LineTooLong { limit: MAX_LINE });
                return Err(End::TooLong);
            }
            self.fill().await?;
        }
    }

    /// The next line as text (invalid UTF-8 replaced).
    pub async fn read_text(&mut self) -> Result<String, End> {
        let line = self.read_line().await?;
        Ok(String::from_utf8_lossy(&line).into_owned())
    }

    /// The next `n` bytes the client sends, left unread.
    pub async fn peek(&mut self, n: usize) -> Result<&[u8], End> {
        while self.buf.len() < n {
            self.fill().await?;
        }
        Ok(&self.buf[..n])
    }

    /// Exactly `n` bytes (an IMAP literal).
    pub async fn read_exact(&mut self, n: usize) -> Result<Vec<u8>, End> {
        while self.buf.len() < n {
            self.fill().await?;
        }
        Ok(self.buf.drain(..n).collect())
    }

    /// One whole TLS record (header and body) as the client sent it,
    /// without answering it.
    pub async fn read_tls_record(&mut self) -> Result<Vec<u8>, End> {
        let header = self.read_exact(5).await?;
        let len = u16::from_be_bytes([header[3], header[4]]) as usize;
        let body = self.read_exact(len).await?;
        Ok([header, body].concat())
    }

    /// Send `bytes` (dripped one at a time if this is a slow server).
    pub async fn send(&mut self, bytes: &[u8]) -> Result<(), End> {
        if !self.quiet {
            self.log.sent(self.is_tls(), bytes);
        }
        match self.drip {
            Some(pause) => {
                for b in bytes {
                    self.write_raw(std::slice::from_ref(b)).await?;
                    tokio::time::sleep(pause).await;
                }
                Ok(())
            }
            None => self.write_raw(bytes).await,
        }
    }

    /// Send `line` and CRLF in one write.
    pub async fn send_line(&mut self, line: &str) -> Result<(), End> {
        let mut bytes = Vec::with_capacity(line.len() + 2);
        bytes.extend_from_slice(line.as_bytes());
        bytes.extend_from_slice(b"\r\n");
        self.send(&bytes).await
    }

    /// Send several lines, each with CRLF, in one write.
    pub async fn send_lines<S: AsRef<str>>(&mut self, lines: &[S]) -> Result<(), End> {
        let mut bytes = Vec::new();
        for line in lines {
            bytes.extend_from_slice(line.as_ref().as_bytes());
            bytes.extend_from_slice(b"\r\n");
        }
        self.send(&bytes).await
    }

    async fn write_raw(&mut self, bytes: &[u8]) -> Result<(), End> {
        let write = async {
            match &mut self.io {
                Io::Plain(s) => {
                    s.write_all(bytes).await?;
                    s.flush().await
                }
                Io::Tls(s) => {
                    s.write_all(bytes).await?;
                    s.flush().await
                }
                Io::Gone => Err(io::ErrorKind::NotConnected.into()),
            }
        };
        match timeout(self.idle, write).await {
            Err(_) => Err(End::TimedOut),
            Ok(r) => r.map_err(classify),
        }
    }

    /// Run the TLS handshake as the server. Bytes the client sent before
    /// the handshake (after a STARTTLS go-ahead) are a client fault: they
    /// are recorded as a violation and thrown away, never read as TLS data.
    pub async fn start_tls(&mut self, acceptor: &TlsAcceptor) -> Result<(), End> {
        if !self.buf.is_empty() {
            self.log.violation(Violation::PipelinedBeforeTls {
                bytes: self.buf.len(),
            });
            self.buf.clear();
        }
        let stream = match std::mem::replace(&mut self.io, Io::Gone) {
            Io::Plain(s) => s,
            other => {
                self.io = other;
                return Err(End::Tls("TLS is already active".into()));
            }
        };
        match timeout(self.idle, acceptor.accept(stream)).await {
            Err(_) => Err(End::TimedOut),
            Ok(Err(e)) => Err(End::Tls(e.to_string())),
            Ok(Ok(tls)) => {
                self.io = Io::Tls(Box::new(tls));
                Ok(())
            }
        }
    }

    fn tcp(&self) -> Option<&TcpStream> {
        match &self.io {
            Io::Plain(s) => Some(s),
            Io::Tls(s) => Some(s.get_ref().0),
            Io::Gone => None,
        }
    }

    /// Polite close: TLS close_notify (when in TLS), then FIN.
    pub async fn close(mut self) {
        self.log.end("closed");
        let shutdown = async {
            match &mut self.io {
                Io::Plain(s) => s.shutdown().await,
                Io::Tls(s) => s.shutdown().await,
                Io::Gone => Ok(()),
            }
        };
        let _ = timeout(Duration::from_secs(2), shutdown).await;
    }

    /// FIN without TLS close_notify: the client cannot tell a complete
    /// reply from a cut one.
    pub async fn close_abruptly(mut self) {
        self.log.end("closed without close_notify");
        let tcp = match std::mem::replace(&mut self.io, Io::Gone) {
            Io::Plain(s) => s,
            Io::Tls(s) => s.into_inner().0,
            Io::Gone => return,
        };
        let mut tcp = tcp;
        let _ = timeout(Duration::from_secs(2), tcp.shutdown()).await;
    }

    /// RST: SO_LINGER 0, then close.
    pub fn reset(self) {
        self.log.end("reset");
        if let Some(tcp) = self.tcp() {
            let _ = tcp.set_zero_linger();
        }
    }

    /// Say nothing more; read (and record) what the client sends until it
    /// closes or `max` has passed.
    pub async fn hold(mut self, max: Duration) {
        self.log.end("held silent");
        let deadline = Instant::now() + max;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            self.idle = left;
            if self.fill().await.is_err() {
                return;
            }
            self.buf.clear();
        }
    }
}
