//! Snapshots of what `check` prints, text and JSON, on hand-built reports
//! and diagnoses (the engine and diagnose are others' work and tested there).

use mailfix::account::{
    Account, PasswordSource, Protocol, Security, ServerSettings, Service, StoreFormat,
    StoreSettings,
};
use mailfix::catalogue::ids;
use mailfix::event::{Step, StepId, StepKind, StepStatus};
use mailfix::evidence::Report;
use mailfix::finding::{Confidence, Diagnosis, Finding, Note, RuledOut, SettingsPatch};
use mailfix::output::{Palette, json, text};

fn server(protocol: Protocol, port: u16, security: Security) -> ServerSettings {
    ServerSettings::new(protocol, "mail.example.org", port, security)
        .with_username("alice@example.org")
        .with_password(PasswordSource::Command("pass show mail".into()))
}

fn account() -> Account {
    Account {
        name: "work".into(),
        email: "alice@example.org".into(),
        incoming: Some(server(Protocol::Imap, 993, Security::Tls)),
        outgoing: Some(server(Protocol::Smtp, 587, Security::Starttls)),
        store: Some(StoreSettings {
            path: "/home/alice/Mail/work".into(),
            format: StoreFormat::Maildir,
        }),
    }
}

fn step(
    id: u32,
    service: Option<Service>,
    kind: StepKind,
    target: &str,
    status: StepStatus,
    ms: Option<f64>,
    primary: bool,
) -> Step {
    Step {
        id: StepId(id),
        service,
        kind,
        target: target.into(),
        primary,
        status,
        detail: match status {
            StepStatus::Ok => "ok".into(),
            StepStatus::Failed => "refused".into(),
            _ => String::new(),
        },
        ms,
    }
}

fn report() -> Report {
    let mut report = Report::new(account(), "127.0.0.1:5353");
    report.steps = vec![
        step(
            1,
            None,
            StepKind::Local,
            "interfaces",
            StepStatus::Ok,
            Some(0.4),
            true,
        ),
        step(
            2,
            Some(Service::Incoming),
            StepKind::Dns,
            "mail.example.org A",
            StepStatus::Ok,
            Some(3.21),
            true,
        ),
        step(
            3,
            Some(Service::Incoming),
            StepKind::Connect,
            "mail.example.org:993",
            StepStatus::Ok,
            Some(12.46),
            true,
        ),
        step(
            4,
            Some(Service::Outgoing),
            StepKind::Connect,
            "mail.example.org:587",
            StepStatus::Failed,
            Some(0.9),
            true,
        ),
        step(
            5,
            Some(Service::Outgoing),
            StepKind::Connect,
            "mail.example.org:465",
            StepStatus::Ok,
            Some(11.0),
            false,
        ),
        step(
            6,
            Some(Service::Outgoing),
            StepKind::Connect,
            "mail.example.org:25",
            StepStatus::TimedOut,
            Some(5000.0),
            false,
        ),
        step(
            7,
            Some(Service::Store),
            StepKind::Store,
            "/home/alice/Mail/work",
            StepStatus::Running,
            None,
            true,
        ),
    ];
    report.elapsed_ms = 5012.34;
    report
}

fn diagnosis() -> Diagnosis {
    Diagnosis {
        findings: vec![Finding {
            service: Service::Outgoing,
            cause: ids::WRONG_PORT,
            confidence: Confidence::Likely,
            title: "Port 587 is closed; 465 answers with SMTP over TLS".into(),
            evidence: vec![
                "mail.example.org:587 refused the connection (RST)".into(),
                "mail.example.org:465 greeted \"220 mail.example.org ESMTP\"\u{1b}[2J".into(),
            ],
            fix: vec!["Use port 465 with security tls.".into()],
            patch: Some(SettingsPatch {
                port: Some(465),
                security: Some(Security::Tls),
                ..SettingsPatch::default()
            }),
        }],
        ruled_out: vec![
            RuledOut {
                service: Service::Outgoing,
                cause: ids::NO_NETWORK,
                reason: "DNS and IMAP answered".into(),
            },
            RuledOut {
                service: Service::Outgoing,
                cause: ids::FIREWALL,
                reason: "465 answered in 11 ms".into(),
            },
        ],
        notes: vec![Note {
            service: Some(Service::Store),
            text: "The store check did not finish in time".into(),
            evidence: vec!["walked 10000 entries".into()],
            problem: false,
        }],
    }
}

fn healthy() -> (Report, Diagnosis) {
    let mut report = Report::new(account(), "system");
    report.steps = vec![step(
        1,
        Some(Service::Incoming),
        StepKind::Login,
        "mail.example.org:993",
        StepStatus::Ok,
        Some(40.0),
        true,
    )];
    report.elapsed_ms = 830.0;
    (report, Diagnosis::default())
}

#[test]
fn text_with_a_finding() {
    insta::assert_snapshot!(text::render(&report(), &diagnosis(), Palette::PLAIN));
}

#[test]
fn text_no_problem() {
    let (report, diagnosis) = healthy();
    insta::assert_snapshot!(text::render(&report, &diagnosis, Palette::PLAIN));
}

#[test]
fn text_with_colour_is_the_same_words() {
    let plain = text::render(&report(), &diagnosis(), Palette::PLAIN);
    let colour = text::render(&report(), &diagnosis(), Palette::COLOR);
    assert!(colour.contains("\u{1b}[1;31m✗\u{1b}[0m"));
    let stripped = strip_ansi(&colour);
    assert_eq!(stripped, plain);
}

#[test]
fn text_never_passes_control_characters_from_evidence() {
    let plain = text::render(&report(), &diagnosis(), Palette::PLAIN);
    assert!(!plain.contains('\u{1b}'), "{plain}");
    assert!(plain.contains("\\u{1b}[2J"), "{plain}");
}

#[test]
fn json_with_a_finding() {
    let line = json::line(&report(), &diagnosis());
    assert!(!line.contains('\n'));
    let value: serde_json::Value = serde_json::from_str(&line).unwrap();
    insta::assert_snapshot!(serde_json::to_string_pretty(&value).unwrap());
}

#[test]
fn json_no_problem() {
    let (report, diagnosis) = healthy();
    let value: serde_json::Value = serde_json::from_str(&json::line(&report, &diagnosis)).unwrap();
    insta::assert_snapshot!(serde_json::to_string_pretty(&value).unwrap());
}

/// The fields design.md fixes, with their types: scripts depend on them.
#[test]
fn json_keeps_the_contract() {
    let value: serde_json::Value =
        serde_json::from_str(&json::line(&report(), &diagnosis())).unwrap();
    assert_eq!(value["account"], "work");
    assert_eq!(value["ok"], false);
    let finding = &value["findings"][0];
    for key in ["service", "category", "title"] {
        assert!(finding[key].is_string(), "{key}");
    }
    assert!(finding["cause"].is_u64());
    assert!(finding["evidence"].is_array() && finding["fix"].is_array());
    let ruled = &value["ruled_out"][0];
    assert_eq!(
        (
            ruled["service"].as_str(),
            ruled["category"].as_str(),
            ruled["cause"].as_u64()
        ),
        (Some("outgoing"), Some("connect"), Some(1))
    );
    assert!(ruled["reason"].is_string());
    let steps = value["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 6, "the step without a service is left out");
    let first = &steps[0];
    assert_eq!(first["service"], "incoming");
    assert_eq!(first["step"], "dns");
    assert_eq!(first["target"], "mail.example.org A");
    assert_eq!(first["outcome"], "ok");
    assert!(first["ms"].is_f64());
    assert_eq!(steps[2]["outcome"], "failed");
    assert_eq!(steps[4]["outcome"], "timeout");
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn json_ms_is_always_a_number() {
    let value: serde_json::Value =
        serde_json::from_str(&json::line(&report(), &diagnosis())).unwrap();
    let steps = value["steps"].as_array().unwrap();
    assert!(steps.iter().all(|s| s["ms"].is_number()), "{steps:?}");
    assert_eq!(steps[5]["outcome"], "running");
    assert_eq!(steps[5]["ms"], 0.0);
}
