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

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rstest::rstest;
use serde_json::Value;

use support::check::Check;
use support::netns;
use support::proc;
use support::template::fill_file;
use support::world::{Case, Log};
use support::{ALICE, MAIL_HOST, PASSWORD, WRONG_PASSWORD, world};

const SAMPLES: &str = "tests/data/real_import";
const PASSWORD_FILE: &str = ".mail-password";
const EMPTY_PASSWORD_FILE: &str = ".mail-password-empty";
/// Where `mbsyncrc` expects the CA (`CertificateFile ~/…`).
const HOME_CA: &str = ".cert/mailfix-test-ca.pem";
/// The Maildir `mbsyncrc` syncs INBOX into (its `Inbox`).
const HOME_INBOX: &str = "Mail/alice/INBOX";
/// The same for `mbsyncrc-old`.
const OLD_INBOX: &str = "Maildir/old/INBOX";

/// The test's `HOME` as a mail client user has it: the password files, the
/// CA where `mbsyncrc` names it, the Maildirs mbsync made.
fn prepare_home(case: &Case) -> PathBuf {
    let home = case.home();
    let ca = home.join(HOME_CA);
    let done = (|| -> std::io::Result<()> {
        fs::create_dir_all(&home)?;
        write_private(&home.join(PASSWORD_FILE), &format!("{PASSWORD}\n"))?;
        write_private(&home.join(EMPTY_PASSWORD_FILE), "")?;
        fs::create_dir_all(ca.parent().unwrap_or(&home))?;
        fs::copy(&case.world.ca_file, &ca)?;
        for inbox in [HOME_INBOX, OLD_INBOX] {
            for sub in ["cur", "new", "tmp"] {
                fs::create_dir_all(home.join(inbox).join(sub))?;
            }
        }
        Ok(())
    })();
    if let Err(e) = done {
        case.fail(format!("cannot prepare {}: {e}", home.display()));
    }
    home
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    fs::write(path, text)?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))
}

/// Fills sample `name` with the harness's server, user, passwords and CA
/// and writes it to `dest`.
fn stage(case: &Case, name: &str, dest: &Path) -> PathBuf {
    let vars = [
        ("HOST", MAIL_HOST.to_string()),
        ("USER", ALICE.to_string()),
        ("USER_URL", ALICE.replace('@', "%40")),
        ("PASSWORD", PASSWORD.to_string()),
        ("WRONG_PASSWORD", WRONG_PASSWORD.to_string()),
        ("CA_FILE", case.world.ca_file.display().to_string()),
    ];
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(SAMPLES)
        .join(name);
    if let Some(dir) = dest.parent() {
        let _ = fs::create_dir_all(dir);
    }
    fill_file(&source, &vars, dest).unwrap_or_else(|e| case.fail(e));
    let _ = fs::set_permissions(dest, fs::Permissions::from_mode(0o600));
    dest.to_path_buf()
}

/// Where a sample goes.
#[derive(Debug, Clone, Copy)]
enum Place {
    /// The client's usual place under `HOME`: found without `--file`.
    UsualInHome(&'static str),
    /// The client's usual place under `XDG_CONFIG_HOME`: found without `--file`.
    UsualInConfig(&'static str),
    /// Elsewhere under `HOME`: named with `--file`.
    Elsewhere(&'static str),
}

/// A foreign file, where it is, and what the test trusts the CA through.
#[derive(Debug, Clone, Copy)]
struct Sample {
    kind: &'static str,
    name: &'static str,
    place: Place,
    /// The client has no CA setting in this file: the test CA is trusted
    /// through `SSL_CERT_FILE`, as the client itself would trust it.
    ca_from_env: bool,
}

const MSMTP: Sample = Sample {
    kind: "msmtp",
    name: "msmtprc",
    place: Place::UsualInHome(".msmtprc"),
    ca_from_env: false,
};
const MBSYNC: Sample = Sample {
    kind: "mbsync",
    name: "mbsyncrc",
    place: Place::UsualInHome(".mbsyncrc"),
    ca_from_env: false,
};
const MBSYNC_OLD: Sample = Sample {
    kind: "mbsync",
    name: "mbsyncrc-old",
    place: Place::Elsewhere("old/mbsyncrc"),
    ca_from_env: false,
};
const MBSYNC_STARTTLS: Sample = Sample {
    kind: "isync",
    name: "mbsyncrc-starttls",
    place: Place::Elsewhere("starttls/mbsyncrc"),
    ca_from_env: false,
};
const AERC: Sample = Sample {
    kind: "aerc",
    name: "accounts.conf",
    place: Place::UsualInConfig("aerc/accounts.conf"),
    ca_from_env: true,
};
const HIMALAYA_V1: Sample = Sample {
    kind: "himalaya",
    name: "himalaya-v1.toml",
    place: Place::UsualInConfig("himalaya/config.toml"),
    ca_from_env: true,
};
const HIMALAYA_LEGACY: Sample = Sample {
    kind: "himalaya",
    name: "himalaya-legacy.toml",
    place: Place::Elsewhere("himalaya/legacy/config.toml"),
    ca_from_env: true,
};

impl Sample {
    /// Fills the sample into its place in the test's scratch directories.
    fn stage(self, case: &Case) -> PathBuf {
        let dest = match self.place {
            Place::UsualInHome(rel) | Place::Elsewhere(rel) => case.home().join(rel),
            Place::UsualInConfig(rel) => case.xdg_config_home().join(rel),
        };
        stage(case, self.name, &dest)
    }
}

/// `mailfix check --json --from KIND [--file FILE] ACCOUNT` on `sample`,
/// staged in the test's scratch directories (`--file` only when it is not
/// at the client's usual place).
fn check_from<'c>(case: &'c Case, sample: Sample, account: &str) -> Check<'c> {
    let file = sample.stage(case);
    let mut cmd = case.mailfix(&["check", "--json", "--from", sample.kind]);
    if let Place::Elsewhere(_) = sample.place {
        cmd.arg("--file").arg(&file);
    }
    cmd.arg(account);
    if sample.ca_from_env {
        cmd.env("SSL_CERT_FILE", &case.world.ca_file);
    }
    case.run_check(cmd, account)
}

/// `(service, target)` of the steps of `step` that ended `ok`.
fn ok_steps(check: &Check<'_>, step: &str) -> Vec<(String, String)> {
    let json = check.json.as_ref().unwrap_or_else(|e| check.fail(e));
    json["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["step"] == step && s["outcome"] == "ok")
        .map(|s| {
            (
                s["service"].as_str().unwrap_or_default().to_string(),
                s["target"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The check logged in to each of `logins` (`service`, `port`) of the mail
/// host: the imported host, port, TLS mode, user and password were used.
fn expect_logins(check: &Check<'_>, logins: &[(&str, u16)]) {
    let done = ok_steps(check, "login");
    for (service, port) in logins {
        let target = format!("{MAIL_HOST}:{port}");
        if !done
            .iter()
            .any(|(s, t)| s == service && t.contains(&target))
        {
            check.fail(format!(
                "expected a successful {service} login at {target}; successful logins: {done:?}"
            ));
        }
    }
}

/// Postfix's `auth=` counts of this client's sessions (`auth=1` is a
/// successful AUTH, `auth=0/1` a failed one), once all of them are logged
/// as ended.
fn postfix_auth_counts(case: &Case) -> Vec<String> {
    let lines = case.wait_log(Log::Postfix, Duration::from_secs(3), |lines| {
        let opened = lines
            .iter()
            .filter(|l| l.contains(": connect from"))
            .count();
        let closed = lines
            .iter()
            .filter(|l| l.contains(": disconnect from"))
            .count();
        opened == closed
    });
    lines
        .iter()
        .filter(|l| l.contains(": disconnect from"))
        .flat_map(|l| l.split_whitespace())
        .filter(|word| word.starts_with("auth="))
        .map(str::to_string)
        .collect()
}

/// Dovecot logged `alice`'s login from this client (waits for the log).
fn expect_dovecot_login(case: &Case, check: &Check<'_>) {
    let login = format!("Login: user=<{ALICE}>");
    let lines = case.wait_log(Log::Dovecot, Duration::from_secs(3), |lines| {
        lines.iter().any(|l| l.contains(&login))
    });
    if !lines.iter().any(|l| l.contains(&login)) {
        check.fail(format!("Dovecot logged no `{login}` from this client"));
    }
}

/// Postfix accepted AUTH from this client.
fn expect_postfix_auth(case: &Case, check: &Check<'_>) {
    let counts = postfix_auth_counts(case);
    if !counts.iter().any(|c| c == "auth=1") {
        check.fail(format!(
            "Postfix logged no successful AUTH from this client; auth counts: {counts:?}"
        ));
    }
}

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
    expect_password_problem(&check, services, mode);
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

/// Exit 1, no finding at all (the servers are fine), and for each of
/// `services` a problem note that names the command and what it did.
fn expect_password_problem(check: &Check<'_>, services: &[&str], mode: Mode) {
    let json = check.json.as_ref().unwrap_or_else(|e| check.fail(e));
    if check.ran.code() != Some(1) || json["ok"] != Value::Bool(false) {
        check.fail("expected exit code 1 and `ok: false`");
    }
    let findings = json["findings"].as_array().cloned().unwrap_or_default();
    if !findings.is_empty() {
        check.fail(format!(
            "expected no finding (the servers are healthy; the password command is the \
             problem), got {findings:?}"
        ));
    }
    let source = format!("the command `{}`", mode.command());
    for service in services {
        let found = json["notes"].as_array().into_iter().flatten().any(|n| {
            n["service"] == *service
                && n["problem"] == Value::Bool(true)
                && n["text"].as_str().is_some_and(|t| t.contains("password"))
                && n["evidence"].as_array().into_iter().flatten().any(|e| {
                    e.as_str()
                        .is_some_and(|e| e.contains(&source) && e.contains(mode.says()))
                })
        });
        if !found {
            check.fail(format!(
                "expected a {service} problem note naming {source} and saying `{}`",
                mode.says()
            ));
        }
    }
}

/// The check reached the servers of `services` (so the verdict is not the
/// server's absence) and neither Dovecot nor Postfix saw a login attempt.
fn expect_servers_reached_without_login(case: &Case, check: &Check<'_>, services: &[&str]) {
    let connected = ok_steps(check, "tcp-connect");
    for service in services {
        if !connected
            .iter()
            .any(|(s, t)| s == service && t.contains(MAIL_HOST))
        {
            check.fail(format!(
                "the check did not reach the {service} server; connections: {connected:?}"
            ));
        }
    }
    if services.contains(&"incoming") {
        let seen = case.wait_log(Log::Dovecot, Duration::from_secs(3), |lines| {
            lines.iter().any(|l| l.contains("Disconnected"))
        });
        if seen.is_empty() {
            check.fail("Dovecot logged no connection from this client");
        }
    }
    if services.contains(&"outgoing") {
        let counts = postfix_auth_counts(case);
        if let Some(auth) = counts.iter().find(|c| c.as_str() != "auth=0") {
            check.fail(format!(
                "Postfix saw AUTH from this client ({auth}) although no password was known"
            ));
        }
        if !case
            .log_lines(Log::Postfix)
            .iter()
            .any(|l| l.contains(": connect from"))
        {
            check.fail("Postfix logged no connection from this client");
        }
    }
    let attempts = case.dovecot_login_attempts();
    if !attempts.is_empty() {
        check.fail(format!(
            "a login was attempted although no password was known:\n{attempts:#?}"
        ));
    }
}
