//! The lab's hosts: each gets its own address 127.0.0.x (so two hosts can
//! serve different things on the same port), a certificate, and a set of
//! ports, each served by a listener on 127.0.0.1 or silently dropped.
//! Starting them yields the routes of the simulated network: logical
//! address (the host's 127.0.0.x and the port) → real listener.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use super::LabError;
use super::certs::{CertKind, LabCerts};
use super::persona::Persona;
use super::server::{self, Fate, ListenerSpec, RunningServer};
use super::zone::Zone;

/// The first address handed to a lab host; 127.0.0.1 stays for the real
/// listeners, so a logical address never equals a real one.
pub const FIRST_HOST_ADDR: u8 = 10;

#[derive(Debug, Clone)]
pub enum PortKind {
    /// Serve this persona, in TLS from the first byte or not.
    Serve {
        persona: Box<Persona>,
        implicit_tls: bool,
        fates: Vec<Fate>,
    },
    /// Drop every connect silently (a filtered port).
    Drop,
}

#[derive(Debug, Clone)]
pub struct HostSpec {
    pub name: String,
    /// Also answer AAAA ::1 (and route [::1]).
    pub ipv6: bool,
    pub cert: CertKind,
    pub ports: Vec<(u16, PortKind)>,
}

impl HostSpec {
    pub fn new(name: &str) -> Self {
        HostSpec {
            name: name.to_owned(),
            ipv6: false,
            cert: CertKind::Good,
            ports: Vec::new(),
        }
    }

    pub fn cert(mut self, kind: CertKind) -> Self {
        self.cert = kind;
        self
    }

    pub fn ipv6(mut self) -> Self {
        self.ipv6 = true;
        self
    }

    /// TLS from the first byte on `port`.
    pub fn tls(self, port: u16, persona: Persona) -> Self {
        self.lossy_tls(port, persona, Vec::new())
    }

    /// TLS from the first byte, with a repeating pattern of lost connections.
    pub fn lossy_tls(mut self, port: u16, persona: Persona, fates: Vec<Fate>) -> Self {
        self.ports.push((
            port,
            PortKind::Serve {
                persona: Box::new(persona),
                implicit_tls: true,
                fates,
            },
        ));
        self
    }

    /// Plain text on `port` (STARTTLS offered when the persona says so).
    pub fn plain(mut self, port: u16, persona: Persona) -> Self {
        self.ports.push((
            port,
            PortKind::Serve {
                persona: Box::new(persona),
                implicit_tls: false,
                fates: Vec::new(),
            },
        ));
        self
    }

    pub fn drop(mut self, port: u16) -> Self {
        self.ports.push((port, PortKind::Drop));
        self
    }

    /// IMAP on 993 (TLS) and 143 (STARTTLS).
    pub fn imap(self, persona: Persona) -> Self {
        self.tls(993, persona.clone()).plain(143, persona)
    }

    /// POP3 on 995 (TLS) and 110 (STLS).
    pub fn pop3(self, persona: Persona) -> Self {
        self.tls(995, persona.clone()).plain(110, persona)
    }

    /// Submission on 465 (TLS) and 587 (STARTTLS).
    pub fn submission(self, persona: Persona) -> Self {
        self.tls(465, persona.clone()).plain(587, persona)
    }
}

/// A host as started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabHost {
    pub name: String,
    pub ip: Ipv4Addr,
    pub ipv6: bool,
}

/// Everything [`start`] made.
pub struct Started {
    pub hosts: Vec<LabHost>,
    pub routes: HashMap<SocketAddr, SocketAddr>,
    pub servers: Vec<RunningServer>,
}

/// Give each host its address, put A/AAAA records in `zone`, start a
/// listener per served port, and route dropped ports to `drop_addr`.
pub async fn start(
    specs: &[HostSpec],
    certs: &LabCerts,
    zone: &mut Zone,
    drop_addr: SocketAddr,
) -> Result<Started, LabError> {
    let mut started = Started {
        hosts: Vec::new(),
        routes: HashMap::new(),
        servers: Vec::new(),
    };
    for (i, spec) in specs.iter().enumerate() {
        let last = u8::try_from(i + FIRST_HOST_ADDR as usize)
            .ok()
            .filter(|n| *n < 255)
            .ok_or_else(|| LabError::Start("too many lab hosts".into()))?;
        let ip = Ipv4Addr::new(127, 0, 0, last);
        zone.a(&spec.name, ip)?;
        if spec.ipv6 {
            zone.aaaa(&spec.name, Ipv6Addr::LOCALHOST)?;
        }
        let tls = certs.server_config(&spec.cert, &spec.name)?;
        for (port, kind) in &spec.ports {
            let real = match kind {
                PortKind::Drop => drop_addr,
                PortKind::Serve {
                    persona,
                    implicit_tls,
                    fates,
                } => {
                    let name = format!("{}:{port}", spec.name);
                    let mut listener =
                        ListenerSpec::persona(name, (**persona).clone()).lossy(fates.clone());
                    listener = if *implicit_tls {
                        listener.implicit_tls(tls.clone())
                    } else {
                        listener.with_tls(tls.clone())
                    };
                    let server = server::spawn(listener).await?;
                    let addr = server.addr;
                    started.servers.push(server);
                    addr
                }
            };
            started
                .routes
                .insert(SocketAddr::new(IpAddr::V4(ip), *port), real);
            if spec.ipv6 {
                started.routes.insert(
                    SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), *port),
                    real,
                );
            }
        }
        started.hosts.push(LabHost {
            name: spec.name.clone(),
            ip,
            ipv6: spec.ipv6,
        });
    }
    Ok(started)
}
