//! Facts derived from a [`Report`] for one configured service: which probe
//! is the configured one, what DNS said about its host, which neighbour
//! endpoints serve the protocol, and so on. The rules read these instead
//! of walking the report themselves.

use std::net::IpAddr;

use crate::account::{Protocol, Security, ServerSettings, Service};
use crate::evidence::{
    Capabilities, ConnectAttempt, ConnectOutcome, DnsAnswer, DnsLookup, DnsOutcome, Endpoint,
    EndpointProbe, LocalNet, Publisher, RecordKind, Report, Role, Session, StabilityProbe,
    StarttlsOutcome, TlsOutcome,
};
use crate::plan::{is_ip_literal, normalise_host, srv_labels};

/// How the connects to one endpoint ended, all addresses taken together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conn {
    /// No address to connect to (the host did not resolve).
    NotTried,
    Connected,
    Refused,
    TimedOut,
    HostUnreachable,
    /// Every attempt failed for lack of a route or a source address.
    NoRoute,
    /// Different failures on different addresses.
    Mixed,
}

fn no_route(o: &ConnectOutcome) -> bool {
    matches!(
        o,
        ConnectOutcome::NetUnreachable | ConnectOutcome::NoSourceAddress
    )
}

/// Summarise the connect attempts. An address family without a route
/// (IPv6 on many networks) does not hide what the other family showed.
fn conn_of(connects: &[ConnectAttempt]) -> Conn {
    if connects.is_empty() {
        return Conn::NotTried;
    }
    if connects.iter().any(|c| c.outcome.is_connected()) {
        return Conn::Connected;
    }
    let rest: Vec<&ConnectOutcome> = connects
        .iter()
        .map(|c| &c.outcome)
        .filter(|o| !no_route(o))
        .collect();
    let all = |f: fn(&ConnectOutcome) -> bool| rest.iter().all(|o| f(o));
    if rest.is_empty() {
        Conn::NoRoute
    } else if all(|o| matches!(o, ConnectOutcome::Refused)) {
        Conn::Refused
    } else if all(|o| matches!(o, ConnectOutcome::TimedOut)) {
        Conn::TimedOut
    } else if all(|o| matches!(o, ConnectOutcome::HostUnreachable)) {
        Conn::HostUnreachable
    } else {
        Conn::Mixed
    }
}

pub fn conn(probe: &EndpointProbe) -> Conn {
    conn_of(&probe.connects)
}

/// The first successful connect, for "answered in 12 ms".
pub fn connected_ms(probe: &EndpointProbe) -> Option<f64> {
    probe
        .connects
        .iter()
        .find(|c| c.outcome.is_connected())
        .map(|c| c.ms)
}

/// The encryption the endpoint asks for is in place and verified.
pub fn secure_ok(probe: &EndpointProbe) -> bool {
    let Some(s) = &probe.session else {
        return false;
    };
    match probe.endpoint.security {
        Security::Tls => s.tls.as_ref().is_some_and(TlsOutcome::is_verified),
        Security::Starttls => {
            matches!(&s.starttls, Some(StarttlsOutcome::Handshake(t)) if t.is_verified())
        }
        Security::None => true,
    }
}

/// Greets in its protocol, with its encryption in place: a setting that works.
pub fn works(probe: &EndpointProbe) -> bool {
    probe.serves_expected_protocol() && secure_ok(probe)
}

/// Where the endpoint stands among the standard ones (implicit TLS first,
/// RFC 8314); non-standard endpoints last.
fn standard_rank(endpoint: &Endpoint) -> usize {
    let std = endpoint.protocol.standard_endpoints();
    std.iter()
        .position(|&(port, sec)| port == endpoint.port && sec == endpoint.security)
        .unwrap_or(std.len())
}

/// What DNS said about the configured host.
#[derive(Debug, Clone, PartialEq)]
pub enum HostDns<'a> {
    /// The host is an IP address: nothing to look up.
    IpLiteral,
    /// No A/AAAA lookup is in the report.
    NotAsked,
    Resolved(Vec<IpAddr>),
    /// The name does not exist (`nx`) or has no address records.
    Missing {
        lookup: &'a DnsLookup,
        nx: bool,
    },
    /// The lookup itself failed (timeout, unreachable, server error).
    Failed(&'a DnsLookup),
}

fn host_dns<'a>(report: &'a Report, host: &str) -> HostDns<'a> {
    if is_ip_literal(host) {
        return HostDns::IpLiteral;
    }
    let lookups: Vec<&DnsLookup> = [RecordKind::A, RecordKind::Aaaa]
        .into_iter()
        .filter_map(|k| report.lookup(host, k))
        .collect();
    if lookups.is_empty() {
        return HostDns::NotAsked;
    }
    let addrs = report.addresses_of(host);
    if !addrs.is_empty() {
        return HostDns::Resolved(addrs);
    }
    if let Some(nx) = lookups.iter().find(|l| l.outcome == DnsOutcome::NxDomain) {
        return HostDns::Missing {
            lookup: nx,
            nx: true,
        };
    }
    if let Some(failed) = lookups.iter().find(|l| {
        !matches!(
            l.outcome,
            DnsOutcome::NoRecords | DnsOutcome::Found(_) | DnsOutcome::NxDomain
        )
    }) {
        return HostDns::Failed(failed);
    }
    HostDns::Missing {
        lookup: lookups[0],
        nx: false,
    }
}

/// A host the e-mail domain names in DNS for this service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub publisher: Publisher,
    /// The record's name: `_imaps._tcp.example.org` or `example.org`.
    pub record: String,
    pub host: String,
    /// The SRV port; `None` for MX.
    pub port: Option<u16>,
}

/// Every host the domain's SRV (for this protocol) and MX records name.
fn published_hosts(report: &Report, domain: &str, protocol: Protocol) -> Vec<Published> {
    let mut out = Vec::new();
    for (label, _) in srv_labels(protocol) {
        let name = format!("{label}.{domain}");
        if let Some(DnsLookup {
            outcome: DnsOutcome::Found(answers),
            ..
        }) = report.lookup(&name, RecordKind::Srv)
        {
            for a in answers {
                if let DnsAnswer::Srv { port, target, .. } = a {
                    let host = normalise_host(target);
                    if !host.is_empty() && *port != 0 {
                        out.push(Published {
                            publisher: Publisher::Srv((*label).to_owned()),
                            record: name.clone(),
                            host,
                            port: Some(*port),
                        });
                    }
                }
            }
        }
    }
    if let Some(DnsLookup {
        outcome: DnsOutcome::Found(answers),
        ..
    }) = report.lookup(domain, RecordKind::Mx)
    {
        for a in answers {
            if let DnsAnswer::Mx { exchange, .. } = a {
                let host = normalise_host(exchange);
                if !host.is_empty() {
                    out.push(Published {
                        publisher: Publisher::Mx,
                        record: domain.to_owned(),
                        host,
                        port: None,
                    });
                }
            }
        }
    }
    out
}

/// Everything the rules need to know about one configured server.
pub struct Facts<'a> {
    pub report: &'a Report,
    pub service: Service,
    pub server: &'a ServerSettings,
    /// The configured endpoint (normalised like the plan does).
    pub want: Endpoint,
    pub configured: Option<&'a EndpointProbe>,
    pub same_host: Vec<&'a EndpointProbe>,
    pub published: Vec<&'a EndpointProbe>,
    pub dns: HostDns<'a>,
    pub domain: Option<String>,
    pub published_hosts: Vec<Published>,
    pub stability: Option<&'a StabilityProbe>,
}

impl<'a> Facts<'a> {
    pub fn new(report: &'a Report, service: Service) -> Option<Self> {
        let server = report.account.server(service)?;
        let configured = report.configured(service);
        let want = configured.map(|p| p.endpoint.clone()).unwrap_or(Endpoint {
            protocol: server.protocol,
            host: normalise_host(&server.host),
            port: server.port,
            security: server.security,
        });
        let same_host = report
            .probes_for(service)
            .filter(|p| p.role == Role::SameHost)
            .collect();
        let published = report
            .probes_for(service)
            .filter(|p| matches!(p.role, Role::Published(_)))
            .collect();
        let domain = report.account.domain();
        let published_hosts = domain
            .as_deref()
            .map(|d| published_hosts(report, d, want.protocol))
            .unwrap_or_default();
        Some(Facts {
            report,
            service,
            server,
            dns: host_dns(report, &want.host),
            want,
            configured,
            same_host,
            published,
            domain,
            published_hosts,
            stability: report.stability.iter().find(|s| s.service == service),
        })
    }

    pub fn session(&self) -> Option<&'a Session> {
        self.configured.and_then(|p| p.session.as_ref())
    }

    pub fn caps(&self) -> Option<&'a Capabilities> {
        self.session().and_then(Session::effective_capabilities)
    }

    pub fn conn(&self) -> Conn {
        self.configured.map_or(Conn::NotTried, conn)
    }

    /// The configured probe and its same-host neighbours.
    pub fn host_probes(&self) -> impl Iterator<Item = &'a EndpointProbe> + '_ {
        self.configured
            .into_iter()
            .chain(self.same_host.iter().copied())
    }

    /// Every probe made for this service.
    pub fn all_probes(&self) -> impl Iterator<Item = &'a EndpointProbe> + '_ {
        self.host_probes().chain(self.published.iter().copied())
    }

    /// The best endpoint on the configured host that serves the configured protocol
    /// and passes `filter`: working ones (encryption verified) first, then
    /// by the standard order (implicit TLS first).
    pub fn alternative(
        &self,
        filter: impl Fn(&EndpointProbe) -> bool,
    ) -> Option<&'a EndpointProbe> {
        // A port the domain publishes (SRV) on this same host counts too.
        let published_here = self
            .published
            .iter()
            .copied()
            .filter(|p| p.endpoint.host == self.want.host && p.endpoint != self.want);
        self.same_host
            .iter()
            .copied()
            .chain(published_here)
            .filter(|p| p.serves_expected_protocol() && filter(p))
            .min_by_key(|p| (!works(p), standard_rank(&p.endpoint), p.endpoint.port))
    }

    /// The same port in the other security mode, if it was probed.
    pub fn other_mode(&self) -> Option<&'a EndpointProbe> {
        self.same_host.iter().copied().find(|p| {
            p.endpoint.port == self.want.port && p.endpoint.security != self.want.security
        })
    }

    /// The best host the domain publishes that serves the protocol and is
    /// not the configured host: SRV before MX, working first.
    pub fn published_alternative(&self) -> Option<&'a EndpointProbe> {
        self.published
            .iter()
            .copied()
            .filter(|p| p.endpoint.host != self.want.host && p.serves_expected_protocol())
            .min_by_key(|p| {
                (
                    !self.srv_publishes(p),
                    !works(p),
                    standard_rank(&p.endpoint),
                )
            })
    }

    /// True when one of the domain's SRV records (for this protocol) names
    /// `probe`'s host. Read from the DNS answers, not from the probe's
    /// role: when MX and SRV name the same host, whichever answer came
    /// first claimed the probe.
    pub fn srv_publishes(&self, probe: &EndpointProbe) -> bool {
        self.published_hosts
            .iter()
            .any(|p| matches!(p.publisher, Publisher::Srv(_)) && p.host == probe.endpoint.host)
    }

    /// The published record that names the configured host, if any.
    pub fn publishes_configured_host(&self) -> Option<&Published> {
        self.published_hosts
            .iter()
            .find(|p| p.host == self.want.host)
    }

    /// How the domain published `host`, for evidence lines ("the MX
    /// record of example.org"); "DNS" when no record of it names the host.
    pub fn published_by(&self, host: &str) -> String {
        self.published_hosts
            .iter()
            .find(|p| p.host == host)
            .map(publisher_phrase)
            .unwrap_or_else(|| "DNS".to_owned())
    }

    pub fn local_start(&self) -> Option<&'a LocalNet> {
        self.report.local_start.as_ref()
    }

    pub fn local_end(&self) -> Option<&'a LocalNet> {
        self.report.local_end.as_ref()
    }

    /// A configured-protocol label: "IMAP".
    pub fn proto(&self) -> &'static str {
        self.want.protocol.label()
    }
}

/// True when a snapshot says anything at all about the local network.
pub fn snapshot_informative(net: &LocalNet) -> bool {
    !net.interfaces.is_empty() || net.default_route_v4.is_some() || net.default_route_v6.is_some()
}

/// How `publisher` published a host, for evidence lines.
pub fn publisher_phrase(p: &Published) -> String {
    match &p.publisher {
        Publisher::Srv(_) => format!("the SRV record {}", p.record),
        Publisher::Mx => format!("the MX record of {}", p.record),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use std::net::SocketAddr;

    fn at(outcome: ConnectOutcome, v6: bool) -> ConnectAttempt {
        let addr: SocketAddr = if v6 {
            "[2001:db8::7]:993".parse().unwrap()
        } else {
            "192.0.2.7:993".parse().unwrap()
        };
        ConnectAttempt {
            addr,
            outcome,
            ms: 3.0,
        }
    }

    #[rstest]
    #[case::none(vec![], Conn::NotTried)]
    #[case::ok_v4(vec![at(ConnectOutcome::NetUnreachable, true), at(ConnectOutcome::Connected, false)], Conn::Connected)]
    #[case::refused_v4_no_v6(vec![at(ConnectOutcome::NetUnreachable, true), at(ConnectOutcome::Refused, false)], Conn::Refused)]
    #[case::timeout(vec![at(ConnectOutcome::TimedOut, false)], Conn::TimedOut)]
    #[case::no_route(vec![at(ConnectOutcome::NetUnreachable, true), at(ConnectOutcome::NoSourceAddress, false)], Conn::NoRoute)]
    #[case::mixed(vec![at(ConnectOutcome::Refused, true), at(ConnectOutcome::TimedOut, false)], Conn::Mixed)]
    #[case::host_unreach(vec![at(ConnectOutcome::HostUnreachable, false)], Conn::HostUnreachable)]
    fn connect_summaries(#[case] attempts: Vec<ConnectAttempt>, #[case] expected: Conn) {
        assert_eq!(conn_of(&attempts), expected);
    }
}
