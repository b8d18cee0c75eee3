//! A session's progress as events: its steps (one id from start to end)
//! and, for the configured endpoint, its transcript lines. Keeps enough to
//! build a session for the report when the deadline cuts one short.

use std::collections::HashMap;
use std::net::SocketAddr;

use tokio::time::Instant;

use crate::account::Service;
use crate::event::{EventBody, Step, StepKind, StepStatus};
use crate::evidence::{Phase, Session, SessionEnd, TranscriptLine};
use crate::probe::session::Progress;

use super::ctx::Ctx;

pub(crate) struct ProgressMap<'a> {
    ctx: &'a Ctx,
    service: Service,
    target: String,
    primary: bool,
    /// Transcript lines become events (configured endpoints only).
    live_transcript: bool,
    open: HashMap<StepKind, Step>,
    lines: Vec<TranscriptLine>,
    last: Option<StepKind>,
    started: Instant,
}

impl<'a> ProgressMap<'a> {
    pub fn new(ctx: &'a Ctx, service: Service, target: String, primary: bool) -> Self {
        ProgressMap {
            ctx,
            service,
            target,
            primary,
            live_transcript: primary,
            open: HashMap::new(),
            lines: Vec::new(),
            last: None,
            started: Instant::now(),
        }
    }

    pub fn on(&mut self, progress: Progress) {
        match progress {
            Progress::Line(line) => {
                self.lines.push(line.clone());
                if self.live_transcript {
                    self.ctx.emit(EventBody::Transcript {
                        service: self.service,
                        line,
                    });
                }
            }
            Progress::StepStarted(kind) => {
                self.last = Some(kind);
                if self.open.contains_key(&kind) {
                    return;
                }
                let step = self.new_step(kind, StepStatus::Running, String::new(), None);
                self.ctx.emit(EventBody::Step(step.clone()));
                self.open.insert(kind, step);
            }
            Progress::StepDone {
                kind,
                status,
                detail,
                ms,
            } => {
                self.last = Some(kind);
                let mut step = match self.open.remove(&kind) {
                    Some(step) => step,
                    None => self.new_step(kind, status, String::new(), None),
                };
                step.status = status;
                step.detail = detail;
                step.ms = Some(ms);
                self.ctx.emit(EventBody::Step(step));
            }
        }
    }

    fn new_step(
        &self,
        kind: StepKind,
        status: StepStatus,
        detail: String,
        ms: Option<f64>,
    ) -> Step {
        Step {
            id: self.ctx.new_step_id(),
            service: Some(self.service),
            kind,
            target: self.target.clone(),
            primary: self.primary,
            status,
            detail,
            ms,
        }
    }

    /// The deadline cut the session: close its open steps and keep what
    /// was seen (the transcript, and where it stopped).
    pub fn cut(&mut self, addr: SocketAddr) -> Session {
        let mut open: Vec<Step> = self.open.drain().map(|(_, s)| s).collect();
        open.sort_by_key(|s| s.id);
        for mut step in open {
            step.status = StepStatus::TimedOut;
            step.detail = "stopped at the run's deadline".into();
            self.ctx.emit(EventBody::Step(step));
        }
        let mut session = Session::new(addr);
        session.transcript = std::mem::take(&mut self.lines);
        session.end = SessionEnd::TimedOut {
            phase: self.last.map_or(Phase::Greeting, phase_of),
        };
        session.ms = self.started.elapsed().as_secs_f64() * 1000.0;
        session
    }
}

/// The conversation phase a step kind stands for.
pub(crate) fn phase_of(kind: StepKind) -> Phase {
    match kind {
        StepKind::Connect => Phase::Connect,
        StepKind::Tls => Phase::TlsHandshake,
        StepKind::Capabilities => Phase::Capabilities,
        StepKind::Starttls => Phase::Starttls,
        StepKind::Login => Phase::Login,
        StepKind::Mailbox => Phase::Mailbox,
        StepKind::Relay => Phase::Relay,
        StepKind::Greeting
        | StepKind::Local
        | StepKind::Dns
        | StepKind::Stability
        | StepKind::Store => Phase::Greeting,
    }
}
