//! End to end over the embedded lab: every sample account, probed by the
//! real engine and judged by the real `diagnose`, shows first the cause it
//! was built to show, and the healthy one shows nothing. The lab's servers
//! also hold mailfix to its safety rules while it runs.

use std::collections::HashMap;
use std::time::Duration;

use futures::future::join_all;
use mailfix::account::PasswordSource;
use mailfix::diagnose::diagnose;
use mailfix::event::RunId;
use mailfix::finding::Diagnosis;
use mailfix::lab::{Lab, Sample};
use mailfix::plan::{Limits, Scope, plan};
use mailfix::probe;
use tokio::sync::mpsc::unbounded_channel;
use tokio_util::sync::CancellationToken;

async fn check(sample: &Sample) -> Diagnosis {
    let plan = plan(
        &sample.account,
        Scope::Everything,
        Limits::from_timeout(Duration::from_secs(2)),
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
    diagnose(&report)
}

fn summary(d: &Diagnosis) -> String {
    d.findings
        .iter()
        .map(|f| format!("{} {} ({})", f.service, f.cause, f.confidence.as_str()))
        .collect::<Vec<_>>()
        .join("; ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sample_shows_its_cause_first_and_mailfix_keeps_the_rules() {
    let lab = Lab::start().await.expect("the lab starts");
    let results = join_all(
        lab.samples()
            .iter()
            .map(|s| async move { (s, check(s).await) }),
    )
    .await;

    let mut wrong = Vec::new();
    for (sample, d) in &results {
        let first = d.findings.first().map(|f| f.cause);
        let right = match sample.shows {
            None => d.is_ok(),
            Some(cause) => first == Some(cause),
        };
        if !right {
            wrong.push(format!(
                "{}: expected {}, got [{}]",
                sample.account.name,
                sample.shows.map_or("nothing".to_owned(), |c| c.to_string()),
                summary(d)
            ));
        }
        for f in &d.findings {
            assert!(
                !f.evidence.is_empty() && !f.fix.is_empty(),
                "{}: {} has no evidence or no fix",
                sample.account.name,
                f.cause
            );
        }
    }
    assert!(
        wrong.is_empty(),
        "samples not diagnosed as built:\n{}",
        wrong.join("\n")
    );

    // No DATA, no bytes between a STARTTLS go-ahead and the handshake, no
    // script expectation broken.
    assert_eq!(lab.violations(), Vec::new());

    // At most one login attempt per mechanism per account and server.
    let mut attempts: HashMap<(String, String, String), usize> = HashMap::new();
    for (server, login) in lab.logins() {
        *attempts
            .entry((server, login.user, login.mechanism))
            .or_default() += 1;
    }
    let repeated: Vec<_> = attempts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(repeated.is_empty(), "repeated logins: {repeated:?}");

    // No password crossed a connection without TLS, except where the
    // account explicitly allows it.
    for sample in lab.samples() {
        for server in [&sample.account.incoming, &sample.account.outgoing]
            .into_iter()
            .flatten()
        {
            if let PasswordSource::Literal(secret) = &server.password
                && !server.allow_plaintext_auth
            {
                assert!(
                    !lab.plaintext_contains(secret.expose().as_bytes()),
                    "{}: the password crossed an unencrypted connection",
                    sample.account.name
                );
            }
        }
    }
}
