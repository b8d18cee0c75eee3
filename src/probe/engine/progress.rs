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

    fn steps(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Event>) -> Vec<Step> {
        drain(rx)
            .into_iter()
            .filter_map(|b| match b {
                EventBody::Step(s) => Some(s),
                _ => None,
            })
            .collect()
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
        let steps = steps(&mut rx);
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

    #[rstest::rstest]
    #[case(
        Security::Tls,
        "127.0.0.1: refused (RST)",
        "TLS · 127.0.0.1: refused (RST)"
    )]
    #[case(Security::Starttls, "", "STARTTLS")]
    #[case(Security::None, "+OK ready", "plain · +OK ready")]
    fn a_neighbour_detail_names_its_mode_and_reads_back(
        #[case] mode: Security,
        #[case] detail: &str,
        #[case] want: &str,
    ) {
        let text = mode_detail(mode, detail);
        assert_eq!(text, want);
        assert_eq!(split_mode(&text), (Some(mode), detail));
    }

    #[rstest::rstest]
    #[case("127.0.0.1: connected")]
    #[case("TLSv1.3")]
    #[case("plainly · not a mode")]
    #[case("")]
    fn details_without_a_mode_come_back_whole(#[case] detail: &str) {
        assert_eq!(split_mode(detail), (None, detail));
    }

    #[test]
    fn the_path_follows_the_security_and_the_service() {
        use StepKind::*;
        assert_eq!(
            path_kinds(Service::Incoming, Security::Tls),
            [Connect, Tls, Greeting, Capabilities, Login, Mailbox]
        );
        assert_eq!(
            path_kinds(Service::Outgoing, Security::Starttls),
            [Connect, Greeting, Capabilities, Starttls, Login, Relay]
        );
    }

    #[test]
    fn what_never_started_is_skipped_with_the_reason() {
        use StepKind::*;
        let path = path_kinds(Service::Incoming, Security::Tls);
        let reasons = |seen: &[StepKind], session: Option<&Session>| -> Vec<(StepKind, String)> {
            not_reached(&path, seen, session)
        };
        assert_eq!(
            reasons(&[Connect], None),
            [Tls, Greeting, Capabilities, Login, Mailbox]
                .map(|k| (k, "not reached: no connection".to_owned()))
        );
        let addr = "127.0.0.1:993".parse().unwrap();
        let mut session = Session::new(addr);
        session.end = SessionEnd::Reset {
            phase: Phase::TlsHandshake,
        };
        let why = "not reached: the session ended during the TLS handshake";
        assert_eq!(
            reasons(&[Connect, Tls], Some(&session)),
            [Greeting, Capabilities, Login, Mailbox].map(|k| (k, why.to_owned()))
        );
        session.end = SessionEnd::Completed;
        session.login = Some(LoginOutcome::Skipped(
            crate::evidence::LoginSkip::NoPassword,
        ));
        assert_eq!(
            reasons(
                &[Connect, Tls, Greeting, Capabilities, Login],
                Some(&session)
            ),
            [(Mailbox, "not run: there was no login".to_owned())]
        );
        let all = [Connect, Tls, Greeting, Capabilities, Login, Mailbox];
        assert!(reasons(&all, Some(&session)).is_empty());
    }

    #[test]
    fn a_neighbour_step_says_its_mode_from_start_to_end() {
        let (ctx, mut rx) = ctx();
        let mut map = ProgressMap::new(&ctx, Service::Outgoing, "a:587".into(), false)
            .with_mode(Some(Security::Tls));
        map.on(Progress::StepStarted(StepKind::Tls));
        map.on(Progress::StepDone {
            kind: StepKind::Tls,
            status: StepStatus::Failed,
            detail: "TLS alert: protocol version".into(),
            ms: 2.0,
        });
        let details: Vec<String> = steps(&mut rx).into_iter().map(|s| s.detail).collect();
        assert_eq!(details, ["TLS", "TLS · TLS alert: protocol version"]);
        assert_eq!(map.seen(), [StepKind::Tls]);
    }
}
