//! Against the real Dovecot and Postfix in network namespaces: other mail
//! clients' settings (issue 6), checked straight from their files.
//!
//! The sample files in `tests/data/real_import/` are templates written for
//! the harness's servers (`{{HOST}}`, `{{USER}}`, `{{CA_FILE}}`, …). Each
//! test fills them into its own scratch `HOME` (msmtp, mbsync) or
//! `XDG_CONFIG_HOME` (aerc, himalaya v1) at the client's usual place, or
//! elsewhere for the variants, with the password in `~/.mail-password` as
//! people keep it, and runs `mailfix check --json --from KIND [--file F]
//! ACCOUNT` in a client namespace. A healthy account must come out healthy
//! with every login made with the imported password; a password command
//! that fails, hangs or prints nothing must be reported as a problem of the
//! password source, with no login attempt on the servers; a wrong password
//! in the file must be login cause 1. Needs root; see tests/support/mod.rs
//! for the topology.

mod real_import_support;
mod support;

use std::fs;
use std::time::Duration;

use rstest::rstest;

use real_import_support::samples::*;
use real_import_support::verdicts::*;
use support::world::Log;
use support::{netns, proc, world};

/// One account, read from its client's file, checked healthy against the
/// real servers with the logins it names.
#[rstest]
#[case::mbsync_old_ssltype(MBSYNC_OLD, "old", &[("incoming", 993)])]
#[case::mbsync_starttls_passcmd(MBSYNC_STARTTLS, "alice", &[("incoming", 143)])]
#[case::aerc_imaps_smtp_plain(AERC, "Alice", &[("incoming", 993), ("outgoing", 587)])]
#[case::himalaya_v1(HIMALAYA_V1, "alice", &[("incoming", 993), ("outgoing", 465)])]
#[case::himalaya_legacy(HIMALAYA_LEGACY, "alice", &[("incoming", 143), ("outgoing", 587)])]
#[case::msmtp_inherited_tls(MSMTP, "alice-tls", &[("outgoing", 465)])]
fn foreign_file_checks_healthy(
    #[case] sample: Sample,
    #[case] account: &str,
    #[case] logins: &[(&str, u16)],
) {
    let Some(w) = world() else { return };
    let case = w.case(&format!("import_{}_{account}", sample.name));
    prepare_home(&case);
    let check = check_from(&case, sample, account);
    check.expect_healthy();
    expect_logins(&check, logins);
    if logins.iter().any(|(s, _)| *s == "incoming") {
        expect_dovecot_login(&case, &check);
    }
    if logins.iter().any(|(s, _)| *s == "outgoing") {
        expect_postfix_auth(&case, &check);
    }
}

/// The "done when" of issue 6: with msmtp and mbsync set up at their usual
/// places, one command without a setting typed checks the whole account:
/// mbsync's IMAP and Maildir joined with msmtp's SMTP by address, found by
/// msmtp's `account default : alice`.
#[test]
fn msmtp_and_mbsync_in_their_usual_places_check_healthy_with_one_command() {
    let Some(w) = world() else { return };
    let case = w.case("import_msmtp_mbsync_paired");
    let home = prepare_home(&case);
    MSMTP.stage(&case);
    MBSYNC.stage(&case);

    let cmd = case.mailfix(&["check", "--json", "--from", "msmtp", "default"]);
    let check = case.run_check(cmd, "alice");
    check.expect_healthy();
    expect_logins(&check, &[("incoming", 993), ("outgoing", 587)]);
    let inbox = home.join(HOME_INBOX).display().to_string();
    if !ok_steps(&check, "store")
        .iter()
        .any(|(s, t)| s == "store" && t.contains(&inbox))
    {
        check.fail(format!(
            "expected the store check of mbsync's Inbox {inbox}; store steps: {:?}",
            ok_steps(&check, "store")
        ));
    }
    expect_dovecot_login(&case, &check);
    expect_postfix_auth(&case, &check);
}

/// `mailfix import` makes a config of the paired files (without copying a
/// password), and `mailfix check --config` on it is healthy. A literal
/// password in a foreign file is not copied into the printed config.
#[test]
fn imported_config_checks_healthy_and_holds_no_password() {
    let Some(w) = world() else { return };
    let case = w.case("import_then_check");
    prepare_home(&case);
    MSMTP.stage(&case);
    let mbsyncrc = MBSYNC.stage(&case);
    let config = case.path("imported.toml");

    let mut import = case.mailfix(&["import", "--from", "mbsync"]);
    import.arg(&mbsyncrc).arg("-o").arg(&config);
    let ran = proc::run(&mut import, Duration::from_secs(30)).unwrap_or_else(|e| case.fail(e));
    case.expect_no_secrets_in(&ran);
    if !ran.success() {
        case.fail(format!("mailfix import failed:\n{}", ran.describe()));
    }
    let text = fs::read_to_string(&config).unwrap_or_else(|e| case.fail(e));
    for needle in [
        "password_command = \"cat ~/.mail-password\"",
        "[accounts.outgoing]",
        "protocol = \"imap\"",
    ] {
        if !text.contains(needle) {
            case.fail(format!(
                "the imported config lacks `{needle}`:\n{}",
                proc::redact(&text)
            ));
        }
    }

    let mut cmd = case.mailfix(&["check", "--json", "--config"]);
    cmd.arg(&config);
    let check = case.run_check(cmd, "alice");
    check.expect_healthy();
    expect_logins(&check, &[("incoming", 993), ("outgoing", 587)]);

    // The old mbsync file holds a literal `Pass`: printed, it is left out.
    let old = MBSYNC_OLD.stage(&case);
    let mut print = case.mailfix(&["import", "--from", "mbsync"]);
    print.arg(&old);
    let ran = proc::run(&mut print, Duration::from_secs(30)).unwrap_or_else(|e| case.fail(e));
    case.expect_no_secrets_in(&ran);
    if !ran.success() || !ran.stdout.contains("host = \"mail.mailfix.test\"") {
        case.fail(format!(
            "mailfix import of the old mbsync file:\n{}",
            ran.describe()
        ));
    }
}

/// A password written in the foreign file is the one mailfix logs in with:
/// a wrong one is login cause 1, and Dovecot saw the failed login.
#[rstest]
#[case::mbsync_pass(MBSYNC_OLD, "wrong")]
#[case::aerc_url_password(AERC, "Wrong")]
fn wrong_password_in_the_foreign_file_is_rejected_credentials(
    #[case] sample: Sample,
    #[case] account: &str,
) {
    let Some(w) = world() else { return };
    let case = w.case(&format!("import_wrong_{}", sample.name));
    prepare_home(&case);
    let check = check_from(&case, sample, account);
    check.expect_first("incoming", "login", 1);
    let attempts = case.wait_log(Log::Dovecot, Duration::from_secs(3), |lines| {
        lines.iter().any(|l| l.contains("auth failed"))
    });
    if !attempts.iter().any(|l| l.contains("auth failed")) {
        check.fail("Dovecot logged no failed login from this client");
    }
}

/// How a password command fails to give a password.
#[derive(Debug, Clone, Copy)]
enum Mode {
    /// The command exits non-zero (`cat` of a missing file).
    Fails,
    /// The command does not finish within `--timeout` (it would print the
    /// password after a minute) and is killed with what it started.
    Hangs,
    /// The command succeeds and prints nothing (an empty file).
    Silent,
}

impl Mode {
    /// The account of that name in every sample file.
    fn account(self) -> &'static str {
        match self {
            Mode::Fails => "fails",
            Mode::Hangs => "hangs",
            Mode::Silent => "silent",
        }
    }

    fn command(self) -> &'static str {
        match self {
            Mode::Fails => "cat ~/.mail-password-missing",
            Mode::Hangs => "sleep 60 && cat ~/.mail-password",
            Mode::Silent => "cat ~/.mail-password-empty",
        }
    }

    /// What the note's evidence must say about the command.
    fn says(self) -> &'static str {
        match self {
            Mode::Fails => "exit status 1",
            Mode::Hangs => "did not finish within",
            Mode::Silent => "printed nothing",
        }
    }
}

/// Where a password command is written.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// msmtp's `passwordeval` (SMTP only).
    Passwordeval,
    /// mbsync's `PassCmd` (IMAP only).
    PassCmd,
    /// aerc's `source-cred-cmd` and `outgoing-cred-cmd`.
    CredCmd,
    /// himalaya's `backend.auth.cmd` (IMAP only).
    AuthCmd,
    /// mailfix's own `password_command`, in a config `mailfix import`
    /// made from the aerc file.
    PasswordCommand,
}

impl Source {
    /// The sample, the account's name in it, and the services that use the
    /// command.
    fn sample(self, mode: Mode) -> (Sample, String, &'static [&'static str]) {
        let lower = mode.account().to_string();
        let title = {
            let mut c = lower.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        };
        match self {
            Source::Passwordeval => (MSMTP, lower, &["outgoing"]),
            Source::PassCmd => (MBSYNC_STARTTLS, lower, &["incoming"]),
            Source::CredCmd | Source::PasswordCommand => (AERC, title, &["incoming", "outgoing"]),
            Source::AuthCmd => (HIMALAYA_V1, lower, &["incoming"]),
        }
    }
}

/// A password command that fails, hangs or prints nothing is reported as a
/// problem of the password source, naming it; never as a wrong password;
/// and no password (none at all) is sent to the servers, which the check
/// still reached.
#[rstest]
fn password_command_without_a_password_is_its_own_problem_and_no_login_is_tried(
    #[values(
        Source::Passwordeval,
        Source::PassCmd,
        Source::CredCmd,
        Source::AuthCmd,
        Source::PasswordCommand
    )]
    source: Source,
    #[values(Mode::Fails, Mode::Hangs, Mode::Silent)] mode: Mode,
) {
    let Some(w) = world() else { return };
    let case = w.case(&format!("import_pwcmd_{source:?}_{mode:?}"));
    prepare_home(&case);
    let (sample, account, services) = source.sample(mode);
    let check = match source {
        Source::PasswordCommand => {
            let file = sample.stage(&case);
            let config = case.path("imported.toml");
            let mut import = case.mailfix(&["import", "--from", sample.kind]);
            import.arg(&file).arg("-o").arg(&config);
            let ran =
                proc::run(&mut import, Duration::from_secs(30)).unwrap_or_else(|e| case.fail(e));
            if !ran.success() {
                case.fail(format!("mailfix import failed:\n{}", ran.describe()));
            }
            let mut cmd = case.mailfix(&["check", "--json", "--config"]);
            cmd.arg(&config).arg(&account);
            cmd.env("SSL_CERT_FILE", &case.world.ca_file);
            case.run_check(cmd, &account)
        }
        _ => check_from(&case, sample, &account),
    };
    expect_password_problem(&check, services, mode.command(), mode.says());
    expect_servers_reached_without_login(&case, &check, services);
    // mailfix has exited: a password command still running in the client
    // namespace would be one its timeout did not kill.
    let left = netns::pids(&case.client.name);
    if !left.is_empty() {
        check.fail(format!(
            "processes left running in the client namespace after the check: {left:?}"
        ));
    }
}
