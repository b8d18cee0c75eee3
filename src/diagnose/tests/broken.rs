//! Broken causes 1–3.

use rstest::rstest;

use crate::account::{AuthMech, Protocol, Security, Service};
use crate::catalogue::{CauseId, ids};
use crate::diagnose::testkit::*;
use crate::evidence::{AttemptOutcome, LoginOutcome, Phase, SessionEnd, Status};
use crate::finding::Confidence::{self, *};

fn imap_ending(end: SessionEnd) -> Rb {
    healthy_imap().ep(cfg(IN, IMAP, 993, Security::Tls)
        .greet(IMAP_HELLO)
        .caps(&["PLAIN"], false)
        .login(LoginOutcome::Accepted {
            mechanism: AuthMech::Plain,
        })
        .end(end))
}

fn link_lost() -> Rb {
    imap_ending(SessionEnd::TimedOut {
        phase: Phase::Mailbox,
    })
    .local(Some(online()), Some(unplugged()))
}

fn link_lost_simulated() -> Rb {
    let mut start = online();
    start.simulated = true;
    let mut end = unplugged();
    end.simulated = true;
    imap_ending(SessionEnd::Reset {
        phase: Phase::Login,
    })
    .local(Some(start), Some(end))
}

fn lossy() -> Rb {
    healthy_imap().stability(
        IN,
        &[
            (AttemptOutcome::Ok, 11.0),
            (AttemptOutcome::TimedOut, 5000.0),
            (AttemptOutcome::Ok, 48.0),
            (AttemptOutcome::Reset, 3.0),
            (AttemptOutcome::Ok, 1900.0),
        ],
    )
}

fn jittery() -> Rb {
    healthy_imap().stability(
        IN,
        &[
            (AttemptOutcome::Ok, 11.0),
            (AttemptOutcome::Ok, 12.0),
            (AttemptOutcome::Ok, 13.0),
            (AttemptOutcome::Ok, 14.0),
            (AttemptOutcome::Ok, 2400.0),
        ],
    )
}

fn smtp_421() -> Rb {
    healthy_smtp().ep(cfg(OUT, Protocol::Smtp, 587, Security::Starttls)
        .greet(SMTP_HELLO)
        .caps(&[], true)
        .starttls_ok()
        .login(LoginOutcome::Accepted {
            mechanism: AuthMech::Plain,
        })
        .end(SessionEnd::Closed {
            phase: Phase::Relay,
            reply: Some(smtp_r(
                421,
                (4, 3, 2),
                "Service shutting down and closing transmission channel",
            )),
        }))
}

fn smtp_turned_away() -> Rb {
    healthy_smtp().ep(cfg(OUT, Protocol::Smtp, 587, Security::Starttls)
        .greet("554 5.7.1 Service unavailable; Client host [198.51.100.4] blocked using zen.spamhaus.org")
        .end(SessionEnd::Closed { phase: Phase::Greeting, reply: None }))
}

#[rstest]
#[case::link_down(
    link_lost(),
    IN,
    ids::LINK_DOWN,
    Likely,
    "eth0 was up at the start of the check and lost its carrier (cable or signal) by its end"
)]
#[case::link_down_sim(
    link_lost_simulated(),
    IN,
    ids::LINK_DOWN,
    Likely,
    "(simulated by the demo lab)"
)]
#[case::lossy(
    lossy(),
    IN,
    ids::POOR_LINE,
    Likely,
    "3 of 5 quick connects to mail.example.org:993 got through (40% lost): 1 timed out and 1 were reset"
)]
#[case::lossy_rtt(
    lossy(),
    IN,
    ids::POOR_LINE,
    Likely,
    "fastest 11 ms, median 48 ms, slowest 1.9 s"
)]
#[case::barely(healthy_imap().stability(IN, &[(AttemptOutcome::TimedOut, 5000.0), (AttemptOutcome::TimedOut, 5000.0), (AttemptOutcome::Ok, 30.0)]), IN, ids::POOR_LINE, Likely, "1 of 3 quick connects to mail.example.org:993 got through (67% lost): 2 timed out")]
#[case::jitter(jittery(), IN, ids::POOR_LINE, Possible, "slowest 2.4 s")]
#[case::bye(imap_ending(SessionEnd::Closed { phase: Phase::Mailbox, reply: Some(imap_r(Status::ImapBye, None, "Server shutting down.")) }), IN, ids::SERVER_DROPPED, Certain, "during mailbox, mail.example.org:993 said `BYE Server shutting down.` and closed")]
#[case::smtp_421(
    smtp_421(),
    OUT,
    ids::SERVER_DROPPED,
    Certain,
    "421 4.3.2 Service shutting down"
)]
#[case::pop3_err_close(healthy_pop3().ep(cfg(IN, Protocol::Pop3, 995, Security::Tls).greet(POP3_HELLO).caps(&["PLAIN"], false).login(LoginOutcome::Accepted { mechanism: AuthMech::Plain }).end(SessionEnd::Closed { phase: Phase::Mailbox, reply: Some(pop_r(false, None, "Internal error occurred. Refer to server log for more information.")) })), IN, ids::SERVER_DROPPED, Certain, "`-ERR Internal error occurred.")]
#[case::eof(imap_ending(SessionEnd::Closed { phase: Phase::Login, reply: None }), IN, ids::SERVER_DROPPED, Likely, "during login, mail.example.org:993 closed the connection without a word")]
#[case::reset(imap_ending(SessionEnd::Reset { phase: Phase::Mailbox }), IN, ids::SERVER_DROPPED, Likely, "was reset (RST)")]
#[case::truncated(imap_ending(SessionEnd::TlsTruncated { phase: Phase::Capabilities }), IN, ids::SERVER_DROPPED, Likely, "without ending encryption properly")]
#[case::turned_away(
    smtp_turned_away(),
    OUT,
    ids::SERVER_DROPPED,
    Likely,
    "blocked using zen.spamhaus.org"
)]
fn broken_causes(
    #[case] scene: Rb,
    #[case] service: Service,
    #[case] cause: CauseId,
    #[case] confidence: Confidence,
    #[case] evidence: &str,
) {
    let d = scene.diagnose();
    let t = top(&d);
    assert_eq!(
        (t.service, t.cause, t.confidence),
        (service, cause, confidence),
        "{d:#?}"
    );
    has_line(&t.evidence, evidence);
    assert!(!t.fix.is_empty());
}

#[test]
fn a_stall_leaves_line_and_server_open() {
    let d = imap_ending(SessionEnd::TimedOut {
        phase: Phase::Mailbox,
    })
    .diagnose();
    let got: Vec<(CauseId, Confidence)> =
        d.findings.iter().map(|f| (f.cause, f.confidence)).collect();
    assert_eq!(
        got,
        [(ids::POOR_LINE, Possible), (ids::SERVER_DROPPED, Possible)],
        "{d:#?}"
    );
}

#[test]
fn a_stall_with_the_link_gone_is_only_the_link() {
    let d = link_lost().diagnose();
    assert_eq!(conf(&d, IN, ids::LINK_DOWN), Some(Likely));
    assert!(get(&d, IN, ids::SERVER_DROPPED).is_none(), "{d:#?}");
    assert!(get(&d, IN, ids::POOR_LINE).is_none(), "{d:#?}");
}

#[test]
fn a_close_after_a_refused_login_is_not_a_drop() {
    let d = healthy_pop3()
        .ep(cfg(IN, Protocol::Pop3, 995, Security::Tls)
            .greet(POP3_HELLO)
            .caps(&["PLAIN"], false)
            .rejected(
                AuthMech::Plain,
                pop_r(false, Some("AUTH"), "Authentication failed."),
            )
            .end(SessionEnd::Closed {
                phase: Phase::Login,
                reply: None,
            }))
        .diagnose();
    assert!(get(&d, IN, ids::SERVER_DROPPED).is_none(), "{d:#?}");
    assert_eq!(top(&d).cause, ids::BAD_CREDENTIALS);
}

#[test]
fn a_quiet_steady_line_is_ruled_out_with_figures() {
    let d = healthy_imap().diagnose();
    assert_eq!(
        ruled(&d, IN, ids::POOR_LINE).unwrap(),
        "5 of 5 quick connects succeeded (11 ms–14 ms)"
    );
    ruled_with(&d, IN, ids::LINK_DOWN, "eth0 up with a default route");
    ruled_with(&d, IN, ids::SERVER_DROPPED, "until mailfix said goodbye");
}

#[test]
fn a_protocol_violation_is_a_note() {
    let d = imap_ending(SessionEnd::Violation {
        phase: Phase::Mailbox,
        detail: "a line longer than 64 KiB".into(),
    })
    .diagnose();
    assert!(d.findings.is_empty(), "{d:#?}");
    assert!(
        d.notes
            .iter()
            .any(|n| n.problem && n.evidence.iter().any(|e| e.contains("64 KiB")))
    );
}
