//! The password prompt of `mailfix check` in a pseudo-terminal: asked
//! once for an account with no password source, masked (`*` per key,
//! Backspace rubs one out), never echoed, never in the report; Ctrl-C
//! ends with status 2; without a terminal there is no prompt. Loopback
//! only: the server port and the DNS server are closed local ports.

mod cli_support;

use std::io::{ErrorKind, Write};
use std::time::{Duration, Instant};

use cli_support::*;
use expectrl::Session;

const TYPED: &str = "pty-Secret8";

struct Pty {
    session: expectrl::session::OsSession,
    seen: Vec<u8>,
}

impl Pty {
    fn spawn(sandbox: &Sandbox, args: &[&str]) -> Pty {
        let mut command = sandbox.command(args);
        // The pty is stdin; the sandbox's null stdin must not replace it.
        command.stdin(std::process::Stdio::inherit());
        Pty {
            session: Session::spawn(command).expect("spawn mailfix in a pty"),
            seen: Vec::new(),
        }
    }

    fn pump(&mut self) {
        let mut buf = [0u8; 4096];
        loop {
            match self.session.try_read(&mut buf) {
                Ok(0) => return,
                Ok(n) => self.seen.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(_) => return,
            }
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.seen).into_owned()
    }

    fn expect(&mut self, needle: &str) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            self.pump();
            if self.text().contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("never saw {needle:?} in {:?}", self.text());
    }

    fn send(&mut self, keys: &str) {
        self.session.write_all(keys.as_bytes()).unwrap();
        self.session.flush().unwrap();
    }

    /// The exit code, once the program ended.
    fn exit_code(&mut self) -> i32 {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            let status = self.session.get_process().status().unwrap();
            let shown = format!("{status:?}");
            if shown != "StillAlive" {
                self.pump();
                // "Exited(Pid(123), 1)"
                return shown
                    .rsplit(", ")
                    .next()
                    .and_then(|s| s.trim_end_matches(')').parse().ok())
                    .unwrap_or_else(|| panic!("{shown}"));
            }
            self.pump();
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("mailfix did not end: {:?}", self.text());
    }
}

fn config(sandbox: &Sandbox) -> (std::path::PathBuf, u16) {
    let port = closed_port();
    let path = sandbox.write(
        "config.toml",
        &format!(
            "[[accounts]]\nname = \"loop\"\nemail = \"alice@example.test\"\n\n\
             [accounts.incoming]\nprotocol = \"imap\"\nhost = \"127.0.0.1\"\nport = {port}\n\
             security = \"tls\"\nauth = \"plain\"\n\n\
             [accounts.outgoing]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"tls\"\n\
             auth = \"none\"\n"
        ),
    );
    (path, port)
}

#[test]
fn the_password_is_asked_masked_and_never_shown() {
    let sandbox = Sandbox::new();
    let (config, port) = config(&sandbox);
    let report = sandbox.path("report.md");
    let offline = offline_args();
    let mut args = vec![
        "check",
        "--config",
        config.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ];
    args.extend(offline.iter().map(String::as_str));
    let mut pty = Pty::spawn(&sandbox, &args);
    pty.expect(&format!(
        "Password for alice@example.test (account loop: IMAP 127.0.0.1:{port} TLS; Enter alone skips): "
    ));
    // A typo, rubbed out with Backspace, then Enter.
    pty.send(&format!("{TYPED}x\x7f\r"));
    let code = pty.exit_code();
    let seen = pty.text();
    assert!(matches!(code, 0 | 1), "status {code}: {seen}");
    let stars = "*".repeat(TYPED.len() + 1);
    assert!(
        seen.contains(&format!("{stars}\u{8} \u{8}\r\n")),
        "{seen:?}"
    );
    assert!(!seen.contains("pty-Secret"), "echoed: {seen:?}");
    assert_eq!(
        seen.matches("Password for").count(),
        1,
        "asked once: {seen:?}"
    );
    assert!(
        seen.contains("loop <alice@example.test>"),
        "then checked: {seen:?}"
    );

    let text = std::fs::read_to_string(&report).unwrap();
    assert!(!text.contains("pty-Secret"), "{text}");
    assert!(
        text.contains("| Password | given (not shown) | none set |"),
        "{text}"
    );
}

#[test]
fn ctrl_c_at_the_prompt_ends_with_status_2() {
    let sandbox = Sandbox::new();
    let (config, _) = config(&sandbox);
    let offline = offline_args();
    let mut args = vec!["check", "--config", config.to_str().unwrap()];
    args.extend(offline.iter().map(String::as_str));
    let mut pty = Pty::spawn(&sandbox, &args);
    pty.expect("Password for");
    pty.send("ab\x03");
    let code = pty.exit_code();
    let seen = pty.text();
    assert_eq!(code, 2, "{seen:?}");
    assert!(
        seen.contains("interrupted at the password prompt"),
        "{seen:?}"
    );
    assert!(
        seen.contains("**^C\r\n") && !seen.contains("ab"),
        "{seen:?}"
    );
    assert!(!seen.contains("loop <"), "nothing was checked: {seen:?}");
}

#[test]
fn without_a_terminal_nothing_is_asked() {
    let sandbox = Sandbox::new();
    let (config, _) = config(&sandbox);
    let out = sandbox.run_offline(&["check", "--json", "--config", config.to_str().unwrap()]);
    assert_checked(&out);
    assert!(!stderr(&out).contains("Password"), "{}", stderr(&out));
    assert_eq!(json_accounts(&out), ["loop"]);
}
