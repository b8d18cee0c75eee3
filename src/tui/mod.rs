//! The wizard: a full-screen ratatui front end over the probe engine.

use std::path::PathBuf;
use std::time::Duration;

use thiserror::Error;

use crate::account::Account;
use crate::probe::ProbeOptions;

#[derive(Debug, Error)]
pub enum TuiError {
    #[error("terminal error: {0}")]
    Terminal(#[from] std::io::Error),
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
}

/// Run the wizard until the user quits. Restores the terminal on every exit path.
pub async fn run(launch: Launch) -> Result<(), TuiError> {
    let _ = launch;
    Ok(())
}
