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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Account;
    use crate::event::Event;
    use crate::evidence::Direction;
    use crate::plan::{Limits, Scope, plan};

    fn ctx() -> (Ctx, tokio::sync::mpsc::UnboundedReceiver<Event>) {
        let account = Account {
            name: "t".into(),
            email: "a@example.org".into(),
            incoming: None,
            outgoing: None,
            store: None,
        };
        Ctx::for_test(plan(&account, Scope::Everything, Limits::default()))
    }

    fn drain(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Event>) -> Vec<EventBody> {
        let mut out = Vec::new();
        while let Ok(e) = rx.try_recv() {
            assert_eq!(e.run, crate::event::RunId(5));
            out.push(e.body);
        }
        out
    }

    fn line(text: &str) -> TranscriptLine {
        TranscriptLine {
            dir: Direction::Server,
            text: text.into(),
            tls: false,
            at_ms: 1.0,
        }
    }

    #[test]
    fn a_step_keeps_its_id_from_start_to_end() {
        let (ctx, mut rx) = ctx();
        let mut map = ProgressMap::new(&ctx, Service::Incoming, "m.example.org:993".into(), true);
        map.on(Progress::StepStarted(StepKind::Tls));
        map.on(Progress::StepDone {
            kind: StepKind::Tls,
            status: StepStatus::Ok,
            detail: "TLSv1.3".into(),
            ms: 12.0,
        });
        // Done without a start: a step of its own.
        map.on(Progress::StepDone {
            kind: StepKind::Greeting,
            status: StepStatus::Failed,
            detail: "silence".into(),
            ms: 3.0,
        });
        let steps: Vec<Step> = drain(&mut rx)
            .into_iter()
            .filter_map(|b| match b {
                EventBody::Step(s) => Some(s),
                _ => None,
            })
            .collect();
        assert_eq!(steps.len(), 3);
        assert_eq!(steps[0].id, steps[1].id);
        assert_ne!(steps[1].id, steps[2].id);
        assert_eq!(
            (steps[0].status, steps[1].status),
            (StepStatus::Running, StepStatus::Ok)
        );
        assert_eq!(steps[1].ms, Some(12.0));
        assert!(steps.iter().all(|s| s.primary
            && s.service == Some(Service::Incoming)
            && s.target == "m.example.org:993"));
        assert_eq!(ctx.finish_report().steps.len(), 2);
    }

    #[test]
    fn only_the_configured_endpoint_streams_its_transcript() {
        let (ctx, mut rx) = ctx();
        let mut configured = ProgressMap::new(&ctx, Service::Outgoing, "a:587".into(), true);
        let mut neighbour = ProgressMap::new(&ctx, Service::Outgoing, "a:25".into(), false);
        configured.on(Progress::Line(line("220 hi")));
        neighbour.on(Progress::Line(line("220 other")));
        let events = drain(&mut rx);
        assert_eq!(
            events,
            [EventBody::Transcript {
                service: Service::Outgoing,
                line: line("220 hi")
            }]
        );
    }

    #[test]
    fn a_cut_session_keeps_its_transcript_and_where_it_stopped() {
        let (ctx, mut rx) = ctx();
        let mut map = ProgressMap::new(&ctx, Service::Incoming, "m:143".into(), true);
        map.on(Progress::StepStarted(StepKind::Greeting));
        map.on(Progress::Line(line("* OK")));
        map.on(Progress::StepDone {
            kind: StepKind::Greeting,
            status: StepStatus::Ok,
            detail: "* OK".into(),
            ms: 1.0,
        });
        map.on(Progress::StepStarted(StepKind::Starttls));
        drain(&mut rx);
        let addr = "192.0.2.1:143".parse().unwrap();
        let session = map.cut(addr);
        assert_eq!(session.addr, addr);
        assert_eq!(
            session.end,
            SessionEnd::TimedOut {
                phase: Phase::Starttls
            }
        );
        assert_eq!(session.transcript, [line("* OK")]);
        let closed = drain(&mut rx);
        assert!(
            matches!(&closed[..], [EventBody::Step(s)] if s.kind == StepKind::Starttls && s.status == StepStatus::TimedOut)
        );
    }
}
