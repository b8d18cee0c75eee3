//! One endpoint's conversation: implicit TLS or STARTTLS, greeting,
//! capabilities, login, mailbox or relay test, goodbye. Generic over the
//! stream so a scripted stream and a real socket drive the same code.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;

mod login;
mod phases;
mod run;
mod secure;

use run::Run;

use super::tls::TlsClient;
use super::transcript::Transcript;
use super::wire::Wire;
use crate::account::{AuthMech, Service};
use crate::event::{StepKind, StepStatus};
use crate::evidence::{
    CertSummary, Depth, Endpoint, LoginSkip, PinCheck, Session, SessionEnd, TranscriptLine,
};
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
    let started = Instant::now();
    let transcript = Transcript::new(started, &mut progress);
    let wire = Wire::new(stream, transcript, params.timeout, params.deadline);
    let mut run = Run::new(wire, Session::new(addr), params, tls, started);
    let end = match run.converse().await {
        Ok(()) => SessionEnd::Completed,
        Err(end) => end,
    };
    run.finish(end).await
}

/// Compare the verified certificate with the pin of the last good check.
pub fn check_pin(pin: Option<&PinRecord>, cert: &CertSummary) -> PinCheck {
    match pin {
        None => PinCheck::NotPinned,
        Some(p) if p.sha256.eq_ignore_ascii_case(&cert.sha256) => PinCheck::Same,
        Some(p) => PinCheck::Changed {
            previous_sha256: p.sha256.clone(),
            previous_issuer: p.issuer.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::TlsOutcome;

    fn cert(sha: &str, issuer: &str) -> CertSummary {
        CertSummary {
            subject: "CN=mail.example.org".into(),
            issuer: issuer.into(),
            names: vec!["mail.example.org".into()],
            not_before: String::new(),
            not_after: String::new(),
            self_signed: false,
            sha256: sha.into(),
        }
    }

    /// The pin check of `cert` against `pin`, and whether it is the alarm.
    fn checked(pin: Option<&PinRecord>, cert: CertSummary) -> (PinCheck, bool) {
        let check = check_pin(pin, &cert);
        let verified = TlsOutcome::Verified {
            version: "TLSv1.3".into(),
            cipher: "TLS13_AES_128_GCM_SHA256".into(),
            cert,
            pin: check.clone(),
        };
        (check, verified.pin_alarm())
    }

    #[test]
    fn pins() {
        let pin = PinRecord {
            sha256: "AB12".into(),
            issuer: "CN=R11, O=Let's Encrypt, C=US".into(),
        };
        assert_eq!(
            checked(None, cert("ab12", "x")),
            (PinCheck::NotPinned, false)
        );
        assert_eq!(
            checked(Some(&pin), cert("ab12", "x")),
            (PinCheck::Same, false)
        );
        let renewed = checked(Some(&pin), cert("cd34", "CN=R11, O=Let's Encrypt, C=US"));
        assert!(matches!(renewed, (PinCheck::Changed { .. }, false)));
        let swapped = checked(Some(&pin), cert("cd34", "CN=Evil Proxy CA"));
        assert_eq!(
            swapped,
            (
                PinCheck::Changed {
                    previous_sha256: "AB12".into(),
                    previous_issuer: "CN=R11, O=Let's Encrypt, C=US".into(),
                },
                true
            )
        );
    }
}
