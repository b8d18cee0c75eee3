//! The two lab ports that serve nothing: one that refuses every connect
//! (bound, never listening: the kernel answers a SYN with RST) and one
//! that drops them (listening with a backlog of 0 whose single queue slot
//! is already taken and never accepted: the kernel ignores further SYNs,
//! so a connect runs into its own deadline, like behind a firewall that
//! drops packets). Neither needs root.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpStream};
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};

use super::LabError;

fn bind_err(what: &str) -> impl FnOnce(std::io::Error) -> LabError + '_ {
    move |source| LabError::Bind {
        what: what.to_owned(),
        source,
    }
}

fn loopback_socket(what: &str) -> Result<(Socket, SocketAddr), LabError> {
    let socket =
        Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).map_err(bind_err(what))?;
    socket
        .bind(&SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0).into())
        .map_err(bind_err(what))?;
    let addr = socket
        .local_addr()
        .map_err(bind_err(what))?
        .as_socket()
        .ok_or_else(|| LabError::Start(format!("{what}: no socket address")))?;
    Ok((socket, addr))
}

/// Connects here are refused (RST).
#[derive(Debug)]
pub struct RefusingPort {
    _socket: Socket,
    pub addr: SocketAddr,
}

impl RefusingPort {
    pub fn bind() -> Result<Self, LabError> {
        let (socket, addr) = loopback_socket("refusing port")?;
        Ok(RefusingPort {
            _socket: socket,
            addr,
        })
    }
}

/// Connects here get no answer at all and time out.
#[derive(Debug)]
pub struct DroppingPort {
    _listener: Socket,
    _filler: TcpStream,
    pub addr: SocketAddr,
}

impl DroppingPort {
    pub fn bind() -> Result<Self, LabError> {
        let what = "dropping port";
        let (listener, addr) = loopback_socket(what)?;
        listener.listen(0).map_err(bind_err(what))?;
        // With a backlog of 0 the accept queue holds one connection; this
        // one fills it and is never accepted.
        let filler =
            TcpStream::connect_timeout(&addr, Duration::from_secs(1)).map_err(bind_err(what))?;
        Ok(DroppingPort {
            _listener: listener,
            _filler: filler,
            addr,
        })
    }
}
