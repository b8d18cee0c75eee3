//! A pseudo-terminal driver for the wizard's end-to-end test and
//! benchmark: spawns the binary under expectrl and rebuilds its 80×24
//! screen from the bytes it writes, with a small emulator of the few
//! sequences ratatui's crossterm backend uses (cursor position, erase,
//! colour), so checks read what a person would see.

#![allow(dead_code)]

use std::io::{ErrorKind, Write};
use std::process::Command;
use std::time::{Duration, Instant};

use unicode_width::UnicodeWidthChar;

const WIDTH: usize = 80;
const HEIGHT: usize = 24;

/// The cells of an 80×24 terminal, fed with a program's output.
pub struct Screen {
    cells: Vec<Vec<char>>,
    x: usize,
    y: usize,
    /// Every byte seen, for checks on the raw stream.
    pub raw: Vec<u8>,
    pending: Vec<u8>,
}

impl Screen {
    pub fn new() -> Self {
        Screen {
            cells: vec![vec![' '; WIDTH]; HEIGHT],
            x: 0,
            y: 0,
            raw: Vec::new(),
            pending: Vec::new(),
        }
    }

    pub fn text(&self) -> String {
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

    pub fn feed(&mut self, bytes: &[u8]) {
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

pub struct Wizard {
    pub session: expectrl::session::OsSession,
    pub screen: Screen,
}

impl Wizard {
    /// Run `command` in a new pseudo-terminal.
    pub fn spawn(command: Command) -> Self {
        Wizard {
            session: expectrl::Session::spawn(command).expect("spawn mailfix in a pty"),
            screen: Screen::new(),
        }
    }

    /// Send `keys` that end the program, and check it exits with status
    /// 0 within ten seconds; everything it wrote, as text.
    pub fn quit_with(&mut self, keys: &str) -> String {
        self.send(keys);
        let status = self
            .exit_status(Duration::from_secs(10))
            .expect("mailfix did not quit");
        assert!(
            status.starts_with("Exited(") && status.ends_with(", 0)"),
            "{status}"
        );
        String::from_utf8_lossy(&self.screen.raw).into_owned()
    }

    /// Read whatever the program wrote so far; true if anything came.
    pub fn pump(&mut self) -> bool {
        let mut any = false;
        let mut buf = [0u8; 8192];
        loop {
            match self.session.try_read(&mut buf) {
                Ok(0) => return any,
                Ok(n) => {
                    any = true;
                    self.screen.feed(&buf[..n]);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return any,
                Err(_) => return any,
            }
        }
    }

    /// Wait until the screen shows `needle`.
    pub fn expect(&mut self, needle: &str) {
        self.wait_until(Duration::from_secs(30), |text| text.contains(needle))
            .unwrap_or_else(|| panic!("never saw {needle:?}; the screen:\n{}", self.screen.text()));
    }

    /// Wait (polling every millisecond) until `pred` holds for the screen;
    /// how long it took, or `None` after `limit`.
    pub fn wait_until(&mut self, limit: Duration, pred: impl Fn(&str) -> bool) -> Option<Duration> {
        let start = Instant::now();
        let mut first = true;
        while start.elapsed() < limit {
            // The screen only changes when bytes arrive.
            if (self.pump() || first) && pred(&self.screen.text()) {
                return Some(start.elapsed());
            }
            first = false;
            std::thread::sleep(Duration::from_millis(1));
        }
        self.pump();
        pred(&self.screen.text()).then(|| start.elapsed())
    }

    /// Write `keys` at once, without waiting.
    pub fn write(&mut self, keys: &str) {
        self.session.write_all(keys.as_bytes()).unwrap();
        self.session.flush().unwrap();
    }

    /// Wait for the program to exit; its status as `Exited(pid, code)` etc.
    pub fn exit_status(&mut self, limit: Duration) -> Option<String> {
        let start = Instant::now();
        while start.elapsed() < limit {
            // Polls without blocking; the exit status comes once.
            let status = format!("{:?}", self.session.get_process().status().ok()?);
            if status != "StillAlive" {
                self.pump();
                return Some(status);
            }
            self.pump();
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    pub fn send(&mut self, keys: &str) {
        self.session.write_all(keys.as_bytes()).unwrap();
        self.session.flush().unwrap();
        // Separate key presses: an Esc alone must not merge with what follows.
        std::thread::sleep(Duration::from_millis(60));
    }

    /// The selected line of a list (the one with ▶).
    pub fn selected(&self) -> String {
        self.screen
            .text()
            .lines()
            .find(|l| l.contains('▶'))
            .unwrap_or_default()
            .to_owned()
    }

    /// Move the selection down to the list item `name`.
    pub fn pick(&mut self, name: &str) {
        for _ in 0..40 {
            let before = self.selected();
            if before.contains(&format!(" {name} ")) {
                return;
            }
            self.send("\x1b[B");
            let moved = self.wait_until(Duration::from_secs(10), |t| {
                t.lines().find(|l| l.contains('▶')).unwrap_or_default() != before
            });
            assert!(
                moved.is_some(),
                "the selection did not move:\n{}",
                self.screen.text()
            );
        }
        panic!("no item {name}:\n{}", self.screen.text());
    }
}
