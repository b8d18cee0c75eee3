//! The connection a dialogue talks over: a stream (plain, then perhaps
//! TLS), the bounded read buffer (`line`), the transcript, and the
//! per-reply and per-session deadlines.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::{Instant, timeout_at};

use super::line::{Limits, LineError};
use super::tls::{Established, TlsClient};
use super::transcript::{Outgoing, Transcript};
use crate::evidence::{Reply, Status, TlsOutcome};

/// Anything a session can talk over.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// How long mailfix listens for bytes pipelined after a STARTTLS go-ahead.
const INJECTION_WINDOW: Duration = Duration::from_millis(30);

pub struct Wire<'a> {
    pub(super) io: Option<Box<dyn Io + 'a>>,
    pub(super) buf: Vec<u8>,
    pub(super) pos: usize,
    /// Inside a verified TLS session.
    pub(super) tls: bool,
    pub limits: Limits,
    pub transcript: Transcript<'a>,
    timeout: Duration,
    deadline: Instant,
    last_reply: Option<Reply>,
}

impl<'a> Wire<'a> {
    pub fn new<S: Io + 'a>(
        stream: S,
        transcript: Transcript<'a>,
        timeout: Duration,
        deadline: Instant,
    ) -> Self {
        Wire {
            io: Some(Box::new(stream)),
            buf: Vec::new(),
            pos: 0,
            tls: false,
            limits: Limits::default(),
            transcript,
            timeout,
            deadline,
            last_reply: None,
        }
    }

    /// Inside a verified TLS session.
    pub fn encrypted(&self) -> bool {
        self.tls
    }

    pub fn connected(&self) -> bool {
        self.io.is_some()
    }

    /// When the reply (or write) starting now must be complete: one
    /// `timeout` from now, never past the session's deadline.
    pub fn until(&self) -> Instant {
        (Instant::now() + self.timeout).min(self.deadline)
    }

    /// Send one line (transcribed first, redacted as `out` says).
    pub async fn send(&mut self, out: Outgoing) -> Result<(), LineError> {
        self.transcript.sent(&out, self.tls);
        let until = self.until();
        let io = self.io.as_mut().ok_or(LineError::NotConnected)?;
        let write = async {
            io.write_all(out.bytes()).await?;
            io.flush().await
        };
        match timeout_at(until, write).await {
            Err(_) => Err(LineError::TimedOut),
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(LineError::from_io(&e, self.tls, true, 0)),
        }
    }

    /// Bytes the server sent that no reply has consumed yet, after a
    /// short look for more (pipelined data after a STARTTLS go-ahead).
    pub async fn unread_after_goahead(&mut self) -> usize {
        if self.buf.len() == self.pos
            && let Some(io) = self.io.as_mut()
        {
            let mut probe = [0u8; 512];
            let until = (Instant::now() + INJECTION_WINDOW).min(self.deadline);
            if let Ok(Ok(n)) = timeout_at(until, io.read(&mut probe)).await {
                self.buf.extend_from_slice(&probe[..n]);
            }
        }
        self.buf.len() - self.pos
    }

    /// Drop the connection without another byte (after injected data).
    pub fn abandon(&mut self) {
        self.io = None;
        self.buf.clear();
        self.pos = 0;
    }

    /// Close politely: TLS close_notify / TCP FIN, bounded by a short wait.
    pub async fn close(&mut self) {
        if let Some(mut io) = self.io.take() {
            let until = (Instant::now() + Duration::from_millis(500)).min(self.until());
            let _ = timeout_at(until, io.shutdown()).await;
        }
    }

    /// Turn the connection into TLS for `host`. Nothing buffered in plain
    /// text survives: the caller has made sure nothing is, and the buffer
    /// is cleared anyway.
    pub async fn start_tls(
        &mut self,
        client: &TlsClient,
        host: &str,
    ) -> Result<Established, TlsOutcome> {
        self.buf.clear();
        self.pos = 0;
        let Some(io) = self.io.take() else {
            return Err(TlsOutcome::Failed(
                crate::evidence::HandshakeFailure::Closed,
            ));
        };
        let until = self.until();
        match client.handshake(io, host, until).await {
            Ok((stream, established)) => {
                self.io = Some(Box::new(stream));
                self.tls = true;
                Ok(established)
            }
            Err(outcome) => Err(outcome),
        }
    }

    /// Remember the latest reply (for "closed after saying …").
    pub fn note_reply(&mut self, reply: &Reply) {
        self.last_reply = Some(reply.clone());
    }

    /// The latest reply if it announced the end: SMTP 421, IMAP BYE, POP3 -ERR.
    pub fn closing_reply(&self) -> Option<Reply> {
        self.last_reply
            .as_ref()
            .filter(|r| {
                matches!(
                    r.status,
                    Status::Smtp(421) | Status::ImapBye | Status::Pop3Err
                )
            })
            .cloned()
    }
}
