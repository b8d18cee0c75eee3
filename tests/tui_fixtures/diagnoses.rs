//! Hand-built reports and diagnoses, one per category, as `diagnose`
//! would return them for the fixtures' accounts.

use std::net::SocketAddr;

use mailfix::account::{Account, AuthMech, Protocol, Security, Service};
use mailfix::catalogue::{CauseId, ids};
use mailfix::event::{RunId, StepStatus};
use mailfix::evidence::{Depth, Direction, Endpoint, EndpointProbe, Report, Role, Session};
use mailfix::finding::{Confidence, Diagnosis, Finding, Note, RuledOut, SettingsPatch};
use mailfix::tui::{Model, Msg, update};

use super::{line, mid_run_steps, work};

// ── reports and diagnoses ───────────────────────────────────────────────

pub fn report(account: Account) -> Report {
    let mut report = Report::new(account, "127.0.0.1:5353");
    for s in mid_run_steps() {
        let mut s = s;
        if s.status == StepStatus::Running {
            s.status = StepStatus::Ok;
            s.ms = Some(40.0);
        }
        report.update_step(s);
    }
    let addr: SocketAddr = "203.0.113.7:993".parse().unwrap();
    let mut session = Session::new(addr);
    session.transcript = vec![
        line(
            Direction::Server,
            "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready",
            40.0,
        ),
        line(Direction::Client, "a1 AUTHENTICATE PLAIN ********", 41.0),
        line(
            Direction::Server,
            "a1 NO [AUTHENTICATIONFAILED] Authentication failed.",
            60.0,
        ),
    ];
    report.endpoints.push(EndpointProbe {
        service: Service::Incoming,
        role: Role::Configured,
        endpoint: Endpoint {
            protocol: Protocol::Imap,
            host: "mail.example.org".into(),
            port: 993,
            security: Security::Tls,
        },
        depth: Depth::Full,
        connects: vec![],
        session: Some(session),
    });
    report.elapsed_ms = 2345.0;
    report
}

fn finding(
    service: Service,
    cause: CauseId,
    confidence: Confidence,
    title: &str,
    evidence: &[&str],
    fix: &[&str],
    patch: Option<SettingsPatch>,
) -> Finding {
    Finding {
        service,
        cause,
        confidence,
        title: title.into(),
        evidence: evidence.iter().map(|s| s.to_string()).collect(),
        fix: fix.iter().map(|s| s.to_string()).collect(),
        patch,
    }
}

fn ruled(service: Service, cause: CauseId, reason: &str) -> RuledOut {
    RuledOut {
        service,
        cause,
        reason: reason.into(),
    }
}

pub fn port_465_patch() -> SettingsPatch {
    SettingsPatch {
        port: Some(465),
        security: Some(Security::Tls),
        ..SettingsPatch::default()
    }
}

/// Connect: the outgoing port 587 is closed, 465 answers.
pub fn connect_diagnosis() -> Diagnosis {
    use Service::Outgoing;
    Diagnosis {
        findings: vec![finding(
            Outgoing,
            ids::WRONG_PORT,
            Confidence::Certain,
            "Port 587 is closed; the same server answers on 465",
            &[
                "587 refused the connection (RST) from 203.0.113.7",
                "465 greets \"220 mail.example.org ESMTP\" over TLS",
            ],
            &["Use port 465 with security tls"],
            Some(port_465_patch()),
        )],
        ruled_out: vec![
            ruled(Outgoing, ids::NO_NETWORK, "DNS and the IMAP server answer"),
            ruled(
                Outgoing,
                ids::WRONG_ADDRESS,
                "mail.example.org answers on 465",
            ),
            ruled(Outgoing, ids::FIREWALL, "465 answers within 88 ms"),
            ruled(
                Outgoing,
                ids::WRONG_PROTOCOL,
                "nothing answered on 587 at all",
            ),
            ruled(Outgoing, ids::TLS_MISMATCH, "465 completed a TLS handshake"),
            ruled(
                Outgoing,
                ids::OUTSIDE_BLOCKED,
                "465 of the same host is reachable",
            ),
        ],
        notes: vec![],
    }
}

/// The same account after `f`: 465 with TLS works.
pub fn connect_fixed_diagnosis() -> Diagnosis {
    use Service::Outgoing;
    let mut d = connect_diagnosis();
    d.findings.clear();
    d.ruled_out.push(ruled(
        Outgoing,
        ids::WRONG_PORT,
        "465 answers as configured",
    ));
    d
}

/// Login: the password is refused.
pub fn login_diagnosis() -> Diagnosis {
    use Service::Incoming;
    Diagnosis {
        findings: vec![finding(
            Incoming,
            ids::BAD_CREDENTIALS,
            Confidence::Certain,
            "The server refused this user name and password",
            &["AUTHENTICATE PLAIN → NO [AUTHENTICATIONFAILED] Authentication failed."],
            &[
                "Type the password again; capitals matter",
                "If your provider uses app passwords, make one for mailfix",
            ],
            None,
        )],
        ruled_out: vec![
            ruled(
                Incoming,
                ids::MECH_NOT_OFFERED,
                "PLAIN is offered after TLS",
            ),
            ruled(
                Incoming,
                ids::MAILBOX_LOCKED,
                "no IN-USE or LOGIN-DELAY code",
            ),
            ruled(
                Incoming,
                ids::WRONG_SERVER,
                "the domain's SRV record names this host",
            ),
            ruled(
                Incoming,
                ids::SECURITY_ALARM,
                "certificate valid for mail.example.org",
            ),
        ],
        notes: vec![],
    }
}

/// Broken: the server hangs up mid-session; the line is shaky too.
pub fn broken_diagnosis() -> Diagnosis {
    use Service::Incoming;
    Diagnosis {
        findings: vec![
            finding(
                Incoming,
                ids::SERVER_DROPPED,
                Confidence::Likely,
                "The server closed the session during login",
                &["after AUTHENTICATE: * BYE Server shutting down, then EOF"],
                &["Try again later; tell your provider if it keeps happening"],
                None,
            ),
            finding(
                Incoming,
                ids::POOR_LINE,
                Confidence::Possible,
                "Some connections were reset",
                &["2 of 5 quick connects were reset; the others took 30–900 ms"],
                &["Try another network; call your line provider if it persists"],
                None,
            ),
        ],
        ruled_out: vec![ruled(
            Incoming,
            ids::LINK_DOWN,
            "eth0 was up with carrier before and after",
        )],
        notes: vec![],
    }
}

/// Relay: the outgoing server wants a login before relaying.
pub fn relay_diagnosis() -> Diagnosis {
    use Service::Outgoing;
    Diagnosis {
        findings: vec![finding(
            Outgoing,
            ids::AUTH_REQUIRED,
            Confidence::Certain,
            "The server relays only for logged-in users",
            &[
                "RCPT TO:<probe@example.net> without login → 554 5.7.1 Relay access denied",
                "EHLO offers AUTH PLAIN LOGIN",
            ],
            &["Turn on login for the outgoing server"],
            Some(SettingsPatch {
                auth: Some(AuthMech::Plain),
                ..SettingsPatch::default()
            }),
        )],
        ruled_out: vec![ruled(
            Outgoing,
            ids::SENDER_NOT_ALLOWED,
            "MAIL FROM:<alice@example.org> was accepted",
        )],
        notes: vec![],
    }
}

/// Store: the Maildir lacks its cur/ folder.
pub fn store_diagnosis() -> Diagnosis {
    use Service::Store;
    Diagnosis {
        findings: vec![finding(
            Store,
            ids::FOLDER_DAMAGED,
            Confidence::Certain,
            "The Maildir has no cur/ folder",
            &["/home/alice/Mail/work: new/ and tmp/ exist, cur/ is missing"],
            &["Create the missing folder (mailfix makes a backup first)"],
            None,
        )],
        ruled_out: vec![ruled(Store, ids::DISK_FULL, "12.4 GB and 3 M inodes free")],
        notes: vec![],
    }
}

/// Check everything: a connect finding, a login finding, and a note.
pub fn everything_diagnosis() -> Diagnosis {
    let mut d = connect_diagnosis();
    d.findings.extend(login_diagnosis().findings);
    d.ruled_out.extend(login_diagnosis().ruled_out);
    d.notes.push(Note {
        service: Some(Service::Incoming),
        text: "The server took 1.8 s to answer the login".into(),
        evidence: vec![],
        problem: false,
    });
    d
}

/// Finish run `run` with `diagnosis` over the model's chosen account.
pub fn finish(model: &mut Model, run: RunId, diagnosis: Diagnosis) {
    let account = model
        .run
        .as_ref()
        .map(|r| r.settings.clone())
        .unwrap_or_else(work);
    update(
        model,
        Msg::RunFinished {
            run,
            report: Box::new(report(account)),
            diagnosis: Box::new(diagnosis),
        },
    );
}
