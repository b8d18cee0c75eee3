//! The transcript of a session: every line sent and received, redacted and
//! escaped before it is stored or reported, and the progress sink it
//! streams to.
//!
//! Redaction is structural: whoever builds an [`Outgoing`] line says which
//! part of it is secret, and only the public part is ever shown. As a
//! second guard, every secret sent is remembered and masked wherever a
//! server echoes it back.

use std::fmt;

use tokio::time::Instant;
use zeroize::Zeroizing;

use super::session::Progress;
use crate::event::{StepKind, StepStatus};
use crate::evidence::{Direction, TranscriptLine};
use crate::proto::escape::escape;
use crate::secret::MASK;

/// Secrets shorter than this are not searched for in server text (they
/// would mask ordinary words); they are still never shown when sent.
const MIN_SCRUB_LEN: usize = 4;
/// Most lines kept in one transcript.
const MAX_LINES: usize = 4000;

/// Where progress goes while a session runs.
pub type Sink<'a> = &'a mut (dyn FnMut(Progress) + Send);

/// One line to send, and how it shows in the transcript.
pub struct Outgoing {
    wire: Zeroizing<Vec<u8>>,
    shown: String,
    secrets: Vec<Zeroizing<Vec<u8>>>,
}

impl Outgoing {
    /// A line with nothing secret in it (without CRLF).
    pub fn public(line: &str) -> Self {
        let mut wire = Zeroizing::new(Vec::with_capacity(line.len() + 2));
        wire.extend_from_slice(line.as_bytes());
        wire.extend_from_slice(b"\r\n");
        Outgoing {
            wire,
            shown: escape(line.as_bytes()),
            secrets: Vec::new(),
        }
    }

    /// `prefix` (shown) followed by `secret` (masked), then CRLF.
    pub fn with_secret(prefix: &str, secret: &[u8]) -> Self {
        let mut wire = Zeroizing::new(Vec::with_capacity(prefix.len() + secret.len() + 2));
        wire.extend_from_slice(prefix.as_bytes());
        wire.extend_from_slice(secret);
        wire.extend_from_slice(b"\r\n");
        Outgoing {
            wire,
            shown: format!("{}{MASK}", escape(prefix.as_bytes())),
            secrets: vec![Zeroizing::new(secret.to_vec())],
        }
    }

    /// A line that is secret as a whole (a SASL response).
    pub fn secret(secret: &[u8]) -> Self {
        Outgoing::with_secret("", secret)
    }

    /// Also mask `also` wherever the server repeats it (e.g. the password
    /// inside a base64 payload being sent).
    pub fn scrubbing(mut self, also: &[u8]) -> Self {
        self.secrets.push(Zeroizing::new(also.to_vec()));
        self
    }

    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The exact bytes for the wire, CRLF included.
    pub fn bytes(&self) -> &[u8] {
        &self.wire
    }
}

impl fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Outgoing({:?})", self.shown)
    }
}

/// The session's transcript and progress reporting.
pub struct Transcript<'a> {
    started: Instant,
    lines: Vec<TranscriptLine>,
    scrub: Vec<Zeroizing<Vec<u8>>>,
    sink: Sink<'a>,
    dropped: usize,
}

impl<'a> Transcript<'a> {
    pub fn new(started: Instant, sink: Sink<'a>) -> Self {
        Transcript {
            started,
            lines: Vec::new(),
            scrub: Vec::new(),
            sink,
            dropped: 0,
        }
    }

    pub fn elapsed_ms(&self) -> f64 {
        self.started.elapsed().as_secs_f64() * 1000.0
    }

    /// Record a line about to be sent and remember its secrets.
    pub fn sent(&mut self, out: &Outgoing, tls: bool) {
        for secret in &out.secrets {
            if secret.len() >= MIN_SCRUB_LEN && !self.scrub.contains(secret) {
                self.scrub.push(secret.clone());
            }
        }
        self.push(Direction::Client, out.shown.clone(), tls);
    }

    /// Record a received line (already passed through [`Self::scrub`]).
    pub fn received(&mut self, line: &[u8], tls: bool) {
        self.push(Direction::Server, escape(line), tls);
    }

    /// mailfix's own remark.
    pub fn note(&mut self, text: impl Into<String>, tls: bool) {
        self.push(Direction::Note, text.into(), tls);
    }

    /// Replace every secret sent so far that occurs in `bytes` by the mask.
    pub fn scrub(&self, bytes: &mut Vec<u8>) {
        for secret in &self.scrub {
            mask_all(bytes, secret);
        }
    }

    pub fn step_started(&mut self, kind: StepKind) {
        (self.sink)(Progress::StepStarted(kind));
    }

    pub fn step_done(&mut self, kind: StepKind, status: StepStatus, detail: String, ms: f64) {
        (self.sink)(Progress::StepDone {
            kind,
            status,
            detail,
            ms,
        });
    }

    pub fn into_lines(self) -> Vec<TranscriptLine> {
        self.lines
    }

    fn push(&mut self, dir: Direction, text: String, tls: bool) {
        if self.lines.len() >= MAX_LINES {
            self.dropped += 1;
            if self.dropped > 1 {
                return;
            }
            let line = TranscriptLine {
                dir: Direction::Note,
                text: format!("transcript cut after {MAX_LINES} lines"),
                tls,
                at_ms: self.elapsed_ms(),
            };
            (self.sink)(Progress::Line(line.clone()));
            self.lines.push(line);
            return;
        }
        let line = TranscriptLine {
            dir,
            text,
            tls,
            at_ms: self.elapsed_ms(),
        };
        (self.sink)(Progress::Line(line.clone()));
        self.lines.push(line);
    }
}

fn mask_all(bytes: &mut Vec<u8>, secret: &[u8]) {
    if secret.is_empty() || bytes.len() < secret.len() {
        return;
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let mut hit = false;
    while i < bytes.len() {
        if bytes[i..].starts_with(secret) {
            out.extend_from_slice(MASK.as_bytes());
            i += secret.len();
            hit = true;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    if hit {
        *bytes = out;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_shown() {
        let mut seen = Vec::new();
        let mut sink = |p: Progress| seen.push(p);
        let mut t = Transcript::new(Instant::now(), &mut sink);
        let login =
            Outgoing::with_secret("a1 LOGIN \"alice\" ", b"\"s3cret-pw\"").scrubbing(b"s3cret-pw");
        assert_eq!(login.bytes(), b"a1 LOGIN \"alice\" \"s3cret-pw\"\r\n");
        t.sent(&login, true);
        let mut echo = b"a1 NO wrong password s3cret-pw for alice".to_vec();
        t.scrub(&mut echo);
        t.received(&echo, true);
        t.sent(&Outgoing::public("a2 LOGOUT"), true);
        let lines = t.into_lines();
        assert_eq!(lines[0].text, "a1 LOGIN \"alice\" ********");
        assert_eq!(lines[1].text, "a1 NO wrong password ******** for alice");
        assert_eq!(lines[2].text, "a2 LOGOUT");
        assert!(!format!("{login:?}").contains("s3cret"));
        assert_eq!(seen.len(), 3);
    }

    #[test]
    fn short_secrets_are_not_searched() {
        let mut sink = |_p: Progress| {};
        let mut t = Transcript::new(Instant::now(), &mut sink);
        t.sent(&Outgoing::secret(b"OK"), false);
        let mut line = b"+OK fine".to_vec();
        t.scrub(&mut line);
        assert_eq!(line, b"+OK fine");
        assert_eq!(t.into_lines()[0].text, MASK);
    }

    #[test]
    fn escaped_and_bounded() {
        let mut sink = |_p: Progress| {};
        let mut t = Transcript::new(Instant::now(), &mut sink);
        t.received(b"* OK \x1b[2J\xff", false);
        for _ in 0..MAX_LINES + 10 {
            t.note("x", false);
        }
        let lines = t.into_lines();
        assert_eq!(lines[0].text, "* OK \\x1b[2J\\xff");
        assert_eq!(lines.len(), MAX_LINES + 1);
    }
}
