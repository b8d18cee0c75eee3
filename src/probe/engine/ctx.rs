//! What every task of a run shares: the plan, the clock, the event stream
//! (which also builds the report), step ids and the per-host DNS cache.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::{OnceCell, mpsc::UnboundedSender};
use tokio::time::Instant;

use crate::account::Service;
use crate::event::{Event, EventBody, RunId, Step, StepId, StepKind, StepStatus};
use crate::evidence::{DnsLookup, Observation, RecordKind, Report};
use crate::plan::Plan;
use crate::probe::ProbeOptions;
use crate::probe::dns::Dns;
use crate::probe::pins::Pins;
use crate::probe::tls::TlsClient;

pub(crate) struct Ctx {
    pub plan: Plan,
    pub options: ProbeOptions,
    pub run: RunId,
    pub started: Instant,
    /// Every task ends its own work by this, so its observation is in
    /// before the hard deadline (`started + plan.limits.deadline`).
    pub soft_deadline: Instant,
    pub dns: Dns,
    pub pins: Pins,
    /// The TLS client of each configured server (`None`: could not be built).
    pub tls: HashMap<Service, Option<TlsClient>>,
    events: UnboundedSender<Event>,
    report: Mutex<Report>,
    next_step: AtomicU32,
    deadline_hit: AtomicBool,
    hosts: Mutex<DnsCells>,
}

/// One cell per DNS question of the run.
type DnsCells = HashMap<(String, RecordKind), Arc<OnceCell<DnsLookup>>>;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(crate) struct Parts {
    pub plan: Plan,
    pub options: ProbeOptions,
    pub run: RunId,
    pub events: UnboundedSender<Event>,
    pub dns: Dns,
    pub pins: Pins,
    pub tls: HashMap<Service, Option<TlsClient>>,
    pub report: Report,
    pub started: Instant,
}

impl Ctx {
    pub fn new(p: Parts) -> Ctx {
        let deadline = p.plan.limits.deadline;
        let grace = (deadline / 10).min(Duration::from_millis(250));
        Ctx {
            soft_deadline: p.started + deadline.saturating_sub(grace),
            plan: p.plan,
            options: p.options,
            run: p.run,
            started: p.started,
            dns: p.dns,
            pins: p.pins,
            tls: p.tls,
            events: p.events,
            report: Mutex::new(p.report),
            next_step: AtomicU32::new(0),
            deadline_hit: AtomicBool::new(false),
            hosts: Mutex::new(HashMap::new()),
        }
    }

    pub fn timeout(&self) -> Duration {
        self.plan.limits.timeout
    }

    /// One wait: the plan's timeout, cut to what is left before the soft
    /// deadline.
    pub fn wait_limit(&self) -> Duration {
        let left = self.soft_deadline.saturating_duration_since(Instant::now());
        self.timeout().min(left)
    }

    pub fn note_deadline(&self) {
        self.deadline_hit.store(true, Ordering::Relaxed);
    }

    pub fn deadline_was_hit(&self) -> bool {
        self.deadline_hit.load(Ordering::Relaxed)
    }

    pub fn elapsed_ms(&self) -> f64 {
        self.started.elapsed().as_secs_f64() * 1000.0
    }

    /// Record `body` in the report and send it. Both happen under one lock,
    /// so the report's order is the stream's order. A closed receiver is
    /// ignored: the run goes on.
    pub fn emit(&self, body: EventBody) {
        let mut report = lock(&self.report);
        match &body {
            EventBody::Step(step) => report.update_step(step.clone()),
            EventBody::Observed(obs) => report.record(obs.clone()),
            EventBody::Transcript { .. } | EventBody::Finished { .. } => {}
        }
        let _ = self.events.send(Event {
            run: self.run,
            body,
        });
    }

    pub fn observe(&self, observation: Observation) {
        self.emit(EventBody::Observed(observation));
    }

    pub fn add_note(&self, note: impl Into<String>) {
        lock(&self.report).run_notes.push(note.into());
    }

    pub fn with_report<R>(&self, f: impl FnOnce(&mut Report) -> R) -> R {
        f(&mut lock(&self.report))
    }

    /// A step with a new id, not sent yet.
    pub fn new_step(
        &self,
        kind: StepKind,
        service: Option<Service>,
        target: impl Into<String>,
        primary: bool,
        status: StepStatus,
        detail: impl Into<String>,
    ) -> Step {
        Step {
            id: StepId(self.next_step.fetch_add(1, Ordering::Relaxed)),
            service,
            kind,
            target: target.into(),
            primary,
            status,
            detail: detail.into(),
            ms: None,
        }
    }

    /// Start a step: sends it as `Running` and returns its handle.
    pub fn step(
        &self,
        kind: StepKind,
        service: Option<Service>,
        target: impl Into<String>,
        primary: bool,
    ) -> StepRun {
        let step = self.new_step(kind, service, target, primary, StepStatus::Running, "");
        self.emit(EventBody::Step(step.clone()));
        StepRun {
            step,
            started: Instant::now(),
        }
    }

    /// A step that was decided without running (skipped).
    pub fn skipped(
        &self,
        kind: StepKind,
        service: Option<Service>,
        target: impl Into<String>,
        primary: bool,
        detail: impl Into<String>,
    ) {
        let step = self.new_step(kind, service, target, primary, StepStatus::Skipped, detail);
        self.emit(EventBody::Step(step));
    }

    /// The cell of one DNS question; the first caller asks, later callers
    /// (another probe of the same host) get the same answer.
    pub fn dns_cell(&self, name: &str, kind: RecordKind) -> Arc<OnceCell<DnsLookup>> {
        lock(&self.hosts)
            .entry((name.to_owned(), kind))
            .or_default()
            .clone()
    }

    /// Close every step still running (the run was cut short).
    pub fn close_running_steps(&self, status: StepStatus, detail: &str) {
        let running: Vec<Step> = lock(&self.report)
            .steps
            .iter()
            .filter(|s| s.status == StepStatus::Running)
            .cloned()
            .collect();
        for mut step in running {
            step.status = status;
            step.detail = detail.to_owned();
            self.emit(EventBody::Step(step));
        }
    }

    pub fn finish_report(&self) -> Report {
        lock(&self.report).clone()
    }
}

/// A step that is running.
pub(crate) struct StepRun {
    step: Step,
    started: Instant,
}

impl StepRun {
    pub fn done(mut self, ctx: &Ctx, status: StepStatus, detail: impl Into<String>) {
        self.step.status = status;
        self.step.detail = detail.into();
        self.step.ms = Some(self.started.elapsed().as_secs_f64() * 1000.0);
        ctx.emit(EventBody::Step(self.step));
    }
}

#[cfg(test)]
impl Ctx {
    /// A context over `plan` with no network behind it, and its events.
    pub fn for_test(plan: Plan) -> (Ctx, tokio::sync::mpsc::UnboundedReceiver<Event>) {
        let (events, rx) = tokio::sync::mpsc::unbounded_channel();
        let report = Report::new(plan.account.clone(), "test");
        let ctx = Ctx::new(Parts {
            plan,
            options: ProbeOptions::default(),
            run: RunId(5),
            events,
            dns: Dns::new(
                Some(([127, 0, 0, 1], 9).into()),
                Duration::from_secs(1),
                true,
            ),
            pins: Pins::off(),
            tls: HashMap::new(),
            report,
            started: Instant::now(),
        });
        (ctx, rx)
    }
}
