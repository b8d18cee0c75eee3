//! A session's progress as events: its steps (one id from start to end)
//! and, for the configured endpoint, its transcript lines. Keeps enough to
//! build a session for the report when the deadline cuts one short.
//!
//! Two conventions the live checklist relies on:
//! - A neighbour's step (not `primary`) names its security mode first in
//!   its `detail`, "TLS · refused (RST)" ([`mode_detail`], read back with
//!   [`split_mode`]), so the probes of one port in two modes stay apart
//!   while `target` stays `host:port` (the JSON contract).
//! - The configured path's steps that will not run are sent as `Skipped`
//!   as soon as that is known ([`not_reached`]), so no step stays pending
//!   until the run ends.

use std::collections::HashMap;
use std::net::SocketAddr;

use tokio::time::Instant;

use crate::account::{Security, Service};
use crate::event::{EventBody, Step, StepKind, StepStatus};
use crate::evidence::{LoginOutcome, Phase, Session, SessionEnd, TranscriptLine};
use crate::probe::session::Progress;

use super::ctx::Ctx;

pub(crate) struct ProgressMap<'a> {
    ctx: &'a Ctx,
    service: Service,
    target: String,
    primary: bool,
    /// A neighbour's security mode, said first in every detail.
    mode: Option<Security>,
    /// Transcript lines become events (configured endpoints only).
    live_transcript: bool,
    open: HashMap<StepKind, Step>,
    /// Every kind of step sent so far.
    seen: Vec<StepKind>,
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
            mode: None,
            live_transcript: primary,
            open: HashMap::new(),
            seen: Vec::new(),
            lines: Vec::new(),
            last: None,
            started: Instant::now(),
        }
    }

    /// Name `mode` in every step's detail (neighbour probes).
    pub fn with_mode(mut self, mode: Option<Security>) -> Self {
        self.mode = mode;
        self
    }

    /// The kinds of step sent so far, in order.
    pub fn seen(&self) -> &[StepKind] {
        &self.seen
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
                step.detail = self.detail(&detail);
                step.ms = Some(ms);
                self.ctx.emit(EventBody::Step(step));
            }
        }
    }

    fn detail(&self, detail: &str) -> String {
        match self.mode {
            Some(mode) => mode_detail(mode, detail),
            None => detail.to_owned(),
        }
    }

    fn new_step(
        &mut self,
        kind: StepKind,
        status: StepStatus,
        detail: String,
        ms: Option<f64>,
    ) -> Step {
        if !self.seen.contains(&kind) {
            self.seen.push(kind);
        }
        Step {
            ms,
            ..self.ctx.new_step(
                kind,
                Some(self.service),
                self.target.clone(),
                self.primary,
                status,
                self.detail(&detail),
            )
        }
    }

    /// The deadline cut the session: close its open steps and keep what
    /// was seen (the transcript, and where it stopped).
    pub fn cut(&mut self, addr: SocketAddr) -> Session {
        let mut open: Vec<Step> = self.open.drain().map(|(_, s)| s).collect();
        open.sort_by_key(|s| s.id);
        for mut step in open {
            step.status = StepStatus::TimedOut;
            step.detail = self.detail("stopped at the run's deadline");
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

/// Between a neighbour's mode and the rest of its detail.
const MODE_SEP: &str = " · ";

fn mode_word(security: Security) -> &'static str {
    match security {
        Security::Tls => "TLS",
        Security::Starttls => "STARTTLS",
        Security::None => "plain",
    }
}

/// A neighbour step's detail: its security mode, then what happened
/// ("STARTTLS · 127.0.0.1: connected"); the mode alone while it runs.
pub fn mode_detail(mode: Security, detail: &str) -> String {
    if detail.is_empty() {
        mode_word(mode).to_owned()
    } else {
        format!("{}{MODE_SEP}{detail}", mode_word(mode))
    }
}

/// The security mode a neighbour step's detail starts with, and the rest.
/// Details without one come back whole.
pub fn split_mode(detail: &str) -> (Option<Security>, &str) {
    for mode in [Security::Tls, Security::Starttls, Security::None] {
        let word = mode_word(mode);
        if detail == word {
            return (Some(mode), "");
        }
        if let Some(rest) = detail
            .strip_prefix(word)
            .and_then(|r| r.strip_prefix(MODE_SEP))
        {
            return (Some(mode), rest);
        }
    }
    (None, detail)
}

/// The steps of a full probe of the configured `security` endpoint of
/// `service` after DNS, in the order they run.
pub fn path_kinds(service: Service, security: Security) -> Vec<StepKind> {
    let mut kinds = vec![StepKind::Connect];
    if security == Security::Tls {
        kinds.push(StepKind::Tls);
    }
    kinds.push(StepKind::Greeting);
    kinds.push(StepKind::Capabilities);
    if security == Security::Starttls {
        kinds.push(StepKind::Starttls);
    }
    kinds.push(StepKind::Login);
    kinds.push(match service {
        Service::Outgoing => StepKind::Relay,
        _ => StepKind::Mailbox,
    });
    kinds
}

/// The steps of `path` that never started, with why they will not run,
/// given how the conversation went (`None`: no connection at all).
pub(crate) fn not_reached(
    path: &[StepKind],
    seen: &[StepKind],
    session: Option<&Session>,
) -> Vec<(StepKind, String)> {
    let why = match session {
        None => "not reached: no connection".to_owned(),
        Some(session) => match session.end.phase() {
            Some(phase) => format!("not reached: the session ended during the {phase}"),
            None => match &session.login {
                Some(LoginOutcome::Rejected { .. }) => "not run: the login was refused".into(),
                Some(LoginOutcome::Skipped(_)) => "not run: there was no login".into(),
                _ => "not run".into(),
            },
        },
    };
    path.iter()
        .filter(|kind| !seen.contains(kind))
        .map(|kind| (*kind, why.clone()))
        .collect()
}

/// The conversation phase a step kind stands for.
fn phase_of(kind: StepKind) -> Phase {
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

#[cfg(test)]
mod tests;
