//! What flows into `update` (messages) and out of it (effects the runtime
//! performs).

use std::path::PathBuf;

use crossterm::event::KeyEvent;

use crate::account::Account;
use crate::event::{Event, RunId};
use crate::evidence::Report;
use crate::finding::Diagnosis;
use crate::plan::Scope;

use super::save::SaveError;

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    /// The spinner's tick, only while a run is in flight; `elapsed_ms`
    /// since that run started.
    Tick {
        run: RunId,
        elapsed_ms: f64,
    },
    /// Progress from the probe engine.
    Probe(Event),
    Resize(u16, u16),
    /// A run ended (completed, deadline, or cancelled) with its evidence
    /// and what `diagnose` made of it.
    RunFinished {
        run: RunId,
        report: Box<Report>,
        diagnosis: Box<Diagnosis>,
    },
    /// The result of [`Effect::Save`].
    Saved {
        account: usize,
        settings: Box<Account>,
        result: Result<PathBuf, SaveError>,
    },
    /// The result of [`Effect::Export`].
    Exported(Result<PathBuf, String>),
}

/// Something only the runtime can do.
#[derive(Debug, PartialEq)]
pub enum Effect {
    /// Probe `settings` (the account at index `account`) for `scope`.
    /// A run still in flight is cancelled first: there is at most one.
    StartRun {
        run: RunId,
        account: usize,
        settings: Box<Account>,
        scope: Scope,
    },
    CancelRun(RunId),
    /// Write the account's settings back to the config file, where the
    /// account was called `original_name`.
    Save {
        account: usize,
        original_name: String,
        settings: Box<Account>,
    },
    /// Write `markdown` to a new file named after `stem`.
    Export {
        stem: String,
        markdown: String,
    },
    Quit,
}
