//! What flows into `update` (messages) and out of it (effects the runtime
//! performs).

use std::path::PathBuf;

use crossterm::event::KeyEvent;

use crate::account::Account;
use crate::event::{Event, RunId};
use crate::evidence::Report;
use crate::finding::Diagnosis;
use crate::plan::Scope;
use crate::probe::discover::Discovery;

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
    /// The result of [`Effect::Discover`] number `id`.
    Discovered {
        id: u64,
        result: Result<Box<Discovery>, String>,
    },
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
    /// Render the helpdesk report of a finished run
    /// (`output::markdown`) and write it to a new file named after
    /// `stem`. Rendering is the runtime's: the report says when and on
    /// what system it was made, which `update` cannot know.
    Export {
        stem: String,
        report: Box<Report>,
        diagnosis: Box<Diagnosis>,
    },
    /// Look up the servers of `email`'s domain (SRV, MX, standard ports)
    /// for the new-account form; a search still running is cancelled.
    Discover {
        id: u64,
        email: String,
    },
    CancelDiscover(u64),
    Quit,
}
