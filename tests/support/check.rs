//! Running `mailfix check --json` inside a client namespace and judging the
//! verdict against the public contract (design.md).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use base64::Engine;
use serde_json::Value;

use super::config::Account;
use super::proc::{self, Ran};
use super::world::{Case, Log};
use super::{ALICE, BOB, DNS_IP, MAILFIX_TIMEOUT_SECS, PASSWORD, WRONG_PASSWORD};

/// No single check may take longer than this, whatever mailfix does.
const WALL_LIMIT: Duration = Duration::from_secs(90);

/// One finished `mailfix check --json` run.
pub struct Check<'a> {
    case: &'a Case,
    account: String,
    pub ran: Ran,
    /// The one JSON object mailfix printed, or why there is none.
    pub json: Result<Value, String>,
}

impl Case {
    /// Writes `account` as this test's config file and runs
    /// `mailfix --timeout 2 --dns-server 10.231.1.53:53 check --json --config F`
    /// in the client namespace. Fails the test if any password shows up in
    /// mailfix's output.
    pub fn check(&self, account: &Account) -> Check<'_> {
        let config = self.path("config.toml");
        if let Err(e) = fs::write(&config, account.to_toml())
            .and_then(|()| fs::set_permissions(&config, fs::Permissions::from_mode(0o600)))
        {
            self.fail(format!("cannot write {}: {e}", config.display()));
        }
        let mut cmd = self.mailfix(&["check", "--json"]);
        cmd.arg("--config").arg(&config);
        self.run_check(cmd, &account.name)
    }

    /// As [`Case::check`], with `others` written into the same config file
    /// before `account`, and only `account` checked (`check NAME`).
    pub fn check_among(&self, account: &Account, others: &[&Account]) -> Check<'_> {
        let config = self.path("config.toml");
        let mut toml: Vec<String> = others.iter().map(|a| a.to_toml()).collect();
        toml.push(account.to_toml());
        if let Err(e) = fs::write(&config, toml.join("\n"))
            .and_then(|()| fs::set_permissions(&config, fs::Permissions::from_mode(0o600)))
        {
            self.fail(format!("cannot write {}: {e}", config.display()));
        }
        let mut cmd = self.mailfix(&["check", "--json"]);
        cmd.arg("--config").arg(&config).arg(&account.name);
        self.run_check(cmd, &account.name)
    }

    /// This test's `HOME`: a scratch directory, where the mail clients'
    /// files go when a test wants them found at their usual places.
    pub fn home(&self) -> PathBuf {
        self.path("home")
    }

    /// This test's `XDG_CONFIG_HOME` (a scratch directory).
    pub fn xdg_config_home(&self) -> PathBuf {
        self.path("xdg_config_home")
    }

    /// `mailfix --timeout 2 --dns-server 10.231.1.53:53 ARGS…` in the client
    /// namespace, with `HOME` and the XDG directories in this test's
    /// scratch directory, no proxies and no colour.
    pub fn mailfix(&self, args: &[&str]) -> Command {
        let bin = env!("CARGO_BIN_EXE_mailfix");
        let mut cmd = self.client.command(bin);
        cmd.args(["--timeout", &MAILFIX_TIMEOUT_SECS.to_string()])
            .args(["--dns-server", &format!("{DNS_IP}:53")])
            .args(args);
        for var in [
            "HOME",
            "XDG_CONFIG_HOME",
            "XDG_STATE_HOME",
            "XDG_CACHE_HOME",
            "XDG_DATA_HOME",
        ] {
            let dir = self.path(&var.to_ascii_lowercase());
            let _ = fs::create_dir_all(&dir);
            cmd.env(var, dir);
        }
        for var in [
            "http_proxy",
            "https_proxy",
            "all_proxy",
            "no_proxy",
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "NO_PROXY",
            "RUST_LOG",
            "SSL_CERT_FILE",
            "SSL_CERT_DIR",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("NO_COLOR", "1")
            .env("TERM", "dumb")
            .env("RUST_BACKTRACE", "1");
        cmd
    }

    /// Runs `cmd` (a `mailfix check --json` from [`Case::mailfix`]) that
    /// checks the one account `account`. Fails the test if any password
    /// shows up in mailfix's output.
    pub fn run_check(&self, mut cmd: Command, account: &str) -> Check<'_> {
        let ran = proc::run(&mut cmd, WALL_LIMIT).unwrap_or_else(|e| self.fail(e));
        let json = parse_single_object(&ran.stdout);
        let check = Check {
            case: self,
            account: account.to_string(),
            ran,
            json,
        };
        check.expect_no_secrets();
        check
    }

    /// Fails the test if a password (or its base64 form) appears in the
    /// output of `ran`, a mailfix run.
    pub fn expect_no_secrets_in(&self, ran: &Ran) {
        for secret in secrets() {
            for (stream, text) in [("stdout", &ran.stdout), ("stderr", &ran.stderr)] {
                if text.contains(&secret) {
                    // Do not print the output: it holds the secret.
                    self.fail(format!(
                        "a password (or its base64 form) appears in the {stream} of `{}` \
                         (exit {:?})",
                        proc::redact(&ran.line),
                        ran.code()
                    ));
                }
            }
        }
    }
}

impl Check<'_> {
    /// Exit 0, `ok: true`, no finding.
    pub fn expect_healthy(&self) -> &Self {
        let json = self.contract();
        if self.ran.code() != Some(0) || json["ok"] != Value::Bool(true) {
            self.fail("expected a healthy account: exit code 0, `ok: true`, no finding");
        }
        self
    }

    /// Exit 1 and a first finding `service`/`category`/`cause`.
    pub fn expect_first(&self, service: &str, category: &str, cause: u64) -> &Self {
        let json = self.contract();
        let first = json["findings"].get(0);
        let matches = first.is_some_and(|f| {
            f["service"] == service && f["category"] == category && f["cause"] == cause
        });
        if !matches || self.ran.code() != Some(1) {
            self.fail(format!(
                "expected exit code 1 and first finding {service} {category} {cause}; got exit {:?} and first finding {}",
                self.ran.code(),
                first.map_or("<none>".to_string(), summary)
            ));
        }
        self
    }

    /// The first finding, once the contract holds.
    pub fn first(&self) -> &Value {
        &self.contract()["findings"][0]
    }

    /// Checks the JSON shape of design.md and returns the object.
    fn contract(&self) -> &Value {
        let json = match &self.json {
            Ok(json) => json,
            Err(e) => self.fail(format!("no usable JSON on stdout: {e}")),
        };
        if let Err(e) = contract_violation(json, &self.account) {
            self.fail(format!("the JSON breaks the contract of design.md: {e}"));
        }
        json
    }

    /// No password, in clear or as a SASL PLAIN/base64 blob, in any output.
    fn expect_no_secrets(&self) {
        self.case.expect_no_secrets_in(&self.ran);
    }

    pub fn fail(&self, message: impl std::fmt::Display) -> ! {
        self.case.fail(format!(
            "{message}\n\nmailfix run:\n{}",
            self.ran.describe()
        ))
    }
}

fn summary(finding: &Value) -> String {
    format!(
        "{} {} {} {:?}",
        finding["service"], finding["category"], finding["cause"], finding["title"]
    )
}

/// The passwords and every form a careless transcript might show them in.
fn secrets() -> Vec<String> {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let mut out = Vec::new();
    for pass in [PASSWORD, WRONG_PASSWORD] {
        out.push(pass.to_string());
        out.push(b64(pass));
        for user in [ALICE, BOB] {
            out.push(b64(&format!("\0{user}\0{pass}")));
            out.push(b64(&format!("{user}\0{user}\0{pass}")));
        }
    }
    out
}

fn parse_single_object(stdout: &str) -> Result<Value, String> {
    let lines: Vec<&str> = stdout.lines().filter(|l| !l.trim().is_empty()).collect();
    match lines.as_slice() {
        [line] => serde_json::from_str(line).map_err(|e| format!("not JSON ({e})")),
        [] => Err("stdout is empty".into()),
        more => Err(format!("expected one JSON line, got {} lines", more.len())),
    }
}

/// Why `json` is not a `check --json` object of design.md, if it is not.
pub fn contract_violation(json: &Value, account: &str) -> Result<(), String> {
    let obj = json.as_object().ok_or("not an object")?;
    if obj.get("account").and_then(Value::as_str) != Some(account) {
        return Err(format!("`account` is not {account:?}"));
    }
    let ok = obj
        .get("ok")
        .and_then(Value::as_bool)
        .ok_or("`ok` is not a bool")?;
    let findings = array(obj.get("findings"), "findings")?;
    if ok != findings.is_empty() {
        return Err("`ok` disagrees with the findings list".into());
    }
    for f in findings {
        service(f)?;
        category(f)?;
        if !f["cause"].is_u64() {
            return Err(format!("finding without a numeric `cause`: {f}"));
        }
        if !f["title"].is_string() {
            return Err(format!("finding without a `title`: {f}"));
        }
        for key in ["evidence", "fix"] {
            let items = array(f.get(key), key)?;
            if !items.iter().all(Value::is_string) {
                return Err(format!("`{key}` holds more than strings: {f}"));
            }
        }
    }
    for r in array(obj.get("ruled_out"), "ruled_out")? {
        service(r)?;
        category(r)?;
        if !r["cause"].is_u64() || !r["reason"].is_string() {
            return Err(format!("ruled_out entry without `cause`/`reason`: {r}"));
        }
    }
    for s in array(obj.get("steps"), "steps")? {
        service(s)?;
        if !s["step"].is_string() || !s["outcome"].is_string() {
            return Err(format!("step without `step`/`outcome`: {s}"));
        }
    }
    Ok(())
}

fn array<'v>(value: Option<&'v Value>, key: &str) -> Result<&'v Vec<Value>, String> {
    value
        .and_then(Value::as_array)
        .ok_or_else(|| format!("`{key}` is not an array"))
}

fn service(v: &Value) -> Result<(), String> {
    match v["service"].as_str() {
        Some("incoming" | "outgoing" | "store") => Ok(()),
        _ => Err(format!("bad `service` in {v}")),
    }
}

fn category(v: &Value) -> Result<(), String> {
    match v["category"].as_str() {
        Some("connect" | "login" | "broken" | "relay" | "store") => Ok(()),
        _ => Err(format!("bad `category` in {v}")),
    }
}

impl Case {
    /// Postfix saw no DATA/BDAT from this client (waits a moment for every
    /// session of the client to be logged as ended).
    pub fn expect_no_smtp_data(&self) {
        let lines = self.wait_log(Log::Postfix, Duration::from_secs(3), |lines| {
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
        if let Some(line) = lines
            .iter()
            .find(|l| l.contains(" data=") || l.contains(" bdat="))
        {
            self.fail(format!("mailfix sent DATA/BDAT to Postfix: {line}"));
        }
    }

    /// Dovecot log lines showing this client tried to log in (a password
    /// or token was sent), at either address.
    pub fn dovecot_login_attempts(&self) -> Vec<String> {
        self.log_lines(Log::Dovecot)
            .into_iter()
            .filter(|l| {
                l.contains("Login:")
                    || l.contains("auth failed")
                    || l.contains("Password mismatch")
                    || l.contains("method=")
                    || (l.contains("auth attempts") && !l.contains("no auth attempts"))
            })
            .collect()
    }
}
