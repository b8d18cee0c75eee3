//! The lab's DNS server answers as its zone says, asked by a real
//! hickory resolver pointed at it (UDP, with TCP after truncation).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::{Resolver, TokioResolver};
use mailfix::lab::{DnsServer, Lab, Zone};
use rstest::rstest;

fn resolver(addr: SocketAddr) -> TokioResolver {
    let mut ns = NameServerConfig::udp_and_tcp(addr.ip());
    for conn in &mut ns.connections {
        conn.port = addr.port();
    }
    let mut builder = Resolver::builder_with_config(
        ResolverConfig::from_name_servers(vec![ns]),
        TokioRuntimeProvider::default(),
    );
    let opts: &mut ResolverOpts = builder.options_mut();
    opts.cache_size = 0;
    opts.attempts = 1;
    builder.build().unwrap()
}

/// The answers as text ("127.0.0.10", "10 mail.example.org.", "0 1 993
/// mail.example.org."), or the response code of a negative answer.
async fn ask(r: &TokioResolver, name: &str, t: RecordType) -> Result<Vec<String>, ResponseCode> {
    match r.lookup(name, t).await {
        Ok(lookup) => {
            let mut out: Vec<String> = lookup
                .answers()
                .iter()
                .map(|rec| match &rec.data {
                    RData::A(a) => a.0.to_string(),
                    RData::AAAA(a) => a.0.to_string(),
                    RData::MX(mx) => format!("{} {}", mx.preference, mx.exchange),
                    RData::SRV(srv) => format!(
                        "{} {} {} {}",
                        srv.priority, srv.weight, srv.port, srv.target
                    ),
                    other => format!("{other:?}"),
                })
                .collect();
            out.sort();
            Ok(out)
        }
        Err(NetError::Dns(DnsError::NoRecordsFound(nr))) => Err(nr.response_code),
        Err(e) => panic!("{name} {t}: {e}"),
    }
}

#[rstest]
#[case::a("mail.example.org.", RecordType::A, Ok(vec!["127.0.0.10"]))]
#[case::aaaa("mail.example.org.", RecordType::AAAA, Ok(vec!["::1"]))]
#[case::mx("example.org.", RecordType::MX, Ok(vec!["10 mail.example.org."]))]
#[case::srv("_imaps._tcp.example.org.", RecordType::SRV, Ok(vec!["0 1 993 mail.example.org."]))]
#[case::submission("_submission._tcp.example.org.", RecordType::SRV, Ok(vec!["0 1 587 mail.example.org."]))]
#[case::no_aaaa(
    "mail.wrong-port.example.",
    RecordType::AAAA,
    Err(ResponseCode::NoError)
)]
#[case::no_srv_here(
    "_pop3s._tcp.wrong-port.example.",
    RecordType::SRV,
    Err(ResponseCode::NXDomain)
)]
#[case::empty_non_terminal("_tcp.example.org.", RecordType::SRV, Err(ResponseCode::NoError))]
#[case::typo(
    "imap.wrong-address.example.",
    RecordType::A,
    Err(ResponseCode::NXDomain)
)]
#[case::published("_imaps._tcp.wrong-address.example.", RecordType::SRV, Ok(vec!["0 1 993 mail.wrong-address.example."]))]
#[case::not_lab("mail.gmail.com.", RecordType::A, Err(ResponseCode::NXDomain))]
#[tokio::test]
async fn the_lab_dns_answers_as_its_zone_says(
    #[case] name: &str,
    #[case] t: RecordType,
    #[case] expected: Result<Vec<&str>, ResponseCode>,
) {
    let lab = Lab::start().await.unwrap();
    let r = resolver(lab.dns_addr());
    let expected = expected.map(|v| v.into_iter().map(String::from).collect::<Vec<_>>());
    assert_eq!(ask(&r, name, t).await, expected);
    assert!(
        lab.dns()
            .queries()
            .iter()
            .any(|q| format!("{}.", q.name) == name)
    );
}

#[tokio::test]
async fn every_lab_host_resolves_to_its_own_loopback_address() {
    let lab = Lab::start().await.unwrap();
    let r = resolver(lab.dns_addr());
    let mut seen = std::collections::HashSet::new();
    for host in lab.hosts() {
        let got = ask(&r, &format!("{}.", host.name), RecordType::A)
            .await
            .unwrap();
        assert_eq!(got, [host.ip.to_string()], "{}", host.name);
        let ip: Ipv4Addr = got[0].parse().unwrap();
        assert!(ip.is_loopback() && ip != Ipv4Addr::LOCALHOST);
        assert!(seen.insert(ip), "{ip} given twice");
        if host.ipv6 {
            let v6 = ask(&r, &format!("{}.", host.name), RecordType::AAAA)
                .await
                .unwrap();
            assert_eq!(v6, [Ipv6Addr::LOCALHOST.to_string()]);
        }
    }
}

#[tokio::test]
async fn answers_too_big_for_udp_come_truncated_and_the_resolver_retries_over_tcp() {
    let mut zone = Zone::new();
    for i in 0..120 {
        zone.a("many.test", Ipv4Addr::new(127, 0, 1, i)).unwrap();
    }
    let server = DnsServer::start(zone).await.unwrap();
    let r = resolver(server.addr);
    let got = ask(&r, "many.test.", RecordType::A).await.unwrap();
    assert_eq!(got.len(), 120);
    let log = server.queries();
    assert!(log.iter().any(|q| !q.tcp && q.truncated), "{log:?}");
    assert!(log.iter().any(|q| q.tcp && !q.truncated), "{log:?}");
}

#[tokio::test]
async fn the_dns_server_listens_on_loopback_only() {
    let lab = Lab::start().await.unwrap();
    assert_eq!(lab.dns_addr().ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
}
