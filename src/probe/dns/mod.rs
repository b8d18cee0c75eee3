//! DNS through hickory-resolver: the only probe module that knows hickory.
//!
//! One [`Dns`] serves one run: a fresh resolver (no cache carried across
//! runs), one attempt per question, each bounded by the plan's timeout.
//! Every way a question can end becomes a [`DnsOutcome`]; hickory's error
//! types never leave this module.
//!
//! hickory folds "could not send" into a bare `NoConnections` and a closed
//! UDP port into silence, so when a question fails that way the name
//! servers are asked once more on a *connected* UDP socket, where the OS
//! does report "network unreachable" or "connection refused".
//!
//! Within its one attempt hickory retransmits a UDP question that got no
//! answer, as every stub resolver does; a second attempt is never made.

mod config;
mod reach;

use std::net::SocketAddr;
use std::time::Duration;

use hickory_resolver::TokioResolver;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{Name, RData, RecordType};
use thiserror::Error;
use tokio::sync::OnceCell;
use tokio::time::Instant;

use config::{build, explicit, server_addrs, system, tune};
use reach::unreachable_reason;

use super::net::os_reason;
use crate::evidence::{DnsAnswer, DnsLookup, DnsOutcome, RecordKind};

#[derive(Debug, Error)]
pub enum DnsSetupError {
    #[error("could not read the system's DNS settings: {0}")]
    SystemConfig(String),
    #[error("could not set up the DNS resolver: {0}")]
    Build(String),
}

/// Extra time on top of the resolver's own timeout before we stop waiting.
const SLACK: Duration = Duration::from_millis(250);
/// How long the reachability check waits for an ICMP error or an answer.
const REACH_WAIT_MAX: Duration = Duration::from_millis(500);

enum Backend {
    Resolver(Box<TokioResolver>),
    /// No resolver could be built; every question fails with this reason.
    Unavailable(String),
    /// The simulated cable is out.
    Unplugged,
}

/// The resolver of one run.
pub struct Dns {
    backend: Backend,
    servers: Vec<SocketAddr>,
    description: String,
    timeout: Duration,
    reach: OnceCell<Option<String>>,
}

impl Dns {
    /// The system's resolver (resolv.conf), or `server` when given
    /// (`--dns-server`). `unplugged` is the demo lab's pulled cable.
    pub fn new(server: Option<SocketAddr>, timeout: Duration, unplugged: bool) -> Dns {
        let built = match server {
            Some(addr) => Ok(explicit(addr)),
            None => system(),
        };
        let (backend, servers, description) = match built {
            Ok((config, opts, desc)) => {
                let servers = server_addrs(&config);
                let opts = tune(opts, timeout, server.is_some());
                let backend = if unplugged {
                    Backend::Unplugged
                } else {
                    match build(config, opts) {
                        Ok(r) => Backend::Resolver(Box::new(r)),
                        Err(e) => Backend::Unavailable(e.to_string()),
                    }
                };
                (backend, servers, desc)
            }
            Err(e) => (
                Backend::Unavailable(e.to_string()),
                Vec::new(),
                "system (no usable name server)".to_owned(),
            ),
        };
        Dns {
            backend,
            servers,
            description,
            timeout,
            reach: OnceCell::new(),
        }
    }

    /// What `Report.resolver` shows: "system (10.0.0.1)" or "127.0.0.1:5353".
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Ask one question. Never fails: every ending is a [`DnsOutcome`].
    pub async fn lookup(&self, name: &str, kind: RecordKind) -> DnsLookup {
        let started = Instant::now();
        let name = normalise(name);
        let outcome = self.outcome(&name, kind).await;
        DnsLookup {
            name,
            kind,
            outcome,
            ms: started.elapsed().as_secs_f64() * 1000.0,
        }
    }

    async fn outcome(&self, name: &str, kind: RecordKind) -> DnsOutcome {
        let resolver = match &self.backend {
            Backend::Resolver(r) => r,
            Backend::Unavailable(reason) => return DnsOutcome::Failed(reason.clone()),
            Backend::Unplugged => return DnsOutcome::Unreachable("network unreachable".into()),
        };
        let Some(query_name) = to_name(name) else {
            return DnsOutcome::Failed(format!("\"{name}\" is not a valid DNS name"));
        };
        let rtype = record_type(kind);
        let asked = tokio::time::timeout(
            self.timeout + SLACK,
            resolver.lookup(query_name.clone(), rtype),
        )
        .await;
        let failure = match asked {
            Ok(Ok(lookup)) => {
                let answers = answers(kind, lookup.answers().iter().map(|r| &r.data));
                return if answers.is_empty() {
                    DnsOutcome::NoRecords
                } else {
                    DnsOutcome::Found(answers)
                };
            }
            Ok(Err(err)) => classify(&err),
            Err(_) => Failure::Silent,
        };
        match failure {
            Failure::Outcome(outcome) => outcome,
            Failure::Silent => match self.reachability(&query_name, rtype).await {
                Some(reason) => DnsOutcome::Unreachable(reason),
                None => DnsOutcome::TimedOut,
            },
            Failure::NotSent(text) => match self.reachability(&query_name, rtype).await {
                Some(reason) => DnsOutcome::Unreachable(reason),
                None => DnsOutcome::Unreachable(text),
            },
        }
    }

    /// Why no name server can be reached, if the OS can tell; checked once
    /// per run.
    async fn reachability(&self, name: &Name, rtype: RecordType) -> Option<String> {
        let wait = (self.timeout / 5).min(REACH_WAIT_MAX);
        self.reach
            .get_or_init(|| unreachable_reason(&self.servers, name, rtype, wait))
            .await
            .clone()
    }
}

/// A failed question, before the reachability check.
#[derive(Debug, PartialEq)]
enum Failure {
    Outcome(DnsOutcome),
    /// No answer in time.
    Silent,
    /// The question could not be sent at all.
    NotSent(String),
}

/// Sort hickory's error into an outcome (pure).
fn classify(err: &NetError) -> Failure {
    match err {
        NetError::Dns(DnsError::NoRecordsFound(no)) => Failure::Outcome(match no.response_code {
            ResponseCode::NXDomain => DnsOutcome::NxDomain,
            ResponseCode::NoError => DnsOutcome::NoRecords,
            code => DnsOutcome::ServerError(code_name(code)),
        }),
        NetError::Dns(DnsError::ResponseCode(code)) => {
            Failure::Outcome(DnsOutcome::ServerError(code_name(*code)))
        }
        NetError::Timeout => Failure::Silent,
        NetError::NoConnections => Failure::NotSent("no name server could be reached".into()),
        NetError::Io(io) => Failure::NotSent(os_reason(io)),
        other => Failure::Outcome(DnsOutcome::Failed(other.to_string())),
    }
}

fn code_name(code: ResponseCode) -> String {
    match code {
        ResponseCode::ServFail => "SERVFAIL".into(),
        ResponseCode::Refused => "REFUSED".into(),
        ResponseCode::FormErr => "FORMERR".into(),
        ResponseCode::NotImp => "NOTIMP".into(),
        ResponseCode::NXDomain => "NXDOMAIN".into(),
        other => other.to_string().to_uppercase(),
    }
}

/// Names with a dot are asked as they are (no search list); a single
/// label goes through the system's search domains like any other client.
fn to_name(name: &str) -> Option<Name> {
    let mut parsed = Name::from_utf8(name).ok()?;
    if name.contains('.') {
        parsed.set_fqdn(true);
    }
    Some(parsed)
}

fn record_type(kind: RecordKind) -> RecordType {
    match kind {
        RecordKind::A => RecordType::A,
        RecordKind::Aaaa => RecordType::AAAA,
        RecordKind::Mx => RecordType::MX,
        RecordKind::Srv => RecordType::SRV,
    }
}

/// The answers of the asked kind (CNAMEs and strays dropped).
fn answers<'a>(kind: RecordKind, data: impl Iterator<Item = &'a RData>) -> Vec<DnsAnswer> {
    data.filter_map(|d| match (kind, d) {
        (RecordKind::A, RData::A(a)) => Some(DnsAnswer::Addr(a.0.into())),
        (RecordKind::Aaaa, RData::AAAA(a)) => Some(DnsAnswer::Addr(a.0.into())),
        (RecordKind::Mx, RData::MX(mx)) => Some(DnsAnswer::Mx {
            preference: mx.preference,
            exchange: normalise(&mx.exchange.to_utf8()),
        }),
        (RecordKind::Srv, RData::SRV(srv)) => Some(DnsAnswer::Srv {
            priority: srv.priority,
            weight: srv.weight,
            port: srv.port,
            target: normalise(&srv.target.to_utf8()),
        }),
        _ => None,
    })
    .collect()
}

/// Lowercase, without the trailing dot.
fn normalise(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests;
