//! DNS questions of a run: each (name, kind) asked once, shown as a step
//! and recorded as an observation exactly once, however many probes need it.

use crate::account::Service;
use crate::event::{StepKind, StepStatus};
use crate::evidence::{DnsAnswer, DnsLookup, DnsOutcome, Observation, RecordKind};
use crate::plan::{Plan, normalise_host, srv_labels};

use super::ctx::Ctx;

/// Ask (or reuse the answer of) `name` `kind`. `requester` is the service
/// of the probe that needs it, for the step of a host the plan did not name.
pub(crate) async fn lookup(
    ctx: &Ctx,
    name: &str,
    kind: RecordKind,
    requester: Option<Service>,
) -> DnsLookup {
    let name = normalise_host(name);
    let cell = ctx.dns_cell(&name, kind);
    cell.get_or_init(|| ask(ctx, &name, kind, requester))
        .await
        .clone()
}

async fn ask(ctx: &Ctx, name: &str, kind: RecordKind, requester: Option<Service>) -> DnsLookup {
    let (service, primary) = step_meta(&ctx.plan, name, kind, requester);
    let step = ctx.step(StepKind::Dns, service, format!("{name} {kind}"), primary);
    let lookup = match tokio::time::timeout_at(ctx.soft_deadline, ctx.dns.lookup(name, kind)).await
    {
        Ok(lookup) => lookup,
        Err(_) => {
            ctx.note_deadline();
            DnsLookup {
                name: name.to_owned(),
                kind,
                outcome: DnsOutcome::TimedOut,
                ms: ctx.elapsed_ms(),
            }
        }
    };
    let (status, detail) = summary(&lookup);
    step.done(ctx, status, detail);
    ctx.observe(Observation::Dns(lookup.clone()));
    lookup
}

/// The service a question serves and whether it is on the configured path.
fn step_meta(
    plan: &Plan,
    name: &str,
    kind: RecordKind,
    requester: Option<Service>,
) -> (Option<Service>, bool) {
    let configured = [Service::Incoming, Service::Outgoing]
        .into_iter()
        .filter_map(|s| plan.account.server(s).map(|srv| (s, srv)));
    match kind {
        RecordKind::A | RecordKind::Aaaa => {
            for (service, server) in configured {
                if normalise_host(&server.host) == name {
                    return (Some(service), true);
                }
            }
            (requester, false)
        }
        RecordKind::Srv => {
            for (service, server) in configured {
                if srv_labels(server.protocol)
                    .iter()
                    .any(|(label, _)| name.starts_with(&format!("{label}.")))
                {
                    return (Some(service), false);
                }
            }
            (requester, false)
        }
        // The domain's MX serves the whole account.
        RecordKind::Mx => (None, false),
    }
}

/// Status and short detail of a finished question. A domain that
/// publishes no MX or SRV is normal, not a failure.
pub(crate) fn summary(lookup: &DnsLookup) -> (StepStatus, String) {
    let discovery = matches!(lookup.kind, RecordKind::Mx | RecordKind::Srv);
    match &lookup.outcome {
        DnsOutcome::Found(answers) => (
            StepStatus::Ok,
            answers
                .iter()
                .map(answer_text)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        DnsOutcome::NoRecords => (StepStatus::Ok, format!("no {} record", lookup.kind)),
        DnsOutcome::NxDomain if discovery => (StepStatus::Ok, "none published".into()),
        DnsOutcome::NxDomain => (StepStatus::Failed, "no such name (NXDOMAIN)".into()),
        DnsOutcome::TimedOut => (StepStatus::TimedOut, "no answer".into()),
        DnsOutcome::Unreachable(reason) => (
            StepStatus::Failed,
            format!("no name server reachable: {reason}"),
        ),
        DnsOutcome::ServerError(code) => (StepStatus::Failed, format!("server error {code}")),
        DnsOutcome::Failed(text) => (StepStatus::Failed, text.clone()),
    }
}

fn answer_text(answer: &DnsAnswer) -> String {
    match answer {
        DnsAnswer::Addr(ip) => ip.to_string(),
        DnsAnswer::Mx {
            preference,
            exchange,
        } => format!("{preference} {exchange}"),
        DnsAnswer::Srv { port, target, .. } => format!("{target}:{port}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{Account, Protocol, Security, ServerSettings};
    use crate::plan::{Limits, Scope, plan};
    use rstest::rstest;

    fn server(protocol: Protocol, host: &str, port: u16) -> ServerSettings {
        ServerSettings::new(protocol, host, port, Security::Tls).with_username("a@example.org")
    }

    fn the_plan() -> Plan {
        let account = Account {
            name: "t".into(),
            email: "a@example.org".into(),
            incoming: Some(server(Protocol::Imap, "IMAP.example.org", 993)),
            outgoing: Some(server(Protocol::Smtp, "smtp.example.org", 465)),
            store: None,
        };
        plan(&account, Scope::Everything, Limits::default())
    }

    #[rstest]
    #[case::configured_incoming("imap.example.org", RecordKind::A, None, (Some(Service::Incoming), true))]
    #[case::configured_outgoing("smtp.example.org", RecordKind::Aaaa, None, (Some(Service::Outgoing), true))]
    #[case::published_host("mx1.example.org", RecordKind::A, Some(Service::Outgoing), (Some(Service::Outgoing), false))]
    #[case::srv_submission("_submissions._tcp.example.org", RecordKind::Srv, None, (Some(Service::Outgoing), false))]
    #[case::srv_imap("_imaps._tcp.example.org", RecordKind::Srv, None, (Some(Service::Incoming), false))]
    #[case::mx("example.org", RecordKind::Mx, None, (None, false))]
    fn steps_belong_to_their_service(
        #[case] name: &str,
        #[case] kind: RecordKind,
        #[case] requester: Option<Service>,
        #[case] expected: (Option<Service>, bool),
    ) {
        assert_eq!(step_meta(&the_plan(), name, kind, requester), expected);
    }

    fn lookup(kind: RecordKind, outcome: DnsOutcome) -> DnsLookup {
        DnsLookup {
            name: "x.example.org".into(),
            kind,
            outcome,
            ms: 1.0,
        }
    }

    #[rstest]
    #[case::found(RecordKind::A, DnsOutcome::Found(vec![DnsAnswer::Addr([192, 0, 2, 1].into())]), StepStatus::Ok, "192.0.2.1")]
    #[case::no_aaaa(
        RecordKind::Aaaa,
        DnsOutcome::NoRecords,
        StepStatus::Ok,
        "no AAAA record"
    )]
    #[case::nx_host(
        RecordKind::A,
        DnsOutcome::NxDomain,
        StepStatus::Failed,
        "no such name (NXDOMAIN)"
    )]
    #[case::nx_srv(
        RecordKind::Srv,
        DnsOutcome::NxDomain,
        StepStatus::Ok,
        "none published"
    )]
    #[case::timeout(
        RecordKind::Mx,
        DnsOutcome::TimedOut,
        StepStatus::TimedOut,
        "no answer"
    )]
    #[case::unreachable(RecordKind::A, DnsOutcome::Unreachable("10.0.0.1:53: network unreachable".into()), StepStatus::Failed, "no name server reachable: 10.0.0.1:53: network unreachable")]
    fn summaries(
        #[case] kind: RecordKind,
        #[case] outcome: DnsOutcome,
        #[case] status: StepStatus,
        #[case] detail: &str,
    ) {
        assert_eq!(summary(&lookup(kind, outcome)), (status, detail.to_owned()));
    }
}
