//! The pure half of discovery: which endpoints to look at, given what the
//! domain publishes in DNS, and which settings to propose, given what
//! answered. Tested on literal lookups and probes.

use crate::account::{Protocol, Security, Service};
use crate::evidence::{
    ConnectOutcome, DnsAnswer, DnsLookup, DnsOutcome, Endpoint, EndpointProbe, Publisher,
    RecordKind, TlsOutcome,
};
use crate::plan::{mx_hosts, normalise_host, srv_labels, srv_targets};

/// Hosts looked at: the SRV targets and the first MX hosts, at most this many.
pub const MAX_HOSTS: usize = 4;
/// MX hosts among them.
const MX_HOSTS: usize = 2;
/// The protocols a mail account uses, incoming first by preference.
const PROTOCOLS: [Protocol; 3] = [Protocol::Imap, Protocol::Pop3, Protocol::Smtp];

/// One endpoint discovery looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub service: Service,
    pub endpoint: Endpoint,
    /// Why its host is looked at.
    pub publisher: Publisher,
    /// The SRV record that names this very endpoint ("_imaps._tcp.example.org")
    /// and its priority, when one does.
    pub published: Option<(String, u16)>,
    /// The host's place: SRV targets by priority, then MX hosts.
    pub host_rank: usize,
}

/// Settings proposed for one service, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub endpoint: Endpoint,
    /// It answered in its protocol over verified TLS.
    pub verified: bool,
    /// One line each: where it came from, what it answered.
    pub evidence: Vec<String>,
}

/// The SRV services of every protocol, with the protocol and security
/// each implies: `(label, protocol, security)`.
pub fn srv_services() -> impl Iterator<Item = (&'static str, Protocol, Security)> {
    PROTOCOLS.into_iter().flat_map(|protocol| {
        srv_labels(protocol)
            .iter()
            .map(move |(label, security)| (*label, protocol, *security))
    })
}

fn service_of(protocol: Protocol) -> Service {
    match protocol {
        Protocol::Smtp => Service::Outgoing,
        Protocol::Imap | Protocol::Pop3 => Service::Incoming,
    }
}

/// The submission ports (RFC 8314, RFC 6409); port 25 is for servers
/// passing mail on, not for mail programs.
fn standard_ports(protocol: Protocol) -> impl Iterator<Item = (u16, Security)> {
    protocol
        .standard_endpoints()
        .iter()
        .copied()
        .filter(move |(port, _)| !(protocol == Protocol::Smtp && *port == 25))
}

/// The endpoints to look at: every standard port of every protocol on
/// each host the domain's SRV and MX records name (SRV targets first),
/// plus any non-standard port an SRV record gives.
pub fn candidates(lookups: &[DnsLookup]) -> Vec<Candidate> {
    // (host, publisher) in order, and every published endpoint.
    let mut hosts: Vec<(String, Publisher)> = Vec::new();
    let mut published: Vec<(Protocol, String, u16, Security, String, u16)> = Vec::new();
    let mut srv: Vec<(u16, String, String)> = Vec::new();
    for lookup in lookups.iter().filter(|l| l.kind == RecordKind::Srv) {
        let DnsOutcome::Found(answers) = &lookup.outcome else {
            continue;
        };
        let Some((label, protocol, security)) =
            srv_services().find(|(label, _, _)| lookup.name.starts_with(&format!("{label}.")))
        else {
            continue;
        };
        for (priority, port, host) in srv_targets(answers) {
            published.push((
                protocol,
                host.clone(),
                port,
                security,
                lookup.name.clone(),
                priority,
            ));
            srv.push((priority, host, label.to_owned()));
        }
    }
    srv.sort();
    for (_, host, label) in srv {
        if !hosts.iter().any(|(h, _)| *h == host) {
            hosts.push((host, Publisher::Srv(label)));
        }
    }
    let mx = mx_hosts(
        lookups
            .iter()
            .filter(|l| l.kind == RecordKind::Mx)
            .filter_map(|l| match &l.outcome {
                DnsOutcome::Found(answers) => Some(answers),
                _ => None,
            })
            .flatten(),
    );
    for (_, host) in mx.into_iter().take(MX_HOSTS) {
        if !hosts.iter().any(|(h, _)| *h == host) {
            hosts.push((host, Publisher::Mx));
        }
    }
    hosts.truncate(MAX_HOSTS);

    let mut out: Vec<Candidate> = Vec::new();
    for (rank, (host, publisher)) in hosts.iter().enumerate() {
        for protocol in PROTOCOLS {
            let extra = published
                .iter()
                .filter(|p| p.0 == protocol && p.1 == *host)
                .map(|p| (p.2, p.3));
            for (port, security) in standard_ports(protocol).chain(extra) {
                let endpoint = Endpoint {
                    protocol,
                    host: host.clone(),
                    port,
                    security,
                };
                let service = service_of(protocol);
                if out
                    .iter()
                    .any(|c| c.service == service && c.endpoint == endpoint)
                {
                    continue;
                }
                let named = published
                    .iter()
                    .filter(|p| p.0 == protocol && p.1 == *host && p.2 == port && p.3 == security)
                    .map(|p| (p.4.clone(), p.5))
                    .min_by_key(|(_, priority)| *priority);
                out.push(Candidate {
                    service,
                    endpoint,
                    publisher: publisher.clone(),
                    published: named,
                    host_rank: rank,
                });
            }
        }
    }
    out
}

/// It greeted in its own protocol over verified TLS (implicit or STARTTLS).
fn works(probe: &EndpointProbe) -> bool {
    probe.serves_expected_protocol() && probe.session.as_ref().is_some_and(|s| s.is_encrypted())
}

/// The best settings for `service`: the best candidate that works, ranked
/// by SRV priority (published ones first), implicit TLS before STARTTLS
/// (RFC 8314), IMAP before POP3, then host order; failing that, the best
/// one DNS publishes, marked unverified; else none.
pub fn propose(
    service: Service,
    candidates: &[Candidate],
    probes: &[EndpointProbe],
) -> Option<Proposal> {
    let probe_of = |c: &Candidate| {
        probes
            .iter()
            .find(|p| p.service == c.service && p.endpoint == c.endpoint)
    };
    let rank = |c: &Candidate| {
        (
            c.published
                .as_ref()
                .map_or(u32::MAX, |(_, p)| u32::from(*p)),
            c.endpoint.security != Security::Tls,
            c.endpoint.protocol != Protocol::Imap,
            c.host_rank,
            c.endpoint.port,
        )
    };
    let mine = candidates.iter().filter(|c| c.service == service);
    let working = mine
        .clone()
        .filter(|c| probe_of(c).is_some_and(works))
        .min_by_key(|c| rank(c));
    let (chosen, verified) = match working {
        Some(c) => (c, true),
        None => (
            mine.filter(|c| c.published.is_some())
                .min_by_key(|c| rank(c))?,
            false,
        ),
    };
    let mut evidence = vec![origin(chosen)];
    evidence.push(match probe_of(chosen) {
        Some(probe) => probe_summary(probe),
        None => "not looked at".to_owned(),
    });
    Some(Proposal {
        endpoint: chosen.endpoint.clone(),
        verified,
        evidence,
    })
}

/// Where a candidate came from, in words.
fn origin(c: &Candidate) -> String {
    match (&c.published, &c.publisher) {
        (Some((name, _)), _) => format!("published in DNS as {name}"),
        (None, Publisher::Srv(label)) => format!(
            "a standard port of {}, which the domain's {label} record names",
            c.endpoint.host
        ),
        (None, Publisher::Mx) => format!(
            "a standard port of {}, which the domain's MX record names",
            c.endpoint.host
        ),
    }
}

/// What one endpoint did, in a few words.
pub fn probe_summary(probe: &EndpointProbe) -> String {
    let protocol = probe.endpoint.protocol.label();
    let security = probe.endpoint.security.label();
    if !probe.connected() {
        let refused = probe
            .connects
            .iter()
            .any(|c| c.outcome == ConnectOutcome::Refused);
        return match (probe.connects.is_empty(), refused) {
            (true, _) => "its name has no address".to_owned(),
            (false, true) => "the port refused the connection".to_owned(),
            (false, false) => "no answer from the port".to_owned(),
        };
    }
    let Some(session) = &probe.session else {
        return "connected, then nothing".to_owned();
    };
    match session.tls_outcome() {
        Some(TlsOutcome::Verified { version, .. }) if probe.serves_expected_protocol() => {
            format!("answers in {protocol} with {security}, certificate verified ({version})")
        }
        Some(TlsOutcome::CertRejected { problem, .. }) => {
            format!("answers, but its certificate was not accepted: {problem}")
        }
        Some(TlsOutcome::Failed(failure)) => format!("TLS failed: {failure}"),
        _ if probe.serves_expected_protocol() => {
            format!("answers in {protocol}, but {security} did not complete")
        }
        _ => format!("does not answer in {protocol}"),
    }
}

/// What DNS said, one line per question that found something, then the
/// ones that did not in one line.
pub fn dns_summary(lookups: &[DnsLookup]) -> Vec<String> {
    let mut found = Vec::new();
    let mut empty = Vec::new();
    for lookup in lookups {
        match &lookup.outcome {
            DnsOutcome::Found(answers) => {
                let list: Vec<String> = answers
                    .iter()
                    .map(|a| match a {
                        DnsAnswer::Srv { port, target, .. } => {
                            format!("{}:{port}", normalise_host(target))
                        }
                        DnsAnswer::Mx { exchange, .. } => normalise_host(exchange),
                        DnsAnswer::Addr(ip) => ip.to_string(),
                    })
                    .collect();
                found.push(format!(
                    "{} {}: {}",
                    lookup.name,
                    lookup.kind,
                    list.join(", ")
                ));
            }
            _ => empty.push(format!("{} {}", lookup.name, lookup.kind)),
        }
    }
    if !empty.is_empty() {
        found.push(format!("nothing published for {}", empty.join(", ")));
    }
    found
}
