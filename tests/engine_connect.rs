//! Connect outcomes and DNS failures as the engine reports them, on
//! loopback listeners reached through the simulated network.

mod engine_support;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use hickory_proto::rr::RecordType;

use engine_support::{
    Answer, World, aaaa, imap_account, limits, run_plan, smtp_account, submission,
};
use mailfix::account::{Security, Service};
use mailfix::event::{StepKind, StepStatus};
use mailfix::evidence::{ConnectOutcome, DnsOutcome, RecordKind, Report, Role};
use mailfix::plan::{Scope, plan};

fn outcome(report: &Report, service: Service, port: u16) -> Vec<ConnectOutcome> {
    report
        .probes_for(service)
        .filter(|p| {
            p.endpoint.port == port && p.role != Role::Published(mailfix::evidence::Publisher::Mx)
        })
        .flat_map(|p| p.connects.iter().map(|c| c.outcome.clone()))
        .collect()
}

#[tokio::test]
async fn refused_dropped_and_answering_ports_are_told_apart() {
    let mut world = World::new().await;
    world.dns.resolves("mail.example.org", "127.0.0.2");
    world
        .answering("127.0.0.2:25", "220 mail ESMTP\r\n")
        .await
        .refusing("127.0.0.2:587")
        .dropping("127.0.0.2:465");
    let account = smtp_account("mail.example.org", 587, Security::Starttls);
    let plan = plan(&account, Scope::Everything, limits(800));
    let (report, _) = run_plan(plan, world.options(), 1).await;

    assert_eq!(
        outcome(&report, Service::Outgoing, 25),
        [ConnectOutcome::Connected]
    );
    // 587 is probed once: the other security mode of the configured port
    // is tried only when TLS or the greeting failed there, not on a refusal.
    assert_eq!(
        outcome(&report, Service::Outgoing, 587),
        [ConnectOutcome::Refused]
    );
    assert_eq!(
        outcome(&report, Service::Outgoing, 465),
        [ConnectOutcome::TimedOut]
    );
    // Only the endpoint that connected has a session.
    for probe in report.probes_for(Service::Outgoing) {
        assert_eq!(
            probe.session.is_some(),
            probe.connected(),
            "{}",
            probe.endpoint
        );
    }
    let configured_connect = report
        .steps
        .iter()
        .find(|s| s.kind == StepKind::Connect && s.primary)
        .unwrap();
    assert_eq!(configured_connect.status, StepStatus::Failed);
    assert_eq!(configured_connect.detail, "127.0.0.2: refused (RST)");
    // The configured endpoint never connected: no stability probe.
    assert!(report.stability.is_empty());
    let stability = report
        .steps
        .iter()
        .find(|s| s.kind == StepKind::Stability)
        .unwrap();
    assert_eq!(stability.status, StepStatus::Skipped);
}

#[tokio::test]
async fn every_address_is_tried_in_both_families() {
    let mut world = World::new().await;
    world.dns.resolves("mail.example.org", "127.0.0.2").set(
        "mail.example.org",
        RecordType::AAAA,
        Answer::Records(vec![aaaa("2001:db8::2")]),
    );
    world
        .refusing("127.0.0.2:993")
        .answering("[2001:db8::2]:993", "* OK six\r\n")
        .await;
    let account = imap_account("mail.example.org", 993, Security::Tls);
    let plan = plan(&account, Scope::Everything, limits(800));
    let (report, _) = run_plan(plan, world.options(), 1).await;

    let configured = report.configured(Service::Incoming).unwrap();
    let mut seen: Vec<(IpAddr, ConnectOutcome)> = configured
        .connects
        .iter()
        .map(|c| (c.addr.ip(), c.outcome.clone()))
        .collect();
    seen.sort_by_key(|(ip, _)| ip.is_ipv6());
    assert_eq!(
        seen,
        [
            ("127.0.0.2".parse().unwrap(), ConnectOutcome::Refused),
            ("2001:db8::2".parse().unwrap(), ConnectOutcome::Connected),
        ]
    );
    let session = configured.session.as_ref().unwrap();
    assert_eq!(
        session.addr,
        "[2001:db8::2]:993".parse::<SocketAddr>().unwrap()
    );
}

#[tokio::test]
async fn a_name_that_does_not_exist_gets_no_connect() {
    let world = World::new().await;
    let account = imap_account("nowhere.example.org", 993, Security::Tls);
    let plan = plan(&account, Scope::Everything, limits(800));
    let (report, _) = run_plan(plan, world.options(), 1).await;

    assert_eq!(
        report
            .lookup("nowhere.example.org", RecordKind::A)
            .unwrap()
            .outcome,
        DnsOutcome::NxDomain
    );
    let configured = report.configured(Service::Incoming).unwrap();
    assert!(configured.connects.is_empty() && configured.session.is_none());
    let step = report
        .steps
        .iter()
        .find(|s| s.kind == StepKind::Connect && s.primary)
        .unwrap();
    assert_eq!(step.status, StepStatus::Skipped);
}

#[tokio::test]
async fn server_errors_and_empty_answers_reach_the_report() {
    let world = World::new().await;
    world
        .dns
        .set("mail.example.org", RecordType::A, Answer::ServFail)
        .set("mail.example.org", RecordType::AAAA, Answer::Refused)
        .set("example.org", RecordType::MX, Answer::Empty);
    let account = imap_account("mail.example.org", 993, Security::Tls);
    let plan = plan(&account, Scope::Everything, limits(800));
    let (report, _) = run_plan(plan, world.options(), 1).await;

    let outcome = |name: &str, kind| report.lookup(name, kind).unwrap().outcome.clone();
    assert_eq!(
        outcome("mail.example.org", RecordKind::A),
        DnsOutcome::ServerError("SERVFAIL".into())
    );
    assert_eq!(
        outcome("mail.example.org", RecordKind::Aaaa),
        DnsOutcome::ServerError("REFUSED".into())
    );
    assert_eq!(
        outcome("example.org", RecordKind::Mx),
        DnsOutcome::NoRecords
    );
    assert_eq!(
        outcome("_imaps._tcp.example.org", RecordKind::Srv),
        DnsOutcome::NxDomain
    );
}

#[tokio::test]
async fn an_unreachable_dns_server_is_reported_with_the_os_reason() {
    let world = World::new().await;
    let closed: SocketAddr = {
        let socket = std::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        socket.local_addr().unwrap()
    };
    let mut options = world.options();
    options.dns_server = Some(closed);
    let account = imap_account("mail.example.org", 993, Security::Tls);
    let plan = plan(&account, Scope::Everything, limits(800));
    let (report, _) = run_plan(plan, options, 1).await;

    assert_eq!(
        report
            .lookup("mail.example.org", RecordKind::A)
            .unwrap()
            .outcome,
        DnsOutcome::Unreachable(format!("{closed}: connection refused"))
    );
    assert_eq!(report.resolver, closed.to_string());
}

#[tokio::test]
async fn an_unplugged_cable_fails_dns_and_connects_without_a_packet() {
    let world = World::new().await;
    let mut sim = world.simulation();
    sim.unplugged = true;
    let account = imap_account("192.0.2.7", 993, Security::Tls);
    let mut account_named = account.clone();
    account_named.outgoing = Some(submission("mail.example.org"));
    let plan = plan(&account_named, Scope::Everything, limits(800));
    let (report, _) = run_plan(plan, world.options_with(sim), 1).await;

    let configured = report.configured(Service::Incoming).unwrap();
    assert_eq!(configured.connects.len(), 1);
    assert_eq!(
        configured.connects[0].outcome,
        ConnectOutcome::NetUnreachable
    );
    assert_eq!(
        report
            .lookup("mail.example.org", RecordKind::A)
            .unwrap()
            .outcome,
        DnsOutcome::Unreachable("network unreachable".into())
    );
    assert_eq!(world.dns.asked("mail.example.org", RecordType::A), 0);
}

/// The configured port in the other security mode is probed only when the
/// configured one failed at the TLS or greeting stage.
#[tokio::test]
async fn the_other_security_mode_is_tried_only_in_doubt() {
    for (configured, expect_other) in [(Security::Tls, true), (Security::Starttls, false)] {
        let mut world = World::new().await;
        world.dns.resolves("mail.example.org", "127.0.0.2");
        // A plaintext SMTP server on 2525 (no standard port, so only the
        // doubt probe can try its other mode): fine for STARTTLS, plain
        // text where a TLS ServerHello was due for implicit TLS.
        world
            .answering("127.0.0.2:2525", "220 mail ESMTP\r\n")
            .await
            .refusing("127.0.0.2:465")
            .refusing("127.0.0.2:587")
            .refusing("127.0.0.2:25");
        let account = smtp_account("mail.example.org", 2525, configured);
        let plan = plan(&account, Scope::Everything, limits(800));
        let (report, _) = run_plan(plan, world.options(), 1).await;
        let other = report
            .probes_for(Service::Outgoing)
            .any(|p| p.endpoint.port == 2525 && p.endpoint.security != configured);
        assert_eq!(other, expect_other, "configured {configured:?}");
    }
}
