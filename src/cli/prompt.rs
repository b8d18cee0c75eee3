//! The masked password prompt of `mailfix check` on a terminal.
//!
//! The line editing is a pure state machine over [`Key`]s ([`MaskedLine`]),
//! so it is tested without a terminal; [`ask`] only wires it to crossterm:
//! raw mode on the terminal (restored on every exit path), one `*` per
//! character on stderr, Backspace and Ctrl-U to correct, Enter to finish,
//! Ctrl-C or Esc to abort. The typed text lives in a buffer that never
//! reallocates and is wiped when dropped.

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::terminal;
use thiserror::Error;
use zeroize::Zeroizing;

use crate::account::{Account, AuthMech, PasswordSource, Security, ServerSettings, Service};
use crate::output::printable;
use crate::secret::Secret;

/// The longest password the prompt takes, in bytes (far beyond any real
/// one; the buffer is allocated once at this size and never grows).
pub const MAX_BYTES: usize = 1024;

/// How long the prompt waits for a key before it gives up.
const IDLE_LIMIT: Duration = Duration::from_secs(300);

/// Backspace, space, backspace: rubs out one `*`.
const RUB_OUT: &str = "\u{8} \u{8}";

/// A key as the line editor sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Backspace,
    /// Ctrl-U: forget everything typed so far.
    ClearLine,
    Enter,
    /// Ctrl-C, Ctrl-D on an empty line, Esc.
    Abort,
    /// Anything without a meaning here (arrows, function keys…).
    Ignore,
}

/// Where the line stands after a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Editing,
    Done,
    Aborted,
}

/// The line being typed. Prints only `*`s, never a character of it.
pub struct MaskedLine {
    text: Zeroizing<String>,
}

impl Default for MaskedLine {
    fn default() -> Self {
        Self::new()
    }
}

impl MaskedLine {
    pub fn new() -> Self {
        MaskedLine {
            text: Zeroizing::new(String::with_capacity(MAX_BYTES)),
        }
    }

    /// How many characters were typed (as many `*`s are on the screen).
    pub fn len(&self) -> usize {
        self.text.chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Apply one key; returns the new status and what to write to the
    /// terminal for it.
    pub fn apply(&mut self, key: Key) -> (Status, String) {
        match key {
            Key::Char(c) if c.is_control() => (Status::Editing, String::new()),
            Key::Char(c) => {
                if self.text.len() + c.len_utf8() > MAX_BYTES {
                    // Full: refuse quietly (a bell), keep what is there.
                    return (Status::Editing, "\u{7}".into());
                }
                self.text.push(c);
                (Status::Editing, "*".into())
            }
            Key::Backspace => match self.text.pop() {
                Some(_) => (Status::Editing, RUB_OUT.into()),
                None => (Status::Editing, String::new()),
            },
            Key::ClearLine => {
                let rub = RUB_OUT.repeat(self.len());
                self.text.clear();
                (Status::Editing, rub)
            }
            Key::Enter => (Status::Done, "\r\n".into()),
            Key::Abort => (Status::Aborted, "^C\r\n".into()),
            Key::Ignore => (Status::Editing, String::new()),
        }
    }

    /// The password typed, or `None` for an empty line.
    pub fn finish(self) -> Option<Secret> {
        if self.text.is_empty() {
            None
        } else {
            Some(Secret::new(self.text.as_str()))
        }
    }
}

/// What a terminal key event means to the line editor. Pure.
pub fn key_of(event: &KeyEvent, line_empty: bool) -> Key {
    if event.kind == KeyEventKind::Release {
        return Key::Ignore;
    }
    let control = event.modifiers.contains(KeyModifiers::CONTROL)
        && !event.modifiers.contains(KeyModifiers::ALT);
    match event.code {
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Abort,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Char(c) if control => match c.to_ascii_lowercase() {
            'c' => Key::Abort,
            'd' if line_empty => Key::Abort,
            'h' => Key::Backspace,
            'u' => Key::ClearLine,
            'j' | 'm' => Key::Enter,
            _ => Key::Ignore,
        },
        KeyCode::Char(c) => Key::Char(c),
        _ => Key::Ignore,
    }
}

#[derive(Debug, Error)]
pub enum PromptError {
    #[error("interrupted at the password prompt")]
    Aborted,
    #[error("no key pressed for {} minutes at the password prompt", IDLE_LIMIT.as_secs() / 60)]
    Idle,
    #[error("the password prompt cannot use the terminal: {0}")]
    Terminal(#[from] io::Error),
}

/// True when a prompt is possible: stdin and stderr are a terminal.
pub fn interactive() -> bool {
    io::stdin().is_terminal() && io::stderr().is_terminal()
}

/// A server that will want a password and has no source for one. A
/// server that would only get it over an unencrypted link it does not
/// allow is left out: the password would never be sent there.
pub fn wants_password(server: &ServerSettings) -> bool {
    server.auth != AuthMech::None
        && !server.password.is_set()
        && (server.security != Security::None || server.allow_plaintext_auth)
}

/// The prompt text for `account`, naming the servers it is for.
pub fn label(account: &Account) -> Option<String> {
    let servers: Vec<&ServerSettings> = [Service::Incoming, Service::Outgoing]
        .into_iter()
        .filter_map(|s| account.server(s))
        .filter(|s| wants_password(s))
        .collect();
    let first = servers.first()?;
    let targets: Vec<String> = servers.iter().map(|s| printable(&s.summary())).collect();
    Some(format!(
        "Password for {} (account {}: {}; Enter alone skips): ",
        printable(&first.username),
        printable(&account.name),
        targets.join(", ")
    ))
}

/// Ask for `account`'s password once and give it to every server of the
/// account that needs one. Nothing to ask: `Ok(())` at once. An empty
/// answer leaves the account as it was (the check then says no password
/// is set).
pub fn fill(account: &mut Account) -> Result<(), PromptError> {
    let Some(label) = label(account) else {
        return Ok(());
    };
    let Some(secret) = ask(&label)? else {
        return Ok(());
    };
    for server in [account.incoming.as_mut(), account.outgoing.as_mut()]
        .into_iter()
        .flatten()
    {
        if wants_password(server) {
            server.password = PasswordSource::Literal(secret.clone());
        }
    }
    Ok(())
}

/// Restores the terminal however the prompt ends.
struct RawMode;

impl RawMode {
    fn enable() -> io::Result<RawMode> {
        terminal::enable_raw_mode()?;
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = terminal::disable_raw_mode();
    }
}

/// Show `label` on stderr and read a masked line from the terminal.
pub fn ask(label: &str) -> Result<Option<Secret>, PromptError> {
    let mut err = io::stderr().lock();
    // Raw mode first: once the question shows, nothing typed is echoed.
    let raw = RawMode::enable()?;
    err.write_all(label.as_bytes())?;
    err.flush()?;
    let mut line = MaskedLine::new();
    let mut last_key = Instant::now();
    let status = loop {
        if !event::poll(Duration::from_millis(500))? {
            if last_key.elapsed() > IDLE_LIMIT {
                let _ = err.write_all(b"\r\n");
                return Err(PromptError::Idle);
            }
            continue;
        }
        last_key = Instant::now();
        let (status, echo) = match event::read()? {
            Event::Key(key) => line.apply(key_of(&key, line.is_empty())),
            Event::Paste(text) => paste(&mut line, &text),
            _ => continue,
        };
        err.write_all(echo.as_bytes())?;
        err.flush()?;
        if status != Status::Editing {
            break status;
        }
    };
    drop(raw);
    match status {
        Status::Aborted => Err(PromptError::Aborted),
        _ => Ok(line.finish()),
    }
}

/// Pasted text (bracketed paste) up to its first line break.
fn paste(line: &mut MaskedLine, text: &str) -> (Status, String) {
    let mut echo = String::new();
    for c in text.chars() {
        let key = if c == '\r' || c == '\n' {
            Key::Enter
        } else {
            Key::Char(c)
        };
        let (status, more) = line.apply(key);
        echo.push_str(&more);
        if status != Status::Editing {
            return (status, echo);
        }
    }
    (Status::Editing, echo)
}

#[cfg(test)]
mod tests;
