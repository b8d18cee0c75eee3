//! TLS for a session: the handshake (implicit or after STARTTLS) with its
//! pin check, and STARTTLS done strictly: required, nothing pipelined
//! accepted, nothing learnt before carried over.

use super::check_pin;
use super::run::Run;
use crate::account::Protocol;
use crate::event::{StepKind, StepStatus};
use crate::evidence::{
    HandshakeFailure, LoginSkip, Phase, Reply, SessionEnd, StarttlsOutcome, Status, TlsOutcome,
};
use crate::probe::{imap, pop3, smtp};
use crate::proto::escape::escape_bounded;

impl Run<'_, '_> {
    /// The TLS handshake (implicit or after STARTTLS). The outcome is
    /// returned either way; with an end when the session cannot go on.
    pub(super) async fn handshake(&mut self) -> Result<TlsOutcome, (TlsOutcome, SessionEnd)> {
        self.begin(StepKind::Tls);
        let host = self.params.endpoint.host.clone();
        match self.wire.start_tls(self.tls, &host).await {
            Ok(est) => {
                self.note(format!(
                    "TLS {} {}; certificate for {} from {} verified",
                    est.version,
                    est.cipher,
                    est.cert.names.join(", "),
                    est.cert.issuer
                ));
                let version = est.version.clone();
                let verified = TlsOutcome::Verified {
                    pin: check_pin(self.params.pin.as_ref(), &est.cert),
                    version: est.version,
                    cipher: est.cipher,
                    cert: est.cert,
                };
                if verified.pin_alarm() {
                    self.note("the certificate differs from the one pinned at the last good check, and another authority issued it");
                }
                self.done(StepStatus::Ok, version);
                Ok(verified)
            }
            Err(outcome) => {
                let phase = Phase::TlsHandshake;
                let (end, status) = match &outcome {
                    TlsOutcome::CertRejected { problem, .. } => (
                        SessionEnd::Stopped {
                            phase,
                            reason: format!("{problem}: no further byte sent"),
                        },
                        StepStatus::Failed,
                    ),
                    TlsOutcome::Failed(HandshakeFailure::Closed) => (
                        SessionEnd::Closed { phase, reply: None },
                        StepStatus::Failed,
                    ),
                    TlsOutcome::Failed(HandshakeFailure::Reset) => {
                        (SessionEnd::Reset { phase }, StepStatus::Failed)
                    }
                    TlsOutcome::Failed(HandshakeFailure::TimedOut) => {
                        (SessionEnd::TimedOut { phase }, StepStatus::TimedOut)
                    }
                    TlsOutcome::Failed(failure) => (
                        SessionEnd::Stopped {
                            phase,
                            reason: failure.to_string(),
                        },
                        StepStatus::Failed,
                    ),
                    TlsOutcome::Verified { .. } => (SessionEnd::Completed, StepStatus::Ok),
                };
                let detail = match &outcome {
                    TlsOutcome::CertRejected { problem, .. } => problem.to_string(),
                    TlsOutcome::Failed(f) => f.to_string(),
                    TlsOutcome::Verified { .. } => String::new(),
                };
                self.done(status, detail);
                self.skip_login(LoginSkip::TlsNotVerified);
                Err((outcome, end))
            }
        }
    }

    /// STARTTLS / STLS, strictly: required, nothing pipelined accepted,
    /// nothing learnt before carried over.
    pub(super) async fn starttls(&mut self) -> Result<(), SessionEnd> {
        self.begin(StepKind::Starttls);
        let phase = Phase::Starttls;
        let offered = self
            .session
            .capabilities
            .as_ref()
            .is_some_and(|c| c.starttls);
        if !offered {
            self.session.starttls = Some(StarttlsOutcome::NotOffered);
            self.done(StepStatus::Failed, "not offered");
            return Err(self
                .refuse_plaintext("the server does not offer STARTTLS")
                .await);
        }
        let protocol = self.params.endpoint.protocol;
        let reply = match protocol {
            Protocol::Pop3 => pop3::stls(&mut self.wire).await,
            Protocol::Imap => imap::starttls(&mut self.wire, &mut self.tags).await,
            Protocol::Smtp => smtp::starttls(&mut self.wire).await,
        }
        .map_err(|e| self.fail(e))?;
        if !go_ahead(protocol, &reply) {
            self.session.starttls = Some(StarttlsOutcome::Refused(reply.clone()));
            self.done(StepStatus::Failed, format!("refused: {reply}"));
            return Err(self
                .refuse_plaintext(&format!("STARTTLS refused: {reply}"))
                .await);
        }
        let pending = self.wire.unread_after_goahead().await;
        if pending > 0 {
            self.wire.take_buffered(256);
            self.note(format!(
                "{pending} bytes arrived after the STARTTLS go-ahead and before TLS: \
                 a sign of command injection; connection dropped"
            ));
            self.wire.abandon();
            self.session.starttls = Some(StarttlsOutcome::InjectedData { bytes: pending });
            self.done(StepStatus::Failed, "data injected before the TLS handshake");
            self.skip_login(LoginSkip::WouldBePlaintext);
            return Err(SessionEnd::Stopped {
                phase,
                reason: "data arrived between the STARTTLS go-ahead and the TLS handshake".into(),
            });
        }
        self.done(
            StepStatus::Ok,
            escape_bounded(reply.to_string().as_bytes(), 80),
        );
        self.phase = Phase::TlsHandshake;
        let (outcome, end) = match self.handshake().await {
            Ok(outcome) => (outcome, None),
            Err((outcome, end)) => (outcome, Some(end)),
        };
        self.session.starttls = Some(StarttlsOutcome::Handshake(outcome));
        match end {
            Some(end) => Err(end),
            None => Ok(()),
        }
    }

    /// Security `starttls` is required: say goodbye in plain text and stop.
    async fn refuse_plaintext(&mut self, reason: &str) -> SessionEnd {
        self.skip_login(LoginSkip::WouldBePlaintext);
        let _ = self.goodbye().await;
        SessionEnd::Stopped {
            phase: Phase::Starttls,
            reason: reason.to_owned(),
        }
    }
}

fn go_ahead(protocol: Protocol, reply: &Reply) -> bool {
    match protocol {
        Protocol::Smtp => reply.status == Status::Smtp(220),
        Protocol::Imap => reply.status == Status::ImapOk,
        Protocol::Pop3 => reply.status == Status::Pop3Ok,
    }
}
