//! What a command works on: the config's accounts or the lab's samples,
//! each with the probe options to use, narrowed to the names asked for.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::account::Account;
use crate::config::{self, Config, ConfigError};
use crate::import::{self, Kind};
use crate::lab::Lab;
use crate::peer::peers_of;
use crate::probe::ProbeOptions;
use crate::tui::LaunchAccount;

use super::{Cli, Exit};

/// Accounts from the config file, with where the file is.
pub struct FromConfig {
    pub path: PathBuf,
    pub accounts: Vec<LaunchAccount>,
    pub warnings: Vec<String>,
}

/// The config file `--config` names, or the default one. A missing
/// default file is `Ok(None)` only when `missing_ok` (the wizard can
/// start from nothing); otherwise it is an error like any other.
pub fn from_config(cli: &Cli, missing_ok: bool) -> Result<Option<FromConfig>, Exit> {
    let explicit = cli.config.is_some();
    let path = match &cli.config {
        Some(path) => path.clone(),
        None => config::default_path().map_err(|e| config_error(&e))?,
    };
    let loaded: Config = match config::load(&path) {
        Ok(config) => config,
        Err(ConfigError::Missing { .. }) if missing_ok && !explicit => return Ok(None),
        Err(e) => return Err(config_error(&e)),
    };
    let options = probe_options(cli.dns_server);
    Ok(Some(FromConfig {
        path: loaded.path,
        accounts: with_peers(
            loaded
                .accounts
                .into_iter()
                .map(|account| LaunchAccount {
                    account,
                    options: options.clone(),
                    note: None,
                })
                .collect(),
        ),
        warnings: loaded.warnings,
    }))
}

/// Accounts straight from another client's file (`check --from`): the
/// ones named (by name, alias or address), or all of them. An unknown
/// name is a usage error that lists the known ones.
pub fn from_import(
    cli: &Cli,
    kind: Kind,
    file: Option<&std::path::Path>,
    names: &[String],
) -> Result<(Vec<LaunchAccount>, Vec<String>), Exit> {
    let imported = import::load(kind, file).map_err(|e| Exit::usage(format!("mailfix: {e}")))?;
    let chosen: Vec<&import::ImportedAccount> = if names.is_empty() {
        imported.accounts.iter().collect()
    } else {
        let mut chosen: Vec<&import::ImportedAccount> = Vec::new();
        for name in names {
            let found = imported.select(name).map_err(|e| {
                Exit::usage(format!(
                    "mailfix: {}",
                    crate::output::printable(&e.to_string())
                ))
            })?;
            if !chosen.iter().any(|c| std::ptr::eq(*c, found)) {
                chosen.push(found);
            }
        }
        chosen
    };
    if chosen.is_empty() {
        let files: Vec<String> = imported
            .sources
            .iter()
            .map(|s| s.file.display().to_string())
            .collect();
        return Err(Exit::usage(format!(
            "mailfix: {} holds no account mailfix can check",
            files.join(", ")
        )));
    }
    let warnings = imported
        .warnings
        .iter()
        .chain(chosen.iter().flat_map(|a| a.warnings.iter()))
        .map(ToString::to_string)
        .collect();
    let options = probe_options(cli.dns_server);
    let all = with_peers(
        imported
            .accounts
            .iter()
            .map(|item| LaunchAccount {
                account: item.account.clone(),
                options: options.clone(),
                note: Some(format!("from {}", item.origin_summary())),
            })
            .collect(),
    );
    // Each chosen account, beside all the others of the files.
    let accounts = chosen
        .into_iter()
        .filter_map(|item| {
            let i = imported
                .accounts
                .iter()
                .position(|a| std::ptr::eq(a, item))?;
            all.get(i).cloned()
        })
        .collect();
    Ok((accounts, warnings))
}

/// Tell each account about the others of the same file (the diagnosis
/// compares their servers).
pub fn with_peers(mut accounts: Vec<LaunchAccount>) -> Vec<LaunchAccount> {
    let all: Vec<Account> = accounts.iter().map(|a| a.account.clone()).collect();
    for (i, target) in accounts.iter_mut().enumerate() {
        target.options.peers = peers_of(&all, i);
    }
    accounts
}

/// Options for probing real accounts: `--dns-server` and the pin store.
pub fn probe_options(dns_server: Option<SocketAddr>) -> ProbeOptions {
    ProbeOptions {
        dns_server,
        state_dir: config::state_dir(),
        ..ProbeOptions::default()
    }
}

/// The lab's samples. The lab brings its own DNS server and CA; no pins.
pub fn from_lab(lab: &Lab) -> Vec<LaunchAccount> {
    lab.samples()
        .iter()
        .map(|sample| LaunchAccount {
            account: sample.account.clone(),
            options: ProbeOptions {
                state_dir: None,
                ..sample.options.clone()
            },
            note: Some(sample.description.clone()),
        })
        .collect()
}

/// Keep the accounts named in `names` (all of them when none is named),
/// in the order of the file. An unknown name is a usage error that lists
/// the known ones.
pub fn select(
    all: Vec<LaunchAccount>,
    names: &[String],
    source: &str,
) -> Result<Vec<LaunchAccount>, Exit> {
    if let Some(unknown) = names
        .iter()
        .find(|n| !all.iter().any(|a| a.account.name == **n))
    {
        let known: Vec<&str> = all.iter().map(|a| a.account.name.as_str()).collect();
        return Err(Exit::usage(format!(
            "mailfix: no account named '{}' in {source} (known: {})",
            crate::output::printable(unknown),
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        )));
    }
    if names.is_empty() {
        return Ok(all);
    }
    Ok(all
        .into_iter()
        .filter(|a| names.contains(&a.account.name))
        .collect())
}

/// A config error as the one line the user sees. Errors inside the file
/// start with `FILE:LINE:` like a compiler's, so editors can jump there.
fn config_error(err: &ConfigError) -> Exit {
    match err {
        ConfigError::Invalid { .. } => Exit::usage(err.to_string()),
        _ => Exit::usage(format!("mailfix: {err}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{Protocol, Security, ServerSettings};

    fn launch(name: &str, host: &str) -> LaunchAccount {
        LaunchAccount {
            account: Account {
                name: name.into(),
                email: format!("{name}@{host}"),
                incoming: Some(ServerSettings::standard(
                    Protocol::Imap,
                    host,
                    Security::Tls,
                )),
                outgoing: None,
                store: None,
            },
            options: ProbeOptions::default(),
            note: None,
        }
    }

    #[test]
    fn each_account_sees_every_other_and_not_itself() {
        let all = with_peers(vec![
            launch("a", "a.org"),
            launch("b", "b.org"),
            launch("c", "c.org"),
        ]);
        let names = |t: &LaunchAccount| -> Vec<String> {
            t.options.peers.iter().map(|p| p.name.clone()).collect()
        };
        assert_eq!(names(&all[0]), ["b", "c"]);
        assert_eq!(names(&all[1]), ["a", "c"]);
        assert_eq!(names(&all[2]), ["a", "b"]);
        assert_eq!(all[2].options.peers[0].hosts, ["a.org"]);
    }
}
