//! The stability probe: a few short connects in a row to an endpoint that
//! has already answered once, to see whether the line loses or resets
//! some of them. Each attempt waits for the first bytes of the greeting;
//! on implicit-TLS ports it runs the handshake first. A TCP connect alone
//! would prove little: the kernel completes it before the server's
//! program has seen the connection.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::time::Instant;

use super::net;
use super::tls::TlsClient;
use super::world::Network;
use crate::evidence::{Attempt, AttemptOutcome, ConnectOutcome, HandshakeFailure, TlsOutcome};

/// Pause between two attempts.
const GAP: Duration = Duration::from_millis(100);

/// How far one attempt goes.
#[derive(Clone)]
pub enum Mode {
    /// The TCP connect only.
    Connect,
    /// Connect, then the first bytes of the greeting.
    Greeting,
    /// Connect, TLS handshake for `host`, then the first bytes of the
    /// greeting. A certificate that does not verify still counts as an
    /// answer: the line carried it.
    TlsGreeting { client: TlsClient, host: String },
}

/// What one run of the probe needs.
#[derive(Clone)]
pub struct Spec {
    pub addr: SocketAddr,
    /// How far each attempt goes.
    pub mode: Mode,
    pub attempts: u8,
    /// Bound on each attempt.
    pub timeout: Duration,
    /// No attempt starts or runs past this.
    pub deadline: Instant,
}

/// After this many timeouts in a row the line is not sampled further: the
/// server is silent, and more attempts would only spend the deadline.
const GIVE_UP_AFTER_TIMEOUTS: usize = 2;

/// The attempts made, and whether the deadline stopped the probe early.
#[derive(Debug, Clone, PartialEq)]
pub struct Sampled {
    pub attempts: Vec<Attempt>,
    pub cut_by_deadline: bool,
}

/// Run the attempts one after another. Stops early when the deadline
/// leaves no room, or after `GIVE_UP_AFTER_TIMEOUTS` timeouts in a row.
pub async fn probe(network: &Network, spec: Spec) -> Sampled {
    let mut attempts: Vec<Attempt> = Vec::with_capacity(usize::from(spec.attempts));
    let mut cut_by_deadline = false;
    for i in 0..spec.attempts {
        if silent_streak(&attempts) >= GIVE_UP_AFTER_TIMEOUTS {
            break;
        }
        if i > 0 {
            if Instant::now() + GAP >= spec.deadline {
                cut_by_deadline = true;
                break;
            }
            tokio::time::sleep(GAP).await;
        }
        let limit = spec
            .timeout
            .min(spec.deadline.saturating_duration_since(Instant::now()));
        if limit.is_zero() {
            cut_by_deadline = true;
            break;
        }
        attempts.push(one(network, &spec, limit).await);
    }
    Sampled {
        attempts,
        cut_by_deadline,
    }
}

/// Timeouts at the end of `attempts`, in a row.
fn silent_streak(attempts: &[Attempt]) -> usize {
    attempts
        .iter()
        .rev()
        .take_while(|a| a.outcome == AttemptOutcome::TimedOut)
        .count()
}

async fn one(network: &Network, spec: &Spec, limit: Duration) -> Attempt {
    let started = Instant::now();
    let until = started + limit;
    let connected = net::connect(network, spec.addr, limit).await;
    let outcome = match (connected.stream, &spec.mode) {
        (None, _) => from_connect(&connected.attempt.outcome),
        (Some(_), Mode::Connect) => AttemptOutcome::Ok,
        (Some(mut stream), Mode::Greeting) => first_bytes(&mut stream, until).await,
        (Some(stream), Mode::TlsGreeting { client, host }) => {
            match client.handshake(stream, host, until).await {
                Ok((mut tls, _)) => first_bytes(&mut tls, until).await,
                Err(TlsOutcome::CertRejected { .. }) => AttemptOutcome::Ok,
                Err(TlsOutcome::Failed(failure)) => from_handshake(&failure),
                Err(TlsOutcome::Verified { .. }) => AttemptOutcome::Ok,
            }
        }
    };
    Attempt {
        outcome,
        ms: started.elapsed().as_secs_f64() * 1000.0,
    }
}

async fn first_bytes(stream: &mut (impl AsyncRead + Unpin), until: Instant) -> AttemptOutcome {
    let mut buf = [0u8; 64];
    match tokio::time::timeout_at(until, stream.read(&mut buf)).await {
        Ok(read) => from_read(read),
        Err(_) => AttemptOutcome::TimedOut,
    }
}

/// A failed handshake as an attempt outcome. A server that answered the
/// hello at all (plain text, an alert, a version it insists on) got the
/// line's bytes both ways: for this probe, that is an answer.
fn from_handshake(failure: &HandshakeFailure) -> AttemptOutcome {
    match failure {
        HandshakeFailure::PlaintextReply { .. }
        | HandshakeFailure::Alert { .. }
        | HandshakeFailure::Incompatible(_) => AttemptOutcome::Ok,
        HandshakeFailure::TimedOut => AttemptOutcome::TimedOut,
        HandshakeFailure::Reset => AttemptOutcome::Reset,
        HandshakeFailure::Closed => AttemptOutcome::Closed,
        other => AttemptOutcome::Other(other.to_string()),
    }
}

/// A failed connect as an attempt outcome.
fn from_connect(outcome: &ConnectOutcome) -> AttemptOutcome {
    match outcome {
        ConnectOutcome::Connected => AttemptOutcome::Ok,
        ConnectOutcome::Refused => AttemptOutcome::Refused,
        ConnectOutcome::TimedOut => AttemptOutcome::TimedOut,
        ConnectOutcome::Reset => AttemptOutcome::Reset,
        other => AttemptOutcome::Other(other.to_string()),
    }
}

/// The first read after connecting as an attempt outcome.
fn from_read(read: io::Result<usize>) -> AttemptOutcome {
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

    /// `attempts` at `addr`, each bounded by `timeout`, with time to spare.
    fn spec(addr: SocketAddr, mode: Mode, attempts: u8, timeout: Duration) -> Spec {
        Spec {
            addr,
            mode,
            attempts,
            timeout,
            deadline: Instant::now() + Duration::from_secs(10),
        }
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
        let spec = spec(addr, Mode::Greeting, 4, Duration::from_secs(2));
        let sampled = probe(&Network::System, spec).await;
        assert!(!sampled.cut_by_deadline);
        let got: Vec<AttemptOutcome> = sampled.attempts.into_iter().map(|a| a.outcome).collect();
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
            deadline: Instant::now(),
            ..spec(
                "127.0.0.1:9".parse().unwrap(),
                Mode::Connect,
                5,
                Duration::from_secs(1),
            )
        };
        let sampled = probe(&Network::System, spec).await;
        assert!(sampled.attempts.is_empty() && sampled.cut_by_deadline);
    }

    #[rstest]
    #[case::plain_text(HandshakeFailure::PlaintextReply { preview: "* OK".into() }, AttemptOutcome::Ok)]
    #[case::alert(HandshakeFailure::Alert { description: "handshake failure".into() }, AttemptOutcome::Ok)]
    #[case::silent(HandshakeFailure::TimedOut, AttemptOutcome::TimedOut)]
    #[case::reset(HandshakeFailure::Reset, AttemptOutcome::Reset)]
    #[case::closed(HandshakeFailure::Closed, AttemptOutcome::Closed)]
    fn handshake_failures_as_attempts(
        #[case] failure: HandshakeFailure,
        #[case] expected: AttemptOutcome,
    ) {
        assert_eq!(from_handshake(&failure), expected);
    }

    fn attempt(outcome: AttemptOutcome) -> Attempt {
        Attempt { outcome, ms: 1.0 }
    }

    #[test]
    fn only_trailing_timeouts_count_as_a_streak() {
        use AttemptOutcome::{Ok, TimedOut};
        let streak =
            |o: Vec<AttemptOutcome>| silent_streak(&o.into_iter().map(attempt).collect::<Vec<_>>());
        assert_eq!(streak(vec![]), 0);
        assert_eq!(streak(vec![TimedOut, Ok, TimedOut]), 1);
        assert_eq!(streak(vec![Ok, TimedOut, TimedOut]), 2);
    }

    #[tokio::test]
    async fn a_silent_server_is_given_up_after_two_timeouts() {
        // Accepts, never greets.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                held.push(stream);
            }
        });
        let spec = spec(addr, Mode::Greeting, 5, Duration::from_millis(200));
        let sampled = probe(&Network::System, spec).await;
        assert_eq!(sampled.attempts.len(), GIVE_UP_AFTER_TIMEOUTS);
        assert!(!sampled.cut_by_deadline);
    }
}
