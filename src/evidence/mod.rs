//! Evidence: everything the probes observed, as plain owned values.
//!
//! Probes produce [`Observation`]s; a [`Report`] collects them (together
//! with the progress [`Step`]s) and is all that `diagnose` reads. Nothing
//! in here does I/O, and every value is what was seen on the wire or on
//! disk, never a conclusion.

pub mod dns;
pub mod net;
pub mod reply;
pub mod session;
pub mod store;
pub mod tls;
pub mod transcript;

pub use dns::{DnsAnswer, DnsLookup, DnsOutcome, RecordKind};
pub use net::{ConnectAttempt, ConnectOutcome, Interface, LocalNet, ProxyVar};
pub use reply::{Enhanced, Reply, Status};
pub use session::{
    Capabilities, Depth, Endpoint, EndpointProbe, Greeting, GreetingKind, LoginOutcome, LoginSkip,
    MailboxOutcome, Phase, Publisher, RelayOutcome, Role, Session, SessionEnd, StarttlsOutcome,
};
pub use store::{Space, StoreCheck, StoreProblem, WriteErrorKind, WriteTest};
pub use tls::{CertProblem, CertSummary, HandshakeFailure, PinCheck, TlsOutcome};
pub use transcript::{Direction, TranscriptLine};

use std::net::IpAddr;

use crate::account::{Account, Service};
use crate::event::Step;
use crate::peer::Peer;

/// How one of several quick repeated connects ended (the stability probe).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// Connected and the server greeted.
    Ok,
    Refused,
    TimedOut,
    Reset,
    /// Connected, then closed without a greeting.
    Closed,
    Other(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub outcome: AttemptOutcome,
    /// Time to the greeting (or to the failure).
    pub ms: f64,
}

/// Several short connects to the same endpoint, one after another, to see
/// whether the line loses or resets some of them.
#[derive(Debug, Clone, PartialEq)]
pub struct StabilityProbe {
    pub service: Service,
    pub endpoint: Endpoint,
    pub attempts: Vec<Attempt>,
}

impl StabilityProbe {
    pub fn successes(&self) -> usize {
        self.attempts
            .iter()
            .filter(|a| a.outcome == AttemptOutcome::Ok)
            .count()
    }
}

/// One finished observation, as the probe engine reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum Observation {
    /// The local network at the start of the run.
    LocalStart(LocalNet),
    /// The local network again, read after a failure or at the end.
    LocalEnd(LocalNet),
    Dns(DnsLookup),
    Endpoint(Box<EndpointProbe>),
    Stability(StabilityProbe),
    Store(StoreCheck),
}

/// All the evidence of one run over one account.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The settings that were checked (secrets stay inside `Secret`).
    pub account: Account,
    /// Which DNS server(s) answered: "system (10.0.0.1)" or "127.0.0.1:5353".
    pub resolver: String,
    pub local_start: Option<LocalNet>,
    pub local_end: Option<LocalNet>,
    pub dns: Vec<DnsLookup>,
    pub endpoints: Vec<EndpointProbe>,
    pub stability: Vec<StabilityProbe>,
    pub store: Option<StoreCheck>,
    pub steps: Vec<Step>,
    pub elapsed_ms: f64,
    /// The overall deadline stopped probes that were still running.
    pub deadline_hit: bool,
    /// Things the engine itself ran into that are not observations of the
    /// servers (a `ca_file` that could not be read, pins that could not be
    /// saved). Shown as notes.
    pub run_notes: Vec<String>,
    /// The other accounts of the same config (names, addresses, hosts), to
    /// tell a server copied from one of them. Empty for the demo's samples.
    pub peers: Vec<Peer>,
}

impl Report {
    pub fn new(account: Account, resolver: impl Into<String>) -> Self {
        Report {
            account,
            resolver: resolver.into(),
            local_start: None,
            local_end: None,
            dns: Vec::new(),
            endpoints: Vec::new(),
            stability: Vec::new(),
            store: None,
            steps: Vec::new(),
            elapsed_ms: 0.0,
            deadline_hit: false,
            run_notes: Vec::new(),
            peers: Vec::new(),
        }
    }

    pub fn record(&mut self, observation: Observation) {
        match observation {
            Observation::LocalStart(net) => self.local_start = Some(net),
            Observation::LocalEnd(net) => self.local_end = Some(net),
            Observation::Dns(lookup) => self.dns.push(lookup),
            Observation::Endpoint(probe) => self.endpoints.push(*probe),
            Observation::Stability(probe) => self.stability.push(probe),
            Observation::Store(check) => self.store = Some(check),
        }
    }

    /// Insert a step, or replace the one with the same id.
    pub fn update_step(&mut self, step: Step) {
        match self.steps.iter_mut().find(|s| s.id == step.id) {
            Some(existing) => *existing = step,
            None => self.steps.push(step),
        }
    }

    /// The lookup of `name` for `kind`, if it was made.
    pub fn lookup(&self, name: &str, kind: RecordKind) -> Option<&DnsLookup> {
        self.dns
            .iter()
            .find(|l| l.kind == kind && l.name.eq_ignore_ascii_case(name))
    }

    /// Every address `host` resolved to (A and AAAA); the host itself when
    /// it is an IP literal.
    pub fn addresses_of(&self, host: &str) -> Vec<IpAddr> {
        if let Ok(ip) = host.trim_matches(['[', ']']).parse::<IpAddr>() {
            return vec![ip];
        }
        [RecordKind::A, RecordKind::Aaaa]
            .into_iter()
            .filter_map(|kind| self.lookup(host, kind))
            .flat_map(|l| l.outcome.addrs())
            .collect()
    }

    /// The probe of the endpoint the account configures for `service`.
    pub fn configured(&self, service: Service) -> Option<&EndpointProbe> {
        self.endpoints
            .iter()
            .find(|p| p.service == service && p.role == Role::Configured)
    }

    /// Every probe made for `service` (configured and neighbours).
    pub fn probes_for(&self, service: Service) -> impl Iterator<Item = &EndpointProbe> {
        self.endpoints.iter().filter(move |p| p.service == service)
    }
}
