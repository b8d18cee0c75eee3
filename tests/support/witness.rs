//! Independent witnesses (curl, swaks, openssl s_client, raw sockets) run
//! from the test's client namespace, so a failing mailfix test points at
//! mailfix and not at the harness; and a held POP3 session.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::proc::{self, Ran};
use super::world::Case;
use super::{ALICE, MAIL_HOST, MAIL_IP, OUTSIDE_RCPT, PASSWORD, wire};

const LIMIT: Duration = Duration::from_secs(20);

impl Case {
    /// `curl -sS --max-time 5 --cacert <test CA> ARGS…`; DNS through the
    /// client namespace's resolv.conf, i.e. the test's dnsmasq.
    pub fn curl(&self, args: &[&str]) -> Ran {
        let mut cmd = self.client.command("curl");
        cmd.args(["-sS", "--max-time", "5", "--cacert"])
            .arg(&self.world.ca_file)
            .args(args);
        proc::run(&mut cmd, LIMIT).unwrap_or_else(|e| self.fail(e))
    }

    /// curl logs in as `user` with `password` at `url` and lists the mailbox.
    pub fn curl_login(&self, url: &str, user: &str, password: &str) -> Ran {
        self.curl(&["-v", "-u", &format!("{user}:{password}"), url])
    }

    /// `swaks --server HOST:PORT --quit-after RCPT ARGS…` (never DATA).
    pub fn swaks(&self, port: u16, args: &[&str]) -> Ran {
        let mut cmd = self.client.command("swaks");
        cmd.arg("--server")
            .arg(format!("{MAIL_HOST}:{port}"))
            .args(["--quit-after", "RCPT", "--timeout", "5"])
            .args(["--tls-ca-path"])
            .arg(&self.world.ca_file)
            .args(args);
        proc::run(&mut cmd, LIMIT).unwrap_or_else(|e| self.fail(e))
    }

    /// swaks on 587 with STARTTLS, logged in as alice (AUTH PLAIN), from
    /// `from` to the outside recipient; it quits after RCPT.
    pub fn swaks_as_alice(&self, from: &str) -> Ran {
        self.swaks(
            587,
            &[
                "--tls",
                "--auth",
                "PLAIN",
                "--auth-user",
                ALICE,
                "--auth-password",
                PASSWORD,
                "--from",
                from,
                "--to",
                OUTSIDE_RCPT,
            ],
        )
    }

    /// `openssl s_client` to `host:port` verifying the name `host` against the test CA.
    pub fn s_client(&self, host: &str, port: u16) -> Ran {
        let mut cmd = self.client.command("openssl");
        cmd.args(["s_client", "-brief", "-connect", &format!("{host}:{port}")])
            .args([
                "-servername",
                host,
                "-verify_hostname",
                host,
                "-verify_return_error",
            ])
            .arg("-CAfile")
            .arg(&self.world.ca_file);
        proc::run(&mut cmd, LIMIT).unwrap_or_else(|e| self.fail(e))
    }

    /// Fails the test (harness error) unless `ran` succeeded and its output
    /// holds `needle`.
    pub fn witness_ok(&self, what: &str, ran: &Ran, needle: &str) {
        if !ran.success() || !(ran.stdout.contains(needle) || ran.stderr.contains(needle)) {
            self.fail(format!(
                "harness witness failed: {what} (expected success and {needle:?})\n{}",
                ran.describe()
            ));
        }
    }

    /// Fails the test (harness error) unless `ran` failed and its output
    /// holds `needle`.
    pub fn witness_fails(&self, what: &str, ran: &Ran, needle: &str) {
        if ran.success() || !(ran.stdout.contains(needle) || ran.stderr.contains(needle)) {
            self.fail(format!(
                "harness witness failed: {what} (expected failure and {needle:?})\n{}",
                ran.describe()
            ));
        }
    }

    /// The first line the server sends on `ip:port` ("" if it stays silent).
    pub fn greeting(&self, addr: SocketAddr) -> String {
        wire::greeting(&self.client.name, addr, Duration::from_secs(2))
            .unwrap_or_else(|e| self.fail(format!("harness: no greeting from {addr}: {e}")))
    }

    /// Holds a logged-in POP3 session of `user` over TLS (995) from this
    /// client's address until the returned guard drops; returns once a
    /// second login of `user` from here is refused with `[IN-USE]`.
    pub fn hold_pop3_session(&self, user: &str) -> HeldSession {
        let mut cmd = self.client.command("openssl");
        cmd.args(["s_client", "-quiet", "-connect", &format!("{MAIL_IP}:995")])
            .args(["-servername", MAIL_HOST, "-verify_return_error", "-CAfile"])
            .arg(&self.world.ca_file)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| self.fail(format!("cannot start openssl: {e}")));
        let stdin = child.stdin.take();
        let stdout = child.stdout.take();
        // From here on, dropping `held` ends the openssl process.
        let mut held = HeldSession {
            child: Some(child),
            stdin,
        };
        let (tx, rx) = mpsc::channel();
        if let Some(stdout) = stdout {
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        let login = format!("USER {user}\r\nPASS {PASSWORD}\r\n");
        let written = held.stdin.as_mut().map(|stdin| {
            stdin
                .write_all(login.as_bytes())
                .and_then(|()| stdin.flush())
        });
        if !matches!(written, Some(Ok(()))) {
            self.fail(format!("harness: cannot write to openssl: {written:?}"));
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut seen = Vec::new();
        while let Ok(line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            let logged_in = line.starts_with("+OK Logged in");
            seen.push(line);
            if logged_in {
                self.wait_for_pop3_lock(user);
                return held;
            }
        }
        drop(held);
        self.fail(format!(
            "harness: could not hold a POP3 session of {user}; server said: {seen:?}"
        ))
    }
}

impl Case {
    /// Dovecot registers a session for its connection limit a moment after
    /// "+OK Logged in": poll (bounded) until a second login is refused.
    fn wait_for_pop3_lock(&self, user: &str) {
        let url = format!("pop3s://{MAIL_HOST}/");
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let second = self.curl_login(&url, user, PASSWORD);
            let locked = !second.success() && second.stderr.contains("[IN-USE]");
            if locked {
                return;
            }
            if Instant::now() > deadline {
                self.fail(format!(
                    "harness: the held POP3 session of {user} does not lock the mailbox\n{}",
                    second.describe()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// A held session; the openssl process (and so the session) ends on drop.
/// Its stdin stays open until then: s_client would end the session on EOF.
pub struct HeldSession {
    child: Option<Child>,
    stdin: Option<ChildStdin>,
}

impl Drop for HeldSession {
    fn drop(&mut self) {
        self.stdin = None;
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = proc::wait_bounded(&mut child, Duration::from_secs(5));
        }
    }
}
