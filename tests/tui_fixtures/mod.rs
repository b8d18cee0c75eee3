//! Shared by the wizard's tests: literal accounts, steps, reports and
//! diagnoses (hand-built, as `diagnose` would return them), and helpers
//! that drive `update` with keys and render `view` at 80×24.

#![allow(dead_code)]

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use mailfix::account::{
    Account, AuthMech, PasswordSource, Protocol, Security, ServerSettings, Service, StoreFormat,
    StoreSettings,
};
use mailfix::event::{Event, EventBody, RunId, Step, StepId, StepKind, StepStatus};
use mailfix::evidence::{Direction, Endpoint, TranscriptLine};
use mailfix::probe::discover::{Discovery, Proposal};
use mailfix::secret::Secret;
use mailfix::tui::model::AccountEntry;
use mailfix::tui::{Effect, Model, Msg, update, view};

mod diagnoses;
#[allow(unused_imports)]
pub use diagnoses::*;

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

/// The steps of a run halfway through, as the engine sends them:
/// incoming in its TLS handshake, outgoing's configured port refused (its
/// later steps skipped) while 465 answers and 25 stays silent.
pub fn mid_run_steps() -> Vec<Step> {
    use Service::*;
    use StepKind::*;
    use StepStatus::*;
    let skipped = "not reached: no connection";
    vec![
        step(
            1,
            None,
            Local,
            "interfaces and routes",
            true,
            Ok,
            "eth0; default routes IPv4 and IPv6",
            Some(1.0),
        ),
        step(
            2,
            Some(Incoming),
            Dns,
            "mail.example.org A",
            true,
            Ok,
            "203.0.113.7",
            Some(12.0),
        ),
        step(
            3,
            Some(Incoming),
            Dns,
            "mail.example.org AAAA",
            true,
            Ok,
            "2001:db8::7",
            Some(9.0),
        ),
        step(
            4,
            Some(Incoming),
            Connect,
            "mail.example.org:993",
            true,
            Ok,
            "203.0.113.7: connected",
            Some(31.0),
        ),
        step(
            5,
            Some(Incoming),
            Tls,
            "mail.example.org:993",
            true,
            Running,
            "",
            None,
        ),
        step(
            6,
            Some(Incoming),
            Connect,
            "mail.example.org:143",
            false,
            Ok,
            "STARTTLS · 203.0.113.7: connected",
            Some(29.0),
        ),
        step(
            7,
            Some(Incoming),
            Greeting,
            "mail.example.org:143",
            false,
            Ok,
            "STARTTLS · * OK IMAP4rev1 ready",
            Some(3.0),
        ),
        step(
            8,
            Some(Outgoing),
            Connect,
            "mail.example.org:587",
            true,
            Failed,
            "203.0.113.7: refused (RST)",
            Some(30.4),
        ),
        step(
            9,
            Some(Outgoing),
            Greeting,
            "mail.example.org:587",
            true,
            Skipped,
            skipped,
            None,
        ),
        step(
            10,
            Some(Outgoing),
            Capabilities,
            "mail.example.org:587",
            true,
            Skipped,
            skipped,
            None,
        ),
        step(
            11,
            Some(Outgoing),
            Starttls,
            "mail.example.org:587",
            true,
            Skipped,
            skipped,
            None,
        ),
        step(
            12,
            Some(Outgoing),
            Login,
            "mail.example.org:587",
            true,
            Skipped,
            skipped,
            None,
        ),
        step(
            13,
            Some(Outgoing),
            Relay,
            "mail.example.org:587",
            true,
            Skipped,
            skipped,
            None,
        ),
        step(
            14,
            Some(Outgoing),
            Connect,
            "mail.example.org:465",
            false,
            Ok,
            "TLS · 203.0.113.7: connected",
            Some(31.0),
        ),
        step(
            15,
            Some(Outgoing),
            Greeting,
            "mail.example.org:465",
            false,
            Ok,
            "TLS · 220 mail.example.org ESMTP",
            Some(88.0),
        ),
        step(
            16,
            Some(Outgoing),
            Connect,
            "mail.example.org:25",
            false,
            TimedOut,
            "STARTTLS · 203.0.113.7: timed out",
            Some(5000.0),
        ),
        step(
            17,
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

// ── discovery ───────────────────────────────────────────────────────────

/// What a search for `email`'s servers found: POP3 and submission.
pub fn discovery(email: &str, verified: bool) -> Discovery {
    let endpoint = |protocol, host: &str, port, security| Endpoint {
        protocol,
        host: host.into(),
        port,
        security,
    };
    Discovery {
        email: email.into(),
        domain: "example.com".into(),
        incoming: Some(Proposal {
            endpoint: endpoint(Protocol::Pop3, "pop.example.com", 995, Security::Tls),
            verified,
            evidence: vec![
                "published in DNS as _pop3s._tcp.example.com".into(),
                "answers in POP3 with TLS, certificate verified (TLSv1.3)".into(),
            ],
        }),
        outgoing: Some(Proposal {
            endpoint: endpoint(Protocol::Smtp, "smtp.example.com", 587, Security::Starttls),
            verified,
            evidence: vec!["a standard port of smtp.example.com".into()],
        }),
        dns: vec![],
        looked_at: 12,
        answered: 2,
    }
}
