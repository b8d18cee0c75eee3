//! The run's bounds: the overall deadline, cancellation, and a dead host
//! that costs one timeout for all its ports rather than one per port.
//! Bounds are checked against the plan's own deadline, never as durations.

mod engine_support;

use std::time::Duration;

use hickory_proto::rr::RecordType;
use tokio_util::sync::CancellationToken;

use engine_support::{Answer, World, dropping_port, imap_account, limits, run_plan, submission};
use mailfix::account::{Security, Service};
use mailfix::event::{EventBody, RunId, StepKind, StepStatus};
use mailfix::evidence::{ConnectOutcome, DnsOutcome, RecordKind};
use mailfix::plan::{Limits, Scope, plan};

#[tokio::test]
async fn the_deadline_ends_the_run_with_every_observation_in() {
    let world = World::new().await;
    world
        .dns
        .set("mail.example.org", RecordType::A, Answer::Silent)
        .set("mail.example.org", RecordType::AAAA, Answer::Silent);
    let account = imap_account("mail.example.org", 993, Security::Tls);
    // Each wait may take 3 s, the whole run only 600 ms.
    let limits = Limits {
        timeout: Duration::from_secs(3),
        deadline: Duration::from_millis(600),
        stability_attempts: 5,
    };
    let plan = plan(&account, Scope::Everything, limits);
    let (report, events) = run_plan(plan, world.options(), 9).await;

    assert!(report.deadline_hit);
    assert!(matches!(
        events.last().unwrap().body,
        EventBody::Finished {
            deadline_hit: true,
            ..
        }
    ));
    assert_eq!(
        report
            .lookup("mail.example.org", RecordKind::A)
            .unwrap()
            .outcome,
        DnsOutcome::TimedOut
    );
    assert!(report.configured(Service::Incoming).is_some());
    assert!(report.steps.iter().all(|s| s.status.is_done()));
}

#[tokio::test]
async fn cancel_ends_the_run_promptly() {
    let world = World::new().await;
    world
        .dns
        .set("mail.example.org", RecordType::A, Answer::Silent)
        .set("mail.example.org", RecordType::AAAA, Answer::Silent);
    let account = imap_account("mail.example.org", 993, Security::Tls);
    // A long deadline: only the cancel can end this run early.
    let plan = plan(&account, Scope::Everything, limits(30_000));
    let deadline = plan.limits.deadline;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let cancel = CancellationToken::new();
    let run = tokio::spawn(mailfix::probe::run(
        plan,
        world.options(),
        RunId(4),
        tx,
        cancel.clone(),
    ));
    // Cancel once the DNS questions are out.
    loop {
        let event = rx.recv().await.unwrap();
        if matches!(&event.body, EventBody::Step(s) if s.kind == StepKind::Dns) {
            break;
        }
    }
    cancel.cancel();
    let report = tokio::time::timeout(deadline / 10, run)
        .await
        .expect("cancel must end the run long before its deadline")
        .unwrap();
    assert!(report.run_notes.iter().any(|n| n.contains("cancelled")));
    assert!(report.steps.iter().all(|s| s.status.is_done()));
    let mut last = None;
    while let Ok(event) = rx.try_recv() {
        last = Some(event);
    }
    assert!(matches!(last.unwrap().body, EventBody::Finished { .. }));
}

#[tokio::test]
async fn a_host_that_drops_every_port_costs_one_timeout_not_one_per_port() {
    let world = World::new().await;
    world.dns.resolves("mail.example.org", "127.0.0.2");
    // Every connect of the simulation lands on a port that drops SYNs.
    let dropper = dropping_port();
    let mut sim = world.simulation();
    sim.routes.clear();
    sim.fallback = Some(dropper.addr);
    let mut account = imap_account("mail.example.org", 993, Security::Tls);
    account.outgoing = Some(submission("mail.example.org"));
    // Seven ports: probed one after another they would need seven
    // timeouts; the deadline allows four.
    let plan = plan(&account, Scope::Everything, limits(700));
    assert!(plan.endpoints.len() >= 7);
    let (report, _) = run_plan(plan, world.options_with(sim), 1).await;

    assert!(!report.deadline_hit, "all ports must be tried at once");
    for probe in &report.endpoints {
        assert_eq!(probe.connects.len(), 1, "{}", probe.endpoint);
        assert_eq!(probe.connects[0].outcome, ConnectOutcome::TimedOut);
    }
    // The stability probes never started: the host never answered.
    assert!(report.stability.is_empty());
    let stability: Vec<_> = report
        .steps
        .iter()
        .filter(|s| s.kind == StepKind::Stability)
        .collect();
    assert_eq!(stability.len(), 2);
    assert!(stability.iter().all(|s| s.status == StepStatus::Skipped));
}
