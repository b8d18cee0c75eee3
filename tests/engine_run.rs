//! The engine end to end on loopback: events, their order and run ids,
//! the report built from them, and published endpoints from SRV answers.

mod engine_support;

use std::collections::HashMap;

use hickory_proto::rr::RecordType;

use engine_support::{Answer, World, imap_account, limits, run_plan, srv};
use mailfix::account::{Security, Service, StoreFormat, StoreSettings};
use mailfix::event::{EventBody, RunId, StepKind, StepStatus};
use mailfix::evidence::{ConnectOutcome, Observation, Publisher, RecordKind, Role};
use mailfix::plan::{Scope, plan};

async fn healthy_world() -> World {
    let mut world = World::new().await;
    world.dns.resolves("mail.example.org", "127.0.0.2").set(
        "example.org",
        RecordType::MX,
        Answer::Empty,
    );
    world
        .answering("127.0.0.2:993", "* OK ready\r\n")
        .await
        .answering("127.0.0.2:143", "* OK ready\r\n")
        .await;
    world
}

#[tokio::test]
async fn events_come_in_order_with_the_run_id_and_build_the_report() {
    let world = healthy_world().await;
    let mut account = imap_account("mail.example.org", 993, Security::Tls);
    let store_dir = tempfile::tempdir().unwrap();
    account.store = Some(StoreSettings {
        path: store_dir.path().to_owned(),
        format: StoreFormat::Maildir,
    });
    let plan = plan(&account, Scope::Everything, limits(1500));
    let (report, events) = run_plan(plan, world.options(), 7).await;

    assert!(events.iter().all(|e| e.run == RunId(7)));
    // Local network first, then everything else; LocalEnd, then Finished.
    assert!(
        matches!(&events[0].body, EventBody::Step(s) if s.kind == StepKind::Local && s.status == StepStatus::Running)
    );
    let pos =
        |pred: &dyn Fn(&EventBody) -> bool| events.iter().position(|e| pred(&e.body)).unwrap();
    let local_start = pos(&|b| matches!(b, EventBody::Observed(Observation::LocalStart(_))));
    let first_dns = pos(&|b| matches!(b, EventBody::Step(s) if s.kind == StepKind::Dns));
    assert!(local_start < first_dns);
    let n = events.len();
    assert!(matches!(
        events[n - 1].body,
        EventBody::Finished {
            deadline_hit: false,
            ..
        }
    ));
    assert!(matches!(
        events[n - 2].body,
        EventBody::Observed(Observation::LocalEnd(_))
    ));

    // Every step that started also ended, under the same id; the report
    // holds each step's last state.
    let mut last = HashMap::new();
    for e in &events {
        if let EventBody::Step(s) = &e.body {
            last.insert(s.id, s.clone());
        }
    }
    assert!(last.values().all(|s| s.status.is_done()), "{last:?}");
    assert_eq!(report.steps.len(), last.len());
    for step in &report.steps {
        assert_eq!(Some(step), last.get(&step.id));
    }

    // The configured host is asked once per kind, recorded once per kind.
    assert_eq!(world.dns.asked("mail.example.org", RecordType::A), 1);
    assert_eq!(world.dns.asked("mail.example.org", RecordType::AAAA), 1);
    let dns_a = events
        .iter()
        .filter(|e| matches!(&e.body, EventBody::Observed(Observation::Dns(l)) if l.name == "mail.example.org" && l.kind == RecordKind::A))
        .count();
    assert_eq!(dns_a, 1);
    assert_eq!(
        report.addresses_of("mail.example.org"),
        ["127.0.0.2".parse::<std::net::IpAddr>().unwrap()]
    );

    // The configured endpoint connected and was talked to.
    let configured = report.configured(Service::Incoming).unwrap();
    assert_eq!(configured.connects.len(), 1);
    assert_eq!(configured.connects[0].outcome, ConnectOutcome::Connected);
    assert_eq!(
        configured.connects[0].addr,
        "127.0.0.2:993".parse().unwrap()
    );
    assert!(configured.session.is_some());
    let endpoint_events = events
        .iter()
        .filter(|e| matches!(e.body, EventBody::Observed(Observation::Endpoint(_))))
        .count();
    assert_eq!(endpoint_events, report.endpoints.len());
    assert!(report.store.is_some());
    assert!(report.local_start.is_some() && report.local_end.is_some());
    assert_eq!(report.resolver, world.dns.addr.to_string());

    // The stability probe ran once the endpoint had answered.
    assert_eq!(report.stability.len(), 1);
    assert_eq!(report.stability[0].successes(), 5);
    let steps: Vec<_> = report
        .steps
        .iter()
        .filter(|s| s.primary && s.kind == StepKind::Connect)
        .collect();
    assert!(steps.iter().all(|s| s.service == Some(Service::Incoming)));
}

#[tokio::test]
async fn srv_answers_spawn_published_endpoint_probes() {
    let mut world = healthy_world().await;
    world
        .dns
        .set(
            "_imaps._tcp.example.org",
            RecordType::SRV,
            Answer::Records(vec![srv(993, "imap.provider.test.")]),
        )
        .resolves("imap.provider.test", "127.0.0.3");
    world.answering("127.0.0.3:993", "* OK provider\r\n").await;
    let account = imap_account("mail.example.org", 993, Security::Tls);
    let plan = plan(&account, Scope::Everything, limits(1500));
    let (report, _) = run_plan(plan, world.options(), 1).await;

    let published = report
        .endpoints
        .iter()
        .find(|p| p.role == Role::Published(Publisher::Srv("_imaps._tcp".into())))
        .expect("a probe of the SRV target");
    assert_eq!(published.endpoint.host, "imap.provider.test");
    assert_eq!(published.connects[0].outcome, ConnectOutcome::Connected);
    assert_eq!(world.dns.asked("imap.provider.test", RecordType::A), 1);
    assert_eq!(
        report
            .lookup("imap.provider.test", RecordKind::A)
            .map(|l| l.outcome.addrs()),
        Some(vec!["127.0.0.3".parse().unwrap()])
    );
    let steps = report
        .steps
        .iter()
        .filter(|s| s.kind == StepKind::Connect && s.target == "imap.provider.test:993");
    assert!(steps.clone().count() == 1 && steps.clone().all(|s| !s.primary));
}

#[tokio::test]
async fn a_closed_receiver_does_not_stop_the_run() {
    let world = healthy_world().await;
    let account = imap_account("mail.example.org", 993, Security::Tls);
    let plan = plan(&account, Scope::Everything, limits(1500));
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    drop(rx);
    let report = mailfix::probe::run(
        plan,
        world.options(),
        RunId(3),
        tx,
        tokio_util::sync::CancellationToken::new(),
    )
    .await;
    assert!(report.configured(Service::Incoming).unwrap().connected());
    assert!(report.local_end.is_some());
}

#[tokio::test]
async fn damaged_pins_are_a_note_never_a_failure() {
    let world = healthy_world().await;
    let state = tempfile::tempdir().unwrap();
    let pins = state.path().join("pins.toml");
    std::fs::write(&pins, "this is [not toml").unwrap();
    let mut options = world.options();
    options.state_dir = Some(state.path().to_owned());
    let account = imap_account("mail.example.org", 993, Security::Tls);
    let plan = plan(&account, Scope::Everything, limits(1500));
    let (report, _) = run_plan(plan, options, 1).await;

    assert!(
        report.run_notes.iter().any(|n| n.contains("damaged")),
        "{:?}",
        report.run_notes
    );
    assert!(report.configured(Service::Incoming).unwrap().connected());
    // Nothing verified in this run, so nothing was pinned or rewritten.
    assert_eq!(std::fs::read_to_string(&pins).unwrap(), "this is [not toml");
}
