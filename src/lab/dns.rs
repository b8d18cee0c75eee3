//! The lab's DNS server: UDP and TCP on the same 127.0.0.1 port, answering
//! from a [`Zone`]. Answers too big for UDP come back truncated (TC), and
//! the client asks again over TCP. Every question is logged, so a test can
//! check what was asked.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::task::{JoinHandle, JoinSet};

use super::zone::Zone;
use super::{LabError, lock};

/// One question the server answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsQueryLog {
    pub tcp: bool,
    pub name: String,
    /// "A", "MX", …
    pub kind: String,
    /// "No Error", "Non-Existent Domain", …
    pub rcode: String,
    pub truncated: bool,
}

/// A running DNS server; it stops when dropped.
#[derive(Debug)]
pub struct DnsServer {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<DnsQueryLog>>>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// UDP and TCP sockets on one port of 127.0.0.1.
async fn bind_pair() -> Result<(UdpSocket, TcpListener), LabError> {
    let mut last = None;
    for _ in 0..20 {
        let udp = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|source| LabError::Bind {
                what: "DNS (UDP)".into(),
                source,
            })?;
        let port = udp
            .local_addr()
            .map_err(|source| LabError::Bind {
                what: "DNS (UDP)".into(),
                source,
            })?
            .port();
        match TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await {
            Ok(tcp) => return Ok((udp, tcp)),
            Err(e) => last = Some(e),
        }
    }
    Err(LabError::Bind {
        what: "DNS (TCP on the UDP port)".into(),
        source: last.unwrap_or_else(|| std::io::ErrorKind::AddrInUse.into()),
    })
}

impl DnsServer {
    pub async fn start(zone: Zone) -> Result<DnsServer, LabError> {
        let (udp, tcp) = bind_pair().await?;
        let addr = udp.local_addr().map_err(|source| LabError::Bind {
            what: "DNS".into(),
            source,
        })?;
        let zone = Arc::new(zone);
        let log = Arc::new(Mutex::new(Vec::new()));
        let tasks = vec![
            tokio::spawn(serve_udp(udp, zone.clone(), log.clone())),
            tokio::spawn(serve_tcp(tcp, zone, log.clone())),
        ];
        Ok(DnsServer { addr, log, tasks })
    }

    /// Every question answered so far.
    pub fn queries(&self) -> Vec<DnsQueryLog> {
        lock(&self.log).clone()
    }
}

fn answer(
    zone: &Zone,
    log: &Mutex<Vec<DnsQueryLog>>,
    request: &[u8],
    tcp: bool,
) -> Option<Vec<u8>> {
    let a = zone.respond(request, !tcp)?;
    lock(log).push(DnsQueryLog {
        tcp,
        name: a.name,
        kind: a.kind,
        rcode: a.rcode,
        truncated: a.truncated,
    });
    Some(a.bytes)
}

async fn serve_udp(socket: UdpSocket, zone: Arc<Zone>, log: Arc<Mutex<Vec<DnsQueryLog>>>) {
    let mut buf = vec![0u8; 4096];
    loop {
        let Ok((n, peer)) = socket.recv_from(&mut buf).await else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        if let Some(reply) = answer(&zone, &log, &buf[..n], false) {
            let _ = socket.send_to(&reply, peer).await;
        }
    }
}

async fn serve_tcp(listener: TcpListener, zone: Arc<Zone>, log: Arc<Mutex<Vec<DnsQueryLog>>>) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    conns.spawn(serve_tcp_conn(stream, zone.clone(), log.clone()));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
}

/// RFC 1035 §4.2.2: each message prefixed with its two-byte length.
async fn serve_tcp_conn(mut stream: TcpStream, zone: Arc<Zone>, log: Arc<Mutex<Vec<DnsQueryLog>>>) {
    const IDLE: Duration = Duration::from_secs(10);
    loop {
        let mut len = [0u8; 2];
        match tokio::time::timeout(IDLE, stream.read_exact(&mut len)).await {
            Ok(Ok(_)) => {}
            _ => return,
        }
        let mut request = vec![0u8; u16::from_be_bytes(len) as usize];
        match tokio::time::timeout(IDLE, stream.read_exact(&mut request)).await {
            Ok(Ok(_)) => {}
            _ => return,
        }
        let Some(reply) = answer(&zone, &log, &request, true) else {
            return;
        };
        let Ok(n) = u16::try_from(reply.len()) else {
            return;
        };
        let mut framed = n.to_be_bytes().to_vec();
        framed.extend(reply);
        if stream.write_all(&framed).await.is_err() {
            return;
        }
    }
}
