//! The engine's progress as the live checklist needs it: the configured
//! path's steps that will not run arrive as `Skipped` while the run is
//! still going, and a neighbour's steps say their security mode in the
//! detail while `target` stays `host:port`.

mod engine_support;

use engine_support::{World, imap_account, limits, run_plan};
use mailfix::account::Security;
use mailfix::event::{EventBody, Step, StepKind, StepStatus};
use mailfix::plan::{Scope, plan};
use mailfix::probe::split_mode;

fn steps(events: &[mailfix::event::Event]) -> Vec<&Step> {
    events
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::Step(step) => Some(step),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn steps_after_a_refused_connect_are_skipped_before_the_run_ends() {
    let mut world = World::new().await;
    world.dns.resolves("mail.example.org", "127.0.0.2");
    // The configured port refuses at once; the neighbour keeps the run
    // going until its connect times out.
    world.refusing("127.0.0.2:993").dropping("127.0.0.2:143");
    let account = imap_account("mail.example.org", 993, Security::Tls);
    let plan = plan(&account, Scope::Everything, limits(800));
    let (report, events) = run_plan(plan, world.options(), 1).await;

    let steps = steps(&events);
    let skipped: Vec<(usize, &Step)> = steps
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            s.primary && s.status == StepStatus::Skipped && s.kind != StepKind::Stability
        })
        .map(|(i, s)| (i, *s))
        .collect();
    let kinds: Vec<StepKind> = skipped.iter().map(|(_, s)| s.kind).collect();
    assert_eq!(
        kinds,
        [
            StepKind::Tls,
            StepKind::Greeting,
            StepKind::Capabilities,
            StepKind::Login,
            StepKind::Mailbox
        ]
    );
    for (_, step) in &skipped {
        assert_eq!(step.detail, "not reached: no connection");
        assert_eq!(step.target, "mail.example.org:993");
    }
    // They came before the neighbour's connect ended (by its timeout).
    let neighbour_done = steps
        .iter()
        .position(|s| !s.primary && s.kind == StepKind::Connect && s.status == StepStatus::TimedOut)
        .expect("the neighbour's connect timed out");
    assert!(skipped.iter().all(|(i, _)| *i < neighbour_done));
    // The report keeps them too, once each.
    let in_report = report
        .steps
        .iter()
        .filter(|s| s.primary && s.status == StepStatus::Skipped)
        .count();
    assert_eq!(in_report, skipped.len() + 1, "plus the stability probe");
}

#[tokio::test]
async fn a_neighbour_says_its_security_mode_and_its_target_stays_host_port() {
    let mut world = World::new().await;
    world.dns.resolves("mail.example.org", "127.0.0.2");
    // Plain text where TLS is configured: the handshake fails, so the same
    // port is looked at with STARTTLS too.
    world
        .answering(
            "127.0.0.2:993",
            "* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n",
        )
        .await
        .answering(
            "127.0.0.2:143",
            "* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n",
        )
        .await;
    let account = imap_account("mail.example.org", 993, Security::Tls);
    let plan = plan(&account, Scope::Everything, limits(800));
    let (report, _) = run_plan(plan, world.options(), 1).await;

    let on_993: Vec<&Step> = report
        .steps
        .iter()
        .filter(|s| s.target == "mail.example.org:993" && s.kind == StepKind::Connect)
        .collect();
    let modes: Vec<(bool, Option<Security>)> = on_993
        .iter()
        .map(|s| (s.primary, split_mode(&s.detail).0))
        .collect();
    assert!(modes.contains(&(true, None)), "{on_993:?}");
    assert!(
        modes.contains(&(false, Some(Security::Starttls))),
        "{on_993:?}"
    );
    for step in report
        .steps
        .iter()
        .filter(|s| !s.primary && !matches!(s.kind, StepKind::Dns | StepKind::Local))
    {
        let (mode, rest) = split_mode(&step.detail);
        assert!(mode.is_some(), "{step:?}");
        assert!(!rest.starts_with(" · "), "{step:?}");
        let (host, port) = step.target.rsplit_once(':').unwrap();
        assert!(!host.is_empty() && port.parse::<u16>().is_ok(), "{step:?}");
    }
    let starttls_greeting = report
        .steps
        .iter()
        .find(|s| !s.primary && s.kind == StepKind::Greeting && s.target.ends_with(":993"))
        .expect("the STARTTLS look at 993 greeted");
    assert_eq!(
        split_mode(&starttls_greeting.detail).0,
        Some(Security::Starttls)
    );
}
