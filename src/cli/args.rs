//! The command line (clap derive), as design.md fixes it.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

const EXAMPLES: &str = "\
Examples:
  mailfix                          open the wizard over the accounts in your config
  mailfix demo                     try it on the built-in lab: no setup, no network
  mailfix check                    check every account and say what is wrong
  mailfix check work --json        check the account \"work\", JSON for scripts
  mailfix check --demo             check the lab's sample accounts
  mailfix completions bash > ~/.local/share/bash-completion/completions/mailfix

Config file: $XDG_CONFIG_HOME/mailfix/config.toml (~/.config/mailfix/config.toml)";

const CHECK_AFTER: &str = "\
Exit status: 0 no problem found, 1 at least one problem found,
2 a usage or config error (one line on stderr naming the file, line and key).

Examples:
  mailfix check                      every account of the config
  mailfix check work home --json     two accounts, one JSON object per line
  mailfix check --timeout 10         slow networks: wait up to 10 s per step";

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
    /// Probe, diagnose and print; no questions asked.
    #[command(after_help = CHECK_AFTER)]
    Check(CheckArgs),
    /// Print a mailfix config made from another mail client's settings.
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

    /// Also write a redacted Markdown report for a helpdesk.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Check straight from another mail client's config file.
    #[arg(long, value_enum, value_name = "CLIENT")]
    pub from: Option<Client>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Whose config to read.
    #[arg(long, value_enum, value_name = "CLIENT")]
    pub from: Option<Client>,

    /// The file to read [default: the client's usual place].
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// Mail clients whose settings mailfix can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Client {
    Msmtp,
    Mbsync,
    Aerc,
    Himalaya,
}

/// `ADDR:PORT`, `[v6]:PORT`, or a bare address (port 53).
pub fn parse_dns_server(text: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    if let Ok(ip) = text.trim_matches(['[', ']']).parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, 53));
    }
    Err("expected an IP address and port, like 127.0.0.1:5353 or [::1]:53".into())
}

/// Seconds, whole or fractional, more than 0 and at most an hour.
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
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
