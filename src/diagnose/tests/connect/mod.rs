//! Connect causes 1–7.

mod scenes;

use rstest::rstest;

use crate::account::{Protocol, Security, Service};
use crate::catalogue::{CauseId, ids};
use crate::diagnose::testkit::*;
use crate::evidence::{DnsOutcome, TlsOutcome};
use crate::finding::Confidence::{self, *};

use scenes::*;

#[rstest]
#[case::no_net_dns(
    unplugged_dns(),
    IN,
    ids::NO_NETWORK,
    Certain,
    "eth0 is without carrier",
    None
)]
#[case::no_net_route(
    no_route_literal(),
    IN,
    ids::NO_NETWORK,
    Certain,
    "network unreachable",
    None
)]
#[case::no_net_carrier_timeouts(
    no_carrier_timeouts(),
    IN,
    ids::NO_NETWORK,
    Likely,
    "did not answer at all",
    None
)]
#[case::no_net_unknown_local(
    unknown_local_netunreach(),
    IN,
    ids::NO_NETWORK,
    Possible,
    "could not read",
    None
)]
#[case::nxdomain(
    nxdomain(),
    IN,
    ids::WRONG_ADDRESS,
    Certain,
    "does not exist (NXDOMAIN)",
    None
)]
#[case::nxdomain_srv(
    nxdomain_with_srv(),
    IN,
    ids::WRONG_ADDRESS,
    Certain,
    "SRV record _imaps._tcp.example.org names imap.provider.net",
    Some("server imap.provider.net, port 993, security tls")
)]
#[case::no_address(no_address(), IN, ids::WRONG_ADDRESS, Certain, "no A record", None)]
#[case::all_refused(
    all_refused(),
    IN,
    ids::WRONG_ADDRESS,
    Likely,
    "refused the connection (RST)",
    None
)]
#[case::all_dropped(
    all_dropped(),
    IN,
    ids::FIREWALL,
    Likely,
    "did not answer at all within 5.0 s",
    None
)]
#[case::proxy(
    all_dropped_behind_proxy(),
    IN,
    ids::FIREWALL,
    Likely,
    "https_proxy=http://proxy.corp.example:3128",
    None
)]
#[case::loopback_lab(loopback_dropped(), IN, ids::FIREWALL, Likely, "127.0.0.1", None)]
#[case::wrong_proto(
    pop3_port_as_imap(),
    IN,
    ids::WRONG_PROTOCOL,
    Certain,
    "which is how a POP3 server greets",
    Some("port 993, security tls")
)]
#[case::wrong_proto_tls(
    pop3_port_as_imaps(),
    IN,
    ids::WRONG_PROTOCOL,
    Certain,
    "`+OK Dovecot (Debian) ready.`",
    Some("port 993, security tls")
)]
#[case::smtp_as_imap(
    smtp_port_as_imap(),
    IN,
    ids::WRONG_PROTOCOL,
    Certain,
    "which is how a SMTP server greets",
    None
)]
#[case::wrong_port(
    submission_refused(),
    OUT,
    ids::WRONG_PORT,
    Certain,
    "mail.example.org:587 (192.0.2.7) refused the connection (RST)",
    Some("port 465, security tls")
)]
#[case::wrong_port_dropped(
    submission_dropped(),
    OUT,
    ids::WRONG_PORT,
    Likely,
    "did not answer",
    Some("port 465, security tls")
)]
#[case::tls_to_plain(
    tls_to_plain_port(),
    IN,
    ids::TLS_MISMATCH,
    Certain,
    "answered the TLS handshake with plain text",
    Some("port 993, security tls")
)]
#[case::plain_to_tls(
    plain_to_tls_port(),
    IN,
    ids::TLS_MISMATCH,
    Certain,
    "TLS handshake bytes",
    Some("port 993, security tls")
)]
#[case::silent_tls(
    silent_tls_port(),
    IN,
    ids::TLS_MISMATCH,
    Certain,
    "said nothing within 5.0 s",
    Some("port 993, security tls")
)]
#[case::logindisabled(
    login_disabled(),
    IN,
    ids::TLS_MISMATCH,
    Certain,
    "LOGINDISABLED",
    Some("port 993, security tls")
)]
#[case::pop3_plaintext(
    pop3_plaintext_disallowed(),
    IN,
    ids::TLS_MISMATCH,
    Certain,
    "Plaintext authentication disallowed",
    Some("port 110, security starttls")
)]
#[case::smtp_530(
    smtp_starttls_first(),
    OUT,
    ids::TLS_MISMATCH,
    Certain,
    "530 5.7.0 Must issue a STARTTLS command first",
    Some("port 587, security starttls")
)]
#[case::smtp_auth_after_tls(
    smtp_auth_only_after_tls(),
    OUT,
    ids::TLS_MISMATCH,
    Certain,
    "before encryption the server offers no way to log in",
    Some("port 465, security tls")
)]
#[case::no_starttls(
    starttls_missing(),
    IN,
    ids::TLS_MISMATCH,
    Likely,
    "did not offer STARTTLS",
    Some("port 993, security tls")
)]
#[case::port25(
    port25_blocked(),
    OUT,
    ids::OUTSIDE_BLOCKED,
    Likely,
    "mail.example.org:465 answered with SMTP",
    Some("port 465, security tls, auth auto")
)]
fn connect_causes(
    #[case] scene: Rb,
    #[case] service: Service,
    #[case] cause: CauseId,
    #[case] confidence: Confidence,
    #[case] evidence: &str,
    #[case] patch: Option<&str>,
) {
    let d = scene.diagnose();
    let t = assert_top(&d, service, cause, confidence, evidence, patch);
    assert!(!t.fix.is_empty());
    assert!(ruled(&d, service, cause).is_none());
}

/// Ambiguous evidence gives several candidates, in order.
#[rstest]
#[case::dropped(all_dropped(), &[(ids::FIREWALL, Likely), (ids::WRONG_ADDRESS, Possible)])]
#[case::port25(port25_blocked(), &[(ids::OUTSIDE_BLOCKED, Likely), (ids::WRONG_PORT, Possible)])]
#[case::submission_dropped(submission_dropped(), &[(ids::WRONG_PORT, Likely), (ids::FIREWALL, Possible)])]
#[case::no_net(unplugged_dns(), &[(ids::NO_NETWORK, Certain)])]
#[case::loopback_is_not_offline(loopback_dropped(), &[(ids::FIREWALL, Likely), (ids::WRONG_ADDRESS, Possible)])]
fn ambiguity_is_ranked(#[case] scene: Rb, #[case] expected: &[(CauseId, Confidence)]) {
    let d = scene.diagnose();
    let got: Vec<(CauseId, Confidence)> =
        d.findings.iter().map(|f| (f.cause, f.confidence)).collect();
    assert_eq!(got, expected, "{d:#?}");
}

#[test]
fn a_published_host_that_answers_makes_the_address_the_likelier_cause() {
    let d = all_dropped()
        .srv_serving("_imaps._tcp", IMAP, "imap.provider.net", 993, Security::Tls)
        .diagnose();
    assert_eq!(conf(&d, IN, ids::WRONG_ADDRESS), Some(Likely));
    assert_eq!(conf(&d, IN, ids::FIREWALL), Some(Possible));
    let patch = must(&d, IN, ids::WRONG_ADDRESS).patch.unwrap();
    assert_eq!(patch.host.as_deref(), Some("imap.provider.net"));
}

#[test]
fn no_default_route_with_answering_servers_is_not_offline() {
    let d = healthy_imap()
        .local(Some(no_route()), Some(no_route()))
        .diagnose();
    assert!(d.findings.is_empty(), "{d:#?}");
    ruled_with(&d, IN, ids::NO_NETWORK, "accepted a connection");
}

#[test]
fn timeouts_without_a_default_route_are_not_offline() {
    // A SYN that times out was sent somewhere: the machine has a way out.
    let d = all_dropped()
        .local(Some(no_route()), Some(no_route()))
        .diagnose();
    assert!(get(&d, IN, ids::NO_NETWORK).is_none(), "{d:#?}");
    assert_eq!(conf(&d, IN, ids::FIREWALL), Some(Likely));
}

#[test]
fn a_refused_port_rules_out_no_network_and_other_ports() {
    let d = all_refused().diagnose();
    ruled_with(&d, IN, ids::NO_NETWORK, "packets get through");
    ruled_with(&d, IN, ids::WRONG_PORT, "no standard IMAP port");
}

#[test]
fn tls_to_plain_port_also_offers_starttls_on_the_same_port() {
    let d = tls_to_plain_port().diagnose();
    let f = must(&d, IN, ids::TLS_MISMATCH);
    has_line(&f.fix, "Or keep port 143 and set security to STARTTLS");
    assert!(get(&d, IN, ids::WRONG_PROTOCOL).is_none());
}

#[test]
fn wrong_protocol_offers_switching_protocol_too() {
    let d = pop3_port_as_imap().diagnose();
    let f = must(&d, IN, ids::WRONG_PROTOCOL);
    has_line(
        &f.fix,
        "Or, if you meant to use POP3, switch the protocol (protocol pop3, port 110, security starttls)",
    );
}

#[test]
fn a_local_stub_resolver_failing_while_unplugged_is_likely_offline() {
    // systemd-resolved on 127.0.0.53 answers SERVFAIL when it has no way out.
    let d = Rb::new()
        .incoming(IMAP, 993, Security::Tls)
        .resolver("system (127.0.0.53)")
        .local(Some(unplugged()), Some(unplugged()))
        .addr_dns(HOST, DnsOutcome::ServerError("SERVFAIL".into()))
        .ep(cfg(IN, IMAP, 993, Security::Tls))
        .diagnose();
    let f = must(&d, IN, ids::NO_NETWORK);
    assert_eq!(f.confidence, Likely);
    has_line(&f.evidence, "SERVFAIL");
    // The DNS failure is explained: no separate note about it.
    assert!(d.notes.iter().all(|n| !n.problem), "{:#?}", d.notes);
}

#[test]
fn dns_failure_without_offline_evidence_is_a_note() {
    let d = Rb::new()
        .incoming(IMAP, 993, Security::Tls)
        .local(Some(online()), Some(online()))
        .addr_dns(HOST, DnsOutcome::ServerError("SERVFAIL".into()))
        .ep(cfg(IN, IMAP, 993, Security::Tls))
        .diagnose();
    assert!(d.findings.is_empty(), "{d:#?}");
    let n = d.notes.iter().find(|n| n.problem).expect("note");
    has_line(&n.evidence, "SERVFAIL");
}

#[test]
fn a_closed_port_with_a_working_neighbour_rules_out_the_rest() {
    let d = submission_refused().diagnose();
    for (cause, needle) in [
        (ids::NO_NETWORK, "accepted a connection"),
        (
            ids::WRONG_ADDRESS,
            "DNS resolved mail.example.org to 192.0.2.7, and port 465 answered in 12 ms",
        ),
        (
            ids::FIREWALL,
            "port 587 refused at once instead of being silently dropped",
        ),
        (ids::WRONG_PROTOCOL, "nothing answered on port 587"),
        (
            ids::TLS_MISMATCH,
            "port 587 refused the connection before encryption could matter",
        ),
        (ids::OUTSIDE_BLOCKED, "port 25 of mail.example.org answered"),
    ] {
        ruled_with(&d, OUT, cause, needle);
    }
}

#[test]
fn a_dns_answer_from_elsewhere_rules_out_no_network() {
    let d = nxdomain().diagnose();
    assert_eq!(
        ruled(&d, IN, ids::NO_NETWORK).as_deref(),
        Some("the name server answered about mail.example.org (asked system (10.0.0.1))")
    );
}

#[test]
fn a_port_published_by_srv_on_the_same_host_is_an_alternative() {
    let d = all_refused()
        .srv_serving("_imaps._tcp", IMAP, HOST, 10993, Security::Tls)
        .diagnose();
    let f = must(&d, IN, ids::WRONG_PORT);
    assert_eq!(f.confidence, Certain);
    assert_eq!(f.patch.unwrap().describe(), "port 10993, security tls");
}

/// The demo lab's pulled cable: its DNS server is on loopback, but the
/// engine reports it unreachable for lack of a route; simulated snapshots.
#[test]
fn the_labs_pulled_cable_is_no_network() {
    let mut net = no_route();
    net.simulated = true;
    let d = unplugged_dns()
        .resolver("127.0.0.1:5353")
        .local(Some(net.clone()), Some(net))
        .diagnose();
    let f = must(&d, IN, ids::NO_NETWORK);
    assert_eq!(f.confidence, Certain);
    has_line(
        &f.evidence,
        "there was no default route (neither IPv4 nor IPv6) (simulated by the demo lab)",
    );
    assert_eq!(d.findings.len(), 1, "{d:#?}");
}

#[test]
fn a_stopped_local_resolver_is_not_offline() {
    let d = unplugged_dns()
        .resolver("system (127.0.0.53)")
        .local(Some(no_route()), Some(no_route()))
        .addr_dns(HOST, DnsOutcome::Unreachable("connection refused".into()))
        .diagnose();
    assert!(get(&d, IN, ids::NO_NETWORK).is_none(), "{d:#?}");
    assert!(
        d.notes
            .iter()
            .any(|n| n.problem && n.text.contains("DNS could not answer"))
    );
}

#[test]
fn a_working_port_beats_one_whose_certificate_fails() {
    let d = healthy_smtp()
        .outgoing(2525, Security::Starttls)
        .ep(cfg(OUT, Protocol::Smtp, 2525, Security::Starttls).refused())
        .ep(nb(OUT, Protocol::Smtp, 465, Security::Tls)
            .tls(TlsOutcome::CertRejected {
                problem: crate::evidence::CertProblem::SelfSigned {
                    subject: "CN=localhost".into(),
                },
                cert: None,
            })
            .greet(SMTP_HELLO))
        .ep(nb(OUT, Protocol::Smtp, 587, Security::Starttls).healthy())
        .diagnose();
    let f = must(&d, OUT, ids::WRONG_PORT);
    assert_eq!(f.patch.unwrap().describe(), "port 587, security starttls");
}

#[test]
fn an_ip_address_that_refuses_everything_is_called_an_address() {
    let d = all_refused()
        .server(IN, |s| s.host = "127.0.0.1".into())
        .edit(|r| {
            for p in &mut r.endpoints {
                p.endpoint.host = "127.0.0.1".into();
                for a in &mut p.connects {
                    a.addr.set_ip("127.0.0.1".parse().unwrap());
                    a.ms = 0.3;
                }
            }
        })
        .diagnose();
    let f = must(&d, IN, ids::WRONG_ADDRESS);
    has_line(
        &f.fix,
        "Check the server address: nothing on 127.0.0.1 serves IMAP",
    );
    has_line(
        &f.evidence,
        "127.0.0.1:993 refused the connection (RST) at once",
    );
    ruled_with(&d, IN, ids::WRONG_PORT, "ports 143 and 993 refused");
}

#[test]
fn a_failed_handshake_is_no_security_alarm() {
    let d = tls_to_plain_port().diagnose();
    assert_eq!(top(&d).cause, ids::TLS_MISMATCH, "{d:#?}");
    assert!(get(&d, IN, ids::SECURITY_ALARM).is_none(), "{d:#?}");
}
