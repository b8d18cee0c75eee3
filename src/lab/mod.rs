//! The embedded lab: scripted mail servers and a DNS server on 127.0.0.1,
//! and sample accounts that each show one cause. `mailfix demo`,
//! `mailfix check --demo` and the tests use it.
//!
//! Every lab host has its own address 127.0.0.x in the lab's DNS; each
//! sample's [`SimulatedNetwork`] routes those addresses (with the standard
//! or configured port) to the real listeners, which all sit on 127.0.0.1
//! with ports the OS chose. Anything without a route goes to a port that
//! refuses (or, for the firewalled sample, drops), so a probe of a sample
//! never reaches anything but the lab.
//!
//! Module map: `certs` (rcgen), `zone` and `dns` (hickory-proto), `conn`
//! (one server-side connection), `record` (what servers saw), `persona`
//! with `pop3`, `imap`, `smtp`, `sasl` and `dialogue` (realistic dialogues
//! with faults), `script` (raw hostile steps), `server` (listeners), `ports`
//! (refusing and dropping ports), `localnet` and `stores` (simulated
//! machine state), `topology` (hosts and routes), `samples` (the sample
//! accounts).

pub mod certs;
mod conn;
mod dialogue;
pub mod dns;
mod imap;
mod imap_cmd;
pub mod localnet;
mod persona;
mod pop3;
pub mod ports;
mod record;
mod samples;
pub mod sasl;
pub mod script;
pub mod server;
mod smtp;
mod stores;
mod topology;
pub mod zone;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use rustls_pki_types::CertificateDer;
use thiserror::Error;

use crate::account::Account;
use crate::probe::ProbeOptions;
use crate::probe::world::{Network, SimulatedNetwork};

pub use certs::{CertKind, LabCerts};
pub use dns::{DnsQueryLog, DnsServer};
pub use persona::{Cut, CutKind, Faults, LabUser, Persona, Stage};
pub use record::{Chunk, ConnRecord, LoginAttempt, Recorder, Violation};
pub use samples::{PASSWORD_MARKER, RELAY_RCPT};
pub use script::{Script, Step};
pub use server::{Behaviour, Fate, ListenerSpec, RunningServer, ServerHandle};
pub use topology::LabHost;
pub use zone::Zone;

#[derive(Debug, Error)]
pub enum LabError {
    #[error("could not start the lab: {0}")]
    Start(String),
    #[error("could not bind the lab's {what} on 127.0.0.1: {source}")]
    Bind {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("could not make the lab's certificates: {0}")]
    Cert(String),
    #[error("could not set up the lab's TLS: {0}")]
    Tls(String),
    #[error("bad lab DNS record {0}")]
    Zone(String),
    #[error("could not make the lab's mail store {path}: {source}")]
    Store {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Lock a mutex even if a panicking thread poisoned it: the lab's shared
/// records stay readable.
pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One sample account of the lab and how to probe it.
#[derive(Clone)]
pub struct Sample {
    pub account: Account,
    /// One sentence: what is wrong with this sample (or "nothing").
    pub description: String,
    /// The cause the sample is built to show, `None` for the healthy one.
    pub shows: Option<crate::catalogue::CauseId>,
    /// DNS server, simulated network, lab CA.
    pub options: ProbeOptions,
}

/// A socket the lab holds, for the "loopback only" check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    pub udp: bool,
    pub addr: SocketAddr,
}

/// A running lab. Its servers stop when it is dropped.
pub struct Lab {
    samples: Vec<Sample>,
    certs: Arc<LabCerts>,
    dns: DnsServer,
    hosts: Vec<LabHost>,
    servers: Vec<RunningServer>,
    refusing: ports::RefusingPort,
    dropping: ports::DroppingPort,
    routes: std::collections::HashMap<SocketAddr, SocketAddr>,
    _stores: tempfile::TempDir,
}

impl Lab {
    /// Start every server on 127.0.0.1 (ports chosen by the OS).
    pub async fn start() -> Result<Lab, LabError> {
        let certs = Arc::new(LabCerts::generate()?);
        let stores = tempfile::Builder::new()
            .prefix("mailfix-lab-")
            .tempdir()
            .map_err(|source| LabError::Store {
                path: std::env::temp_dir(),
                source,
            })?;
        let blueprint = samples::blueprint(stores.path())?;
        let refusing = ports::RefusingPort::bind()?;
        let dropping = ports::DroppingPort::bind()?;
        let mut zone = blueprint.zone;
        let started = topology::start(&blueprint.hosts, &certs, &mut zone, dropping.addr).await?;
        let dns = DnsServer::start(zone).await?;

        let samples = blueprint
            .samples
            .into_iter()
            .map(|spec| {
                let network = SimulatedNetwork {
                    routes: started.routes.clone(),
                    fallback: Some(if spec.net.firewalled {
                        dropping.addr
                    } else {
                        refusing.addr
                    }),
                    unplugged: spec.net.unplugged,
                    local_start: Some(spec.net.local_start),
                    local_end: Some(spec.net.local_end),
                    store_space: spec.net.store_space,
                };
                Sample {
                    account: spec.account,
                    description: spec.description,
                    shows: spec.shows,
                    options: ProbeOptions {
                        dns_server: Some(dns.addr),
                        state_dir: None,
                        network: Network::Simulated(Arc::new(network)),
                        extra_roots: vec![certs.ca()],
                        // The samples are different people's accounts.
                        peers: Vec::new(),
                    },
                }
            })
            .collect();
        Ok(Lab {
            samples,
            certs,
            dns,
            hosts: started.hosts,
            servers: started.servers,
            refusing,
            dropping,
            routes: started.routes,
            _stores: stores,
        })
    }

    pub fn samples(&self) -> &[Sample] {
        &self.samples
    }

    pub fn sample(&self, name: &str) -> Option<&Sample> {
        self.samples.iter().find(|s| s.account.name == name)
    }

    /// The lab CA (what every sample trusts).
    pub fn ca(&self) -> CertificateDer<'static> {
        self.certs.ca()
    }

    pub fn dns(&self) -> &DnsServer {
        &self.dns
    }

    pub fn dns_addr(&self) -> SocketAddr {
        self.dns.addr
    }

    pub fn hosts(&self) -> &[LabHost] {
        &self.hosts
    }

    pub fn servers(&self) -> &[RunningServer] {
        &self.servers
    }

    /// The listener serving `host:port`, if one does.
    pub fn server(&self, host: &str, port: u16) -> Option<&ServerHandle> {
        let name = format!("{}:{port}", host.to_ascii_lowercase());
        self.servers.iter().map(|s| &**s).find(|s| s.name == name)
    }

    /// Where a connect to `logical` really goes.
    pub fn route(&self, logical: SocketAddr) -> Option<SocketAddr> {
        self.routes.get(&logical).copied()
    }

    /// The port where connects are refused.
    pub fn refusing_addr(&self) -> SocketAddr {
        self.refusing.addr
    }

    /// The port where connects get no answer.
    pub fn dropping_addr(&self) -> SocketAddr {
        self.dropping.addr
    }

    /// Every socket the lab bound.
    pub fn bound(&self) -> Vec<Bound> {
        let mut out = vec![
            Bound {
                udp: true,
                addr: self.dns.addr,
            },
            Bound {
                udp: false,
                addr: self.dns.addr,
            },
            Bound {
                udp: false,
                addr: self.refusing.addr,
            },
            Bound {
                udp: false,
                addr: self.dropping.addr,
            },
        ];
        out.extend(self.servers.iter().map(|s| Bound {
            udp: false,
            addr: s.addr,
        }));
        out
    }

    /// Every rule a client broke on any lab server, by server name. A run
    /// of mailfix over the lab must leave this empty.
    pub fn violations(&self) -> Vec<(String, Violation)> {
        self.servers
            .iter()
            .flat_map(|s| s.log.violations().into_iter().map(|v| (s.name.clone(), v)))
            .collect()
    }

    /// Every login attempt any lab server judged, by server name (at most
    /// one per mechanism per run is allowed).
    pub fn logins(&self) -> Vec<(String, LoginAttempt)> {
        self.servers
            .iter()
            .flat_map(|s| s.log.logins().into_iter().map(|l| (s.name.clone(), l)))
            .collect()
    }

    /// True if any client sent `needle` to any lab server outside TLS
    /// (a password must never be found this way unless plaintext login
    /// was allowed).
    pub fn plaintext_contains(&self, needle: &[u8]) -> bool {
        self.servers
            .iter()
            .any(|s| s.log.plaintext_contains(needle))
    }

    /// True if any client sent `needle` to any lab server at all.
    pub fn received_contains(&self, needle: &[u8]) -> bool {
        self.servers.iter().any(|s| s.log.received_contains(needle))
    }

    /// Forget what the servers recorded so far (between runs).
    pub fn clear_records(&self) {
        for s in &self.servers {
            s.log.clear();
        }
    }
}
