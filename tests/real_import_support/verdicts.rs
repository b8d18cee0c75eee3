//! What a check from imported settings must show: in its JSON (logins,
//! connections, the password-source note) and in Dovecot's and Postfix's
//! logs (who logged in, and that nobody tried without a password).

use std::time::Duration;

use serde_json::Value;

use crate::support::check::Check;
use crate::support::world::{Case, Log};
use crate::support::{ALICE, MAIL_HOST};

/// `(service, target)` of the steps of `step` that ended `ok`.
pub fn ok_steps(check: &Check<'_>, step: &str) -> Vec<(String, String)> {
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
pub fn expect_logins(check: &Check<'_>, logins: &[(&str, u16)]) {
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
pub fn postfix_auth_counts(case: &Case) -> Vec<String> {
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
pub fn expect_dovecot_login(case: &Case, check: &Check<'_>) {
    let login = format!("Login: user=<{ALICE}>");
    let lines = case.wait_log(Log::Dovecot, Duration::from_secs(3), |lines| {
        lines.iter().any(|l| l.contains(&login))
    });
    if !lines.iter().any(|l| l.contains(&login)) {
        check.fail(format!("Dovecot logged no `{login}` from this client"));
    }
}

/// Postfix accepted AUTH from this client.
pub fn expect_postfix_auth(case: &Case, check: &Check<'_>) {
    let counts = postfix_auth_counts(case);
    if !counts.iter().any(|c| c == "auth=1") {
        check.fail(format!(
            "Postfix logged no successful AUTH from this client; auth counts: {counts:?}"
        ));
    }
}

/// Exit 1, no finding at all (the servers are fine), and for each of
/// `services` a problem note that names `password command `COMMAND`` and says
/// `says` about it.
pub fn expect_password_problem(check: &Check<'_>, services: &[&str], command: &str, says: &str) {
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
    let source = format!("password command `{command}`");
    for service in services {
        let found = json["notes"].as_array().into_iter().flatten().any(|n| {
            n["service"] == *service
                && n["problem"] == Value::Bool(true)
                && n["text"].as_str().is_some_and(|t| t.contains("password"))
                && n["evidence"].as_array().into_iter().flatten().any(|e| {
                    e.as_str()
                        .is_some_and(|e| e.contains(&source) && e.contains(says))
                })
        });
        if !found {
            check.fail(format!(
                "expected a {service} problem note naming {source} and saying `{says}`"
            ));
        }
    }
}

/// The check reached the servers of `services` (so the verdict is not the
/// server's absence) and neither Dovecot nor Postfix saw a login attempt.
pub fn expect_servers_reached_without_login(case: &Case, check: &Check<'_>, services: &[&str]) {
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
