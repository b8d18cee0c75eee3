use super::*;
use hickory_resolver::net::NoRecords;
use hickory_resolver::proto::op::Query;
use hickory_resolver::proto::rr::rdata::{A, MX, SRV};
use rstest::rstest;

fn no_records(code: ResponseCode) -> NetError {
    NetError::Dns(DnsError::NoRecordsFound(NoRecords::new(
        Query::default(),
        code,
    )))
}

#[rstest]
#[case::nxdomain(
    no_records(ResponseCode::NXDomain),
    Failure::Outcome(DnsOutcome::NxDomain)
)]
#[case::empty(
    no_records(ResponseCode::NoError),
    Failure::Outcome(DnsOutcome::NoRecords)
)]
#[case::servfail(
    NetError::Dns(DnsError::ResponseCode(ResponseCode::ServFail)),
    Failure::Outcome(DnsOutcome::ServerError("SERVFAIL".into()))
)]
#[case::refused(
    NetError::Dns(DnsError::ResponseCode(ResponseCode::Refused)),
    Failure::Outcome(DnsOutcome::ServerError("REFUSED".into()))
)]
#[case::timeout(NetError::Timeout, Failure::Silent)]
#[case::no_connections(
    NetError::NoConnections,
    Failure::NotSent("no name server could be reached".into())
)]
#[case::io(
    NetError::from(std::io::Error::from_raw_os_error(libc::ENETUNREACH)),
    Failure::NotSent("network unreachable".into())
)]
fn errors_become_outcomes(#[case] err: NetError, #[case] expected: Failure) {
    assert_eq!(classify(&err), expected);
}

#[test]
fn answers_keep_only_the_asked_kind_and_normalise_names() {
    let data = [
        RData::A(A::new(192, 0, 2, 1)),
        RData::MX(MX::new(10, Name::from_ascii("MX1.Example.org.").unwrap())),
        RData::SRV(SRV::new(
            0,
            5,
            993,
            Name::from_ascii("imap.example.org.").unwrap(),
        )),
    ];
    assert_eq!(
        answers(RecordKind::A, data.iter()),
        [DnsAnswer::Addr("192.0.2.1".parse().unwrap())]
    );
    assert_eq!(
        answers(RecordKind::Mx, data.iter()),
        [DnsAnswer::Mx {
            preference: 10,
            exchange: "mx1.example.org".into()
        }]
    );
    assert_eq!(
        answers(RecordKind::Srv, data.iter()),
        [DnsAnswer::Srv {
            priority: 0,
            weight: 5,
            port: 993,
            target: "imap.example.org".into()
        }]
    );
    assert!(answers(RecordKind::Aaaa, data.iter()).is_empty());
}

#[test]
fn explicit_server_is_described_by_its_address() {
    let dns = Dns::new(
        Some("127.0.0.1:5353".parse().unwrap()),
        Duration::from_secs(1),
        false,
    );
    assert_eq!(dns.description(), "127.0.0.1:5353");
    assert_eq!(dns.servers, ["127.0.0.1:5353".parse().unwrap()]);
}

#[test]
fn dotted_names_are_absolute() {
    assert!(to_name("mail.example.org").unwrap().is_fqdn());
    assert!(!to_name("mailhost").unwrap().is_fqdn());
    assert!(to_name("bad name..x").is_none());
}

#[tokio::test]
async fn unplugged_fails_without_asking() {
    let dns = Dns::new(
        Some("127.0.0.1:9".parse().unwrap()),
        Duration::from_secs(1),
        true,
    );
    let lookup = dns.lookup("Mail.Example.org.", RecordKind::A).await;
    assert_eq!(lookup.name, "mail.example.org");
    assert_eq!(
        lookup.outcome,
        DnsOutcome::Unreachable("network unreachable".into())
    );
}
