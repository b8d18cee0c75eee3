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
