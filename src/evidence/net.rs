//! What the local machine and TCP connects showed.

use std::fmt;
use std::net::{IpAddr, SocketAddr};

/// How one TCP connect to one address ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectOutcome {
    Connected,
    /// RST in answer to the SYN (ECONNREFUSED): the host is there, the port is closed.
    Refused,
    /// No answer before the deadline: dropped by a firewall, or a dead host.
    TimedOut,
    /// EHOSTUNREACH: a router (or the local stack) says the host cannot be reached.
    HostUnreachable,
    /// ENETUNREACH: no route to that network from here.
    NetUnreachable,
    /// ECONNRESET during the handshake.
    Reset,
    /// EADDRNOTAVAIL and the like: this machine has no usable source address.
    NoSourceAddress,
    /// Anything else, with the OS's words.
    Other {
        errno: Option<i32>,
        text: String,
    },
}

impl ConnectOutcome {
    pub fn is_connected(&self) -> bool {
        matches!(self, ConnectOutcome::Connected)
    }

    /// Short word for lists and JSON: `ok`, `refused`, `timeout`, …
    pub fn as_str(&self) -> &'static str {
        match self {
            ConnectOutcome::Connected => "ok",
            ConnectOutcome::Refused => "refused",
            ConnectOutcome::TimedOut => "timeout",
            ConnectOutcome::HostUnreachable => "host-unreachable",
            ConnectOutcome::NetUnreachable => "network-unreachable",
            ConnectOutcome::Reset => "reset",
            ConnectOutcome::NoSourceAddress => "no-source-address",
            ConnectOutcome::Other { .. } => "error",
        }
    }
}

impl fmt::Display for ConnectOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectOutcome::Connected => f.write_str("connected"),
            ConnectOutcome::Refused => f.write_str("refused (RST)"),
            ConnectOutcome::TimedOut => f.write_str("no answer (timed out)"),
            ConnectOutcome::HostUnreachable => f.write_str("host unreachable"),
            ConnectOutcome::NetUnreachable => f.write_str("network unreachable"),
            ConnectOutcome::Reset => f.write_str("reset during connect"),
            ConnectOutcome::NoSourceAddress => f.write_str("no usable local address"),
            ConnectOutcome::Other { text, .. } => f.write_str(text),
        }
    }
}

/// One TCP connect to one resolved address.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectAttempt {
    pub addr: SocketAddr,
    pub outcome: ConnectOutcome,
    pub ms: f64,
}

/// A network interface as the OS reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    pub name: String,
    pub up: bool,
    /// `None` when the OS does not say (no carrier file).
    pub carrier: Option<bool>,
    pub loopback: bool,
    pub addrs: Vec<IpAddr>,
}

impl Interface {
    /// Up, with carrier (or carrier unknown), not loopback, with an address.
    pub fn is_usable(&self) -> bool {
        !self.loopback && self.up && self.carrier != Some(false) && !self.addrs.is_empty()
    }
}

/// A proxy setting found in the environment. The value has any
/// `user:password@` part removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyVar {
    pub name: String,
    pub value: String,
}

/// The local network as read from the OS (Linux: /sys/class/net and
/// /proc/net/route, ipv6_route). `None` fields mean "could not tell".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LocalNet {
    pub interfaces: Vec<Interface>,
    pub default_route_v4: Option<bool>,
    pub default_route_v6: Option<bool>,
    pub proxies: Vec<ProxyVar>,
    /// Set when this snapshot is a simulation of the demo lab, not the
    /// machine's own state; shown as such.
    pub simulated: bool,
}

impl LocalNet {
    pub fn usable_interfaces(&self) -> impl Iterator<Item = &Interface> {
        self.interfaces.iter().filter(|i| i.is_usable())
    }

    /// True only when the OS positively shows no way out: no usable
    /// interface, or no default route in either family.
    pub fn clearly_offline(&self) -> bool {
        let no_iface = !self.interfaces.is_empty() && self.usable_interfaces().next().is_none();
        let no_route = self.default_route_v4 == Some(false) && self.default_route_v6 == Some(false);
        no_iface || no_route
    }
}
