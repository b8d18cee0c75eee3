//! Turning a password source into the password: a literal, an environment
//! variable, or a command run with `sh -c`, stdin closed and a timeout.
//!
//! A failing source is its own problem ("the password command failed"),
//! never a wrong password: the caller reports it as such and does not
//! attempt a login.

use std::process::Stdio;
use std::time::Duration;

use thiserror::Error;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Command;
use zeroize::Zeroizing;

use crate::account::PasswordSource;
use crate::proto::escape::escape_controls;
use crate::secret::{Secret, has_forbidden_chars};

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum PasswordError {
    #[error("no password is configured")]
    Unset,
    #[error("environment variable {name} is not set")]
    EnvUnset { name: String },
    #[error("environment variable {name} is empty")]
    EnvEmpty { name: String },
    #[error("environment variable {name} does not hold UTF-8 text")]
    EnvNotText { name: String },
    #[error("password command `{command}` failed: {reason}")]
    CommandFailed { command: String, reason: String },
    #[error("password command `{command}` did not finish within {secs} s")]
    CommandTimedOut { command: String, secs: u64 },
    #[error("password command `{command}` printed nothing")]
    CommandEmpty { command: String },
    #[error("the password holds a line break or NUL, which could inject protocol commands")]
    ForbiddenCharacters,
}

/// The most of a command's standard output that is kept: far more than
/// any password or token, small enough to never matter.
const STDOUT_LIMIT: usize = 64 * 1024;
/// The most of its standard error that is kept, for the message.
const STDERR_LIMIT: usize = 4 * 1024;
/// How much of standard error the message quotes.
const STDERR_SHOWN: usize = 200;

/// Resolve `source`. Runs at most one command, bounded by `timeout`.
pub async fn resolve(source: &PasswordSource, timeout: Duration) -> Result<Secret, PasswordError> {
    match source {
        PasswordSource::Unset => Err(PasswordError::Unset),
        PasswordSource::Literal(secret) => {
            if secret.has_line_breaks() {
                Err(PasswordError::ForbiddenCharacters)
            } else {
                Ok(secret.clone())
            }
        }
        PasswordSource::Env(name) => from_env(name),
        PasswordSource::Command(command) => run_command(command, timeout).await,
    }
}

fn from_env(name: &str) -> Result<Secret, PasswordError> {
    let value = match std::env::var_os(name) {
        None => return Err(PasswordError::EnvUnset { name: name.into() }),
        Some(value) => Zeroizing::new(value.into_encoded_bytes()),
    };
    if value.is_empty() {
        return Err(PasswordError::EnvEmpty { name: name.into() });
    }
    let text =
        std::str::from_utf8(&value).map_err(|_| PasswordError::EnvNotText { name: name.into() })?;
    if has_forbidden_chars(text) {
        return Err(PasswordError::ForbiddenCharacters);
    }
    Ok(Secret::new(text))
}

async fn run_command(command: &str, timeout: Duration) -> Result<Secret, PasswordError> {
    let failed = |reason: String| PasswordError::CommandFailed {
        command: command.to_string(),
        reason,
    };
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        // Its own process group, so a timeout kills what it started too.
        .process_group(0)
        .spawn()
        .map_err(|e| failed(format!("could not start sh: {e}")))?;
    let pid = child.id();
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(failed("its output could not be captured".into()));
    };

    let work = async {
        let mut out = Zeroizing::new(Vec::with_capacity(STDOUT_LIMIT));
        let mut err = Vec::with_capacity(STDERR_LIMIT);
        let (read_out, read_err) = tokio::join!(
            read_bounded(stdout, &mut out, STDOUT_LIMIT),
            read_bounded(stderr, &mut err, STDERR_LIMIT)
        );
        let status = child.wait().await;
        (out, err, read_out.and(read_err), status)
    };
    let (out, err, read, status) = match tokio::time::timeout(timeout, work).await {
        Ok(done) => done,
        Err(_) => {
            kill_group(pid);
            return Err(PasswordError::CommandTimedOut {
                command: command.to_string(),
                secs: timeout.as_secs_f64().ceil() as u64,
            });
        }
    };
    read.map_err(|e| failed(format!("reading its output failed: {e}")))?;
    let status = status.map_err(|e| failed(format!("waiting for it failed: {e}")))?;
    if !status.success() {
        let what = match status.code() {
            Some(code) => format!("exit status {code}"),
            None => "killed by a signal".to_string(),
        };
        let said = stderr_excerpt(&err);
        return Err(failed(if said.is_empty() {
            what
        } else {
            format!("{what}: {said}")
        }));
    }
    first_line(&out).map_err(|e| match e {
        LineError::Empty => PasswordError::CommandEmpty {
            command: command.to_string(),
        },
        LineError::NotUtf8 => failed("it printed bytes that are not UTF-8 text".into()),
        LineError::Forbidden => PasswordError::ForbiddenCharacters,
    })
}

/// Read into `buf` up to `limit` bytes, then keep draining (and dropping)
/// the rest so the writer is never blocked on a full pipe.
async fn read_bounded(
    mut reader: impl AsyncRead + Unpin,
    buf: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<()> {
    let mut chunk = Zeroizing::new([0u8; 4096]);
    loop {
        let n = reader.read(&mut chunk[..]).await?;
        if n == 0 {
            return Ok(());
        }
        let room = limit.saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..n.min(room)]);
    }
}

/// Only called while the child is alive and not yet reaped, so its pid
/// (and group id) cannot belong to anyone else.
fn kill_group(pid: Option<u32>) {
    if let Some(pid) = pid.and_then(|p| libc::pid_t::try_from(p).ok()) {
        // SAFETY: kill(2) with a negative pid signals the process group the
        // child leads (we made it with process_group(0)); no memory is touched.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum LineError {
    Empty,
    NotUtf8,
    Forbidden,
}

/// The first line of a command's output, without its line ending. A CR
/// or NUL left inside it is refused: it could inject protocol commands.
fn first_line(out: &[u8]) -> Result<Secret, LineError> {
    let line = out.split(|b| *b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.is_empty() {
        return Err(LineError::Empty);
    }
    let text = std::str::from_utf8(line).map_err(|_| LineError::NotUtf8)?;
    if has_forbidden_chars(text) {
        return Err(LineError::Forbidden);
    }
    Ok(Secret::new(text))
}

/// The start of what a command said on stderr, on one line, with control
/// characters escaped.
fn stderr_excerpt(err: &[u8]) -> String {
    let text = String::from_utf8_lossy(err);
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    escape_controls(&one_line, STDERR_SHOWN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(b"hunter2\n", Ok("hunter2"))]
    #[case(b"hunter2\r\n", Ok("hunter2"))]
    #[case(b"hunter2", Ok("hunter2"))]
    #[case(b"first\nsecond\n", Ok("first"))]
    #[case(b" spaced pw \n", Ok(" spaced pw "))]
    #[case(b"", Err(LineError::Empty))]
    #[case(b"\nsecond\n", Err(LineError::Empty))]
    #[case(b"a\rb\n", Err(LineError::Forbidden))]
    #[case(b"a\0b\n", Err(LineError::Forbidden))]
    #[case(b"\xff\xfe\n", Err(LineError::NotUtf8))]
    fn first_line_of_output(#[case] out: &[u8], #[case] want: Result<&str, LineError>) {
        let got = first_line(out);
        match want {
            Ok(text) => assert_eq!(got.unwrap().expose(), text),
            Err(e) => assert_eq!(got.unwrap_err(), e),
        }
    }

    #[test]
    fn stderr_is_one_bounded_line() {
        let long = "x".repeat(1000);
        assert_eq!(
            stderr_excerpt(b"gpg: decryption failed\n  no key\n"),
            "gpg: decryption failed no key"
        );
        assert_eq!(
            stderr_excerpt(long.as_bytes()).chars().count(),
            STDERR_SHOWN + 1
        );
        assert_eq!(stderr_excerpt(b"a\x1b[31mb"), "a\\u{1b}[31mb");
    }
}
