//! Why no name server answers, when the OS can tell: the question again on
//! a connected UDP socket, where "network unreachable" and "connection
//! refused" (an ICMP port unreachable) are reported instead of swallowed.

use std::net::SocketAddr;
use std::time::Duration;

use hickory_resolver::proto::op::{Message, Query};
use hickory_resolver::proto::rr::{Name, RecordType};
use tokio::net::UdpSocket;

use crate::probe::net::os_reason;

/// Ask every server the question on a connected UDP socket and wait
/// briefly. `Some(reason)` only when *no* server can be reached and the OS
/// said why; silence proves nothing.
pub(super) async fn unreachable_reason(
    servers: &[SocketAddr],
    name: &Name,
    rtype: RecordType,
    wait: Duration,
) -> Option<String> {
    if servers.is_empty() {
        return None;
    }
    let mut message = Message::query();
    message.add_query(Query::query(name.clone(), rtype));
    message.metadata.recursion_desired = true;
    let bytes = message.to_vec().ok()?;
    let checks = servers.iter().map(|&addr| {
        let bytes = &bytes;
        async move { (addr, reach_one(addr, bytes, wait).await) }
    });
    let results = futures::future::join_all(checks).await;
    let mut reasons = Vec::new();
    for (addr, result) in results {
        match result {
            Ok(()) => return None,
            Err(reason) => reasons.push(format!("{addr}: {reason}")),
        }
    }
    Some(reasons.join("; "))
}

async fn reach_one(addr: SocketAddr, bytes: &[u8], wait: Duration) -> Result<(), String> {
    let local: SocketAddr = if addr.is_ipv4() {
        (std::net::Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let reason = |e: std::io::Error| os_reason(&e);
    let socket = UdpSocket::bind(local).await.map_err(reason)?;
    socket.connect(addr).await.map_err(reason)?;
    socket.send(bytes).await.map_err(reason)?;
    let mut buf = [0u8; 512];
    match tokio::time::timeout(wait, socket.recv(&mut buf)).await {
        Ok(Err(e)) => Err(reason(e)),
        // An answer, or silence: not proven unreachable.
        Ok(Ok(_)) | Err(_) => Ok(()),
    }
}
