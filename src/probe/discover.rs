//! Start from an e-mail address: ask the domain's SRV records (RFC 6186,
//! RFC 8314) and MX, look at the standard ports of the hosts they name
//! (`Depth::Look`: connect, TLS, greeting, capabilities, STARTTLS — never
//! a credential), and propose the best working settings with the evidence.
//!
//! Only what the address's domain publishes is contacted (design.md, "What
//! mailfix contacts"). The DNS questions go out at once, then every
//! candidate endpoint is probed at once by the engine; the whole thing is
//! bounded by the limits' deadline and stops on `cancel`.

mod propose;

use futures::future::join_all;
use thiserror::Error;
use tokio_util::sync::CancellationToken;

use crate::account::{Account, Protocol, Security, ServerSettings};
use crate::account::{Service, email_domain};
use crate::event::RunId;
use crate::evidence::{Depth, DnsLookup, RecordKind, Role};
use crate::plan::{EndpointSpec, Limits, Plan, Scope, Trigger};

use super::ProbeOptions;
use super::dns::Dns;

pub use propose::{
    Candidate, MAX_HOSTS, Proposal, candidates, dns_summary, probe_summary, propose,
};

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DiscoverError {
    #[error("\"{0}\" is not an e-mail address (name@example.org)")]
    NotAnAddress(String),
    #[error("the search was cancelled")]
    Cancelled,
}

/// What discovery found for an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovery {
    pub email: String,
    pub domain: String,
    pub incoming: Option<Proposal>,
    pub outgoing: Option<Proposal>,
    /// What DNS said, one line per record set.
    pub dns: Vec<String>,
    /// Endpoints looked at, and how many of them answered in their protocol.
    pub looked_at: usize,
    pub answered: usize,
}

impl Discovery {
    pub fn proposal(&self, service: Service) -> Option<&Proposal> {
        match service {
            Service::Incoming => self.incoming.as_ref(),
            Service::Outgoing => self.outgoing.as_ref(),
            Service::Store => None,
        }
    }
}

/// Look up what `email`'s domain publishes, probe it, propose settings.
pub async fn discover(
    email: &str,
    options: ProbeOptions,
    limits: Limits,
    cancel: CancellationToken,
) -> Result<Discovery, DiscoverError> {
    let email = email.trim().to_owned();
    let domain = email_domain(&email)
        .filter(|_| email.contains('@') && !email.starts_with('@'))
        .ok_or_else(|| DiscoverError::NotAnAddress(email.clone()))?;

    let dns = Dns::new(
        options.dns_server,
        limits.timeout,
        options.network.unplugged(),
    );
    let questions = propose::srv_services()
        .map(|(label, _, _)| (format!("{label}.{domain}"), RecordKind::Srv))
        .chain([(domain.clone(), RecordKind::Mx)]);
    let asked = join_all(questions.map(|(name, kind)| {
        let dns = &dns;
        async move { dns.lookup(&name, kind).await }
    }));
    let lookups: Vec<DnsLookup> = tokio::select! {
        biased;
        () = cancel.cancelled() => return Err(DiscoverError::Cancelled),
        lookups = asked => lookups,
    };

    let found = candidates(&lookups);
    let mut discovery = Discovery {
        email: email.clone(),
        domain: domain.clone(),
        incoming: None,
        outgoing: None,
        dns: dns_summary(&lookups),
        looked_at: found.len(),
        answered: 0,
    };
    if found.is_empty() {
        return Ok(discovery);
    }
    let plan = Plan {
        account: skeleton(&email, &domain),
        scope: Scope::Only(crate::catalogue::Category::Connect),
        limits,
        local_network: false,
        dns: Vec::new(),
        endpoints: found
            .iter()
            .map(|c| EndpointSpec {
                service: c.service,
                role: Role::Published(c.publisher.clone()),
                endpoint: c.endpoint.clone(),
                depth: Depth::Look,
                trigger: Trigger::Always,
            })
            .collect(),
        stability: Vec::new(),
        store: None,
    };
    // The engine's events are not needed: the report holds every probe.
    let (events, _) = tokio::sync::mpsc::unbounded_channel();
    let report = super::run(plan, options, RunId(0), events, cancel.clone()).await;
    if cancel.is_cancelled() {
        return Err(DiscoverError::Cancelled);
    }
    discovery.answered = report
        .endpoints
        .iter()
        .filter(|p| p.serves_expected_protocol())
        .count();
    discovery.incoming = propose(Service::Incoming, &found, &report.endpoints);
    discovery.outgoing = propose(Service::Outgoing, &found, &report.endpoints);
    Ok(discovery)
}

/// The account the probes run under: it only gives the engine a TLS
/// client per service (no password, nothing is logged in).
fn skeleton(email: &str, domain: &str) -> Account {
    let server = |protocol: Protocol| {
        ServerSettings::standard(protocol, domain, Security::Tls).with_username(email)
    };
    Account {
        name: email.to_owned(),
        email: email.to_owned(),
        incoming: Some(server(Protocol::Imap)),
        outgoing: Some(server(Protocol::Smtp)),
        store: None,
    }
}

#[cfg(test)]
mod tests;
