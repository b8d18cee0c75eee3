//! The runtime: the only part of the wizard that does I/O. It turns
//! terminal input, probe events and timer ticks into messages, feeds them
//! to `update`, performs the effects `update` returns, and draws.
//!
//! - The UI task never awaits the network: each probe run is a spawned
//!   task with its own `CancellationToken`; its events come back over an
//!   mpsc channel tagged with the run id, and its report (with the
//!   diagnosis) as a message when it ends.
//! - At most one run is in flight; starting another cancels it first.
//!   The same holds for the new-account form's search for servers
//!   (`probe::discover`), which runs as a task of its own too.
//! - The spinner ticks only while a run or a search is in flight; idle,
//!   the loop sleeps until a key, a resize or a result arrives, and draws
//!   only then.
//! - [`drive`] is generic over the backend and the input stream, so tests
//!   run the real loop on a `TestBackend` with scripted keys.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossterm::event::{Event as CtEvent, KeyEventKind};
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::{self, UnboundedSender};
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;

use crate::account::Account;
use crate::event::{Event, RunId};
use crate::evidence::Report;
use crate::finding::{Diagnosis, Note};
use crate::output::markdown::{self, ReportMeta};
use crate::plan::{Limits, Scope, plan};
use crate::probe::discover::discover;
use crate::probe::{self, ProbeOptions};

use super::TuiError;
use super::model::{Model, Screen};
use super::msg::{Effect, Msg};
use super::save;
use super::strings;
use super::update::update;
use super::view::view;

/// The spinner's period.
pub const TICK: Duration = Duration::from_millis(100);

/// What the runtime needs beyond the model to perform effects.
pub struct Context {
    /// Probe options of each launched account, by index.
    pub options: Vec<ProbeOptions>,
    /// For accounts made in the wizard (the demo's lab network, or the
    /// system's).
    pub fallback: ProbeOptions,
    pub config_path: Option<PathBuf>,
    pub limits: Limits,
    /// Where `x` writes reports.
    pub export_dir: PathBuf,
    /// Told about every frame drawn: for tests that wait for a screen,
    /// and for benchmarks that time key-to-frame.
    pub frames: Option<UnboundedSender<FrameInfo>>,
}

/// One frame drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameInfo {
    pub screen: Screen,
    /// A check or a search for servers is in flight.
    pub running: bool,
    pub help: bool,
    /// Frames drawn so far, this one included.
    pub count: u64,
    pub at: Instant,
}

impl Context {
    fn options_for(&self, account: usize) -> ProbeOptions {
        self.options.get(account).unwrap_or(&self.fallback).clone()
    }
}

/// Counters for tests and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Frames drawn.
    pub frames: u64,
    /// Messages handled.
    pub messages: u64,
}

struct Active {
    id: RunId,
    cancel: CancellationToken,
    started: Instant,
}

/// What the loop keeps between messages besides the model.
struct Loop {
    active: Option<Active>,
    /// The new-account form's search in flight: its number and token.
    lookup: Option<(u64, CancellationToken)>,
    events_tx: UnboundedSender<Event>,
    done_tx: UnboundedSender<Msg>,
    ticker: tokio::time::Interval,
    stats: Stats,
}

impl Loop {
    fn cancel_run(&mut self) {
        if let Some(run) = self.active.take() {
            run.cancel.cancel();
        }
    }

    fn cancel_lookup(&mut self) {
        if let Some((_, token)) = self.lookup.take() {
            token.cancel();
        }
    }

    fn cancel_all(&mut self) {
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
}

/// Run the loop until the user quits or `input` ends.
pub async fn drive<B, S>(
    terminal: &mut Terminal<B>,
    mut input: S,
    model: &mut Model,
    ctx: &Context,
) -> Result<Stats, TuiError>
where
    B: Backend,
    S: Stream<Item = io::Result<CtEvent>> + Unpin,
{
    let (events_tx, mut events_rx) = mpsc::unbounded_channel::<Event>();
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<Msg>();
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut lp = Loop {
        active: None,
        lookup: None,
        events_tx,
        done_tx,
        ticker,
        stats: Stats::default(),
    };

    draw(terminal, model, ctx, &mut lp.stats)?;
    loop {
        let msg = tokio::select! {
            ev = input.next() => match ev {
                Some(Ok(ev)) => translate(ev),
                Some(Err(e)) => {
                    lp.cancel_all();
                    return Err(TuiError::Terminal(e));
                }
                None => break,
            },
            Some(ev) = events_rx.recv() => Some(Msg::Probe(ev)),
            Some(msg) = done_rx.recv() => Some(msg),
            // The spinner turns only while something runs; idle, no tick.
            _ = lp.ticker.tick(), if model.busy() => Some(match &lp.active {
                Some(a) => Msg::Tick {
                    run: a.id,
                    elapsed_ms: a.started.elapsed().as_secs_f64() * 1000.0,
                },
                None => Msg::Tick {
                    run: RunId(0),
                    elapsed_ms: 0.0,
                },
            }),
        };
        // Events that are not for us (mouse, focus, key releases) cause
        // no work and no redraw.
        let Some(msg) = msg else { continue };
        handle(msg, model, ctx, &mut lp);
        // A burst of probe events becomes one frame, not one per event.
        while let Ok(ev) = events_rx.try_recv() {
            handle(Msg::Probe(ev), model, ctx, &mut lp);
        }
        if model.quit {
            break;
        }
        if !model.is_running() {
            lp.active = None;
        }
        // The form that waited for a search is gone (applied, or another
        // one): stop the search too.
        if !model.form.as_ref().is_some_and(|f| f.lookup.is_running()) {
            lp.cancel_lookup();
        }
        draw(terminal, model, ctx, &mut lp.stats)?;
    }
    lp.cancel_all();
    Ok(lp.stats)
}

fn draw<B: Backend>(
    terminal: &mut Terminal<B>,
    model: &Model,
    ctx: &Context,
    stats: &mut Stats,
) -> Result<(), TuiError> {
    terminal
        .draw(|frame| view(model, frame))
        .map_err(|e| TuiError::Draw(e.to_string()))?;
    stats.frames += 1;
    if let Some(frames) = &ctx.frames {
        let _ = frames.send(FrameInfo {
            screen: model.screen,
            running: model.busy(),
            help: model.help,
            count: stats.frames,
            at: Instant::now(),
        });
    }
    Ok(())
}

fn translate(ev: CtEvent) -> Option<Msg> {
    match ev {
        CtEvent::Key(key) if key.kind == KeyEventKind::Press => Some(Msg::Key(key)),
        CtEvent::Resize(width, height) => Some(Msg::Resize(width, height)),
        _ => None,
    }
}

fn handle(msg: Msg, model: &mut Model, ctx: &Context, lp: &mut Loop) {
    lp.stats.messages += 1;
    let Some(effect) = update(model, msg) else {
        return;
    };
    match effect {
        Effect::StartRun {
            run,
            account,
            settings,
            scope,
        } => lp.start_run(ctx, run, account, *settings, scope),
        Effect::CancelRun(run) => {
            if lp.active.as_ref().is_some_and(|a| a.id == run) {
                lp.cancel_run();
            }
        }
        Effect::Discover { id, email } => {
            lp.cancel_lookup();
            let token = CancellationToken::new();
            let (options, limits, done) = (ctx.fallback.clone(), ctx.limits, lp.done_tx.clone());
            let cancel_token = token.clone();
            tokio::spawn(async move {
                let result = discover(&email, options, limits, cancel_token)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                let _ = done.send(Msg::Discovered { id, result });
            });
            lp.lookup = Some((id, token));
            lp.ticker.reset();
        }
        Effect::CancelDiscover(id) => {
            if lp.lookup.as_ref().is_some_and(|(l, _)| *l == id) {
                lp.cancel_lookup();
            }
        }
        Effect::Save {
            account,
            original_name,
            settings,
        } => {
            let done = lp.done_tx.clone();
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
            let done = lp.done_tx.clone();
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
            lp.cancel_all();
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
