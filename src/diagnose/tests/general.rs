//! Healthy reports, notes, ranking.

use rstest::rstest;

use crate::account::{PasswordSource, Protocol, Security, Service};
use crate::catalogue::{Category, CauseId, ids};
use crate::diagnose::testkit::*;
use crate::evidence::{HandshakeFailure, LoginSkip, TlsOutcome};
use crate::finding::Confidence;

fn both() -> Rb {
    healthy_imap().merge(healthy_smtp()).store(healthy_store())
}

#[rstest]
#[case::imap(healthy_imap(), &[Service::Incoming])]
#[case::pop3(healthy_pop3(), &[Service::Incoming])]
#[case::smtp(healthy_smtp(), &[Service::Outgoing])]
#[case::all(both(), &[Service::Incoming, Service::Outgoing, Service::Store])]
fn healthy_reports_give_no_finding_and_rule_everything_out(
    #[case] scene: Rb,
    #[case] services: &[Service],
) {
    let d = scene.diagnose();
    assert!(d.findings.is_empty(), "{:#?}", d.findings);
    assert!(d.notes.iter().all(|n| !n.problem), "{:#?}", d.notes);
    assert!(d.is_ok());
    for &svc in services {
        let categories: &[Category] = match svc {
            Service::Incoming => &[Category::Connect, Category::Login, Category::Broken],
            Service::Outgoing => &[
                Category::Connect,
                Category::Login,
                Category::Broken,
                Category::Relay,
            ],
            Service::Store => &[Category::Store],
        };
        for &cat in categories {
            for cause in cat.causes() {
                assert!(
                    ruled(&d, svc, cause.id).is_some_and(|r| !r.is_empty()),
                    "{svc} {} has no ruled-out reason: {:#?}",
                    cause.id,
                    d.ruled_out
                );
            }
        }
    }
}

#[test]
fn ruled_out_reasons_name_the_evidence() {
    let d = healthy_imap().diagnose();
    let r = |c: CauseId| ruled(&d, Service::Incoming, c).unwrap();
    assert_eq!(r(ids::FIREWALL), "port 993 answered in 12 ms");
    assert!(r(ids::WRONG_ADDRESS).starts_with("DNS resolved mail.example.org to 192.0.2.7"));
    assert!(r(ids::TLS_MISMATCH).contains("TLSv1.3"));
    assert!(r(ids::POOR_LINE).contains("5 of 5"));
    assert!(r(ids::MAILBOX_LOCKED).contains("3 messages"));
}

#[rstest]
#[case::command(
    PasswordSource::Command("pass show mail/work".into()),
    "password command `pass show mail/work` failed: exit status 1",
    "password command `pass show mail/work` failed: exit status 1"
)]
#[case::env(
    PasswordSource::Env("MAIL_PW".into()),
    "environment variable MAIL_PW is not set",
    "environment variable MAIL_PW is not set"
)]
#[case::literal(
    PasswordSource::Literal("pw\nx".into()),
    "the password holds a line break or NUL",
    "the password in the config file: the password holds a line break or NUL"
)]
fn a_failed_password_source_is_its_own_problem(
    #[case] source: PasswordSource,
    #[case] why: &str,
    #[case] evidence: &str,
) {
    let d = healthy_imap()
        .server(Service::Incoming, |s| s.password = source)
        .ep(cfg(Service::Incoming, Protocol::Imap, 993, Security::Tls)
            .greet(IMAP_HELLO)
            .caps(&["PLAIN"], false)
            .skipped(LoginSkip::PasswordUnavailable(why.into())))
        .diagnose();
    assert!(get(&d, Service::Incoming, ids::BAD_CREDENTIALS).is_none());
    let note = d.notes.iter().find(|n| n.problem).expect("a problem note");
    assert!(note.text.contains("not a wrong password"), "{}", note.text);
    has_line(&note.evidence, evidence);
    assert!(!d.is_ok());
}

#[test]
fn no_password_is_information_only() {
    let d = healthy_imap()
        .ep(cfg(Service::Incoming, Protocol::Imap, 993, Security::Tls)
            .greet(IMAP_HELLO)
            .caps(&["PLAIN"], false)
            .skipped(LoginSkip::NoPassword))
        .diagnose();
    assert!(d.findings.is_empty());
    assert!(d.is_ok());
    assert!(d.notes.iter().any(|n| n.text.contains("no password set")));
}

#[test]
fn a_deadline_is_a_problem_note() {
    let d = healthy_imap()
        .edit(|r| {
            r.deadline_hit = true;
            r.elapsed_ms = 20_000.0;
        })
        .diagnose();
    assert!(!d.is_ok());
    assert!(
        d.notes
            .iter()
            .any(|n| n.problem && n.text.contains("ran out of time after 20.0 s"))
    );
}

#[test]
fn engine_remarks_are_information() {
    let d = healthy_imap()
        .edit(|r| {
            r.run_notes
                .push("Certificate pins were not saved: read-only file system".into())
        })
        .diagnose();
    assert!(d.is_ok(), "{d:#?}");
    assert!(
        d.notes
            .iter()
            .any(|n| !n.problem && n.text.contains("pins were not saved"))
    );
}

#[test]
fn a_configured_server_that_was_not_probed_is_a_problem() {
    let d = healthy_imap()
        .edit(|r| {
            r.endpoints
                .retain(|p| p.role != crate::evidence::Role::Configured)
        })
        .diagnose();
    assert!(d.findings.is_empty(), "{d:#?}");
    assert!(
        d.notes
            .iter()
            .any(|n| n.problem && n.text.contains("was not checked"))
    );
}

#[test]
fn an_unexplained_failure_says_what_was_seen() {
    let d = healthy_imap()
        .ep(
            cfg(Service::Incoming, Protocol::Imap, 993, Security::Tls).tls(TlsOutcome::Failed(
                HandshakeFailure::Other("received corrupt message of type Handshake".into()),
            )),
        )
        .without(Service::Incoming, 143, Security::Starttls)
        .diagnose();
    assert!(d.findings.is_empty(), "{:#?}", d.findings);
    let note = d.notes.iter().find(|n| n.problem).expect("problem note");
    assert!(note.text.contains("no known cause fits"));
    has_line(&note.evidence, "received corrupt message of type Handshake");
}

#[test]
fn findings_come_most_likely_first_and_are_never_also_ruled_out() {
    // Every port of the host drops: firewall Likely, wrong address Possible.
    let d = Rb::new()
        .incoming(Protocol::Imap, 993, Security::Tls)
        .resolves(HOST, IP)
        .local(Some(online()), Some(online()))
        .ep(cfg(Service::Incoming, Protocol::Imap, 993, Security::Tls).timeout())
        .ep(nb(Service::Incoming, Protocol::Imap, 143, Security::Starttls).timeout())
        .ep(nb(Service::Incoming, Protocol::Imap, 993, Security::Starttls).timeout())
        .diagnose();
    let order: Vec<Confidence> = d.findings.iter().map(|f| f.confidence).collect();
    assert!(order.len() >= 2, "{d:#?}");
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    for f in &d.findings {
        assert!(
            ruled(&d, f.service, f.cause).is_none(),
            "{} both found and ruled out",
            f.cause
        );
    }
}

#[rstest]
#[case::before_tls(false, "(not verified, received before encryption)")]
#[case::inside_tls(true, "said: `Mailbox")]
fn an_alert_in_the_greeting_is_shown(#[case] verified: bool, #[case] marker: &str) {
    use crate::evidence::{Reply, Role, Status};
    let d = healthy_imap()
        .edit(|r| {
            let g = r
                .endpoints
                .iter_mut()
                .find(|p| p.role == Role::Configured)
                .and_then(|p| p.session.as_mut())
                .and_then(|s| s.greeting.as_mut())
                .unwrap();
            g.verified = verified;
            g.reply = Some(Reply::new(Status::ImapOk, "Mailbox moves tonight").with_code("ALERT"));
        })
        .diagnose();
    assert!(d.findings.is_empty(), "{:#?}", d.findings);
    let note = d
        .notes
        .iter()
        .find(|n| n.text.contains("alert"))
        .expect("a note about the alert");
    assert!(!note.problem);
    let said = &note.evidence[0];
    assert!(
        said.contains("Mailbox moves tonight") && said.contains(marker),
        "{said}"
    );
}

#[test]
fn a_server_stuck_at_old_tls_is_its_own_problem() {
    let d = healthy_imap()
        .ep(cfg(Service::Incoming, Protocol::Imap, 993, Security::Tls)
            .tls(TlsOutcome::Failed(HandshakeFailure::Incompatible(
                "the server speaks only TLS versions older than 1.2".into(),
            )))
            .end(crate::evidence::SessionEnd::Stopped {
                phase: crate::evidence::Phase::TlsHandshake,
                reason: "incompatible".into(),
            }))
        .without(Service::Incoming, 143, Security::Starttls)
        .diagnose();
    assert!(d.findings.is_empty(), "{:#?}", d.findings);
    let problems: Vec<_> = d.notes.iter().filter(|n| n.problem).collect();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0]
            .text
            .contains("provider has to update the server")
    );
    has_line(&problems[0].evidence, "older than 1.2");
}
