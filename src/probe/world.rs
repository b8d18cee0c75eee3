//! The network mailfix talks through: the machine's own, or the demo lab's
//! simulation of one.
//!
//! The lab's servers are real sockets on 127.0.0.1, but they cannot take
//! the standard ports (993, 587, …) nor unplug the user's cable. A
//! [`SimulatedNetwork`] maps the addresses the lab's DNS hands out to the
//! ports its servers really listen on, and can stand in for the local
//! interfaces and the store's free space. Everything else, including every
//! byte of every protocol, is real.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use crate::evidence::{LocalNet, Space};

#[derive(Clone, Default)]
pub enum Network {
    #[default]
    System,
    Simulated(Arc<SimulatedNetwork>),
}

#[derive(Debug, Clone, Default)]
pub struct SimulatedNetwork {
    /// A connect to the key really goes to the value.
    pub routes: HashMap<SocketAddr, SocketAddr>,
    /// Every address not in `routes` goes here: a lab port that refuses
    /// (or drops) connections, so nothing ever leaves loopback.
    pub fallback: Option<SocketAddr>,
    /// Every connect fails with "network unreachable": the cable is out.
    pub unplugged: bool,
    /// Reported instead of the machine's interfaces and routes.
    pub local_start: Option<LocalNet>,
    pub local_end: Option<LocalNet>,
    /// Reported instead of the store's real free space.
    pub store_space: Option<Space>,
}

impl SimulatedNetwork {
    /// Where a connect to `addr` really goes: its route, else the
    /// fallback, else nowhere (the simulation never reaches outside).
    /// `None` also when the cable is out.
    pub fn route(&self, addr: SocketAddr) -> Option<SocketAddr> {
        if self.unplugged {
            return None;
        }
        self.routes.get(&addr).copied().or(self.fallback)
    }
}

impl Network {
    /// The simulation, if this is one.
    pub fn simulated(&self) -> Option<&SimulatedNetwork> {
        match self {
            Network::System => None,
            Network::Simulated(sim) => Some(sim),
        }
    }

    /// True when the simulated cable is out.
    pub fn unplugged(&self) -> bool {
        self.simulated().is_some_and(|s| s.unplugged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn routes_then_fallback_then_nothing() {
        let mut sim = SimulatedNetwork::default();
        sim.routes
            .insert(addr("192.0.2.1:993"), addr("127.0.0.1:40001"));
        assert_eq!(
            sim.route(addr("192.0.2.1:993")),
            Some(addr("127.0.0.1:40001"))
        );
        assert_eq!(sim.route(addr("192.0.2.1:143")), None);
        sim.fallback = Some(addr("127.0.0.1:40002"));
        assert_eq!(
            sim.route(addr("192.0.2.1:143")),
            Some(addr("127.0.0.1:40002"))
        );
        sim.unplugged = true;
        assert_eq!(sim.route(addr("192.0.2.1:993")), None);
    }
}
