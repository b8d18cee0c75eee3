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
use mailfix::tui::form::FieldId;
use mailfix::tui::model::AccountEntry;
use mailfix::tui::save::SaveError;
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

/// From the form's first field, press ↓ until `id` has the focus.
pub fn down_to(model: &mut Model, id: FieldId) {
    let form = model.form.as_ref().expect("a form is open");
    let index = form
        .fields
        .iter()
        .position(|f| f.id == id)
        .unwrap_or_else(|| panic!("no field {id:?}"));
    feed(model, std::iter::repeat_n(down(), index));
}

/// The runtime's answer to saving `settings` of the first account.
pub fn saved(settings: &Account, result: Result<PathBuf, SaveError>) -> Msg {
    Msg::Saved {
        account: 0,
        settings: Box::new(settings.clone()),
        result,
    }
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

/// A step of the configured path (`service` `None`: about this
/// computer), not numbered yet (see [`numbered`]).
pub fn step(
    service: Option<Service>,
    kind: StepKind,
    target: &str,
    status: StepStatus,
    detail: &str,
) -> Step {
    Step {
        id: StepId(0),
        service,
        kind,
        target: target.into(),
        primary: true,
        status,
        detail: detail.into(),
        ms: None,
    }
}

/// What a [`step`] can be made into.
pub trait StepExt {
    /// It took `ms`.
    fn took(self, ms: f64) -> Step;
    /// A neighbour probe's step rather than the configured path's.
    fn beside(self) -> Step;
}

impl StepExt for Step {
    fn took(self, ms: f64) -> Step {
        Step {
            ms: Some(ms),
            ..self
        }
    }

    fn beside(self) -> Step {
        Step {
            primary: false,
            ..self
        }
    }
}

/// The steps numbered 1, 2, … in the order given, as the engine numbers
/// them.
pub fn numbered(steps: impl IntoIterator<Item = Step>) -> Vec<Step> {
    steps
        .into_iter()
        .zip(1..)
        .map(|(step, id)| Step {
            id: StepId(id),
            ..step
        })
        .collect()
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
    use Service::{Incoming, Outgoing};
    use StepKind::*;
    use StepStatus::*;
    let (imaps, imap) = ("mail.example.org:993", "mail.example.org:143");
    let (submission, submissions, smtp) = (
        "mail.example.org:587",
        "mail.example.org:465",
        "mail.example.org:25",
    );
    let (a, aaaa) = ("mail.example.org A", "mail.example.org AAAA");
    let local = "eth0; default routes IPv4 and IPv6";
    let store = "/home/alice/Mail/work";
    let skipped = "not reached: no connection";
    numbered([
        step(None, Local, "interfaces and routes", Ok, local).took(1.0),
        step(Some(Incoming), Dns, a, Ok, "203.0.113.7").took(12.0),
        step(Some(Incoming), Dns, aaaa, Ok, "2001:db8::7").took(9.0),
        step(Some(Incoming), Connect, imaps, Ok, "203.0.113.7: connected").took(31.0),
        step(Some(Incoming), Tls, imaps, Running, ""),
        step(
            Some(Incoming),
            Connect,
            imap,
            Ok,
            "STARTTLS · 203.0.113.7: connected",
        )
        .beside()
        .took(29.0),
        step(
            Some(Incoming),
            Greeting,
            imap,
            Ok,
            "STARTTLS · * OK IMAP4rev1 ready",
        )
        .beside()
        .took(3.0),
        step(
            Some(Outgoing),
            Connect,
            submission,
            Failed,
            "203.0.113.7: refused (RST)",
        )
        .took(30.4),
        step(Some(Outgoing), Greeting, submission, Skipped, skipped),
        step(Some(Outgoing), Capabilities, submission, Skipped, skipped),
        step(Some(Outgoing), Starttls, submission, Skipped, skipped),
        step(Some(Outgoing), Login, submission, Skipped, skipped),
        step(Some(Outgoing), Relay, submission, Skipped, skipped),
        step(
            Some(Outgoing),
            Connect,
            submissions,
            Ok,
            "TLS · 203.0.113.7: connected",
        )
        .beside()
        .took(31.0),
        step(
            Some(Outgoing),
            Greeting,
            submissions,
            Ok,
            "TLS · 220 mail.example.org ESMTP",
        )
        .beside()
        .took(88.0),
        step(
            Some(Outgoing),
            Connect,
            smtp,
            TimedOut,
            "STARTTLS · 203.0.113.7: timed out",
        )
        .beside()
        .took(5000.0),
        step(Some(Service::Store), StepKind::Store, store, Running, ""),
    ])
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
