//! Discovery's pure half on literal DNS answers and probe outcomes.

use rstest::rstest;

use super::*;
use crate::evidence::{
    CertSummary, ConnectAttempt, ConnectOutcome, DnsAnswer, DnsOutcome, Endpoint, EndpointProbe,
    Greeting, GreetingKind, PinCheck, Publisher, Session, TlsOutcome,
};

fn srv(name: &str, answers: &[(u16, u16, &str)]) -> DnsLookup {
    DnsLookup {
        name: name.into(),
        kind: RecordKind::Srv,
        outcome: if answers.is_empty() {
            DnsOutcome::NxDomain
        } else {
            DnsOutcome::Found(
                answers
                    .iter()
                    .map(|(priority, port, target)| DnsAnswer::Srv {
                        priority: *priority,
                        weight: 1,
                        port: *port,
                        target: (*target).into(),
                    })
                    .collect(),
            )
        },
        ms: 1.0,
    }
}

fn mx(domain: &str, hosts: &[(u16, &str)]) -> DnsLookup {
    DnsLookup {
        name: domain.into(),
        kind: RecordKind::Mx,
        outcome: DnsOutcome::Found(
            hosts
                .iter()
                .map(|(preference, exchange)| DnsAnswer::Mx {
                    preference: *preference,
                    exchange: (*exchange).into(),
                })
                .collect(),
        ),
        ms: 1.0,
    }
}

fn endpoint(protocol: Protocol, host: &str, port: u16, security: Security) -> Endpoint {
    Endpoint {
        protocol,
        host: host.into(),
        port,
        security,
    }
}

/// A probe of `e` that connected, did TLS (verified or not) and greeted
/// in `greets`; or refused when `greets` is `None`.
fn probe(e: &Endpoint, greets: Option<GreetingKind>, verified: bool) -> EndpointProbe {
    let addr = "192.0.2.1:1".parse().unwrap();
    let service = if e.protocol == Protocol::Smtp {
        Service::Outgoing
    } else {
        Service::Incoming
    };
    let Some(kind) = greets else {
        return EndpointProbe {
            service,
            role: Role::Published(Publisher::Mx),
            endpoint: e.clone(),
            depth: Depth::Look,
            connects: vec![ConnectAttempt {
                addr,
                outcome: ConnectOutcome::Refused,
                ms: 0.2,
            }],
            session: None,
        };
    };
    let mut session = Session::new(addr);
    session.tls = Some(if verified {
        TlsOutcome::Verified {
            version: "TLSv1.3".into(),
            cipher: "TLS13_AES_256_GCM_SHA384".into(),
            cert: CertSummary {
                subject: format!("CN={}", e.host),
                issuer: "CN=Example CA".into(),
                names: vec![e.host.clone()],
                not_before: String::new(),
                not_after: String::new(),
                self_signed: false,
                sha256: "ab".into(),
            },
            pin: PinCheck::NotPinned,
        }
    } else {
        TlsOutcome::Failed(crate::evidence::HandshakeFailure::Closed)
    });
    session.greeting = Some(Greeting {
        kind,
        line: "hello".into(),
        reply: None,
        verified,
        ms: 1.0,
    });
    EndpointProbe {
        service,
        role: Role::Published(Publisher::Mx),
        endpoint: e.clone(),
        depth: Depth::Look,
        connects: vec![ConnectAttempt {
            addr,
            outcome: ConnectOutcome::Connected,
            ms: 0.3,
        }],
        session: Some(session),
    }
}

#[test]
fn srv_targets_come_first_then_mx_hosts_each_with_the_standard_ports() {
    let lookups = [
        srv("_imaps._tcp.example.org", &[(10, 993, "imap.example.org.")]),
        srv(
            "_submission._tcp.example.org",
            &[(0, 2587, "smtp.example.org")],
        ),
        srv("_pop3._tcp.example.org", &[(0, 0, ".")]),
        mx(
            "example.org",
            &[
                (20, "mx2.example.org"),
                (10, "mx1.example.org"),
                (30, "mx3.example.org"),
            ],
        ),
    ];
    let found = candidates(&lookups);
    let mut hosts: Vec<&str> = Vec::new();
    for c in &found {
        if !hosts.contains(&c.endpoint.host.as_str()) {
            hosts.push(&c.endpoint.host);
        }
    }
    // SRV by priority (smtp 0 before imap 10), then the first two MX.
    assert_eq!(
        hosts,
        [
            "smtp.example.org",
            "imap.example.org",
            "mx1.example.org",
            "mx2.example.org"
        ]
    );
    let on_smtp: Vec<(u16, Security)> = found
        .iter()
        .filter(|c| c.endpoint.host == "smtp.example.org" && c.endpoint.protocol == Protocol::Smtp)
        .map(|c| (c.endpoint.port, c.endpoint.security))
        .collect();
    assert_eq!(
        on_smtp,
        [
            (465, Security::Tls),
            (587, Security::Starttls),
            (2587, Security::Starttls)
        ],
        "the published port too, never 25"
    );
    let published = found
        .iter()
        .find(|c| c.endpoint.port == 993 && c.endpoint.host == "imap.example.org")
        .unwrap();
    assert_eq!(
        published.published,
        Some(("_imaps._tcp.example.org".to_owned(), 10))
    );
    assert_eq!(found.len(), 4 * 6 + 1);
}

#[test]
fn nothing_published_means_nothing_to_look_at() {
    let lookups = [
        srv("_imaps._tcp.example.org", &[]),
        mx("example.org", &[(0, ".")]),
    ];
    assert!(candidates(&lookups).is_empty());
}

#[rstest]
// The published, working endpoint wins.
#[case(&[(993, true, true), (143, true, true)], Some((993, Security::Tls, true)))]
// A published one that does not answer loses to a standard port that works.
#[case(&[(993, false, false), (143, true, true)], Some((143, Security::Starttls, true)))]
// TLS that does not verify is not working: fall back to what DNS publishes, unverified.
#[case(&[(993, true, false), (143, true, false)], Some((993, Security::Tls, false)))]
fn the_best_working_incoming_is_proposed(
    #[case] seen: &[(u16, bool, bool)],
    #[case] want: Option<(u16, Security, bool)>,
) {
    let lookups = [
        srv("_imaps._tcp.example.org", &[(0, 993, "mail.example.org")]),
        mx("example.org", &[(10, "mail.example.org")]),
    ];
    let found = candidates(&lookups);
    let probes: Vec<EndpointProbe> = found
        .iter()
        .filter(|c| c.endpoint.protocol == Protocol::Imap)
        .map(|c| {
            let (_, greets, verified) = seen
                .iter()
                .find(|(port, _, _)| *port == c.endpoint.port)
                .copied()
                .unwrap_or((0, false, false));
            probe(&c.endpoint, greets.then_some(GreetingKind::Imap), verified)
        })
        .collect();
    let got = propose(Service::Incoming, &found, &probes)
        .map(|p| (p.endpoint.port, p.endpoint.security, p.verified));
    assert_eq!(got, want);
}

#[test]
fn imap_before_pop3_and_evidence_says_why() {
    let lookups = [mx("example.org", &[(10, "mail.example.org")])];
    let found = candidates(&lookups);
    let imap = endpoint(Protocol::Imap, "mail.example.org", 993, Security::Tls);
    let pop3 = endpoint(Protocol::Pop3, "mail.example.org", 995, Security::Tls);
    let probes = [
        probe(&pop3, Some(GreetingKind::Pop3), true),
        probe(&imap, Some(GreetingKind::Imap), true),
    ];
    let p = propose(Service::Incoming, &found, &probes).unwrap();
    assert_eq!(p.endpoint, imap);
    assert!(p.verified);
    assert_eq!(
        p.evidence,
        [
            "a standard port of mail.example.org, which the domain's MX record names",
            "answers in IMAP with TLS, certificate verified (TLSv1.3)",
        ]
    );
    // A greeting in the wrong protocol does not count.
    let probes = [probe(&imap, Some(GreetingKind::Pop3), true)];
    assert_eq!(propose(Service::Incoming, &found, &probes), None);
}

#[test]
fn dns_is_summed_up_in_words() {
    let lookups = [
        srv("_imaps._tcp.example.org", &[(0, 993, "mail.example.org.")]),
        srv("_pop3s._tcp.example.org", &[]),
        mx("example.org", &[(10, "mx.example.org")]),
    ];
    assert_eq!(
        dns_summary(&lookups),
        [
            "_imaps._tcp.example.org SRV: mail.example.org:993",
            "example.org MX: mx.example.org",
            "nothing published for _pop3s._tcp.example.org SRV",
        ]
    );
}
