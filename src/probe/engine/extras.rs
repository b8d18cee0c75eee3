//! The probes beside the endpoints: the stability probe of a configured
//! endpoint (started only once that endpoint has connected) and the store
//! check; and the local network snapshots.

use std::sync::Arc;

use tokio::sync::watch;

use crate::account::{Security, Service, StoreSettings};
use crate::event::{StepKind, StepStatus};
use crate::evidence::{
    AttemptOutcome, LocalNet, Observation, StabilityProbe, StoreCheck, WriteTest,
};
use crate::plan::StabilitySpec;
use crate::probe::local::{self, When};
use crate::probe::{stability, store};

use super::ctx::Ctx;
use super::endpoint::Gate;

pub(crate) async fn stability(ctx: Arc<Ctx>, spec: StabilitySpec, mut gate: watch::Receiver<Gate>) {
    let ctx = &*ctx;
    let target = spec.endpoint.target();
    let seen = async { gate.wait_for(Option::is_some).await.ok().and_then(|g| *g) };
    let addr = tokio::time::timeout_at(ctx.soft_deadline, seen)
        .await
        .ok()
        .flatten()
        .flatten();
    let Some(addr) = addr else {
        ctx.skipped(
            StepKind::Stability,
            Some(spec.service),
            target,
            true,
            "not run: the server never answered",
        );
        return;
    };
    let step = ctx.step(StepKind::Stability, Some(spec.service), target, true);
    let tls_client = ctx.tls.get(&spec.service).and_then(Option::clone);
    let sampled = stability::probe(
        &ctx.options.network,
        stability::Spec {
            addr,
            mode: match (spec.endpoint.security, tls_client) {
                (Security::Tls, Some(client)) => stability::Mode::TlsGreeting {
                    client,
                    host: spec.endpoint.host.clone(),
                },
                (Security::Tls, None) => stability::Mode::Connect,
                _ => stability::Mode::Greeting,
            },
            attempts: spec.attempts,
            timeout: ctx.timeout(),
            deadline: ctx.soft_deadline,
        },
    )
    .await;
    if sampled.cut_by_deadline {
        ctx.note_deadline();
    }
    let attempts = sampled.attempts;
    if attempts.is_empty() {
        step.done(ctx, StepStatus::Skipped, "no time left before the deadline");
        return;
    }
    let ok = attempts
        .iter()
        .filter(|a| a.outcome == AttemptOutcome::Ok)
        .count();
    let status = if ok == attempts.len() {
        StepStatus::Ok
    } else {
        StepStatus::Failed
    };
    step.done(ctx, status, format!("{ok} of {} answered", attempts.len()));
    ctx.observe(Observation::Stability(StabilityProbe {
        service: spec.service,
        endpoint: spec.endpoint,
        attempts,
    }));
}

pub(crate) async fn store(ctx: Arc<Ctx>, settings: StoreSettings) {
    let ctx = &*ctx;
    let step = ctx.step(
        StepKind::Store,
        Some(Service::Store),
        settings.path.display().to_string(),
        true,
    );
    let space = ctx
        .options
        .network
        .simulated()
        .and_then(|sim| sim.store_space);
    match tokio::time::timeout_at(ctx.soft_deadline, store::check(&settings, space)).await {
        Ok(check) => {
            let (status, detail) = store_summary(&check);
            step.done(ctx, status, detail);
            ctx.observe(Observation::Store(check));
        }
        Err(_) => {
            ctx.note_deadline();
            step.done(ctx, StepStatus::TimedOut, "stopped at the run's deadline");
        }
    }
}

fn store_summary(check: &StoreCheck) -> (StepStatus, String) {
    let free = check
        .space
        .map(|s| format!("{} free", human_bytes(s.free_bytes)));
    let (status, what) = match (&check.write_test, check.problems.len()) {
        (WriteTest::Failed { text, .. }, _) => {
            (StepStatus::Failed, format!("test write failed: {text}"))
        }
        (_, n) if n > 0 => (StepStatus::Failed, format!("{n} problem(s) found")),
        (WriteTest::NotRun(reason), _) => (StepStatus::Ok, format!("test write not run: {reason}")),
        (WriteTest::Ok, _) => (StepStatus::Ok, "writable".to_owned()),
    };
    let detail = match free {
        Some(free) => format!("{what}; {free}"),
        None => what,
    };
    (status, detail)
}

fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// The local network, read off the async threads and bounded by the
/// plan's timeout; "could not tell" when the OS takes longer.
pub(crate) async fn local_net(ctx: &Ctx, when: When) -> LocalNet {
    let network = ctx.options.network.clone();
    let read = tokio::task::spawn_blocking(move || local::read(&network, when));
    match tokio::time::timeout(ctx.timeout(), read).await {
        Ok(Ok(net)) => net,
        _ => LocalNet::default(),
    }
}

/// Status and detail of the local network step.
pub(crate) fn local_summary(net: &LocalNet) -> (StepStatus, String) {
    let usable: Vec<&str> = net.usable_interfaces().map(|i| i.name.as_str()).collect();
    let routes = match (net.default_route_v4, net.default_route_v6) {
        (Some(true), Some(true)) => "default routes IPv4 and IPv6",
        (Some(true), _) => "default route IPv4",
        (_, Some(true)) => "default route IPv6",
        (None, None) => "routes unknown",
        _ => "no default route",
    };
    let ifaces = if usable.is_empty() {
        "no usable interface".to_owned()
    } else {
        usable.join(", ")
    };
    let status = if net.clearly_offline() {
        StepStatus::Failed
    } else {
        StepStatus::Ok
    };
    (status, format!("{ifaces}; {routes}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::StoreFormat;
    use crate::evidence::{Interface, Space, StoreProblem, WriteErrorKind};
    use rstest::rstest;

    fn check(write_test: WriteTest, problems: Vec<StoreProblem>, free: Option<u64>) -> StoreCheck {
        StoreCheck {
            path: "/home/a/Mail".into(),
            format: StoreFormat::Maildir,
            space: free.map(|free_bytes| Space {
                free_bytes,
                total_bytes: free_bytes * 4,
                free_inodes: None,
                total_inodes: None,
            }),
            write_test,
            problems,
            entries_checked: 3,
            simulated: false,
        }
    }

    #[rstest]
    #[case::fine(check(WriteTest::Ok, vec![], Some(3 * 1024 * 1024 * 1024)), StepStatus::Ok, "writable; 3.0 GB free")]
    #[case::full(
        check(WriteTest::Failed { kind: WriteErrorKind::NoSpace, path: "/home/a/Mail/tmp/x".into(), text: "No space left on device".into() }, vec![], Some(512)),
        StepStatus::Failed,
        "test write failed: No space left on device; 512 B free"
    )]
    #[case::damaged(check(WriteTest::Ok, vec![StoreProblem::MissingSubdir("cur".into())], None), StepStatus::Failed, "1 problem(s) found")]
    fn store_summaries(
        #[case] check: StoreCheck,
        #[case] status: StepStatus,
        #[case] detail: &str,
    ) {
        assert_eq!(store_summary(&check), (status, detail.to_owned()));
    }

    fn iface(name: &str, up: bool, loopback: bool) -> Interface {
        Interface {
            name: name.into(),
            up,
            carrier: Some(up),
            loopback,
            addrs: vec![[192, 0, 2, 9].into()],
        }
    }

    #[test]
    fn local_summary_names_usable_interfaces_and_routes() {
        let online = LocalNet {
            interfaces: vec![iface("lo", true, true), iface("eth0", true, false)],
            default_route_v4: Some(true),
            default_route_v6: Some(false),
            ..LocalNet::default()
        };
        assert_eq!(
            local_summary(&online),
            (StepStatus::Ok, "eth0; default route IPv4".to_owned())
        );
        let offline = LocalNet {
            interfaces: vec![iface("lo", true, true), iface("wlan0", false, false)],
            default_route_v4: Some(false),
            default_route_v6: Some(false),
            ..LocalNet::default()
        };
        assert_eq!(
            local_summary(&offline),
            (
                StepStatus::Failed,
                "no usable interface; no default route".to_owned()
            )
        );
    }
}
