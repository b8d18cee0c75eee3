use super::*;
use crate::account::{AuthMech, PasswordSource, Protocol, Security, ServerSettings};
use crate::event::StepId;
use crate::probe::mode_detail;

use Service::{Incoming, Outgoing};
use StepKind::*;
use StepStatus::*;

fn server(protocol: Protocol, port: u16, security: Security) -> ServerSettings {
    ServerSettings {
        protocol,
        host: "mail.example.org".into(),
        port,
        port_explicit: false,
        security,
        auth: AuthMech::Auto,
        username: "a".into(),
        password: PasswordSource::Unset,
        ca_file: None,
        allow_plaintext_auth: false,
        relay_probe_rcpt: None,
    }
}

fn account() -> Account {
    Account {
        name: "work".into(),
        email: "a@example.org".into(),
        incoming: Some(server(Protocol::Imap, 993, Security::Tls)),
        outgoing: Some(server(Protocol::Smtp, 587, Security::Starttls)),
        store: None,
    }
}

const IMAPS: &str = "mail.example.org:993";
const SUBMISSION: &str = "mail.example.org:587";
const SMTP: &str = "mail.example.org:25";

/// A step of the configured path.
fn on(service: Service, kind: StepKind, target: &str, status: StepStatus, detail: &str) -> Step {
    Step {
        id: StepId(0),
        service: Some(service),
        kind,
        target: target.into(),
        primary: true,
        status,
        detail: detail.into(),
        ms: None,
    }
}

/// A step of a neighbour probe.
fn beside(
    service: Service,
    kind: StepKind,
    target: &str,
    status: StepStatus,
    detail: &str,
) -> Step {
    Step {
        primary: false,
        ..on(service, kind, target, status, detail)
    }
}

/// The steps numbered in the order given, as the engine numbers them.
fn numbered(steps: impl IntoIterator<Item = Step>) -> Vec<Step> {
    steps
        .into_iter()
        .zip(1..)
        .map(|(step, id)| Step {
            id: StepId(id),
            ..step
        })
        .collect()
}

/// The host's A record, answered.
fn resolved() -> Step {
    on(Incoming, Dns, "mail.example.org A", Ok, "192.0.2.7")
}

fn connected() -> Step {
    on(Incoming, Connect, IMAPS, Ok, "192.0.2.7: connected")
}

#[test]
fn pending_kinds_follow_the_configured_security() {
    let steps = numbered([resolved(), on(Incoming, Connect, IMAPS, Running, "")]);
    let blocks = blocks(&account(), Scope::Everything, &steps);
    assert_eq!(
        blocks[0].pending,
        [Tls, Greeting, Capabilities, Login, Mailbox]
    );
    // The host's addresses count for outgoing too, which shares it.
    assert_eq!(
        blocks[1].pending,
        [Connect, Greeting, Capabilities, Starttls, Login, Relay]
    );
    assert_eq!(blocks[1].rows[0].text, "mail.example.org → 192.0.2.7");
}

#[test]
fn a_and_aaaa_are_one_row_and_skipped_steps_share_one() {
    let why = "not reached: no connection";
    let steps = numbered([
        resolved(),
        on(Incoming, Dns, "mail.example.org AAAA", Ok, "no AAAA record"),
        on(Incoming, Connect, IMAPS, Failed, "192.0.2.7: refused (RST)"),
        on(Incoming, Tls, IMAPS, Skipped, why),
        on(Incoming, Greeting, IMAPS, Skipped, why),
        on(Incoming, Login, IMAPS, Skipped, why),
    ]);
    let block = &blocks(&account(), Scope::Only(Category::Connect), &steps)[0];
    let rows: Vec<(&str, &str, StepStatus)> = block
        .rows
        .iter()
        .map(|r| (r.label.as_str(), r.text.as_str(), r.status))
        .collect();
    assert_eq!(
        rows,
        [
            ("DNS", "mail.example.org → 192.0.2.7; no AAAA record", Ok),
            ("connect", "192.0.2.7: refused (RST)", Failed),
            ("TLS, greeting, login", why, Skipped),
        ]
    );
    assert_eq!(block.pending, [Capabilities, Mailbox]);
    assert!(!block.settled_fine());
}

#[test]
fn neighbours_are_told_apart_by_port_and_mode() {
    let refused = "192.0.2.7: refused (RST)";
    let (answered, silent) = ("192.0.2.7: connected", "192.0.2.7: timed out");
    let tls = |detail| mode_detail(Security::Tls, detail);
    let starttls = |detail| mode_detail(Security::Starttls, detail);
    let steps = numbered([
        on(Outgoing, Connect, SUBMISSION, Failed, refused),
        beside(Outgoing, Connect, SUBMISSION, Ok, &tls(answered)),
        beside(Outgoing, Greeting, SUBMISSION, Ok, &tls("220 hi")),
        beside(Outgoing, Connect, SUBMISSION, Failed, &starttls(refused)),
        beside(Outgoing, Connect, SMTP, TimedOut, &starttls(silent)),
        beside(Outgoing, Connect, "mx.example.net:465", Running, &tls("")),
    ]);
    let blocks = blocks(&account(), Scope::Everything, &steps);
    let out = blocks.iter().find(|b| b.service == Some(Outgoing)).unwrap();
    let seen: Vec<(&str, StepStatus, &str)> = out
        .neighbours
        .iter()
        .map(|n| (n.label.as_str(), n.status, n.word.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (":587 (TLS)", Ok, "answers"),
            (":587 (STARTTLS)", Failed, "refused (RST)"),
            (":25 (STARTTLS)", TimedOut, "no answer"),
            ("mx.example.net:465 (TLS)", Running, ""),
        ]
    );
}

#[test]
fn rows_that_went_fine_merge_when_lines_are_short() {
    let steps = numbered([
        resolved(),
        connected(),
        on(Incoming, Connect, IMAPS, Ok, "[::1]: connected"),
        on(Incoming, Stability, IMAPS, Running, ""),
        on(Incoming, Tls, IMAPS, Ok, "TLSv1.3"),
        on(Incoming, Greeting, IMAPS, Failed, "silence"),
    ]);
    let block = blocks(&account(), Scope::Only(Category::Connect), &steps)[0].compacted();
    let rows: Vec<(&str, StepStatus)> = block
        .rows
        .iter()
        .map(|r| (r.label.as_str(), r.status))
        .collect();
    assert_eq!(
        rows,
        [
            ("DNS, connect", Ok),
            ("stability", Running),
            ("TLS", Ok),
            ("greeting", Failed)
        ]
    );
}

#[test]
fn a_block_that_went_well_can_shrink() {
    let fine = |steps: Vec<Step>| {
        let steps = numbered(steps);
        blocks(&account(), Scope::Only(Category::Connect), &steps)[0].settled_fine()
    };
    let mut steps = vec![
        resolved(),
        connected(),
        on(Incoming, Tls, IMAPS, Ok, "TLSv1.3"),
        on(Incoming, Greeting, IMAPS, Ok, "* OK"),
        on(Incoming, Capabilities, IMAPS, Ok, "AUTH PLAIN"),
        on(Incoming, Login, IMAPS, Skipped, "no password"),
    ];
    assert!(!fine(steps.clone()), "the mailbox is still to come");
    steps.push(on(
        Incoming,
        Mailbox,
        IMAPS,
        Skipped,
        "not run: there was no login",
    ));
    assert!(fine(steps.clone()));
    steps.push(beside(
        Incoming,
        Connect,
        "mail.example.org:143",
        Running,
        "STARTTLS",
    ));
    assert!(!fine(steps), "a neighbour is still running");
}
