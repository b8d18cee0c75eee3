//! Bounded reading: lines, multi-line replies and IMAP literals, each
//! capped in size and in time, never allocating what the server declares.
//!
//! A line ends at LF (CRLF or a bare LF). A reply that starts now must be
//! complete within one `timeout` (and the session's deadline): a server
//! that drips one byte at a time cannot stretch it.

use std::io;

use thiserror::Error;
use tokio::io::AsyncReadExt;
use tokio::time::{Instant, timeout_at};

use super::wire::Wire;
use crate::evidence::Reply;
use crate::proto::ParseError;
use crate::proto::escape::escape_bounded;

/// Bytes asked of the stream per read.
const CHUNK: usize = 16 * 1024;

/// Caps on what one reply may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// One line, without its line end. Dovecot sends lines of 64 KiB.
    pub max_line: usize,
    /// Lines of one reply (SMTP `250-…`, POP3 multi-line, IMAP untagged).
    pub max_reply_lines: usize,
    /// Bytes of one reply, literals included.
    pub max_reply_bytes: usize,
    /// One IMAP literal.
    pub max_literal: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line: 256 * 1024,
            max_reply_lines: 1000,
            max_reply_bytes: 1024 * 1024,
            max_literal: 256 * 1024,
        }
    }
}

/// How a read or write on the wire failed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum LineError {
    #[error("the server closed the connection")]
    Closed { partial: usize },
    #[error("the connection closed inside TLS without close_notify (the reply may be cut)")]
    TlsTruncated { partial: usize },
    #[error("the connection was reset")]
    Reset,
    #[error("no complete reply in time")]
    TimedOut,
    #[error("a line longer than {limit} bytes")]
    LineTooLong { limit: usize },
    #[error("a reply of more than {lines} lines or {bytes} bytes")]
    ReplyTooLong { lines: usize, bytes: usize },
    #[error("a literal of {declared} bytes (at most {limit} accepted)")]
    LiteralTooLarge { declared: u64, limit: u64 },
    #[error("{0}")]
    Malformed(#[from] ParseError),
    #[error("{0}")]
    Unexpected(String),
    #[error("the server said it is closing: {0}")]
    Goodbye(Box<Reply>),
    #[error("I/O error: {0}")]
    Io(String),
    #[error("the connection is gone")]
    NotConnected,
}

impl LineError {
    /// Classify a socket (or TLS) error. `mid` is true inside a reply.
    pub(super) fn from_io(e: &io::Error, tls: bool, mid: bool, partial: usize) -> LineError {
        match e.kind() {
            io::ErrorKind::UnexpectedEof if tls && (mid || partial > 0) => {
                LineError::TlsTruncated { partial }
            }
            io::ErrorKind::UnexpectedEof => LineError::Closed { partial },
            io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe => LineError::Reset,
            io::ErrorKind::TimedOut => LineError::TimedOut,
            _ => LineError::Io(e.to_string()),
        }
    }
}

/// What is left of one reply's allowance.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    lines: usize,
    bytes: usize,
    limits: Limits,
}

impl Budget {
    pub fn new(limits: Limits) -> Self {
        Budget {
            lines: limits.max_reply_lines,
            bytes: limits.max_reply_bytes,
            limits,
        }
    }

    /// Account for one more line (or literal) of `len` bytes.
    pub fn take(&mut self, len: usize) -> Result<(), LineError> {
        if self.lines == 0 || self.bytes < len {
            return Err(LineError::ReplyTooLong {
                lines: self.limits.max_reply_lines,
                bytes: self.limits.max_reply_bytes,
            });
        }
        self.lines -= 1;
        self.bytes -= len;
        Ok(())
    }
}

impl Wire<'_> {
    pub fn budget(&self) -> Budget {
        Budget::new(self.limits)
    }

    /// Bytes received and not yet consumed.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// What is buffered and not yet consumed (a partial line).
    pub fn pending(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// A copy of at most `max` pending bytes, with every secret sent so
    /// far masked: for showing a partial line.
    pub fn pending_shown(&self, max: usize) -> Vec<u8> {
        let pending = self.pending();
        let mut bytes = pending[..pending.len().min(max)].to_vec();
        self.transcript.scrub(&mut bytes);
        bytes
    }

    /// The first line of a reply, without its line end; transcribed.
    pub async fn read_line(&mut self, until: Instant) -> Result<Vec<u8>, LineError> {
        self.line(until, false).await
    }

    /// A further line of a reply already begun.
    pub async fn read_more(&mut self, until: Instant) -> Result<Vec<u8>, LineError> {
        self.line(until, true).await
    }

    /// Wait until at least one byte is buffered; the buffered bytes.
    pub async fn peek(&mut self, until: Instant) -> Result<&[u8], LineError> {
        if self.buffered() == 0 {
            self.fill(until, false).await?;
        }
        Ok(&self.buf[self.pos..])
    }

    /// Consume and transcribe what is buffered without waiting for a line
    /// end (TLS bytes where text was due).
    pub fn take_buffered(&mut self, max: usize) -> Vec<u8> {
        let n = self.buffered().min(max);
        let mut bytes = self.buf[self.pos..self.pos + n].to_vec();
        self.pos += n;
        self.transcript.scrub(&mut bytes);
        self.transcript.received(&bytes, self.tls);
        bytes
    }

    /// Skip an IMAP literal of `len` bytes without keeping it.
    pub async fn skip(&mut self, len: u64, until: Instant) -> Result<(), LineError> {
        if len > self.limits.max_literal {
            self.transcript.note(
                format!("literal of {len} bytes announced: too large, not read"),
                self.tls,
            );
            return Err(LineError::LiteralTooLarge {
                declared: len,
                limit: self.limits.max_literal,
            });
        }
        let mut left = len as usize;
        while left > 0 {
            if self.buffered() == 0 {
                self.fill(until, true).await?;
            }
            let n = self.buffered().min(left);
            self.pos += n;
            left -= n;
        }
        self.compact();
        self.transcript
            .note(format!("[literal of {len} bytes skipped]"), self.tls);
        Ok(())
    }

    async fn line(&mut self, until: Instant, mid: bool) -> Result<Vec<u8>, LineError> {
        let mut scanned = 0;
        loop {
            let pending = &self.buf[self.pos..];
            if let Some(i) = pending[scanned..].iter().position(|&b| b == b'\n') {
                let end = scanned + i;
                let mut line = pending[..end].to_vec();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                self.pos += end + 1;
                self.compact();
                self.transcript.scrub(&mut line);
                self.transcript.received(&line, self.tls);
                return Ok(line);
            }
            scanned = pending.len();
            if pending.len() >= self.limits.max_line {
                let shown = escape_bounded(&self.pending_shown(200), 200);
                let tls = self.tls;
                self.transcript.note(
                    format!(
                        "line longer than {} bytes, not read further: {shown}…",
                        self.limits.max_line
                    ),
                    tls,
                );
                return Err(LineError::LineTooLong {
                    limit: self.limits.max_line,
                });
            }
            self.fill(until, mid).await?;
        }
    }

    /// Read once more from the stream into the buffer.
    async fn fill(&mut self, until: Instant, mid: bool) -> Result<(), LineError> {
        self.compact();
        let partial = self.buffered();
        let tls = self.tls;
        let Some(io) = self.io.as_mut() else {
            return Err(LineError::NotConnected);
        };
        let old = self.buf.len();
        self.buf.reserve_exact(CHUNK);
        self.buf.resize(old + CHUNK, 0);
        let res = timeout_at(until, io.read(&mut self.buf[old..])).await;
        let got = match &res {
            Ok(Ok(n)) => *n,
            _ => 0,
        };
        self.buf.truncate(old + got);
        match res {
            Err(_) => Err(LineError::TimedOut),
            Ok(Ok(0)) => Err(LineError::Closed { partial }),
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => {
                let err = LineError::from_io(&e, tls, mid, partial);
                if tls && e.kind() == io::ErrorKind::UnexpectedEof {
                    self.transcript
                        .note("TCP closed without TLS close_notify", tls);
                }
                Err(err)
            }
        }
    }

    fn compact(&mut self) {
        if self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        } else if self.pos > CHUNK {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::AsyncWriteExt;

    use super::*;
    use crate::probe::session::Progress;
    use crate::probe::transcript::Transcript;

    async fn with_wire<F>(server_bytes: Vec<u8>, check: F)
    where
        F: AsyncFnOnce(&mut Wire<'_>),
    {
        let (client, mut server) = tokio::io::duplex(64 * 1024);
        let feeder = tokio::spawn(async move {
            let _ = server.write_all(&server_bytes).await;
            // Keep the pipe open a while: EOF is not what is tested.
            tokio::time::sleep(Duration::from_millis(300)).await;
        });
        let mut sink = |_p: Progress| {};
        let transcript = Transcript::new(Instant::now(), &mut sink);
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut wire = Wire::new(client, transcript, Duration::from_millis(200), deadline);
        check(&mut wire).await;
        feeder.abort();
    }

    #[tokio::test]
    async fn lines_end_at_crlf_or_bare_lf() {
        with_wire(b"one\r\ntwo\nthree\r\r\n".to_vec(), async |w| {
            let until = w.until();
            assert_eq!(w.read_line(until).await.unwrap(), b"one");
            assert_eq!(w.read_line(until).await.unwrap(), b"two");
            assert_eq!(w.read_line(until).await.unwrap(), b"three\r");
            assert_eq!(w.read_line(until).await, Err(LineError::TimedOut));
        })
        .await;
    }

    #[tokio::test]
    async fn an_overlong_line_is_refused_without_growing_the_buffer() {
        with_wire(vec![b'x'; 1 << 20], async |w| {
            let until = w.until();
            let limit = w.limits.max_line;
            assert_eq!(
                w.read_line(until).await,
                Err(LineError::LineTooLong { limit })
            );
            assert!(
                w.buf.capacity() <= limit + 2 * CHUNK,
                "{}",
                w.buf.capacity()
            );
        })
        .await;
    }

    #[tokio::test]
    async fn a_sent_secret_echoed_in_an_overlong_or_partial_line_stays_masked() {
        use crate::probe::transcript::Outgoing;
        let mut echo = b"500 unknown command PASS hunter2-secret ".to_vec();
        echo.resize(300 * 1024, b'x');
        with_wire(echo, async |w| {
            let until = w.until();
            w.transcript
                .sent(&Outgoing::with_secret("PASS ", b"hunter2-secret"), false);
            assert!(w.pending_shown(100).is_empty());
            let err = w.read_line(until).await.unwrap_err();
            assert!(matches!(err, LineError::LineTooLong { .. }));
            assert!(!String::from_utf8_lossy(&w.pending_shown(200)).contains("hunter2"));
            let taken = w.take_buffered(100);
            assert!(!String::from_utf8_lossy(&taken).contains("hunter2"));
            let shown: Vec<&str> = w
                .transcript
                .lines()
                .iter()
                .map(|l| l.text.as_str())
                .collect();
            assert!(shown.iter().any(|l| l.contains("longer than")), "{shown:?}");
            assert!(!shown.iter().any(|l| l.contains("hunter2")), "{shown:?}");
        })
        .await;
    }

    #[tokio::test]
    async fn literals_are_skipped_or_refused() {
        with_wire(b"0123456789rest\r\n".to_vec(), async |w| {
            let until = w.until();
            w.skip(10, until).await.unwrap();
            assert_eq!(w.read_line(until).await.unwrap(), b"rest");
            let err = w.skip(u64::from(u32::MAX), until).await.unwrap_err();
            assert!(matches!(
                err,
                LineError::LiteralTooLarge {
                    declared: 4_294_967_295,
                    ..
                }
            ));
        })
        .await;
    }

    #[test]
    fn budgets_count_lines_and_bytes() {
        let limits = Limits {
            max_reply_lines: 2,
            max_reply_bytes: 10,
            ..Limits::default()
        };
        let mut b = Budget::new(limits);
        assert!(b.take(4).is_ok());
        assert!(b.take(4).is_ok());
        assert!(b.take(1).is_err());
        let mut b = Budget::new(limits);
        assert!(b.take(11).is_err());
    }

    #[test]
    fn io_errors_are_classified() {
        let eof = io::Error::from(io::ErrorKind::UnexpectedEof);
        assert_eq!(
            LineError::from_io(&eof, true, true, 0),
            LineError::TlsTruncated { partial: 0 }
        );
        assert_eq!(
            LineError::from_io(&eof, true, false, 3),
            LineError::TlsTruncated { partial: 3 }
        );
        assert_eq!(
            LineError::from_io(&eof, true, false, 0),
            LineError::Closed { partial: 0 }
        );
        assert_eq!(
            LineError::from_io(&eof, false, true, 5),
            LineError::Closed { partial: 5 }
        );
        let reset = io::Error::from(io::ErrorKind::ConnectionReset);
        assert_eq!(
            LineError::from_io(&reset, false, false, 0),
            LineError::Reset
        );
    }
}
