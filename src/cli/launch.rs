//! `mailfix` and `mailfix demo`: build the wizard's [`Launch`] and run it.

use std::io::IsTerminal;

use crate::import;
use crate::lab::Lab;
use crate::tui::{self, Launch, LaunchAccount};

use super::targets::{self, from_config, from_lab, probe_options};
use super::{Cli, Exit};

/// The wizard over the config's accounts. Without a config file (and no
/// `--config`), it offers the accounts found in other mail clients'
/// usual files (msmtp, mbsync, aerc, himalaya), or none; `w` creates the
/// file.
pub async fn wizard(cli: &Cli) -> Exit {
    if let Some(exit) = need_terminal() {
        return exit;
    }
    let (accounts, config_path, warnings) = match from_config(cli, true) {
        Ok(Some(loaded)) => (loaded.accounts, Some(loaded.path), loaded.warnings),
        Ok(None) => {
            let env = import::Env::from_process();
            let (accounts, warnings) = detected(cli, &env, &import::RealFs);
            (accounts, crate::config::default_path().ok(), warnings)
        }
        Err(exit) => return exit,
    };
    start(Launch {
        accounts,
        config_path,
        warnings,
        timeout: cli.timeout,
        demo: false,
        base_options: probe_options(cli.dns_server),
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
    let accounts = from_lab(&lab);
    // A new account in the demo lives in the lab's world, like the healthy sample.
    let base_options = lab
        .sample("healthy")
        .map(|s| s.options.clone())
        .unwrap_or_default();
    let exit = start(Launch {
        accounts,
        config_path: None,
        warnings: Vec::new(),
        timeout: cli.timeout,
        demo: true,
        base_options,
    })
    .await;
    drop(lab);
    exit
}

/// Accounts of other mail clients at their usual places, for a first run.
/// Files that cannot be read are mentioned, not fatal.
fn detected(
    cli: &Cli,
    env: &import::Env,
    fs: &dyn import::ReadFs,
) -> (Vec<LaunchAccount>, Vec<String>) {
    let found = import::detect_all(env, fs);
    let options = probe_options(cli.dns_server);
    let mut warnings: Vec<String> = found.errors.iter().map(ToString::to_string).collect();
    if !found.imported.accounts.is_empty() {
        warnings.insert(
            0,
            "mailfix has no config yet: these accounts were read from your mail clients' files"
                .to_string(),
        );
    }
    let accounts = found
        .imported
        .accounts
        .into_iter()
        .map(|item| LaunchAccount {
            note: Some(format!("from {}", item.origin_summary())),
            account: item.account,
            options: options.clone(),
        })
        .collect();
    (targets::with_peers(accounts), warnings)
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use std::path::Path;

    #[test]
    fn a_first_run_offers_the_accounts_of_other_clients() {
        let cli = Cli::try_parse_from(["mailfix", "--dns-server", "127.0.0.1:5353"]).unwrap();
        let env = import::Env::with_home("/home/a");
        let fs = |path: &Path| {
            (path == Path::new("/home/a/.msmtprc")).then(|| {
                "account work\nhost smtp.example.org\nfrom a@example.org\nauth on\n".to_string()
            })
        };
        let (accounts, warnings) = detected(&cli, &env, &fs);
        assert_eq!(accounts.len(), 1);
        assert_eq!(accounts[0].account.name, "work");
        assert_eq!(
            accounts[0].note.as_deref(),
            Some("from msmtp /home/a/.msmtprc")
        );
        assert_eq!(
            accounts[0].options.dns_server,
            Some("127.0.0.1:5353".parse().unwrap())
        );
        assert!(accounts[0].options.state_dir.is_some(), "pins are kept");
        assert!(warnings[0].contains("no config yet"), "{warnings:?}");

        let nothing = |_: &Path| None;
        let (accounts, warnings) = detected(&cli, &env, &nothing);
        assert!(accounts.is_empty() && warnings.is_empty());
    }
}
