//! Shared by the wizard's tests: literal accounts, steps, reports and
//! diagnoses (hand-built, as `diagnose` would return them), and helpers
//! that drive `update` with keys and render `view` at 80×24.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use mailfix::account::{
    Account, AuthMech, PasswordSource, Protocol, Security, ServerSettings, Service, StoreFormat,
    StoreSettings,
};
use mailfix::catalogue::{CauseId, ids};
use mailfix::event::{Event, EventBody, RunId, Step, StepId, StepKind, StepStatus};
use mailfix::evidence::{
    Depth, Direction, Endpoint, EndpointProbe, Report, Role, Session, TranscriptLine,
};
use mailfix::finding::{Confidence, Diagnosis, Finding, Note, RuledOut, SettingsPatch};
use mailfix::secret::Secret;
use mailfix::tui::model::AccountEntry;
use mailfix::tui::{Effect, Model, Msg, update, view};

pub const PASSWORD: &str = "hunter2-correct-horse";

pub fn server(protocol: Protocol, host: &str, port: u16, security: Security) -> ServerSettings {
    ServerSettings {
        protocol,
        host: host.into(),
        port,
        port_explicit: port != protocol.default_port(security),
        security,
        auth: AuthMech::Auto,
        username: "alice@example.org".into(),
        password: PasswordSource::Literal(Secret::new(PASSWORD)),
        ca_file: None,
        allow_plaintext_auth: false,
        relay_probe_rcpt: None,
    }
}

pub fn work() -> Account {
    Account {
        name: "work".into(),
        email: "alice@example.org".into(),
        incoming: Some(server(
            Protocol::Imap,
            "mail.example.org",
            993,
            Security::Tls,
        )),
        outgoing: Some(server(
            Protocol::Smtp,
            "mail.example.org",
            587,
            Security::Starttls,
        )),
        store: Some(StoreSettings {
            path: PathBuf::from("/home/alice/Mail/work"),
            format: StoreFormat::Maildir,
        }),
    }
}

pub fn home() -> Account {
    let mut incoming = server(Protocol::Pop3, "pop.example.net", 995, Security::Tls);
    incoming.username = "bob".into();
    Account {
        name: "home".into(),
        email: "bob@example.net".into(),
        incoming: Some(incoming),
        outgoing: None,
        store: None,
    }
}

pub fn model() -> Model {
    Model::new(
        vec![
            AccountEntry::new(work(), None),
            AccountEntry::new(home(), None),
        ],
        vec![],
        false,
        true,
    )
}

pub fn demo_model() -> Model {
    let mut wrong_port = work();
    wrong_port.name = "wrong-port".into();
    let mut bad_password = home();
    bad_password.name = "bad-password".into();
    Model::new(
        vec![
            AccountEntry::new(
                wrong_port,
                Some("The outgoing port is closed; the server takes 465.".into()),
            ),
            AccountEntry::new(
                bad_password,
                Some("The password is wrong for this mailbox.".into()),
            ),
        ],
        vec!["line 12: key \"pasword\" is unknown and was ignored".into()],
        true,
        false,
    )
}

// ── keys ────────────────────────────────────────────────────────────────

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

pub fn enter() -> Msg {
    key(KeyCode::Enter)
}

pub fn esc() -> Msg {
    key(KeyCode::Esc)
}

pub fn down() -> Msg {
    key(KeyCode::Down)
}

/// Feed messages in order; the effects they asked for, in order.
pub fn feed(model: &mut Model, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    msgs.into_iter().filter_map(|m| update(model, m)).collect()
}

/// Type `text` key by key.
pub fn type_text(model: &mut Model, text: &str) -> Vec<Effect> {
    feed(model, text.chars().map(ch))
}

/// The run id of a `StartRun`.
pub fn started(effect: &Effect) -> RunId {
    match effect {
        Effect::StartRun { run, .. } => *run,
        other => panic!("expected StartRun, got {other:?}"),
    }
}

// ── rendering ───────────────────────────────────────────────────────────

pub fn render_at(model: &Model, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| view(model, frame)).unwrap();
    terminal.backend().to_string()
}

pub fn render(model: &Model) -> String {
    render_at(model, 80, 24)
}

// ── steps and events ────────────────────────────────────────────────────

#[allow(clippy::too_many_arguments)]
pub fn step(
    id: u32,
    service: Option<Service>,
    kind: StepKind,
    target: &str,
    primary: bool,
    status: StepStatus,
    detail: &str,
    ms: Option<f64>,
) -> Step {
    Step {
        id: StepId(id),
        service,
        kind,
        target: target.into(),
        primary,
        status,
        detail: detail.into(),
        ms,
    }
}

pub fn event(run: RunId, body: EventBody) -> Msg {
    Msg::Probe(Event { run, body })
}

pub fn line(dir: Direction, text: &str, at_ms: f64) -> TranscriptLine {
    TranscriptLine {
        dir,
        text: text.into(),
        tls: true,
        at_ms,
    }
}

/// The steps of a run halfway through: incoming in TLS, outgoing's
/// configured port refused while 465 answers.
pub fn mid_run_steps() -> Vec<Step> {
    use Service::*;
    use StepKind::*;
    use StepStatus::*;
    vec![
        step(
            1,
            None,
            Local,
            "interfaces and routes",
            true,
            Ok,
            "eth0 up, default route",
            Some(1.0),
        ),
        step(
            2,
            Some(Incoming),
            Dns,
            "mail.example.org",
            true,
            Ok,
            "203.0.113.7, 2001:db8::7",
            Some(12.0),
        ),
        step(
            3,
            Some(Incoming),
            Connect,
            "203.0.113.7:993",
            true,
            Ok,
            "connected",
            Some(31.0),
        ),
        step(
            4,
            Some(Incoming),
            Tls,
            "mail.example.org:993",
            true,
            Running,
            "handshake",
            None,
        ),
        step(
            5,
            Some(Incoming),
            Connect,
            "mail.example.org:143",
            false,
            Ok,
            "answers",
            Some(29.0),
        ),
        step(
            6,
            Some(Outgoing),
            Dns,
            "mail.example.org",
            true,
            Ok,
            "203.0.113.7",
            Some(11.0),
        ),
        step(
            7,
            Some(Outgoing),
            Connect,
            "203.0.113.7:587",
            true,
            Failed,
            "refused",
            Some(30.4),
        ),
        step(
            8,
            Some(Outgoing),
            Greeting,
            "mail.example.org:465",
            false,
            Ok,
            "answers (TLS)",
            Some(88.0),
        ),
        step(
            9,
            Some(Outgoing),
            Connect,
            "mail.example.org:25",
            false,
            TimedOut,
            "no answer",
            Some(5000.0),
        ),
        step(
            10,
            Some(Service::Store),
            StepKind::Store,
            "/home/alice/Mail/work",
            true,
            Running,
            "",
            None,
        ),
    ]
}

pub fn mid_run_transcript() -> Vec<(Service, TranscriptLine)> {
    vec![
        (
            Service::Incoming,
            line(Direction::Note, "TLS handshake started", 31.0),
        ),
        (
            Service::Outgoing,
            line(Direction::Server, "220 mail.example.org ESMTP", 88.0),
        ),
        (
            Service::Outgoing,
            line(Direction::Client, "EHLO mailfix.invalid", 89.0),
        ),
    ]
}

/// Start a run from the account list on account `index` for symptom row
/// `symptom`; returns its id.
pub fn start(model: &mut Model, index: usize, symptom: usize) -> RunId {
    let mut msgs = vec![];
    msgs.extend(std::iter::repeat_n(down(), index));
    msgs.push(enter());
    msgs.extend(std::iter::repeat_n(down(), symptom));
    msgs.push(enter());
    let effects = feed(model, msgs);
    assert_eq!(effects.len(), 1, "{effects:?}");
    started(&effects[0])
}

pub fn send_steps(model: &mut Model, run: RunId) {
    for s in mid_run_steps() {
        update(model, event(run, EventBody::Step(s)));
    }
    for (service, l) in mid_run_transcript() {
        update(
            model,
            event(run, EventBody::Transcript { service, line: l }),
        );
    }
    update(
        model,
        Msg::Tick {
            run,
            elapsed_ms: 2100.0,
        },
    );
}

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
