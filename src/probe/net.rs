//! TCP connects with a deadline, and what the OS said when one failed.
//!
//! Every connect goes through a [`Network`]: the machine's own, or the
//! demo lab's simulation, which rewrites the address to one of its
//! loopback listeners (and never to anything else) or pretends the cable
//! is out.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::{TcpSocket, TcpStream};
use tokio::time::Instant;

use super::world::Network;
use crate::evidence::{ConnectAttempt, ConnectOutcome};

/// How one connect ended, with the stream when it connected.
#[derive(Debug)]
pub struct Connected {
    /// `addr` is the address asked for (before any simulated rewrite).
    pub attempt: ConnectAttempt,
    pub stream: Option<TcpStream>,
}

/// Connect to `addr` through `network`, giving up after `limit`.
pub async fn connect(network: &Network, addr: SocketAddr, limit: Duration) -> Connected {
    let started = Instant::now();
    let target = match network {
        Network::System => Ok(addr),
        Network::Simulated(sim) => sim.route(addr).ok_or(ConnectOutcome::NetUnreachable),
    };
    let (outcome, stream) = match target {
        Ok(target) => match tokio::time::timeout(limit, connect_now(target)).await {
            Ok(Ok(stream)) => (ConnectOutcome::Connected, Some(stream)),
            Ok(Err(err)) => (classify_io(&err), None),
            Err(_) => (ConnectOutcome::TimedOut, None),
        },
        Err(outcome) => (outcome, None),
    };
    Connected {
        attempt: ConnectAttempt {
            addr,
            outcome,
            ms: started.elapsed().as_secs_f64() * 1000.0,
        },
        stream,
    }
}

async fn connect_now(addr: SocketAddr) -> io::Result<TcpStream> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_nodelay(true)?;
    socket.connect(addr).await
}

/// Classify a failed connect by what the OS said.
pub fn classify_io(err: &io::Error) -> ConnectOutcome {
    classify(err.kind(), err.raw_os_error(), &err.to_string())
}

/// Pure classification of a connect error: the portable error kind first,
/// the raw errno for what older kinds do not name.
pub fn classify(kind: io::ErrorKind, errno: Option<i32>, text: &str) -> ConnectOutcome {
    use io::ErrorKind as K;
    match kind {
        K::ConnectionRefused => return ConnectOutcome::Refused,
        K::TimedOut => return ConnectOutcome::TimedOut,
        K::HostUnreachable => return ConnectOutcome::HostUnreachable,
        K::NetworkUnreachable => return ConnectOutcome::NetUnreachable,
        K::ConnectionReset | K::ConnectionAborted => return ConnectOutcome::Reset,
        K::AddrNotAvailable => return ConnectOutcome::NoSourceAddress,
        _ => {}
    }
    #[cfg(unix)]
    if let Some(code) = errno {
        let outcome = match code {
            libc::ECONNREFUSED => Some(ConnectOutcome::Refused),
            libc::ETIMEDOUT => Some(ConnectOutcome::TimedOut),
            libc::EHOSTUNREACH | libc::EHOSTDOWN => Some(ConnectOutcome::HostUnreachable),
            libc::ENETUNREACH | libc::ENETDOWN => Some(ConnectOutcome::NetUnreachable),
            libc::ECONNRESET | libc::ECONNABORTED => Some(ConnectOutcome::Reset),
            libc::EADDRNOTAVAIL => Some(ConnectOutcome::NoSourceAddress),
            _ => None,
        };
        if let Some(outcome) = outcome {
            return outcome;
        }
    }
    ConnectOutcome::Other {
        errno,
        text: strip_os_suffix(text),
    }
}

/// Short words for an OS error, for places where a reason is shown as text
/// (an unreachable name server).
pub fn os_reason(err: &io::Error) -> String {
    match classify_io(err) {
        ConnectOutcome::Refused => "connection refused".into(),
        ConnectOutcome::TimedOut => "timed out".into(),
        ConnectOutcome::HostUnreachable => "host unreachable".into(),
        ConnectOutcome::NetUnreachable => "network unreachable".into(),
        ConnectOutcome::Reset => "connection reset".into(),
        ConnectOutcome::NoSourceAddress => "no usable local address".into(),
        ConnectOutcome::Connected => "connected".into(),
        ConnectOutcome::Other { text, .. } => text,
    }
}

/// `Connection refused (os error 111)` → `Connection refused`.
fn strip_os_suffix(text: &str) -> String {
    match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => text[..i].to_owned(),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use std::io::ErrorKind as K;

    #[rstest]
    #[case::refused(
        K::ConnectionRefused,
        Some(libc::ECONNREFUSED),
        ConnectOutcome::Refused
    )]
    #[case::timed_out(K::TimedOut, Some(libc::ETIMEDOUT), ConnectOutcome::TimedOut)]
    #[case::host(
        K::HostUnreachable,
        Some(libc::EHOSTUNREACH),
        ConnectOutcome::HostUnreachable
    )]
    #[case::net(
        K::NetworkUnreachable,
        Some(libc::ENETUNREACH),
        ConnectOutcome::NetUnreachable
    )]
    #[case::reset(K::ConnectionReset, Some(libc::ECONNRESET), ConnectOutcome::Reset)]
    #[case::no_source(
        K::AddrNotAvailable,
        Some(libc::EADDRNOTAVAIL),
        ConnectOutcome::NoSourceAddress
    )]
    // Kinds older code reports as `Other` / `Uncategorized`: the errno decides.
    #[case::errno_only_net(K::Other, Some(libc::ENETUNREACH), ConnectOutcome::NetUnreachable)]
    #[case::errno_only_host_down(K::Other, Some(libc::EHOSTDOWN), ConnectOutcome::HostUnreachable)]
    #[case::errno_only_refused(K::Other, Some(libc::ECONNREFUSED), ConnectOutcome::Refused)]
    fn errors_are_classified(
        #[case] kind: K,
        #[case] errno: Option<i32>,
        #[case] expected: ConnectOutcome,
    ) {
        assert_eq!(classify(kind, errno, "whatever"), expected);
    }

    #[test]
    fn unknown_errors_keep_errno_and_words() {
        assert_eq!(
            classify(
                K::PermissionDenied,
                Some(libc::EACCES),
                "Permission denied (os error 13)"
            ),
            ConnectOutcome::Other {
                errno: Some(libc::EACCES),
                text: "Permission denied".into()
            }
        );
    }

    #[test]
    fn os_reason_is_short() {
        let err = io::Error::from_raw_os_error(libc::ENETUNREACH);
        assert_eq!(os_reason(&err), "network unreachable");
        let err = io::Error::from_raw_os_error(libc::ECONNREFUSED);
        assert_eq!(os_reason(&err), "connection refused");
    }
}
