//! `mailfix` and `mailfix demo`: build the wizard's [`Launch`] and run it.

use std::io::IsTerminal;

use crate::lab::Lab;
use crate::tui::{self, Launch};

use super::targets::{from_config, from_lab};
use super::{Cli, Exit};

/// The wizard over the config's accounts. Without a config file (and no
/// `--config`), it starts with no account; `w` will create the file.
pub async fn wizard(cli: &Cli) -> Exit {
    if let Some(exit) = need_terminal() {
        return exit;
    }
    let (accounts, config_path, warnings) = match from_config(cli, true) {
        Ok(Some(loaded)) => (loaded.accounts, Some(loaded.path), loaded.warnings),
        Ok(None) => (Vec::new(), crate::config::default_path().ok(), Vec::new()),
        Err(exit) => return exit,
    };
    start(Launch {
        accounts,
        config_path,
        warnings,
        timeout: cli.timeout,
        demo: false,
    })
    .await
}

/// The wizard over the embedded lab. `--dns-server` does not apply: the
/// lab answers its own names.
pub async fn demo(cli: &Cli) -> Exit {
    if let Some(exit) = need_terminal() {
        return exit;
    }
    let lab = match Lab::start().await {
        Ok(lab) => lab,
        Err(e) => return Exit::usage(format!("mailfix: {e}")),
    };
    let exit = start(Launch {
        accounts: from_lab(&lab),
        config_path: None,
        warnings: Vec::new(),
        timeout: cli.timeout,
        demo: true,
    })
    .await;
    drop(lab);
    exit
}

async fn start(launch: Launch) -> Exit {
    match tui::run(launch).await {
        Ok(()) => Exit::OK,
        Err(e) => Exit {
            code: 1,
            message: Some(format!("mailfix: {e}")),
        },
    }
}

fn need_terminal() -> Option<Exit> {
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    (!interactive).then(|| {
        Exit::usage("mailfix: the wizard needs a terminal; for scripts use `mailfix check` (see `mailfix --help`)")
    })
}
