//! What the loop keeps between messages, and the effects it performs:
//! probe runs and searches for servers as tasks of their own (cancelled
//! when another one starts), saving and report writing on blocking
//! threads. Their results come back as messages.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Instant;

use tokio::sync::mpsc::UnboundedSender;
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;

use crate::account::Account;
use crate::event::{Event, RunId};
use crate::evidence::Report;
use crate::finding::{Diagnosis, Note};
use crate::output::markdown::{self, ReportMeta};
use crate::plan::{Scope, plan};
use crate::probe;
use crate::probe::discover::discover;
use crate::tui::model::Model;
use crate::tui::msg::{Effect, Msg};
use crate::tui::save;
use crate::tui::strings;
use crate::tui::update::update;

use super::{Context, Stats, TICK};

struct Active {
    id: RunId,
    cancel: CancellationToken,
    started: Instant,
}

/// What the loop keeps between messages besides the model.
pub(super) struct Loop {
    active: Option<Active>,
    /// The new-account form's search in flight: its number and token.
    lookup: Option<(u64, CancellationToken)>,
    events_tx: UnboundedSender<Event>,
    done_tx: UnboundedSender<Msg>,
    /// The spinner's clock; it only ticks while something runs.
    pub(super) ticker: tokio::time::Interval,
    pub(super) stats: Stats,
}

impl Loop {
    /// Runs send their events to `events_tx`; results of every effect come
    /// back as messages to `done_tx`.
    pub(super) fn new(events_tx: UnboundedSender<Event>, done_tx: UnboundedSender<Msg>) -> Self {
        let mut ticker = tokio::time::interval(TICK);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
        Loop {
            active: None,
            lookup: None,
            events_tx,
            done_tx,
            ticker,
            stats: Stats::default(),
        }
    }

    /// The spinner's tick, with the time the run in flight has taken (a
    /// search alone turns the spinner of run 0).
    pub(super) fn tick(&self) -> Msg {
        match &self.active {
            Some(a) => Msg::Tick {
                run: a.id,
                elapsed_ms: a.started.elapsed().as_secs_f64() * 1000.0,
            },
            None => Msg::Tick {
                run: RunId(0),
                elapsed_ms: 0.0,
            },
        }
    }

    /// The model has no run in flight any more: it ended, so its token is
    /// dropped, not cancelled.
    pub(super) fn run_ended(&mut self) {
        self.active = None;
    }

    fn cancel_run(&mut self) {
        if let Some(run) = self.active.take() {
            run.cancel.cancel();
        }
    }

    pub(super) fn cancel_lookup(&mut self) {
        if let Some((_, token)) = self.lookup.take() {
            token.cancel();
        }
    }

    pub(super) fn cancel_all(&mut self) {
        self.cancel_run();
        self.cancel_lookup();
    }

    /// Probe `settings` in a task of its own (cancelling the run in
    /// flight); its events and its end come back over the loop's channels.
    fn start_run(
        &mut self,
        ctx: &Context,
        run: RunId,
        account: usize,
        settings: Account,
        scope: Scope,
    ) {
        self.cancel_run();
        let cancel = CancellationToken::new();
        let options = ctx.options_for(account);
        let limits = ctx.limits;
        let (events, done, token) = (self.events_tx.clone(), self.done_tx.clone(), cancel.clone());
        tokio::spawn(async move {
            // The run in a task of its own, so that if it fails (a panic
            // in the engine or in diagnose) the wizard still gets an
            // answer and never spins forever.
            let checked = settings.clone();
            let work = tokio::spawn(async move {
                let plan = plan(&checked, scope, limits);
                let report = probe::run(plan, options, run, events, token).await;
                let diagnosis = crate::diagnose::diagnose(&report);
                (report, diagnosis)
            });
            let (report, diagnosis) = match work.await {
                Ok(done) => done,
                Err(e) => failed_run(settings, &e.to_string()),
            };
            let _ = done.send(Msg::RunFinished {
                run,
                report: Box::new(report),
                diagnosis: Box::new(diagnosis),
            });
        });
        self.active = Some(Active {
            id: run,
            cancel,
            started: Instant::now(),
        });
        self.ticker.reset();
    }

    /// Hand `msg` to `update` and perform the effect it asks for.
    pub(super) fn handle(&mut self, msg: Msg, model: &mut Model, ctx: &Context) {
        self.stats.messages += 1;
        let Some(effect) = update(model, msg) else {
            return;
        };
        match effect {
            Effect::StartRun {
                run,
                account,
                settings,
                scope,
            } => self.start_run(ctx, run, account, *settings, scope),
            Effect::CancelRun(run) => {
                if self.active.as_ref().is_some_and(|a| a.id == run) {
                    self.cancel_run();
                }
            }
            Effect::Discover { id, email } => {
                self.cancel_lookup();
                let token = CancellationToken::new();
                let (options, limits, done) =
                    (ctx.fallback.clone(), ctx.limits, self.done_tx.clone());
                let cancel_token = token.clone();
                tokio::spawn(async move {
                    let result = discover(&email, options, limits, cancel_token)
                        .await
                        .map(Box::new)
                        .map_err(|e| e.to_string());
                    let _ = done.send(Msg::Discovered { id, result });
                });
                self.lookup = Some((id, token));
                self.ticker.reset();
            }
            Effect::CancelDiscover(id) => {
                if self.lookup.as_ref().is_some_and(|(l, _)| *l == id) {
                    self.cancel_lookup();
                }
            }
            Effect::Save {
                account,
                original_name,
                settings,
            } => {
                let done = self.done_tx.clone();
                let path = ctx.config_path.clone();
                tokio::task::spawn_blocking(move || {
                    let result = match &path {
                        Some(path) => save::write_settings(path, &original_name, &settings),
                        None => Err(save::SaveError::Unavailable),
                    };
                    let _ = done.send(Msg::Saved {
                        account,
                        settings,
                        result,
                    });
                });
            }
            Effect::Export {
                stem,
                report,
                diagnosis,
            } => {
                let done = self.done_tx.clone();
                let dir = ctx.export_dir.clone();
                tokio::task::spawn_blocking(move || {
                    // The same report as `mailfix check --report`.
                    let markdown = markdown::render(&report, &diagnosis, &ReportMeta::current());
                    let result = write_report(&dir, &stem, &markdown).map_err(|e| e.to_string());
                    let _ = done.send(Msg::Exported(result));
                });
            }
            Effect::Quit => {
                model.quit = true;
                self.cancel_all();
            }
        }
    }
}

/// What the verdict shows when a run died: no evidence, and a note that
/// says so (a problem, so nobody reads it as "all fine").
pub fn failed_run(settings: Account, reason: &str) -> (Report, Diagnosis) {
    let report = Report::new(settings, "");
    let diagnosis = Diagnosis {
        notes: vec![Note {
            service: None,
            text: strings::run_failed(reason),
            evidence: Vec::new(),
            problem: true,
        }],
        ..Diagnosis::default()
    };
    (report, diagnosis)
}

/// Write `markdown` to a new file `mailfix-report-STEM.md` in `dir`
/// (`-2`, `-3`, … when taken); never overwrites.
fn write_report(dir: &Path, stem: &str, markdown: &str) -> io::Result<PathBuf> {
    use std::io::Write;
    let stem: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    let stem = stem.trim_start_matches('.');
    for n in 1..=999 {
        let name = if n == 1 {
            format!("mailfix-report-{stem}.md")
        } else {
            format!("mailfix-report-{stem}-{n}.md")
        };
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                file.write_all(markdown.as_bytes())?;
                return Ok(path);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "too many reports with this name already",
    ))
}
