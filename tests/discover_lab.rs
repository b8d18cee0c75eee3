//! Discovery on the embedded lab: from an address alone, the settings its
//! domain publishes (SRV, MX) and that answer on their standard ports.
//! Everything stays on loopback: the lab's DNS server and scripted servers.

use std::time::Duration;

use mailfix::account::{Protocol, Security};
use mailfix::lab::Lab;
use mailfix::plan::Limits;
use mailfix::probe::ProbeOptions;
use mailfix::probe::discover::{DiscoverError, Discovery, Proposal, discover};
use tokio_util::sync::CancellationToken;

/// Discover `email`'s servers on the lab, with `cancel`.
async fn discover_with(
    lab: &Lab,
    email: &str,
    cancel: CancellationToken,
) -> Result<Discovery, DiscoverError> {
    // Any sample's options: the lab's DNS server, CA and simulated network.
    let options = ProbeOptions {
        state_dir: None,
        ..lab.samples()[0].options.clone()
    };
    let limits = Limits::from_timeout(Duration::from_secs(2));
    discover(email, options, limits, cancel).await
}

async fn find(lab: &Lab, email: &str) -> Result<Discovery, DiscoverError> {
    discover_with(lab, email, CancellationToken::new()).await
}

/// Protocol, host, port and security of a proposal.
fn endpoint(proposal: &Proposal) -> (Protocol, &str, u16, Security) {
    let e = &proposal.endpoint;
    (e.protocol, e.host.as_str(), e.port, e.security)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_healthy_domain_publishes_srv_and_gets_implicit_tls_both_ways() {
    let lab = Lab::start().await.expect("the lab starts");
    let found = find(&lab, "alice@example.org").await.unwrap();
    assert_eq!(found.domain, "example.org");

    let incoming = found.incoming.as_ref().expect("an incoming server");
    assert_eq!(
        endpoint(incoming),
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
        endpoint(outgoing),
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
    let found = find(&lab, "quinn@mailbox-locked.example").await.unwrap();
    let incoming = found.incoming.as_ref().expect("an incoming server");
    assert_eq!(
        endpoint(incoming),
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
    let found = find(&lab, "nobody@nowhere.example").await.unwrap();
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

    let err = find(&lab, "not an address").await.unwrap_err();
    assert!(matches!(err, DiscoverError::NotAnAddress(_)));

    let cancel = CancellationToken::new();
    cancel.cancel();
    let err = discover_with(&lab, "alice@example.org", cancel)
        .await
        .unwrap_err();
    assert_eq!(err, DiscoverError::Cancelled);
}
