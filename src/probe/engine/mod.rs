//! The run: local network first, then every DNS question, endpoint probe,
//! stability probe and the store check at once; published endpoints as
//! MX/SRV answers come in; the local network again; pins; `Finished`.
//!
//! Every task ends its own waits by the soft deadline so its observation
//! is recorded; the hard deadline (`plan.limits.deadline`) and `cancel`
//! stop whatever is left.

mod ctx;
mod dnsq;
mod endpoint;
mod extras;
mod login;
mod progress;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::account::Service;
use crate::event::{Event, EventBody, RunId, StepKind, StepStatus};
use crate::evidence::{DnsLookup, Endpoint, Observation, RecordKind, Report, Role};
use crate::plan::{Plan, Trigger, published_endpoints};

use super::ProbeOptions;
use super::dns::Dns;
use super::local::When;
use super::pins::{self, Pins};
use super::tls::TlsClient;
use ctx::{Ctx, Parts};
use endpoint::Gate;

pub use progress::{mode_detail, path_kinds, split_mode};

enum Ending {
    Done,
    Deadline,
    Cancelled,
}

/// Carry out `plan`, sending progress to `events` (each tagged with
/// `run`), until done, the deadline, or `cancel`. Dropped receivers are
/// fine: the run goes on and still returns its report.
pub async fn run(
    plan: Plan,
    options: ProbeOptions,
    run: RunId,
    events: UnboundedSender<Event>,
    cancel: CancellationToken,
) -> Report {
    let started = Instant::now();
    let hard_deadline = started + plan.limits.deadline;
    let dns = Dns::new(
        options.dns_server,
        plan.limits.timeout,
        options.network.unplugged(),
    );
    let mut report = Report::new(plan.account.clone(), dns.description());
    report.peers = options.peers.clone();

    // Trust stores and pins are files: read them off the async threads.
    let setup = {
        let plan = plan.clone();
        let options = options.clone();
        tokio::task::spawn_blocking(move || setup(&plan, &options))
    };
    let (pins, tls, notes) = tokio::select! {
        biased;
        () = cancel.cancelled() => {
            return cut_short(report, (&events, run), started, false, "The check was cancelled before it started.");
        }
        () = tokio::time::sleep_until(hard_deadline) => {
            return cut_short(report, (&events, run), started, true, "The deadline passed while loading certificates.");
        }
        done = setup => match done {
            Ok(parts) => parts,
            Err(e) => {
                let note = format!("Setting up the probes failed: {e}");
                return cut_short(report, (&events, run), started, false, &note);
            }
        },
    };

    let ctx = Arc::new(Ctx::new(Parts {
        plan,
        options,
        run,
        events,
        dns,
        pins,
        tls,
        report,
        started,
    }));
    for note in notes {
        ctx.add_note(note);
    }

    let ending = tokio::select! {
        biased;
        () = cancel.cancelled() => Ending::Cancelled,
        () = tokio::time::sleep_until(hard_deadline) => Ending::Deadline,
        () = drive(ctx.clone()) => Ending::Done,
    };

    match ending {
        Ending::Done => {}
        Ending::Deadline => {
            ctx.note_deadline();
            ctx.close_running_steps(StepStatus::TimedOut, "stopped at the run's deadline");
        }
        Ending::Cancelled => {
            ctx.close_running_steps(StepStatus::Skipped, "cancelled");
            ctx.add_note("The check was cancelled before it finished.");
        }
    }
    if !matches!(ending, Ending::Cancelled) {
        if ctx.plan.local_network {
            let net = extras::local_net(&ctx, When::End).await;
            ctx.observe(Observation::LocalEnd(net));
        }
        save_pins(&ctx);
    }
    finish(&ctx)
}

/// Pins, TLS clients per configured server, and notes about either.
fn setup(
    plan: &Plan,
    options: &ProbeOptions,
) -> (Pins, HashMap<Service, Option<TlsClient>>, Vec<String>) {
    let mut notes = Vec::new();
    let (pins, note) = Pins::load(options.state_dir.as_deref());
    notes.extend(note);
    let mut tls = HashMap::new();
    for service in [Service::Incoming, Service::Outgoing] {
        let Some(server) = plan.account.server(service) else {
            continue;
        };
        let client = match TlsClient::new(&options.extra_roots, server.ca_file.as_deref()) {
            Ok(client) => Some(client),
            Err(e) => {
                notes.push(format!(
                    "{service}: {e}; the check went on without that file."
                ));
                TlsClient::new(&options.extra_roots, None)
                    .map_err(|e| notes.push(format!("{service}: {e}")))
                    .ok()
            }
        };
        tls.insert(service, client);
    }
    (pins, tls, notes)
}

async fn drive(ctx: Arc<Ctx>) {
    if ctx.plan.local_network {
        let step = ctx.step(StepKind::Local, None, "interfaces and routes", true);
        let net = extras::local_net(&ctx, When::Start).await;
        let (status, detail) = extras::local_summary(&net);
        step.done(&ctx, status, detail);
        ctx.observe(Observation::LocalStart(net));
    }

    let plan = &ctx.plan;
    let mut tasks: JoinSet<Option<DnsLookup>> = JoinSet::new();
    let mut gates: HashMap<Service, watch::Sender<Gate>> = HashMap::new();
    for spec in &plan.stability {
        let (tx, rx) = watch::channel(None);
        gates.insert(spec.service, tx);
        tasks.spawn(quietly(extras::stability(ctx.clone(), spec.clone(), rx)));
    }
    for query in &plan.dns {
        let (ctx, name, kind) = (ctx.clone(), query.name.clone(), query.kind);
        tasks.spawn(async move {
            let lookup = dnsq::lookup(&ctx, &name, kind, None).await;
            matches!(kind, RecordKind::Mx | RecordKind::Srv).then_some(lookup)
        });
    }
    // Probes that run only if the configured endpoint's security is in
    // doubt wait for its verdict on this channel. The receivers are taken
    // out first: the configured spec sorts before its neighbours, and
    // taking its sender must not leave them without a channel.
    let mut doubts: HashMap<Service, watch::Sender<Option<bool>>> = HashMap::new();
    let mut verdicts: HashMap<Service, watch::Receiver<Option<bool>>> = HashMap::new();
    for spec in plan.endpoints.iter().filter(|s| s.role == Role::Configured) {
        let (tx, rx) = watch::channel(None);
        doubts.insert(spec.service, tx);
        verdicts.insert(spec.service, rx);
    }
    let mut probed: HashSet<(Service, Endpoint)> = HashSet::new();
    for spec in &plan.endpoints {
        probed.insert((spec.service, spec.endpoint.clone()));
        if spec.trigger == Trigger::SecurityInDoubt {
            let verdict = verdicts.get(&spec.service).cloned();
            let (ctx, spec) = (ctx.clone(), spec.clone());
            tasks.spawn(quietly(async move {
                if endpoint::wait_for_doubt(verdict).await {
                    endpoint::probe(ctx, spec, None, None).await;
                }
            }));
            continue;
        }
        let (gate, doubt) = match spec.role {
            Role::Configured => (gates.remove(&spec.service), doubts.remove(&spec.service)),
            _ => (None, None),
        };
        tasks.spawn(quietly(endpoint::probe(
            ctx.clone(),
            spec.clone(),
            gate,
            doubt,
        )));
    }
    drop((doubts, verdicts));
    if let Some(store) = &plan.store {
        tasks.spawn(quietly(extras::store(ctx.clone(), store.clone())));
    }
    // Gates without a configured probe: their stability probes skip.
    drop(gates);

    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(Some(lookup)) => {
                for spec in published_endpoints(plan, &lookup) {
                    if probed.insert((spec.service, spec.endpoint.clone())) {
                        tasks.spawn(quietly(endpoint::probe(ctx.clone(), spec, None, None)));
                    }
                }
            }
            Ok(None) => {}
            Err(e) if e.is_panic() => {
                ctx.add_note(format!("A probe stopped on an internal error: {e}"));
            }
            Err(_) => {}
        }
    }
}

fn save_pins(ctx: &Ctx) {
    if !ctx.pins.enabled() {
        return;
    }
    let mut pins = ctx.pins.clone();
    let changed = ctx.with_report(|r| pins.update(&r.endpoints, &pins::today()));
    if changed && let Err(e) = pins.save() {
        ctx.add_note(format!("Certificate pins were not saved: {e}"));
    }
}

fn finish(ctx: &Ctx) -> Report {
    let elapsed_ms = ctx.elapsed_ms();
    let deadline_hit = ctx.deadline_was_hit();
    ctx.with_report(|r| {
        r.elapsed_ms = elapsed_ms;
        r.deadline_hit = deadline_hit;
    });
    ctx.emit(EventBody::Finished {
        elapsed_ms,
        deadline_hit,
    });
    ctx.finish_report()
}

/// The run ended before any probe started.
fn cut_short(
    mut report: Report,
    (events, run): (&UnboundedSender<Event>, RunId),
    started: Instant,
    deadline_hit: bool,
    note: &str,
) -> Report {
    report.run_notes.push(note.to_owned());
    report.deadline_hit = deadline_hit;
    report.elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    let _ = events.send(Event {
        run,
        body: EventBody::Finished {
            elapsed_ms: report.elapsed_ms,
            deadline_hit: report.deadline_hit,
        },
    });
    report
}

/// A task whose result the run loop does not need.
async fn quietly(task: impl Future<Output = ()>) -> Option<DnsLookup> {
    task.await;
    None
}
