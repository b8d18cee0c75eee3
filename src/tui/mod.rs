//! The wizard: a full-screen ratatui front end over the probe engine.
//!
//! Elm style: a [`Model`], messages ([`Msg`]) into a pure
//! [`update`](fn@update) that returns [`Effect`]s, and a pure
//! [`view`](fn@view). The [`runtime`] performs the effects (probe runs,
//! the new-account search for servers, saving, exporting the helpdesk
//! report of `output::markdown`) and feeds results back in.
//!
//! Module map: `model` (state), `msg` (messages and effects), `update`
//! (state changes), `view` (one file per screen), `keys` (the one key
//! table), `strings` (every word shown), `theme` (colour as a second
//! channel), `checklist` / `verdict` / `logtext` / `changes` (pure views of
//! steps, findings and settings), `form` (the settings form, and in
//! `form::lookup` the search that fills a new account from its address),
//! `save` (the boundary to the config writer), `runtime` (I/O).

pub mod changes;
pub mod checklist;
pub mod form;
pub mod keys;
pub mod logtext;
pub mod model;
pub mod msg;
pub mod runtime;
pub mod save;
pub mod strings;
pub mod theme;
pub mod update;
pub mod verdict;
pub mod view;

use std::path::PathBuf;
use std::time::Duration;

use crossterm::event::EventStream;
use thiserror::Error;

use crate::account::Account;
use crate::plan::Limits;
use crate::probe::ProbeOptions;

pub use model::{AccountEntry, Model, Screen};
pub use msg::{Effect, Msg};
pub use update::update;
pub use view::view;

#[derive(Debug, Error)]
pub enum TuiError {
    #[error("terminal error: {0}")]
    Terminal(#[from] std::io::Error),
    #[error("could not draw the screen: {0}")]
    Draw(String),
}

/// One account the wizard offers, with how to probe it.
#[derive(Clone)]
pub struct LaunchAccount {
    pub account: Account,
    pub options: ProbeOptions,
    /// A line shown under the account (the demo's "what is wrong here").
    pub note: Option<String>,
}

/// Everything the wizard starts from.
pub struct Launch {
    pub accounts: Vec<LaunchAccount>,
    /// The config file, for `w` (write settings back). `None` in the demo.
    pub config_path: Option<PathBuf>,
    /// Warnings from loading the config, shown once.
    pub warnings: Vec<String>,
    /// Per-wait timeout of probes.
    pub timeout: Duration,
    /// Running on the embedded lab.
    pub demo: bool,
    /// How to probe an account the user starts in the wizard (from an
    /// e-mail address or an empty form): the `--dns-server` and pin
    /// directory of a real run, the lab's DNS and network in the demo.
    pub base_options: ProbeOptions,
}

impl Launch {
    /// The model the wizard starts with (colour on; the caller decides).
    pub fn model(&self) -> Model {
        let entries = self
            .accounts
            .iter()
            .map(|a| AccountEntry::new(a.account.clone(), a.note.clone()))
            .collect();
        Model::new(
            entries,
            self.warnings.clone(),
            self.demo,
            self.config_path.is_some(),
        )
    }

    /// What the runtime needs to perform effects. Reports go to the
    /// current directory.
    pub fn context(&self) -> runtime::Context {
        runtime::Context {
            options: self.accounts.iter().map(|a| a.options.clone()).collect(),
            fallback: self.base_options.clone(),
            config_path: self.config_path.clone(),
            limits: Limits::from_timeout(self.timeout),
            export_dir: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            frames: None,
        }
    }
}

/// The option after `current` in `options` (before it, unless `forward`),
/// round the end; the first when `current` is not among them.
pub(crate) fn cycle<T: Copy + PartialEq>(options: &[T], current: T, forward: bool) -> T {
    let i = options.iter().position(|o| *o == current).unwrap_or(0);
    let n = options.len();
    options[if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    }]
}

/// Restores the terminal however `run` is left (error, early return).
/// Panics are covered by the hook `ratatui::try_init` installs.
struct RestoreOnDrop;

impl Drop for RestoreOnDrop {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// Run the wizard until the user quits. Restores the terminal on every exit path.
pub async fn run(launch: Launch) -> Result<(), TuiError> {
    let ctx = launch.context();
    let mut model = launch.model();
    model.color = theme::Theme::color_from_env();
    let mut terminal = ratatui::try_init()?;
    let _restore = RestoreOnDrop;
    let size = terminal.size()?;
    model.size = (size.width, size.height);
    runtime::drive(&mut terminal, EventStream::new(), &mut model, &ctx).await?;
    Ok(())
}
