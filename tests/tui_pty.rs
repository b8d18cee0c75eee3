//! The real binary in a pseudo-terminal: `mailfix --config FILE` opens
//! the wizard, keys pick the account and the symptom, the verdict comes,
//! `e` edits a setting (a typed `q` stays text), Enter checks again and
//! the verdict tells what changed; `q` quits and the terminal is given
//! back (alternate screen left).
//!
//! On `mailfix demo`: pick `wrong-port`, check everything, `f` applies the
//! fix and the finding is gone; and the same by hand with `e` (edit the
//! port) and `r` (check again).
//!
//! The screen is rebuilt from the bytes the program writes (see
//! `tui_pty_screen`), so the test reads what a person would see. Waits
//! poll the screen up to a bound; nothing is timed. Everything stays on
//! 127.0.0.1: the config accounts' port is closed and their DNS server is
//! a socket that never answers; the demo's lab lives on loopback.

mod tui_pty_screen;

use std::net::{TcpListener, UdpSocket};
use std::process::Command;
use std::time::Duration;

use tui_pty_screen::Wizard;

/// Entering (`h`) and leaving (`l`) the alternate screen.
const ALT_SCREEN_ON: &str = "\u{1b}[?1049h";
const ALT_SCREEN_OFF: &str = "\u{1b}[?1049l";
/// Mouse capture, which the wizard never asks for.
const MOUSE_ON: &str = "\u{1b}[?1000h";

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
    let mut w = Wizard::spawn(command);

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

    let raw = w.quit_with("q");
    assert!(raw.contains(ALT_SCREEN_ON), "entered the alternate screen");
    assert!(raw.contains(ALT_SCREEN_OFF), "left the alternate screen");
    assert!(!raw.contains(MOUSE_ON), "no mouse capture");
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
    let mut w = Wizard::spawn(command);
    w.expect("Which account?");
    w.send("e");
    w.expect("Settings of \"loop\"");
    w.send("q");
    let raw = w.quit_with("\x03");
    assert!(raw.contains(ALT_SCREEN_OFF), "left the alternate screen");
    assert!(raw.contains("\u{1b}[?25h"), "the cursor is shown again");
}

/// `mailfix demo` in a pseudo-terminal, on the account screen, with the
/// directory it runs in.
fn demo() -> (Wizard, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_mailfix"));
    command
        .arg("demo")
        .args(["--timeout", "2"])
        .current_dir(dir.path())
        // A stale user config must not matter to the demo.
        .env("XDG_CONFIG_HOME", dir.path());
    let mut w = Wizard::spawn(command);
    w.expect("Which account?");
    w.expect("demo lab");
    (w, dir)
}

/// Wait until the line of cause `title` says `word`.
fn expect_cause(w: &mut Wizard, title: &str, word: &str) {
    let found = w.wait_until(Duration::from_secs(60), |t| {
        t.lines().any(|l| l.contains(title) && l.contains(word))
    });
    assert!(
        found.is_some(),
        "{title} never said {word:?}; the screen:\n{}",
        w.screen.text()
    );
}

fn quit(mut w: Wizard) {
    let raw = w.quit_with("q");
    assert!(raw.contains(ALT_SCREEN_OFF), "left the alternate screen");
    assert!(!raw.contains(MOUSE_ON), "no mouse capture");
}

/// Check `wrong-port` to its verdict: cause 5 applies, with its one-key fix.
fn wrong_port_verdict() -> (Wizard, tempfile::TempDir) {
    let (mut w, dir) = demo();
    w.pick("wrong-port");
    w.send("\r");
    w.expect("What goes wrong with \"wrong-port\"?");
    w.expect("Check everything");
    w.send("\r");
    expect_cause(&mut w, "5 Wrong port number", "● applies");
    w.expect("[f] port 993, security tls");
    assert!(
        w.selected().contains("5 Wrong port number"),
        "the cursor rests on cause 5:\n{}",
        w.screen.text()
    );
    (w, dir)
}

#[test]
fn demo_f_fixes_wrong_port_and_the_finding_is_gone() {
    let (mut w, _dir) = wrong_port_verdict();
    w.send("f");
    expect_cause(&mut w, "5 Wrong port number", "✓ gone");
    w.expect("Checked everything: no problem found");
    w.expect("checked again: 1 gone ✓");
    w.expect("changed: incoming port 1143 → 993");
    quit(w);
}

#[test]
fn demo_e_edits_the_port_and_r_checks_again() {
    let (mut w, _dir) = wrong_port_verdict();
    w.send("e");
    w.expect("Settings of \"wrong-port\"");
    // protocol, server, port: clear it and type the right one.
    w.send("\x1b[B");
    w.send("\x1b[B");
    w.send("\x15");
    w.send("993");
    w.expect("993");
    w.send("\r");
    // Enter after a check applies the settings and checks again.
    expect_cause(&mut w, "5 Wrong port number", "✓ gone");
    w.expect("no problem found");
    w.expect("changed: incoming port 1143 → 993");

    // r: once more, with nothing changed since.
    w.send("r");
    w.expect("checked again: no change");
    expect_cause(&mut w, "5 Wrong port number", "✓ ruled out");
    w.expect("Checked everything: no problem found");
    quit(w);
}
