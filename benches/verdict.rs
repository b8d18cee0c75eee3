//! Time to verdict: how long `check` takes, from plan to findings, for a
//! healthy account, one whose configured port refuses, and one whose every
//! mail port silently drops. The last is the interesting one: all ports
//! are probed at once, so a dead host should cost about one `--timeout`,
//! not one per port or per address.
//!
//! Everything runs against the embedded lab on 127.0.0.1. Figures are
//! printed, never asserted:
//!
//!     cargo bench --bench verdict              # release build
//!     cargo bench --profile dev --bench verdict

use std::time::{Duration, Instant};

use mailfix::diagnose::diagnose;
use mailfix::event::RunId;
use mailfix::lab::{Lab, Sample};
use mailfix::plan::{Limits, Scope, plan};
use mailfix::probe;
use tokio::sync::mpsc::unbounded_channel;
use tokio_util::sync::CancellationToken;

/// (lab sample, what it stands for)
const CASES: &[(&str, &str)] = &[
    ("healthy", "healthy (IMAP + SMTP + store)"),
    ("wrong-port", "configured port refused"),
    ("firewalled", "every mail port dropped"),
];
const TIMEOUTS: &[u64] = &[1, 2, 5];
const ROUNDS: usize = 5;

async fn verdict(sample: &Sample, timeout: Duration) -> (Duration, String) {
    let started = Instant::now();
    let plan = plan(
        &sample.account,
        Scope::Everything,
        Limits::from_timeout(timeout),
    );
    let (events, _rx) = unbounded_channel();
    let report = probe::run(
        plan,
        sample.options.clone(),
        RunId(1),
        events,
        CancellationToken::new(),
    )
    .await;
    let diagnosis = diagnose(&report);
    let elapsed = started.elapsed();
    let first = diagnosis
        .findings
        .first()
        .map_or("no finding".to_owned(), |f| f.cause.to_string());
    (elapsed, first)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let lab = Lab::start().await.expect("the lab starts");
    println!("time to verdict (median of {ROUNDS} runs; min–max)");
    println!(
        "{:<32} {:>7} {:>9} {:>15}  verdict",
        "account", "timeout", "median", "range"
    );
    for &(name, label) in CASES {
        let sample = lab.sample(name).expect("the lab has this sample");
        for &secs in TIMEOUTS {
            let timeout = Duration::from_secs(secs);
            let mut times = Vec::with_capacity(ROUNDS);
            let mut verdict_text = String::new();
            for _ in 0..ROUNDS {
                lab.clear_records();
                let (t, v) = verdict(sample, timeout).await;
                times.push(t);
                verdict_text = v;
            }
            let (min, max) = (*times.iter().min().unwrap(), *times.iter().max().unwrap());
            println!(
                "{:<32} {:>6}s {:>7.0}ms {:>7.0}–{:<5.0}ms  {}",
                label,
                secs,
                median(times).as_secs_f64() * 1000.0,
                min.as_secs_f64() * 1000.0,
                max.as_secs_f64() * 1000.0,
                verdict_text
            );
        }
    }
    println!(
        "\nA dropped host's verdict should track one timeout (plus the fixed \
         stability sampling of a host that answers), not timeout × ports."
    );
}
