//! The real binary in a pseudo-terminal: `mailfix --config FILE` opens
//! the wizard, keys pick the account and the symptom, the verdict comes,
//! `e` edits a setting (a typed `q` stays text), Enter checks again and
//! the verdict tells what changed; `q` quits and the terminal is given
//! back (alternate screen left).
//!
//! The screen is rebuilt from the bytes the program writes (see
//! `tui_pty_screen`), so the test reads what a person would see.
//! Everything stays on 127.0.0.1: the account's port is closed and the
//! DNS server is a socket that never answers.

mod tui_pty_screen;

use std::net::{TcpListener, UdpSocket};
use std::process::Command;
use std::time::Duration;

use expectrl::Session;

use tui_pty_screen::{Screen, Wizard};

#[test]
fn the_binary_runs_the_wizard_in_a_terminal() {
    let closed_port = || {
        TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    };
    let (closed, other) = (closed_port(), closed_port());
    let dns = UdpSocket::bind("127.0.0.1:0").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[[accounts]]\nname = \"loop\"\nemail = \"alice@example.invalid\"\n\n\
             [accounts.incoming]\nprotocol = \"imap\"\nhost = \"127.0.0.1\"\n\
             port = {closed}\nsecurity = \"tls\"\npassword_env = \"MAILFIX_TEST_UNSET\"\n"
        ),
    )
    .unwrap();

    let mut command = Command::new(env!("CARGO_BIN_EXE_mailfix"));
    command
        .arg("--config")
        .arg(&config)
        .arg("--dns-server")
        .arg(dns.local_addr().unwrap().to_string())
        .args(["--timeout", "1"])
        .current_dir(dir.path());
    let session = Session::spawn(command).expect("spawn mailfix in a pty");
    let mut w = Wizard {
        session,
        screen: Screen::new(),
    };

    w.expect("Which account?");
    w.expect("loop");
    w.send("\r");
    w.expect("What goes wrong with \"loop\"?");
    w.send("\r");
    w.expect("x report");

    // Edit the port: protocol, server, port. A typed q is text.
    w.send("e");
    w.expect("Settings of \"loop\"");
    w.send("\x1b[B");
    w.send("\x1b[B");
    w.send("\x15");
    w.send("99q");
    w.expect("99q");
    w.send("\r");
    w.expect("a port is a number");
    w.send("\x15");
    w.send(&other.to_string());
    w.send("\r");
    w.expect("checked again");
    w.expect("changed: incoming port");

    w.send("q");
    let status = w
        .exit_status(Duration::from_secs(10))
        .expect("mailfix did not quit");
    assert!(
        status.starts_with("Exited(") && status.ends_with(", 0)"),
        "{status}"
    );
    let raw = String::from_utf8_lossy(&w.screen.raw);
    assert!(
        raw.contains("\u{1b}[?1049h"),
        "entered the alternate screen"
    );
    assert!(raw.contains("\u{1b}[?1049l"), "left the alternate screen");
    assert!(!raw.contains("\u{1b}[?1000h"), "no mouse capture");
}

/// Ctrl-C is a key in raw mode: it quits from inside a form (where `q` is
/// text) and the terminal is given back.
#[test]
fn ctrl_c_quits_from_the_form_and_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[[accounts]]\nname = \"loop\"\nemail = \"alice@example.invalid\"\n\n\
         [accounts.incoming]\nprotocol = \"pop3\"\nhost = \"127.0.0.1\"\nsecurity = \"tls\"\n",
    )
    .unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_mailfix"));
    command.arg("--config").arg(&config).current_dir(dir.path());
    let mut w = Wizard {
        session: Session::spawn(command).expect("spawn mailfix in a pty"),
        screen: Screen::new(),
    };
    w.expect("Which account?");
    w.send("e");
    w.expect("Settings of \"loop\"");
    w.send("q");
    w.send("\x03");
    let status = w
        .exit_status(Duration::from_secs(10))
        .expect("mailfix did not quit");
    assert!(
        status.starts_with("Exited(") && status.ends_with(", 0)"),
        "{status}"
    );
    let raw = String::from_utf8_lossy(&w.screen.raw);
    assert!(raw.contains("\u{1b}[?1049l"), "left the alternate screen");
    assert!(raw.contains("\u{1b}[?25h"), "the cursor is shown again");
}
