//! The state of one running session: the wire, what was observed so far,
//! the phase it is in, and the progress step that is open.

use tokio::time::Instant;

use super::SessionParams;
use crate::event::{StepKind, StepStatus};
use crate::evidence::{Depth, LoginOutcome, LoginSkip, Phase, Session, SessionEnd};
use crate::probe::imap::Tags;
use crate::probe::line::LineError;
use crate::probe::tls::TlsClient;
use crate::probe::wire::Wire;

pub(super) struct Run<'w, 'p> {
    pub wire: Wire<'w>,
    pub session: Session,
    pub params: &'p SessionParams,
    pub tls: &'p TlsClient,
    pub tags: Tags,
    pub phase: Phase,
    started: Instant,
    open_step: Option<(StepKind, Instant)>,
}

impl<'w, 'p> Run<'w, 'p> {
    pub fn new(
        wire: Wire<'w>,
        session: Session,
        params: &'p SessionParams,
        tls: &'p TlsClient,
        started: Instant,
    ) -> Self {
        Run {
            wire,
            session,
            params,
            tls,
            tags: Tags::default(),
            phase: Phase::Connect,
            started,
            open_step: None,
        }
    }

    pub fn elapsed_ms(&self) -> f64 {
        self.started.elapsed().as_secs_f64() * 1000.0
    }

    /// Report a step as started (closing any step still open).
    pub fn begin(&mut self, kind: StepKind) {
        if self.open_step.is_some() {
            self.done(StepStatus::Ok, String::new());
        }
        self.open_step = Some((kind, Instant::now()));
        self.wire.transcript.step_started(kind);
    }

    /// Report the open step as done.
    pub fn done(&mut self, status: StepStatus, detail: impl Into<String>) {
        if let Some((kind, at)) = self.open_step.take() {
            let ms = at.elapsed().as_secs_f64() * 1000.0;
            self.wire
                .transcript
                .step_done(kind, status, detail.into(), ms);
        }
    }

    /// A remark in the transcript.
    pub fn note(&mut self, text: impl Into<String>) {
        let tls = self.wire.encrypted();
        self.wire.transcript.note(text, tls);
    }

    /// How the session ends when the wire fails in the current phase.
    pub fn fail(&self, err: LineError) -> SessionEnd {
        let phase = self.phase;
        match err {
            LineError::Closed { .. } | LineError::NotConnected => SessionEnd::Closed {
                phase,
                reply: self.wire.closing_reply(),
            },
            LineError::Goodbye(reply) => SessionEnd::Closed {
                phase,
                reply: Some(*reply),
            },
            LineError::TlsTruncated { .. } => SessionEnd::TlsTruncated { phase },
            LineError::Reset => SessionEnd::Reset { phase },
            LineError::TimedOut => SessionEnd::TimedOut { phase },
            other => SessionEnd::Violation {
                phase,
                detail: other.to_string(),
            },
        }
    }

    /// Record why no login happens (only where a login was asked for).
    pub fn skip_login(&mut self, why: LoginSkip) {
        if self.params.depth == Depth::Full && self.session.login.is_none() {
            self.session.login = Some(LoginOutcome::Skipped(why));
        }
    }

    /// Close what is open and hand back the finished session.
    pub async fn finish(mut self, end: SessionEnd) -> Session {
        if self.open_step.is_some() {
            let status = match end {
                SessionEnd::Completed => StepStatus::Ok,
                SessionEnd::TimedOut { .. } => StepStatus::TimedOut,
                _ => StepStatus::Failed,
            };
            self.done(status, describe(&end));
        }
        if end != SessionEnd::Completed {
            self.skip_login(LoginSkip::SessionEnded);
            self.note(format!("session ended: {}", describe(&end)));
        }
        self.wire.close().await;
        self.session.end = end;
        self.session.ms = self.elapsed_ms();
        self.session.transcript = self.wire.transcript.into_lines();
        self.session
    }
}

/// A short account of how a session ended, for step details.
pub(super) fn describe(end: &SessionEnd) -> String {
    match end {
        SessionEnd::Completed => "done".into(),
        SessionEnd::Closed {
            phase,
            reply: Some(r),
        } => {
            format!("closed by the server during the {phase}: {r}")
        }
        SessionEnd::Closed { phase, reply: None } => {
            format!("closed by the server during the {phase}")
        }
        SessionEnd::Reset { phase } => format!("connection reset during the {phase}"),
        SessionEnd::TimedOut { phase } => format!("no answer in time during the {phase}"),
        SessionEnd::TlsTruncated { phase } => {
            format!("cut during the {phase}: TCP closed without TLS close_notify")
        }
        SessionEnd::Violation { phase, detail } => format!("{detail} (during the {phase})"),
        SessionEnd::Stopped { reason, .. } => reason.clone(),
    }
}
