//! The exchange with a server, line by line, as shown to the user.
//!
//! Lines are stored already redacted (credentials replaced with
//! [`crate::secret::MASK`]) and escaped (control characters and invalid
//! UTF-8 made visible), so no consumer can leak or mis-render them.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Sent by mailfix.
    Client,
    /// Received from the server.
    Server,
    /// mailfix's own remark (e.g. "TLS handshake: TLSv1.3").
    Note,
}

impl Direction {
    /// `C:`, `S:` or `*` for transcripts.
    pub fn prefix(self) -> &'static str {
        match self {
            Direction::Client => "C:",
            Direction::Server => "S:",
            Direction::Note => "--",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TranscriptLine {
    pub dir: Direction,
    /// Redacted and escaped.
    pub text: String,
    /// Inside a verified TLS session.
    pub tls: bool,
    /// Milliseconds since the session's connect.
    pub at_ms: f64,
}
