//! From an account to the probes that will tell its causes apart. Pure: no
//! I/O, no clock; the probe engine carries the plan out.
//!
//! The first wave is known from the settings alone: the local network, the
//! DNS questions about the configured hosts and the e-mail domain, the
//! configured endpoints (probed in full), and their neighbours on the same
//! host (standard ports and the other security mode, looked at only).
//! [`published_endpoints`] adds a second wave once MX and SRV answers are
//! in: the hosts the domain publishes, looked at only.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::account::{Account, Protocol, Security, Service, StoreSettings};
use crate::catalogue::Category;
use crate::evidence::{
    Depth, DnsAnswer, DnsLookup, DnsOutcome, Endpoint, EndpointProbe, GreetingKind,
    HandshakeFailure, Publisher, RecordKind, Role, TlsOutcome,
};

/// What the user asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    #[default]
    Everything,
    Only(Category),
}

impl Scope {
    pub fn includes(self, category: Category) -> bool {
        match self {
            Scope::Everything => true,
            Scope::Only(c) => c == category,
        }
    }
}

/// Time limits of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bound on every single network wait (connect, one reply, a handshake).
    pub timeout: Duration,
    /// Bound on the whole run.
    pub deadline: Duration,
    /// Connects of the stability probe.
    pub stability_attempts: u8,
}

impl Limits {
    /// The overall deadline follows from the per-wait timeout: a full
    /// dialogue is a handful of waits, all probes run at once.
    pub fn from_timeout(timeout: Duration) -> Self {
        Limits {
            timeout,
            deadline: timeout * 4,
            stability_attempts: 5,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::from_timeout(Duration::from_secs(5))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DnsQuery {
    pub kind: RecordKind,
    pub name: String,
}

/// When an endpoint probe runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Trigger {
    #[default]
    Always,
    /// Only when the configured endpoint's TLS handshake or greeting failed
    /// in a way the other security mode could explain (see
    /// [`security_in_doubt`]). Saves a healthy check from waiting a whole
    /// timeout on a plaintext look at an implicit-TLS port, which stays
    /// silent by design.
    SecurityInDoubt,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EndpointSpec {
    pub service: Service,
    pub role: Role,
    pub endpoint: Endpoint,
    pub depth: Depth,
    pub trigger: Trigger,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StabilitySpec {
    pub service: Service,
    pub endpoint: Endpoint,
    pub attempts: u8,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub account: Account,
    pub scope: Scope,
    pub limits: Limits,
    /// Read the local interfaces and routes (at the start, and again at the end).
    pub local_network: bool,
    pub dns: Vec<DnsQuery>,
    pub endpoints: Vec<EndpointSpec>,
    pub stability: Vec<StabilitySpec>,
    pub store: Option<StoreSettings>,
}

/// The SRV service labels (RFC 6186, RFC 8314) for a protocol, with the
/// security each implies.
pub fn srv_labels(protocol: Protocol) -> &'static [(&'static str, Security)] {
    match protocol {
        Protocol::Imap => &[
            ("_imaps._tcp", Security::Tls),
            ("_imap._tcp", Security::Starttls),
        ],
        Protocol::Pop3 => &[
            ("_pop3s._tcp", Security::Tls),
            ("_pop3._tcp", Security::Starttls),
        ],
        Protocol::Smtp => &[
            ("_submissions._tcp", Security::Tls),
            ("_submission._tcp", Security::Starttls),
        ],
    }
}

/// How many MX hosts get their mail ports looked at.
const MX_HOSTS_PROBED: usize = 2;

pub fn plan(account: &Account, scope: Scope, limits: Limits) -> Plan {
    let mut dns = BTreeSet::new();
    let mut endpoints = BTreeSet::new();
    let mut stability = Vec::new();

    let domain = account.domain();
    for service in [Service::Incoming, Service::Outgoing] {
        let Some(server) = account.server(service) else {
            continue;
        };
        let host = normalise_host(&server.host);
        if !is_ip_literal(&host) {
            dns.insert(DnsQuery {
                name: host.clone(),
                kind: RecordKind::A,
            });
            dns.insert(DnsQuery {
                name: host.clone(),
                kind: RecordKind::Aaaa,
            });
        }
        if let Some(domain) = &domain {
            dns.insert(DnsQuery {
                name: domain.clone(),
                kind: RecordKind::Mx,
            });
            for (label, _) in srv_labels(server.protocol) {
                dns.insert(DnsQuery {
                    name: format!("{label}.{domain}"),
                    kind: RecordKind::Srv,
                });
            }
        }

        let configured = Endpoint {
            protocol: server.protocol,
            host: host.clone(),
            port: server.port,
            security: server.security,
        };
        for (neighbour, trigger) in same_host_neighbours(&configured) {
            endpoints.insert(EndpointSpec {
                service,
                role: Role::SameHost,
                endpoint: neighbour,
                depth: Depth::Look,
                trigger,
            });
        }
        if scope.includes(Category::Broken) && limits.stability_attempts > 0 {
            stability.push(StabilitySpec {
                service,
                endpoint: configured.clone(),
                attempts: limits.stability_attempts,
            });
        }
        endpoints.insert(EndpointSpec {
            service,
            role: Role::Configured,
            endpoint: configured,
            depth: Depth::Full,
            trigger: Trigger::Always,
        });
    }

    Plan {
        account: account.clone(),
        scope,
        limits,
        local_network: account.incoming.is_some() || account.outgoing.is_some(),
        dns: dns.into_iter().collect(),
        endpoints: endpoints.into_iter().collect(),
        stability,
        store: account.store.clone(),
    }
}

/// The standard ports of the configured protocol on the same host, and the
/// configured port in the other security mode (only if the configured one
/// fails at the TLS or greeting stage): whichever answers names the setting
/// that works (connect causes 5, 6 and 7).
fn same_host_neighbours(configured: &Endpoint) -> Vec<(Endpoint, Trigger)> {
    let mut out: Vec<(Endpoint, Trigger)> = Vec::new();
    let mut push = |port: u16, security: Security, trigger: Trigger| {
        let candidate = Endpoint {
            protocol: configured.protocol,
            host: configured.host.clone(),
            port,
            security,
        };
        if candidate != *configured && !out.iter().any(|(e, _)| *e == candidate) {
            out.push((candidate, trigger));
        }
    };
    for &(port, security) in configured.protocol.standard_endpoints() {
        push(port, security, Trigger::Always);
    }
    let other_mode = match configured.security {
        Security::Tls => Security::Starttls,
        Security::Starttls | Security::None => Security::Tls,
    };
    push(configured.port, other_mode, Trigger::SecurityInDoubt);
    out
}

/// The configured endpoint answered, but its TLS handshake failed or its
/// greeting was silence, TLS bytes or nothing recognisable: the other
/// security mode on the same port may be what the server speaks.
pub fn security_in_doubt(probe: &EndpointProbe) -> bool {
    let Some(session) = &probe.session else {
        return false;
    };
    if let Some(TlsOutcome::Failed(failure)) = &session.tls {
        return !matches!(failure, HandshakeFailure::Incompatible(_));
    }
    matches!(
        session.greeting.as_ref().map(|g| g.kind),
        Some(
            GreetingKind::Silence
                | GreetingKind::TlsRecord
                | GreetingKind::Closed
                | GreetingKind::Unrecognised
        )
    )
}

/// Endpoints on the hosts a finished MX or SRV lookup names, for every
/// configured service they concern, minus what the plan already probes.
pub fn published_endpoints(plan: &Plan, lookup: &DnsLookup) -> Vec<EndpointSpec> {
    let DnsOutcome::Found(answers) = &lookup.outcome else {
        return Vec::new();
    };
    let mut out: Vec<EndpointSpec> = Vec::new();
    let add = |spec: EndpointSpec, out: &mut Vec<EndpointSpec>| {
        let known = plan
            .endpoints
            .iter()
            .chain(out.iter())
            .any(|e| e.service == spec.service && e.endpoint == spec.endpoint);
        if !known {
            out.push(spec);
        }
    };

    for service in [Service::Incoming, Service::Outgoing] {
        let Some(server) = plan.account.server(service) else {
            continue;
        };
        match lookup.kind {
            RecordKind::Srv => {
                let Some(&(label, security)) = srv_labels(server.protocol)
                    .iter()
                    .find(|(label, _)| lookup.name.starts_with(&format!("{label}.")))
                else {
                    continue;
                };
                for (_, port, host) in srv_targets(answers) {
                    add(
                        EndpointSpec {
                            service,
                            role: Role::Published(Publisher::Srv(label.to_owned())),
                            endpoint: Endpoint {
                                protocol: server.protocol,
                                host,
                                port,
                                security,
                            },
                            depth: Depth::Look,
                            trigger: Trigger::Always,
                        },
                        &mut out,
                    );
                }
            }
            RecordKind::Mx => {
                let mut mx = mx_hosts(answers);
                mx.dedup_by(|a, b| a.1 == b.1);
                for (_, host) in mx.into_iter().take(MX_HOSTS_PROBED) {
                    if host == normalise_host(&server.host) {
                        continue;
                    }
                    for &(port, security) in server.protocol.standard_endpoints() {
                        add(
                            EndpointSpec {
                                service,
                                role: Role::Published(Publisher::Mx),
                                endpoint: Endpoint {
                                    protocol: server.protocol,
                                    host: host.clone(),
                                    port,
                                    security,
                                },
                                depth: Depth::Look,
                                trigger: Trigger::Always,
                            },
                            &mut out,
                        );
                    }
                }
            }
            RecordKind::A | RecordKind::Aaaa => {}
        }
    }
    out
}

/// The SRV answers that offer the service, as `(priority, port, host)`:
/// a target of "." or a port of 0 means "not offered here" (RFC 2782).
pub(crate) fn srv_targets(answers: &[DnsAnswer]) -> impl Iterator<Item = (u16, u16, String)> + '_ {
    answers
        .iter()
        .filter_map(|answer| match answer {
            DnsAnswer::Srv {
                priority,
                port,
                target,
                ..
            } => Some((*priority, *port, normalise_host(target))),
            _ => None,
        })
        .filter(|(_, port, host)| !host.is_empty() && *port != 0)
}

/// The MX hosts as `(preference, host)`, most preferred first; a null MX
/// (RFC 7505: the domain takes no mail) is left out.
pub(crate) fn mx_hosts<'a>(answers: impl IntoIterator<Item = &'a DnsAnswer>) -> Vec<(u16, String)> {
    let mut mx: Vec<(u16, String)> = answers
        .into_iter()
        .filter_map(|answer| match answer {
            DnsAnswer::Mx {
                preference,
                exchange,
            } => Some((*preference, normalise_host(exchange))),
            _ => None,
        })
        .filter(|(_, host)| !host.is_empty())
        .collect();
    mx.sort();
    mx
}

/// Lowercase, without a trailing dot or IPv6 brackets.
pub fn normalise_host(host: &str) -> String {
    host.trim()
        .trim_end_matches('.')
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

pub fn is_ip_literal(host: &str) -> bool {
    host.parse::<std::net::IpAddr>().is_ok()
}

#[cfg(test)]
mod tests;
