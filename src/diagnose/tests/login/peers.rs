//! Login 4 from the config itself: the server of another account of the
//! same file, copied into this one.

use rstest::rstest;

use crate::catalogue::ids;
use crate::diagnose::testkit::*;
use crate::evidence::Status;
use crate::finding::Confidence;
use crate::peer::Peer;

use super::scenes::imap_login;

/// `home` (bob@example.org) on mail.example.org, the configured host of
/// every scene here.
fn home() -> Peer {
    Peer {
        name: "home".into(),
        email: "bob@example.org".into(),
        hosts: vec![HOST.into()],
    }
}

/// A refused login as `email`, beside `peers`.
fn refused_as(email: &str, peers: Vec<Peer>) -> Rb {
    let email = email.to_owned();
    imap_login(imap_r(
        Status::ImapNo,
        Some("AUTHENTICATIONFAILED"),
        "Authentication failed.",
    ))
    .edit(move |r| {
        r.account.email = email;
        r.peers = peers;
    })
}

#[test]
fn a_server_copied_from_another_account_is_the_wrong_server() {
    let d = refused_as("alice@club.example", vec![home()]).diagnose();
    let t = assert_top(
        &d,
        IN,
        ids::WRONG_SERVER,
        Confidence::Likely,
        "your account `home` (bob@example.org) uses mail.example.org too",
        None,
    );
    has_line(&t.evidence, "this account's address is at club.example");
    has_line(
        &t.evidence,
        "`NO [AUTHENTICATIONFAILED] Authentication failed.`",
    );
    has_line(
        &t.fix,
        "set the server your provider gives for club.example",
    );
    // The password may still be what is wrong: it stays, ranked below.
    assert_eq!(
        must(&d, IN, ids::BAD_CREDENTIALS).confidence,
        Confidence::Possible
    );
}

#[rstest]
#[case::same_domain("carol@example.org", vec![home()])]
#[case::no_other_accounts("alice@club.example", vec![])]
#[case::peer_on_a_provider_host("alice@club.example", vec![Peer {
    hosts: vec!["imap.provider.net".into()],
    ..home()
}])]
#[case::peer_without_that_host("alice@club.example", vec![Peer {
    hosts: vec!["smtp.example.org".into()],
    ..home()
}])]
#[case::host_in_own_domain_too("alice@mail.example.org", vec![home()])]
fn no_copied_server_without_that_evidence(#[case] email: &str, #[case] peers: Vec<Peer>) {
    let d = refused_as(email, peers).diagnose();
    assert!(
        d.findings
            .iter()
            .all(|f| !f.evidence.iter().any(|e| e.contains("your account `home`"))),
        "{d:#?}"
    );
    must(&d, IN, ids::BAD_CREDENTIALS);
}

#[test]
fn an_accepted_login_beside_a_peer_on_the_same_server_is_healthy() {
    let d = healthy_imap()
        .edit(|r| {
            r.account.email = "alice@club.example".into();
            r.peers = vec![home()];
        })
        .diagnose();
    assert!(d.is_ok(), "{d:#?}");
}
