//! What each lab server saw: every byte a client sent (and whether it came
//! inside TLS), every byte the server sent, the login attempts, and the
//! rule breaks a test must fail on (SMTP `DATA`, bytes pipelined after
//! STARTTLS, a script expectation not met).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use super::lock;

/// Bytes that crossed the connection in one read or write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// Inside a TLS session (decrypted here).
    pub tls: bool,
    pub bytes: Vec<u8>,
}

/// Something a client did that mailfix must never do, or that a test
/// scripted differently. A lab run with any of these is a failed test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// The client sent SMTP `DATA` or `BDAT`: mailfix never sends a message.
    DataCommand { line: String },
    /// The client sent bytes after STARTTLS/STLS and before the TLS
    /// handshake; they were discarded.
    PipelinedBeforeTls { bytes: usize },
    /// A script step expected one thing and read another.
    Unexpected {
        step: usize,
        expected: String,
        got: String,
    },
    /// A line longer than the server accepts.
    LineTooLong { limit: usize },
}

/// One login attempt as the server judged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginAttempt {
    /// `LOGIN` (IMAP), `USER/PASS` (POP3) or the SASL mechanism name.
    pub mechanism: String,
    pub user: String,
    pub accepted: bool,
    /// Sent inside TLS.
    pub tls: bool,
}

/// One accepted connection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnRecord {
    /// 0 for the listener's first connection, and so on.
    pub index: usize,
    pub peer: Option<SocketAddr>,
    pub received: Vec<Chunk>,
    pub sent: Vec<Chunk>,
    pub logins: Vec<LoginAttempt>,
    pub violations: Vec<Violation>,
    /// How the server ended it ("closed", "reset", "client closed", …).
    pub end: Option<String>,
}

impl ConnRecord {
    /// Everything the client sent, in order.
    pub fn received_bytes(&self) -> Vec<u8> {
        self.received.iter().flat_map(|c| c.bytes.clone()).collect()
    }

    /// What the client sent before TLS (or on a connection without TLS).
    pub fn received_plaintext(&self) -> Vec<u8> {
        self.received
            .iter()
            .filter(|c| !c.tls)
            .flat_map(|c| c.bytes.clone())
            .collect()
    }

    /// Everything the server sent, in order.
    pub fn sent_bytes(&self) -> Vec<u8> {
        self.sent.iter().flat_map(|c| c.bytes.clone()).collect()
    }

    /// The client's bytes as text (invalid UTF-8 replaced), for asserts.
    pub fn received_text(&self) -> String {
        String::from_utf8_lossy(&self.received_bytes()).into_owned()
    }
}

/// The shared log of one listener. Cloning shares it.
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    conns: Arc<Mutex<Vec<ConnRecord>>>,
}

impl Recorder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Start the record of a new connection; returns its slot.
    pub(crate) fn open(&self, index: usize, peer: Option<SocketAddr>) -> ConnLog {
        let mut conns = lock(&self.conns);
        conns.push(ConnRecord {
            index,
            peer,
            ..ConnRecord::default()
        });
        ConnLog {
            recorder: self.clone(),
            slot: conns.len() - 1,
        }
    }

    /// A copy of every connection's record so far.
    pub fn connections(&self) -> Vec<ConnRecord> {
        lock(&self.conns).clone()
    }

    pub fn connection_count(&self) -> usize {
        lock(&self.conns).len()
    }

    /// Every violation on every connection.
    pub fn violations(&self) -> Vec<Violation> {
        lock(&self.conns)
            .iter()
            .flat_map(|c| c.violations.clone())
            .collect()
    }

    /// Every login attempt on every connection.
    pub fn logins(&self) -> Vec<LoginAttempt> {
        lock(&self.conns)
            .iter()
            .flat_map(|c| c.logins.clone())
            .collect()
    }

    /// True if any client ever sent `needle` (in plain text or inside TLS).
    pub fn received_contains(&self, needle: &[u8]) -> bool {
        lock(&self.conns)
            .iter()
            .any(|c| contains(&c.received_bytes(), needle))
    }

    /// True if any client sent `needle` outside TLS.
    pub fn plaintext_contains(&self, needle: &[u8]) -> bool {
        lock(&self.conns)
            .iter()
            .any(|c| contains(&c.received_plaintext(), needle))
    }

    /// Forget everything recorded so far.
    pub fn clear(&self) {
        lock(&self.conns).clear();
    }
}

/// `needle` occurs in `haystack` (an empty needle always does).
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// Write access to one connection's record.
#[derive(Debug, Clone)]
pub(crate) struct ConnLog {
    recorder: Recorder,
    slot: usize,
}

impl ConnLog {
    fn with(&self, f: impl FnOnce(&mut ConnRecord)) {
        if let Some(record) = lock(&self.recorder.conns).get_mut(self.slot) {
            f(record);
        }
    }

    pub fn received(&self, tls: bool, bytes: &[u8]) {
        self.with(|r| push_chunk(&mut r.received, tls, bytes));
    }

    pub fn sent(&self, tls: bool, bytes: &[u8]) {
        self.with(|r| push_chunk(&mut r.sent, tls, bytes));
    }

    pub fn login(&self, attempt: LoginAttempt) {
        self.with(|r| r.logins.push(attempt));
    }

    pub fn violation(&self, violation: Violation) {
        self.with(|r| r.violations.push(violation));
    }

    pub fn end(&self, how: &str) {
        self.with(|r| {
            if r.end.is_none() {
                r.end = Some(how.to_owned());
            }
        });
    }
}

fn push_chunk(chunks: &mut Vec<Chunk>, tls: bool, bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    chunks.push(Chunk {
        tls,
        bytes: bytes.to_vec(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_kept_per_connection() {
        let rec = Recorder::new();
        let a = rec.open(0, None);
        let b = rec.open(1, None);
        a.received(false, b"a1 STARTTLS\r\n");
        a.received(true, b"a2 LOGIN alice pw\r\n");
        b.violation(Violation::LineTooLong { limit: 10 });
        let conns = rec.connections();
        assert_eq!(conns.len(), 2);
        assert_eq!(conns[0].received_plaintext(), b"a1 STARTTLS\r\n");
        assert!(rec.received_contains(b"LOGIN alice"));
        assert!(!rec.plaintext_contains(b"LOGIN alice"));
        assert_eq!(rec.violations(), [Violation::LineTooLong { limit: 10 }]);
        a.end("closed");
        a.end("reset");
        assert_eq!(rec.connections()[0].end.as_deref(), Some("closed"));
    }

    #[test]
    fn contains_handles_edges() {
        assert!(contains(b"abc", b""));
        assert!(contains(b"abc", b"bc"));
        assert!(!contains(b"ab", b"abc"));
    }
}
