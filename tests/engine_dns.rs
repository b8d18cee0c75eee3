//! `probe::dns` against a DNS responder the test runs on 127.0.0.1.

mod engine_support;

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use hickory_proto::rr::RecordType;
use rstest::rstest;

use engine_support::{Answer, TestDns, aaaa, mx, srv};
use mailfix::evidence::{DnsAnswer, DnsOutcome, RecordKind};
use mailfix::probe::dns::Dns;

const TIMEOUT: Duration = Duration::from_millis(700);

async fn zone() -> TestDns {
    let dns = TestDns::start().await;
    dns.resolves("mail.example.org", "192.0.2.10")
        .set(
            "dual.example.org",
            RecordType::AAAA,
            Answer::Records(vec![aaaa("2001:db8::10")]),
        )
        .set(
            "example.org",
            RecordType::MX,
            Answer::Records(vec![mx(10, "MX1.Example.org.")]),
        )
        .set(
            "_imaps._tcp.example.org",
            RecordType::SRV,
            Answer::Records(vec![srv(993, "imap.example.org.")]),
        )
        .set("broken.example.org", RecordType::A, Answer::ServFail)
        .set("closed.example.org", RecordType::A, Answer::Refused)
        .set("slow.example.org", RecordType::A, Answer::Silent);
    dns
}

#[rstest]
#[case::a("mail.example.org", RecordKind::A, DnsOutcome::Found(vec![DnsAnswer::Addr("192.0.2.10".parse().unwrap())]))]
#[case::aaaa("dual.example.org", RecordKind::Aaaa, DnsOutcome::Found(vec![DnsAnswer::Addr("2001:db8::10".parse().unwrap())]))]
#[case::mx("example.org", RecordKind::Mx, DnsOutcome::Found(vec![DnsAnswer::Mx { preference: 10, exchange: "mx1.example.org".into() }]))]
#[case::srv("_imaps._tcp.example.org", RecordKind::Srv, DnsOutcome::Found(vec![DnsAnswer::Srv { priority: 0, weight: 1, port: 993, target: "imap.example.org".into() }]))]
#[case::nxdomain("nowhere.example.org", RecordKind::A, DnsOutcome::NxDomain)]
#[case::no_records("mail.example.org", RecordKind::Aaaa, DnsOutcome::NoRecords)]
#[case::servfail("broken.example.org", RecordKind::A, DnsOutcome::ServerError("SERVFAIL".into()))]
#[case::refused("closed.example.org", RecordKind::A, DnsOutcome::ServerError("REFUSED".into()))]
#[case::silent("slow.example.org", RecordKind::A, DnsOutcome::TimedOut)]
#[tokio::test]
async fn outcomes_are_told_apart(
    #[case] name: &str,
    #[case] kind: RecordKind,
    #[case] expected: DnsOutcome,
) {
    let server = zone().await;
    let dns = Dns::new(Some(server.addr), TIMEOUT, false);
    let lookup = dns.lookup(name, kind).await;
    assert_eq!(lookup.outcome, expected, "{name} {kind}");
    assert_eq!(lookup.name, name);
    assert_eq!(lookup.kind, kind);
}

#[tokio::test]
async fn answered_questions_are_asked_once_and_never_cached_across_runs() {
    let server = zone().await;
    let first = Dns::new(Some(server.addr), TIMEOUT, false);
    first.lookup("mail.example.org", RecordKind::A).await;
    assert_eq!(server.asked("mail.example.org", RecordType::A), 1);
    // A new run has a new resolver: it asks again.
    let second = Dns::new(Some(server.addr), TIMEOUT, false);
    second.lookup("mail.example.org", RecordKind::A).await;
    assert_eq!(server.asked("mail.example.org", RecordType::A), 2);
}

#[tokio::test]
async fn a_closed_dns_port_is_unreachable_with_the_os_reason() {
    // Bind and drop: nothing listens on that UDP port any more.
    let addr: SocketAddr = {
        let socket = std::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        socket.local_addr().unwrap()
    };
    let dns = Dns::new(Some(addr), TIMEOUT, false);
    let lookup = dns.lookup("mail.example.org", RecordKind::A).await;
    assert_eq!(
        lookup.outcome,
        DnsOutcome::Unreachable(format!("{addr}: connection refused"))
    );
}

#[tokio::test]
async fn a_silent_server_is_a_timeout_not_unreachable() {
    let server = zone().await;
    server.set("example.org", RecordType::MX, Answer::Silent);
    let dns = Dns::new(Some(server.addr), TIMEOUT, false);
    let lookup = dns.lookup("example.org", RecordKind::Mx).await;
    assert_eq!(lookup.outcome, DnsOutcome::TimedOut);
}
