//! Raw TCP from inside a namespace: readiness polls and small independent
//! witnesses (a greeting, a capability line, how a connect fails).

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Child;
use std::time::{Duration, Instant};

use super::netns::in_netns;

/// How a TCP connect from namespace `ns` to `addr` ends within `timeout`.
pub fn connect(ns: &str, addr: SocketAddr, timeout: Duration) -> io::Result<()> {
    in_netns(ns, move || {
        TcpStream::connect_timeout(&addr, timeout).map(drop)
    })?
}

/// Connects, sends each `send` (after reading the greeting) and reads until a
/// line starts with the step's `until` marker, or `timeout` passes. Returns
/// everything read; the greeting is read up to its first line.
pub fn talk(
    ns: &str,
    addr: SocketAddr,
    steps: &[(&str, &str)],
    timeout: Duration,
) -> io::Result<String> {
    let steps: Vec<(String, String)> = steps
        .iter()
        .map(|(s, u)| (s.to_string(), u.to_string()))
        .collect();
    in_netns(ns, move || -> io::Result<String> {
        let deadline = Instant::now() + timeout;
        let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
        let mut seen = String::new();
        read_until(&mut stream, &mut seen, "", deadline)?;
        for (send, until) in &steps {
            stream.write_all(send.as_bytes())?;
            read_until(&mut stream, &mut seen, until, deadline)?;
        }
        Ok(seen)
    })?
}

/// The first line a server sends on `addr`, or "" when it stays silent for
/// `timeout` (as an implicit-TLS port does towards a plaintext client).
pub fn greeting(ns: &str, addr: SocketAddr, timeout: Duration) -> io::Result<String> {
    talk(ns, addr, &[], timeout)
}

/// Reads into `seen` until a complete line starting with `marker` arrived
/// (any complete line when `marker` is empty), or the deadline passes.
fn read_until(
    stream: &mut TcpStream,
    seen: &mut String,
    marker: &str,
    deadline: Instant,
) -> io::Result<()> {
    let start = seen.len();
    let mut buf = [0u8; 4096];
    loop {
        let fresh = &seen[start..];
        let done = fresh
            .split_inclusive('\n')
            .any(|l| l.ends_with('\n') && l.starts_with(marker));
        if done {
            return Ok(());
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(());
        }
        stream.set_read_timeout(Some(left))?;
        match stream.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => seen.push_str(&String::from_utf8_lossy(&buf[..n])),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Ok(());
            }
            Err(e) => return Err(e),
        }
    }
}

/// Polls until every `addr` accepts a TCP connection from inside `ns`.
/// Fails at once when `child` (the server) exits, and after `limit`.
pub fn wait_listening(
    ns: &str,
    addrs: &[SocketAddr],
    mut child: Option<&mut Child>,
    what: &str,
    limit: Duration,
) -> Result<(), String> {
    let deadline = Instant::now() + limit;
    for addr in addrs {
        loop {
            if let Some(Ok(Some(status))) = child.as_mut().map(|c| c.try_wait()) {
                return Err(format!("{what} exited while starting ({status})"));
            }
            if connect(ns, *addr, Duration::from_millis(300)).is_ok() {
                break;
            }
            if Instant::now() > deadline {
                return Err(format!("{what} is not listening on {addr} after {limit:?}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    Ok(())
}
