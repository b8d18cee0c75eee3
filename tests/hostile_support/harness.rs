//! Run one case through the real pipeline.
//!
//! The lab's DNS gives [`HOST`] the address 127.0.0.10 (and
//! [`REFERRED_HOST`] 127.0.0.11) and publishes MX and SRV records naming
//! [`HOST`]. The simulated network routes the configured port of
//! 127.0.0.10 to the case's script, the other standard ports of the
//! protocol to a port that refuses, and everything else to a tripwire: a
//! listener that records the connection and resets it. mailfix must never
//! touch the tripwire.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use mailfix::account::{Account, PasswordSource, Protocol, ServerSettings};
use mailfix::diagnose::diagnose;
use mailfix::event::{Event, RunId};
use mailfix::evidence::{Report, Session, SessionEnd};
use mailfix::finding::Diagnosis;
use mailfix::lab::dns::DnsQueryLog;
use mailfix::lab::ports::RefusingPort;
use mailfix::lab::{
    ConnRecord, DnsServer, LabCerts, ListenerSpec, Script, Step, Zone, localnet, server,
};
use mailfix::output::markdown::ReportMeta;
use mailfix::output::{Palette, json, markdown, text};
use mailfix::plan::{Limits, Scope, plan, srv_labels};
use mailfix::probe::world::{Network, SimulatedNetwork};
use mailfix::probe::{self, ProbeOptions};
use mailfix::secret::Secret;
use tokio::sync::mpsc::unbounded_channel;
use tokio_util::sync::CancellationToken;

use super::case::{Case, Cert};
use super::secrets::PASSWORD;
use super::{DOMAIN, HOST, REFERRED_HOST, USER};

const HOST_IP: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 10);
const REFERRED_IP: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 11);

/// Everything a case produced.
pub struct Outcome {
    pub report: Report,
    pub diagnosis: Diagnosis,
    pub events: Vec<Event>,
    /// Every connection the case's server saw; the first is the session
    /// of the configured endpoint.
    pub conns: Vec<ConnRecord>,
    /// Connections that reached the tripwire (must be none).
    pub tripped: Vec<ConnRecord>,
    pub dns: Vec<DnsQueryLog>,
    pub text: String,
    pub json: String,
    pub markdown: String,
}

impl Outcome {
    /// The configured endpoint's session.
    pub fn session(&self, case: &Case) -> Option<&Session> {
        self.report
            .configured(case.service())
            .and_then(|p| p.session.as_ref())
    }

    /// What the configured session's connection carried from mailfix.
    pub fn first_conn(&self) -> Option<&ConnRecord> {
        self.conns.iter().find(|c| c.index == 0)
    }
}

fn account(case: &Case) -> Account {
    let settings = ServerSettings {
        port_explicit: case.port != case.protocol.default_port(case.security),
        allow_plaintext_auth: case.allow_plaintext,
        relay_probe_rcpt: (case.protocol == Protocol::Smtp).then(|| "probe@example.net".into()),
        ..ServerSettings::new(case.protocol, HOST, case.port, case.security)
            .with_auth(case.auth)
            .with_username(&case.username)
            .with_password(PasswordSource::Literal(Secret::new(PASSWORD)))
    };
    let mut account = Account {
        name: "hostile".into(),
        email: USER.into(),
        incoming: None,
        outgoing: None,
        store: None,
    };
    match case.protocol {
        Protocol::Smtp => account.outgoing = Some(settings),
        _ => account.incoming = Some(settings),
    }
    account
}

fn zone(case: &Case) -> Zone {
    let mut zone = Zone::new();
    zone.a(HOST, HOST_IP).unwrap();
    zone.a(REFERRED_HOST, REFERRED_IP).unwrap();
    zone.mx(DOMAIN, 10, HOST).unwrap();
    for (label, security) in srv_labels(case.protocol) {
        let port = case.protocol.default_port(*security);
        zone.srv(&format!("{label}.{DOMAIN}"), port, HOST).unwrap();
    }
    zone
}

/// Play `case` and collect everything it produced.
pub async fn run(case: &Case) -> Outcome {
    let certs = LabCerts::generate().unwrap();
    let spec = ListenerSpec::script(format!("{HOST}:{}", case.port), case.script.clone());
    let spec = match &case.cert {
        Cert::Starttls(kind) => spec.with_tls(certs.server_config(kind, HOST).unwrap()),
        Cert::Implicit(kind) => spec.implicit_tls(certs.server_config(kind, HOST).unwrap()),
    };
    let server = server::spawn(spec).await.unwrap();
    let tripwire = server::spawn(ListenerSpec::script(
        "tripwire",
        Script::new().step(Step::Reset),
    ))
    .await
    .unwrap();
    let refusing = RefusingPort::bind().unwrap();
    let dns = DnsServer::start(zone(case)).await.unwrap();

    let mut routes = HashMap::new();
    for &(port, _) in case.protocol.standard_endpoints() {
        routes.insert(SocketAddr::new(IpAddr::V4(HOST_IP), port), refusing.addr);
    }
    routes.insert(SocketAddr::new(IpAddr::V4(HOST_IP), case.port), server.addr);
    let network = SimulatedNetwork {
        routes,
        fallback: Some(tripwire.addr),
        unplugged: false,
        local_start: Some(localnet::online()),
        local_end: Some(localnet::online()),
        store_space: None,
    };
    let options = ProbeOptions {
        dns_server: Some(dns.addr),
        state_dir: None,
        network: Network::Simulated(Arc::new(network)),
        extra_roots: vec![certs.ca()],
        ..ProbeOptions::default()
    };
    let account = account(case);
    let limits = Limits::from_timeout(case.timeout);
    let plan = plan(&account, Scope::Everything, limits);
    let (tx, mut rx) = unbounded_channel();
    let run = probe::run(plan, options, RunId(7), tx, CancellationToken::new());
    // The engine bounds itself by the deadline; this only turns a hang
    // into a failure instead of a stuck test.
    let report = tokio::time::timeout(limits.deadline + Duration::from_secs(10), run)
        .await
        .expect("probe::run overran its own deadline by 10 s");
    let mut events = Vec::new();
    while let Ok(event) = rx.try_recv() {
        events.push(event);
    }
    let diagnosis = diagnose(&report);
    // Let the script record the last bytes and the client's close.
    tokio::time::sleep(Duration::from_millis(100)).await;
    Outcome {
        text: text::render(&report, &diagnosis, Palette::PLAIN),
        json: json::line(&report, &diagnosis),
        markdown: markdown::render(&report, &diagnosis, &ReportMeta::current()),
        conns: server.log.connections(),
        tripped: tripwire.log.connections(),
        dns: dns.queries(),
        report,
        diagnosis,
        events,
    }
}

/// A short name for how a session ended: "completed", "closed in login",
/// "reset in capabilities", "timed out in greeting", "truncated in
/// mailbox", "violation in capabilities", "stopped in STARTTLS".
pub fn end_kind(end: &SessionEnd) -> String {
    match end {
        SessionEnd::Completed => "completed".into(),
        SessionEnd::Closed { phase, .. } => format!("closed in {phase}"),
        SessionEnd::Reset { phase } => format!("reset in {phase}"),
        SessionEnd::TimedOut { phase } => format!("timed out in {phase}"),
        SessionEnd::TlsTruncated { phase } => format!("truncated in {phase}"),
        SessionEnd::Violation { phase, .. } => format!("violation in {phase}"),
        SessionEnd::Stopped { phase, .. } => format!("stopped in {phase}"),
    }
}
