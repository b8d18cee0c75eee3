//! The lab's sample accounts. Each sample brings its hosts, its DNS
//! records and its account, built so that its evidence points at one
//! cause and no other; the account name is the sample's short name.
//!
//! Every sample password holds [`PASSWORD_MARKER`], so a test can grep any
//! output for it.

mod connect;
mod login;
mod other;

use std::path::Path;

use super::LabError;
use super::localnet;
use super::persona::{LabUser, Persona};
use super::topology::HostSpec;
use super::zone::Zone;
use crate::account::{
    Account, AuthMech, PasswordSource, Protocol, Security, ServerSettings, StoreFormat,
    StoreSettings,
};
use crate::catalogue::CauseId;
use crate::evidence::{LocalNet, Space};
use crate::secret::Secret;

/// Part of every sample password (never printed by a correct mailfix).
pub const PASSWORD_MARKER: &str = "s3cr3t";
/// The outside address of every sample's relay probe.
pub const RELAY_RCPT: &str = "someone@example.net";

/// How a sample's simulated network differs from a working one.
#[derive(Debug, Clone)]
pub struct SimNet {
    /// Every connect fails with "network unreachable".
    pub unplugged: bool,
    /// Addresses without a route drop connects instead of refusing them.
    pub firewalled: bool,
    pub local_start: LocalNet,
    pub local_end: LocalNet,
    pub store_space: Option<Space>,
}

impl Default for SimNet {
    fn default() -> Self {
        SimNet {
            unplugged: false,
            firewalled: false,
            local_start: localnet::online(),
            local_end: localnet::online(),
            store_space: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SampleSpec {
    pub account: Account,
    pub description: String,
    pub shows: Option<CauseId>,
    pub net: SimNet,
}

/// Everything the samples need started.
#[derive(Debug, Default)]
pub struct Blueprint {
    pub hosts: Vec<HostSpec>,
    /// MX and SRV records (A/AAAA come from the hosts).
    pub zone: Zone,
    pub samples: Vec<SampleSpec>,
}

impl Blueprint {
    fn host(&mut self, host: HostSpec) {
        self.hosts.push(host);
    }

    fn mx(&mut self, domain: &str, host: &str) -> Result<(), LabError> {
        self.zone.mx(domain, 10, host)
    }

    /// `label` is e.g. `_imaps._tcp`.
    fn srv(&mut self, label: &str, domain: &str, port: u16, host: &str) -> Result<(), LabError> {
        self.zone.srv(&format!("{label}.{domain}"), port, host)
    }

    /// SRV records for the IMAP ports of `host`.
    fn srv_imap(&mut self, domain: &str, host: &str) -> Result<(), LabError> {
        self.srv("_imaps._tcp", domain, 993, host)?;
        self.srv("_imap._tcp", domain, 143, host)
    }

    fn srv_submission(&mut self, domain: &str, host: &str) -> Result<(), LabError> {
        self.srv("_submissions._tcp", domain, 465, host)?;
        self.srv("_submission._tcp", domain, 587, host)
    }

    /// The site's domain names its host as MX and, by SRV, as its IMAP
    /// server.
    fn publish_imap(&mut self, site: &Site) -> Result<(), LabError> {
        self.mx(site.domain(), site.host)?;
        self.srv_imap(site.domain(), site.host)
    }

    /// The site's domain names its host as MX and, by SRV, as its
    /// submission server.
    fn publish_submission(&mut self, site: &Site) -> Result<(), LabError> {
        self.mx(site.domain(), site.host)?;
        self.srv_submission(site.domain(), site.host)
    }

    fn sample(&mut self, account: Account, shows: Option<CauseId>, description: &str, net: SimNet) {
        self.samples.push(SampleSpec {
            account,
            description: description.to_owned(),
            shows,
            net,
        });
    }
}

/// All samples, with their stores made under `store_root`.
pub fn blueprint(store_root: &Path) -> Result<Blueprint, LabError> {
    let mut bp = Blueprint::default();
    connect::add(&mut bp, store_root)?;
    login::add(&mut bp)?;
    other::add(&mut bp, store_root)?;
    Ok(bp)
}

/// Where a sample's user has their mail: `host` serves the domain of
/// `email`, and the user logs in there with `pw`.
#[derive(Debug, Clone, Copy)]
struct Site<'a> {
    host: &'a str,
    email: &'a str,
    pw: &'a str,
}

impl<'a> Site<'a> {
    fn new(host: &'a str, email: &'a str, pw: &'a str) -> Self {
        Site { host, email, pw }
    }

    fn domain(&self) -> &'a str {
        self.email.split_once('@').map_or("", |(_, domain)| domain)
    }

    fn user(&self) -> LabUser {
        LabUser::new(self.email, self.pw)
    }

    /// An IMAP server on the host that knows the user.
    fn imap_server(&self) -> Persona {
        Persona::imap(self.host).user(self.user())
    }

    /// A POP3 server on the host that knows the user.
    fn pop3_server(&self) -> Persona {
        Persona::pop3(self.host).user(self.user())
    }

    /// The domain's submission server on the host, for the user.
    fn submission_server(&self) -> Persona {
        submission_server(self.host, self.domain(), self.user())
    }

    /// The account's settings for the host's IMAP server.
    fn imap(&self, port: u16, security: Security) -> ServerSettings {
        self.server(Protocol::Imap, port, security)
    }

    fn pop3(&self, port: u16, security: Security) -> ServerSettings {
        self.server(Protocol::Pop3, port, security)
    }

    fn smtp(&self, port: u16, security: Security, auth: AuthMech) -> ServerSettings {
        ServerSettings {
            auth,
            ..self.server(Protocol::Smtp, port, security)
        }
    }

    fn server(&self, protocol: Protocol, port: u16, security: Security) -> ServerSettings {
        server(protocol, self.host, port, security, self.email, self.pw)
    }
}

/// A server of an account, with `auth = auto` and no extras.
fn server(
    protocol: Protocol,
    host: &str,
    port: u16,
    security: Security,
    user: &str,
    password: &str,
) -> ServerSettings {
    ServerSettings {
        protocol,
        host: host.to_owned(),
        port,
        port_explicit: port != protocol.default_port(security),
        security,
        auth: AuthMech::Auto,
        username: user.to_owned(),
        password: PasswordSource::Literal(Secret::new(password)),
        ca_file: None,
        allow_plaintext_auth: false,
        relay_probe_rcpt: if protocol == Protocol::Smtp {
            Some(RELAY_RCPT.to_owned())
        } else {
            None
        },
    }
}

fn account(name: &str, email: &str) -> Account {
    Account {
        name: name.to_owned(),
        email: email.to_owned(),
        incoming: None,
        outgoing: None,
        store: None,
    }
}

fn incoming(name: &str, email: &str, settings: ServerSettings) -> Account {
    Account {
        incoming: Some(settings),
        ..account(name, email)
    }
}

fn outgoing(name: &str, email: &str, settings: ServerSettings) -> Account {
    Account {
        outgoing: Some(settings),
        ..account(name, email)
    }
}

fn store_at(path: &Path, format: StoreFormat) -> Option<StoreSettings> {
    Some(StoreSettings {
        path: path.to_owned(),
        format,
    })
}

fn store(name: &str, email: &str, path: &Path, format: StoreFormat) -> Account {
    Account {
        store: store_at(path, format),
        ..account(name, email)
    }
}

/// A submission server for `domain` (relays for its authenticated users,
/// who may send only as themselves).
fn submission_server(host: &str, domain: &str, user: LabUser) -> Persona {
    let mut p = Persona::smtp(host).user(user).local_domain(domain);
    p.faults.check_sender = true;
    p
}

/// A domain's MX on port 25: takes mail for `domain` only, offers no AUTH.
fn mx_server(host: &str, domain: &str) -> Persona {
    Persona::smtp(host).mechanisms(&[]).local_domain(domain)
}
