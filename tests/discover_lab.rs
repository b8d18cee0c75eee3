//! Discovery on the embedded lab: from an address alone, the settings its
//! domain publishes (SRV, MX) and that answer on their standard ports.
//! Everything stays on loopback: the lab's DNS server and scripted servers.

use std::time::Duration;

use mailfix::account::{Protocol, Security};
use mailfix::lab::Lab;
use mailfix::plan::Limits;
use mailfix::probe::ProbeOptions;
use mailfix::probe::discover::{DiscoverError, discover};
use tokio_util::sync::CancellationToken;

fn options(lab: &Lab) -> ProbeOptions {
    // Any sample's options: the lab's DNS server, CA and simulated network.
    ProbeOptions {
        state_dir: None,
        ..lab.samples()[0].options.clone()
    }
}

fn limits() -> Limits {
    Limits::from_timeout(Duration::from_secs(2))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_healthy_domain_publishes_srv_and_gets_implicit_tls_both_ways() {
    let lab = Lab::start().await.expect("the lab starts");
    let found = discover(
        "alice@example.org",
        options(&lab),
        limits(),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(found.domain, "example.org");

    let incoming = found.incoming.as_ref().expect("an incoming server");
    assert_eq!(
        (
            incoming.endpoint.protocol,
            incoming.endpoint.host.as_str(),
            incoming.endpoint.port,
            incoming.endpoint.security
        ),
        (Protocol::Imap, "mail.example.org", 993, Security::Tls)
    );
    assert!(incoming.verified, "{incoming:?}");
    assert_eq!(
        incoming.evidence[0],
        "published in DNS as _imaps._tcp.example.org"
    );
    assert!(
        incoming.evidence[1].starts_with("answers in IMAP with TLS, certificate verified"),
        "{incoming:?}"
    );

    let outgoing = found.outgoing.as_ref().expect("an outgoing server");
    assert_eq!(
        (
            outgoing.endpoint.protocol,
            outgoing.endpoint.host.as_str(),
            outgoing.endpoint.port,
            outgoing.endpoint.security
        ),
        (Protocol::Smtp, "mail.example.org", 465, Security::Tls)
    );
    assert!(outgoing.verified);
    assert!(
        found
            .dns
            .iter()
            .any(|l| l == "_submissions._tcp.example.org SRV: mail.example.org:465"),
        "{:?}",
        found.dns
    );
    assert!(found.answered >= 4, "{found:?}");
    // Discovery only looks: no login reached the lab's servers.
    assert!(lab.logins().is_empty(), "{:?}", lab.logins());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pop3_only_domain_gets_pop3_and_no_outgoing_server() {
    let lab = Lab::start().await.expect("the lab starts");
    let found = discover(
        "quinn@mailbox-locked.example",
        options(&lab),
        limits(),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    let incoming = found.incoming.as_ref().expect("an incoming server");
    assert_eq!(
        (
            incoming.endpoint.protocol,
            incoming.endpoint.host.as_str(),
            incoming.endpoint.port,
            incoming.endpoint.security
        ),
        (
            Protocol::Pop3,
            "pop.mailbox-locked.example",
            995,
            Security::Tls
        )
    );
    assert!(incoming.verified);
    assert_eq!(found.outgoing, None, "{found:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_domain_finds_nothing_and_a_non_address_is_refused() {
    let lab = Lab::start().await.expect("the lab starts");
    let found = discover(
        "nobody@nowhere.example",
        options(&lab),
        limits(),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!((found.incoming, found.outgoing), (None, None));
    assert_eq!(found.looked_at, 0);
    assert!(
        found
            .dns
            .iter()
            .any(|l| l.starts_with("nothing published for")),
        "{:?}",
        found.dns
    );

    let err = discover(
        "not an address",
        options(&lab),
        limits(),
        CancellationToken::new(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, DiscoverError::NotAnAddress(_)));

    let cancel = CancellationToken::new();
    cancel.cancel();
    let err = discover("alice@example.org", options(&lab), limits(), cancel)
        .await
        .unwrap_err();
    assert_eq!(err, DiscoverError::Cancelled);
}
