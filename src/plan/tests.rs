use super::*;
use crate::account::ServerSettings;
use rstest::rstest;

fn server(protocol: Protocol, host: &str, port: u16, security: Security) -> ServerSettings {
    ServerSettings::new(protocol, host, port, security).with_username("alice@example.org")
}

fn account() -> Account {
    Account {
        name: "work".into(),
        email: "alice@Example.org".into(),
        incoming: Some(server(
            Protocol::Imap,
            "Mail.Example.org.",
            993,
            Security::Tls,
        )),
        outgoing: Some(server(
            Protocol::Smtp,
            "mail.example.org",
            587,
            Security::Starttls,
        )),
        store: None,
    }
}

fn targets(plan: &Plan, service: Service, role: Role) -> Vec<String> {
    plan.endpoints
        .iter()
        .filter(|e| e.service == service && e.role == role)
        .map(|e| format!("{}/{}", e.endpoint.port, e.endpoint.security.as_str()))
        .collect()
}

#[test]
fn configured_endpoints_are_probed_in_full_and_only_they() {
    let plan = plan(&account(), Scope::Everything, Limits::default());
    for e in &plan.endpoints {
        assert_eq!(e.depth == Depth::Full, e.role == Role::Configured, "{e:?}");
    }
    assert_eq!(
        targets(&plan, Service::Incoming, Role::Configured),
        ["993/tls"]
    );
    assert_eq!(
        plan.endpoints
            .iter()
            .filter(|e| e.endpoint.host != "mail.example.org")
            .count(),
        0
    );
}

#[rstest]
#[case::imaps(Protocol::Imap, 993, Security::Tls, &["143/starttls", "993/starttls"])]
#[case::imap_starttls(Protocol::Imap, 143, Security::Starttls, &["143/tls", "993/tls"])]
#[case::pop3_odd_port(Protocol::Pop3, 1110, Security::None, &["110/starttls", "1110/tls", "995/tls"])]
#[case::smtp_25(Protocol::Smtp, 25, Security::Starttls, &["25/tls", "465/tls", "587/starttls"])]
fn neighbours_cover_standard_ports_and_the_other_mode(
    #[case] protocol: Protocol,
    #[case] port: u16,
    #[case] security: Security,
    #[case] expected: &[&str],
) {
    let mut acc = account();
    acc.outgoing = None;
    acc.incoming = Some(server(protocol, "mail.example.org", port, security));
    if protocol == Protocol::Smtp {
        acc.outgoing = acc.incoming.take();
    }
    let service = if protocol == Protocol::Smtp {
        Service::Outgoing
    } else {
        Service::Incoming
    };
    let plan = plan(&acc, Scope::Everything, Limits::default());
    let mut got = targets(&plan, service, Role::SameHost);
    got.sort();
    assert_eq!(got, expected);
}

#[test]
fn dns_questions_are_deduplicated_and_normalised() {
    let plan = plan(&account(), Scope::Everything, Limits::default());
    let names: Vec<String> = plan
        .dns
        .iter()
        .map(|q| format!("{} {}", q.kind, q.name))
        .collect();
    assert_eq!(
        names,
        [
            "A mail.example.org",
            "AAAA mail.example.org",
            "MX example.org",
            "SRV _imap._tcp.example.org",
            "SRV _imaps._tcp.example.org",
            "SRV _submission._tcp.example.org",
            "SRV _submissions._tcp.example.org",
        ]
    );
}

#[test]
fn ip_literals_are_not_looked_up() {
    let mut acc = account();
    acc.incoming = Some(server(Protocol::Imap, "[::1]", 993, Security::Tls));
    acc.outgoing = None;
    let plan = plan(&acc, Scope::Everything, Limits::default());
    assert!(
        plan.dns
            .iter()
            .all(|q| q.kind != RecordKind::A && q.kind != RecordKind::Aaaa)
    );
    assert_eq!(plan.endpoints[0].endpoint.host, "::1");
}

#[rstest]
#[case::everything(Scope::Everything, 2)]
#[case::broken(Scope::Only(Category::Broken), 2)]
#[case::connect(Scope::Only(Category::Connect), 0)]
fn stability_only_when_broken_is_asked(#[case] scope: Scope, #[case] expected: usize) {
    assert_eq!(
        plan(&account(), scope, Limits::default()).stability.len(),
        expected
    );
}

fn lookup(name: &str, kind: RecordKind, answers: Vec<DnsAnswer>) -> DnsLookup {
    DnsLookup {
        name: name.into(),
        kind,
        outcome: DnsOutcome::Found(answers),
        ms: 1.0,
    }
}

#[test]
fn srv_targets_become_published_endpoints() {
    let plan = plan(&account(), Scope::Everything, Limits::default());
    let srv = lookup(
        "_imaps._tcp.example.org",
        RecordKind::Srv,
        vec![
            DnsAnswer::Srv {
                priority: 0,
                weight: 1,
                port: 993,
                target: "imap.Provider.net.".into(),
            },
            DnsAnswer::Srv {
                priority: 0,
                weight: 1,
                port: 0,
                target: ".".into(),
            },
        ],
    );
    let got = published_endpoints(&plan, &srv);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].service, Service::Incoming);
    assert_eq!(
        got[0].endpoint.to_string(),
        "IMAP imap.provider.net:993 TLS"
    );
    assert_eq!(
        got[0].role,
        Role::Published(Publisher::Srv("_imaps._tcp".into()))
    );
    assert_eq!(got[0].depth, Depth::Look);
}

#[test]
fn srv_naming_the_configured_endpoint_adds_nothing() {
    let plan = plan(&account(), Scope::Everything, Limits::default());
    let srv = lookup(
        "_submission._tcp.example.org",
        RecordKind::Srv,
        vec![DnsAnswer::Srv {
            priority: 0,
            weight: 1,
            port: 587,
            target: "mail.example.org.".into(),
        }],
    );
    assert!(published_endpoints(&plan, &srv).is_empty());
}

#[test]
fn mx_hosts_get_standard_ports_of_each_service() {
    let plan = plan(&account(), Scope::Everything, Limits::default());
    let mx = lookup(
        "example.org",
        RecordKind::Mx,
        vec![
            DnsAnswer::Mx {
                preference: 20,
                exchange: "mx2.example.org.".into(),
            },
            DnsAnswer::Mx {
                preference: 10,
                exchange: "mx1.example.org.".into(),
            },
            DnsAnswer::Mx {
                preference: 30,
                exchange: "mx3.example.org.".into(),
            },
        ],
    );
    let got = published_endpoints(&plan, &mx);
    let hosts: BTreeSet<&str> = got.iter().map(|e| e.endpoint.host.as_str()).collect();
    assert_eq!(
        hosts,
        BTreeSet::from(["mx1.example.org", "mx2.example.org"])
    );
    // 2 IMAP + 3 SMTP ports per host.
    assert_eq!(got.len(), 10);
}

#[test]
fn null_mx_is_ignored() {
    let plan = plan(&account(), Scope::Everything, Limits::default());
    let mx = lookup(
        "example.org",
        RecordKind::Mx,
        vec![DnsAnswer::Mx {
            preference: 0,
            exchange: ".".into(),
        }],
    );
    assert!(published_endpoints(&plan, &mx).is_empty());
}

#[test]
fn store_only_account_has_no_network_probes() {
    let acc = Account {
        name: "local".into(),
        email: "a@example.org".into(),
        incoming: None,
        outgoing: None,
        store: Some(StoreSettings {
            path: "/tmp/m".into(),
            format: crate::account::StoreFormat::Maildir,
        }),
    };
    let plan = plan(&acc, Scope::Everything, Limits::default());
    assert!(!plan.local_network);
    assert!(plan.dns.is_empty() && plan.endpoints.is_empty());
    assert!(plan.store.is_some());
}
