//! The stability probe: a few short connects in a row to an endpoint that
//! has already answered once, to see whether the line loses or resets
//! some of them. On plaintext ports each attempt waits for the first bytes
//! of the greeting; on implicit-TLS ports the TCP connect is the attempt
//! (no handshake is started, so no TLS half-session is left on the server).

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::time::Instant;

use super::net;
use super::world::Network;
use crate::evidence::{Attempt, AttemptOutcome, ConnectOutcome};

/// Pause between two attempts.
pub const GAP: Duration = Duration::from_millis(100);

/// What one run of the probe needs.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub addr: SocketAddr,
    /// Wait for the greeting's first bytes (plaintext and STARTTLS ports).
    pub greeting: bool,
    pub attempts: u8,
    /// Bound on each attempt.
    pub timeout: Duration,
    /// No attempt starts or runs past this.
    pub deadline: Instant,
}

/// Run the attempts one after another; stops early (with fewer attempts)
/// when the deadline leaves no room.
pub async fn probe(network: &Network, spec: Spec) -> Vec<Attempt> {
    let mut attempts = Vec::with_capacity(usize::from(spec.attempts));
    for i in 0..spec.attempts {
        if i > 0 {
            if Instant::now() + GAP >= spec.deadline {
                break;
            }
            tokio::time::sleep(GAP).await;
        }
        let limit = spec
            .timeout
            .min(spec.deadline.saturating_duration_since(Instant::now()));
        if limit.is_zero() {
            break;
        }
        attempts.push(one(network, &spec, limit).await);
    }
    attempts
}

async fn one(network: &Network, spec: &Spec, limit: Duration) -> Attempt {
    let started = Instant::now();
    let connected = net::connect(network, spec.addr, limit).await;
    let outcome = match connected.stream {
        None => from_connect(&connected.attempt.outcome),
        Some(_) if !spec.greeting => AttemptOutcome::Ok,
        Some(mut stream) => {
            let left = limit.saturating_sub(started.elapsed());
            let mut buf = [0u8; 64];
            match tokio::time::timeout(left, stream.read(&mut buf)).await {
                Ok(read) => from_read(read),
                Err(_) => AttemptOutcome::TimedOut,
            }
        }
    };
    Attempt {
        outcome,
        ms: started.elapsed().as_secs_f64() * 1000.0,
    }
}

/// A failed connect as an attempt outcome.
pub fn from_connect(outcome: &ConnectOutcome) -> AttemptOutcome {
    match outcome {
        ConnectOutcome::Connected => AttemptOutcome::Ok,
        ConnectOutcome::Refused => AttemptOutcome::Refused,
        ConnectOutcome::TimedOut => AttemptOutcome::TimedOut,
        ConnectOutcome::Reset => AttemptOutcome::Reset,
        other => AttemptOutcome::Other(other.to_string()),
    }
}

/// The first read after connecting as an attempt outcome.
pub fn from_read(read: io::Result<usize>) -> AttemptOutcome {
    match read {
        Ok(0) => AttemptOutcome::Closed,
        Ok(_) => AttemptOutcome::Ok,
        Err(e) => match net::classify_io(&e) {
            ConnectOutcome::Reset => AttemptOutcome::Reset,
            ConnectOutcome::TimedOut => AttemptOutcome::TimedOut,
            _ => AttemptOutcome::Other(net::os_reason(&e)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use tokio::io::AsyncWriteExt;
    use tokio::net::TcpListener;

    #[rstest]
    #[case::greeted(Ok(12), AttemptOutcome::Ok)]
    #[case::closed(Ok(0), AttemptOutcome::Closed)]
    #[case::reset(
        Err(io::Error::from(io::ErrorKind::ConnectionReset)),
        AttemptOutcome::Reset
    )]
    #[case::other(
        Err(io::Error::from_raw_os_error(libc::EHOSTUNREACH)),
        AttemptOutcome::Other("host unreachable".into())
    )]
    fn reads(#[case] read: io::Result<usize>, #[case] expected: AttemptOutcome) {
        assert_eq!(from_read(read), expected);
    }

    #[rstest]
    #[case::refused(ConnectOutcome::Refused, AttemptOutcome::Refused)]
    #[case::timeout(ConnectOutcome::TimedOut, AttemptOutcome::TimedOut)]
    #[case::reset(ConnectOutcome::Reset, AttemptOutcome::Reset)]
    #[case::net(
        ConnectOutcome::NetUnreachable,
        AttemptOutcome::Other("network unreachable".into())
    )]
    fn connects(#[case] outcome: ConnectOutcome, #[case] expected: AttemptOutcome) {
        assert_eq!(from_connect(&outcome), expected);
    }

    /// Greets the first and third connection, closes the others at once.
    async fn flaky_server() -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let mut n = 0;
            while let Ok((mut stream, _)) = listener.accept().await {
                n += 1;
                if n % 2 == 1 {
                    let _ = stream.write_all(b"+OK ready\r\n").await;
                    tokio::spawn(async move {
                        let mut buf = [0u8; 16];
                        let _ = stream.read(&mut buf).await;
                    });
                }
            }
        });
        addr
    }

    #[tokio::test]
    async fn some_attempts_greet_and_some_close() {
        let addr = flaky_server().await;
        let spec = Spec {
            addr,
            greeting: true,
            attempts: 4,
            timeout: Duration::from_secs(2),
            deadline: Instant::now() + Duration::from_secs(10),
        };
        let got: Vec<AttemptOutcome> = probe(&Network::System, spec)
            .await
            .into_iter()
            .map(|a| a.outcome)
            .collect();
        assert_eq!(
            got,
            [
                AttemptOutcome::Ok,
                AttemptOutcome::Closed,
                AttemptOutcome::Ok,
                AttemptOutcome::Closed
            ]
        );
    }

    #[tokio::test]
    async fn a_passed_deadline_makes_no_attempt() {
        let spec = Spec {
            addr: "127.0.0.1:9".parse().unwrap(),
            greeting: false,
            attempts: 5,
            timeout: Duration::from_secs(1),
            deadline: Instant::now(),
        };
        assert!(probe(&Network::System, spec).await.is_empty());
    }
}
