use super::*;
use crate::account::Account;
use crate::event::Event;
use crate::evidence::Direction;
use crate::plan::{Limits, Scope, plan};

fn ctx() -> (Ctx, tokio::sync::mpsc::UnboundedReceiver<Event>) {
    let account = Account {
        name: "t".into(),
        email: "a@example.org".into(),
        incoming: None,
        outgoing: None,
        store: None,
    };
    Ctx::for_test(plan(&account, Scope::Everything, Limits::default()))
}

fn drain(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Event>) -> Vec<EventBody> {
    let mut out = Vec::new();
    while let Ok(e) = rx.try_recv() {
        assert_eq!(e.run, crate::event::RunId(5));
        out.push(e.body);
    }
    out
}

fn steps(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Event>) -> Vec<Step> {
    drain(rx)
        .into_iter()
        .filter_map(|b| match b {
            EventBody::Step(s) => Some(s),
            _ => None,
        })
        .collect()
}

fn line(text: &str) -> TranscriptLine {
    TranscriptLine {
        dir: Direction::Server,
        text: text.into(),
        tls: false,
        at_ms: 1.0,
    }
}

#[test]
fn a_step_keeps_its_id_from_start_to_end() {
    let (ctx, mut rx) = ctx();
    let mut map = ProgressMap::new(&ctx, Service::Incoming, "m.example.org:993".into(), true);
    map.on(Progress::StepStarted(StepKind::Tls));
    map.on(Progress::StepDone {
        kind: StepKind::Tls,
        status: StepStatus::Ok,
        detail: "TLSv1.3".into(),
        ms: 12.0,
    });
    // Done without a start: a step of its own.
    map.on(Progress::StepDone {
        kind: StepKind::Greeting,
        status: StepStatus::Failed,
        detail: "silence".into(),
        ms: 3.0,
    });
    let steps = steps(&mut rx);
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[0].id, steps[1].id);
    assert_ne!(steps[1].id, steps[2].id);
    assert_eq!(
        (steps[0].status, steps[1].status),
        (StepStatus::Running, StepStatus::Ok)
    );
    assert_eq!(steps[1].ms, Some(12.0));
    assert!(steps.iter().all(|s| s.primary
        && s.service == Some(Service::Incoming)
        && s.target == "m.example.org:993"));
    assert_eq!(ctx.finish_report().steps.len(), 2);
}

#[test]
fn only_the_configured_endpoint_streams_its_transcript() {
    let (ctx, mut rx) = ctx();
    let mut configured = ProgressMap::new(&ctx, Service::Outgoing, "a:587".into(), true);
    let mut neighbour = ProgressMap::new(&ctx, Service::Outgoing, "a:25".into(), false);
    configured.on(Progress::Line(line("220 hi")));
    neighbour.on(Progress::Line(line("220 other")));
    let events = drain(&mut rx);
    assert_eq!(
        events,
        [EventBody::Transcript {
            service: Service::Outgoing,
            line: line("220 hi")
        }]
    );
}

#[test]
fn a_cut_session_keeps_its_transcript_and_where_it_stopped() {
    let (ctx, mut rx) = ctx();
    let mut map = ProgressMap::new(&ctx, Service::Incoming, "m:143".into(), true);
    map.on(Progress::StepStarted(StepKind::Greeting));
    map.on(Progress::Line(line("* OK")));
    map.on(Progress::StepDone {
        kind: StepKind::Greeting,
        status: StepStatus::Ok,
        detail: "* OK".into(),
        ms: 1.0,
    });
    map.on(Progress::StepStarted(StepKind::Starttls));
    drain(&mut rx);
    let addr = "192.0.2.1:143".parse().unwrap();
    let session = map.cut(addr);
    assert_eq!(session.addr, addr);
    assert_eq!(
        session.end,
        SessionEnd::TimedOut {
            phase: Phase::Starttls
        }
    );
    assert_eq!(session.transcript, [line("* OK")]);
    let closed = drain(&mut rx);
    assert!(
        matches!(&closed[..], [EventBody::Step(s)] if s.kind == StepKind::Starttls && s.status == StepStatus::TimedOut)
    );
}

#[rstest::rstest]
#[case(
    Security::Tls,
    "127.0.0.1: refused (RST)",
    "TLS · 127.0.0.1: refused (RST)"
)]
#[case(Security::Starttls, "", "STARTTLS")]
#[case(Security::None, "+OK ready", "plain · +OK ready")]
fn a_neighbour_detail_names_its_mode_and_reads_back(
    #[case] mode: Security,
    #[case] detail: &str,
    #[case] want: &str,
) {
    let text = mode_detail(mode, detail);
    assert_eq!(text, want);
    assert_eq!(split_mode(&text), (Some(mode), detail));
}

#[rstest::rstest]
#[case("127.0.0.1: connected")]
#[case("TLSv1.3")]
#[case("plainly · not a mode")]
#[case("")]
fn details_without_a_mode_come_back_whole(#[case] detail: &str) {
    assert_eq!(split_mode(detail), (None, detail));
}

#[test]
fn the_path_follows_the_security_and_the_service() {
    use StepKind::*;
    assert_eq!(
        path_kinds(Service::Incoming, Security::Tls),
        [Connect, Tls, Greeting, Capabilities, Login, Mailbox]
    );
    assert_eq!(
        path_kinds(Service::Outgoing, Security::Starttls),
        [Connect, Greeting, Capabilities, Starttls, Login, Relay]
    );
}

#[test]
fn what_never_started_is_skipped_with_the_reason() {
    use StepKind::*;
    let path = path_kinds(Service::Incoming, Security::Tls);
    let reasons = |seen: &[StepKind], session: Option<&Session>| -> Vec<(StepKind, String)> {
        not_reached(&path, seen, session)
    };
    assert_eq!(
        reasons(&[Connect], None),
        [Tls, Greeting, Capabilities, Login, Mailbox]
            .map(|k| (k, "not reached: no connection".to_owned()))
    );
    let addr = "127.0.0.1:993".parse().unwrap();
    let mut session = Session::new(addr);
    session.end = SessionEnd::Reset {
        phase: Phase::TlsHandshake,
    };
    let why = "not reached: the session ended during the TLS handshake";
    assert_eq!(
        reasons(&[Connect, Tls], Some(&session)),
        [Greeting, Capabilities, Login, Mailbox].map(|k| (k, why.to_owned()))
    );
    session.end = SessionEnd::Completed;
    session.login = Some(LoginOutcome::Skipped(
        crate::evidence::LoginSkip::NoPassword,
    ));
    assert_eq!(
        reasons(
            &[Connect, Tls, Greeting, Capabilities, Login],
            Some(&session)
        ),
        [(Mailbox, "not run: there was no login".to_owned())]
    );
    let all = [Connect, Tls, Greeting, Capabilities, Login, Mailbox];
    assert!(reasons(&all, Some(&session)).is_empty());
}

#[test]
fn a_neighbour_step_says_its_mode_from_start_to_end() {
    let (ctx, mut rx) = ctx();
    let mut map = ProgressMap::new(&ctx, Service::Outgoing, "a:587".into(), false)
        .with_mode(Some(Security::Tls));
    map.on(Progress::StepStarted(StepKind::Tls));
    map.on(Progress::StepDone {
        kind: StepKind::Tls,
        status: StepStatus::Failed,
        detail: "TLS alert: protocol version".into(),
        ms: 2.0,
    });
    let details: Vec<String> = steps(&mut rx).into_iter().map(|s| s.detail).collect();
    assert_eq!(details, ["TLS", "TLS · TLS alert: protocol version"]);
    assert_eq!(map.seen(), [StepKind::Tls]);
}
