//! Running helper programs with a bound on how long they may take.

use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// What a finished (or stopped) program did.
#[derive(Debug)]
pub struct Ran {
    /// The command line, for messages.
    pub line: String,
    /// `None` when the program overran its time and was killed.
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Ran {
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    pub fn code(&self) -> Option<i32> {
        self.status.and_then(|s| s.code())
    }

    /// One block for failure messages.
    pub fn describe(&self) -> String {
        let status = match self.status {
            Some(s) => format!("{s}"),
            None => "killed after overrunning its time limit".to_string(),
        };
        let text = format!(
            "$ {}\n  status: {status} after {:.1?}\n  stdout:\n{}\n  stderr:\n{}",
            self.line,
            self.elapsed,
            indent(&clip(&self.stdout, 6000)),
            indent(&clip(&self.stderr, 6000)),
        );
        redact(&text)
    }
}

/// Runs `cmd` with stdin closed, collecting its output; kills it after `limit`.
pub fn run(cmd: &mut Command, limit: Duration) -> Result<Ran, String> {
    let line = command_line(cmd);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start `{line}`: {e}"))?;
    let stdout = collect(child.stdout.take());
    let stderr = collect(child.stderr.take());
    let status = wait_bounded(&mut child, limit);
    let elapsed = start.elapsed();
    // A daemon forked by the program may keep the pipes open: do not wait
    // for it longer than a moment.
    let grace = Duration::from_millis(1500);
    let stdout = stdout
        .recv_timeout(grace)
        .unwrap_or_else(|_| "<output still open>".into());
    let stderr = stderr
        .recv_timeout(grace)
        .unwrap_or_else(|_| "<output still open>".into());
    Ok(Ran {
        line,
        status,
        stdout,
        stderr,
        elapsed,
    })
}

/// Like [`run`], but an unsuccessful exit is an error carrying the output.
pub fn run_ok(cmd: &mut Command, limit: Duration) -> Result<Ran, String> {
    let ran = run(cmd, limit)?;
    if ran.success() {
        Ok(ran)
    } else {
        Err(format!("command failed:\n{}", ran.describe()))
    }
}

/// Runs a program that starts a daemon (which inherits its stdout/stderr):
/// output goes to `log` rather than to pipes the daemon would hold open.
pub fn run_daemonizing(cmd: &mut Command, limit: Duration, log: &Path) -> Result<(), String> {
    let line = command_line(cmd);
    let out = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot start `{line}`: {e}"))?;
    match wait_bounded(&mut child, limit) {
        Some(status) if status.success() => Ok(()),
        status => {
            let output = std::fs::read_to_string(log).unwrap_or_default();
            Err(format!(
                "`{line}` failed ({status:?}):\n{}",
                indent(&clip(&output, 4000))
            ))
        }
    }
}

/// Waits for `child` at most `limit`; kills it (by its own pid) when it overruns.
pub fn wait_bounded(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

fn collect<R: Read + Send + 'static>(pipe: Option<R>) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut buf);
        }
        let _ = tx.send(String::from_utf8_lossy(&buf).into_owned());
    });
    rx
}

pub fn command_line(cmd: &Command) -> String {
    let mut parts = vec![cmd.get_program().to_string_lossy().into_owned()];
    parts.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    parts.join(" ")
}

/// `program` found on PATH or in the sbin directories root uses.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/local/sbin", "/usr/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// `ip ARGS…`, which must succeed within a few seconds.
pub fn ip<I, S>(args: I) -> Result<Ran, String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_ok(Command::new("ip").args(args), Duration::from_secs(10))
}

/// The last `max` bytes of `text` (on a char boundary), marked when cut.
pub fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    format!("[… {start} bytes cut …]{}", &text[start..])
}

pub fn indent(text: &str) -> String {
    if text.trim().is_empty() {
        return "    <empty>".to_string();
    }
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` with the test passwords blotted out, for messages.
pub fn redact(text: &str) -> String {
    [super::PASSWORD, super::WRONG_PASSWORD]
        .iter()
        .fold(text.to_string(), |t, secret| t.replace(secret, "********"))
}
