//! One endpoint probe: resolve the host (A and AAAA at once, shared with
//! every other probe of the host), connect to each address (both families
//! at once, each its own step), talk on the first address that connects
//! while the other connects finish, and report it all as one observation.

use std::net::{IpAddr, SocketAddr};
use std::pin::pin;
use std::sync::{Arc, Mutex, PoisonError};

use futures::FutureExt;
use futures::future::join_all;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};

use crate::event::{EventBody, StepKind, StepStatus};
use crate::evidence::{
    ConnectAttempt, ConnectOutcome, Depth, EndpointProbe, Observation, Phase, RecordKind, Role,
    Session, SessionEnd,
};
use crate::plan::{EndpointSpec, is_ip_literal, security_in_doubt};
use crate::probe::net;
use crate::probe::session::{LoginParams, SessionParams, run_session};

use super::ctx::Ctx;
use super::progress::{ProgressMap, mode_detail, not_reached, path_kinds};
use super::{dnsq, login};

/// Addresses tried per family: enough for round-robin hosts, bounded.
const MAX_ADDRS_PER_FAMILY: usize = 4;

/// Whether the configured endpoint of a service has connected: `None`
/// while unknown, then the address that connected or `None` for never.
pub(crate) type Gate = Option<Option<SocketAddr>>;

type Connected = (ConnectAttempt, Option<TcpStream>);

/// Waits for the configured probe's word on whether its security is in
/// doubt; false when it ends without one.
pub(crate) async fn wait_for_doubt(verdict: Option<watch::Receiver<Option<bool>>>) -> bool {
    let Some(mut verdict) = verdict else {
        return false;
    };
    match verdict.wait_for(Option::is_some).await {
        Ok(value) => value.unwrap_or(false),
        Err(_) => false,
    }
}

pub(crate) async fn probe(
    ctx: Arc<Ctx>,
    spec: EndpointSpec,
    gate: Option<watch::Sender<Gate>>,
    doubt: Option<watch::Sender<Option<bool>>>,
) {
    let ctx = &*ctx;
    let (tx, mut rx) = mpsc::unbounded_channel::<Connected>();
    let mut families = pin!(connect_all(ctx, &spec, tx).fuse());
    let mut families_done = false;
    let mut connects: Vec<ConnectAttempt> = Vec::new();

    // Phase 1: until one address connects (or none can), while the
    // password is fetched.
    let first_connect = async {
        loop {
            tokio::select! {
                got = rx.recv() => match got {
                    Some((attempt, stream)) => {
                        let addr = attempt.addr;
                        connects.push(attempt);
                        if let Some(stream) = stream {
                            return Some((addr, stream));
                        }
                    }
                    None => return None,
                },
                () = &mut families, if !families_done => families_done = true,
            }
        }
    };
    let (login, first) = tokio::join!(
        login::params(&ctx.plan.account, &spec, ctx.timeout()),
        first_connect
    );
    if let Some(gate) = &gate {
        gate.send_replace(Some(first.as_ref().map(|(addr, _)| *addr)));
    }

    // Phase 2: the conversation, while the remaining connects finish.
    let session = async {
        match first {
            Some((addr, stream)) => {
                let (session, seen) = converse(ctx, &spec, addr, stream, login).await;
                (Some(session), seen)
            }
            None => (None, Vec::new()),
        }
    };
    let rest = async {
        if !families_done {
            families.await;
        }
        let mut rest = Vec::new();
        // Later connections are closed unused.
        while let Some((attempt, _stream)) = rx.recv().await {
            rest.push(attempt);
        }
        rest
    };
    let ((session, mut seen), rest) = tokio::join!(session, rest);
    connects.extend(rest);
    if spec.role == Role::Configured && spec.depth == Depth::Full {
        // Every address got a connect step, or one skipped step said the
        // name resolved to none.
        seen.push(StepKind::Connect);
        let path = path_kinds(spec.service, spec.endpoint.security);
        for (kind, why) in not_reached(&path, &seen, session.as_ref()) {
            ctx.skipped(kind, Some(spec.service), spec.endpoint.target(), true, why);
        }
    }

    let probe = EndpointProbe {
        service: spec.service,
        role: spec.role.clone(),
        endpoint: spec.endpoint.clone(),
        depth: spec.depth,
        connects,
        session,
    };
    if let Some(doubt) = doubt {
        doubt.send_replace(Some(security_in_doubt(&probe)));
    }
    ctx.observe(Observation::Endpoint(Box::new(probe)));
}

/// Resolve and connect, both families at once; every attempt goes to `tx`.
async fn connect_all(ctx: &Ctx, spec: &EndpointSpec, tx: mpsc::UnboundedSender<Connected>) {
    let host = &spec.endpoint.host;
    if is_ip_literal(host) {
        if let Ok(ip) = host.parse::<IpAddr>() {
            connect_each(ctx, spec, vec![ip], &tx).await;
        }
        return;
    }
    let family = |kind: RecordKind| {
        let tx = &tx;
        async move {
            let lookup = dnsq::lookup(ctx, host, kind, Some(spec.service)).await;
            let mut addrs = lookup.outcome.addrs();
            addrs.truncate(MAX_ADDRS_PER_FAMILY);
            let count = addrs.len();
            connect_each(ctx, spec, addrs, tx).await;
            count
        }
    };
    let (v4, v6) = tokio::join!(family(RecordKind::A), family(RecordKind::Aaaa));
    if v4 + v6 == 0 {
        let primary = spec.role == Role::Configured;
        let why = "the name did not resolve to any address";
        ctx.skipped(
            StepKind::Connect,
            Some(spec.service),
            spec.endpoint.target(),
            primary,
            step_detail(spec, why),
        );
    }
}

async fn connect_each(
    ctx: &Ctx,
    spec: &EndpointSpec,
    addrs: Vec<IpAddr>,
    tx: &mpsc::UnboundedSender<Connected>,
) {
    join_all(addrs.into_iter().map(|ip| async move {
        let result = connect_one(ctx, spec, SocketAddr::new(ip, spec.endpoint.port)).await;
        let _ = tx.send(result);
    }))
    .await;
}

/// A step's detail: a neighbour's says its security mode first.
fn step_detail(spec: &EndpointSpec, detail: &str) -> String {
    if spec.role == Role::Configured {
        detail.to_owned()
    } else {
        mode_detail(spec.endpoint.security, detail)
    }
}

async fn connect_one(ctx: &Ctx, spec: &EndpointSpec, addr: SocketAddr) -> Connected {
    let mut step = ctx.new_step(
        StepKind::Connect,
        Some(spec.service),
        spec.endpoint.target(),
        spec.role == Role::Configured,
        StepStatus::Running,
        step_detail(spec, ""),
    );
    ctx.emit(EventBody::Step(step.clone()));
    let started = tokio::time::Instant::now();
    let limit = ctx.wait_limit();
    let connected = net::connect(&ctx.options.network, addr, limit).await;
    let outcome = &connected.attempt.outcome;
    if *outcome == ConnectOutcome::TimedOut && limit < ctx.timeout() {
        ctx.note_deadline();
    }
    step.status = connect_status(outcome);
    step.detail = step_detail(spec, &format!("{}: {outcome}", addr.ip()));
    step.ms = Some(started.elapsed().as_secs_f64() * 1000.0);
    ctx.emit(EventBody::Step(step));
    (connected.attempt, connected.stream)
}

fn connect_status(outcome: &ConnectOutcome) -> StepStatus {
    match outcome {
        ConnectOutcome::Connected => StepStatus::Ok,
        ConnectOutcome::TimedOut => StepStatus::TimedOut,
        _ => StepStatus::Failed,
    }
}

/// The conversation on `stream`, bounded by the run's deadline, and the
/// kinds of step it went through.
async fn converse(
    ctx: &Ctx,
    spec: &EndpointSpec,
    addr: SocketAddr,
    stream: TcpStream,
    login: Option<LoginParams>,
) -> (Session, Vec<StepKind>) {
    let Some(tls) = ctx.tls.get(&spec.service).and_then(Option::as_ref) else {
        let mut session = Session::new(addr);
        session.end = SessionEnd::Stopped {
            phase: Phase::Connect,
            reason: "no TLS configuration could be built, so nothing was sent".into(),
        };
        return (session, Vec::new());
    };
    let params = SessionParams {
        service: spec.service,
        endpoint: spec.endpoint.clone(),
        depth: spec.depth,
        login,
        pin: ctx.pins.get(&spec.endpoint.target()),
        timeout: ctx.timeout(),
        deadline: ctx.soft_deadline,
    };
    let primary = spec.role == Role::Configured;
    let map = Mutex::new(
        ProgressMap::new(ctx, spec.service, spec.endpoint.target(), primary)
            .with_mode((!primary).then_some(spec.endpoint.security)),
    );
    let progress = |p| map.lock().unwrap_or_else(PoisonError::into_inner).on(p);
    let talked = tokio::time::timeout_at(
        ctx.soft_deadline,
        run_session(stream, addr, &params, tls, progress),
    )
    .await;
    let mut map = map.into_inner().unwrap_or_else(PoisonError::into_inner);
    let session = match talked {
        Ok(session) => session,
        Err(_) => {
            ctx.note_deadline();
            map.cut(addr)
        }
    };
    (session, map.seen().to_vec())
}
