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
//!
//! This file is the loop; `effects` holds what it keeps between messages
//! and performs the effects.

mod effects;

use std::io;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossterm::event::{Event as CtEvent, KeyEventKind};
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::{self, UnboundedSender};

use crate::event::Event;
use crate::plan::Limits;
use crate::probe::ProbeOptions;

use super::TuiError;
use super::model::{Model, Screen};
use super::msg::Msg;
use super::view::view;

use effects::Loop;
pub use effects::failed_run;

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
    let mut lp = Loop::new(events_tx, done_tx);

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
            _ = lp.ticker.tick(), if model.busy() => Some(lp.tick()),
        };
        // Events that are not for us (mouse, focus, key releases) cause
        // no work and no redraw.
        let Some(msg) = msg else { continue };
        lp.handle(msg, model, ctx);
        // A burst of probe events becomes one frame, not one per event.
        while let Ok(ev) = events_rx.try_recv() {
            lp.handle(Msg::Probe(ev), model, ctx);
        }
        if model.quit {
            break;
        }
        if !model.is_running() {
            lp.run_ended();
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
