//! The command line (clap derive), as design.md fixes it.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use clap_complete::Shell;

use crate::import::Kind;

const EXAMPLES: &str = "\
Examples:
  mailfix                          open the wizard over the accounts in your config
  mailfix demo                     try it on the built-in lab: no setup, no network
  mailfix check                    check every account and say what is wrong
  mailfix check work --json        check the account \"work\", JSON for scripts
  mailfix check --demo             check the lab's sample accounts
  mailfix check --from msmtp work  check the msmtp account \"work\" as it is
  mailfix import -o ~/.config/mailfix/config.toml
                                   make a config from your mail clients' files
  mailfix completions bash > ~/.local/share/bash-completion/completions/mailfix

Config file: $XDG_CONFIG_HOME/mailfix/config.toml (~/.config/mailfix/config.toml)";

const CHECK_AFTER: &str = "\
Exit status: 0 no problem found, 1 at least one problem found,
2 a usage or config error (one line on stderr naming the file, line and key).

Examples:
  mailfix check                      every account of the config
  mailfix check work home --json     two accounts, one JSON object per line
  mailfix check --timeout 10         slow networks: wait up to 10 s per step
  mailfix check work --report r.md   also write a report for your provider's helpdesk
  mailfix check --from mbsync work   check straight from ~/.mbsyncrc (and ~/.msmtprc)
  mailfix check --from aerc --file ./accounts.conf Work

Without a password source for an account, check asks for the password on
the terminal (it is not shown); without a terminal it says that none is set.";

const IMPORT_AFTER: &str = "\
Without --from, every client's usual files are read (msmtp, mbsync/isync,
aerc, himalaya) and all accounts printed; an mbsync account is paired with
the msmtp account of the same address. The source files are never changed.
Passwords written in them are not copied: the output says how to supply one.

Examples:
  mailfix import                                 print what your clients' files hold
  mailfix import --from msmtp                    just ~/.msmtprc
  mailfix import --from aerc ./accounts.conf     a given file
  mailfix import -o ~/.config/mailfix/config.toml   write it (never over an existing file)";

/// Find out why your e-mail does not work, and what to do about it.
#[derive(Debug, Parser)]
#[command(name = "mailfix", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    /// Ask this DNS server instead of the system's (e.g. 127.0.0.1:5353).
    #[arg(long, global = true, value_name = "ADDR:PORT", value_parser = parse_dns_server)]
    pub dns_server: Option<SocketAddr>,

    /// The config file [default: $XDG_CONFIG_HOME/mailfix/config.toml].
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Longest wait for any single network step, in seconds.
    #[arg(long, global = true, value_name = "SECS", default_value = "5", value_parser = parse_timeout)]
    pub timeout: Duration,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The wizard over an embedded lab of misbehaving mail servers on loopback.
    Demo,
    /// Probe, diagnose and print (asks only for a missing password, on a terminal).
    #[command(after_help = CHECK_AFTER)]
    Check(CheckArgs),
    /// Print a mailfix config made from other mail clients' settings.
    #[command(after_help = IMPORT_AFTER)]
    Import(ImportArgs),
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page (roff).
    #[command(hide = true)]
    Man,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Accounts to check, by name [default: all].
    #[arg(value_name = "ACCOUNT")]
    pub accounts: Vec<String>,

    /// One JSON object per account and line, for scripts.
    #[arg(long)]
    pub json: bool,

    /// Check the embedded lab's sample accounts instead of the config.
    #[arg(long, conflicts_with_all = ["from"])]
    pub demo: bool,

    /// Also write a Markdown report for a helpdesk (no passwords in it).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Check straight from another mail client's config file.
    #[arg(long, value_enum, value_name = "CLIENT")]
    pub from: Option<Kind>,

    /// With --from: the client's file [default: where it keeps it].
    #[arg(long, value_name = "FILE", requires = "from")]
    pub file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Whose settings to read [default: every client's usual files].
    #[arg(long, value_enum, value_name = "CLIENT")]
    pub from: Option<Kind>,

    /// The file to read [default: the client's usual place]; needs --from.
    #[arg(value_name = "FILE", requires = "from")]
    pub file: Option<PathBuf>,

    /// Write the config to this file instead of printing it.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// With --output: replace the file if it exists.
    #[arg(long, requires = "output")]
    pub force: bool,
}

/// `ADDR:PORT`, `[v6]:PORT`, or a bare address (port 53).
fn parse_dns_server(text: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    if let Ok(ip) = text.trim_matches(['[', ']']).parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, 53));
    }
    Err("expected an IP address and port, like 127.0.0.1:5353 or [::1]:53".into())
}

/// Seconds, whole or fractional, more than 0 and at most an hour.
fn parse_timeout(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .trim()
        .trim_end_matches('s')
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds"))?;
    if !(secs > 0.0 && secs <= 3600.0) {
        return Err("must be more than 0 and at most 3600 seconds".into());
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use rstest::rstest;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[rstest]
    #[case("127.0.0.1:5353", "127.0.0.1:5353")]
    #[case("[::1]:53", "[::1]:53")]
    #[case("127.0.0.53", "127.0.0.53:53")]
    #[case("::1", "[::1]:53")]
    fn dns_servers(#[case] text: &str, #[case] want: &str) {
        assert_eq!(parse_dns_server(text).unwrap().to_string(), want);
    }

    #[rstest]
    #[case("5", Some(5000))]
    #[case("0.5", Some(500))]
    #[case("2s", Some(2000))]
    #[case("0", None)]
    #[case("-1", None)]
    #[case("nan", None)]
    #[case("inf", None)]
    #[case("soon", None)]
    fn timeouts(#[case] text: &str, #[case] ms: Option<u128>) {
        assert_eq!(parse_timeout(text).ok().map(|d| d.as_millis()), ms);
    }

    #[test]
    fn global_options_go_anywhere() {
        let cli = Cli::try_parse_from([
            "mailfix",
            "check",
            "work",
            "--timeout",
            "2",
            "--dns-server",
            "127.0.0.1:53",
        ])
        .unwrap();
        assert_eq!(cli.timeout, Duration::from_secs(2));
        assert!(cli.dns_server.is_some());
        let Some(Command::Check(args)) = cli.command else {
            panic!()
        };
        assert_eq!(args.accounts, ["work"]);
    }
}
