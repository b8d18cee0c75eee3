//! The real binary in a pseudo-terminal: `mailfix --config FILE` opens
//! the wizard, keys pick the account and the symptom, the verdict comes,
//! `e` edits a setting (a typed `q` stays text), Enter checks again and
//! the verdict tells what changed; `q` quits and the terminal is given
//! back (alternate screen left).
//!
//! The screen is rebuilt from the bytes the program writes by a small
//! emulator of the few sequences ratatui's crossterm backend uses (cursor
//! position, erase, colour), so the test reads what a person would see.
//! Everything stays on 127.0.0.1: the account's port is closed and the
//! DNS server is a socket that never answers.

use std::io::{ErrorKind, Write};
use std::net::{TcpListener, UdpSocket};
use std::process::Command;
use std::time::{Duration, Instant};

use expectrl::Session;
use unicode_width::UnicodeWidthChar;

const WIDTH: usize = 80;
const HEIGHT: usize = 24;

/// The cells of an 80×24 terminal, fed with a program's output.
struct Screen {
    cells: Vec<Vec<char>>,
    x: usize,
    y: usize,
    /// Every byte seen, for checks on the raw stream.
    raw: Vec<u8>,
    pending: Vec<u8>,
}

impl Screen {
    fn new() -> Self {
        Screen {
            cells: vec![vec![' '; WIDTH]; HEIGHT],
            x: 0,
            y: 0,
            raw: Vec::new(),
            pending: Vec::new(),
        }
    }

    fn text(&self) -> String {
        self.cells
            .iter()
            .map(|row| row.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn put(&mut self, c: char) {
        let w = c.width().unwrap_or(0);
        if w == 0 {
            return;
        }
        if self.x < WIDTH && self.y < HEIGHT {
            self.cells[self.y][self.x] = c;
        }
        self.x += w;
    }

    fn feed(&mut self, bytes: &[u8]) {
        self.raw.extend_from_slice(bytes);
        self.pending.extend_from_slice(bytes);
        let data = std::mem::take(&mut self.pending);
        let text = String::from_utf8_lossy(&data).into_owned();
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '\u{1b}' => {
                    let Some(consumed) = self.escape(&chars[i..]) else {
                        // An incomplete sequence: keep it for the next read.
                        self.pending = chars[i..].iter().collect::<String>().into_bytes();
                        return;
                    };
                    i += consumed;
                    continue;
                }
                '\r' => self.x = 0,
                '\n' => self.y += 1,
                c if c.is_control() => {}
                c => self.put(c),
            }
            i += 1;
        }
    }

    /// Apply the escape sequence at the start of `s`; how many chars it took.
    fn escape(&mut self, s: &[char]) -> Option<usize> {
        match s.get(1)? {
            '[' => {
                let end = s[2..].iter().position(|c| ('@'..='~').contains(c))? + 2;
                let params: String = s[2..end].iter().collect();
                let nums: Vec<usize> = params
                    .trim_start_matches('?')
                    .split(';')
                    .map(|p| p.parse().unwrap_or(0))
                    .collect();
                let n = |i: usize| nums.get(i).copied().filter(|v| *v > 0).unwrap_or(1);
                match s[end] {
                    'H' | 'f' => {
                        self.y = n(0) - 1;
                        self.x = n(1) - 1;
                    }
                    'J' if params == "2" || params == "3" => {
                        self.cells = vec![vec![' '; WIDTH]; HEIGHT];
                    }
                    'K' if self.y < HEIGHT => {
                        for x in self.x..WIDTH {
                            self.cells[self.y][x] = ' ';
                        }
                    }
                    _ => {}
                }
                Some(end + 1)
            }
            ']' => {
                let end = s.iter().position(|c| *c == '\u{7}')?;
                Some(end + 1)
            }
            _ => Some(2),
        }
    }
}

struct Wizard {
    session: expectrl::session::OsSession,
    screen: Screen,
}

impl Wizard {
    fn pump(&mut self) {
        let mut buf = [0u8; 8192];
        loop {
            match self.session.try_read(&mut buf) {
                Ok(0) => return,
                Ok(n) => self.screen.feed(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(_) => return,
            }
        }
    }

    /// Wait until the screen shows `needle`.
    fn expect(&mut self, needle: &str) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            self.pump();
            if self.screen.text().contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("never saw {needle:?}; the screen:\n{}", self.screen.text());
    }

    fn send(&mut self, keys: &str) {
        self.session.write_all(keys.as_bytes()).unwrap();
        self.session.flush().unwrap();
        // Separate key presses: an Esc alone must not merge with what follows.
        std::thread::sleep(Duration::from_millis(60));
    }
}

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
    let start = Instant::now();
    let status = loop {
        // Polls without blocking; the exit status comes once.
        let status = format!("{:?}", w.session.get_process().status().unwrap());
        if status != "StillAlive" {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "mailfix did not quit"
        );
        w.pump();
        std::thread::sleep(Duration::from_millis(20));
    };
    w.pump();
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
