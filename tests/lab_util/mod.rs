//! Shared helpers of the lab tests: a bounded line client over any stream,
//! a rustls client that trusts the lab CA, and connecting to a lab host
//! the way a sample's simulated network routes it.
#![allow(dead_code)]

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use mailfix::probe::world::{Network, SimulatedNetwork};
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, RootCertStore};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

pub const WAIT: Duration = Duration::from_secs(5);

/// A line-oriented test client with a bound on every wait.
pub struct Client<S> {
    r: BufReader<S>,
    wait: Duration,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    pub fn new(stream: S) -> Self {
        Client {
            r: BufReader::new(stream),
            wait: WAIT,
        }
    }

    /// Wait at most `wait` for each line (for expected silences).
    pub fn wait(mut self, wait: Duration) -> Self {
        self.wait = wait;
        self
    }

    /// The next line without CRLF; `None` when the server closed.
    pub async fn try_line(&mut self) -> std::io::Result<Option<String>> {
        let mut line = Vec::new();
        let n = timeout(self.wait, self.r.read_until(b'\n', &mut line))
            .await
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no line in time"))??;
        if n == 0 {
            return Ok(None);
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        Ok(Some(String::from_utf8_lossy(&line).into_owned()))
    }

    pub async fn line(&mut self) -> String {
        match self.try_line().await {
            Ok(Some(line)) => line,
            other => panic!("expected a line, got {other:?}"),
        }
    }

    pub async fn send(&mut self, text: &str) {
        let stream = self.r.get_mut();
        stream
            .write_all(format!("{text}\r\n").as_bytes())
            .await
            .unwrap();
        stream.flush().await.unwrap();
    }

    /// Lines up to and including the first that starts with `prefix`.
    pub async fn until(&mut self, prefix: &str) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            let line = self.line().await;
            let done = line.starts_with(prefix);
            lines.push(line);
            if done {
                return lines;
            }
            assert!(lines.len() < 1000, "no line starting with {prefix:?}");
        }
    }

    /// Send a POP3 command with a multi-line answer; lines up to the lone ".".
    pub async fn multiline(&mut self, cmd: &str) -> Vec<String> {
        self.send(cmd).await;
        let mut lines = Vec::new();
        loop {
            let line = self.line().await;
            let done = line == ".";
            lines.push(line);
            if done {
                return lines;
            }
            assert!(lines.len() < 1000, "no end of the multi-line reply");
        }
    }

    /// Send `cmd`, return the reply lines up to the one starting with `last`.
    pub async fn cmd(&mut self, cmd: &str, last: &str) -> Vec<String> {
        self.send(cmd).await;
        self.until(last).await
    }

    /// The stream back, for a TLS handshake; nothing may be buffered.
    pub fn into_inner(self) -> S {
        assert!(self.r.buffer().is_empty(), "bytes buffered before TLS");
        self.r.into_inner()
    }

    pub fn buffered(&self) -> &[u8] {
        self.r.buffer()
    }

    pub fn get_mut(&mut self) -> &mut S {
        self.r.get_mut()
    }
}

pub fn client_config(roots: &[CertificateDer<'static>]) -> Arc<ClientConfig> {
    let mut store = RootCertStore::empty();
    for root in roots {
        store.add(root.clone()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(store)
            .with_no_client_auth(),
    )
}

/// A TLS handshake as `host` over `stream`, trusting `ca`.
pub async fn tls<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    host: &str,
    ca: &CertificateDer<'static>,
) -> std::io::Result<TlsStream<S>> {
    let connector = TlsConnector::from(client_config(std::slice::from_ref(ca)));
    let name = ServerName::try_from(host.to_owned()).unwrap();
    timeout(WAIT, connector.connect(name, stream))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "handshake"))?
}

pub async fn tcp(addr: SocketAddr) -> TcpStream {
    timeout(WAIT, TcpStream::connect(addr))
        .await
        .expect("connect in time")
        .expect("connect")
}

/// TLS to a listener that speaks it from the first byte.
pub async fn tls_to(
    addr: SocketAddr,
    host: &str,
    ca: &CertificateDer<'static>,
) -> Client<TlsStream<TcpStream>> {
    Client::new(tls(tcp(addr).await, host, ca).await.expect("handshake"))
}

/// The simulated network of a sample.
pub fn simulation(network: &Network) -> Arc<SimulatedNetwork> {
    match network {
        Network::Simulated(sim) => sim.clone(),
        Network::System => panic!("a lab sample must use a simulated network"),
    }
}

/// Where a connect to `ip:port` goes in `sim`: its route, else the fallback.
pub fn routed(sim: &SimulatedNetwork, ip: IpAddr, port: u16) -> SocketAddr {
    let logical = SocketAddr::new(ip, port);
    sim.routes
        .get(&logical)
        .copied()
        .or(sim.fallback)
        .expect("a lab sample has a fallback")
}

/// How a connect with a short deadline ended: "ok", "refused", "timeout".
pub async fn connect_outcome(
    addr: SocketAddr,
    wait: Duration,
) -> (&'static str, Option<TcpStream>) {
    match timeout(wait, TcpStream::connect(addr)).await {
        Err(_) => ("timeout", None),
        Ok(Ok(s)) => ("ok", Some(s)),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => ("refused", None),
        Ok(Err(e)) => panic!("unexpected connect error {e}"),
    }
}
