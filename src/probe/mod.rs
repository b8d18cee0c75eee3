//! The probe engine: all network and disk I/O of a check.
//!
//! [`run`] carries out a [`Plan`](crate::plan::Plan): it reads the local
//! network, asks DNS, connects to every endpoint (all at once, every wait
//! bounded by the plan's timeout and the whole run by its deadline), talks
//! the protocol on the ones that answer, checks the store, and streams
//! [`Event`](crate::event::Event)s while it goes. It returns the finished
//! [`Report`](crate::evidence::Report); a timeout is an outcome in the
//! report, never an error.
//!
//! Module map: `dns` (the only user of hickory), `net` (connect and errno
//! classification), `local` (interfaces and routes), `tls` (rustls
//! configuration and certificate classification), `line` (bounded line
//! reading), `transcript` (redaction and escaping), `pop3`/`imap`/`smtp`
//! (dialogues generic over `AsyncRead + AsyncWrite`), `sasl`, `session`
//! (one endpoint's conversation), `pins` (certificate pins), `stability`,
//! `store`, `world` (the simulated network of the demo lab).

pub mod auth;
pub mod discover;
pub mod dns;
mod engine;
pub mod imap;
pub mod line;
pub mod local;
pub mod net;
pub mod pins;
pub mod pop3;
pub mod sasl;
pub mod session;
pub mod smtp;
pub mod stability;
pub mod store;
pub mod tls;
pub mod transcript;
pub mod wire;
pub mod world;

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::peer::Peer;
use rustls_pki_types::CertificateDer;

pub use engine::{mode_detail, path_kinds, run, split_mode};
pub use world::Network;

/// How to run probes, beyond what the plan says.
#[derive(Clone, Default)]
pub struct ProbeOptions {
    /// Ask this DNS server instead of the system's (`--dns-server`).
    pub dns_server: Option<SocketAddr>,
    /// Where certificate pins live (`$XDG_STATE_HOME/mailfix`, see
    /// [`pins::default_state_dir`]); `None` turns pinning off (tests, demo).
    pub state_dir: Option<PathBuf>,
    /// The real network, or the demo lab's simulation of one.
    pub network: Network,
    /// Trust anchors beyond the system's and the account's `ca_file` (the
    /// lab's CA).
    pub extra_roots: Vec<CertificateDer<'static>>,
    /// The other accounts of the same config: not probed, only handed to
    /// the report for the diagnosis to compare servers with.
    pub peers: Vec<Peer>,
}
